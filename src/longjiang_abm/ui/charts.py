"""The charts of a ``Snapshot`` as Vega-Lite specs (dicts): KPIs over time, parks, structure,
comparison. Every chart is built from aggregates (at most a few hundred rows).

Building an Altair chart costs 20-50 ms (Altair re-validates its schema objects on every
``encode``), too much for several charts per frame. So each chart's structure is built once
by Altair with named datasets (``_template``, cached) and each frame only fills in the data
(and the few scale settings that depend on the run): a few milliseconds per chart.
"""

from __future__ import annotations

import json
from functools import cache

import altair as alt
import numpy as np
import pandas as pd

from ..strategy import TARGET_ABOVE_SCALE_FIRMS as TARGET_ABOVE_SCALE
from ..strategy import TARGET_SECONDARY_SHARE as TARGET_SHARE
from .maps import CHAIN_COLOURS, records
from .snapshot import Snapshot

RUN_COLOURS = ["#d62728", "#7f7f7f"]  # this run, reference
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
WIDTH = 430
HEIGHT = 220
DATA = "lj_data"
T_AXIS = alt.X("t:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(format="d"))


def _fill(template: str, title: str | None = None, **datasets: list[dict]) -> dict:
    spec = json.loads(template)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    if title is not None:
        spec["title"] = title
    return spec


def _long(frame: pd.DataFrame, measures: dict[str, str]) -> list[dict]:
    """Records (t, series, value) of the frame's columns ``measures`` (label -> column)."""
    cols = list(measures.values())
    df = frame.reindex(columns=cols).rename(columns={v: k for k, v in measures.items()})
    df = df.reset_index(names="t").melt(id_vars="t", var_name="series", value_name="value")
    return records(df.dropna(subset=["value"]))


# --- time series ------------------------------------------------------------------------------
@cache
def _lines_template(labels: tuple[str, ...], title: str, fmt: str, band: bool, zero: bool) -> str:
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=list(labels), range=PALETTE[: len(labels)]),
        legend=alt.Legend(orient="top", title=None) if len(labels) > 1 else None,
    )
    axis = alt.Axis(title=title, format=fmt) if fmt else alt.Axis(title=title)
    lines = (
        alt.Chart(alt.NamedData(DATA))
        .mark_line()
        .encode(
            x=T_AXIS,
            y=alt.Y("value:Q", axis=axis, scale=alt.Scale(zero=False)),
            color=colour,
            tooltip=[
                alt.Tooltip("t:Q", title="year", format=".2f"),
                alt.Tooltip("series:N"),
                alt.Tooltip("value:Q", format=fmt or ",.4g"),
            ],
        )
    )
    layers = []
    if band:
        df = pd.DataFrame({"lo": [TARGET_SHARE[0]], "hi": [TARGET_SHARE[1]], "t": ["35-40%"]})
        layers.append(
            alt.Chart(df)
            .mark_rect(color="#2ca02c", opacity=0.15)
            .encode(y="lo:Q", y2="hi:Q", tooltip=alt.Tooltip("t:N", title="target"))
        )
    if zero:
        layers.append(alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#999").encode(y="y:Q"))
    chart = alt.layer(*layers, lines) if layers else lines
    return json.dumps(chart.properties(width=WIDTH, height=HEIGHT).to_dict())


def lines_spec(
    frame: pd.DataFrame,
    measures: dict[str, str],
    title: str,
    fmt: str = "",
    band: bool = False,
    zero: bool = False,
) -> dict:
    """Lines of ``measures`` (legend label -> frame column) against the calendar year;
    ``band`` draws the 35-40% target band, ``zero`` a rule at 0."""
    template = _lines_template(tuple(measures), title, fmt, band, zero)
    return _fill(template, **{DATA: _long(frame, measures)})


@cache
def _above_scale_template() -> str:
    x = T_AXIS
    line = (
        alt.Chart(alt.NamedData(DATA))
        .mark_line(color="#1f77b4")
        .encode(
            x=x,
            y=alt.Y("above_scale_rr:Q", title="above-scale firms", scale=alt.Scale(zero=False)),
            tooltip=["label:N", alt.Tooltip("above_scale_rr:Q", title="run-rate")],
        )
    )
    points = (
        alt.Chart(alt.NamedData("lj_year_end"))
        .mark_point(color="#ff7f0e", filled=True, size=60)
        .encode(
            x=x,
            y="above_scale_firms:Q",
            tooltip=["year:Q", alt.Tooltip("above_scale_firms:Q", title="year-end count")],
        )
    )
    target = (
        alt.Chart(pd.DataFrame({"y": [TARGET_ABOVE_SCALE], "t": ["target 5,000"]}))
        .mark_rule(strokeDash=[5, 4], color="#2ca02c", size=2)
        .encode(y="y:Q", tooltip="t:N")
    )
    chart = alt.layer(line, points, target).properties(
        width=WIDTH, height=HEIGHT, title="Above-scale firms (line: run-rate, dots: year-end)"
    )
    return json.dumps(chart.to_dict())


def above_scale_spec(snap: Snapshot) -> dict:
    """Above-scale firms: run-rate each quarter (line), the official year-end count (dots),
    the 5000 target (dashed)."""
    cols = ["label", "year", "above_scale_rr", "above_scale_firms"]
    df = snap.frame.reindex(columns=cols).reset_index(names="t")
    year_end = df.dropna(subset=["above_scale_firms"])
    return _fill(
        _above_scale_template(),
        **{DATA: records(df[["t", "label", "above_scale_rr"]]), "lj_year_end": records(year_end)},
    )


# --- parks ------------------------------------------------------------------------------------
@cache
def _parks_template() -> str:
    chains = list(CHAIN_COLOURS)
    x = alt.X(
        "output_year:Q",
        title="output, 100m yuan / yr (annualised)",
        scale=alt.Scale(type="log", domain=[1, 10]),  # set per frame
    )
    y = alt.Y("name:N", sort=[], title=None, axis=alt.Axis(labelLimit=170))  # sort per frame
    bars = (
        alt.Chart(alt.NamedData(DATA))
        .mark_bar()
        .encode(
            x=x,
            x2="base:Q",
            y=y,
            color=alt.Color(
                "leading_chain:N",
                scale=alt.Scale(domain=chains, range=[CHAIN_COLOURS[c] for c in chains]),
                legend=None,
            ),
            tooltip=[
                "name:N",
                "prefecture:N",
                alt.Tooltip("output_year:Q", title="output", format=",.0f"),
                alt.Tooltip("output0:Q", title="at start", format=",.0f"),
                "class:N",
                "leading_chain:N",
            ],
        )
    )
    start = (
        alt.Chart(alt.NamedData(DATA))
        .mark_tick(color="black", thickness=2, size=12)
        .encode(x="output0:Q", y=y)
    )
    rule = (
        alt.Chart(alt.NamedData("lj_rules"))
        .mark_rule(strokeDash=[4, 3], color="#444")
        .encode(x="x:Q")
    )
    text = (
        alt.Chart(alt.NamedData("lj_rules"))
        .mark_text(align="left", dx=3, dy=-4, color="#444")
        .encode(x="x:Q", y=alt.value(0), text="label:N")
    )
    chart = alt.layer(bars, start, rule, text).properties(
        width=220, height=300, title="Parks (tick: output at start)"
    )
    return json.dumps(chart.to_dict())


def parks_spec(snap: Snapshot) -> dict:
    """Parks ranked by annualised output (log scale) against the 10 bn / 100 bn yuan lines
    (which scale with the population); the tick marks each park's output at the start."""
    parks = snap.parks.sort_values("output_year", ascending=False)
    ten, hundred = 100.0 * snap.scale, 1000.0 * snap.scale
    floor = max(float(min(parks["output_year"].min(), parks["output0"].min())) * 0.7, 1e-3)
    top = max(float(parks["output_year"].max()), hundred) * 1.3
    cols = ["name", "prefecture", "output_year", "output0", "class", "leading_chain"]
    data = parks[cols].assign(base=floor)
    spec = _fill(
        _parks_template(),
        **{
            DATA: records(data),
            "lj_rules": [{"x": ten, "label": "10 bn"}, {"x": hundred, "label": "100 bn"}],
        },
    )
    spec["height"] = max(14 * len(parks), 200)
    for layer in spec["layer"][:2]:
        layer["encoding"]["y"]["sort"] = list(parks["name"])
    spec["layer"][0]["encoding"]["x"]["scale"]["domain"] = [floor, top]
    return spec


# --- structure --------------------------------------------------------------------------------
@cache
def _sector_template() -> str:
    chart = (
        alt.Chart(alt.NamedData(DATA))
        .mark_area()
        .encode(
            x=T_AXIS,
            y=alt.Y(
                "va:Q", stack="normalize", title="share of industrial VA", axis=alt.Axis(format="%")
            ),
            color=alt.Color(
                "sector:N",
                scale=alt.Scale(scheme="tableau20"),
                legend=alt.Legend(labelLimit=210, title=None, labelFontSize=10),
            ),
            order=alt.Order("sector:N", sort="ascending"),
            tooltip=["sector:N", alt.Tooltip("va:Q", title="VA, 100m yuan/q", format=",.1f")],
        )
        .properties(width=WIDTH - 190, height=HEIGHT + 40, title="Sector composition")
    )
    return json.dumps(chart.to_dict())


def sector_spec(snap: Snapshot, sector_names: dict[str, str]) -> dict:
    """Industrial value added by sector, stacked as shares of the total."""
    prefix = "sector_va__"
    measures = {
        sector_names.get(c[len(prefix) :], c): c for c in snap.frame if c.startswith(prefix)
    }
    data = [
        {"t": r["t"], "sector": r["series"], "va": r["value"]} for r in _long(snap.frame, measures)
    ]
    return _fill(_sector_template(), **{DATA: data})


@cache
def _ccdf_template() -> str:
    lines = (
        alt.Chart(alt.NamedData(DATA))
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X(
                "revenue:Q", scale=alt.Scale(type="log"), title="annualised revenue, million yuan"
            ),
            y=alt.Y("ccdf:Q", scale=alt.Scale(type="log"), title="share of firms with revenue ≥ x"),
            color=alt.Color(
                "when:N",
                title=None,
                scale=alt.Scale(domain=["now", "start"], range=["#d62728", "#7f7f7f"]),
                legend=alt.Legend(orient="bottom"),  # fits a half-width column at 1440 px
            ),
            tooltip=[
                alt.Tooltip("revenue:Q", format=",.1f"),
                alt.Tooltip("ccdf:Q", format=".2e"),
                "when:N",
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [20.0], "t": ["above-scale: 20 million yuan"]}))
        .mark_rule(strokeDash=[4, 3], color="#2ca02c")
        .encode(x="x:Q", tooltip="t:N")
    )
    chart = alt.layer(lines, rule).properties(
        width=WIDTH - 60, height=HEIGHT + 40, title="Firm size distribution (CCDF, log-log)"
    )
    return json.dumps(chart.to_dict())


