"""The liquidation of the quarter's exits: their rows, what their assets fetch and who gets it."""

import numpy as np
from numba import njit, prange

from .chunks import bounds, n_chunks


@njit(cache=True, parallel=True)
def liquidate(n, exiting, cash, K, debt, size, died, t, recovery, cover, small):
    """The rows flagged ``exiting`` (kernel ``exit_firms``), ascending, and their liquidation:

        sales_x      = recovery K_x                   assets sold outside the province
        V_x          = cash_x + sales_x               what the firm is worth at exit
        to_bank_x    = min(debt_x, V_x)               the bank is paid first
        to_owners_x  = V_x - to_bank_x                owners (households) get the rest
        guarantee_x  = cover (debt_x - to_bank_x) [size_x >= small]
                                                      the guarantee fund's share of a small
                                                      or micro firm's unpaid debt
    (10k yuan), each an array over the exits in row order: the caller sums them as before.
    The exits' rows are found by fixed blocks of rows (``kernels/chunks.py``, in parallel),
    so the order is the row order on any thread count.

    Parameters
    ----------
    n : int
        rows in use of the firm table
    exiting : (n,) bool
        flagged to exit this quarter
    cash, K, debt : (n,) float
        cash, capital and bank debt, 10k yuan
    size : (n,) int
        size class (0 large ... 3 micro)
    died : (n,) int
        quarter of exit: written t for the exits
    t : int
        this quarter
    recovery : float
        share of capital recovered when sold (``finance.recovery_rate``)
    cover : float
        share of unpaid SME debt the guarantee fund pays (``Instruments.guarantee_cover``)
    small : int
        the first size class the guarantee covers (small)
    Returns rows, sales, to_bank, to_owners, guarantee, debt_x (the exits' debt) and sme
    (bool: small or micro).
    """
    nc = n_chunks(n)
    start = np.zeros(nc + 1, dtype=np.int64)
    for c in prange(nc):  # exits in each block
        lo, hi = bounds(c, n)
        k = 0
        for i in range(lo, hi):
            k += 1 if exiting[i] else 0
        start[c + 1] = k
    for c in range(nc):
        start[c + 1] += start[c]
    m = start[nc]
    rows = np.empty(m, dtype=np.int64)
    sales, to_bank, to_owners = np.empty(m), np.empty(m), np.empty(m)
    guarantee, debt_x = np.empty(m), np.empty(m)
    sme = np.empty(m, dtype=np.bool_)
    for c in prange(nc):  # each block writes its exits from its start on
        lo, hi = bounds(c, n)
        j = start[c]
        for i in range(lo, hi):
            if exiting[i]:
                d = debt[i]
                s = recovery * K[i]
                v = cash[i] + s
                p = np.minimum(d, v)  # as numpy: a NaN carries through
                small_i = size[i] >= small
                rows[j] = i
                sales[j] = s
                to_bank[j] = p
                to_owners[j] = v - p
                guarantee[j] = cover * (d - p) * small_i
                debt_x[j] = d
                sme[j] = small_i
                died[i] = t
                j += 1
    return rows, sales, to_bank, to_owners, guarantee, debt_x, sme
