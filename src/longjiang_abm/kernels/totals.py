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
    prev_k = np.zeros((nc, max(n_parks, 1)))  # column 0 exists: firms outside parks add 0.0
    for c in prange(nc):  # blocks of rows in parallel (kernels/chunks.py)
        lo, hi = bounds(c, n)
        # the block's totals in registers (named like the rows of FLOW_TOTALS and
        # STOCK_TOTALS), stored once at its end: the same sums in the same order
        firms = dig_sum = smes_end = sme_lna = cash_sum = debt_sum = k_sum = 0.0
        va_sum = l_sum = wages_sum = rev_sum = profit_sum = emis_y = y_sum = cap_sum = 0.0
        loans = loans_private = repay_sum = interest_sum = tax_sum = subsidy_sum = 0.0
        bailout_sum = invest_sum = rd_sum = rev_park = rev_def = rev_def_private = 0.0
        smes = va_real_sum = mat_sum = local_firm = local_farm = dividend_sum = 0.0
        for i in range(lo, hi):
            if alive[i]:
                firms += 1.0
                dig_sum += dig[i]
                if size[i] >= 2:
                    smes_end += 1.0
                    sme_lna += lnA[i]
                cash_sum += cash[i]
                debt_sum += debt[i]
                k_sum += K[i]
            if born[i] >= t or not (alive[i] or died[i] == t):
                continue
            s = sector[i]
            va_sum += va[i]
            l_sum += L[i]
            wages_sum += wages[i]
            rev_sum += rev[i]
            profit_sum += profit[i]
            emis_y += emis[i] * Y[i]
            y_sum += Y[i]
            cap_sum += cap[i]
            loans += new_loan[i]
            # selects, not branches, where the outcome varies from row to row (owner, park,
            # sector): adding 0.0 changes no sum
            loans_private += new_loan[i] if owner[i] == private_from else 0.0
            repay_sum += repay[i]
            interest_sum += interest[i]
            tax_sum += tax[i]
            subsidy_sum += subsidy[i]
            bailout_sum += bailout[i]
            invest_sum += invest[i]
            rd_sum += rd[i]
            in_park = rev[i] if park[i] >= 0 else 0.0
            rev_park += in_park
            prev_k[c, max(park[i], 0)] += in_park
            r_def = rev[i] if defence[s] else 0.0
            rev_def += r_def
            rev_def_private += r_def if owner[i] >= private_from else 0.0
            if size[i] >= 2:
                smes += 1.0
            pva_s[c, s] += va[i]
            va_real_sum += va_real[i]
            mat_sum += mat[i]
            local_firm += mat_local[i] if raw_input[s] >= 0 else 0.0
            local_farm += mat_local[i] if raw_input[s] == -2 else 0.0
            dividend_sum += dividend[i]
            py_s[c, s] += Y[i]
            prev_s[c, s] += rev[i]
            pva_p[c, pref[i]] += va[i]
        stock = (firms, dig_sum, smes_end, sme_lna, cash_sum, debt_sum, k_sum)
        for j in range(7):
            pst[c, j] = stock[j]
        flow = (
            va_sum, l_sum, wages_sum, rev_sum, profit_sum, emis_y, y_sum, cap_sum, loans,
            loans_private, repay_sum, interest_sum, tax_sum, subsidy_sum, bailout_sum,
            invest_sum, rd_sum, rev_park, rev_def, rev_def_private, smes, va_real_sum,
            mat_sum, local_firm, local_farm, dividend_sum,
        )  # fmt: skip
        for j in range(26):
            pfl[c, j] = flow[j]
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
        rev_k += prev_k[c, :n_parks]
    return fl, st, va_s, y_s, va_p, rev_k, rev_s
