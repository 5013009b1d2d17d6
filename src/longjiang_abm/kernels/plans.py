"""Firms' expectations and plans: expected demand, capacity, labour needs, investment plans."""

import numpy as np
from numba import njit, prange

from ..rng import S_INVEST, uniforms


@njit(cache=True, parallel=True)
def plan_firms(
    n,
    alive,
    ids,
    sector,
    owner,
    A,
    K,
    cash,
    debt,
    D,
    rev_year,
    exp_dem,
    cap,
    L_req,
    inv_plan,
    loan_dem,
    raw,
    kappa,
    pi,
    buffer_out,
    lam,
    u_owner,
    theta,
    p_rep,
    delta,
    cash_target,
    amort,
    lev,
    seed,
    t,
    cash0,
    debt0,
    K0,
):
    """Opening balances, adaptive expectations, capacity, labour requirement and a lumpy
    investment plan.

    Expected demand (real output per quarter):  e_i <- lam * D_i + (1 - lam) * e_i
    Capacity:                                   cap_i = A_i K_i / kappa_s
    Labour requirement (persons):               L_i = min(e_i (1 + b), cap_i) / (A_i pi_s)
    (firms staff for a planning buffer b above expected demand)
    Desired capital (processing sectors):       K*_i = kappa_s e_i / (A_i u*_o)
    with u*_o = u* / (1 + xi b_o) the utilisation owner type o plans for (b_o: the bail-out
    probability it can count on; a soft budget lets state firms over-build capacity).
    Raw sectors are resource-bound: K*_i = K_i (replacement only).
    Investment (10k yuan), with gap = K*/K - 1 and depreciation delta K:
        gap > theta           -> spike:        I = K* - K + delta K
        -theta < gap <= theta -> replacement with probability p_rep: I = delta K, else 0
        gap <= -theta         -> maintenance of the capital in use with probability p_rep:
                                 I = delta K* (= delta K (1 + gap)), else 0
    Loan demand covers the cash need and keeps leverage at its target lev:
        max(0, I + amort debt + buffer - cash,  lev (K (1 - delta) + I) - (1 - amort) debt)
    with buffer = cash_target * annual revenue.
    Opening balances (every row; the accounting checks read them): cash0_i = cash_i,
    debt0_i = debt_i, K0_i = K_i.

    Parameters
    ----------
    raw : (n_sec,) bool
        sector is a raw-material (extraction) sector: resource-bound, K*_i = K_i
    kappa : (n_sec,) float
        capital per unit of quarterly capacity at A = 1 (10k yuan per real 10k yuan a quarter)
    pi : (n_sec,) float
        technical real output per worker per quarter at A = 1 (``Calibrated.pi``)
    buffer_out : float
        planning buffer b: output above expected demand that firms staff for, share
    lam : float
        weight of the latest demand in the adaptive expectation, 0-1
    u_owner : (4,) float
        desired capacity utilisation u*_o that firms of owner type o size their capital for
        (``Instruments.utilization_o``), share
    theta : float
        capital gap (share of capital) beyond which a firm makes a lumpy investment
    p_rep : float
        probability per quarter of replacing (or maintaining) capital when not investing
    delta : float
        capital depreciation rate, per quarter
    cash_target : float
        cash buffer firms keep, share of annual revenue (rev_year)
    amort : float
        share of debt repaid per quarter
    lev : float
        target leverage, debt over capital
    Writes: exp_dem, cap, L_req, inv_plan, loan_dem, cash0, debt0, K0 (every row in use; a
    dead row's from its stale values, which nothing reads).
    """
    # passes over every row in use without a branch on alive[i], which vectorise: the draws
    # (rng.py), the opening balances, the plans; the raw flag as a float, since a gather of a
    # bool by sector keeps LLVM from vectorising the loop
    u_invest = uniforms(n, ids, seed, t, S_INVEST)
    raw_f = np.where(raw, 1.0, 0.0)
    for i in prange(n):
        cash0[i] = cash[i]
        debt0[i] = debt[i]
        K0[i] = K[i]
    for i in prange(n):
        cash_i, debt_i, k = cash[i], debt[i], K[i]
        s = sector[i]
        a = A[i]
        e = lam * D[i] + (1.0 - lam) * exp_dem[i]
        exp_dem[i] = e
        c = a * k / kappa[s]
        cap[i] = c
        L_req[i] = min(e * (1.0 + buffer_out), c) / (a * pi[s])
        k_star = k if raw_f[s] > 0.5 else kappa[s] * e / (a * u_owner[owner[i]])
        gap = k_star / k - 1.0
        dep = delta * k
        # selects, not branches (the gap varies from firm to firm); the draw is counter-based,
        # so drawing it for every firm changes no one's
        replace = u_invest[i] < p_rep
        keep = dep if replace else 0.0
        shrink = dep * k_star / k if replace else 0.0  # maintenance of the capital in use only
        inv = k_star - k + dep if gap > theta else (keep if gap > -theta else shrink)
        inv_plan[i] = inv
        buffer = cash_target * rev_year[i]
        need = inv + amort * debt_i + buffer - cash_i
        gap_debt = lev * (k - dep + inv) - (1.0 - amort) * debt_i
        loan_dem[i] = max(0.0, max(need, gap_debt))
