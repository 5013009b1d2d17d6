"""References for ``longjiang bench``: a floor kernel timed in the same process as the step, and
the memory traffic of each kernel.

On a shared machine wall times move with the load; a ratio to a fixed kernel timed back to back
in the same process, on the same threads and population, holds much better. The floor kernel
(``floor_pass``) is one fused numba pass over 12 firm arrays with one ``exp``, one power and one
counter-based uniform per firm: the least a quarter of this model could cost if all its
economics were one pass (docs/performance.md). The draws reference (``draws_pass``) is the
random draws and transcendental functions every living firm makes in a quarter, alone: what the
quarter's arithmetic costs before any economics around it; ``count_draws`` counts, on the
plain-Python twins, the hashes (one per uniform or normal draw) and ``exp`` calls a quarter of
the model makes per living firm and those of the reference, so the reference is checked to be a
lower bound of the model's (``tests/test_performance.py``).

Traffic: for each kernel call, the bytes per row of the firm columns among its arguments, an
array it reads counting its item size once and one it writes (an argument assigned by index in
the kernel's source) twice (read for ownership, then written back); times the rows walked
(``n``), summed over the quarter's calls and divided by the living firm-quarters.
"""

from __future__ import annotations

import inspect
import math
import re
import time

import numba
import numpy as np
from numba import njit, prange

from . import libm, rng, twins
from .libm import exp
from .rng import normals, uniform, uniforms
from .state.firms import LINE, PAGE, STAGGER

FLOOR_ARRAYS = 12
FLOOR_STREAM = 99  # a stream no kernel of the model uses
FLOOR_COLUMNS = ("K", "L", "A", "q", "price", "D", "debt", "cash", "Y", "rev", "profit")
DRAW_STREAMS = (100, 101, 102, 103, 104, 105)  # the draws reference's: none of the model's


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


@njit(cache=True, parallel=True)
def draws_pass(n, ids, seed, t, alive, la, sd, q, out):
    """The random draws and transcendental functions every living firm makes in one quarter of
    the model, alone (a lower bound of the quarter's arithmetic), with the model's own
    functions and in passes as the model makes them (``rng.uniforms`` and ``rng.normals`` over
    every row, glibc's exp inlined in the row loop, ``libm.exp``):

        4 uniforms   exit_firms (exit), innovate (success, digital upgrade), plan_firms (investment)
        2 normals    innovate (productivity shock), update_shares (share shock)
        3 exp        innovate (A_i = exp(ln A_i), A_i^gamma = exp(gamma ln A_i)),
                     update_shares (exp(s_i e_i))
        1 sqrt       price_and_competitiveness (q_i^omega at omega = 1/2)

        out_i = u1_i + u2_i + u3_i + u4_i + exp(x_i) + exp(0.3 x_i)
                + exp(sd_i e2_i) + sqrt(q_i),   x_i = la_i + 0.01 e1_i

    Left out (so the model makes more): an innovation's size and quality draws and exp (a
    success, about a quarter of firms a quarter), entrants' draws, the shock scales of a year's
    first quarter, the exit hazard's exp beyond its table, the divisions and branches of the
    economics.

    Parameters
    ----------
    n : int
        rows to walk
    ids : (n,) int
        the firms' ids (the draws' entity counter)
    seed, t : int
        the draws' seed and quarter counters
    alive : (n,) bool
        rows to compute
    la, sd, q : (n,) float
        read: log productivity, share-shock scale, quality
    out : (n,) float
        written: the sum above (so that no draw is optimised away)
    """
    u1 = uniforms(n, ids, seed, t, DRAW_STREAMS[0])
    u2 = uniforms(n, ids, seed, t, DRAW_STREAMS[1])
    u3 = uniforms(n, ids, seed, t, DRAW_STREAMS[2])
    u4 = uniforms(n, ids, seed, t, DRAW_STREAMS[3])
    e1 = normals(n, ids, seed, t, DRAW_STREAMS[4])
    e2 = normals(n, ids, seed, t, DRAW_STREAMS[5])
    for i in prange(n):
        if not alive[i]:
            continue
        x = la[i] + 0.01 * e1[i]
        s = u1[i] + u2[i] + u3[i] + u4[i] + exp(x) + exp(0.3 * x)
        out[i] = s + exp(sd[i] * e2[i]) + math.sqrt(q[i])


