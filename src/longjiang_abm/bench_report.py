"""What ``longjiang bench`` prints: the full step's table (``print_bench``) and the breakdown
of a quarter by kernel with its references (``bench_kernels``); the measurements are in
``bench.py`` and ``benchref.py``."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .errors import UserError


def print_bench(console: Console, res: dict) -> None:
    """The full step's table of ``bench.run_bench``'s result, and its other measurements."""
    from .bench import speedups

    t = Table(title="Full quarterly step (median)", header_style="bold")
    heads = ("firms", "backend", "threads", "ns / firm-quarter", "x floor", "peak RSS / firm")
    for h in (*heads, "vs twin"):
        t.add_column(h, justify="right")
    up = speedups(res)
    for r in res["rows"]:
        gain = up.get(r["n_firms"]) if r["backend"] == "numba" and r["threads"] == 1 else None
        t.add_row(
            f"{r['n_firms']:,}",
            r["backend"],
            str(r["threads"]),
            f"{r['ns_per_firm_quarter']:,.0f}",
            f"{r['ratio_to_floor']:.1f}x",
            f"{r['peak_rss_bytes_per_firm']:,.0f} B",
            f"{gain:,.0f}x" if gain else "",
        )
    console.print(t)
    console.print(
        "x floor: the step's time over that of a fused floor kernel (12 firm arrays, 1 exp,"
        " 1 power, 1 uniform per firm) timed in the same process, same firms and threads"
    )
    m = res["mesa_action"]
    console.print(
        f"plain Mesa: one AgentSet.shuffle_do action costs {m['ns_per_firm_action']:,.0f} ns"
        f" per firm at {m['n_firms']:,} firms (a quarter has about a dozen actions)"
    )
    if "jit" in res:
        j = res["jit"]
        console.print(
            f"first quarter at {j['n_firms']:,} firms: {j['cold_cache_first_quarter_seconds']:.1f}"
            f" s on a cold numba cache (JIT), {j['warm_cache_first_quarter_seconds']:.2f} s warm"
        )
    if "default_run_seconds" in res:
        console.print(f"default `longjiang run`: {res['default_run_seconds']:.1f} s wall time")


def bench_kernels(console: Console, n_firms: int, threads: int, json_path: str | None) -> int:
    """``bench --kernels N``: time each kernel of a quarter at N firms in a fresh interpreter
    (``bench.kernel_profile``), print the breakdown and the references, write the JSON."""
    from .bench import _child, measured_on

    if n_firms < 20:
        raise UserError("--kernels: the population must be at least 20 firms")
    with console.status(f"timing the kernels at {n_firms:,} firms"):
        res = _child(["kernels", str(n_firms), str(threads)]) | measured_on()
    t = Table(
        title=f"Where a quarter goes: {n_firms:,} firms, {res['threads']} thread(s), "
        f"{res['quarters']} quarters",
        header_style="bold",
    )
    t.add_column("part")
    for h in ("ns / firm-quarter", "share", "x floor", "bytes / firm-quarter"):
        t.add_column(h, justify="right")
    total, floor, moved = res["ns_per_firm_quarter"], res["floor_ns_per_firm"], 0.0
    parts = [*res["kernels"].items(), ("outside the kernels", res["outside_kernels"])]
    for name, ns in parts:
        b = res["bytes_per_firm_quarter"].get(name)
        moved += b or 0.0
        t.add_row(name, f"{ns:,.1f}", f"{ns / total:.0%}", f"{ns / floor:.2f}x", _bytes(b))
    t.add_row(
        "whole quarter", f"{total:,.0f}", "100%", f"{total / floor:.1f}x", _bytes(moved),
        style="bold",
    )  # fmt: skip
    console.print(t)
    console.print(
        f"floor kernel (12 firm arrays, 1 exp, 1 power, 1 uniform per firm), same process:"
        f" {floor:,.1f} ns per firm; bytes: firm columns each kernel reads (once) and writes"
        " (twice), per living firm, in one quarter"
    )
    counts = res["draw_counts"]
    console.print(
        f"draws reference (the quarter's draws and exp alone: {counts['reference']['hashes']:.0f}"
        f" uniform or normal draws and {counts['reference']['exps']:.0f} exp per firm, where the"
        f" model makes {counts['model']['hashes']:.1f} and {counts['model']['exps']:.1f} per"
        f" living firm-quarter at {counts['n_firms']:,} firms on the twins):"
        f" {res['draws_ns_per_firm']:,.1f} ns per firm, {res['draws_ratio_to_floor']:.2f}x the"
        " floor; an estimate of memory time, the quarter's bytes at the read bandwidth"
        f" over the table's columns ({res['read_gb_per_s']:.1f} GB/s):"
        f" {res['traffic_ns_per_firm_quarter']:,.1f} ns, {res['traffic_ratio_to_floor']:.2f}x;"
        f" every column touched once ({res['bytes_touched_per_firm_quarter']:,.0f} B):"
        f" {res['touched_ns_per_firm_quarter']:,.1f} ns,"
        f" {res['touched_ns_per_firm_quarter'] / floor:.2f}x"
    )
    cached, n_cached = (
        res["in_cache_total_ns_per_firm_quarter"],
        len(res["in_cache_ns_per_firm_quarter"]),
    )
    console.print(
        f"with their rows in the cache (bench_incache.py, one thread, a year's calls), the"
        f" {n_cached} kernels that walk the table's rows cost {cached:,.1f} ns per"
        f" firm-quarter, where they take {res['in_cache_kernels_in_quarter_ns']:,.1f} ns in the"
        f" timed quarters: {res['in_cache_ratio_to_floor']:.2f} floor kernels timed the same"
        f" way right after each ({res['floor_in_cache_ns_per_firm']:,.1f} ns per firm, the"
        f" median); shared evenly among {res['threads']} thread(s),"
        f" {res['in_cache_ratio_to_floor_pass']:.2f}x the floor kernel's pass. This is their"
        " arithmetic: a fusion of passes keeps it but for the work each pass repeats"
    )
    if json_path:
        Path(json_path).write_text(json.dumps(res, indent=2) + "\n")
        console.print(f"written to {json_path}")
    return 0


def _bytes(b: float | None) -> str:
    return "" if b is None else f"{b:,.0f} B"
