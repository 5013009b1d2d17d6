"""The ``longjiang sweep`` and ``longjiang analyze`` commands (called from cli.py)."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..interrupts import exit_status
from .spec import SweepError


def add_sweep_arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("sweep_file", help="sweep TOML file (see experiments/sweeps/)")
    s.add_argument(
        "--executor",
        choices=["local", "serial", "dask", "slurm", "pbs"],
        default="local",
        help="local: a Dask LocalCluster (default); serial: one run after the other in this "
        "process; dask: a running scheduler (--scheduler); slurm / pbs: worker jobs through "
        "dask-jobqueue",
    )
    s.add_argument("--workers", type=int, help="worker processes (local: default all cores)")
    s.add_argument("--scheduler", metavar="ADDRESS", help="scheduler address for --executor dask")
    s.add_argument("--out", help="sweep folder (default results/sweeps/<sweep file name>/)")
    s.add_argument(
        "--resume", action="store_true", help="continue the sweep in --out: run the missing runs"
    )
    s.add_argument("--plan-only", action="store_true", help="write manifest.json and stop")
    s.add_argument(
        "--posterior",
        metavar="FILE",
        help="draw the estimated parameters per seed from this posterior file (longjiang "
        "calibrate; the same draw at every design point of a seed; the swept keys keep the "
        "design's values): replications then hold parameter and seed uncertainty (default: the "
        "sweep file's [sweep] posterior)",
    )
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.add_argument(
        "--check-accounts",
        action="store_true",
        default=None,
        help="check the accounting identities every quarter of every run (slower; the results "
        "are the same; default: the sweep file's check_accounts, off)",
    )
    g = s.add_argument_group("slurm / pbs (override the sweep file's [cluster] section)")
    g.add_argument("--queue", help="partition (SLURM) or queue (PBS)")
    g.add_argument("--account", help="account charged for the worker jobs")
    g.add_argument("--walltime", help="wall time of each worker job, e.g. 02:00:00")
    g.add_argument("--cores", type=int, help="cores per worker job (one worker per core)")
    g.add_argument("--memory", help="memory per worker job, e.g. 32GB")


def add_analyze_arguments(a: argparse.ArgumentParser) -> None:
    a.add_argument("sweep_dir", help="a sweep folder written by `longjiang sweep`")


def cmd_sweep(args, console: Console) -> int:
    from .execute import default_out, run_sweep
    from .spec import load_sweep

    sweep = load_sweep(args.sweep_file, getattr(args, "posterior", None))
    out = Path(args.out) if args.out else default_out(sweep)
    cluster = {
        "queue": args.queue,
        "account": args.account,
        "walltime": args.walltime,
        "cores": args.cores,
        "memory": args.memory,
    }
    resume_cmd = resume_command(args, out)
    if sweep.posterior_path is not None and not args.quiet:
        console.print(posterior_line(sweep), highlight=False, markup=False)
    try:
        summary = run_sweep(
            args.sweep_file,
            out,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            cluster=cluster,
            progress=not args.quiet,
            console=console,
            plan_only=args.plan_only,
            check_accounts=getattr(args, "check_accounts", None),
            posterior=getattr(args, "posterior", None),
        )
    except KeyboardInterrupt as exc:
        Console(stderr=True).print(
            f"interrupted: finished runs are kept in {out}/runs/; continue with: {resume_cmd}",
            highlight=False,
        )
        return exit_status(exc)
    if args.plan_only:
        console.print(
            f"planned {summary.planned} runs ({summary.finished_before} already finished) "
            f"in {out}/manifest.json",
            highlight=False,
        )
        return 0
    total_done = summary.finished_before + summary.done
    console.print(
        f"{sweep.name}: {total_done} of {summary.planned} runs finished"
        + (f" ({summary.finished_before} before this session)" if summary.finished_before else "")
        + (f", {summary.failed} failed (errors in {out}/failed/)" if summary.failed else "")
        + (f", {summary.timed_out} of them timed out" if summary.timed_out else "")
        + (
            f"; {summary.seconds:.0f} s on {summary.workers} worker"
            + ("s" if summary.workers != 1 else "")
            if summary.done
            else ""
        ),
        highlight=False,
    )
    if summary.done:
        console.print(throughput_line(summary), highlight=False)
    if summary.skipped:
        console.print(
            f"{summary.skipped} runs timed out in an earlier session (limit up to "
            f"{summary.skipped_limit} s) and were not run again with run_timeout_s = "
            f"{sweep.sweep.run_timeout_s}: raise [sweep] run_timeout_s (or set it to 0) and "
            f"resume to run them ({out}/failed/)",
            highlight=False,
            markup=False,
        )
    if summary.timed_out:
        console.print(
            "(a run that timed out is run again by --resume only once [sweep] run_timeout_s is "
            "raised or set to 0)",
            highlight=False,
            markup=False,
        )
    if summary.failed or summary.skipped:
        console.print(f"run the failed ones again with: {resume_cmd}", highlight=False)
        return 1
    console.print(f"results in {out}/runs/; analyse with: longjiang analyze {out}", highlight=False)
    return 0


def posterior_line(sweep) -> str:
    """What a sweep over a posterior does, said once before it runs."""
    from .posterior import load_posterior

    post = load_posterior(sweep)
    swept = [k for k in post.keys if k in sweep.factors]
    return (
        f"posterior {post.path} ({len(post.frame)} particles, sha256 {post.sha256[:12]}): each "
        f"seed draws its values of {len(post.keys)} parameters, the same at every design point"
        + (f"; the design's values replace the drawn ones of {', '.join(swept)}" if swept else "")
    )


def throughput_line(summary) -> str:
    """Runs per hour per core of this session: while running, and counting the start-up."""
    rate = summary.per_core_hour()
    text = (
        f"throughput: {rate:,.0f} runs/hour/core ({summary.done} runs in "
        f"{summary.seconds:.1f} s on {summary.workers} "
        + ("core" if summary.workers == 1 else "cores")
        + ")"
    )
    if summary.cpu_seconds:
        text += f"; {summary.cpu_seconds / summary.done:.2f} CPU s a run"
    if summary.startup_seconds:
        text += (
            f"; {summary.per_core_hour(with_startup=True):,.0f} counting the "
            f"{summary.startup_seconds:.1f} s of start-up and warm-up"
        )
    return text


def resume_command(args, out: Path) -> str:
    """The command that continues this sweep: the same executor, scheduler, workers and
    cluster options, with --resume (quoted for a POSIX shell)."""
    cmd = ["longjiang", "sweep", str(args.sweep_file), "--out", str(out), "--resume"]
    if args.executor != "local":
        cmd += ["--executor", args.executor]
    flags = ("posterior", "scheduler", "workers", "queue", "account", "walltime", "cores")
    for flag in (*flags, "memory"):
        value = getattr(args, flag, None)
        if value is not None:
            cmd += [f"--{flag}", str(value)]
    if getattr(args, "check_accounts", None):
        cmd.append("--check-accounts")
    return shlex.join(cmd)


def cmd_analyze(args, console: Console) -> int:
    from .analyze import analyze_sweep

    out = Path(args.sweep_dir)
    if not out.is_dir():
        raise SweepError(f"{out}: no such sweep folder")
    res = analyze_sweep(out)
    if res["finished"] < res["planned"]:
        console.print(
            f"[yellow]note:[/] {res['finished']} of {res['planned']} planned runs are finished; "
            "the analysis uses those",
        )
    t = res["targets"]
    if len(t):
        table = Table(title="Probability of reaching the targets (mean over design points)")
        for h in ("target", "by year", "mean", "min", "max"):
            table.add_column(h, justify="right")
        for (label, hy), s in t.groupby(["label", "horizon_year"], sort=False):
            p = s["probability"]
            table.add_row(label, str(hy), f"{p.mean():.2f}", f"{p.min():.2f}", f"{p.max():.2f}")
        console.print(table)
    console.print(
        f"spread across replications: {res['uncertainty']}", highlight=False, markup=False
    )
    console.print(f"{res['kind']} analysis written to {res['folder']}/:", highlight=False)
    for f in res["files"]:
        console.print(f"  {f.name}", highlight=False)
    return 0


__all__ = ["add_analyze_arguments", "add_sweep_arguments", "cmd_analyze", "cmd_sweep"]
