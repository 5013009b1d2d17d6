"""Income accounting and investment of every firm.

Kernels: ``kernels/finance.py: book_income`` (reads output, revenue, prices of inputs, wages,
rates and the instruments in force; writes the income statement ``mat, mat_local, va, wages,
interest, tax, rd, subsidy, profit, dividend``, cash, debt, ``rev_ytd``) and ``invest`` (reads
``inv_plan``, cash; writes ``K``, ``invest``, cash, debt, ``new_loan``, ``inv_ytd``).
"""

from __future__ import annotations


def book_income(k, f, ss, sectors, cal, env, inst, wage, fp, fis) -> None:
    """Income statements, subsidies, taxes, dividends and cash (``ss``: SectorState for input
    prices and fill rates; ``wage``: prefecture wages; ``fp``, ``fis``: firms and fiscal
    sections of the scenario)."""
    sec = sectors
    k.book_income(
        n=f.n,
        alive=f.alive,
        sector=f.sector,
        owner=f.owner,
        pref=f.pref,
        Y=f.Y,
        A=f.A,
        L=f.L,
        K=f.K,
        rev=f.rev,
        rate=f.rate,
        mat=f.mat,
        mat_local=f.mat_local,
        va=f.va,
        wages=f.wages,
        interest=f.interest,
        tax=f.tax,
        rd=f.rd,
        dig_cost=f.dig_cost,
        subsidy=f.subsidy,
        profit=f.profit,
        dividend=f.dividend,
        cash=f.cash,
        debt=f.debt,
        new_loan=f.new_loan,
        repay=f.repay,
        rev_ytd=f.rev_ytd,
        rev_year=f.rev_year,
        wage=wage,
        m=cal.m,
        p_in=ss.p_in,
        raw_input=sec.raw_input,
        input_coef=sec.input_coef,
        local_sourcing=inst.local_sourcing_s,
        fill=ss.fill,
        p_raw=env.p_raw,
        rd_intensity=sec.rd,
        rd_mult=inst.rd_mult,
        out_sub=inst.output_subsidy_s,
        elig=inst.eligibility_o,
        rd_sub=inst.rd_subsidy,
        chain_sub=inst.chain_subsidy,
        dig_sub=inst.digital_subsidy,
        green_cost=inst.green_cost,
        green_sub=inst.green_subsidy,
        vat_rate=fis.vat_rate,
        cit_rate=fis.cit_rate,
        payout=fp.dividend_payout,
        cash_target=fp.cash_target,
        delta=fp.depreciation_q,
        Ag=f.Ag,
        p0=ss.p0,
        va_real=f.va_real,
        va_real_ytd=f.va_real_ytd,
    )


def invest(k, f, fp) -> None:
    """Carry out investment plans as cash allows (``fp``: the scenario's firms section)."""
    k.invest(
        n=f.n,
        alive=f.alive,
        K=f.K,
        cash=f.cash,
        debt=f.debt,
        inv_plan=f.inv_plan,
        invest_=f.invest,
        new_loan=f.new_loan,
        inv_ytd=f.inv_ytd,
        delta=fp.depreciation_q,
    )
