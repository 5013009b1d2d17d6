"""The forecast evaluation's figure and its section of docs/validation.md (between ``BEGIN``
and ``END``, rewritten by ``longjiang forecast``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..ensemble import markdown_table
from .benchmarks import METHODS
from .record import ORIGIN
from .scores import MODEL

BEGIN = "<!-- forecast:begin (written by `longjiang forecast`; do not edit by hand) -->"
END = "<!-- forecast:end -->"
MARKERS = {
    "random walk": "s",
    "random walk with drift": "v",
    "national": "^",
    "national + gap": "P",
    "AR(1)": "D",
}


def figure(runs: pd.DataFrame, points: pd.DataFrame, path: Path) -> Path:
    """One panel per scored forecast: the model's runs (box: quartiles; whiskers: 5% and 95%),
    the record and the benchmarks' means."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(points)
    fig, axes = plt.subplots(1, n, figsize=(2.0 * n + 1, 3.4))
    for ax, (_, p) in zip(np.atleast_1d(axes), points.iterrows(), strict=True):
        draws = runs.loc[runs.year == p["year"], p["series"]].to_numpy(dtype=float)
        draws = draws[np.isfinite(draws)]
        ax.boxplot(draws, whis=(5, 95), widths=0.5, showfliers=False)
        ax.plot([1], [p["record"]], "kx", ms=10, mew=2, label="record")
        for m in METHODS:
            if np.isfinite(p[m]):
                ax.plot([1.45], [p[m]], MARKERS[m], color="tab:gray", alpha=0.8, label=m)
        ax.set_xticks([])
        ax.set_title(f"{p['series']}\n{int(p['year'])}", fontsize=8)
        ax.tick_params(labelsize=7)
    handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=6, fontsize=7, frameon=False)
    fig.suptitle(
        "Forecasts from the end of 2017 (%): the model's runs and the benchmarks", fontsize=9
    )
    fig.tight_layout(rect=(0, 0.08, 1, 0.95))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _points_markdown(points: pd.DataFrame) -> tuple[str, str]:
    cols = ["record", MODEL, "model 5%", "model 95%", *METHODS]
    t = points.set_index(["series", "year"])[cols]
    t.index = [f"{s} {y}" for s, y in t.index]
    t.index.name = "forecast (%)"
    crps = points.set_index(["series", "year"])[[f"CRPS {m}" for m in (MODEL, *METHODS)]]
    crps.index = t.index
    return markdown_table(t, "{:.2f}"), markdown_table(crps, "{:.2f}")


def section(meta: dict, points: pd.DataFrame, summary: pd.DataFrame, figure_rel: str) -> str:
    """The markdown between BEGIN and END."""
    values, crps = _points_markdown(points)
    s = summary.copy()
    s.index.name = "series"
    rmse = s[[f"RMSE {m}" for m in (MODEL, *METHODS)] + ["best RMSE"]]
    crps_mean = s[[f"CRPS {m}" for m in (MODEL, *METHODS)] + ["best CRPS"]]
    wins = {
        m: int((s["best CRPS"] == m).sum())
        for m in (MODEL, *METHODS)
        if (s["best CRPS"] == m).any()
    }
    est = meta["estimation"]
    lines = [
        BEGIN,
        "",
        f"Command: `{meta['command']}` (commit {meta['commit']}, {meta['created']}).",
        f"Estimation on 2015-{ORIGIN}: {est['simulations']:,} runs of {meta['n_firms']:,} firms "
        f"({est['particles']} particles, {len(est['generations'])} generations, final "
        f"tolerance {est['final_epsilon']:.2f} against a target of {est['epsilon_target']:.2f}) "
        f"on {len(est['statistics'])} statistics ({', '.join(est['statistics'])}) of "
        f"{len(est['estimated'])} parameters ({', '.join(f'`{k}`' for k in est['estimated'])}), "
        f"the runs under the record of 2015-{ORIGIN} in their years 2-4. "
        f"Forecasts: {meta['runs']} runs from the end of "
        f"{ORIGIN}, each at a posterior draw with its own seed, under the recorded national "
        f"drivers of {ORIGIN}-2019. NaN: the benchmark is not defined for that series.",
        "",
        "Forecasts and the record:",
        "",
        values,
        "",
        "CRPS of each forecast (percentage points; lower is better):",
        "",
        crps,
        "",
        "Per series, RMSE of the mean forecast over its forecast years:",
        "",
        markdown_table(rmse, "{:.2f}"),
        "",
        "Per series, mean CRPS:",
        "",
        markdown_table(crps_mean, "{:.2f}"),
        "",
        "Best CRPS per series: "
        + ", ".join(f"{m} {k} of {len(s)}" for m, k in sorted(wins.items(), key=lambda x: -x[1]))
        + ".",
        "",
        f"![forecasts]({figure_rel})",
        "",
        END,
    ]
    return "\n".join(lines)
