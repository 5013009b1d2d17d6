"""Innovation, digital adoption, agglomeration spillovers and emissions intensity."""

import math

import numpy as np
from numba import njit, prange

from ..libm import exp
from ..rng import (
    S_DIGITAL,
    S_INNOVATE,
    S_INNOVATION_SIZE,
    S_PRODUCTIVITY,
    S_QUALITY,
    normals,
    uniform,
    uniforms,
)
from .chunks import bounds, n_chunks


@njit(cache=True, parallel=True)
def location_stats(
    n, alive, park, pref, sector, size, chain, Y, lnA, n_parks, n_pref, n_sec, n_chain
):
    """Output and productivity by location (park, or prefecture outside parks) and sector.

    Location l = park index, or n_parks + prefecture for firms outside parks. Returns
        y[l, s]      output (real, per quarter)
        lnA[l, s]    output-weighted mean log productivity
        lnA_l[l]     output-weighted mean log productivity over all sectors
        div[l]       Jacobs diversity 1 - sum_s (y[l, s] / y[l])^2
        lnA_big[p, c] output-weighted mean log productivity of large and medium firms of
                     chain c in prefecture p (the SMEs' potential suppliers' partners)
        y_big[p, c]  their output

    Parameters
    ----------
    chain : (n_sec,) int
        chain index of each sector, 0 .. n_chain - 1
    n_chain : int
        number of chains
    """
    n_loc = n_parks + n_pref
    nc = n_chunks(n)
    py = np.zeros((nc, n_loc, n_sec))
    pa = np.zeros((nc, n_loc, n_sec))
    pyb = np.zeros((nc, n_pref, n_chain))
    pab = np.zeros((nc, n_pref, n_chain))
    for c in prange(nc):  # blocks of rows in parallel (kernels/chunks.py)
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if not alive[i] or Y[i] <= 0.0:
                continue
            # arithmetic, not a branch: park firms are scattered over the rows
            loc = np.int64(park[i]) + np.int64(park[i] < 0) * (n_parks + 1 + np.int64(pref[i]))
            la = lnA[i]
            py[c, loc, sector[i]] += Y[i]
            pa[c, loc, sector[i]] += Y[i] * la
            if size[i] <= 1:
                pyb[c, pref[i], chain[sector[i]]] += Y[i]
                pab[c, pref[i], chain[sector[i]]] += Y[i] * la
    y = np.zeros((n_loc, n_sec))
    lna = np.zeros((n_loc, n_sec))
    y_big = np.zeros((n_pref, n_chain))
    lna_big = np.zeros((n_pref, n_chain))
    for c in range(nc):
        y += py[c]
        lna += pa[c]
        y_big += pyb[c]
        lna_big += pab[c]
    for p in range(n_pref):
        for c in range(n_chain):
            if y_big[p, c] > 0.0:
                lna_big[p, c] /= y_big[p, c]
    lna_l = np.zeros(n_loc)
    div = np.zeros(n_loc)
    for loc in range(n_loc):
        tot = 0.0
        for s in range(n_sec):
            tot += y[loc, s]
            lna_l[loc] += lna[loc, s]
            if y[loc, s] > 0.0:
                lna[loc, s] /= y[loc, s]
        if tot > 0.0:
            lna_l[loc] /= tot
            h = 0.0
            for s in range(n_sec):
                h += (y[loc, s] / tot) ** 2
            div[loc] = 1.0 - h
    return y, lna, lna_l, div, y_big, lna_big


@njit(cache=True)
def below_one_minus_exp(u, x):
    """Whether u < 1 - exp(-x), exactly as ``u < 1.0 - math.exp(-x)`` evaluates it, with the
    exp only where u is close to the threshold (a few draws in a hundred).

    For x >= 0, x - x^2/2 <= 1 - exp(-x) <= x - x^2/2 + x^3/6; the computed threshold is
    within 4e-16 of the true one (exp within an ulp, 1 - e rounded once), so margins of a
    relative 1e-12 and an absolute 1e-15 around the bounds decide every u outside them as
    the exp would. NaN, infinite or negative x: the exp decides.

    Parameters
    ----------
    u : float
        a uniform draw in (0, 1)
    x : float
        the hazard, e.g. zeta rd_i / rev_i (the event's probability is 1 - exp(-x))
    """
    if x >= 0.0 and x <= 1.0:
        lo = x - 0.5 * x * x
        if u < lo * (1.0 - 1e-12) - 1e-15:
            return True
        if u > (lo + x * x * x / 6.0) * (1.0 + 1e-12) + 1e-15:
            return False
    return u < 1.0 - math.exp(-x)


