"""The KPI panel (headline numbers against the strategy's targets) and the "Targets" tab."""

from __future__ import annotations

import math

import solara

from ..strategy import TARGET_ABOVE_SCALE_FIRMS as TARGET_ABOVE_SCALE
from ..strategy import TARGET_SECONDARY_SHARE as TARGET_SHARE
from . import charts
from .figure import Vega
from .snapshot import Snapshot

GOOD, BAD, NEUTRAL = "#2e7d32", "#c62828", "#455a64"


def _num(x, fmt: str = ",.0f") -> str:
    try:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "–"
        return format(float(x), fmt)
    except (TypeError, ValueError):
        return "–"


def kpi_cards(snap: Snapshot) -> list[dict]:
    """The panel's cards: title, value, note, colour and a key (used by tests)."""
    k = snap.kpis()
    share = k.get("secondary_share_4q")
    if share is None or (isinstance(share, float) and math.isnan(share)):
        share = k.get("secondary_share")
    lo, hi = TARGET_SHARE
    in_band = share is not None and not math.isnan(float(share)) and lo <= share <= hi
    gap = (lo - share) * 100 if share is not None and not math.isnan(float(share)) else math.nan
    above = k.get("above_scale_rr")
    ye = f"year-end {k['year']}: " if "year" in k else "year-end: "
    cards = [
        {
            "key": "secondary_share",
            "title": "Secondary industry, share of GDP",
            "value": _num(share, ".1%"),
            "note": f"trailing year · quarter {_num(k.get('secondary_share'), '.1%')} · "
            f"target 35–40%" + (f" · gap {gap:.1f} pts" if gap > 0 else ""),
            "colour": GOOD if in_band else BAD,
        },
        {
            "key": "above_scale",
            "title": "Above-scale firms (规模以上)",
            "value": _num(above),
            "note": f"run-rate · {ye}{_num(k.get('above_scale_firms'))} · target 5,000",
            "colour": GOOD if above is not None and above >= TARGET_ABOVE_SCALE else BAD,
        },
        {
            "key": "industries",
            "title": "Industries ≥10 bn / ≥100 bn yuan",
            "value": f"{_num(k.get('industries_10bn_rr'))} / {_num(k.get('industries_100bn_rr'))}",
            "note": f"run-rate · {ye}{_num(k.get('industries_10bn'))} / "
            f"{_num(k.get('industries_100bn'))}",
            "colour": NEUTRAL,
        },
        {
            "key": "firms_bn",
            "title": "Firms ≥1 bn / ≥10 bn yuan",
            "value": f"{_num(k.get('firms_1bn_rr'))} / {_num(k.get('firms_10bn_rr'))}",
            "note": f"run-rate · {ye}{_num(k.get('firms_1bn'))} / {_num(k.get('firms_10bn'))}",
            "colour": NEUTRAL,
        },
        {
            "key": "parks",
            "title": "Parks ≥10 bn / ≥100 bn yuan",
            "value": f"{_num(k.get('parks_10bn_rr'))} / {_num(k.get('parks_100bn_rr'))}",
            "note": f"run-rate · {ye}{_num(k.get('parks_10bn'))} / {_num(k.get('parks_100bn'))}",
            "colour": NEUTRAL,
        },
        {
            "key": "fiscal",
            "title": "Fiscal balance (industrial policy)",
            "value": _num(k.get("fiscal_balance"), "+,.1f"),
            "note": "100m yuan this quarter · since 2019: "
            + _num(k["fiscal_balance_total"], "+,.0f"),
            "colour": GOOD if (k.get("fiscal_balance") or 0) >= 0 else BAD,
        },
        {
            "key": "employment",
            "title": "Industrial employment",
            "value": _num(k.get("employment")),
            "note": f"average wage {_num(k.get('avg_wage'))} yuan/yr · "
            f"{_num(k.get('firms_total'))} firms",
            "colour": NEUTRAL,
        },
        {
            "key": "gdp",
            "title": "GDP",
            "value": _num(k.get("gdp"), ",.0f"),
            "note": "100m yuan this quarter · year-on-year " + _num(k.get("gdp_growth"), "+.1%"),
            "colour": NEUTRAL,
        },
    ]
    return cards


@solara.component
def KpiPanel(snap: Snapshot):
    """Headline KPIs of the latest quarter against the targets."""
    cards = kpi_cards(snap)
    with solara.Div(
        classes=["lj-kpis"],
        style={"display": "flex", "flex-wrap": "wrap", "gap": "8px", "margin": "4px 0 8px 0"},
    ):
        for c in cards:
            with solara.Div(
                classes=["lj-kpi", f"lj-kpi-{c['key']}"],
                style={
                    "border-left": f"4px solid {c['colour']}",
                    "background": "#fafafa",
                    "padding": "6px 10px",
                    "min-width": "190px",
                    "flex": "1 1 190px",
                    "box-shadow": "0 1px 2px rgba(0,0,0,0.15)",
                },
            ):
                solara.Text(
                    c["title"], style={"font-size": "12px", "color": "#555", "display": "block"}
                )
                solara.Text(
                    c["value"],
                    classes=["lj-kpi-value"],
                    style={
                        "font-size": "22px",
                        "font-weight": "600",
                        "color": c["colour"],
                        "display": "block",
                    },
                )
                solara.Text(c["note"], style={"font-size": "11px", "color": "#666"})


@solara.component
def TargetsTab(snap: Snapshot):
    """The KPIs over time against the targets."""
    f = snap.frame
    with solara.Columns([1, 1]):
        with solara.Column():
            Vega(
                charts.lines_spec(
                    f,
                    {"quarter": "secondary_share", "trailing year": "secondary_share_4q"},
                    "secondary industry / GDP (band: target 35-40%)",
                    ".0%",
                    band=True,
                ),
                classes=["lj-share-chart"],
            )
            Vega(
                charts.lines_spec(
                    f,
                    {
                        "industries ≥10 bn": "industries_10bn_rr",
                        "industries ≥100 bn": "industries_100bn_rr",
                        "parks ≥10 bn": "parks_10bn_rr",
                        "parks ≥100 bn": "parks_100bn_rr",
                        "firms ≥10 bn": "firms_10bn_rr",
                    },
                    "count (run-rate)",
                )
            )
            Vega(
                charts.lines_spec(f, {"employment": "employment"}, "industrial employment", ",.0f")
            )
        with solara.Column():
            Vega(charts.above_scale_spec(snap))
            Vega(
                charts.lines_spec(
                    f,
                    {
                        "fiscal balance": "fiscal_balance",
                        "subsidies": "subsidies",
                        "park funds": "park_funds",
                        "bail-outs": "bailouts",
                    },
                    "100m yuan per quarter",
                    zero=True,
                )
            )
            Vega(
                charts.lines_spec(
                    f, {"average wage": "avg_wage"}, "yuan per worker per year", ",.0f"
                )
            )