def ccdf_spec(snap: Snapshot) -> dict:
    """Share of firms with annualised revenue >= x, now and at the start (log-log)."""
    df = snap.ccdf[snap.ccdf["ccdf"] > 0]
    spec = _fill(_ccdf_template(), **{DATA: records(df)})
    labels = list(dict.fromkeys(df["when"]))  # this quarter first, then the start
    spec["layer"][0]["encoding"]["color"]["scale"]["domain"] = labels
    return spec


# --- comparison -------------------------------------------------------------------------------
COMPARE = {
    "secondary_share": ("secondary share of GDP", ".1%"),
    "industrial_va": ("industrial VA, 100m yuan/q", ",.0f"),
    "above_scale_rr": ("above-scale firms (run-rate)", ",.0f"),
    "firms_alive": ("living firms", ",.0f"),
    "employment": ("industrial employment", ",.0f"),
    "avg_wage": ("average wage, yuan/yr", ",.0f"),
    "fiscal_balance": ("fiscal balance, 100m yuan/q", ",.1f"),
    "park_output_share": ("park share of revenue", ".1%"),
    "private_share": ("private share of revenue", ".1%"),
}
RUNS = ("this run", "reference")


def comparison_records(snap: Snapshot) -> list[dict]:
    """Long records: t, metric, run ('this run' / 'reference'), value."""
    out = []
    for run, frame in zip(RUNS, (snap.frame, snap.reference), strict=True):
        measures = {COMPARE[c][0]: c for c in COMPARE}
        for r in _long(frame, measures):
            out.append({"t": r["t"], "metric": r["series"], "run": run, "value": r["value"]})
    return out


