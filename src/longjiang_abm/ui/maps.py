"""The map: the province's 13 prefectures (real boundaries, ``boundaries.py``) filled by a
measure, and parks as bubbles at their real places.

``map_spec`` returns a Vega-Lite spec (a dict). Its structure is built once by Altair per fill
option (``_map_template``) and each frame only sets the data and the run's fixed scale domains,
so a frame costs a few milliseconds however long the run.
"""

from __future__ import annotations

import json
from functools import cache

import altair as alt
import pandas as pd

from .boundaries import boundaries, label_positions, park_positions
from .snapshot import Snapshot

CHAIN_COLOURS = {
    "petrochem": "#1f3b73",
    "coal": "#4d4d4d",
    "graphite": "#8c6bb1",
    "agrifood": "#2ca02c",
    "equipment": "#d62728",
    "bio": "#17becf",
    "other": "#bcbd22",
}
FILL_OPTIONS = {  # prefecture fill: legend title
    "firms": "living firms",
    "firms_growth": "firms, change since start",
    "va_year": "industrial VA, 100m yuan/yr",
    "va_growth": "industrial VA, change since start",
}
BUBBLES = 3  # index of the park bubbles among the map's layers
FILL_BUTTONS = {
    "firms": "firms",
    "firms_growth": "Δ firms",
    "va_year": "value added",
    "va_growth": "Δ value added",
}


def records(df: pd.DataFrame) -> list[dict]:
    """JSON-safe records (numpy scalars converted, NaN as null)."""
    return json.loads(df.to_json(orient="records"))


def _feature(geometry: dict, props: dict) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": props}


@cache
def _static_geometry() -> tuple[dict, dict]:
    """GeoJSON geometries of the prefectures (by key) and the province's outline."""
    geo = boundaries()
    return geo["prefectures"], _feature(geo["outline"], {})


@cache
def _map_template(fill: str, width: int) -> str:
    """The map's Vega-Lite spec without data (JSON text), built once per fill and width."""
    if fill in ("firms_growth", "va_growth"):
        scale = alt.Scale(scheme="redblue", domain=[-0.3, 0.3], clamp=True)
        legend_fmt = "+.0%"
    else:
        scale = alt.Scale(type="sqrt", scheme="blues", domain=[0, 1], clamp=True)  # set per run
        legend_fmt = ",.0f"
    tooltip = [
        alt.Tooltip("properties.prefecture:N", title="prefecture"),
        alt.Tooltip("properties.firms:Q", title="living firms", format=","),
        alt.Tooltip("properties.firms_growth:Q", title="firms since start", format="+.1%"),
        alt.Tooltip("properties.va_year:Q", title="value added, 100m yuan/yr", format=",.0f"),
        alt.Tooltip("properties.va_growth:Q", title="VA since start", format="+.1%"),
        alt.Tooltip("properties.above_scale:Q", title="above-scale (run-rate)"),
        alt.Tooltip("properties.employment:Q", title="employment", format=","),
    ]
    base = (
        alt.Chart(alt.NamedData(name="lj_cells"))
        .mark_geoshape(strokeWidth=0.7, stroke="#5a5a5a")
        .encode(
            color=alt.Color(
                f"properties.{fill}:Q",
                scale=scale,
                legend=alt.Legend(title=FILL_OPTIONS[fill], format=legend_fmt, orient="right"),
            ),
            tooltip=tooltip,
        )
    )
    outline_layer = alt.Chart(alt.NamedData(name="lj_outline")).mark_geoshape(
        filled=False, stroke="#222222", strokeWidth=1.4
    )
    leader_layer = (
        alt.Chart(alt.NamedData(name="lj_leaders"))
        .mark_rule(color="#333333", strokeWidth=0.8, opacity=0.8)
        .encode(longitude="x:Q", latitude="y:Q", longitude2="x2:Q", latitude2="y2:Q")
    )
    label_layer = (
        alt.Chart(alt.NamedData(name="lj_labels"))
        .mark_text(fontSize=10, color="#222222", fontWeight="bold")
        .encode(longitude="x:Q", latitude="y:Q", text="name:N")
    )
    chains = list(CHAIN_COLOURS)
    bubbles = (
        alt.Chart(alt.NamedData(name="lj_parks"))
        .mark_circle(opacity=0.85, stroke="#000000")
        .encode(
            longitude="x:Q",
            latitude="y:Q",
            size=alt.Size(
                "output_year:Q",
                scale=alt.Scale(domain=[0, 1], range=[12, 3000]),  # domain set per run
                legend=alt.Legend(title="park output, 100m yuan/yr", orient="right"),
            ),
            color=alt.Color(
                "leading_chain:N",
                scale=alt.Scale(domain=chains, range=[CHAIN_COLOURS[c] for c in chains]),
                legend=alt.Legend(title="leading chain", orient="right"),
            ),
            strokeWidth=alt.StrokeWidth(
                "class:O",
                sort=["smaller", "10 bn", "100 bn"],
                scale=alt.Scale(domain=["smaller", "10 bn", "100 bn"], range=[0.3, 1.8, 3.5]),
                legend=alt.Legend(title="park class (yuan/yr)", orient="right"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="park"),
                alt.Tooltip("prefecture:N"),
                alt.Tooltip("output_year:Q", title="output, 100m yuan/yr", format=",.0f"),
                alt.Tooltip("growth:Q", title="since start", format="+.1%"),
                alt.Tooltip("firms:Q", title="firms"),
                alt.Tooltip("class:N", title="class"),
                alt.Tooltip("leading_chain:N", title="leading chain"),
                alt.Tooltip("chain:N", title="designated chain"),
                alt.Tooltip("infrastructure:Q", title="infrastructure index", format=".2f"),
            ],
        )
    )
    chart = (
        alt.layer(base, outline_layer, leader_layer, bubbles, label_layer)  # labels on top
        .project(type="identity", reflectY=True)
        .resolve_scale(color="independent", size="independent")
        .properties(width=width, height=int(width * 1.08))
        .configure_view(stroke=None)
    )
    return json.dumps(chart.to_dict())


