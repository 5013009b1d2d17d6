"""The 2018 population's opening books (``init/population.py``, step 4) in one kernel.

It writes the firm table's columns directly, the same operations in the same order as the numpy
code it replaced (one population-sized temporary per expression, then a copy into the table),
so the population is bit-for-bit the one that code built (the build's hashes in
docs/performance.md). Transcendental functions stay in numpy (``np.exp``, ``np.log``, ``**``):
numpy's and glibc's implementations may differ in the last bit.
"""

import numpy as np
from numba import njit, prange

from .annual import size_class_of


@njit(cache=True, parallel=True, error_model="numpy")  # a zero divisor gives inf, as numpy
def opening_books(
    sector, owner, rev_year, price, A, Ag, u_cash, u_dig, kappa, utilization, pi_cost, m,
    emission, raw, over_o, target_leverage, cash_target, above_scale,
    Y, exp_dem, D, rev, K, K_year, L, size, debt, cash, mat, va, dig, emis, cap, share,
):  # fmt: skip
    """Output, capital, labour, finance and market shares of the 2018 firms, at the prices the
    markup fixed point set (``calibrate_markups``), for rows 0 .. m - 1 (s = sector_i):

        rev_i = rev_year_i / 4                 Y_i = rev_i / price_i = exp_dem_i = D_i
        K_i = kappa_s Y_i / (A_i u*_s) * over_o(i)  = K_year_i  (capital at the 2018 utilisation)
        cap_i = A_i K_i / kappa_s              L_i = Y_i / (A_i pi_cost_s)
        mat_i = m_s Y_i / Ag_i                 va_i = rev_i - mat_i
        debt_i = target_leverage K_i           cash_i = cash_target rev_year_i (0.5 + u_cash_i)
        dig_i = clip(0.15 + 0.15 u_dig_i + 0.2 [rev_year_i >= above_scale], 0, 1)
        emis_i = emission_s / A_i              size_i = size_class_of(L_i, rev_year_i)
        share_i = Y_i / sum of Y_j over the firms j of sector s  (in row order, as np.bincount)

    Parameters
    ----------
    u_cash, u_dig : (m,) float
        uniform draws on [0, 1): the cash buffer's and the digital level's
    kappa : (S,) float
        capital per unit of quarterly capacity at A = 1
    utilization : (S,) float
        each sector's 2018 capacity utilisation u*_s
    pi_cost : (S,) float
        real output per paid worker per quarter at A = 1
    m : (S,) float
        intermediate inputs per unit of real output at A = 1 (``calibrate_markups``)
    emission : (S,) float
        emissions intensity at A = 1, t CO2 per 10k yuan
    raw : (S,) bool
        raw-material sectors (resource-bound: no soft-budget overcapacity, over = 1)
    over_o : (4,) float
        1 + xi b_o, the idle capacity a state owner's soft budget lets it plan for
    target_leverage : float
        debt per unit of capital
    cash_target : float
        cash per unit of annual revenue at the buffer's midpoint
    above_scale : float
        the above-scale revenue threshold, 10k yuan a year

    Returns
    -------
    None; the columns from ``Y`` to ``share`` are written (rows 0 .. m - 1).
    """
    n = sector.size
    for i in prange(n):
        s = sector[i]
        r = rev_year[i] / 4.0
        y = r / price[i]
        k = kappa[s] * y / (A[i] * utilization[s])
        k = k * (1.0 if raw[s] else over_o[owner[i]])
        lab = y / (A[i] * pi_cost[s])
        mt = m[s] * y / Ag[i]
        rev[i] = r
        Y[i] = y
        exp_dem[i] = y
        D[i] = y
        K[i] = k
        K_year[i] = k
        cap[i] = A[i] * k / kappa[s]
        L[i] = lab
        size[i] = size_class_of(lab, rev_year[i])
        mat[i] = mt
        va[i] = r - mt
        debt[i] = target_leverage * k
        cash[i] = cash_target * rev_year[i] * (0.5 + u_cash[i])
        d = 0.15 + 0.15 * u_dig[i] + 0.2 * (1.0 if rev_year[i] >= above_scale else 0.0)
        dig[i] = min(max(d, 0.0), 1.0)
        emis[i] = emission[s] / A[i]
    tot = np.zeros(kappa.size)
    for i in range(n):  # np.bincount's order: row by row
        tot[sector[i]] += Y[i]
    for i in prange(n):
        share[i] = Y[i] / tot[sector[i]]
