"""Exit (insolvency, bail-outs, exogenous hazard) and entry (counts, attributes, location)."""

import math

import numpy as np
from numba import njit, prange

from ..libm import exp, log
from ..rng import (
    S_BAILOUT,
    S_ENTRY_COUNT,
    S_ENTRY_LOCATION,
    S_ENTRY_OWNER,
    S_ENTRY_PRODUCTIVITY,
    S_ENTRY_SIZE,
    S_EXIT,
    normal,
    poisson,
    uniform,
    uniforms,
)
from .chunks import bounds, n_chunks

AGE_TABLE = 1024  # ages (quarters) whose exit hazard ``exit_firms`` tabulates once per call


@njit(cache=True, parallel=True)
def exit_firms(
    n,
    alive,
    ids,
    owner,
    sector,
    raw,
    size,
    age,
    K,
    K0,
    Y,
    cap,
    cash,
    debt,
    profit,
    losses,
    bailout,
    exiting,
    bail_prob,
    neutrality,
    rescue_large,
    u_owner,
    delta,
    max_losses,
    h0,
    tau,
    h_floor,
    size_hazard,
    seed,
    t,
):
    """Flag exits and pay bail-outs (bailout_i, 10k yuan, added to cash_i).

    Net worth with capital valued at its use, NW_i = cash_i + min(1, Y_i / (u*_o cap_i)) K_i
    - debt_i (capacity idle beyond what the firm planned for is impaired; raw sectors, which
    are resource-bound, against u*). A firm is in
    distress if NW_i < 0 or it has burnt cash for max_losses quarters in a row: an operating
    loss, profit_i + delta K0_i < 0 (a loss beyond the depreciation of its opening capital,
    as charged in the income statement), or a loss
    with no cash left (cash_i <= 0). A loss that only reflects depreciation, while the firm
    still has cash, does not force exit (the firm can run its capital down). A distressed
    state firm (owner 0 or 1) is bailed out with probability (1 - neutrality) bail_prob_o,
    receiving max(0, -NW_i) + max(0, -profit_i) in cash (soft budget constraint: its losses
    are covered) and its count of cash-burning quarters starts again (a recapitalisation);
    any other distressed firm exits. A distressed large firm of any ownership is rescued
    with at least the probability rescue_large (leading-firm support). The draw is one per
    firm for the whole run (a firm its government stands behind is rescued every time it is
    in distress).
    A firm not in distress exits for other reasons (owners retire, plants close) with hazard
    z_size (h0 exp(-age_i / tau) + h_floor) per quarter, z = size_hazard by size class (large
    firms are restructured rather than closed: z_large = 0), tabulated by size class and age
    once per call (the same arithmetic: one exp per age rather than per firm).

    Parameters
    ----------
    bail_prob : (4,) float
        bail_prob_o: probability a distressed firm of owner type o is bailed out in 2018
        practice (central SOE, local SOE; 0 for private and foreign)
    neutrality : float
        ownership-neutrality lever in force, 0 (2018 practice) to 1 (no bail-outs by owner)
    rescue_large : float
        probability a distressed large firm of any ownership is rescued
    raw : (n_sec,) bool
        sector is a raw-material (resource-bound) sector: its firms are judged against u*
    u_owner : (4,) float
        u*_o: the utilisation owner type o plans its capital for, share (capital idle beyond
        the firm's own plan is impaired; ``Instruments.utilization_o``); u_owner[PRIVATE] is u*
    delta : float
        capital depreciation rate, per quarter (added back to profit: operating cash flow)
    max_losses : int
        consecutive quarters of negative operating cash flow that put a firm in distress
    h0 : float
        extra exogenous exit hazard of a newborn firm, per quarter
    tau : float
        age over which that extra hazard falls by a factor e, quarters
    h_floor : float
        exogenous exit hazard at any age, per quarter
    size_hazard : (4,) float
        z_size: relative exogenous hazard by size class (large, medium, small, micro)
    Writes: age (+1), losses, bailout, cash, exiting (living firms; exiting and bailout
    reset on every row).
    """
    # the hazard by size class and age, once per call (ages up to AGE_TABLE quarters)
    hazard = np.empty((size_hazard.size, AGE_TABLE + 1))
    for a in range(AGE_TABLE + 1):
        decay = exp(-a / tau)  # glibc's exp inlined (libm.py), once per age
        for z in range(size_hazard.size):
            hazard[z, a] = size_hazard[z] * (h0 * decay + h_floor)
    u_exit = uniforms(n, ids, seed, t, S_EXIT)  # every row's draw, in a pass that vectorises
    for i in prange(n):
        exiting[i] = False
        bailout[i] = 0.0
        if not alive[i]:
            continue
        a = age[i] + 1  # the row's values in local variables, stored once
        age[i] = a
        u_plan = u_owner[2] if raw[sector[i]] else u_owner[owner[i]]  # 2: private, plans at u*
        c = cap[i]
        used = min(1.0, Y[i] / (u_plan * c)) if c > 0.0 else 0.0
        cash_i, prof = cash[i], profit[i]
        nw = cash_i + used * K[i] - debt[i]
        # & and |, not and / or: the outcome varies from firm to firm (no branch to mispredict)
        burning = (prof + delta * K0[i] < 0.0) | ((prof < 0.0) & (cash_i <= 0.0))
        lost = losses[i] + 1 if burning else 0
        losses[i] = lost
        if nw < 0.0 or lost >= max_losses:
            o = owner[i]
            p = (1.0 - neutrality) * bail_prob[o]
            if size[i] == 0:
                p = max(p, rescue_large)
            # whether its government stands behind a firm is a trait of the firm, not a new
            # coin each quarter: one draw per firm (quarter 0), compared with p
            if p > 0.0 and uniform(seed, 0, ids[i], S_BAILOUT) < p:
                b = max(0.0, -nw) + max(0.0, -prof)
                bailout[i] = b
                cash[i] = cash_i + b
                losses[i] = 0  # recapitalised: its distress clock starts again
            else:
                exiting[i] = True
        else:
            if a <= AGE_TABLE:
                h = hazard[size[i], a]
            else:
                h = size_hazard[size[i]] * (h0 * math.exp(-a / tau) + h_floor)
            if u_exit[i] < h:
                exiting[i] = True


