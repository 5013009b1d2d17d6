"""What all firms do each quarter, as bulk calls of the kernels on the firm arrays."""

from __future__ import annotations


def plan(model) -> None:
    """Opening balances, expectations, capacity, labour needs and investment plans (kernel
    ``plan_firms``)."""
    f, fp, fin = model.firms, model.params.firms, model.params.finance
    model.k.plan_firms(
        n=f.n,
        alive=f.alive,
        ids=f.id,
        sector=f.sector,
        A=f.A,
        K=f.K,
        cash=f.cash,
        debt=f.debt,
        D=f.D,
        rev_year=f.rev_year,
        exp_dem=f.exp_dem,
        cap=f.cap,
        L_req=f.L_req,
        inv_plan=f.inv_plan,
        loan_dem=f.loan_dem,
        raw=model.sectors.raw,
        kappa=model.cal.kappa,
        pi=model.cal.pi,
        buffer_out=fp.planning_buffer,
        lam=fp.expectation_weight,
        u_star=fp.desired_utilization,
        theta=fp.investment_threshold,
        p_rep=fp.replacement_probability_q,
        delta=fp.depreciation_q,
        cash_target=fp.cash_target,
        amort=fin.amortization_q,
        lev=fin.target_leverage,
        seed=model.seed,
        t=model.quarter,
        cash0=f.cash0,
        debt0=f.debt0,
        K0=f.K0,
    )


def book_income(model) -> None:
    """Income statements, subsidies, taxes, dividends and cash (kernel ``book_income``)."""
    f, fp, fis, sec = model.firms, model.params.firms, model.params.fiscal, model.sectors
    inst = model.inst
    model.k.book_income(
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
        wage=model.prefectures.wage,
        m=model.cal.m,
        p_in=model.p_in,
        raw_input=sec.raw_input,
        input_coef=sec.input_coef,
        local_sourcing=inst.local_sourcing_s,
        fill=model.fill,
        p_raw=model.env.p_raw,
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
    )


def invest(model) -> None:
    """Carry out investment plans as cash allows (kernel ``invest``)."""
    f = model.firms
    model.k.invest(
        n=f.n,
        alive=f.alive,
        K=f.K,
        cash=f.cash,
        debt=f.debt,
        inv_plan=f.inv_plan,
        invest_=f.invest,
        new_loan=f.new_loan,
        inv_ytd=f.inv_ytd,
        delta=model.params.firms.depreciation_q,
    )


def location_statistics(model) -> tuple:
    """Output and productivity by location and sector (kernel ``location_stats``); keeps the
    output by location in ``model.y_loc`` for entrants' location choice."""
    f, sec = model.firms, model.sectors
    stats = model.k.location_stats(
        n=f.n,
        alive=f.alive,
        park=f.park,
        pref=f.pref,
        sector=f.sector,
        size=f.size,
        chain=sec.chain,
        Y=f.Y,
        lnA=f.lnA,
        n_parks=len(model.parks),
        n_pref=len(model.prefectures),
        n_sec=len(sec),
        n_chain=len(sec.chains),
    )
    model.y_loc = stats[0]
    return stats


def innovate(model) -> None:
    """R&D, productivity shocks, agglomeration spillovers, supplier links, digital adoption
    and emissions intensity (kernels ``location_stats`` and ``innovate``)."""
    f, fp, sec, parks, inst = (
        model.firms,
        model.params.firms,
        model.sectors,
        model.parks,
        model.inst,
    )
    y_loc, lna, lna_l, div, y_big, lna_big = location_statistics(model)
    model.k.innovate(
        n=f.n,
        alive=f.alive,
        ids=f.id,
        sector=f.sector,
        park=f.park,
        pref=f.pref,
        size=f.size,
        chain=sec.chain,
        A=f.A,
        q=f.q,
        dig=f.dig,
        dig_cost=f.dig_cost,
        emis=f.emis,
        rev=f.rev,
        rev_year=f.rev_year,
        rd=f.rd,
        y_loc=y_loc,
        lna_loc=lna,
        lna_l=lna_l,
        div=div,
        y_big=y_big,
        lna_big=lna_big,
        infra=parks.infra,
        drift=model.env.drift(model.year),
        y_half=model.y_half,
        emission=sec.emission,
        zeta=fp.rd_success,
        step_a=fp.innovation_step,
        step_q=fp.quality_step,
        sd_a=fp.productivity_shock_sd,
        beta_m=fp.marshall_spillover,
        beta_j=fp.jacobs_spillover,
        park_bonus=fp.park_spillover_bonus,
        p_digital=inst.digital_p,
        digital_gain=fp.digital_productivity,
        digital_cost=model.params.instruments.digital_cost,
        large_small=inst.large_small,
        green_cut=inst.green_cut,
        n_parks=len(parks),
        seed=model.seed,
        t=model.quarter,
        lnA=f.lnA,
        Ag=f.Ag,
        gamma=fp.materials_efficiency,
    )
