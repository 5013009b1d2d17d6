"""The close of a calendar year over the firm table: annualised revenue, size classes, and
the totals of the annual KPIs."""

import math

import numpy as np
from numba import njit, prange

from ..libm import log, log_core, log_fits
from .chunks import bounds, n_chunks

# NBS 2017 size classes of industry: lower bounds (employees, annual revenue in 10k yuan) of
# large, medium and small firms; a firm is in the highest class whose BOTH bounds it meets.
LARGE_L, LARGE_REV = 1000.0, 40000.0
MEDIUM_L, MEDIUM_REV = 300.0, 2000.0
SMALL_L, SMALL_REV = 20.0, 300.0


@njit(cache=True)
def size_class_of(L, rev):
    """0 large, 1 medium, 2 small, 3 micro (NBS 2017)."""
    if L >= LARGE_L and rev >= LARGE_REV:
        return 0
    if L >= MEDIUM_L and rev >= MEDIUM_REV:
        return 1
    if L >= SMALL_L and rev >= SMALL_REV:
        return 2
    return 3


@njit(cache=True)
def size_classes(L, rev):
    """size_i = size_class_of(L_i, rev_i) for each firm of the arrays (entrants, the 2018
    population): 0 large, 1 medium, 2 small, 3 micro (NBS 2017); ``rev`` in current yuan.

    Parameters
    ----------
    L : (m,) float
        employees, persons
    rev : (m,) float
        annual revenue, 10k current yuan
    """
    out = np.empty(L.size, dtype=np.int8)
    for i in range(L.size):
        out[i] = size_class_of(L[i], rev[i])
    return out


@njit(cache=True, parallel=True)
def close_year(n, alive, age, rev_ytd, rev_year, L, size, va_real_ytd, va_real_year, price_level):
    """For living firms, with a_i = min(4, age_i) the quarters of activity this year:
    rev_year_i     = rev_ytd_i * 4 / a_i   (if a_i > 0; else unchanged)
    size_i         = size_class_of(L_i, rev_year_i * price_level)   (NBS's bounds are in
                                                                      current yuan)
    va_real_year_i = va_real_ytd_i         (the year's real value added, not annualised)

    Parameters
    ----------
    va_real_ytd, va_real_year : (n,) float
        firm columns: real value added this year so far, and of the last full year
    price_level : float
        the year's national price level L_y (2018 = 1): current yuan per yuan of 2018
        purchasing power
    """
    for i in prange(n):
        if alive[i]:
            a = min(4, age[i])
            if a > 0:
                rev_year[i] = rev_ytd[i] * 4.0 / a
            size[i] = size_class_of(L[i], rev_year[i] * price_level)
            va_real_year[i] = va_real_ytd[i]


@njit(cache=True, parallel=True)
def comparable_real_va(
    n, alive, age, rev_ytd, rev_year, va_real_ytd, va_real_year, threshold, threshold_prev
):
    """Real value added of the firms above scale in both years, the basis on which NBS
    reports the growth of above-scale industry (可比口径), evaluated in the fourth quarter
    before ``close_year`` (so that ``rev_year`` is still last year's):
        S      = {i alive, age_i >= 8, rev_ytd_i >= threshold, rev_year_i >= threshold_prev}
        now    = sum_{i in S} va_real_ytd_i,   before = sum_{i in S} va_real_year_i
    (age_i >= 8: the firm produced in every quarter of both years). Returns (now, before),
    summed by fixed blocks of rows (``kernels/chunks.py``): the same on any thread count.

    Parameters
    ----------
    threshold, threshold_prev : float
        the above-scale revenue threshold of this year and of the last, 10k yuan a year in the
        model's yuan of 2018 purchasing power (20m current yuan over each year's price level)
    """
    nc = n_chunks(n)
    part = np.zeros((nc, 2))
    for c in prange(nc):  # blocks of rows in parallel (kernels/chunks.py)
        lo, hi = bounds(c, n)
        now_c = 0.0
        before_c = 0.0
        for i in range(lo, hi):
            if (
                alive[i]
                and age[i] >= 8
                and rev_ytd[i] >= threshold
                and rev_year[i] >= threshold_prev
            ):
                now_c += va_real_ytd[i]
                before_c += va_real_year[i]
        part[c, 0] = now_c
        part[c, 1] = before_c
    now = 0.0
    before = 0.0
    for c in range(nc):
        now += part[c, 0]
        before += part[c, 1]
    return now, before


@njit(cache=True)
def keep_largest(top, r):
    """Insert r into ``top`` (the five largest so far, decreasing; -1 where empty) if it is
    larger than the fifth."""
    if r > top[4]:
        j = 4
        while j > 0 and top[j - 1] < r:
            top[j] = top[j - 1]
            j -= 1
        top[j] = r


