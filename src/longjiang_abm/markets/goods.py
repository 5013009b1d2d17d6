"""The goods market: sector demand (national and local intermediate), shares, production."""

from __future__ import annotations

import numpy as np


def input_prices(model) -> np.ndarray:
    """Input price index of each sector relative to 2018: the raw material (share
    w_s = coef_s / m_s of inputs) at its price, cheaper by the saving on the part sourced in the
    province (local_s; 2018 share local0_s), the other inputs at 1:
        p_in_s = (w_s p_raw_r (1 - saving local_s) + 1 - w_s)
                 / (w_s (1 - saving local0_s) + 1 - w_s)
    """
    sec, env, inst = model.sectors, model.env, model.inst
    buys = sec.raw_input >= 0
    w = np.where(sec.raw_input != -1, np.minimum(1.0, sec.input_coef / model.cal.m), 0.0)
    p_raw = np.where(buys, env.p_raw[np.maximum(sec.raw_input, 0)], 1.0)
    now = w * p_raw * (1.0 - inst.local_saving * inst.local_sourcing_s) + (1.0 - w)
    base = w * (1.0 - inst.local_saving * sec.local_sourcing) + (1.0 - w)
    return now / base


def set_prices(model) -> None:
    """Every firm's price and competitiveness; the sectors' mean unit cost in ``model.uc_bar``."""
    f, sec, fp = model.firms, model.sectors, model.params.firms
    model.p_in = input_prices(model)
    model.uc_bar = model.k.price_and_competitiveness(
        n=f.n,
        alive=f.alive,
        sector=f.sector,
        pref=f.pref,
        A=f.A,
        q=f.q,
        share=f.share,
        unfilled=f.unfilled,
        price=f.price,
        E=f.E,
        raw=sec.raw,
        wage=model.prefectures.wage,
        pi=model.cal.pi_cost,
        m=model.cal.m,
        mu=model.cal.mu,
        p_in=model.p_in,
        p_raw=model.env.p_raw,
        Ag=f.Ag,
        theta=fp.cost_passthrough,
        omega=fp.quality_weight,
        iota=fp.unfilled_penalty,
        n_sec=len(sec),
        owner=f.owner,
        out_sub=model.inst.output_subsidy_s,
        elig=model.inst.eligibility_o,
        green_cost=model.inst.green_cost,
    )


def clear_goods(model) -> None:
    """Prices, market shares, demand and production for all sectors this quarter.

    External demand of sector s (real output per quarter):
        X_s = X_s,2018 * N_s * rho_s^eta,  rho_s = (E_bar_s / E_bar_s,2018) / F_t
    for processing sectors (their national market share follows their competitiveness
    relative to the national frontier F_t); raw sectors sell on national commodity markets
    (rho_s = 1). Processing sectors produce first; their local raw-material purchases
        local_r = sum_i local_s coef_s Y_i / A_i^gamma      (firms i of sectors s buying r)
    add to the demand of raw sector r. ``fill_r`` is the share of raw demand that was met.
    """
    f, k, env, sec = model.firms, model.k, model.env, model.sectors
    fp = model.params.firms
    n = f.n
    set_prices(model)
    e_bar = k.update_shares(
        n=n,
        alive=f.alive,
        ids=f.id,
        sector=f.sector,
        share=f.share,
        E=f.E,
        chi=fp.replicator_speed,
        rev_year=f.rev_year,
        sd=fp.share_shock_sd,
        size_ref=fp.share_shock_size_ref,
        beta=fp.share_shock_size_elasticity,
        laplace=fp.share_shock_laplace,
        n_sec=len(sec),
        seed=model.seed,
        t=model.quarter,
        born=f.born,
        shock_sd=f.shock_sd,
        shock_m=f.shock_m,
    )
    rho = np.where(sec.raw, 1.0, (e_bar / model.e_bar0) / env.frontier)
    rho = np.where(e_bar > 0, rho, 0.0)
    external = model.demand0 * env.demand_index * rho**fp.provincial_demand_elasticity
    out, out_in = _produce(model, ~sec.raw, external)
    local = np.zeros(len(sec))  # raw material bought in the province, real units
    buys = sec.raw_input >= 0
    lam = model.inst.local_sourcing_s
    np.add.at(local, sec.raw_input[buys], (lam * sec.input_coef * out_in)[buys])
    demand = np.where(sec.raw, external + local, external)
    out_raw, _ = _produce(model, sec.raw.copy(), demand)
    model.sector_output = out + out_raw
    model.sector_demand = demand
    model.local_raw_demand = local
    model.fill = np.where(demand > 0, (out + out_raw) / np.maximum(demand, 1e-300), 1.0)


def _produce(model, active: np.ndarray, demand: np.ndarray) -> tuple:
    """Kernel ``produce`` for the sectors flagged ``active`` facing sector ``demand``."""
    f = model.firms
    return model.k.produce(
        n=f.n,
        alive=f.alive,
        sector=f.sector,
        owner=f.owner,
        active=active,
        share=f.share,
        demand=demand,
        defence=model.defence_share,
        open_o=model.inst.defence_open_o,
        cap=f.cap,
        L=f.L,
        A=f.A,
        pi=model.cal.pi,
        price=f.price,
        D=f.D,
        Y=f.Y,
        unfilled=f.unfilled,
        rev=f.rev,
        Ag=f.Ag,
    )