@njit(cache=True)
def entry_counts(n_alive_s, profit_rate_s, rate_q, response, interest_q, seed, t):
    """Potential entrants per sector this quarter: Poisson with mean
        lambda_s = rate_q * N_s * max(0, 1 + response * (profit_rate_s - interest_q)),
    where profit_rate_s is the sector's quarterly profit over capital.

    Parameters
    ----------
    n_alive_s : (n_sec,) float
        N_s: living firms in each sector (``census`` row 0)
    profit_rate_s : (n_sec,) float
        sector profit over capital, per quarter (capped by the caller)
    rate_q : float
        entrants per quarter as a share of the sector's living firms, at zero excess profit
    response : float
        response of entry to the profit rate over the interest rate
    interest_q : float
        benchmark lending rate per quarter (base_rate / 4)
    """
    n_sec = n_alive_s.size
    out = np.zeros(n_sec, dtype=np.int64)
    for s in range(n_sec):
        lam = rate_q * n_alive_s[s] * max(0.0, 1.0 + response * (profit_rate_s[s] - interest_q))
        out[s] = poisson(lam, seed, t, s, S_ENTRY_COUNT)
    return out


@njit(cache=True)
def location_utilities(
    chain,
    wage,
    suit,
    y_loc_s,
    park_pref,
    park_chain,
    infra,
    park_bonus,
    b_wage,
    b_agg,
    b_infra,
    b_spec,
    b_outside,
):
    """Deterministic utility of each location for an entrant of each sector, U[s, l], with
    l = p for prefecture p's sites outside parks and l = n_pref + k for park k:
        U(p, none) = -b_wage ln w_p + b_agg ln(1 + y_ps) + ln suit_ps + b_outside
        U(p, k)    = -b_wage ln w_p + b_agg ln(1 + y_ks) + ln suit_ps + b_infra infra_k
                     + b_spec [chain_k = chain_s] + park_bonus_k
    where suit_ps is the sector's presence in the prefecture (resources for raw sectors) and
    y the sector's output at the location; -inf where suit_ps = 0 (not an option).

    Parameters
    ----------
    chain : (n_sec,) int
        chain_s: chain index of each sector
    wage : (n_pref,) float
        w_p: annual wage by prefecture, 10k yuan per worker per year
    suit : (n_sec, n_pref) float
        suit_ps: share of sector s's 2018 activity in prefecture p (rows sum to 1)
    y_loc_s : (n_parks + n_pref, n_sec) float
        output by location and sector, real per quarter; rows are parks, then prefectures
        outside parks (the ``location_stats`` order, unlike the columns of U)
    park_pref : (n_parks,) int
        prefecture of each park
    park_chain : (n_parks,) int
        chain_k: chain each park specialises in
    infra : (n_parks,) float
        infra_k: infrastructure index of each park
    park_bonus : (n_parks,) float
        park_bonus_k: logit bonus of each park (co-construction lever x its attraction)
    b_wage : float
        logit weight of -ln(wage)
    b_agg : float
        logit weight of ln(1 + same-sector output at the location)
    b_infra : float
        logit weight of park infrastructure
    b_spec : float
        logit bonus of a park whose chain matches the sector's
    b_outside : float
        logit utility of a site outside any park (relative to a park)
    """
    n_sec, n_pref = suit.shape
    n_parks = park_pref.size
    u = np.full((n_sec, n_pref + n_parks), -np.inf)
    for s in range(n_sec):
        for p in range(n_pref):
            if suit[s, p] > 0.0:
                u[s, p] = -b_wage * log(wage[p]) + log(suit[s, p])
                u[s, p] += b_agg * log(1.0 + y_loc_s[n_parks + p, s]) + b_outside
        for k in range(n_parks):
            p = park_pref[k]
            if suit[s, p] > 0.0:
                spec = b_spec if park_chain[k] == chain[s] else 0.0
                x = -b_wage * log(wage[p]) + log(suit[s, p])
                x += b_agg * log(1.0 + y_loc_s[k, s]) + b_infra * infra[k]
                u[s, n_pref + k] = x + spec + park_bonus[k]
    return u


