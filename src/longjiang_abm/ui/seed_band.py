"""The Compare tab over several seeds: this run against its reference with a band.

One seed shows one draw of the economy's shocks; whether a lever's effect is larger than the
noise needs several. ``seed_band`` replays this run (its scenario, with every lever change of
its history in force from the same quarter) and the reference run for ``SEEDS`` seeds (the
page's seed and the next ones; the page's own runs are reused for its seed), up to the quarter
shown, and summarises the difference this run - reference per quarter: median and the band
between the lowest and highest seed (5 seeds: a 5-95% band is not estimable). Differences of
shares are in percentage points.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import solara

from ..params import PolicyParams
from .charts import COMPARE
from .figure import Vega
from .session import Session, _load, _Run

SEEDS = 5


def replay(session: Session, seed: int) -> tuple[_Run, _Run]:
    """This run and its reference for ``seed``, up to the session's quarter, with the lever
    changes of the session's history (``government.policy_log``) at the same quarters."""
    m = session.model
    log = dict(m.government.policy_log)  # quarter -> levers in force from that quarter
    n = int(session.settings.n_firms or 0)
    this = _Run(session.scenario, seed, n)
    ref = _Run(_load(session.settings.reference), seed, n)
    for q in range(1, m.quarter + 1):
        if q in log and m.policy_override is not None:
            this.model.hold_levers(PolicyParams.model_validate(log[q]))
        this.step()
        ref.step()
    return this, ref


def _scale(key: str) -> float:
    return 100.0 if COMPARE[key][1].endswith("%") else 1.0  # shares in percentage points


def differences(this: pd.DataFrame, ref: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Long rows (t, metric, seed, diff) of this run - reference from quarter 1."""
    rows = []
    for key, (name, _) in COMPARE.items():
        if key not in this or key not in ref:
            continue
        d = (this[key] - ref[key]).iloc[1:] * _scale(key)
        rows.append(pd.DataFrame({"t": d.index, "metric": name, "seed": seed, "diff": d.values}))
    return pd.concat(rows, ignore_index=True)


def seed_band(
    session: Session, seeds: int = SEEDS, progress: Callable[[int, int], None] | None = None
) -> pd.DataFrame:
    """Per quarter and KPI: the median difference over ``seeds`` seeds and its band."""
    s0 = session.settings.seed
    with session.lock:
        q = session.model.quarter
        parts = [differences(session.run.frame(q), session._ref.frame(q), s0)]
    for i in range(1, seeds):
        if progress is not None:
            progress(i, seeds)
        with session.lock:  # the page's run stays as it is meanwhile
            this, ref = replay(session, s0 + i)
        parts.append(differences(this.frame(q), ref.frame(q), s0 + i))
    long = pd.concat(parts, ignore_index=True)
    g = long.groupby(["metric", "t"], sort=False)["diff"]
    out = pd.DataFrame({"median": g.median(), "lo": g.min(), "hi": g.max(), "n": g.count()})
    return out.reset_index()


def band_table(band: pd.DataFrame) -> pd.DataFrame:
    """The latest quarter: median difference and the band, with units."""
    last = band[band["t"] == band["t"].max()]
    unit = {name: ("pp" if fmt.endswith("%") else "") for name, fmt in COMPARE.values()}
    rows = []
    for r in last.itertuples():
        u = f" {unit[r.metric]}" if unit[r.metric] else ""
        rows.append(
            {
                "KPI": r.metric,
                "median difference": f"{r.median:+,.2f}{u}",
                f"band over {r.n} seeds": f"{r.lo:+,.2f} to {r.hi:+,.2f}{u}",
                "sign": "same in every seed" if (r.lo > 0 or r.hi < 0) else "differs between seeds",
            }
        )
    return pd.DataFrame(rows)


def band_specs(band: pd.DataFrame) -> list[dict]:
    """One small chart per KPI: the median difference (line) and the band over seeds (area)."""
    out = []
    for metric, df in band.groupby("metric", sort=False):
        base = alt.Chart(df).encode(x=alt.X("t:Q", title=None, axis=alt.Axis(format="d")))
        area = base.mark_area(opacity=0.25, color="#d62728").encode(
            y=alt.Y("lo:Q", title=None), y2="hi:Q"
        )
        line = base.mark_line(color="#d62728").encode(
            y="median:Q",
            tooltip=[
                alt.Tooltip("t:Q", title="year", format=".2f"),
                alt.Tooltip("median:Q", format="+,.3g"),
                alt.Tooltip("lo:Q", format="+,.3g"),
                alt.Tooltip("hi:Q", format="+,.3g"),
            ],
        )
        zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#999").encode(y="y:Q")
        chart = alt.layer(area, line, zero).properties(width=230, height=110, title=metric)
        out.append(chart.to_dict())
    return out


@solara.component
def SeedBand(session: Session, quarter: int):
    """A button that runs the comparison over ``SEEDS`` seeds, then its chart and table."""
    request = solara.use_reactive(0)
    done = solara.use_reactive((0, SEEDS))
    result = solara.use_reactive(None)  # (quarter, band)

    def work():
        if not request.value:
            return
        result.value = None
        band = seed_band(session, progress=lambda i, n: done.set((i, n)))
        result.value = (quarter, band)

    task = solara.lab.use_task(work, dependencies=[request.value], prefer_threaded=True)
    running = task.pending
    with solara.Row(style={"align-items": "center"}):
        solara.Button(
            f"compare over {SEEDS} seeds",
            icon_name="mdi-chart-bell-curve",
            on_click=lambda: request.set(request.value + 1),
            disabled=running or quarter == 0,
            outlined=True,
            classes=["lj-seeds"],
        )
        if running:
            i, n = done.value
            solara.Text(f"running seed {i + 1} of {n}…", style={"color": "#555"})
    if running:
        solara.ProgressLinear(True)
    if task.error:
        solara.Error(f"comparison over seeds failed: {task.exception}")
    if result.value is not None:
        q, band = result.value
        if q != quarter:
            solara.Text(
                f"(computed at quarter {q}; press again for quarter {quarter})",
                style={"font-size": "12px", "color": "#666"},
            )
        solara.Text(
            "this run − reference: median and range over seeds (shares in percentage points)",
            style={"font-weight": "600"},
        )
        with solara.Row(style={"flex-wrap": "wrap"}, classes=["lj-seed-band"]):
            for spec in band_specs(band):
                Vega(spec)
        solara.DataFrame(band_table(band), items_per_page=12)
