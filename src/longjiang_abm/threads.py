"""How many threads the numba kernels use.

Results never depend on it: parallel loops (``prange``) only write their own row, and every sum
over firms runs in row order, or by fixed blocks of rows added in block order
(``kernels/chunks.py``), whatever the number of threads. Threads pay off for large
populations only; for small ones the cost of waking the thread pool in each parallel loop
outweighs the work, and a sweep already runs one model per core. So the default
(``threads=None``) is one thread below ``AUTO_MIN_FIRMS`` firms and all cores (numba's
``NUMBA_NUM_THREADS``) from there on.
"""

from __future__ import annotations

import numba

AUTO_MIN_FIRMS = 200_000


def available() -> int:
    """Threads numba may use in this process (``NUMBA_NUM_THREADS``, default: all cores)."""
    return int(numba.config.NUMBA_NUM_THREADS)


def resolve(threads: int | None, n_firms: int) -> int:
    """The thread count for a model of ``n_firms``: ``threads`` if given (capped at
    ``available()``), else 1 below ``AUTO_MIN_FIRMS`` firms and ``available()`` above."""
    if threads is None:
        return available() if n_firms >= AUTO_MIN_FIRMS else 1
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    return min(int(threads), available())


def use(threads: int) -> None:
    """Run the kernels called from this thread on ``threads`` threads."""
    numba.set_num_threads(threads)
