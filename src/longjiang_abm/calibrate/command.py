"""The ``longjiang calibrate`` command: screening, ABC-SMC, posterior file, docs section.

Its work folder (``--folder``, default results/calibrate/<budget>/) holds what it has done:
``config.json`` (what the runs depend on), ``screening.csv``, ``abc.db`` (pyabc's database,
one row per accepted particle of every complete generation) and ``predictive.csv``. Run the
same command again after an interruption and it continues from there; a folder written with
another configuration is refused, never overwritten.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..argument_checks import check_writable_file
from ..errors import UserError
from ..provenance import provenance
from . import abc_smc, posterior, report
from .observed import STATISTICS
from .priors import BY_KEY, CANDIDATES, baseline_value
from .screening import THRESHOLD, screen
from .statistics import N_FIRMS, YEARS

EXECUTORS = ("multicore", "local", "dask", "slurm", "pbs")


def add_arguments(c) -> None:
    c.add_argument(
        "--budget",
        choices=sorted(abc_smc.BUDGETS),
        default="small",
        help="small: a laptop, under 30 minutes on 2 cores; full: a cluster",
    )
    c.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    c.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="multicore",
        help="multicore: local processes (default; --workers 1: pyabc's deterministic "
        "single-core sampler); local / dask / slurm / pbs: the sweeps' Dask executors",
    )
    c.add_argument("--scheduler", metavar="ADDRESS", help="scheduler address for --executor dask")
    c.add_argument(
        "--cluster",
        metavar="FILE",
        help="TOML file whose [cluster] table sets the slurm / pbs worker jobs",
    )
    c.add_argument(
        "--firms",
        type=int,
        default=N_FIRMS,
        help=f"firms per run (default {N_FIRMS:,}, the whole population)",
    )
    c.add_argument("--folder", help="work folder (default results/calibrate/<budget>/)")
    c.add_argument("--out", default="params/posterior.parquet", help="the posterior file")
    c.add_argument(
        "--docs",
        default="docs/calibration.md",
        help="the document whose calibrate section is rewritten ('none': no docs)",
    )
    c.add_argument("--predictive", type=int, help="posterior predictive runs (default 40 / 200)")
    c.add_argument("--seed", type=int, default=0, help="seed of the single-core sampler")


def _config(args, budget) -> dict:
    return {
        "budget": args.budget,
        "budget_settings": budget.__dict__,
        "n_firms": args.firms,
        "years": YEARS,
        "threshold": THRESHOLD,
        "method": abc_smc.METHOD,
        "priors": [p.__dict__ for p in CANDIDATES],
        "observed": [s.__dict__ for s in STATISTICS],
    }


def check_runs(args) -> None:
    """--firms and --workers, shared with ``longjiang forecast``."""
    if args.firms < 1000 or args.firms > 1_000_000:
        raise UserError(f"--firms {args.firms}: allowed range 1000 to 1000000")
    if args.workers is not None and not 1 <= args.workers <= 4096:
        raise UserError(f"--workers {args.workers}: allowed range 1 to 4096")


def check_docs(docs: str, begin: str, end: str, what: str) -> None:
    """--docs: 'none', or a writable file that holds the markers of its ``what`` section (a new
    file is created with them)."""
    if docs == "none":
        return
    check_writable_file(docs, "--docs")
    doc = Path(docs)
    if doc.exists() and not (begin in doc.read_text() and end in doc.read_text()):
        raise UserError(
            f"--docs {docs}: has no {what} section (the markers {begin.split(' (')[0]} ... "
            f"and {end}); add them where the section goes"
        )


def _check(args) -> None:
    check_runs(args)
    if args.predictive is not None and not 0 <= args.predictive <= 100_000:
        raise UserError(f"--predictive {args.predictive}: allowed range 0 to 100000")
    if args.executor == "dask" and not args.scheduler:
        raise UserError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
    if args.scheduler and args.executor != "dask":
        raise UserError(f"--scheduler is only used with --executor dask (not {args.executor})")
    if args.cluster and args.executor not in ("slurm", "pbs"):
        raise UserError(
            f"--cluster is only used with --executor slurm or pbs (not {args.executor})"
        )
    check_writable_file(args.out, "--out")
    if Path(args.out).exists():  # replaced only if it is a posterior file (this command's)
        try:
            posterior.read(args.out)
        except UserError:
            raise UserError(
                f"--out {args.out}: exists and is not a posterior file; it is not overwritten"
            ) from None
    check_docs(args.docs, report.BEGIN, report.END, "calibrate")


def work_folder(folder: Path, config: dict, command: str = "calibrate") -> Path:
    """The work folder of ``longjiang <command>``, created with ``config`` in config.json, or
    an existing one written with the same ``config`` (to resume); anything else is refused."""
    cfg = folder / "config.json"
    if folder.exists() and not folder.is_dir():
        raise UserError(f"--folder {folder}: is a file; expected a folder")
    if folder.exists() and any(folder.iterdir()):
        try:
            old = json.loads(cfg.read_text())
        except (OSError, ValueError):
            raise UserError(
                f"--folder {folder}: holds files not written by longjiang {command}"
            ) from None
        if old != json.loads(json.dumps(config)):
            diff = sorted(k for k in config if old.get(k) != json.loads(json.dumps(config[k])))
            raise UserError(
                f"--folder {folder}: a {command} run with another configuration "
                f"({', '.join(diff)}) is there; choose another --folder (it is not overwritten)"
            )
    folder.mkdir(parents=True, exist_ok=True)
    cfg.write_text(json.dumps(config, indent=1))
    return folder


def log_call(folder: Path, workers: int) -> list[dict]:
    """Append this call (commit, time, workers) to the folder's calls.json: a resumed
    calibration's generations may come from several calls, each recorded."""
    path = folder / "calls.json"
    calls = json.loads(path.read_text()) if path.exists() else []
    calls.append(
        {
            "commit": provenance()["commit"],
            "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "workers": workers,
        }
    )
    path.write_text(json.dumps(calls, indent=1))
    return calls


