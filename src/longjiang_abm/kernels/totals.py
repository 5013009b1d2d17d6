"""Quarterly totals over the firm table in one pass (the inputs of the macro accounts, the
budget, the bank and the KPI record)."""

import numpy as np
from numba import njit

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
)
STOCK_TOTALS = ("firms", "dig", "smes", "sme_lnA")  # over the firms alive at the end
FLOW = {k: j for j, k in enumerate(FLOW_TOTALS)}
STOCK = {k: j for j, k in enumerate(STOCK_TOTALS)}


@njit(cache=True)
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
):
    """Totals of quarter t in row order (so independent of thread count).

    Flows are summed over the firms that produced in quarter t: those alive at its start,
    born_i < t and (alive_i or died_i = t); the rows of ``FLOW_TOTALS``, plus value added and
    output by sector, value added by prefecture and revenue by park. Stocks (``STOCK_TOTALS``:
    firms, sum of digital levels, small and micro firms, sum of their ln A) are over the firms
    alive at the end of the quarter. ``defence[s]`` flags defence-equipment sectors; owner
    ``private_from`` is private, owners above it foreign.
    """
    fl = np.zeros(21)
    st = np.zeros(4)
    va_s = np.zeros(n_sec)
    y_s = np.zeros(n_sec)
    va_p = np.zeros(n_pref)
    rev_k = np.zeros(n_parks)
    for i in range(n):
        if alive[i]:
            st[0] += 1.0
            st[1] += dig[i]
            if size[i] >= 2:
                st[2] += 1.0
                st[3] += lnA[i]
        if born[i] >= t or not (alive[i] or died[i] == t):
            continue
        s = sector[i]
        fl[0] += va[i]
        fl[1] += L[i]
        fl[2] += wages[i]
        fl[3] += rev[i]
        fl[4] += profit[i]
        fl[5] += emis[i] * Y[i]
        fl[6] += Y[i]
        fl[7] += cap[i]
        fl[8] += new_loan[i]
        if owner[i] == private_from:
            fl[9] += new_loan[i]
        fl[10] += repay[i]
        fl[11] += interest[i]
        fl[12] += tax[i]
        fl[13] += subsidy[i]
        fl[14] += bailout[i]
        fl[15] += invest[i]
        fl[16] += rd[i]
        if park[i] >= 0:
            fl[17] += rev[i]
            rev_k[park[i]] += rev[i]
        if defence[s]:
            fl[18] += rev[i]
            if owner[i] >= private_from:
                fl[19] += rev[i]
        if size[i] >= 2:
            fl[20] += 1.0
        va_s[s] += va[i]
        y_s[s] += Y[i]
        va_p[pref[i]] += va[i]
    return fl, st, va_s, y_s, va_p, rev_k
