"""The 2018 population's build (``init/population.py``) in kernels: the firm sizes of a trial
lognormal spread, and park membership.

Both reproduce the numpy code they replace bit for bit: the same operations in the same order,
sums in numpy's order (``numpy_sum``: sequential below 8 terms, numpy's pairwise summation
above) and the same uniform draws, so the population does not depend on which one built it
(tested against the numpy reference in ``tests/test_population_build.py``).
"""

import numpy as np
from numba import njit, prange

PAIRWISE_BLOCK = 128  # numpy's PW_BLOCKSIZE


@njit(cache=True)
def block_sum(a, lo, n):
    """sum(a[lo : lo + n]) for n <= 128 in ``np.sum``'s order: sequentially below 8 terms;
    else eight running sums r_j over a[lo + j + 8 k] combined as ((r0 + r1) + (r2 + r3)) +
    ((r4 + r5) + (r6 + r7)), then the remainder sequentially.

    Parameters
    ----------
    a : (m,) float
        the values
    lo, n : int
        first index and number of terms (at most 128)
    """
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True)
def numpy_sum(a, lo, n):
    """sum(a[lo : lo + n]) added in the order ``np.sum`` uses for a contiguous float64 array
    (so the result is bit-identical): up to 128 terms ``block_sum``; above, the sum of the two
    halves (the first rounded down to a multiple of 8), each summed the same way. The halving
    runs on an explicit stack (numba's cache does not support recursive functions).

    Parameters
    ----------
    a : (m,) float
        the values
    lo, n : int
        first index and number of terms
    """
    if n <= PAIRWISE_BLOCK:
        return block_sum(a, lo, n)
    seg_lo = np.empty(128, dtype=np.int64)  # segments to do: start, length, halves done
    seg_n = np.empty(128, dtype=np.int64)
    seg_done = np.zeros(128, dtype=np.bool_)
    vals = np.empty(128)  # sums of finished segments, in order
    top, nv = 1, 0
    seg_lo[0], seg_n[0] = lo, n
    while top > 0:
        top -= 1
        s_lo, s_n = seg_lo[top], seg_n[top]
        if s_n <= PAIRWISE_BLOCK:
            vals[nv] = block_sum(a, s_lo, s_n)
            nv += 1
        elif seg_done[top]:  # both halves summed: combine them
            vals[nv - 2] = vals[nv - 2] + vals[nv - 1]
            nv -= 1
        else:
            n2 = s_n // 2
            n2 -= n2 % 8
            seg_done[top] = True
            top += 1
            seg_lo[top], seg_n[top], seg_done[top] = s_lo + n2, s_n - n2, False
            top += 1
            seg_lo[top], seg_n[top], seg_done[top] = s_lo, n2, False
            top += 1
    return vals[0]


@njit(cache=True, nogil=True)
def scaled_sizes(z, tail_rows, tail_pow, z_min, starts, target, threshold):
    """The synthetic firms' annual revenues for one trial spread, in place in ``z``, and how
    many reach ``threshold``; the firms of sector s are rows starts[s] .. starts[s + 1] - 1:

        z_i = z_min * tail_pow_i           for the Pareto tail's firms (tail_rows)
        tot_s = sum of z_i over sector s   (in row order, as np.bincount)
        z_i <- z_i * target_s / tot_s      (tot_s = 1 for an empty sector)

    Parameters
    ----------
    z : (m,) float
        exp(sigma * eps_i), the lognormal body at the trial spread sigma; overwritten
    tail_rows : (t,) int
        the firms drawn into the Pareto tail
    tail_pow : (t,) float
        their u_i ** (-1 / alpha), the tail's shape
    z_min : float
        the tail's lower bound: the body's quantile at 1 - tail share
    starts : (S + 1,) int
        first row of each sector, and m
    target : (S,) float
        each sector's synthetic revenue, 10k yuan a year
    threshold : float
        above-scale revenue, 10k yuan a year

    Returns
    -------
    int
        the number of firms with z_i >= threshold
    """
    for k in range(tail_rows.size):
        z[tail_rows[k]] = z_min * tail_pow[k]
    n_sec = starts.size - 1
    tot = sector_sums(z, starts)
    count = 0
    for s in range(n_sec):
        fac = target[s] / (tot[s] if tot[s] > 0 else 1.0)
        for i in range(starts[s], starts[s + 1]):
            z[i] = z[i] * fac
            if z[i] >= threshold:
                count += 1
    return count