def _cluster(args):
    if args.executor not in ("slurm", "pbs") or not args.cluster:
        return None
    import tomllib

    from pydantic import ValidationError

    from ..sweep.cluster_section import ClusterSection
    from ..sweep.spec_errors import format_error

    try:
        data = tomllib.loads(Path(args.cluster).read_text())
    except (OSError, ValueError) as exc:
        raise UserError(f"--cluster {args.cluster}: {exc}".splitlines()[0]) from None
    table = data.get("cluster", {})
    if not isinstance(table, dict):
        raise UserError(f"--cluster {args.cluster}: key 'cluster' must be a table ([cluster])")
    try:
        return ClusterSection(**table)
    except ValidationError as exc:
        err = dict(exc.errors()[0])
        err["loc"] = ("cluster", *err["loc"])
        raise UserError(format_error(err, f"--cluster {args.cluster}")) from None


def cached_screening(
    folder: Path, budget, workers: int, n_firms: int, console, **simulator
) -> pd.DataFrame:
    """The Morris screening of ``folder``'s screening.csv, or run now and written there;
    ``simulator``: ``screen``'s statistics, years and sets (default the calibration's)."""
    path = folder / "screening.csv"
    if path.exists():
        table = pd.read_csv(path, index_col="parameter")
        table.attrs["runs"] = int(table.pop("runs").iloc[0])
        return table
    console.print(f"screening {len(CANDIDATES)} candidates (Morris) ...")
    table = screen(budget.trajectories, n_firms=n_firms, workers=workers, **simulator)
    tmp = path.with_name("screening.csv.tmp")
    table.assign(runs=table.attrs["runs"]).to_csv(tmp)
    tmp.replace(path)
    return table


# the recovery of docs/calibration.md and tests/test_calibrate.py: two parameters the record
# identifies, one run at known values as the record, a small population and budget
RECOVERY_TRUTH = {
    "environment.migration_response": 0.15,
    "environment.tertiary_trend_growth": 0.08,
}
RECOVERY_FIRMS = 2000
RECOVERY_BUDGET = abc_smc.Budget(population=40, generations=8, max_simulations=800, trajectories=0)


def _recovery(folder: Path, workers: int, console) -> pd.DataFrame:
    path, settings_path = folder / "recovery.csv", folder / "recovery.json"
    settings = {
        "truth": RECOVERY_TRUTH,
        "n_firms": RECOVERY_FIRMS,
        "budget": RECOVERY_BUDGET.__dict__,
    }
    cached = settings_path.exists() and json.loads(settings_path.read_text()) == settings
    if path.exists() and cached:
        table = pd.read_csv(path, index_col=0)
        table.attrs["final_epsilon"] = float(table.pop("final_epsilon").iloc[0])
        return table
    from .recovery import recover

    console.print("recovery on synthetic data ...")
    table = recover(RECOVERY_TRUTH, RECOVERY_BUDGET, RECOVERY_FIRMS, workers=1)
    table.assign(final_epsilon=table.attrs["final_epsilon"]).to_csv(path)
    settings_path.write_text(json.dumps(settings))  # the cache holds for these settings only
    return table


