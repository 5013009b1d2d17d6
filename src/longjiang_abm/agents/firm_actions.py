"""What all firms do each quarter, as bulk calls of the kernels on the firm arrays."""

from __future__ import annotations


def plan(model) -> None:
    """Opening balances, expectations, capacity, labour needs and investment plans (kernel
    ``plan_firms``)."""
    f, fp, fin = model.firms, model.params.firms, model.params.finance
    model.k.plan_firms(
        f.n,
        f.alive,
        f.id,
        f.sector,
        f.A,
        f.K,
        f.cash,
        f.debt,
        f.D,
        f.rev_year,
        f.exp_dem,
        f.cap,
        f.L_req,
        f.inv_plan,
        f.loan_dem,
        model.sectors.raw,
        model.cal.kappa,
        model.cal.pi,
        fp.planning_buffer,
        fp.expectation_weight,
        fp.desired_utilization,
        fp.investment_threshold,
        fp.replacement_probability_q,
        fp.depreciation_q,
        fp.cash_target,
        fin.amortization_q,
        fin.target_leverage,
        model.seed,
        model.quarter,
        f.cash0,
        f.debt0,
        f.K0,
    )


def book_income(model) -> None:
    """Income statements, subsidies, taxes, dividends and cash (kernel ``book_income``)."""
    f, fp, fis, sec = model.firms, model.params.firms, model.params.fiscal, model.sectors
    inst = model.inst
    model.k.book_income(
        f.n,
        f.alive,
        f.sector,
        f.owner,
        f.pref,
        f.Y,
        f.A,
        f.L,
        f.K,
        f.rev,
        f.rate,
        f.mat,
        f.mat_local,
        f.va,
        f.wages,
        f.interest,
        f.tax,
        f.rd,
        f.dig_cost,
        f.subsidy,
        f.profit,
        f.dividend,
        f.cash,
        f.debt,
        f.new_loan,
        f.repay,
        f.rev_ytd,
        f.rev_year,
        model.prefectures.wage,
        model.cal.m,
        model.p_in,
        sec.raw_input,
        sec.input_coef,
        inst.local_sourcing_s,
        model.fill,
        model.env.p_raw,
        sec.rd,
        inst.rd_mult,
        inst.output_subsidy_s,
        inst.eligibility_o,
        inst.rd_subsidy,
        inst.chain_subsidy,
        inst.digital_subsidy,
        inst.green_cost,
        inst.green_subsidy,
        fis.vat_rate,
        fis.cit_rate,
        fp.dividend_payout,
        fp.cash_target,
        fp.depreciation_q,
        f.Ag,
    )


def invest(model) -> None:
    """Carry out investment plans as cash allows (kernel ``invest``)."""
    f = model.firms
    model.k.invest(
        f.n,
        f.alive,
        f.K,
        f.cash,
        f.debt,
        f.inv_plan,
        f.invest,
        f.new_loan,
        f.inv_ytd,
        model.params.firms.depreciation_q,
    )


def location_statistics(model) -> tuple:
    """Output and productivity by location and sector (kernel ``location_stats``); keeps the
    output by location in ``model.y_loc`` for entrants' location choice."""
    f, sec = model.firms, model.sectors
    stats = model.k.location_stats(
        f.n,
        f.alive,
        f.park,
        f.pref,
        f.sector,
        f.size,
        sec.chain,
        f.Y,
        f.lnA,
        len(model.parks),
        len(model.prefectures),
        len(sec),
        len(sec.chains),
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
        f.n,
        f.alive,
        f.id,
        f.sector,
        f.park,
        f.pref,
        f.size,
        sec.chain,
        f.A,
        f.q,
        f.dig,
        f.dig_cost,
        f.emis,
        f.rev,
        f.rev_year,
        f.rd,
        y_loc,
        lna,
        lna_l,
        div,
        y_big,
        lna_big,
        parks.infra,
        model.env.drift(model.year),
        model.y_half,
        sec.emission,
        fp.rd_success,
        fp.innovation_step,
        fp.quality_step,
        fp.productivity_shock_sd,
        fp.marshall_spillover,
        fp.jacobs_spillover,
        fp.park_spillover_bonus,
        inst.digital_p,
        fp.digital_productivity,
        model.params.instruments.digital_cost,
        inst.large_small,
        inst.green_cut,
        len(parks),
        model.seed,
        model.quarter,
        f.lnA,
        f.Ag,
        fp.materials_efficiency,
    )