@cache
def _comparison_template() -> str:
    chart = (
        alt.Chart(alt.NamedData(DATA))
        .mark_line()
        .encode(
            x=T_AXIS,
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "run:N",
                scale=alt.Scale(domain=list(RUNS), range=RUN_COLOURS),
                legend=alt.Legend(orient="top", title=None),
            ),
            strokeDash=alt.StrokeDash(
                "run:N", scale=alt.Scale(domain=list(RUNS), range=[[1, 0], [5, 3]]), legend=None
            ),
            tooltip=["metric:N", "run:N", alt.Tooltip("value:Q", format=",.4g")],
        )
        .properties(width=230, height=120)
        .facet(
            facet=alt.Facet("metric:N", title=None, sort=[v[0] for v in COMPARE.values()]),
            columns=3,
        )
        .resolve_scale(y="independent")
    )
    return json.dumps(chart.to_dict())


def comparison_spec(snap: Snapshot) -> dict:
    """Each KPI of this run against the reference run, side by side in small multiples."""
    return _fill(_comparison_template(), **{DATA: comparison_records(snap)})


def comparison_table(snap: Snapshot) -> pd.DataFrame:
    """The latest quarter: each KPI in this run, in the reference run, and the difference."""
    rows = []
    a, b = snap.frame.iloc[-1], snap.reference.iloc[-1]
    for key, (name, fmt) in COMPARE.items():
        if key not in a or pd.isna(a.get(key)) or key not in b or pd.isna(b.get(key)):
            continue
        x, y = float(a[key]), float(b[key])
        rows.append(
            {
                "KPI": name,
                "this run": format(x, fmt),
                "reference": format(y, fmt),
                "difference": f"{(x - y) * 100:+.1f} pp"
                if fmt.endswith("%")
                else format(x - y, "+" + fmt),
                "relative": f"{(x - y) / abs(y):+.1%}" if y else "",
            }
        )
    return pd.DataFrame(rows)