def draws_arguments(n: int, t: int = 1) -> dict:
    """``draws_pass``'s arguments for ``n`` firms (fixed plausible values)."""
    gen = np.random.default_rng(1)
    return dict(
        n=n,
        ids=np.arange(n, dtype=np.int64),
        seed=0,
        t=t,
        alive=np.ones(n, dtype=np.bool_),
        la=gen.normal(0.3, 0.4, n),
        sd=np.minimum(0.8, 0.1 * gen.lognormal(0.0, 0.3, n)),
        q=gen.lognormal(0.0, 0.1, n),
        out=np.empty(n),
    )


class Draws:
    """The draws reference for ``n`` firms, and its timing."""

    def __init__(self, n: int):
        self.n = n
        self.args = draws_arguments(n)
        self.run(1)  # compile or load from the cache

    def run(self, passes: int) -> float:
        """Wall time of ``passes`` passes, ns per firm and pass."""
        t0 = time.perf_counter()
        for _ in range(passes):
            self.args["t"] += 1
            draws_pass(**self.args)
        return (time.perf_counter() - t0) / (passes * self.n) * 1e9


@njit(cache=True, parallel=True)
def stream_pass(n, block, start, size, parts):
    """Reads the first ``n`` rows of every 8-byte column of the firm table once, eight columns
    at a time (as a kernel streams several columns; faster than one at a time), as an integer
    sum (which vectorises): the table's memory streamed at the machine's read bandwidth, with
    no arithmetic to wait for. Each of ``parts`` threads takes a share of the rows. Returns the
    sum (so that no read is optimised away).

    Parameters
    ----------
    n : int
        rows to read
    block, start, size : the table's block, each column's first element in it viewed by its
        item size, and its item size (``state/row_block.py: RowBlock``)
    parts : int
        shares of the rows, one per thread (numba's threads)
    """
    b8 = block.view(np.uint64)
    cols = start[size == 8]
    whole = cols.size // 8 * 8  # columns read eight at a time; the rest one at a time
    part = np.zeros(parts, dtype=np.uint64)
    for c in prange(parts):
        lo, hi = c * n // parts, (c + 1) * n // parts
        s = np.uint64(0)
        for g in range(0, whole, 8):
            c0, c1 = b8[cols[g] + lo : cols[g] + hi], b8[cols[g + 1] + lo : cols[g + 1] + hi]
            c2, c3 = (
                b8[cols[g + 2] + lo : cols[g + 2] + hi],
                b8[cols[g + 3] + lo : cols[g + 3] + hi],
            )
            c4, c5 = (
                b8[cols[g + 4] + lo : cols[g + 4] + hi],
                b8[cols[g + 5] + lo : cols[g + 5] + hi],
            )
            c6, c7 = (
                b8[cols[g + 6] + lo : cols[g + 6] + hi],
                b8[cols[g + 7] + lo : cols[g + 7] + hi],
            )
            for i in range(hi - lo):
                s += c0[i] + c1[i] + c2[i] + c3[i] + c4[i] + c5[i] + c6[i] + c7[i]
        for g in range(whole, cols.size):
            col = b8[cols[g] + lo : cols[g] + hi]
            for i in range(hi - lo):
                s += col[i]
        part[c] = s
    return part.sum()


class Stream:
    """Read bandwidth over a firm table's own memory (``stream_pass``)."""

    def __init__(self, table):
        self.table = table
        self.run()  # compile or load from the cache

    def run(self, passes: int = 3) -> float:
        """Bytes per ns (GB/s) of the fastest of ``passes`` passes over the table's rows in
        use (the most the machine gave to this read; kernels that stream many columns at once, or
        find one still in the cache, can go faster: an estimate, not a bound)."""
        blk, n = self.table.block, self.table.n
        fastest = float("inf")
        for _ in range(passes):
            t0 = time.perf_counter()
            stream_pass(
                n=n, block=blk.block, start=blk.start, size=blk.size, parts=numba.get_num_threads()
            )
            fastest = min(fastest, time.perf_counter() - t0)
        return 8 * int((blk.size == 8).sum()) * n / (fastest * 1e9)


