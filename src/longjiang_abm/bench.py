"""``longjiang bench``: ns per firm-quarter of the full quarterly step, numba vs Python twin."""

from __future__ import annotations

import os
import platform
import statistics
import time

from .model import LongjiangModel
from .provenance import provenance


def time_steps(n_firms: int, backend: str, quarters: int, repeats: int, seed: int = 0) -> dict:
    """Median ns per firm-quarter over ``repeats`` blocks of ``quarters`` steps, after one
    warm-up step (which also triggers JIT compilation or loads the cache)."""
    model = LongjiangModel(seed=seed, n_firms=n_firms, backend=backend, check_accounts=False)
    model.step()
    samples = []
    for _ in range(repeats):
        firms = 0
        t0 = time.perf_counter()
        for _ in range(quarters):
            firms += model.firms.n_alive
            model.step()
        samples.append((time.perf_counter() - t0) / firms * 1e9)
    return {
        "n_firms": n_firms,
        "backend": backend,
        "threads": 1,
        "quarters": quarters,
        "repeats": repeats,
        "ns_per_firm_quarter": statistics.median(samples),
    }


def run_bench(sizes, python_max: int, quarters: int, repeats: int) -> dict:
    rows = []
    for n in sizes:
        rows.append(time_steps(n, "numba", quarters, repeats))
        if n <= python_max:
            rows.append(time_steps(n, "python", 1, max(1, min(repeats, 2))))
    return {
        "rows": rows,
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
        },
        **{k: v for k, v in provenance().items() if k in ("version", "commit")},
    }
