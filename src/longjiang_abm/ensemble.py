"""Ensembles of runs over random seeds: run them in parallel, summarise with bands, plot fans."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from .params import Scenario, load_scenario
from .runner import run


def ensemble_arguments(parser, seeds: int) -> None:
    """The command-line options every ensemble experiment takes."""
    parser.add_argument("--seeds", type=int, default=seeds)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--firms", type=int, default=None, help="default: the whole population")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--posterior",
        metavar="FILE",
        default=None,
        help="draw the estimated parameters per seed from this posterior file (longjiang "
        "calibrate; the same draw for every scenario of a seed): bands then hold parameter and "
        "seed uncertainty",
    )
    parser.add_argument(
        "--out",
        default="results/experiments",
        help="output folder (--out docs/experiments regenerates the documents' tables)",
    )


def uncertainty(posterior: str | Path | None) -> str:
    """What an ensemble's bands hold, for the captions of its tables and fan charts."""
    if posterior is None:
        return "seed uncertainty only (parameters at their packaged values)"
    return f"parameter uncertainty (one draw per seed from {posterior}) and seed uncertainty"


def _one(args: tuple) -> pd.DataFrame:
    scenario, seed, years, n_firms, posterior = args
    extra = {}
    if posterior is not None:
        from .calibrate.posterior import draw, with_values

        drawn = draw(posterior, seed)
        scenario = with_values(scenario, drawn["parameters"])
        extra = {"particle": drawn["particle"]}
    kpis = run(scenario, seed=seed, years=years, n_firms=n_firms).kpis
    return kpis.assign(scenario=scenario.name, seed=seed, **extra)


def run_ensemble(
    scenarios: list[Scenario | str | Path],
    seeds: int | list[int],
    years: int,
    n_firms: int | None = None,
    workers: int | None = None,
    posterior: str | Path | None = None,
) -> pd.DataFrame:
    """KPIs of every scenario for every seed, one row per scenario, seed and year.

    With ``posterior`` (a file of ``longjiang calibrate``) each seed's runs take the parameter
    set that seed draws (``calibrate.posterior.draw``), the same for every scenario, so that
    differences between scenarios stay paired; a ``particle`` column records the draw.

    Runs are spread over ``workers`` processes (default: the machine's cores); results do not
    depend on how they are spread (counter-based random numbers)."""
    resolved = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    seed_list = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    if posterior is not None:  # a bad or stale posterior file stops here, before any run
        from .calibrate.posterior import draw

        for seed in seed_list:
            draw(posterior, seed)
    jobs = [(sc, seed, years, n_firms, posterior) for sc in resolved for seed in seed_list]
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        frames = [_one(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            frames = list(pool.map(_one, jobs))
    return pd.concat(frames, ignore_index=True)


def bands(runs: pd.DataFrame, columns: list[str], by=("scenario", "year")) -> pd.DataFrame:
    """Mean and 90% band (5th and 95th percentiles) across seeds."""
    g = runs.groupby(list(by))[columns]
    out = pd.concat({"mean": g.mean(), "p05": g.quantile(0.05), "p95": g.quantile(0.95)}, axis=1)
    return out.swaplevel(0, 1, axis=1).sort_index(axis=1)


def fan_chart(runs: pd.DataFrame, column: str, ax, target=None, scale: float = 1.0) -> None:
    """Mean path and 90% band of ``column`` for each scenario on matplotlib axes ``ax``,
    with a target drawn as a band (tuple) or a line (number)."""
    b = bands(runs, [column])[column] * scale
    for name, frame in b.groupby(level="scenario", sort=False):
        years = frame.index.get_level_values("year")
        line = ax.plot(years, frame["mean"], label=name, lw=1.8)[0]
        ax.fill_between(years, frame["p05"], frame["p95"], color=line.get_color(), alpha=0.18)
    if isinstance(target, tuple):
        ax.axhspan(target[0] * scale, target[1] * scale, color="green", alpha=0.12, label="target")
    elif target is not None:
        ax.axhline(target * scale, color="green", ls="--", lw=1.2, label="target")
    ax.grid(alpha=0.3)


def markdown_table(frame: pd.DataFrame, floatfmt: str = "{:,.3f}") -> str:
    """A small DataFrame as a Markdown table (no extra dependency)."""
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join([frame.index.name or ""] + cols) + " |"]
    lines.append("|" + "---|" * (len(cols) + 1))
    for idx, row in frame.iterrows():
        cells = [floatfmt.format(v) if isinstance(v, float | np.floating) else str(v) for v in row]
        lines.append("| " + " | ".join([str(idx)] + cells) + " |")
    return "\n".join(lines)
