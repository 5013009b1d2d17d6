"""Firms' income statements, balance sheets and investment."""

from numba import njit, prange


@njit(cache=True, parallel=True)
def book_income(
    n,
    alive,
    sector,
    owner,
    pref,
    Y,
    A,
    L,
    K,
    rev,
    rate,
    mat,
    mat_local,
    va,
    wages,
    interest,
    tax,
    rd,
    dig_cost,
    subsidy,
    profit,
    dividend,
    cash,
    debt,
    new_loan,
    repay,
    rev_ytd,
    rev_year,
    wage,
    m,
    p_in,
    raw_input,
    input_coef,
    local_sourcing,
    fill,
    p_raw,
    rd_intensity,
    rd_mult,
    out_sub,
    elig,
    rd_sub,
    chain_sub,
    dig_sub,
    green_cost,
    green_sub,
    vat_rate,
    cit_rate,
    payout,
    cash_target,
    delta,
    Ag,
    p0,
    va_real,
    va_real_ytd,
):
    """Income statement and cash flow of one quarter (all money in 10k yuan).

    mat_i   = m_s p_in_s (1 + green) Y_i / A_i^gamma   intermediate inputs (incl. abatement)
    local_i = local_s fill_r coef_s p_r Y_i / A_i^gamma   of which raw material r bought in
              the province (fill_r: share of the province's demand for r that was met)
    va_i    = rev_i - mat_i
    vr_i    = p0_s Y_i - mat_i / p_in_s   value added at 2018 prices (double deflation: output
              at the sector's 2018 price, inputs deflated by their price index p_in_s)
    wages_i = w_p L_i / 4,  interest_i = rate_i debt_i / 4
    rd_i    = rd_s rd_mult rev_i + dig_cost_i           R&D and digital upgrades
    sub_i   = e_o (out_sub_s rev_i + rd_sub (rd_i - dig_cost_i) + chain_sub local_i
              + dig_sub dig_cost_i + green_sub abatement_i),
              e_o the programmes' eligibility of owner type o
    vat_i   = vat max(va_i, 0)
    pre_i   = va_i - wages_i - interest_i - delta K_i - rd_i - vat_i + sub_i
    cit_i   = cit max(pre_i, 0),  profit_i = pre_i - cit_i
    cash_i += rev - mat - wages - interest - vat - cit - rd + sub + new_loan - repay - div
    div_i   = min(payout max(profit_i, 0), max(0, c_i - b_i)) + 0.5 max(0, c_i - d_i - 2 b_i)
              (c_i cash before dividends, d_i the first term)
              with the cash buffer b_i = cash_target rev_year_i (excess cash is paid out)
    debt_i += new_loan_i - repay_i

    Parameters
    ----------
    wage : (n_pref,) float
        annual wage by prefecture, 10k yuan per worker per year
    m : (n_sec,) float
        intermediate inputs per unit of real output at A = 1 and 2018 prices
    p_in : (n_sec,) float
        input price index of each sector, 2018 = 1
    raw_input : (n_sec,) int
        raw material r each sector buys: a sector index, -2 primary (farm products, fill and
        price 1) or -1 none
    input_coef : (n_sec,) float
        coef_s: units of raw material per unit of real output (at A = 1)
    local_sourcing : (n_sec,) float
        local_s: share of the sector's raw material bought in the province, 0-1
    fill : (n_sec,) float
        fill_r: share of each sector's demand met this quarter, 0-1
    p_raw : (n_sec,) float
        p_r: commodity price index of each raw sector, 2018 = 1
    rd_intensity : (n_sec,) float
        rd_s: sector norm of R&D spending over revenue
    rd_mult : float
        R&D intensity relative to the sector norm (technology lever)
    out_sub : (n_sec,) float
        output subsidy by sector, per yuan of revenue
    elig : (4,) float
        e_o: share of subsidy programmes open to each owner type, 0-1
    rd_sub : float
        share of R&D spending (excluding digital upgrades) refunded
    chain_sub : float
        subsidy per yuan of raw material bought in the province
    dig_sub : float
        share of digital upgrade costs paid by the government
    green_cost : float
        green: abatement cost, share of intermediate-input cost
    green_sub : float
        share of abatement costs paid by the government
    vat_rate : float
        value-added tax rate vat on positive value added, share
    cit_rate : float
        corporate income tax rate cit on positive pre-tax profit, share
    payout : float
        share of positive after-tax profit paid as dividends (within the cash buffer)
    cash_target : float
        cash buffer firms keep, share of annual revenue (rev_year)
    delta : float
        capital depreciation rate, per quarter
    p0 : (n_sec,) float
        the sector's mean output price in 2018 (real output's unit; 1 by construction)
    Writes: mat, mat_local, va, wages, interest, rd, subsidy, tax, profit, dividend, cash,
    debt, rev_ytd, va_real (vr_i), va_real_ytd; resets dig_cost to 0 (every row in use: a dead
    row's are computed from its stale values; ``alive`` is not read).
    Each row's items are computed in local variables and stored once (numba cannot assume
    the columns do not overlap, so a column read back after another's store is reloaded).
    """
    for i in prange(n):
        # no branch on alive[i]: every row is computed, so the loop vectorises (twice as fast);
        # a dead row's columns are rewritten from its own stale values, which nothing reads
        # (entrants' rows are zeroed, compaction moves the living, the records read the
        # living and the quarter's exits, whose rows are dead only from exit_firms on)
        s = sector[i]
        y, ag, rv = Y[i], Ag[i], rev[i]
        base_mat = m[s] * p_in[s] * y / ag
        abatement = green_cost * base_mat
        mat_i = base_mat + abatement
        mat[i] = mat_i
        r = raw_input[s]
        local = 0.0
        if r != -1:
            f = 1.0 if r < 0 else fill[r]
            pr = 1.0 if r < 0 else p_raw[r]
            local = local_sourcing[s] * f * input_coef[s] * y / ag * pr
        mat_local[i] = local
        va_i = rv - mat_i
        va[i] = va_i
        vr = p0[s] * y - mat_i / p_in[s]
        va_real[i] = vr
        va_real_ytd[i] += vr
        wages_i = wage[pref[i]] * L[i] / 4.0
        wages[i] = wages_i
        interest_i = rate[i] * debt[i] / 4.0
        interest[i] = interest_i
        dc = dig_cost[i]
        rd_i = rd_intensity[s] * rd_mult * rv + dc
        rd[i] = rd_i
        sub = out_sub[s] * rv + rd_sub * (rd_i - dc) + chain_sub * local
        sub += dig_sub * dc + green_sub * abatement
        sub_i = elig[owner[i]] * sub
        subsidy[i] = sub_i
        dig_cost[i] = 0.0
        vat = vat_rate * max(va_i, 0.0)
        pre = va_i - wages_i - interest_i - delta * K[i] - rd_i - vat + sub_i
        cit = cit_rate * max(pre, 0.0)
        tax_i = vat + cit
        tax[i] = tax_i
        prof = pre - cit
        profit[i] = prof
        nl, rp = new_loan[i], repay[i]
        c = cash[i] + rv - mat_i - wages_i - interest_i - tax_i - rd_i + sub_i
        c += nl - rp
        buffer = cash_target * rev_year[i]
        div = 0.0
        if prof > 0.0:
            div = min(payout * prof, max(0.0, c - buffer))
        div += 0.5 * max(0.0, c - div - 2.0 * buffer)
        dividend[i] = div
        cash[i] = c - div
        debt[i] += nl - rp
        rev_ytd[i] += rv