def map_spec(snap: Snapshot, fill: str = "firms", width: int = 470) -> dict:
    """The map as a Vega-Lite spec: prefectures (real boundaries) filled by ``fill``; parks as
    bubbles sized by annualised output (on a scale fixed for the run, so growth shows) and
    coloured by their leading chain; thick rings mark parks of 10 bn and 100 bn yuan a year.

    The spec's structure is built once by Altair (``_map_template``); each frame only sets
    the data and the run's fixed scale domains, which keeps a frame at a few milliseconds.
    """
    spec = json.loads(_map_template(fill, width))
    shapes, outline = _static_geometry()
    prefs = snap.prefectures
    props = {}
    for row in records(prefs):
        props[row["key"]] = {
            "prefecture": f"{row['key']} {row['name_zh']}",
            "firms": row["firms"],
            "firms_growth": row["firms_growth"],
            "va_year": round(row["va_year"], 1),
            "va_growth": row["va_growth"],
            "above_scale": row["above_scale_rr"],
            "employment": round(row["employment"]),
        }
    cells = [_feature(shapes[key], props[key]) for key in props if key in shapes]
    keys = list(prefs["key"])
    seats = dict(zip(keys, zip(prefs["lat"], prefs["lon"], strict=True), strict=True))
    park_rows = records(snap.parks)
    pos = park_positions([p["key"] for p in park_rows], seats, [p["prefecture"] for p in park_rows])
    for p, (x, y) in zip(park_rows, pos, strict=True):
        p["x"], p["y"] = float(x), float(y)
        p["growth"] = p["output_year"] / max(p["output0"], 1e-9) - 1.0
        p["output_year"] = round(p["output_year"], 1)
    placed = label_positions([k for k in keys if k in shapes], pos)
    labels = [{"x": lb.x, "y": lb.y, "name": lb.name} for lb in placed]
    leaders = [
        {"x": lb.x, "y": lb.y, "x2": lb.leader[0], "y2": lb.leader[1]}
        for lb in placed
        if lb.leader is not None
    ]
    spec["title"] = f"Clusters, {snap.label}"
    layers = spec["layer"]
    if fill == "va_year":
        top = max(float(prefs["va0"].max()) * 1.5, float(prefs["va_year"].max()), 1.0)
        layers[0]["encoding"]["color"]["scale"]["domain"] = [0, top]
    elif fill == "firms":
        layers[0]["encoding"]["color"]["scale"]["domain"] = [0, snap.firms_max]
    layers[BUBBLES]["encoding"]["size"]["scale"]["domain"] = [0, snap.size_max]
    spec["datasets"] = {
        "lj_cells": cells,
        "lj_outline": [outline],
        "lj_leaders": leaders,
        "lj_labels": labels,
        "lj_parks": park_rows,
    }
    return spec