@cache
def _prefecture_template() -> str:
    chart = (
        alt.Chart(alt.NamedData(DATA))
        .mark_bar()
        .encode(
            x=alt.X("diff:Q", title="VA, this run vs reference", axis=alt.Axis(format="+.1%")),
            y=alt.Y("prefecture:N", sort="-x", title=None),
            color=alt.condition("datum.diff >= 0", alt.value("#2c7fb8"), alt.value("#d95f0e")),
            tooltip=[
                "prefecture:N",
                alt.Tooltip("diff:Q", format="+.2%"),
                alt.Tooltip("this:Q", title="this run, 100m yuan/q", format=",.1f"),
                alt.Tooltip("ref:Q", title="reference", format=",.1f"),
            ],
        )
        .properties(width=300, height=260)
    )
    return json.dumps(chart.to_dict())


def prefecture_difference_spec(snap: Snapshot) -> dict:
    """Industrial value added by prefecture in the latest quarter, relative to the reference."""
    prefix = "prefecture_va__"
    cols = [c for c in snap.frame.columns if c.startswith(prefix)]
    a = snap.frame[cols].iloc[-1].to_numpy(dtype=float) if cols else np.zeros(0)
    b = snap.reference.reindex(columns=cols).iloc[-1].to_numpy(dtype=float)
    ok = np.isfinite(a) & np.isfinite(b) & (b > 0)
    df = pd.DataFrame(
        {
            "prefecture": [c[len(prefix) :] for c in cols],
            "diff": np.where(ok, a / np.where(ok, b, 1.0) - 1.0, 0.0),
            "this": a,
            "ref": b,
        }
    )
    return _fill(
        _prefecture_template(),
        title=f"Value added by prefecture, {snap.label}",
        **{DATA: records(df)},
    )