def cmd_calibrate(args, console) -> int:
    _check(args)
    budget = abc_smc.BUDGETS[args.budget]
    workers = args.workers or os.cpu_count() or 1
    cluster = _cluster(args)
    folder = work_folder(
        Path(args.folder or Path("results") / "calibrate" / args.budget), _config(args, budget)
    )
    calls = log_call(folder, workers)
    t0 = time.perf_counter()
    screening = cached_screening(folder, budget, workers, args.firms, console)
    keys = [k for k in screening.index if screening.loc[k, "influential"]]
    priors = [BY_KEY[k] for k in keys]
    console.print(f"estimating {len(keys)} parameters: {', '.join(keys)}")
    db = folder / "abc.db"
    try:
        if args.executor == "multicore":
            sampler = abc_smc.make_sampler(workers, seed=args.seed)
            history = abc_smc.run(db, priors, budget, sampler, n_firms=args.firms)
            where = (
                "pyabc's single-core sampler (deterministic)"
                if workers == 1
                else f"{workers} local processes (pyabc's multicore sampler)"
            )
        else:
            from ..sweep.executors import open_client

            with open_client(
                args.executor, workers=args.workers, scheduler=args.scheduler, cluster=cluster
            ) as (client, where):
                sampler = abc_smc.make_sampler(workers, client=client)
                history = abc_smc.run(db, priors, budget, sampler, n_firms=args.firms)
    except KeyboardInterrupt:
        console.print(f"the complete generations are in {db}; run the same command to resume")
        raise
    frame = posterior.particles(history)
    gens = abc_smc.generations(history)
    n_pred = (
        args.predictive if args.predictive is not None else (40 if budget.population < 500 else 200)
    )
    pred_path, pred_key_path = folder / "predictive.csv", folder / "predictive.json"
    pred_key = {"runs": n_pred, "generations": int(history.n_populations),
                "simulations": int(history.total_nr_simulations)}  # fmt: skip
    if (
        pred_path.exists()
        and pred_key_path.exists()
        and json.loads(pred_key_path.read_text()) == pred_key
    ):
        pred = pd.read_csv(pred_path)
    else:
        console.print(f"{n_pred} posterior predictive runs ...")
        pred = report.predictive(frame, keys, n_pred, args.firms, workers)
        tmp = pred_path.with_name("predictive.csv.tmp")
        pred.to_csv(tmp, index=False)
        tmp.replace(pred_path)
        pred_key_path.write_text(json.dumps(pred_key))
    meta = {
        **provenance(),
        "command": "longjiang calibrate " + shlex.join(getattr(args, "argv", sys.argv[2:])),
        "scenario": "baseline (the packaged scenario, the estimated parameters drawn)",
        "seed": "a hash of each run's parameters (statistics.parameter_seed)",
        "sampler_seed": args.seed if workers == 1 and args.executor == "multicore" else None,
        "calls": calls,
        "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "budget": args.budget,
        "population": budget.population,
        "n_firms": args.firms,
        "years": YEARS,
        "sampler": where,
        "threshold": THRESHOLD,
        "estimated": keys,
        "priors": {k: {"prior": BY_KEY[k].describe(), "source": BY_KEY[k].source} for k in keys},
        "fixed": {p.key: baseline_value(p.key) for p in CANDIDATES if p.key not in keys},
        "observed": {s.name: {"value": s.value, "se": s.se, "used": s.used} for s in STATISTICS},
        "generations": gens,
        "epsilon_target": abc_smc.EPSILON_TARGET,
        "final_epsilon": gens[-1]["epsilon"],
        "simulations": int(history.total_nr_simulations),
        "runtime_s": abc_smc.wall_time(history),
        "screening_runs": int(screening.attrs["runs"]),
        "predictive_runs": n_pred,
        "elapsed_this_call_s": time.perf_counter() - t0,
    }
    recovered = None
    if args.docs != "none":  # the recovery is a diagnostic of the docs section
        recovered = _recovery(folder, workers, console)
        meta["recovery"] = {
            "truth": RECOVERY_TRUTH,
            "n_firms": RECOVERY_FIRMS,
            "final_epsilon": recovered.attrs["final_epsilon"],
            "covered": bool(recovered["covered"].all()),
        }
    out = posterior.write(frame, meta, Path(args.out))
    params = report.parameter_table(frame, keys)
    ptable = report.predictive_table(pred, frame)
    console.print(params.round(4).to_string())
    console.print(ptable.round(4).to_string())
    written = [out]
    if args.docs != "none":
        doc = Path(args.docs)
        img = doc.parent / "img"
        img.mkdir(exist_ok=True)
        figs = [report.marginals_figure(frame, keys, img / "calibrate_marginals.png")]
        best = params.sort_values("sd / prior sd").index[:6]
        figs.append(
            report.pairs_figure(frame, [k.strip("`") for k in best], img / "calibrate_pairs.png")
        )
        rel = [("marginals", f"img/{figs[0].name}"), ("pairs", f"img/{figs[1].name}")]
        text = report.section(meta, screening, params, ptable, rel, recovered)
        report.replace_section(doc, text)
        written += [doc, *figs]
    console.print("written: " + ", ".join(str(p) for p in written))
    return 0
