"""The credit market: lending terms by ownership and size, collateral limits, bank capacity."""

import numpy as np
from numba import njit, prange

from .chunks import bounds, n_chunks


@njit(cache=True, parallel=True)
def grant_credit(
    n,
    alive,
    owner,
    size,
    K,
    cash,
    debt,
    loan_dem,
    rate,
    new_loan,
    repay,
    base_rate,
    spreads,
    spread_small,
    spread_neutral,
    collateral,
    collateral_neutral,
    neutrality,
    amort,
    bank_equity,
    capital_ratio,
    guarantee,
    rev_year,
    cash_target,
):
    """Grant loans (new_loan_i, 10k yuan).

    Terms blend 2018 practice with equal treatment by the neutrality lever nu in [0, 1]:
        spread_i     = (1 - nu) spread_o + nu spread_neutral + spread_small [small or micro]
        collateral_i = (1 - nu) collateral_o + nu collateral_neutral
        rate_i       = base_rate + spread_i                               (per year)
    Repayment: repay_i = amort * debt_i.
    Credit line: limit_i = collateral_i (K_i + cash_i) - (debt_i - repay_i).
    Request:     x_i = min(loan_demand_i, max(0, limit_i)).
    The bank lends while equity / loans >= capital_ratio: every request is scaled by
        phi = min(1, (bank_equity / capital_ratio - sum(debt - repay)) / sum(x)).
    ``guarantee`` g (array by size class) is the working capital the government guarantees,
    as a share of the firm's assets K + cash. Guaranteed credit is working capital, as
    China's SME guarantee schemes lend it: beyond its own limit a guaranteed firm may borrow up to
        min(loan_demand_i, need_i) - x_i,  at most g (K_i + cash_i),
    with need_i = repay_i + cash_target rev_year_i - cash_i (debt service and its cash
    buffer); investment and leverage stay within the firm's own limit.

    Parameters
    ----------
    base_rate : float
        benchmark lending rate, per year
    spreads : (4,) float
        lending spread spread_o by owner type (central SOE, local SOE, private, foreign),
        per year
    spread_small : float
        extra spread of small and micro firms (size >= 2), per year, net of the guarantee cut
    spread_neutral : float
        ownership spread every firm faces under full neutrality, per year
    collateral : (4,) float
        loan-to-assets limit collateral_o by owner type, share of K + cash
    collateral_neutral : float
        loan-to-assets limit of every firm under full neutrality, share of K + cash
    neutrality : float
        ownership-neutrality lever nu in force, 0 (2018 practice) to 1 (equal treatment)
    amort : float
        share of debt repaid per quarter
    bank_equity : float
        the bank's equity at the start of the quarter, 10k yuan
    capital_ratio : float
        minimum ratio of bank equity to loans outstanding
    guarantee : (4,) float
        guaranteed working capital g_z by size class (large, medium, small, micro), share of
        the firm's assets K + cash (0 for large and medium firms)
    cash_target : float
        cash buffer firms keep, share of annual revenue (rev_year)
    Writes: rate, repay, new_loan (every row in use; a dead row's from its stale values; the
    bank's totals over living firms).
    """
    # every row in use, no branch on alive[i]: the loop vectorises (a dead row's terms and
    # loan come from its stale values, and nothing reads them)
    for i in prange(n):
        o = owner[i]
        spread = (1.0 - neutrality) * spreads[o] + neutrality * spread_neutral
        if size[i] >= 2:
            spread += spread_small
        rate[i] = base_rate + spread
        coll = (1.0 - neutrality) * collateral[o] + neutrality * collateral_neutral
        repay[i] = amort * debt[i]
        limit = coll * (K[i] + cash[i]) - (debt[i] - repay[i])
        x = min(loan_dem[i], max(0.0, limit))
        g = guarantee[size[i]]
        if g > 0.0:
            need = repay[i] + cash_target * rev_year[i] - cash[i]
            extra = min(loan_dem[i], max(0.0, need)) - x
            if extra > 0.0:
                x += min(extra, g * (K[i] + cash[i]))
        new_loan[i] = x
    nc = n_chunks(n)  # sums by fixed blocks of rows (kernels/chunks.py)
    part = np.zeros((nc, 2))
    for c in prange(nc):
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if alive[i]:
                part[c, 0] += new_loan[i]
                part[c, 1] += debt[i] - repay[i]
    requested = 0.0
    outstanding = 0.0
    for c in range(nc):
        requested += part[c, 0]
        outstanding += part[c, 1]
    room = bank_equity / capital_ratio - outstanding
    phi = 1.0
    if requested > 0.0:
        phi = min(1.0, max(0.0, room) / requested)
    for i in prange(n):
        new_loan[i] *= phi