@njit(cache=True)
def location_cdf(u, room, n_pref, cw):
    """Cumulative logit weights of the locations with utilities ``u`` (one sector's row of
    ``location_utilities``) into ``cw``; returns the total. Weight exp(U_l - max U); a
    location that is not an option (U = -inf) or a park with no room (room_k < 1) has
    weight 0."""
    top = -np.inf
    for j in range(u.size):
        if u[j] > -np.inf and (j < n_pref or room[j - n_pref] >= 1.0):
            top = max(top, u[j])
    total = 0.0
    for j in range(u.size):
        if u[j] > -np.inf and (j < n_pref or room[j - n_pref] >= 1.0):
            total += exp(u[j] - top)
        cw[j] = total
    return total


@njit(cache=True)
def draw_entrants(
    counts,
    owner_p,
    barrier,
    size_median,
    size_sd,
    a_mean,
    a_rel,
    a_sd,
    utility,
    park_pref,
    park_room,
    seed,
    t,
    first_idx,
):
    """Attributes and locations of this quarter's entrants.

    Ownership o ~ owner_p; a private or foreign entrant is deterred with probability
    barrier_o. Annual size: rev = size_median_s exp(size_sd_s eps). Productivity:
    A = a_rel a_mean_s exp(a_sd eps'). Location: a multinomial logit among the prefectures'
    outside-park sites and the parks with room left, P(l) = exp(U_sl) / sum_m exp(U_sm)
    (``utility`` from ``location_utilities``), drawn by inverting the cumulative weights
    (``location_cdf``) with one uniform. A park that fills up leaves the choice set of later
    entrants. Returns arrays (sector, owner, pref, park, rev, A, kept) for the candidates;
    ``kept`` is False for deterred entrants.

    Parameters
    ----------
    counts : (n_sec,) int
        candidate entrants of each sector this quarter
    owner_p : (4,) float
        ownership probabilities of a candidate (central SOE, local SOE, private, foreign),
        summing to 1
    barrier : (4,) float
        barrier_o: probability a candidate of owner type o is deterred, 0-1
    size_median : (n_sec,) float
        size_median_s: median annual revenue of an entrant to sector s, 10k yuan
    size_sd : (n_sec,) float
        size_sd_s: sd of log entrant size (annual revenue) in sector s
    a_mean : (n_sec,) float
        a_mean_s: output-weighted mean productivity A of the sector's living firms (1 if
        the sector has no output)
    a_rel : float
        entrants' productivity relative to the sector's mean
    a_sd : float
        sd of log productivity of entrants
    utility : (n_sec, n_pref + n_parks) float
        U_sl: deterministic location utilities, prefectures then parks
    park_pref : (n_parks,) int
        prefecture of each park
    park_room : (n_parks,) float
        free firm slots in each park (capacity less the firms located there)
    first_idx : int
        candidates drawn so far in the run; candidate j uses random-number counter
        first_idx + j
    """
    total = 0
    for s in range(counts.size):
        total += counts[s]
    sec = np.empty(total, dtype=np.int64)
    own = np.empty(total, dtype=np.int64)
    pref = np.empty(total, dtype=np.int64)
    park = np.empty(total, dtype=np.int64)
    rev = np.empty(total)
    a = np.empty(total)
    kept = np.empty(total, dtype=np.bool_)
    n_pref = utility.shape[1] - park_pref.size
    room = park_room.copy()
    cw = np.empty(n_pref + park_pref.size)  # cumulative location weights, sector s
    j = 0
    for s in range(counts.size):
        if counts[s] == 0:
            continue
        stale = True  # the cumulative weights need (re)computing
        w = 0.0
        for _ in range(counts[s]):
            if stale:
                w = location_cdf(utility[s], room, n_pref, cw)
                stale = False
            idx = first_idx + j
            u = uniform(seed, t, idx, S_ENTRY_OWNER)
            o = 0
            c = owner_p[0]
            while u > c and o < 3:
                o += 1
                c += owner_p[o]
            sec[j] = s
            own[j] = o
            kept[j] = uniform(seed, t, idx, S_ENTRY_OWNER + 100) >= barrier[o]
            rev[j] = size_median[s] * exp(size_sd[s] * normal(seed, t, idx, S_ENTRY_SIZE))
            a[j] = a_rel * a_mean[s] * exp(a_sd * normal(seed, t, idx, S_ENTRY_PRODUCTIVITY))
            x = uniform(seed, t, idx, S_ENTRY_LOCATION) * w
            loc = 0  # no location suits the sector (w = 0): outside the parks, prefecture 0
            if w > 0.0:
                loc = min(np.searchsorted(cw, x, side="right"), cw.size - 1)
                while loc > 0 and cw[loc] == cw[loc - 1]:
                    loc -= 1  # never a location of weight 0 (only if x rounds up to w)
            if loc < n_pref:
                pref[j], park[j] = loc, -1
            else:
                k = loc - n_pref
                pref[j], park[j] = park_pref[k], k
                if kept[j]:
                    room[k] -= 1.0
                    stale = room[k] < 1.0  # a full park leaves the choice set
            j += 1
    return sec, own, pref, park, rev, a, kept


