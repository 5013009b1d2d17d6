"""An annual firm panel collected during a run (for the stylized facts).

The model itself keeps no history of firms; ``run_panel`` steps a ``LongjiangModel`` and, at
the end of every calendar year (and once for the initial 2018 population), takes a snapshot
of a few columns of the living firms. Every quarter it also notes which firm ids disappeared,
so each firm's quarter of entry and of exit is known exactly (firm ids are never reused).
Cost: one copy of ~10 columns per year and one boolean pass per quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..model import LongjiangModel
from ..params import Scenario

SNAPSHOT = (
    "id",
    "sector",
    "owner",
    "pref",
    "park",
    "born",
    "size",
    "K_year",
    "inv_ytd",
    "rev_year",
    "A",
    "L",
    "va",
    "K",
)


@dataclass
class Panel:
    seed: int
    years: int
    snapshots: pd.DataFrame  # one row per living firm and year (year 0 = end of 2018)
    born: np.ndarray  # by firm id: quarter of entry (0 = the 2018 population)
    died: np.ndarray  # by firm id: quarter of exit, 0 if alive at the end
    kpis: pd.DataFrame
    initial: dict = field(default_factory=dict)  # initial-state measures (validate.targets)
    year1: dict = field(default_factory=dict)  # first-year measures (validate.targets)


def _snapshot(model: LongjiangModel, year: int) -> pd.DataFrame:
    f = model.firms
    r = f.alive_rows()
    d = {c: getattr(f, c)[r].copy() for c in SNAPSHOT}
    d["year"] = np.full(r.size, year, dtype=np.int64)
    return pd.DataFrame(d)


def run_panel(
    scenario: Scenario | None = None,
    *,
    seed: int = 0,
    years: int = 10,
    n_firms: int | None = None,
    measure=None,
) -> Panel:
    """Run ``years`` years and return the annual firm panel; ``measure(model, when)`` (when
    'initial' after construction, 'year1' after the first year) may add measures."""
    model = LongjiangModel(scenario, seed=seed, n_firms=n_firms)
    snaps = [_snapshot(model, 0)]
    initial = measure(model, "initial") if measure else {}
    year1 = {}
    cap = max(1024, 4 * model.firms.next_id)
    born = np.zeros(cap, dtype=np.int64)
    died = np.zeros(cap, dtype=np.int64)
    alive_prev = np.zeros(cap, dtype=np.bool_)
    alive_prev[model.firms.id[model.firms.alive_rows()]] = True
    for q in range(1, 4 * years + 1):
        model.step()
        f = model.firms
        r = f.alive_rows()
        ids = f.id[r]
        if f.next_id > cap:
            grow = max(cap, f.next_id) * 2 - cap
            born = np.concatenate([born, np.zeros(grow, np.int64)])
            died = np.concatenate([died, np.zeros(grow, np.int64)])
            alive_prev = np.concatenate([alive_prev, np.zeros(grow, np.bool_)])
            cap += grow
        alive_now = np.zeros(cap, dtype=np.bool_)
        alive_now[ids] = True
        died[alive_prev & ~alive_now] = q
        new = ids[~alive_prev[ids]]
        born[new] = f.born[r][~alive_prev[ids]]
        # (an entrant joins at the end of its quarter and can exit only later: always seen)
        alive_prev = alive_now
        if q % 4 == 0:
            snaps.append(_snapshot(model, q // 4))
            if q == 4 and measure:
                year1 = measure(model, "year1")
    n_ids = model.firms.next_id
    return Panel(
        seed=seed,
        years=years,
        snapshots=pd.concat(snaps, ignore_index=True),
        born=born[:n_ids],
        died=died[:n_ids],
        kpis=model.kpis(),
        initial=initial,
        year1=year1,
    )