@njit(cache=True, parallel=True)
def innovate(
    n,
    alive,
    ids,
    sector,
    park,
    pref,
    size,
    chain,
    A,
    q,
    dig,
    dig_cost,
    emis,
    rev,
    rev_year,
    rd,
    y_loc,
    lna_loc,
    lna_l,
    div,
    y_big,
    lna_big,
    infra,
    d_park,
    drift,
    y_half,
    emission,
    zeta,
    step_a,
    step_q,
    sd_a,
    beta_m,
    beta_j,
    park_bonus,
    p_digital,
    digital_gain,
    digital_cost,
    large_small,
    green_cut,
    n_parks,
    seed,
    t,
    lnA,
    Ag,
    gamma,
):
    """Productivity, quality, digital level and emissions intensity after one quarter.

    Innovation succeeds with probability 1 - exp(-zeta rd_i / rev_i) (``below_one_minus_exp``);
    success adds
    U(0, step_a) to ln A_i and, independently drawn, U(0, step_q) to ln q_i.
    Shocks and drift:  ln A_i += drift_s + sd_a eps_i,   eps_i ~ N(0, 1).
    Spillovers (location l, sector s), with the park bonus b_i = 1 + park_bonus infra_k:
        ln A_i += min(1, b_i beta_m y_ls / (y_ls + y_half_s)) max(0, lnA_ls - ln A_i)  (Marshall)
        ln A_i += min(1, b_i beta_j div_l)                    max(0, lnA_l  - ln A_i)  (Jacobs)
    Supplier links (small and micro firms, prefecture p, chain c):
        ln A_i += large_small max(0, lnA_big_pc - ln A_i)
    Digital upgrade with probability p_digital: dig_i += 0.1 (at most 1),
        ln A_i += digital_gain * 0.1, at a cost digital_cost rev_year_i paid next quarter.
    Park infrastructure as public capital, last: a living firm in park k gets
        ln A_i += d_k,   d_k = eps (ln infra_k - ln infra_applied_k)
    (``steps/innovation.py: infrastructure_productivity``).
    Emissions intensity: emis_i = emission_s (1 - green_cut) / A_i  (t CO2 per 10k yuan).
    ln A_i and Ag_i = A_i^gamma are kept with A_i (A_i = exp(ln A_i), Ag_i = exp(gamma ln A_i),
    glibc's exp inlined: ``libm.py``).

    Parameters
    ----------
    chain : (n_sec,) int
        chain index of each sector
    y_loc : (n_parks + n_pref, n_sec) float
        y_ls: output by location (parks, then prefectures outside parks) and sector, real per
        quarter (``location_stats``)
    lna_loc : (n_parks + n_pref, n_sec) float
        lnA_ls: output-weighted mean ln A by location and sector
    lna_l : (n_parks + n_pref,) float
        lnA_l: output-weighted mean ln A by location, all sectors
    div : (n_parks + n_pref,) float
        div_l: Jacobs diversity of each location, 1 - Herfindahl of sector output shares
    y_big : (n_pref, n_chain) float
        output of large and medium firms by prefecture and chain, real per quarter
    lna_big : (n_pref, n_chain) float
        lnA_big_pc: their output-weighted mean ln A
    infra : (n_parks,) float
        infra_k: infrastructure index of each park
    d_park : (n_parks,) float
        d_k: change of the park's log productivity from its infrastructure this quarter
    drift : (n_sec,) float
        drift_s: exogenous drift of ln A by sector, per quarter
    y_half : (n_sec,) float
        y_half_s: output scale of Marshall spillovers (10 x the 2018 mean firm output), real
        per quarter
    emission : (n_sec,) float
        emission_s: emissions intensity at A = 1, t CO2 per 10k yuan of output
    zeta : float
        innovation success rate per unit of R&D intensity (rd / rev), per quarter
    step_a : float
        largest ln A gain of a successful innovation
    step_q : float
        largest ln q gain of a successful innovation
    sd_a : float
        sd of the quarterly ln A shock
    beta_m : float
        Marshall catch-up toward the same-sector local frontier, per quarter
    beta_j : float
        Jacobs catch-up from local sectoral diversity, per quarter
    park_bonus : float
        extra spillover per unit of park infrastructure for firms inside parks
    p_digital : float
        probability per quarter of a digital upgrade step
    digital_gain : float
        ln A gain of going from digital level 0 to 1
    digital_cost : float
        cost of one digital upgrade step, share of annual revenue (rev_year)
    large_small : float
        quarterly catch-up of small and micro firms toward large and medium firms of their
        chain and prefecture
    green_cut : float
        required cut in emissions intensity, share
    gamma : float
        elasticity of intermediate-input savings to productivity (Ag = A^gamma)
    Writes: A, lnA, Ag, q, dig, dig_cost, emis (living firms).
    """
    n_loc, n_sec = y_loc.shape  # locations: parks, then prefectures outside parks
    # what depends only on the location and sector, once per call: the park shift d_l, the
    # catch-up coefficients (at most 1: a firm reaches the frontier, never overshoots it;
    # k_m 0 where the location has no output in the sector) and the emissions factor
    d_loc, k_j = np.zeros(n_loc), np.zeros(n_loc)
    k_m = np.zeros((n_loc, n_sec))
    for loc in range(n_loc):
        bonus = 1.0 + park_bonus * infra[loc] if loc < n_parks else 1.0
        d_loc[loc] = d_park[loc] if loc < n_parks else 0.0
        k_j[loc] = min(1.0, bonus * beta_j * div[loc])
        for s in range(n_sec):
            yls = y_loc[loc, s]
            if yls > 0.0:
                k_m[loc, s] = min(1.0, bonus * beta_m * yls / (yls + y_half[s]))
    emis_a1 = emission * (1.0 - green_cut)  # emissions intensity at A = 1
    # the three draws every firm makes, for every row in passes that vectorise (rng.py)
    u_innovate = uniforms(n, ids, seed, t, S_INNOVATE)
    eps = normals(n, ids, seed, t, S_PRODUCTIVITY)
    u_digital = uniforms(n, ids, seed, t, S_DIGITAL)
    for i in prange(n):
        if not alive[i]:
            continue
        s = sector[i]
        idx = ids[i]
        la = lnA[i]
        intensity = rd[i] / rev[i] if rev[i] > 0.0 else 0.0
        if below_one_minus_exp(u_innovate[i], zeta * intensity):
            la += step_a * uniform(seed, t, idx, S_INNOVATION_SIZE)
            q[i] *= exp(step_q * uniform(seed, t, idx, S_QUALITY))
        la += drift[s] + sd_a * eps[i]
        # location without a branch (park firms are scattered over the rows)
        loc = np.int64(park[i]) + np.int64(park[i] < 0) * (n_parks + 1 + np.int64(pref[i]))
        la += k_m[loc, s] * max(0.0, lna_loc[loc, s] - la)
        la += k_j[loc] * max(0.0, lna_l[loc] - la)
        c = chain[s]
        if large_small > 0.0 and size[i] >= 2 and y_big[pref[i], c] > 0.0:
            la += large_small * max(0.0, lna_big[pref[i], c] - la)
        if (dig[i] < 1.0) & (u_digital[i] < p_digital):  # & : both known, no second branch
            dig[i] = min(1.0, dig[i] + 0.1)
            la += digital_gain * 0.1
            dig_cost[i] = digital_cost * rev_year[i]
        la += d_loc[loc]  # 0 outside parks
        lnA[i] = la
        a = exp(la)  # glibc's exp, inlined (libm.py)
        A[i] = a
        Ag[i] = exp(gamma * la)
        emis[i] = emis_a1[s] / a
