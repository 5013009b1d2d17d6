"""Quarterly totals over the firm table in one pass (the inputs of the macro accounts, the
budget, the bank and the KPI record)."""

import numpy as np
from numba import njit, prange

from .chunks import bounds, n_chunks

# rows of the array returned by ``quarter_totals``
FLOW_TOTALS = (
    "va",  # value added
    "L",  # employment, persons
    "wages",
    "rev",  # revenue
    "profit",
    "emis_Y",  # emissions, t CO2: sum emis_i Y_i
    "Y",  # real output
    "cap",  # capacity
    "new_loan",
    "new_loan_private",  # of which to private firms
    "repay",
    "interest",
    "tax",
    "subsidy",
    "bailout",
    "invest",
    "rd",
    "rev_park",  # revenue of firms in parks
    "rev_defence",  # revenue in the defence-equipment sectors
    "rev_defence_private",  # of which private and foreign firms'
    "smes",  # small and micro firms (count)
    "va_real",  # value added at 2018 prices (double deflation)
    "mat",  # intermediate inputs bought
    "mat_local_firm",  # of which raw material from provincial firms
    "mat_local_farm",  # of which farm products from the province's primary sector
    "dividend",  # dividends paid to owners (households)
)
# over the firms alive at the end: count, sum of digital levels, small and micro firms, sum
# of their ln A; their deposits (cash), debt and capital (the balance sheet's firm column)
STOCK_TOTALS = ("firms", "dig", "smes", "sme_lnA", "cash", "debt", "K")
FLOW = {k: j for j, k in enumerate(FLOW_TOTALS)}
STOCK = {k: j for j, k in enumerate(STOCK_TOTALS)}


@njit(cache=True, parallel=True)
def quarter_totals(
    n,
    t,
    alive,
    born,
    died,
    sector,
    owner,
    size,
    pref,
    park,
    defence,
    private_from,
    va,
    L,
    wages,
    rev,
    profit,
    emis,
    Y,
    cap,
    new_loan,
    repay,
    interest,
    tax,
    subsidy,
    bailout,
    invest,
    rd,
    dig,
    lnA,
    n_sec,
    n_pref,
    n_parks,
    va_real,
    mat,
    mat_local,
    dividend,
    cash,
    debt,
    K,
    raw_input,
):
    """Totals of quarter t, summed by fixed blocks of rows (kernels/chunks.py), so they do not
    depend on the thread count.

    Flows are summed over the firms that produced in quarter t: those alive at its start,
    born_i < t and (alive_i or died_i = t); the rows of ``FLOW_TOTALS``, plus value added,
    output and revenue by sector, value added by prefecture and revenue by park. Stocks
    (``STOCK_TOTALS``: firms, sum of digital levels, small and micro firms, sum of their ln A)
    are over the firms alive at the end of the quarter. ``defence[s]`` flags defence-equipment
    sectors; owner ``private_from`` is private, owners above it foreign.

    Parameters
    ----------
    defence : (n_sec,) bool
        sector is a defence-equipment sector (``SectorState.defence_sector``; not the
        procurement share that ``produce`` calls defence)
    private_from : int
        owner code of private firms (2); higher codes are foreign
    raw_input : (n_sec,) int
        the sector's raw material: a raw sector's index (bought from provincial firms), -2
        farm products (from the primary sector), -1 none (``sectors.py``)
    """
    nc = n_chunks(n)
    pfl = np.zeros((nc, 26))
    pst = np.zeros((nc, 7))
    pva_s = np.zeros((nc, n_sec))
    py_s = np.zeros((nc, n_sec))
    prev_s = np.zeros((nc, n_sec))
    pva_p = np.zeros((nc, n_pref))
    prev_k = np.zeros((nc, n_parks))
    for c in prange(nc):  # blocks of rows in parallel (kernels/chunks.py)
        lo, hi = bounds(c, n)
        for i in range(lo, hi):
            if alive[i]:
                pst[c, 0] += 1.0
                pst[c, 1] += dig[i]
                if size[i] >= 2:
                    pst[c, 2] += 1.0
                    pst[c, 3] += lnA[i]
                pst[c, 4] += cash[i]
                pst[c, 5] += debt[i]
                pst[c, 6] += K[i]
            if born[i] >= t or not (alive[i] or died[i] == t):
                continue
            s = sector[i]
            pfl[c, 0] += va[i]
            pfl[c, 1] += L[i]
            pfl[c, 2] += wages[i]
            pfl[c, 3] += rev[i]
            pfl[c, 4] += profit[i]
            pfl[c, 5] += emis[i] * Y[i]
            pfl[c, 6] += Y[i]
            pfl[c, 7] += cap[i]
            pfl[c, 8] += new_loan[i]
            if owner[i] == private_from:
                pfl[c, 9] += new_loan[i]
            pfl[c, 10] += repay[i]
            pfl[c, 11] += interest[i]
            pfl[c, 12] += tax[i]
            pfl[c, 13] += subsidy[i]
            pfl[c, 14] += bailout[i]
            pfl[c, 15] += invest[i]
            pfl[c, 16] += rd[i]
            if park[i] >= 0:
                pfl[c, 17] += rev[i]
                prev_k[c, park[i]] += rev[i]
            if defence[s]:
                pfl[c, 18] += rev[i]
                if owner[i] >= private_from:
                    pfl[c, 19] += rev[i]
            if size[i] >= 2:
                pfl[c, 20] += 1.0
            pva_s[c, s] += va[i]
            pfl[c, 21] += va_real[i]
            pfl[c, 22] += mat[i]
            if raw_input[s] >= 0:
                pfl[c, 23] += mat_local[i]
            elif raw_input[s] == -2:
                pfl[c, 24] += mat_local[i]
            pfl[c, 25] += dividend[i]
            py_s[c, s] += Y[i]
            prev_s[c, s] += rev[i]
            pva_p[c, pref[i]] += va[i]
    fl = np.zeros(26)
    st = np.zeros(7)
    va_s = np.zeros(n_sec)
    y_s = np.zeros(n_sec)
    rev_s = np.zeros(n_sec)
    va_p = np.zeros(n_pref)
    rev_k = np.zeros(n_parks)
    for c in range(nc):
        fl += pfl[c]
        st += pst[c]
        va_s += pva_s[c]
        y_s += py_s[c]
        rev_s += prev_s[c]
        va_p += pva_p[c]
        rev_k += prev_k[c]
    return fl, st, va_s, y_s, va_p, rev_k, rev_s
