"""The quarter's kernels timed with their rows in the cache: what their arithmetic costs with no
memory traffic beyond a core's own caches and no pass of their own over the firm table
(``longjiang bench --kernels``).

A kernel that walks the first ``n`` rows of the firm table, each row on its own
(``CACHEABLE``: 20 of the quarter's 27 kernels; not those of lists of rows or of per-sector
counts), is run again after each of its calls in a year of quarters, on copies of windows of
4R of that call's rows (``windows``: eight, evenly spaced from the first row to the last):
on the window's first R rows and on all 4R (``ROWS``, R = 1,024; 4,096 rows of the widest
kernel's row arrays, ``quarter_totals``' 217 B a row, are 0.9 MB, twice that with the copy
they are restored from, within the 2 MB L2 cache a core has on the machines this was written
on), each time from the call's own inputs, restored just before (so they are in the cache),
the fastest of ``repeats`` runs. The difference of the two times over the 3R rows between
them is the kernel's marginal cost per row walked:

    c = (T(4R) - T(R)) / 3R        ns per row,

without its fixed cost per call (dispatch, temporaries, loops over sectors) and without memory
traffic: its arithmetic, its random draws and its branches, and the work a pass repeats
(loading the row, testing ``alive``, writing and reading back its draws' temporaries). A
fusion of passes keeps all of this but that repeated work: a pass that does almost nothing
(``hire``) costs about half a nanosecond a row in the cache. The mean of ``c`` over the
windows, times the rows the call walked, summed over the year's calls and divided by the
year's living firm-quarters, is the kernel's share of a firm-quarter; a year, so that the
year's first quarter's extra passes and the year end's kernels count in their proportions.

Right after each kernel, the floor kernel (``benchref.floor_pass``) is timed the same way on
windows of its own arrays, and the kernel's cost is also counted in floor kernels: the host's
speed moves by a third within minutes, a ratio of two measurements taken together far less.

The inputs of the call are copied before it runs (it writes some of them); the model itself
only ever sees its own call, so its results are those of a run without the measurement
(``tests/test_performance.py``). How much a kernel costs depends somewhat on the window's
rows (the table keeps the 2018 population's order, entrants in the rows exits freed, so a
window holds a few neighbouring sectors: ``produce``, which works on some sectors only, costs
several times more in some windows than in others) and somewhat on R: read the figures to two
digits.
"""

from __future__ import annotations

import statistics
import time

import numba
import numpy as np

ROWS = 1024  # R: the short run; the long one is 4R rows


# the kernels that walk the first ``n`` rows of the firm table and read and write only row i of
# each row array in the loop over i (no index into other rows): their rows can be cut to a
# window. A kernel added here must be of that kind, or its reruns would read past the copies
# (tests/test_performance.py runs each on its plain-Python twin on windows, where such a read
# raises).
CACHEABLE = frozenset(
    {
        "plan_firms", "grant_credit", "labour_demand", "hire", "price_and_competitiveness",
        "update_shares", "open_shares", "produce", "book_income", "invest", "location_stats",
        "innovate", "exit_firms", "liquidate", "census", "quarter_totals", "close_year",
        "comparable_real_va", "year_totals", "log_revenue_moments",
    }
)  # fmt: skip


def cacheable(name: str, kwargs: dict) -> bool:
    """Whether a call of kernel ``name`` can be rerun on windows of its rows: a kernel of
    ``CACHEABLE`` called with a row count ``n``."""
    return name in CACHEABLE and "n" in kwargs


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


def windows(kwargs: dict, capacity: int, rows: int, count: int = 8) -> list[dict]:
    """``count`` ``snapshot``s of ``rows`` rows of the call, evenly spaced from its first row
    to its last (all from row 0 where it walks no more than ``rows``): they hold different
    sectors and ages of firms."""
    span = max(0, kwargs["n"] - rows)
    return [snapshot(kwargs, capacity, rows, span * j // (count - 1)) for j in range(count)]


def one_thread(kernel, inputs: list[dict], rows: int) -> float:
    """The mean of ``marginal_ns_per_row`` over the ``windows`` ``inputs``, on one thread (a
    few thousand rows shared among threads would time their start-up)."""
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        return statistics.fmean(marginal_ns_per_row(kernel, w, rows) for w in inputs)
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
    ``floor_rows[name]``, the kernel's cost in floor kernels measured back to back with it."""

    def __init__(self, capacity: int, n_walked: int, floor):
        self.capacity = capacity
        self.rows = 4 * max(1, min(ROWS, n_walked // 4, floor.n // 4))  # 4R rows
        self.floor = floor_windows(floor, self.rows)
        self.ns_rows: dict[str, float] = {}
        self.floor_rows: dict[str, float] = {}
        self.floor_ns: list[float] = []
        self.calls: dict[str, int] = {}

    def before(self, name: str, kwargs: dict) -> list[dict] | None:
        """The call's inputs to rerun later (``windows``, copied before the call, which writes
        some of them), or None if the call is not cacheable."""
        if not cacheable(name, kwargs) or kwargs["n"] < self.rows:
            return None
        return windows(kwargs, self.capacity, self.rows)

    def after(self, name: str, kernel, inputs: list[dict], n: int) -> None:
        """Reruns the call on its windows (``one_thread``), then the floor kernel, and adds the
        mean cost per row times the ``n`` rows it walked, in ns and in floor kernels."""
        from .benchref import floor_pass

        cost = one_thread(kernel, inputs, self.rows)
        floor = one_thread(floor_pass, self.floor, self.rows)
        self.floor_ns.append(floor)
        self.ns_rows[name] = self.ns_rows.get(name, 0.0) + cost * n
        self.floor_rows[name] = self.floor_rows.get(name, 0.0) + cost / floor * n
        self.calls[name] = self.calls.get(name, 0) + 1

    def per_firm_quarter(self, firm_quarters: int) -> dict:
        """ns per living firm-quarter by kernel: the measured calls' costs over the living
        firm-quarters they were measured in, largest first."""
        return _per(self.ns_rows, firm_quarters)

    def floors_per_firm_quarter(self, firm_quarters: int) -> dict:
        """The same in floor kernels, each call's measured back to back with the floor."""
        return _per(self.floor_rows, firm_quarters)


def _per(sums: dict, firm_quarters: int) -> dict:
    per = {k: v / firm_quarters for k, v in sums.items()}
    return dict(sorted(per.items(), key=lambda kv: -kv[1]))
