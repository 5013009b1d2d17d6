"""The goods market: prices, competitiveness, market shares and production."""

import math

import numpy as np
from numba import njit, prange

from ..libm import exp, exp_core, exp_fits, log, log_core, log_fits, pow, pow_core
from ..rng import S_SHARE, S_SHARE_SCALE, normals, uniform, uniforms
from .chunks import bounds, n_chunks


@njit(cache=True, error_model="numpy")
def unit_cost(wage, pi, A, Ag, m, p_in, kc):
    """Normal unit cost (10k yuan per unit of real output):

        uc = w / (4 pi A) + m p_in / A^gamma + kc / A

    Productivity A saves labour, capital and (with elasticity gamma) intermediate inputs
    (Ag = A^gamma, kept in the firm table); w is the annual wage (10k yuan), pi real output
    per worker per quarter, kc the user cost of the capital held per unit of real output at
    A = 1, kc = (r_o / 4 + delta) kappa_s / u*_o (``Instruments.capital_cost_o`` times
    kappa_s): the owner type's lending rate and the utilisation it plans for (normal-cost
    pricing: prices cover the capital a firm holds, at normal output). Compiled with numpy's
    error model (a division by zero gives inf, as in the kernels' parallel loops, rather than
    raising): without the check, the price loop that calls it vectorises."""
    return wage / (4.0 * pi * A) + m * p_in / Ag + kc / A


@njit(cache=True, parallel=True)
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
    Ag,
    theta,
    omega,
    iota,
    n_sec,
    owner,
    out_sub,
    elig,
    green_cost,
    kappa,
    kcost,
):
    """Prices and competitiveness of every firm; returns the sectors' mean unit cost.

    Unit cost uc_i = unit_cost(w_p, pi_s, A_i, A_i^gamma, m_s, p_in_s (1 + green_cost),
    kcost_o kappa_s), where green_cost is the abatement cost the green transition adds to
    inputs and kcost_o kappa_s the capital cost per unit of output at A = 1; sector mean
    uc_bar_s = sum_i f_i uc_i / sum_i f_i (market-share weighted; the unweighted
    mean if the sector's shares are all 0).
    Price: processing sectors price at a markup over a blend of own and sector cost, less the
    output subsidy they pass on to buyers,
        p_i = (1 + mu_s) (theta uc_i + (1 - theta) uc_bar_s) (1 - out_sub_s elig_o),
    so a high-cost firm earns a thinner margin (theta = cost pass-through); raw sectors take
    the commodity price p_i = p_raw_s.
    Competitiveness: E_i = q_i^omega / p_i * max(0, 1 - iota * unfilled_i) (q^0.5 taken as
    sqrt(q), correctly rounded: pow's result differs from it in the last bit for ~0.1% of q).

    Parameters
    ----------
    raw : (n_sec,) bool
        sector is a raw-material sector (takes the commodity price p_raw_s)
    wage : (n_pref,) float
        annual wage by prefecture, 10k yuan per worker per year
    pi : (n_sec,) float
        real output per paid worker per quarter at A = 1 (``Calibrated.pi_cost``: staffed
        for the planning buffer), the labour productivity of unit cost
    m : (n_sec,) float
        intermediate inputs per unit of real output at A = 1 and 2018 prices
    mu : (n_sec,) float
        markup over the blended unit cost (processing sectors), share
    p_in : (n_sec,) float
        input price index of each sector, 2018 = 1
    p_raw : (n_sec,) float
        commodity price index of each raw sector, 2018 = 1 (per unit of real output)
    theta : float
        cost pass-through: weight of the firm's own unit cost (vs its sector's mean), 0-1
    omega : float
        weight (exponent) of quality in competitiveness
    iota : float
        loss of competitiveness per unit share of demand left unfilled last quarter
    out_sub : (n_sec,) float
        output subsidy by sector, per yuan of revenue (passed into prices)
    elig : (4,) float
        share of subsidy programmes open to each owner type (elig_o), 0-1
    green_cost : float
        abatement cost of the green transition, share of intermediate-input cost
    kappa : (n_sec,) float
        capital per unit of quarterly capacity at A = 1 (10k yuan per real 10k yuan a quarter)
    kcost : (4,) float
        user cost of capital per unit of capacity by owner type, (r_o / 4 + delta) / u*_o
        (``Instruments.capital_cost_o``)
    Writes: price, E (every row in use; a dead row's from its stale values).
    """
    # the per-row passes compute every row, without a branch on alive[i] (they vectorise): a
    # dead row's price and E are rewritten from its stale values, which nothing reads
    for i in prange(n):
        s = sector[i]
        kc = kcost[owner[i]] * kappa[s]
        p_m = p_in[s] * (1.0 + green_cost)
        uc = unit_cost(wage[pref[i]], pi[s], A[i], Ag[i], m[s], p_m, kc)
        price[i] = uc  # temporarily
    # sector sums by fixed blocks of rows (kernels/chunks.py): independent of the thread count
    nc = n_chunks(n)
    part = np.zeros((nc, 4, n_sec))  # share-weighted cost, shares, unweighted cost, firms
    for c in prange(nc):
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if alive[i]:
                s = sector[i]
                part[c, 0, s] += share[i] * price[i]
                part[c, 1, s] += share[i]
                part[c, 2, s] += price[i]  # unweighted, for a sector whose shares are all 0
                part[c, 3, s] += 1.0
    sums = np.zeros((4, n_sec))
    for c in range(nc):
        sums += part[c]
    uc_bar, tot, uc_sum, count = sums[0], sums[1], sums[2], sums[3]
    for s in range(n_sec):
        if tot[s] > 0.0:
            uc_bar[s] /= tot[s]
        elif count[s] > 0.0:
            uc_bar[s] = uc_sum[s] / count[s]
    raw_f = np.where(raw, 1.0, 0.0)  # a bool gathered by sector keeps the loop scalar
    for i in prange(n):
        s = sector[i]
        blend = theta * price[i] + (1.0 - theta) * uc_bar[s]
        p_i = (1.0 + mu[s]) * blend * (1.0 - out_sub[s] * elig[owner[i]])
        p_i = p_raw[s] if raw_f[s] > 0.5 else p_i
        price[i] = p_i
        q_w = math.sqrt(q[i]) if omega == 0.5 else q[i] ** omega  # sqrt: 10x cheaper than pow
        E[i] = q_w / p_i * max(0.0, 1.0 - iota * unfilled[i])
    return uc_bar


