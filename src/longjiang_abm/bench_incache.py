"""The quarter's kernels timed with their rows in the cache: what their arithmetic costs with no
memory traffic beyond a core's own caches and no pass of their own over the firm table
(``longjiang bench --kernels``).

A kernel that walks the first ``n`` rows of the firm table (``cacheable``: arguments ``n`` and
``alive`` or ``exiting``, and neither a list of rows nor the table's block) is run again, after
a call of the quarter, on copies of a window of 4R of that call's rows (``snapshot``): on the
first R and on all 4R rows (``ROWS``, R = 1,024: 4,096 rows of the widest kernel's columns,
about 1.5 MB, fit the 2 MB L2 cache a core has on the machines this was written on), each time
from the call's own inputs, restored just before (so they are in the cache), the fastest of
``repeats`` runs. The difference of the two times over the 3R rows between them is the kernel's
marginal cost per row walked:

    c = (T(4R) - T(R)) / 3R        ns per row,

without its fixed cost per call (dispatch, temporaries, loops over sectors) and without memory
traffic: what its arithmetic, its random draws and its branches cost per row, whatever the
passes around it. Fusing passes (issue 17) saves memory traffic and fixed costs; of this it
saves only what two passes repeat (the loads from the cache, the test of ``alive``). The
median of ``c`` over three windows of rows (a quarter, half and three quarters of the way
through the table), times the rows the call walked, over the living firms, is its share of a
firm-quarter.

The inputs of the call are copied before it runs (it writes some of them); the model itself only
ever sees its own call, so its results are those of a run without the measurement
(``tests/test_performance.py``). Three windows of 4R rows stand for all the rows: the table
keeps the 2018 population's order, entrants in the rows exits freed, so a window holds a few
neighbouring sectors (a kernel that works on some sectors only, such as ``produce``, costs more
in some windows than in others).
"""

from __future__ import annotations

import statistics
import time

import numba
import numpy as np

ROWS = 1024  # R: the short run; the long one is 4R rows


def cacheable(kwargs: dict) -> bool:
    """Whether a kernel call walks the first ``n`` rows of the firm table (and nothing else row
    by row): it can then be rerun on the first rows of copies of its inputs."""
    rows = "n" in kwargs and ("alive" in kwargs or "exiting" in kwargs)
    return rows and "rows" not in kwargs and "block" not in kwargs


def _row_arrays(kwargs: dict, capacity: int) -> set[str]:
    """The call's arguments that are firm columns or row-sized temporaries (one value per row
    of the table, or per row walked)."""
    n = kwargs["n"]
    return {
        k
        for k, v in kwargs.items()
        if isinstance(v, np.ndarray) and v.ndim == 1 and v.shape[0] in (capacity, n) and n > 0
    }


def snapshot(kwargs: dict, capacity: int, rows: int, start: int = 0) -> dict:
    """Copies of the call's inputs: rows ``start`` to ``start + rows`` of its row arrays (the
    copies' first rows), every other array whole, scalars as they are, and ``n`` = ``rows``.
    Taken before the call, which writes some of them."""
    cut, end = _row_arrays(kwargs, capacity), start + rows
    out = {
        k: (v[start:end].copy() if k in cut else v.copy()) if isinstance(v, np.ndarray) else v
        for k, v in kwargs.items()
    }
    out["n"] = rows  # the copies' rows: never more than they hold
    return out


def _fastest(kernel, inputs: dict, work: dict, rows: int, repeats: int) -> float:
    """Wall time, s, of the fastest of ``repeats`` runs of ``kernel`` over ``rows`` rows of
    ``work``, its arrays restored from ``inputs`` before each run."""
    work["n"] = rows
    best = float("inf")
    for _ in range(repeats):
        for k, v in inputs.items():
            if isinstance(v, np.ndarray):
                work[k][...] = v
        t0 = time.perf_counter()
        kernel(**work)
        best = min(best, time.perf_counter() - t0)
    return best


def marginal_ns_per_row(kernel, inputs: dict, rows: int, repeats: int = 15) -> float:
    """``c = (T(4R) - T(R)) / 3R`` in ns per row walked, with R = ``rows`` // 4 and T each the
    fastest of ``repeats`` runs on ``inputs`` (a ``snapshot`` of ``rows`` rows), its rows in
    the cache."""
    short = rows // 4
    work = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs.items()}
    t_short = _fastest(kernel, inputs, work, short, repeats)
    t_long = _fastest(kernel, inputs, work, 4 * short, repeats)
    return (t_long - t_short) / (3 * short) * 1e9