@njit(cache=True, parallel=True)
def year_totals(n, alive, rev, sector, park, owner, thresholds, n_sec, n_parks):
    """Totals of the living firms' revenue this year ``rev`` (10k yuan): counts of firms with
    rev >= each of ``thresholds``; revenue by sector, by park and by owner type; total and
    sum of squares; the five largest revenues. Summed by fixed blocks of rows in row order
    (``kernels/chunks.py``), the blocks' totals in block order: the same on any thread
    count."""
    nc = n_chunks(n)
    nk = max(n_parks, 1)  # column 0 exists: firms outside parks add 0.0
    p_count = np.zeros((nc, thresholds.size), dtype=np.int64)
    p_s = np.zeros((nc, n_sec))
    p_k = np.zeros((nc, nk))
    p_o = np.zeros((nc, 4))
    p_sum = np.zeros((nc, 2))  # total, sum of squares
    p_top = np.full((nc, 5), -1.0)
    for c in prange(nc):  # blocks of rows in parallel
        lo, hi = bounds(c, n)
        tot_c = 0.0
        sq_c = 0.0
        for i in range(lo, hi):
            if not alive[i]:
                continue
            r = rev[i]
            for j in range(thresholds.size):  # selects, not branches: sizes vary row to row
                p_count[c, j] += 1 if r >= thresholds[j] else 0
            p_s[c, sector[i]] += r
            p_k[c, max(park[i], 0)] += r if park[i] >= 0 else 0.0  # adds 0.0 outside parks
            p_o[c, owner[i]] += r
            tot_c += r
            sq_c += r * r
            keep_largest(p_top[c], r)
        p_sum[c, 0] = tot_c
        p_sum[c, 1] = sq_c
    count = np.zeros(thresholds.size, dtype=np.int64)
    rev_s = np.zeros(n_sec)
    rev_k = np.zeros(nk)
    rev_o = np.zeros(4)
    top = np.full(5, -1.0)
    tot = 0.0
    sq = 0.0
    for c in range(nc):
        count += p_count[c]
        rev_s += p_s[c]
        rev_k += p_k[c]
        rev_o += p_o[c]
        tot += p_sum[c, 0]
        sq += p_sum[c, 1]
        for j in range(5):
            keep_largest(top, p_top[c, j])
    return count, rev_s, rev_k[:n_parks], rev_o, tot, sq, top[top >= 0.0]


@njit(cache=True, parallel=True)
def log_revenue_moments(n, alive, sector, rev_year, n_sec):
    """Mean and standard deviation of log annual revenue by sector, over the living firms
    with revenue (the typical firm's size and the spread of sizes around it):

        mu_s    = (1 / N_s) sum_i ln rev_year_i
        sigma_s = sqrt((1 / N_s) sum_i (ln rev_year_i - mu_s)^2)

    over i alive, in sector s, rev_year_i > 0 (rev_year: 10k yuan a year). Returns
    (mu, sigma, N), each (n_sec,); a sector with N_s = 0 has mu = sigma = 0. Two passes
    (the mean first), each summed by fixed blocks of rows in row order, the blocks' sums in
    block order (``kernels/chunks.py``): the same on any thread count.

    Parameters
    ----------
    n : int
        rows in use of the firm table
    alive : (n,) bool
        whether the row's firm is alive
    sector : (n,) int
        each firm's sector, 0 .. n_sec - 1
    rev_year : (n,) float
        each firm's annual revenue, 10k yuan (``close_year``)
    n_sec : int
        number of sectors
    """
    # ln rev_year of every row in use, once, in a pass that vectorises (glibc's log inlined,
    # libm.py; rows without revenue take ln 1, unread), the library's where it does not apply
    lr = np.empty(n)
    for i in prange(n):
        lr[i] = log_core(rev_year[i] if rev_year[i] > 0.0 else 1.0)
    nc = n_chunks(n)
    p_cnt = np.zeros((nc, n_sec), dtype=np.int64)
    p_mu = np.zeros((nc, n_sec))
    for c in prange(nc):  # blocks of rows in parallel (kernels/chunks.py)
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if alive[i] and rev_year[i] > 0.0:
                if not log_fits(rev_year[i]):
                    lr[i] = log(rev_year[i])
                p_cnt[c, sector[i]] += 1
                p_mu[c, sector[i]] += lr[i]
    cnt = np.zeros(n_sec, dtype=np.int64)
    mu = np.zeros(n_sec)
    for c in range(nc):
        cnt += p_cnt[c]
        mu += p_mu[c]
    for s in range(n_sec):
        if cnt[s] > 0:
            mu[s] /= cnt[s]
    p_var = np.zeros((nc, n_sec))
    for c in prange(nc):
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if alive[i] and rev_year[i] > 0.0:
                d = lr[i] - mu[sector[i]]
                p_var[c, sector[i]] += d * d
    var = np.zeros(n_sec)
    for c in range(nc):
        var += p_var[c]
    sigma = np.zeros(n_sec)
    for s in range(n_sec):
        if cnt[s] > 0:
            sigma[s] = math.sqrt(var[s] / cnt[s])
    return mu, sigma, cnt
