"""``longjiang bench``: what one quarter costs, per firm, at several population sizes.

Each measurement runs in a fresh Python process (``python -m longjiang_abm.bench``), so that
peak memory and JIT cost are those of that configuration alone:

- ``ns_per_firm_quarter``: wall time of the full quarterly step (``model.step()``, accounts
  checks off) divided by the living firms, median over ``repeats`` blocks of quarters after
  one warm-up quarter;
- ``peak_rss_bytes_per_firm``: the process's peak resident memory after building the model and
  stepping it, less its resident memory after the imports, per firm;
- JIT: the first quarter's wall time with an empty numba cache (compilation) and with a warm one
  (loading compiled kernels from disk), each in a fresh process;
- the wall time of the default ``longjiang run`` (warm cache), as a user sees it;
- with ``--kernels N``: each kernel's share of the quarter at N firms (``kernel_profile``).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from .benchref import call_traffic
from .provenance import provenance


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes


def measure(n_firms: int, backend: str, threads: int, quarters: int, repeats: int) -> dict:
    """One configuration, in this process (called in a fresh one by ``run_bench``). Each
    timed block of the step is followed by a block of as many passes of the floor kernel
    (``benchref.floor_pass``) over as many firms, on the same threads."""
    from .benchref import Floor
    from .threads import use

    use(threads)
    floor = Floor(n_firms)  # before the base: its arrays are not the model's memory
    base = _rss_bytes()
    from .model import LongjiangModel

    t0 = time.perf_counter()
    model = LongjiangModel(
        seed=0, n_firms=n_firms, backend=backend, check_accounts=False, threads=threads
    )
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.step()  # warm-up: compiles the kernels or loads them from the cache
    first = time.perf_counter() - t0
    samples, floors = [], []
    for _ in range(repeats):
        firm_quarters = 0
        t0 = time.perf_counter()
        for _ in range(quarters):
            firm_quarters += model.firms.n_alive
            model.step()
        samples.append((time.perf_counter() - t0) / firm_quarters * 1e9)
        use(model.threads)
        floors.append(floor.run(quarters))
    peak = _peak_rss_bytes()
    step, ref = statistics.median(samples), statistics.median(floors)
    return {
        "n_firms": n_firms,
        "backend": backend,
        "threads": model.threads if backend == "numba" else 1,
        "quarters": quarters,
        "repeats": repeats,
        "ns_per_firm_quarter": step,
        "ns_per_firm_quarter_samples": samples,
        "floor_ns_per_firm": ref,
        "floor_ns_per_firm_samples": floors,
        "ratio_to_floor": step / ref,
        "peak_rss_bytes_per_firm": (peak - base) / n_firms,
        "peak_rss_bytes": peak,
        "build_seconds": build,
        "first_quarter_seconds": first,
    }


def mesa_step_floor(n_firms: int = 10_000, repeats: int = 5) -> dict:
    """What a plain Mesa schedule costs before any economics: ``AgentSet.shuffle_do`` of a
    Firm method that reads two properties and writes one (one "action" per firm), in ns per
    firm and call. A per-agent Mesa version of the quarter calls about a dozen such actions
    per firm (the lines of ``LongjiangModel.step``), each doing more work than this."""
    from .agents import Firm
    from .model import LongjiangModel

    model = LongjiangModel(seed=0, n_firms=n_firms, check_accounts=False)
    firms = model.agents_by_type[Firm]
    list(firms)  # make the agents (they are made when first asked for) before timing

    def action(firm):
        firm.cash = firm.cash + 0.0 * firm.revenue

    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        firms.shuffle_do(action)
        samples.append((time.perf_counter() - t0) / len(firms) * 1e9)
    return {"n_firms": n_firms, "ns_per_firm_action": statistics.median(samples)}


class _TimedKernels:
    """Stands in for the kernel registry (``LongjiangModel(kernels=...)``): calls each
    kernel and, once ``active``, adds its wall time to ``seconds``; while ``traffic`` is set
    to the table's capacity, adds each call's bytes moved to ``bytes`` (``benchref``) and the
    bytes of the columns it touches, each once, to ``touched``; while ``in_cache`` is set (a
    ``bench_incache.InCache``), reruns each cacheable call with its rows in the cache."""

    def __init__(self, kernels):
        self._kernels, self.seconds, self.active = kernels, {}, False
        self.bytes, self.traffic, self.touched, self.in_cache = {}, 0, 0, None

    def __getattr__(self, name):
        if name.startswith("_"):  # not a kernel (e.g. a copy's lookups before its state)
            raise AttributeError(name)
        kernel = getattr(self._kernels, name)

        def timed(**kwargs):
            inputs = self.in_cache.before(name, kwargs) if self.in_cache else None
            t0 = time.perf_counter()
            out = kernel(**kwargs)
            if self.active:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0
            if inputs is not None:
                self.in_cache.after(name, kernel, inputs, kwargs["n"])
            if self.traffic:
                moved = call_traffic(kernel, kwargs, self.traffic)
                self.bytes[name] = self.bytes.get(name, 0) + moved
                self.touched += call_traffic(kernel, kwargs, self.traffic, written=1)
            return out

        return timed


def kernel_profile(n_firms: int, threads: int = 1, quarters: int = 20) -> dict:
    """Where a quarter's time goes: wall time of each numba kernel, and of everything outside
    the kernels (Python, numpy on entrants' and exits' rows, the KPI record), in ns per
    firm-quarter over ``quarters`` quarters after two untimed years; one pass of the floor
    kernel over as many firms after each quarter, on the same threads (its median), and one of
    the draws reference (``benchref.draws_pass``: the quarter's random draws and ``exp``
    alone), with the hashes and ``exp`` calls per firm-quarter of the model and of the
    reference (``benchref.count_draws``, on the twins); each kernel's memory traffic in the
    first year's last quarter, bytes per firm-quarter; the read bandwidth over the table's own
    columns after each quarter (``benchref.stream_pass``), at which the quarter's traffic would
    take ``traffic_ns_per_firm_quarter`` (``touched_ns_per_firm_quarter``: its columns each
    touched once, ``bytes_touched_per_firm_quarter``, a written one too); and, over the second
    year, each kernel's arithmetic with its rows in the cache, on one thread
    (``bench_incache``): ``in_cache_ns_per_firm_quarter`` for the kernels it reruns, beside
    ``in_cache_kernels_in_quarter_ns``, their time in the timed quarters;
    ``in_cache_floors_per_firm_quarter``, the same in floor kernels timed by the same method
    right after each call (``floor_in_cache_ns_per_firm``: their median), whose sum is
    ``in_cache_ratio_to_floor``; ``in_cache_ratio_to_floor_pass``, their ns shared evenly
    among the run's threads over the floor kernel's pass on them (the step's own reference)."""
    import numpy as np

    from .bench_incache import InCache
    from .benchref import Draws, Floor, Stream, count_draws
    from .kernels import load
    from .model import LongjiangModel

    timed = _TimedKernels(load("numba"))
    model = LongjiangModel(
        seed=0, n_firms=n_firms, check_accounts=False, threads=threads, kernels=timed
    )
    for _ in range(3):  # a year, so that every kernel (the year end's too) is compiled or loaded
        model.step()
    timed.traffic, alive = model.firms.capacity, model.firms.n_alive
    model.step()
    timed.traffic = 0
    traffic = {k: v / alive for k, v in timed.bytes.items()}
    touched = timed.touched / alive
    floor, draws, stream = Floor(n_firms), Draws(n_firms), Stream(model.firms)
    # a year with each cacheable call rerun in the cache (untimed): every kernel's calls of a
    # year, the year's first quarter's extra passes and the year end's kernels in proportion
    in_cache = timed.in_cache = InCache(model.firms.capacity, model.firms.n, floor)
    cache_firm_quarters = 0
    for _ in range(4):
        cache_firm_quarters += model.firms.n_alive
        model.step()
    timed.in_cache = None
    # move_rows is loaded from numba's cache at the first compaction: loaded here, untimed
    # (else the loading counts as the kernel's)
    timed.move_rows(m=0, rows=np.zeros(0, np.int64), n=0, **model.firms.block.kernel_args())
    timed.active = True
    firm_quarters, total, floors, draw_times, bandwidths = 0, 0.0, [], [], []
    for _ in range(quarters):
        firm_quarters += model.firms.n_alive
        t0 = time.perf_counter()
        model.step()
        total += time.perf_counter() - t0
        floors.append(floor.run(1))  # one floor pass after each quarter
        draw_times.append(draws.run(1))  # and one of the draws reference
        bandwidths.append(stream.run())  # and one read of the table's columns
    ref, draw_ref = statistics.median(floors), statistics.median(draw_times)
    bandwidth, moved = statistics.median(bandwidths), sum(traffic.values())
    per = {k: v / firm_quarters * 1e9 for k, v in timed.seconds.items()}
    whole = total / firm_quarters * 1e9
    cached = in_cache.per_firm_quarter(cache_firm_quarters)
    cached_floors = in_cache.floors_per_firm_quarter(cache_firm_quarters)
    return {
        "n_firms": n_firms,
        "threads": model.threads,
        "quarters": quarters,
        "ns_per_firm_quarter": whole,
        "kernels": dict(sorted(per.items(), key=lambda kv: -kv[1])),
        "outside_kernels": (total - sum(timed.seconds.values())) / firm_quarters * 1e9,
        "floor_ns_per_firm": ref,
        "ratio_to_floor": whole / ref,
        "draws_ns_per_firm": draw_ref,
        "draws_ratio_to_floor": draw_ref / ref,
        "draw_counts": count_draws(),
        "read_gb_per_s": bandwidth,
        "traffic_ns_per_firm_quarter": moved / bandwidth,
        "traffic_ratio_to_floor": moved / bandwidth / ref,
        "bytes_touched_per_firm_quarter": touched,
        "touched_ns_per_firm_quarter": touched / bandwidth,
        "bytes_per_firm_quarter": dict(sorted(traffic.items(), key=lambda kv: -kv[1])),
        "in_cache_ns_per_firm_quarter": cached,
        "in_cache_total_ns_per_firm_quarter": sum(cached.values()),
        "in_cache_floors_per_firm_quarter": cached_floors,
        "in_cache_ratio_to_floor": sum(cached_floors.values()),
        "in_cache_ratio_to_floor_pass": sum(cached.values()) / model.threads / ref,
        "in_cache_kernels_in_quarter_ns": sum(per.get(k, 0.0) for k in cached),
        "floor_in_cache_ns_per_firm": statistics.median(in_cache.floor_ns),
    }


def _child(args: list[str], env: dict | None = None) -> dict:
    """Run ``measure`` in a fresh interpreter; return its JSON result."""
    out = subprocess.run(
        [sys.executable, "-m", "longjiang_abm.bench", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench child {args} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def plan(n_firms: int) -> tuple[int, int]:
    """(quarters per timed block, blocks) for a population: 10^6 / n_firms quarters, between
    4 and 40; 5 blocks, 3 from 10^6 firms."""
    quarters = max(4, min(40, 1_000_000 // n_firms))
    return quarters, (3 if n_firms >= 1_000_000 else 5)


def jit_times(n_firms: int = 2000) -> dict:
    """First-quarter wall time with an empty numba cache, then with the cache it left."""
    cache = tempfile.mkdtemp(prefix="longjiang-jit-")
    try:
        env = {"NUMBA_CACHE_DIR": cache}
        cold = _child(["measure", str(n_firms), "numba", "1", "1", "1"], env)
        warm = _child(["measure", str(n_firms), "numba", "1", "1", "1"], env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {
        "n_firms": n_firms,
        "cold_cache_first_quarter_seconds": cold["first_quarter_seconds"],
        "warm_cache_first_quarter_seconds": warm["first_quarter_seconds"],
        "jit_seconds": cold["first_quarter_seconds"] - warm["first_quarter_seconds"],
    }


def default_run_seconds() -> float:
    """Wall time of ``longjiang run`` with its defaults (warm cache), results to a temp dir."""
    out = tempfile.mkdtemp(prefix="longjiang-bench-run-")
    try:
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "longjiang_abm", "run", "--out", f"{out}/r"],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)


def run_bench(
    sizes,
    python_max: int = 10_000,
    threads: list[int] | None = None,
    jit: bool = True,
    default_run: bool = True,
    progress=None,
) -> dict:
    """All measurements; ``progress(label)`` is called before each."""
    from .threads import available

    threads = threads or sorted({1, available()})
    rows = []
    for n in sizes:
        quarters, repeats = plan(n)
        for th in threads:
            if progress:
                progress(f"{n:,} firms, numba, {th} thread(s)")
            rows.append(_child(["measure", str(n), "numba", str(th), str(quarters), str(repeats)]))
        if n <= python_max:
            if progress:
                progress(f"{n:,} firms, python twin")
            q = max(1, min(4, 10_000 // n))
            rows.append(_child(["measure", str(n), "python", "1", str(q), "2"]))
    res = {"rows": rows, "mesa_action": _child(["mesa", "10000"])}
    if jit:
        if progress:
            progress("JIT, cold and warm cache")
        res["jit"] = jit_times()
    if default_run:
        if progress:
            progress("default longjiang run")
        res["default_run_seconds"] = default_run_seconds()
    res.update(measured_on())
    return res


def measured_on() -> dict:
    """What a result was measured with: the machine, the package's version and the commit."""
    from .threads import available

    machine = {
        "cpus": os.cpu_count(),
        "numba_threads": available(),
        "processor": platform.processor() or platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    return {"machine": machine} | {
        k: v for k, v in provenance().items() if k in ("version", "commit")
    }


def scaling_figure(res: dict, path) -> None:
    """Time per quarter against population (log-log) for each backend and thread count, with
    the slope-1 line of a cost proportional to the population."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    series: dict[str, list] = {}
    for r in res["rows"]:
        label = f"{r['backend']}, {r['threads']} thread" + ("s" if r["threads"] > 1 else "")
        if r["backend"] == "python":
            label = "plain-Python twin"
        ms = r["ns_per_firm_quarter"] * r["n_firms"] / 1e6
        series.setdefault(label, []).append((r["n_firms"], ms))
    for label, pts in series.items():
        pts.sort()
        ax.plot(*zip(*pts, strict=True), marker="o", label=label)
    ns = sorted({r["n_firms"] for r in res["rows"]})
    ax.plot(ns, [n * 100 / 1e6 for n in ns], ":", color="grey", label="100 ns per firm")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("firms")
    ax.set_ylabel("wall time of one quarter (ms)")
    ax.set_title(f"Full quarterly step, commit {str(res.get('commit', ''))[:8]}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def speedups(res: dict) -> dict[int, float]:
    """Python twin / numba (1 thread) ns per firm-quarter, by population."""
    by = {(r["n_firms"], r["backend"], r["threads"]): r for r in res["rows"]}
    return {
        n: py["ns_per_firm_quarter"] / by[(n, "numba", 1)]["ns_per_firm_quarter"]
        for (n, b, _), py in by.items()
        if b == "python" and (n, "numba", 1) in by
    }


if __name__ == "__main__":  # a child process: python -m longjiang_abm.bench measure N B T Q R
    if sys.argv[1] == "mesa":
        print(json.dumps(mesa_step_floor(int(sys.argv[2]))))
    elif sys.argv[1] == "kernels":
        print(json.dumps(kernel_profile(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        _, what, n, backend, th, q, r = sys.argv
        assert what == "measure"
        print(json.dumps(measure(int(n), backend, int(th), int(q), int(r))))