def windows(kwargs: dict, capacity: int, rows: int) -> list[dict]:
    """Three ``snapshot``s of ``rows`` rows of the call, a quarter, half and three quarters of
    the way through its ``n`` rows (from row 0 where they are too few): they hold different
    sectors and ages of firms."""
    n = kwargs["n"]
    return [snapshot(kwargs, capacity, rows, min(n * j // 4, n - rows)) for j in (1, 2, 3)]


def one_thread(kernel, inputs: list[dict], rows: int) -> float:
    """The median of ``marginal_ns_per_row`` over the ``windows`` ``inputs``, on one thread (a
    few thousand rows shared among threads would time their start-up; the host's speed moves
    between the windows)."""
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        return statistics.median(marginal_ns_per_row(kernel, w, rows) for w in inputs)
    finally:
        numba.set_num_threads(threads)


def floor_windows(floor, rows: int) -> list[dict]:
    """``windows`` of the floor kernel's arrays (a ``benchref.Floor``), to time it in the cache
    by the same method as the model's kernels."""
    kwargs = dict(n=floor.n, seed=0, t=floor.t + 1, alive=floor.alive, **floor.columns)
    return windows(kwargs, floor.n, rows)


class InCache:
    """Each cacheable kernel call's marginal cost with its rows in the cache
    (``marginal_ns_per_row``), times the rows it walked: ``ns_rows[name]`` (ns, summed over
    the calls measured) and ``calls[name]``; and, right after each, the floor kernel's by the
    same method (``floor_windows``): ``floor_ns`` (every such measurement) and
    ``floor_rows[name]``, the kernel's cost in floor kernels measured back to back with it
    (the host's speed moves from one minute to the next; a ratio of two measurements taken
    together moves much less)."""

    def __init__(self, capacity: int, n_walked: int, floor):
        self.capacity = capacity
        self.rows = 4 * max(1, min(ROWS, n_walked // 4, floor.n // 4))  # 4R rows
        self.floor = floor_windows(floor, self.rows)
        self.ns_rows: dict[str, float] = {}
        self.floor_rows: dict[str, float] = {}
        self.floor_ns: list[float] = []
        self.calls: dict[str, int] = {}

    def before(self, kwargs: dict) -> list[dict] | None:
        """The call's inputs to rerun later (``windows``, copied before the call, which writes
        some of them), or None if the call is not cacheable."""
        if not cacheable(kwargs) or kwargs["n"] < self.rows:
            return None
        return windows(kwargs, self.capacity, self.rows)

    def after(self, name: str, kernel, inputs: list[dict], n: int) -> None:
        """Reruns the call on its windows (``one_thread``), then the floor kernel, and adds the
        median cost per row times the ``n`` rows it walked, in ns and in floor kernels."""
        from .benchref import floor_pass

        cost = one_thread(kernel, inputs, self.rows)
        floor = one_thread(floor_pass, self.floor, self.rows)
        self.floor_ns.append(floor)
        self.ns_rows[name] = self.ns_rows.get(name, 0.0) + cost * n
        self.floor_rows[name] = self.floor_rows.get(name, 0.0) + cost / floor * n
        self.calls[name] = self.calls.get(name, 0) + 1

    def per_firm_quarter(self, alive: int, calls_per_quarter: dict[str, float]) -> dict:
        """ns per living firm-quarter by kernel: the measured calls' cost per call over
        ``alive`` living firms, times the kernel's calls in an average quarter (a year end's
        kernels once in four)."""
        return self._per_firm_quarter(self.ns_rows, alive, calls_per_quarter)

    def floors_per_firm_quarter(self, alive: int, calls_per_quarter: dict[str, float]) -> dict:
        """The same in floor kernels, each call's measured back to back with the floor."""
        return self._per_firm_quarter(self.floor_rows, alive, calls_per_quarter)

    def _per_firm_quarter(self, sums: dict, alive: int, calls_per_quarter: dict) -> dict:
        return {
            k: v / self.calls[k] * calls_per_quarter.get(k, 0.0) / alive
            for k, v in sorted(sums.items(), key=lambda kv: -kv[1])
        }
