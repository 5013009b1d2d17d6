"""``longjiang validate``: the initial state against the data and the stylized facts of the
firm population (an ensemble of seeds), as tables, figures and an exit status."""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from ..params import load_scenario
from .arguments import add_arguments  # noqa: F401  (the CLI's options, kept light)
from .by_year import facts_by_year
from .panel import run_panel
from .stylized import fact_table, measure_facts
from .targets import measure, target_table


def _one(job):
    scenario, seed, years, n_firms = job
    return run_panel(scenario, seed=seed, years=years, n_firms=n_firms, measure=measure)


def run_validation(
    scenario=None,
    seeds: int = 4,
    years: int = 10,
    n_firms: int | None = None,
    workers: int | None = None,
    overrides: list[str] | None = None,
):
    """Panels of ``seeds`` runs; returns (calibration table, fact table, fact data, timings)."""
    sc = load_scenario(scenario, overrides)
    t0 = time.perf_counter()
    jobs = [(sc, s, years, n_firms) for s in range(seeds)]
    workers = max(1, min(workers or os.cpu_count() or 1, seeds))
    if workers == 1:
        panels = [_one(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            panels = list(pool.map(_one, jobs))
    t1 = time.perf_counter()
    calib = target_table([p.initial | p.year1 for p in panels])
    data = measure_facts(panels)
    data.detail["_by_year"] = facts_by_year(panels, data.detail["_pareto"])
    facts = fact_table(data)
    return calib, facts, data, {"runs_s": t1 - t0, "measures_s": time.perf_counter() - t1}


def _fmt(v) -> str:
    if isinstance(v, float | np.floating):
        if np.isnan(v):
            return "-"
        if abs(v) >= 100:
            return f"{v:,.0f}"
        return f"{v:.3f}"
    return str(v)


def markdown(frame: pd.DataFrame, cols: list[str]) -> str:
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in frame.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            if c == "pass":
                v = "context" if v is None else ("**pass**" if v else "**FAIL**")
            cells.append(_fmt(v).replace("|", "/"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_outputs(out: Path, calib, facts, data, meta: dict) -> None:
    from .figures import write_figures

    out.mkdir(parents=True, exist_ok=True)
    calib.to_csv(out / "calibration.csv", index=False)
    facts.to_csv(out / "stylized_facts.csv", index=False)
    write_figures(data, out)
    by_year = data.detail.get("_by_year")
    if by_year is not None:
        by_year.to_csv(out / "facts_by_year.csv", index=False)
    text = [
        "# longjiang validate",
        "",
        f"Command: `{meta['command']}`; {meta['seeds']} seeds, {meta['firms']} firms, "
        f"{meta['years']} years; runtime {meta['runtime_s']:.0f} s.",
        "",
        "## Initial state (end of 2018) and year 1 against the data",
        "",
        markdown(calib, ["target", "data", "model", "band", "pass", "source"]),
        "",
        f"## Stylized facts (year {meta['years']}, pooled over seeds)",
        "",
        markdown(facts, ["fact", "measure", "data", "band", "model", "pass", "detail", "source"]),
        "",
    ]
    if by_year is not None:
        text += [
            "## The facts' measures year by year (context, not checked)",
            "",
            "Means over seeds: living firms; Pareto exponent of annual revenue with the KS xmin"
            " (first and last year) and above the above-scale threshold (Hill); of the firms"
            " above scale at the start of the year, the shares that exited, fell below and"
            " rose above the threshold; investment rate of firms alive through the year: mean,"
            " share below 1%, share above 20%.",
            "",
            markdown(by_year.astype({"year": str}), list(by_year.columns)),
            "",
        ]
    (out / "validation.md").write_text("\n".join(text))


def cmd_validate(args, console) -> int:
    from rich.table import Table

    t0 = time.perf_counter()
    calib, facts, data, timings = run_validation(
        args.scenario,
        seeds=args.seeds,
        years=args.years,
        n_firms=args.firms,
        workers=args.workers,
        overrides=args.set,
    )
    runtime = time.perf_counter() - t0
    t = Table(title="Initial state (end of 2018) and year 1 against the data", header_style="bold")
    for h in ("target", "data", "model", "band", "", "source"):
        t.add_column(h, overflow="fold")
    for _, r in calib.iterrows():
        mark = "" if r["pass"] is None else ("[green]pass[/]" if r["pass"] else "[red]FAIL[/]")
        t.add_row(r["target"], r["data"], _fmt(r["model"]), r["band"], mark, r["source"])
    console.print(t)
    t = Table(title=f"Stylized facts, year {args.years}, {args.seeds} seeds", header_style="bold")
    for h in ("fact", "measure", "data", "band", "model", "", "detail"):
        t.add_column(h, overflow="fold")
    for _, r in facts.iterrows():
        mark = "[green]pass[/]" if r["pass"] else "[red]FAIL[/]"
        t.add_row(
            r["fact"], r["measure"], r["data"], r["band"], _fmt(r["model"]), mark, r["detail"]
        )
    console.print(t)
    failed = int((calib["pass"] == False).sum() + (~facts["pass"]).sum())  # noqa: E712
    meta = {
        "command": "longjiang validate " + " ".join(args.argv),
        "seeds": args.seeds,
        "firms": args.firms or load_scenario(args.scenario, args.set).run.n_firms,
        "years": args.years,
        "runtime_s": runtime,
    }
    write_outputs(Path(args.out), calib, facts, data, meta)
    console.print(
        f"{len(facts)} stylized facts, {int(calib['pass'].notna().sum())} calibration checks: "
        f"{failed} failed; runtime {runtime:.0f} s (runs {timings['runs_s']:.0f} s); "
        f"tables and figures in [bold]{args.out}/[/]"
    )
    return 1 if failed else 0