@njit(cache=True, error_model="numpy")
def shock_scale(rev_year, u, sd, size_ref, beta, laplace):
    """A firm's market-share shock scale for the calendar year and its mean correction 1 / M
    (``update_shares``; rev_year: its last full year's revenue, 10k yuan; u: its uniform draw
    of the year, stream S_SHARE_SCALE, unused with normal shocks; the others as there):
        sd_i = min(0.8, sd (max(rev_year, 1) / size_ref)^(-beta))
        Laplace: (sd_i sqrt(-ln u), 1 - sd_i^2 / 2);   normal: (sd_i, exp(-sd_i^2 / 2))
    with glibc's pow, log and exp (``libm.py``)."""
    sd_i = min(0.8, sd * pow(max(rev_year, 1.0) / size_ref, -beta))
    if laplace:
        return sd_i * math.sqrt(-log(u)), 1.0 - 0.5 * sd_i * sd_i
    return sd_i, exp(-0.5 * sd_i * sd_i)


@njit(cache=True, parallel=True)
def update_shares(
    n,
    alive,
    ids,
    sector,
    share,
    E,
    chi,
    rev_year,
    sd,
    size_ref,
    beta,
    laplace,
    n_sec,
    seed,
    t,
    born,
    shock_sd,
    shock_m,
    unfilled,
    iota,
    cbase,
    decay,
):
    """Replicator dynamics of market shares within each sector, with idiosyncratic demand
    shocks and young firms' demand accumulation; returns the sectors' mean competitiveness and
    their mean price-quality competitiveness.

        E_bar_s = sum_i f_i E_i / sum_i f_i   (over the sector's firms)
        C_bar_s = sum_i f_i q_i^omega / p_i / sum_i f_i
    (C_i = E_i / (1 - iota unfilled_i): competitiveness without the penalty for last
    quarter's unfilled orders, which is at least 1 - iota > 0 since iota <= 0.8 (the schema)
    and unfilled <= 1; C_bar_s is what the province's share of its national market responds
    to, ``steps/goods.py: clear``)
        b_i'   = 1 - (1 - b_i) decay                  (customer base, ``cbase``; while b_i < 1)
        f_i    <- max(0, f_i (1 + chi (E_i / E_bar_s - 1))) (b_i' / b_i) exp(sd_i e_i) / M(sd_i),
    then renormalised to sum to 1. New firms start with a demand deficit (b_i < 1) and erase it
    slowly whatever their prices (Foster, Haltiwanger & Syverson 2016); established firms,
    projects and raw-sector firms are created with b_i = 1 (``init/population.py``,
    ``steps/demography.py: _create``), so the rule needs no sector test here. The shock's
    scale falls with size, as for a firm made of many independent lines of business (Amaral et
    al. 1997; Stanley et al. 1996):
        sd_i = min(0.8, sd (max(rev_year_i, 1) / size_ref)^(-beta))
    (rev_year_i: the last full year's revenue, 10k yuan). e_i has mean 0 and variance 1
    (customers' idiosyncratic tastes, orders won and lost): e_i ~ N(0, 1) with
    M = exp(sd^2 / 2), or, if ``laplace``, a Laplace draw e_i = z_i sqrt(x_i), z_i ~ N(0, 1)
    each quarter, x_i ~ Exp(1) drawn once per firm and calendar year (a normal whose variance
    varies from firm to firm and year to year: calm and turbulent years), with
    M = 1 / (1 - sd^2 / 2).
    A firm's shock scale s_i = sd_i sqrt(x_i) (sd_i with normal draws) and 1 / M are fixed
    for the calendar year: kept in shock_sd_i and shock_m_i, set in the year's first quarter
    and in an entrant's first quarter (born_i = t - 1; ``shock_scale``).

    Parameters
    ----------
    chi : float
        replicator speed: response of shares to relative competitiveness, per quarter
    sd : float
        sd of the quarterly log share shock of a firm with annual revenue size_ref
    size_ref : float
        annual revenue at which the shock's sd is ``sd``, 10k yuan
    beta : float
        elasticity of the shock's sd to firm size (annual revenue), sd_i ~ size^-beta
    laplace : bool
        Laplace (True) or normal (False) share shocks
    unfilled, iota : as in ``price_and_competitiveness`` (for C_i)
    cbase : (n,) float
        b_i, the firm's customer base as a share of the one it builds up, 0 < b_i <= 1
    decay : float
        exp(-1 / tau_b): the share of the remaining deficit 1 - b_i left after a quarter
    Writes: share, shock_sd, shock_m, cbase (living firms; the renormalisation divides every
    row in use, a dead row's share from its stale value, and a year's first quarter sets
    every row's shock_sd and shock_m, in a pass that vectorises: nothing reads a dead row's).
    """
    nc = n_chunks(n)  # sector sums by fixed blocks of rows (kernels/chunks.py)
    part = np.zeros((nc, 3, n_sec))
    for c in prange(nc):
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if alive[i]:
                part[c, 0, sector[i]] += share[i] * E[i]
                part[c, 1, sector[i]] += share[i]
                part[c, 2, sector[i]] += share[i] * E[i] / (1.0 - iota * unfilled[i])
    sums = np.zeros((3, n_sec))
    for c in range(nc):
        sums += part[c]
    e_bar, tot, c_bar = sums[0], sums[1], sums[2]
    new_year = (t - 1) % 4 == 0
    for s in range(n_sec):
        if tot[s] > 0.0:
            e_bar[s] /= tot[s]
            c_bar[s] /= tot[s]
    eps = normals(n, ids, seed, t, S_SHARE)  # every row's draw, in passes that vectorise
    # in a year's first quarter every row's shock scale, in a pass that vectorises (glibc's
    # pow, log and exp inlined: libm.py), then the library's where they do not apply
    m = n if new_year else 0
    u_scale = uniforms(m, ids, seed, (t - 1) // 4, S_SHARE_SCALE)
    redo = np.zeros(m, dtype=np.bool_)
    for i in prange(m):
        power = pow_core(max(rev_year[i], 1.0) / size_ref, -beta)  # NaN: not its range
        sd_i = min(0.8, sd * power)
        if laplace:
            shock_sd[i] = sd_i * math.sqrt(-log_core(u_scale[i]))
            shock_m[i] = 1.0 - 0.5 * sd_i * sd_i
            redo[i] = (power != power) | (not log_fits(u_scale[i]))
        else:
            x = -0.5 * sd_i * sd_i
            shock_sd[i] = sd_i
            shock_m[i] = exp_core(x)
            redo[i] = (power != power) | (not exp_fits(x))
    for i in range(m):
        if redo[i]:
            shock_sd[i], shock_m[i] = shock_scale(
                rev_year[i], u_scale[i], sd, size_ref, beta, laplace
            )
    for i in prange(n):
        if alive[i]:
            s = sector[i]
            if e_bar[s] > 0.0:
                share[i] = max(0.0, share[i] * (1.0 + chi * (E[i] / e_bar[s] - 1.0)))
            b = cbase[i]  # selects, not a branch: young and established firms alternate
            young = b < 1.0
            b_new = 1.0 - (1.0 - b) * decay
            share[i] = share[i] * (b_new / b) if young else share[i]
            cbase[i] = b_new if young else b
            if not new_year and born[i] == t - 1:  # an entrant's first quarter
                u = uniform(seed, (t - 1) // 4, ids[i], S_SHARE_SCALE) if laplace else 0.5
                shock_sd[i], shock_m[i] = shock_scale(rev_year[i], u, sd, size_ref, beta, laplace)
            if shock_sd[i] > 0.0:
                share[i] *= exp(shock_sd[i] * eps[i]) * shock_m[i]  # glibc's, inlined
    part[:, 1, :] = 0.0  # the new shares' sector sums, by blocks again
    for c in prange(nc):
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if alive[i]:
                part[c, 1, sector[i]] += share[i]
    tot[:] = 0.0
    for c in range(nc):
        tot += part[c, 1]
    for i in prange(n):  # every row in use, no branch on alive[i] (a dead row's share unread)
        ts = tot[sector[i]]
        share[i] = share[i] / ts if ts > 0.0 else share[i]
    return e_bar, c_bar


@njit(cache=True, parallel=True)
def open_shares(n, alive, sector, owner, share, open_o, n_sec):
    """The market share of each sector open to defence procurement,
        open_s = sum_i f_i open_o(i)   over the sector's living firms,
    summed by fixed blocks of rows (kernels/chunks.py); ``produce`` divides by it (once
    for both its calls: shares do not change between them).

    Parameters
    ----------
    open_o : (4,) float
        access of each owner type to defence procurement (state firms 1), 0-1
    """
    nc = n_chunks(n)
    part = np.zeros((nc, n_sec))
    for c in prange(nc):
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if alive[i]:
                part[c, sector[i]] += share[i] * open_o[owner[i]]
    open_share = np.zeros(n_sec)
    for c in range(nc):
        open_share += part[c]
    return open_share


@njit(cache=True, parallel=True)
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
    open_share,
    cap,
    L,
    A,
    pi,
    price,
    D,
    Y,
    unfilled,
    rev,
    Ag,
):
    """Production and sales for the firms of the sectors flagged ``active``.

    A share defence_s of sector demand is procurement open to owner type o with weight
    open_o (state firms 1; private and foreign by the civil-military lever):
        D_i = demand_s ((1 - defence_s) f_i + defence_s f_i open_o / sum_j f_j open_j)
        Y_i = min(D_i, cap_i, A_i pi_s L_i)
        unfilled_i = (D_i - Y_i) / D_i,   rev_i = p_i Y_i
    Returns the output of each sector (real units) and its input-weighted output
    sum_i Y_i / A_i^gamma (raw materials are saved with productivity like other inputs).

    Parameters
    ----------
    active : (n_sec,) bool
        sectors that produce in this call (processing sectors first, then raw sectors)
    demand : (n_sec,) float
        demand addressed to each sector, real output per quarter (read for active sectors)
    defence : (n_sec,) float
        defence_s: share of the sector's demand that is defence procurement, 0-1
    open_o : (4,) float
        access of each owner type to defence procurement (state firms 1), 0-1
    open_share : (n_sec,) float
        sum_j f_j open_j over the sector's living firms (``open_shares``)
    pi : (n_sec,) float
        technical real output per worker per quarter at A = 1 (``Calibrated.pi``)
    Writes: D, Y, unfilled, rev (living firms of active sectors).
    """
    n_sec = active.size
    nc = n_chunks(n)  # sector sums by fixed blocks of rows (kernels/chunks.py)
    part_out = np.zeros((nc, 2, n_sec))  # the outputs' sector sums, in the same pass
    for c in prange(nc):
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
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
            part_out[c, 0, s] += y
            part_out[c, 1, s] += y / Ag[i]
    sums = np.zeros((2, n_sec))
    for c in range(nc):
        sums += part_out[c]
    return sums[0], sums[1]
