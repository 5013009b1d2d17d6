"""What all firms do each quarter, as bulk calls of the kernels on the firm arrays."""

from __future__ import annotations

import numpy as np


def plan(model) -> None:
    """Expectations, capacity, labour needs and investment plans (kernel ``plan_firms``)."""
    f, fp, fin = model.firms, model.scenario.firms, model.scenario.finance
    f.cash0[: f.n] = f.cash[: f.n]
    f.debt0[: f.n] = f.debt[: f.n]
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
    )


def book_income(model) -> None:
    """Income statements, taxes, dividends and cash (kernel ``book_income``)."""
    f, fp, fis, sec = model.firms, model.scenario.firms, model.scenario.fiscal, model.sectors
    model.k.book_income(
        f.n,
        f.alive,
        f.sector,
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
        model.env.p_in,
        sec.raw_input,
        sec.input_coef,
        sec.local_sourcing,
        model.fill,
        model.env.p_raw,
        sec.rd,
        1.0,
        np.zeros(len(sec)),
        fis.vat_rate,
        fis.cit_rate,
        fp.dividend_payout,
        fp.cash_target,
        fp.depreciation_q,
        fp.materials_efficiency,
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
        model.scenario.firms.depreciation_q,
    )


def innovate(model) -> None:
    """R&D, productivity shocks, agglomeration spillovers, digital adoption (kernels
    ``location_stats`` and ``innovate``)."""
    f, fp, sec, parks = model.firms, model.scenario.firms, model.sectors, model.parks
    y_loc, lna, lna_l, div = model.k.location_stats(
        f.n,
        f.alive,
        f.park,
        f.pref,
        f.sector,
        f.Y,
        f.A,
        len(parks),
        len(model.prefectures),
        len(sec),
    )
    model.y_loc = y_loc
    model.k.innovate(
        f.n,
        f.alive,
        f.id,
        f.sector,
        f.park,
        f.pref,
        f.A,
        f.q,
        f.dig,
        f.emis,
        f.rev,
        f.rd,
        f.Y,
        y_loc,
        lna,
        lna_l,
        div,
        parks.infra,
        model.env.drift(),
        model.y_half,
        sec.emission,
        fp.rd_success,
        fp.innovation_step,
        fp.quality_step,
        fp.productivity_shock_sd,
        fp.marshall_spillover,
        fp.jacobs_spillover,
        fp.park_spillover_bonus,
        fp.digital_adoption_q,
        fp.digital_productivity,
        len(parks),
        model.seed,
        model.quarter,
    )
