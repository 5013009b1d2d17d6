"""The goods market: prices, competitiveness, market shares and production."""

import numpy as np
from numba import njit


@njit(cache=True)
def price_and_competitiveness(
    n,
    alive,
    sector,
    pref,
    A,
    q,
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
    omega,
    iota,
):
    """Prices and competitiveness of every firm.

    Unit cost (10k yuan per unit of real output):
        uc_i = w_p / (4 pi_s A_i) + m_s p_in_s
    (productivity saves labour; intermediate inputs per unit of output are fixed)
    Price: processing sectors set p_i = (1 + mu_s) uc_i; raw sectors take the commodity price
    p_i = p_raw_s.
    Competitiveness: E_i = q_i^omega / p_i * max(0, 1 - iota * unfilled_i).
    """
    for i in range(n):
        if not alive[i]:
            continue
        s = sector[i]
        uc = wage[pref[i]] / (4.0 * pi[s] * A[i]) + m[s] * p_in[s]
        if raw[s]:
            price[i] = p_raw[s]
        else:
            price[i] = (1.0 + mu[s]) * uc
        E[i] = q[i] ** omega / price[i] * max(0.0, 1.0 - iota * unfilled[i])


@njit(cache=True)
def update_shares(n, alive, sector, share, E, chi, n_sec):
    """Replicator dynamics of market shares within each sector; return mean competitiveness.

    E_bar_s = sum_i f_i E_i            (over the sector's firms)
    f_i    <- max(0, f_i (1 + chi (E_i / E_bar_s - 1))),  then renormalised to sum to 1.
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
            tot[s] += share[i]
    for i in range(n):
        if alive[i] and tot[sector[i]] > 0.0:
            share[i] /= tot[sector[i]]
    return e_bar


@njit(cache=True)
def produce(n, alive, sector, active, share, demand, cap, L, A, pi, price, D, Y, unfilled, rev):
    """Production and sales for the firms of the sectors flagged ``active``.

        D_i = f_i * demand_s          (real demand addressed to the firm)
        Y_i = min(D_i, cap_i, A_i pi_s L_i)
        unfilled_i = (D_i - Y_i) / D_i,   rev_i = p_i Y_i
    Returns the output of each sector (real units).
    """
    out = np.zeros(active.size)
    for i in range(n):
        if not alive[i]:
            continue
        s = sector[i]
        if not active[s]:
            continue
        d = share[i] * demand[s]
        y = min(d, cap[i], A[i] * pi[s] * L[i])
        D[i] = d
        Y[i] = y
        unfilled[i] = (d - y) / d if d > 0.0 else 0.0
        rev[i] = price[i] * y
        out[s] += y
    return out