class _Counting:
    """Plain-Python references of ``rng.hash4`` and glibc's exp that count their calls while
    ``on``; installed in place of the registered ones (``twins.python_reference``) while twins
    are derived, so that every twin derived meanwhile calls them."""

    def __init__(self):
        self.on = False
        self.hashes = 0
        self.exps = 0

    def hash4(self, seed, quarter, idx, stream):
        self.hashes += self.on
        return rng.hash4_py(seed, quarter, idx, stream)

    def exp(self, x):
        self.exps += self.on
        return math.exp(x)


def count_draws(n_firms: int = 1000, quarters: int = 4, seed: int = 0) -> dict:
    """Hashes (one per uniform or normal draw) and ``exp`` calls per living firm-quarter: in a
    model of ``n_firms`` over ``quarters`` quarters on the plain-Python twins (after its build;
    the year's first quarter and entrants included), and in one ``draws_pass``. Not counted,
    so the model's count is a lower bound too: ``math.exp`` called directly by a kernel (the
    exit hazard beyond its table, ``below_one_minus_exp`` near its threshold), and draws made
    by numba functions called from Python, not from a kernel (a few per quarter)."""
    from .kernels import load
    from .model import LongjiangModel

    counter = _Counting()
    stand_ins = {rng.hash4: counter.hash4, libm.exp: counter.exp, libm.exp_core: counter.exp}
    with twins.substituted(stand_ins):
        model = LongjiangModel(seed=seed, n_firms=n_firms, kernels=load("python"))
        firm_quarters = 0
        counter.on = True
        for _ in range(quarters):
            firm_quarters += model.firms.n_alive
            model.step()
        counter.on = False
        out = {
            "n_firms": n_firms,
            "quarters": quarters,
            "model": {
                "hashes": counter.hashes / firm_quarters,
                "exps": counter.exps / firm_quarters,
            },
        }
        counter.hashes = counter.exps = 0
        counter.on = True
        twins.python_twin(draws_pass)(**draws_arguments(200))
        counter.on = False
    out["reference"] = {"hashes": counter.hashes / 200, "exps": counter.exps / 200}
    return out


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
        self.columns = dict(zip(FLOOR_COLUMNS, arrays, strict=True))
        self.t = 0
        self.run(1)  # compile or load from the cache

    def run(self, passes: int) -> float:
        """Wall time of ``passes`` passes, ns per firm and pass."""
        t0 = time.perf_counter()
        for _ in range(passes):
            self.t += 1
            floor_pass(n=self.n, seed=0, t=self.t, alive=self.alive, **self.columns)
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


def call_traffic(kernel, kwargs: dict, capacity: int, written: int = 2) -> int:
    """Bytes moved by one call over the firm columns among ``kwargs`` (arrays of the table's
    ``capacity`` rows): read once, written twice, for the ``n`` rows walked. A row kernel
    (``kernels/rows.py``, which reaches the columns through the table's ``block``) reads and
    writes every column of the rows it moves: the ``n`` rows in use for ``move_rows``, the
    entrants' ``rows`` for ``scatter_rows``. ``written=1`` counts a written column once: every
    column the call touches once, the least that must pass through the caches."""
    if "block" in kwargs:
        rows = kwargs["rows"].size if "staged" in kwargs else kwargs["n"]
        return int((1 + written) * int(kwargs["size"].sum()) * rows)
    assigned = written_arguments(kernel)
    rows = kwargs.get("n", capacity)
    per_row = 0
    for name, a in kwargs.items():
        if isinstance(a, np.ndarray) and a.ndim == 1 and a.shape[0] == capacity:
            per_row += a.itemsize * (written if name in assigned else 1)
    return int(per_row * rows)
