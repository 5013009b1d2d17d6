"""References for ``longjiang bench``: a floor kernel timed in the same process as the step, and
the memory traffic of each kernel.

On a shared machine wall times move with the load; a ratio to a fixed kernel timed back to back
in the same process, on the same threads and population, holds much better. The floor kernel
(``floor_pass``) is one fused numba pass over 12 firm arrays with one ``exp``, one power and one
counter-based uniform per firm: the least a quarter of this model could cost if all its
economics were one pass (docs/performance.md).

Traffic: for each kernel call, the bytes per row of the firm columns among its arguments, an
array it reads counting its item size once and one it writes (an argument assigned by index in
the kernel's source) twice (read for ownership, then written back); times the rows walked
(``n``), summed over the quarter's calls and divided by the living firm-quarters.
"""

from __future__ import annotations

import inspect
import re
import time

import numpy as np
from numba import njit, prange

from .rng import uniform
from .state.firms import LINE, PAGE, STAGGER

FLOOR_ARRAYS = 12
FLOOR_STREAM = 99  # a stream no kernel of the model uses


@njit(cache=True, parallel=True)
def floor_pass(n, seed, t, alive, K, L, A, q, price, D, debt, cash, Y, rev, profit):
    """One fused pass over 12 firm arrays (8 read, 4 written) with one exp, one power and one
    counter-based uniform u_i per living firm with staff:

        Y_i      = min(A_i L_i (K_i / L_i) ** 0.3,  q_i D_i exp(0.05 (u_i - 0.5) - 0.1 (p_i - 1)))
        rev_i    = p_i Y_i
        profit_i = rev_i - 0.02 K_i - 0.5 L_i - 0.01 debt_i
        cash_i  += profit_i

    Parameters
    ----------
    n : int
        rows to walk
    seed, t : int
        the counters of the uniform draw (seed, quarter)
    alive : (n,) bool
        rows to compute
    K, L, A, q, price, D, debt : (n,) float
        read: capital, staff, productivity, quality, price, demand, debt
    cash : (n,) float
        read and written: cash
    Y, rev, profit : (n,) float
        written: output, revenue, profit
    """
    for i in prange(n):
        if not alive[i] or L[i] <= 0.0:
            continue
        u = uniform(seed, t, i, FLOOR_STREAM)
        supply = A[i] * L[i] * (K[i] / L[i]) ** 0.3
        demand = q[i] * D[i] * np.exp(0.05 * (u - 0.5) - 0.1 * (price[i] - 1.0))
        Y[i] = min(supply, demand)
        rev[i] = price[i] * Y[i]
        profit[i] = rev[i] - 0.02 * K[i] - 0.5 * L[i] - 0.01 * debt[i]
        cash[i] += profit[i]


class Floor:
    """The floor kernel's 12 arrays for ``n`` firms (fixed plausible values, staggered starts
    as the firm table's columns), and its timing."""

    def __init__(self, n: int):
        self.n = n
        block = np.zeros(FLOOR_ARRAYS * (n * 8 + PAGE) + PAGE, dtype=np.uint8)
        pos = -block.ctypes.data % PAGE
        arrays = []
        for k in range(FLOOR_ARRAYS - 1):  # the float arrays; alive is the twelfth
            pos += ((k * STAGGER) % (PAGE // LINE) * LINE - pos) % PAGE
            arrays.append(block[pos : pos + 8 * n].view(np.float64))
            pos += 8 * n
        rng = np.random.default_rng(0)
        self.alive = np.ones(n, dtype=np.bool_)
        K, L, A, q, price, D, debt, cash = arrays[:8]
        K[:] = rng.lognormal(7.0, 1.0, n)
        L[:] = np.maximum(1.0, K / 40.0)
        A[:] = rng.lognormal(0.0, 0.2, n)
        q[:] = rng.lognormal(0.0, 0.1, n)
        price[:] = 1.0 + 0.05 * rng.standard_normal(n)
        D[:] = 0.9 * A * L * (K / L) ** 0.3
        debt[:] = 0.4 * K
        cash[:] = 0.1 * K
        self.arrays = arrays
        self.t = 0
        self.run(1)  # compile or load from the cache

    def run(self, passes: int) -> float:
        """Wall time of ``passes`` passes, ns per firm and pass."""
        t0 = time.perf_counter()
        for _ in range(passes):
            self.t += 1
            floor_pass(self.n, 0, self.t, self.alive, *self.arrays)
        return (time.perf_counter() - t0) / (passes * self.n) * 1e9


_WRITTEN: dict[int, frozenset] = {}


def written_arguments(kernel) -> frozenset:
    """Names of the kernel's parameters assigned by index in its source (``x[i] = ...``,
    ``x[i] += ...``)."""
    key = id(kernel)
    if key not in _WRITTEN:
        func = getattr(kernel, "py_func", kernel)
        src = inspect.getsource(func)
        names = inspect.signature(func).parameters
        _WRITTEN[key] = frozenset(
            p for p in names if re.search(rf"\b{p}\[[^\]]*\]\s*[-+*/]?=(?!=)", src)
        )
    return _WRITTEN[key]


def call_traffic(kernel, kwargs: dict, capacity: int) -> int:
    """Bytes moved by one call over the firm columns among ``kwargs`` (arrays of the table's
    ``capacity`` rows): read once, written twice, for the ``n`` rows walked. A row kernel
    (``kernels/rows.py``, which reaches the columns through the table's ``block``) reads and
    writes every column of the rows it moves: the ``n`` rows in use for ``move_rows``, the
    entrants' ``rows`` for ``scatter_rows``."""
    if "block" in kwargs:
        rows = kwargs["rows"].size if "staged" in kwargs else kwargs["n"]
        return int(3 * int(kwargs["size"].sum()) * rows)
    written = written_arguments(kernel)
    rows = kwargs.get("n", capacity)
    per_row = 0
    for name, a in kwargs.items():
        if isinstance(a, np.ndarray) and a.ndim == 1 and a.shape[0] == capacity:
            per_row += a.itemsize * (2 if name in written else 1)
    return int(per_row * rows)