@njit(cache=True, parallel=True)
def invest(n, alive, K, cash, debt, inv_plan, invest_, new_loan, inv_ytd, delta):
    """Carry out planned investment as far as cash allows; cover any overdraft with a loan.

        I_i = min(plan_i, max(cash_i, 0)),  cash_i -= I_i,  K_i <- (1 - delta) K_i + I_i
        if cash_i < 0: the bank converts the overdraft into debt (debt += -cash, cash = 0).
    Writes invest_i and inv_ytd_i (investment this quarter and so far this year) in place.

    Parameters
    ----------
    invest_ : (n,) float
        the firm table's ``invest`` column (investment made this quarter, 10k yuan),
        written; the trailing underscore avoids the kernel's own name
    delta : float
        capital depreciation rate, per quarter
    Writes: invest_, K, cash, inv_ytd; debt and new_loan when cash goes negative (every row
    in use; a dead row's from its stale values, which nothing reads).
    """
    for i in prange(n):  # every row in use, no branch on alive[i] (as in book_income)
        x = min(inv_plan[i], max(cash[i], 0.0))
        invest_[i] = x
        cash[i] -= x
        K[i] = (1.0 - delta) * K[i] + x
        inv_ytd[i] += x
        if cash[i] < 0.0:
            debt[i] -= cash[i]
            new_loan[i] -= cash[i]
            cash[i] = 0.0
