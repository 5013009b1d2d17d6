"""The ``longjiang forecast`` command: estimate on 2015-2017, forecast 2018-2019, score against
the naive benchmarks.

Its work folder (``--folder``, default results/forecast/<budget>/) holds ``config.json``,
``calls.json`` (every call's commit, time and workers), ``screening.csv`` (the Morris screening
on the window's statistics: which parameters are estimated), ``abc.db`` (the 2015-2017
estimation, pyabc), ``runs.csv`` (the forecast runs), ``points.csv``, ``scores.csv`` and
``forecast.json`` (provenance). Run the same command again after an interruption and it
continues after the estimation's last complete generation (the forecast runs, minutes, are
redone if they were interrupted); a folder written with another configuration is refused, never
overwritten.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from ..calibrate import abc_smc
from ..calibrate.command import (
    cached_screening,
    check_docs,
    check_runs,
    log_call,
    work_folder,
)
from ..calibrate.posterior import particles
from ..calibrate.priors import BY_KEY, CANDIDATES
from ..calibrate.report import replace_section
from ..calibrate.screening import THRESHOLD
from ..calibrate.statistics import N_FIRMS
from ..errors import UserError
from ..provenance import provenance
from . import report
from .benchmarks import METHODS
from .model_runs import DRIVERS, forecast_runs
from .record import ESTIMATION_SETS, ESTIMATION_YEARS, SERIES, window_statistics
from .scores import point_table, summary_table

RUNS = {"tiny": 10, "small": 100, "full": 400}  # forecast runs per budget (default)


def add_arguments(c) -> None:
    c.add_argument(
        "--budget",
        choices=sorted(abc_smc.BUDGETS),
        default="small",
        help="the estimation's budget, as in longjiang calibrate (small: a laptop)",
    )
    c.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    c.add_argument(
        "--firms", type=int, default=N_FIRMS, help=f"firms per run (default {N_FIRMS:,})"
    )
    c.add_argument("--runs", type=int, help="forecast runs (default 10 / 100 / 400 by budget)")
    c.add_argument("--folder", help="work folder (default results/forecast/<budget>/)")
    c.add_argument(
        "--docs",
        default="docs/validation.md",
        help="the document whose forecast section is rewritten ('none': no docs)",
    )
    c.add_argument("--seed", type=int, default=0, help="seed of the single-core sampler")


def _check(args) -> None:
    check_runs(args)
    if args.runs is not None and not 2 <= args.runs <= 100_000:
        raise UserError(f"--runs {args.runs}: allowed range 2 to 100000")
    check_docs(args.docs, report.BEGIN, report.END, "forecast")


def _config(args, budget, runs: int) -> dict:
    return {
        "budget": args.budget,
        "budget_settings": budget.__dict__,
        "n_firms": args.firms,
        "runs": runs,
        "drivers": DRIVERS,
        "estimation_simulator": {"years": ESTIMATION_YEARS, "sets": list(ESTIMATION_SETS)},
        "sampler_seed": args.seed,
        "threshold": THRESHOLD,
        "method": abc_smc.METHOD,
        "priors": [p.__dict__ for p in CANDIDATES],
        "statistics": [s.__dict__ for s in window_statistics()],
        "series": [{**s.__dict__, "window": list(s.window.items())} for s in SERIES],
    }


def _cached_runs(folder: Path, key: dict, make) -> pd.DataFrame:
    """runs.csv if it was made for ``key`` (runs, generations, simulations), else ``make()``."""
    path, key_path = folder / "runs.csv", folder / "runs.json"
    if path.exists() and key_path.exists() and json.loads(key_path.read_text()) == key:
        return pd.read_csv(path)
    runs = make()
    tmp = path.with_name("runs.csv.tmp")
    runs.to_csv(tmp, index=False)
    tmp.replace(path)
    key_path.write_text(json.dumps(key))
    return runs


def cmd_forecast(args, console) -> int:
    _check(args)
    budget = abc_smc.BUDGETS[args.budget]
    n_runs = args.runs or RUNS[args.budget]
    workers = args.workers or os.cpu_count() or 1
    folder = work_folder(
        Path(args.folder or Path("results") / "forecast" / args.budget),
        _config(args, budget, n_runs),
        "forecast",
    )
    calls = log_call(folder, workers)
    t0 = time.perf_counter()
    stats = window_statistics()
    simulator = {"years": ESTIMATION_YEARS, "sets": ESTIMATION_SETS}
    screening = cached_screening(
        folder, budget, workers, args.firms, console, statistics=stats, **simulator
    )
    keys = [k for k in screening.index if screening.loc[k, "influential"]]
    console.print(f"estimating {len(keys)} parameters on 2015-2017 ({len(stats)} statistics)")
    db = folder / "abc.db"
    sampler = abc_smc.make_sampler(workers, seed=args.seed)
    try:
        history = abc_smc.run(
            db,
            [BY_KEY[k] for k in keys],
            budget,
            sampler,
            n_firms=args.firms,
            statistics=stats,
            **simulator,
        )
    except KeyboardInterrupt:
        console.print(f"the complete generations are in {db}; run the same command to resume")
        raise
    frame = particles(history)
    gens = abc_smc.generations(history)
    key = {"runs": n_runs, "generations": int(history.n_populations),
           "simulations": int(history.total_nr_simulations)}  # fmt: skip
    console.print(f"{n_runs} forecast runs from the end of 2017 ...")
    runs = _cached_runs(
        folder, key, lambda: forecast_runs(frame, keys, n_runs, args.firms, workers)
    )
    points = point_table(runs)
    summary = summary_table(points)
    points.to_csv(folder / "points.csv", index=False)
    summary.to_csv(folder / "scores.csv")
    meta = {
        **provenance(),
        "command": "longjiang forecast " + shlex.join(getattr(args, "argv", sys.argv[2:])),
        "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "calls": calls,
        "workers": workers,
        "sampler_seed": args.seed if workers == 1 else None,
        "libraries": {m: version(m) for m in ("pyabc", "scoringrules", "statsmodels", "numba")},
        "n_firms": args.firms,
        "runs": n_runs,
        "estimation": {
            "estimated": keys,
            "statistics": [s.name for s in stats],
            "particles": budget.population,
            "generations": gens,
            "final_epsilon": gens[-1]["epsilon"],
            "epsilon_target": float(len(stats) ** 0.5),
            "simulations": int(history.total_nr_simulations),
        },
        "elapsed_this_call_s": time.perf_counter() - t0,
    }
    (folder / "forecast.json").write_text(json.dumps(meta, indent=1))
    show = points.set_index(["series", "year"])
    console.print("forecasts (%):")
    console.print(show[["record", "model", *METHODS]].round(2).to_string())
    console.print("CRPS (percentage points; lower is better):")
    crps = show[[f"CRPS {m}" for m in ("model", *METHODS)]]
    console.print(crps.rename(columns=lambda c: c.removeprefix("CRPS ")).round(2).to_string())
    console.print("best per series: " + "; ".join(
        f"{name}: {row['best CRPS']} by CRPS, {row['best RMSE']} by RMSE"
        for name, row in summary.iterrows()
    ))  # fmt: skip
    written = [folder / "points.csv", folder / "scores.csv"]
    if args.docs != "none":
        doc = Path(args.docs)
        img = doc.parent / "img"
        img.mkdir(exist_ok=True)
        fig = report.figure(runs, points, img / "forecast.png")
        text = report.section(meta, points, summary, f"img/{fig.name}")
        replace_section(doc, text, report.BEGIN, report.END, "# Validation\n\n## Forecasts")
        written += [doc, fig]
    console.print("written: " + ", ".join(str(p) for p in written))
    return 0