@njit(cache=True)
def sector_sums(z, starts):
    """tot_s = z[starts[s]] + z[starts[s] + 1] + ... added in row order (as np.bincount), four
    sectors at a time so that their four chains of additions overlap in the processor.

    Parameters
    ----------
    z : (m,) float
        the values, sector s in rows starts[s] .. starts[s + 1] - 1
    starts : (S + 1,) int
        first row of each sector, and m
    """
    n_sec = starts.size - 1
    tot = np.zeros(n_sec)
    for g in range(0, n_sec, 4):
        lo = np.zeros(4, dtype=np.int64)
        hi = np.zeros(4, dtype=np.int64)
        for j in range(min(4, n_sec - g)):
            lo[j], hi[j] = starts[g + j], starts[g + j + 1]
        t0 = t1 = t2 = t3 = 0.0
        longest = max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2], hi[3] - lo[3])
        for k in range(longest):
            if lo[0] + k < hi[0]:
                t0 += z[lo[0] + k]
            if lo[1] + k < hi[1]:
                t1 += z[lo[1] + k]
            if lo[2] + k < hi[2]:
                t2 += z[lo[2] + k]
            if lo[3] + k < hi[3]:
                t3 += z[lo[3] + k]
        for j, t in enumerate((t0, t1, t2, t3)):
            if g + j < n_sec:
                tot[g + j] = t
    return tot


@njit(cache=True, parallel=True)
def draw_prefectures(u, cum, sector):
    """Each firm's prefecture by inverting its sector's cumulative location weights:

        pref_i = min(#{p : u_i > cum[sector_i, p]}, P - 1)

    Parameters
    ----------
    u : (m,) float
        uniform draws on [0, 1), one per firm
    cum : (S, P) float
        cumulative suitability of the P prefectures for each sector (last column 1)
    sector : (m,) int
        each firm's sector

    Returns
    -------
    (m,) int
        each firm's prefecture
    """
    n_pref = cum.shape[1]
    pref = np.empty(u.size, dtype=np.int64)
    for i in prange(u.size):
        count = 0
        for p in range(n_pref):
            if u[i] > cum[sector[i], p]:
                count += 1
        pref[i] = min(count, n_pref - 1)
    return pref


@njit(cache=True)
def assign_parks(rows, pref, chain, park_pref, park_chain, park_capacity, room, u, park):
    """Park membership of the firms that seek one, in row order: firm i chooses among the
    parks of its prefecture with room >= 1 with probability proportional to

        w_j = capacity_j * (1 + 2 [chain_j == chain of i's sector])

    by inverting the cumulative weights with the next unused uniform u_k (the first j with
    u_k <= W_j / W, as np.searchsorted); the park it joins has one place less. A firm with no
    park with room in its prefecture stays outside (park -1) and uses no draw.

    Parameters
    ----------
    rows : (r,) int
        the firms that seek a park, in the order they choose
    pref : (m,) int
        each firm's prefecture
    chain : (m,) int
        the chain of each firm's sector
    park_pref, park_chain : (P,) int
        each park's prefecture and chain
    park_capacity : (P,) float
        each park's capacity (places for firms)
    room : (P,) float
        places left in each park; updated
    u : (r,) float
        uniform draws on [0, 1), used in order
    park : (m,) int
        each firm's park, -1 outside; written for the firms that join one

    Returns
    -------
    int
        the number of uniforms used
    """
    n_parks = park_pref.size
    cand = np.empty(n_parks, dtype=np.int64)
    w = np.empty(n_parks)
    used = 0
    for i in rows:
        m = 0
        for j in range(n_parks):
            if park_pref[j] == pref[i] and room[j] >= 1.0:
                cand[m] = j
                w[m] = park_capacity[j] * (1.0 + 2.0 * (park_chain[j] == chain[i]))
                m += 1
        if m == 0:
            continue
        total = numpy_sum(w, 0, m)
        draw = u[used]
        used += 1
        pick = m - 1
        acc = 0.0
        for c in range(m):
            acc += w[c]
            if draw <= acc / total:
                pick = c
                break
        park[i] = cand[pick]
        room[cand[pick]] -= 1.0
    return used


