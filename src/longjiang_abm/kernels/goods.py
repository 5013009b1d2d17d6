"""The goods market: prices, competitiveness, market shares and production."""

import math

import numpy as np
from numba import njit

from ..rng import S_SHARE, normal


@njit(cache=True)
def unit_cost(wage, pi, A, m, p_in, gamma):
    """Unit cost (10k yuan per unit of real output):  uc = w / (4 pi A) + m p_in / A^gamma.

    Productivity A saves labour fully and intermediate inputs with elasticity gamma; w is the
    annual wage (10k yuan), pi real output per worker per quarter."""
    return wage / (4.0 * pi * A) + m * p_in / A**gamma


@njit(cache=True)
def price_and_competitiveness(
    n,
    alive,
    sector,
    pref,
    A,
    q,
    share,
    unfilled,
    price,
    E,
    raw,
    wage,
    pi,
    m,
    mu,
    p_in,
    p_raw,
    gamma,
    theta,
    omega,
    iota,
    n_sec,
    owner,
    out_sub,
    elig,
    green_cost,
):
    """Prices and competitiveness of every firm; returns the sectors' mean unit cost.

    Unit cost uc_i = unit_cost(w_p, pi_s, A_i, m_s, p_in_s (1 + green_cost), gamma), where
    green_cost is the abatement cost the green transition adds to inputs; sector mean
    uc_bar_s = sum_i f_i uc_i (market-share weighted).
    Price: processing sectors price at a markup over a blend of own and sector cost, less the
    output subsidy they pass on to buyers,
        p_i = (1 + mu_s) (theta uc_i + (1 - theta) uc_bar_s) (1 - out_sub_s elig_o),
    so a high-cost firm earns a thinner margin (theta = cost pass-through); raw sectors take
    the commodity price p_i = p_raw_s.
    Competitiveness: E_i = q_i^omega / p_i * max(0, 1 - iota * unfilled_i).
    """
    uc_bar = np.zeros(n_sec)
    tot = np.zeros(n_sec)
    uc_sum = np.zeros(n_sec)  # unweighted, for a sector whose shares are all 0
    count = np.zeros(n_sec)
    for i in range(n):
        if not alive[i]:
            continue
        s = sector[i]
        uc = unit_cost(wage[pref[i]], pi[s], A[i], m[s], p_in[s] * (1.0 + green_cost), gamma)
        price[i] = uc  # temporarily
        uc_bar[s] += share[i] * uc
        tot[s] += share[i]
        uc_sum[s] += uc
        count[s] += 1.0
    for s in range(n_sec):
        if tot[s] > 0.0:
            uc_bar[s] /= tot[s]
        elif count[s] > 0.0:
            uc_bar[s] = uc_sum[s] / count[s]
    for i in range(n):
        if not alive[i]:
            continue
        s = sector[i]
        if raw[s]:
            price[i] = p_raw[s]
        else:
            blend = theta * price[i] + (1.0 - theta) * uc_bar[s]
            price[i] = (1.0 + mu[s]) * blend * (1.0 - out_sub[s] * elig[owner[i]])
        E[i] = q[i] ** omega / price[i] * max(0.0, 1.0 - iota * unfilled[i])
    return uc_bar


@njit(cache=True)
def update_shares(n, alive, ids, sector, share, E, chi, sd, n_sec, seed, t):
    """Replicator dynamics of market shares within each sector, with idiosyncratic demand
    shocks; returns the sectors' mean competitiveness.

        E_bar_s = sum_i f_i E_i            (over the sector's firms)
        f_i    <- max(0, f_i (1 + chi (E_i / E_bar_s - 1))) exp(sd e_i - sd^2 / 2),
    e_i ~ N(0, 1) (customers' idiosyncratic tastes), then renormalised to sum to 1.
    """
    e_bar = np.zeros(n_sec)
    tot = np.zeros(n_sec)
    for i in range(n):
        if alive[i]:
            e_bar[sector[i]] += share[i] * E[i]
            tot[sector[i]] += share[i]
    for s in range(n_sec):
        if tot[s] > 0.0:
            e_bar[s] /= tot[s]
    tot[:] = 0.0
    for i in range(n):
        if alive[i]:
            s = sector[i]
            if e_bar[s] > 0.0:
                share[i] = max(0.0, share[i] * (1.0 + chi * (E[i] / e_bar[s] - 1.0)))
            if sd > 0.0:
                share[i] *= math.exp(sd * normal(seed, t, ids[i], S_SHARE) - 0.5 * sd * sd)
            tot[s] += share[i]
    for i in range(n):
        if alive[i] and tot[sector[i]] > 0.0:
            share[i] /= tot[sector[i]]
    return e_bar


@njit(cache=True)
def produce(
    n,
    alive,
    sector,
    owner,
    active,
    share,
    demand,
    defence,
    open_o,
    cap,
    L,
    A,
    pi,
    price,
    D,
    Y,
    unfilled,
    rev,
    gamma,
):
    """Production and sales for the firms of the sectors flagged ``active``.

    A share defence_s of sector demand is procurement open to owner type o with weight
    open_o (state firms 1; private and foreign by the civil-military lever):
        D_i = demand_s ((1 - defence_s) f_i + defence_s f_i open_o / sum_j f_j open_j)
        Y_i = min(D_i, cap_i, A_i pi_s L_i)
        unfilled_i = (D_i - Y_i) / D_i,   rev_i = p_i Y_i
    Returns the output of each sector (real units) and its input-weighted output
    sum_i Y_i / A_i^gamma (raw materials are saved with productivity like other inputs).
    """
    n_sec = active.size
    open_share = np.zeros(n_sec)
    for i in range(n):
        if alive[i] and active[sector[i]]:
            open_share[sector[i]] += share[i] * open_o[owner[i]]
    out = np.zeros(n_sec)
    out_in = np.zeros(n_sec)
    for i in range(n):
        if not alive[i]:
            continue
        s = sector[i]
        if not active[s]:
            continue
        f = (1.0 - defence[s]) * share[i]
        if open_share[s] > 0.0:
            f += defence[s] * share[i] * open_o[owner[i]] / open_share[s]
        d = f * demand[s]
        y = min(d, cap[i], A[i] * pi[s] * L[i])
        D[i] = d
        Y[i] = y
        unfilled[i] = (d - y) / d if d > 0.0 else 0.0
        rev[i] = price[i] * y
        out[s] += y
        out_in[s] += y / A[i] ** gamma
    return out, out_in
