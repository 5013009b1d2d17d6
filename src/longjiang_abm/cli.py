"""The ``longjiang`` command line (also ``python -m longjiang_abm``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .argument_checks import _same_run, check_seed, check_validate_args, check_writable_file
from .errors import UserError
from .interrupts import exit_status, interrupt_cause, signals_deferred, terminate_as_interrupt
from .io import (
    OutputError,
    OutputExistsError,
    check_output,
    remove_stale_temporaries,
    verify_problems,
)
from .params import ScenarioError, load_scenario
from .strategy import TARGET_ABOVE_SCALE_FIRMS

console = Console(width=None if sys.stdout.isatty() else 120)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="longjiang",
        description="Agent-based model of Heilongjiang's strategy for a strong industrial province",
    )
    p.add_argument("--version", action="version", version=f"longjiang_abm {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="simulate a scenario and write its results")
    r.add_argument("scenario", nargs="?", help="scenario TOML file (default: packaged baseline)")
    r.add_argument("--years", type=int, help="simulated years from 2019")
    r.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    r.add_argument("--firms", type=int, help="initial number of firms")
    r.add_argument("--backend", choices=["numba", "python"], help="kernel backend")
    r.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override one scenario value (repeatable)",
    )
    r.add_argument(
        "--posterior",
        metavar="FILE",
        help="draw the estimated parameters from this posterior file (longjiang calibrate), one "
        "set per seed; --set still overrides",
    )
    r.add_argument("--out", help="output folder (default results/<scenario>-<seed>/)")
    r.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    r.add_argument("--quiet", action="store_true", help="no progress bar or table")

    b = sub.add_parser("bench", help="ns per firm-quarter, numba kernels vs the Python twin")
    b.add_argument("--sizes", default="1000,10000,100000", help="comma-separated populations")
    b.add_argument("--large", action="store_true", help="add a population of 1,000,000 firms")
    b.add_argument("--python-max", type=int, default=10000, help="largest size for the twin")
    b.add_argument("--threads", help="comma-separated thread counts (default: 1 and all cores)")
    b.add_argument("--no-jit", action="store_true", help="skip the cold/warm JIT measurement")
    b.add_argument("--no-run", action="store_true", help="skip timing the default run")
    b.add_argument("--json", help="also write the results to this JSON file")
    b.add_argument("--figure", help="also draw the scaling curve (log-log) to this PNG file")
    b.add_argument(
        "--kernels",
        type=int,
        metavar="N",
        help="instead: time each kernel of the quarter at N firms (one thread, or --threads)",
    )

    u = sub.add_parser("ui", help="the browser UI (Solara): map, KPIs against targets, levers")
    u.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    u.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free)")

    v = sub.add_parser("verify", help="check a run or sweep folder against its checksums")
    v.add_argument("folder", help="a run folder (run.json) or a sweep folder (manifest.json)")

    from .sweep.commands import add_analyze_arguments, add_sweep_arguments
    from .validate.arguments import add_arguments as add_validate_arguments

    add_validate_arguments(
        sub.add_parser("validate", help="calibration table and stylized facts (pass/fail)")
    )

    from .calibrate.command import add_arguments as add_calibrate_arguments

    add_calibrate_arguments(
        sub.add_parser(
            "calibrate", help="Bayesian calibration (ABC-SMC, pyabc) on the 2015-2019 record"
        )
    )
    from .forecast.command import add_arguments as add_forecast_arguments

    add_forecast_arguments(
        sub.add_parser(
            "forecast",
            help="estimate on 2015-2017, forecast 2018-2019, score against naive benchmarks",
        )
    )
    add_sweep_arguments(sub.add_parser("sweep", help="run a parameter sweep (Dask, resumable)"))
    add_analyze_arguments(
        sub.add_parser("analyze", help="sensitivity indices and target heatmaps of a sweep")
    )
    return p


def _kpi_table(kpis) -> Table:
    t = Table(title="Annual KPIs (money in 100m yuan)", header_style="bold")
    cols = [
        ("year", "year", "{:.0f}"),
        ("gdp", "GDP", "{:,.0f}"),
        ("gdp_growth", "growth", "{:+.1%}"),
        ("secondary_share", "2nd share\n[35-40%]", "{:.1%}"),
        ("above_scale_firms", f"above-scale\n[{TARGET_ABOVE_SCALE_FIRMS}]", "{:,.0f}"),
        ("industrial_va", "industry\nVA", "{:,.0f}"),
        ("firms_total", "firms", "{:,.0f}"),
        ("employment", "jobs", "{:,.0f}"),
        ("avg_wage", "wage\n(yuan)", "{:,.0f}"),
        ("profits", "profits", "{:,.0f}"),
        ("fiscal_balance", "fiscal\nbalance", "{:+,.0f}"),
    ]
    for _, head, _ in cols:
        t.add_column(head, justify="right")
    for _, row in kpis.iterrows():
        t.add_row(*(fmt.format(row[c]) for c, _, fmt in cols))
    return t


def _year_lines(name: str, seed: int):
    """A progress callback printing one line per simulated year (for logs and pipes)."""

    def report(done: int, total: int) -> None:
        if done % 4 == 0:
            year = 2018 + done // 4
            print(f"{name} seed {seed}: simulated {year} ({done} of {total} quarters)", flush=True)

    return report


def cmd_run(args) -> int:
    from .runner import run

    scenario = load_scenario(args.scenario, args.set)
    seed = args.seed
    check_seed(seed)
    years = args.years if args.years is not None else scenario.run.years
    out = Path(args.out) if args.out else Path("results") / f"{scenario.name}-{seed}"
    # validate --years / --firms through the schema so errors name the range
    drawn = None
    if args.posterior:
        from .calibrate.posterior import draw

        drawn = draw(args.posterior, seed)
    overrides = [f"{k}={v!r}" for k, v in (drawn or {}).get("parameters", {}).items()]
    overrides += list(args.set)
    if args.years is not None:
        overrides.append(f"run.years={args.years}")
    if args.firms is not None:
        overrides.append(f"run.n_firms={args.firms}")
    if args.backend is not None:
        overrides.append(f'run.backend="{args.backend}"')
    scenario = load_scenario(args.scenario, overrides)
    overwrite = args.overwrite or _same_run(out, scenario, seed)
    check_output(out, overwrite, scenario.run.n_firms, option="--overwrite")
    for stale in remove_stale_temporaries(out):
        console.print(f"removed {stale}/, the unfinished output of a run that was killed")
    if args.quiet:
        result = run(scenario, seed=seed)
    elif not console.is_terminal:  # a log file or a pipe: one plain line per simulated year
        result = run(scenario, seed=seed, progress=_year_lines(scenario.name, seed))
    else:
        with Progress(
            TextColumn(f"[bold]{scenario.name}[/] seed {seed}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("quarters"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task("run", total=4 * years)
            result = run(scenario, seed=seed, progress=lambda d, n: bar.update(task, completed=d))
    if drawn is not None:
        # a drawn parameter that --set also gives was not used: --set wins
        set_keys = {item.split("=", 1)[0].strip() for item in args.set}
        drawn["set_instead"] = sorted(set_keys & set(drawn["parameters"]))
        result.meta["posterior"] = drawn
    with signals_deferred():  # a signal during the save takes effect after it
        result.save(out, overwrite=overwrite, option="--overwrite")
        args.written = out
    if not args.quiet:
        console.print(_kpi_table(result.kpis))
        console.print(
            f"results written to [bold]{out}/[/] (kpis.csv, quarterly.parquet, "
            "firms.parquet, sectors.parquet, run.json, SHA256SUMS)"
        )
    return 0


def cmd_verify(args) -> int:
    """Check a run folder or a sweep folder; exit 1 if anything is wrong."""
    from .sweep.verify import is_sweep_folder, sweep_problems, sweep_progress

    folder = Path(args.folder)
    if not folder.exists():
        raise UserError(f"{folder}: no such folder")
    problems = sweep_problems(folder) if is_sweep_folder(folder) else verify_problems(folder)
    kind = "sweep" if is_sweep_folder(folder) else "run"
    for line in problems:
        console.print(f"[bold red]problem:[/] {line}", highlight=False, soft_wrap=True)
    if problems:
        console.print(f"{folder}: {len(problems)} problem(s) found in this {kind} folder")
        return 1
    if kind == "sweep" and (progress := sweep_progress(folder)) is not None:
        console.print(f"{folder}: {progress[0]} of {progress[1]} planned runs finished")
    console.print(f"{folder}: {kind} folder intact (every file matches its checksum)")
    return 0


def _int_list(flag: str, text: str) -> list[int]:
    try:
        values = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise UserError(f"{flag} {text!r}: expected comma-separated integers") from None
    if not values:
        raise UserError(f"{flag} {text!r}: expected at least one integer")
    return values


def cmd_bench(args) -> int:
    from .bench import run_bench
    from .bench_report import bench_kernels, print_bench
    from .threads import available

    sizes = _int_list("--sizes", args.sizes) + ([1_000_000] if args.large else [])
    if min(sizes) < 20:
        raise UserError("--sizes: each population must be at least 20 firms")
    threads = _int_list("--threads", args.threads) if args.threads else None
    for flag, path in (("--json", args.json), ("--figure", args.figure)):
        if path:
            check_writable_file(path, flag)
    if threads and not all(1 <= t <= available() for t in threads):
        raise UserError(f"--threads: each count must be between 1 and {available()}")
    if args.kernels is not None:
        return bench_kernels(console, args.kernels, threads[0] if threads else 1, args.json)
    with console.status("benchmarking") as status:
        res = run_bench(
            sizes,
            args.python_max,
            threads,
            jit=not args.no_jit,
            default_run=not args.no_run,
            progress=lambda label: status.update(f"benchmarking: {label}"),
        )
    print_bench(console, res)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")
        console.print(f"written to {args.json}")
    if args.figure:
        from .bench import scaling_figure

        scaling_figure(res, args.figure)
        console.print(f"scaling curve drawn to {args.figure}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])[1:]  # after the command
    with terminate_as_interrupt():
        return _dispatch(args)


def _dispatch(args) -> int:
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "bench":
            return cmd_bench(args)
        if args.command == "verify":
            return cmd_verify(args)
        if args.command == "ui":
            from .ui.app import serve

            return serve(args.host, args.port)
        if args.command == "validate":
            from .validate.report import cmd_validate

            if args.seeds < 1 or args.years < 7 or (args.firms is not None and args.firms < 20):
                raise UserError("validate: needs --seeds >= 1, --years >= 7, --firms >= 20")
            check_validate_args(args)
            return cmd_validate(args, console)
        if args.command == "calibrate":
            from .calibrate.command import cmd_calibrate

            return cmd_calibrate(args, console)
        if args.command == "forecast":
            from .forecast.command import cmd_forecast

            return cmd_forecast(args, console)
        if args.command in ("sweep", "analyze"):
            from .sweep import commands

            cmd = commands.cmd_sweep if args.command == "sweep" else commands.cmd_analyze
            return cmd(args, console)
    except (ScenarioError, UserError, OutputExistsError, OutputError) as exc:
        text = escape(str(exc))  # a message may hold brackets ([cluster]) that are not markup
        Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {text}", highlight=False)
        return 2
    except RecursionError:
        Console(stderr=True, soft_wrap=True).print(
            "[bold red]error:[/] an input is nested too deeply to read", highlight=False
        )
        return 2
    except KeyboardInterrupt as exc:
        return _interrupted(args, exc)
    except SystemError as exc:  # the signal landed inside a numba callback
        interrupt = interrupt_cause(exc)
        if interrupt is None:
            raise
        return _interrupted(args, interrupt)
    return 1


def _interrupted(args, exc: KeyboardInterrupt) -> int:
    written = getattr(args, "written", None)
    text = (
        f"interrupted: the results were already complete in {written}/"
        if written is not None
        else "interrupted: no result files were written"
    )
    Console(stderr=True, soft_wrap=True).print(text)
    return exit_status(exc)


if __name__ == "__main__":
    sys.exit(main())