@njit(cache=True, parallel=True)
def census(n, alive, sector, park, K, profit, Y, A, q, n_sec, n_parks):
    """Totals of the living firms that entry decisions read, in one pass over the rows:
        by sector s   n_s (firms), K_s, profit_s, Y_s, (Y A)_s, (Y q)_s
        by park k     firms located in park k
    Returned as a (6, n_sec) array (rows in the order above) and an int array by park:
        by_s[:, s] = sum over living firms i of sector s of (1, K_i, profit_i, Y_i,
                     Y_i A_i, Y_i q_i)
        in_park[k] = number of living firms i with park_i = k
    (K in 10k yuan, profit in 10k yuan per quarter, Y real output per quarter.)"""
    nc = n_chunks(n)
    part = np.zeros((nc, 6, n_sec))
    part_park = np.zeros((nc, max(n_parks, 1)), dtype=np.int64)  # column 0 exists: adds 0
    for c in prange(nc):  # blocks of rows in parallel (kernels/chunks.py)
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if not alive[i]:
                continue
            s = sector[i]
            part[c, 0, s] += 1.0
            part[c, 1, s] += K[i]
            part[c, 2, s] += profit[i]
            part[c, 3, s] += Y[i]
            part[c, 4, s] += Y[i] * A[i]
            part[c, 5, s] += Y[i] * q[i]
            # without a branch (park firms are scattered over the rows): adds 0 outside parks
            part_park[c, max(park[i], 0)] += 1 if park[i] >= 0 else 0
    by_s = np.zeros((6, n_sec))
    in_park = np.zeros(n_parks, dtype=np.int64)
    for c in range(nc):
        by_s += part[c]
        in_park += part_park[c, :n_parks]
    return by_s, in_park
