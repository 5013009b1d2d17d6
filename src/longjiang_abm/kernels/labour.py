"""Prefecture labour markets: labour demand by prefecture and proportional rationing."""

import numpy as np
from numba import njit, prange

from .chunks import bounds, n_chunks


@njit(cache=True, parallel=True)
def labour_demand(n, alive, pref, L_req, n_pref):
    """Labour demanded in each prefecture: LD_p = sum of L_req over its firms (persons),
    summed by fixed blocks of rows (``kernels/chunks.py``), so the same on any thread count."""
    nc = n_chunks(n)
    part = np.zeros((nc, n_pref))
    for c in prange(nc):  # blocks of rows in parallel
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if alive[i]:
                part[c, pref[i]] += L_req[i]
    ld = np.zeros(n_pref)
    for c in range(nc):
        ld += part[c]
    return ld


@njit(cache=True, parallel=True)
def hire(n, alive, pref, L_req, fill, L):
    """Employment after rationing: L_i = L_req_i * fill_p, fill_p = min(1, LS_p / LD_p).

    Parameters
    ----------
    fill : (n_pref,) float
        share of labour demand met in each prefecture, fill_p = min(1, LS_p / LD_p), 0-1
    Writes: L, persons (every row in use; a dead row's from its stale L_req, which nothing
    reads).
    """
    for i in prange(n):  # every row in use, no branch on alive[i]: the loop vectorises
        L[i] = L_req[i] * fill[pref[i]]
