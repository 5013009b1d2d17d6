"""Fixed blocks of rows for parallel sums that do not depend on the thread count.

A sum over firms in a ``prange`` loop would add in an order that depends on how many threads
share the loop. Instead, rows are cut into blocks of ``CHUNK`` rows, whatever the thread
count: each block is summed in row order (blocks in parallel) and the block totals are then
added in block order. Up to ``CHUNK`` rows this is exactly the sequential sum.
"""

from numba import njit

CHUNK = 65536


@njit(cache=True)
def n_chunks(n):
    """Number of blocks covering rows 0..n-1."""
    return max(1, (n + CHUNK - 1) // CHUNK)


@njit(cache=True)
def bounds(c, n):
    """First and one-past-last row of block c."""
    return c * CHUNK, min(n, (c + 1) * CHUNK)
