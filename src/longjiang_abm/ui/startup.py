"""Start-up of the UI server: the kernels compiled in the background while the page says
"preparing the model", and the run settings the page accepts."""

from __future__ import annotations

import threading

import solara

from .boundaries import boundaries

MIN_FIRMS, MAX_FIRMS = 1000, 5_000_000  # below 1000 firms the map and KPIs mean little
PREPARED = threading.Event()  # set once the kernels are compiled (warm_up) and the map built
PREPARED.set()  # nothing to wait for unless serve() started a warm-up


def warm_up() -> None:
    """Compile the numba kernels (a year of a small model; read from numba's cache after the
    first start) and build the map's geometry, in the background, so the first page can
    show "preparing the model" meanwhile and its first Step is quick."""
    PREPARED.clear()

    def work():
        try:
            from ..model import LongjiangModel

            boundaries()
            m = LongjiangModel(seed=0, n_firms=300, check_accounts=False)
            for _ in range(4):
                m.step()
        finally:
            PREPARED.set()

    threading.Thread(target=work, name="longjiang-warm-up", daemon=True).start()


def check_population(n_firms: int, seed: int) -> str | None:
    """Why the page refuses these run settings (None: fine)."""
    if n_firms and not MIN_FIRMS <= n_firms <= MAX_FIRMS:
        return (
            f"firms {n_firms:,}: the page needs {MIN_FIRMS:,} to {MAX_FIRMS:,} firms "
            "(35,000 = the whole province; 0 = the scenario's own population)"
        )
    if seed < 0:
        return f"seed {seed}: must be a non-negative integer"
    return None


@solara.component
def Preparing():
    """What the page shows while the model is being prepared."""
    with solara.Column(
        style={"max-width": "640px", "margin": "80px auto"}, classes=["lj-preparing"]
    ):
        solara.Text("Preparing the model…", style={"font-size": "22px"})
        solara.ProgressLinear(True)
        solara.Text(
            "Compiling the numba kernels (about a minute the first time after installing, "
            "a few seconds later: they are cached) and building the 2018 population of the "
            "province's firms.",
            style={"color": "#555"},
        )