@njit(cache=True)
def calibrate_markups(order, starts, rev, A_g, c_A, va_ratio, raw, theta, m, mu, price):
    """Materials m_s and markups mu_s such that, at 2018 prices, each sector's value added is
    va_ratio_s of its revenue and its firms' output-weighted mean price is 1 (fixed point,
    at most 100 rounds, until both move by less than 1e-13), and each firm's 2018 price:

        m_s  = (1 - va_ratio_s) R_s / sum(Y_i / A_i^gamma),   R_s = sum(r_i),  Y_i = r_i / p_i
        uc_i = c_i / A_i + m_s / A_i^gamma,   uc_bar_s = sum(Y_i uc_i) / sum(Y_i)
        p_i  = (1 + mu_s)(theta uc_i + (1 - theta) uc_bar_s)
        1 + mu_s = sum(r_i / (theta uc_i + (1 - theta) uc_bar_s)) / R_s

    (raw-material sectors: m_s only, prices 1). Sums in numpy's order over the sector's rows
    in row order, as the numpy code this replaced.

    Parameters
    ----------
    order : (m,) int
        rows sorted by sector, in row order within a sector
    starts : (S + 1,) int
        sector s is order[starts[s] : starts[s + 1]]
    rev : (m,) float
        quarterly revenue r_i, 10k yuan
    A_g : (m,) float
        A_i ** gamma
    c_A : (m,) float
        c_i / A_i, the non-material unit cost (wages and the user cost of capital) per unit
        of real output
    va_ratio : (S,) float
        value added per unit of revenue
    raw : (S,) bool
        raw-material sectors (price-takers)
    theta : float
        cost pass-through of the firm's own unit cost
    m : (S,) float
        materials per unit of real output at A = 1; written for sectors with firms
    mu : (S,) float
        markups; written for sectors with firms
    price : (m,) float
        each firm's 2018 price; written
    """
    for s in range(va_ratio.size):
        k = starts[s + 1] - starts[s]
        if k == 0:  # a sector without firms (tiny populations): m = 1 - va_ratio, mu = 0
            continue
        rows = order[starts[s] : starts[s + 1]]
        r, ag, ca = rev[rows], A_g[rows], c_A[rows]
        R = numpy_sum(r, 0, k)
        y = r.copy()
        uc, blend, tmp = np.empty(k), np.empty(k), np.empty(k)
        for _ in range(100):
            for i in range(k):
                tmp[i] = y[i] / ag[i]
            m_new = (1.0 - va_ratio[s]) * R / numpy_sum(tmp, 0, k)
            if raw[s]:
                m[s] = m_new
                break
            for i in range(k):
                uc[i] = ca[i] + m_new / ag[i]
                tmp[i] = y[i] * uc[i]
            bar = (1.0 - theta) * numpy_sum(tmp, 0, k) / numpy_sum(y, 0, k)
            for i in range(k):
                blend[i] = theta * uc[i] + bar
                tmp[i] = r[i] / blend[i]
            mu_new = numpy_sum(tmp, 0, k) / R - 1.0
            for i in range(k):
                y[i] = r[i] / ((1.0 + mu_new) * blend[i])
            done = abs(m_new - m[s]) < 1e-13 and abs(mu_new - mu[s]) < 1e-13
            m[s], mu[s] = m_new, mu_new
            if done:
                break
        for i in range(k):
            price[rows[i]] = r[i] / y[i]
