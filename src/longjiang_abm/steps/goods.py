"""The goods market: prices and competitiveness, market shares, demand and production.

Kernels: ``kernels/goods.py``. ``price_and_competitiveness`` reads costs (wages, productivity,
input prices, subsidies) and writes ``price``, ``E`` and the sectors' mean unit cost;
``update_shares`` reads ``E`` and writes ``share`` (replicator dynamics with shocks);
``produce`` reads shares, sector demand and capacity and writes ``D, Y, unfilled, rev``.
This module writes the sector state: ``p_in, uc_bar, output, demand, local_raw_demand,
fill``. ``open_markets`` sets the sector state from the 2018 population.
"""

from __future__ import annotations

import numpy as np

from ..environment import NATIONAL_WAGE_2018
from ..instruments import DEEP_PROCESSING, DEFENCE_SECTORS, NEW_PILLARS
from ..state import LOCAL_SOE, SectorState
from .annual import sector_sizes
from .innovation import location_statistics


def input_prices(sectors, cal, p_raw, inst) -> np.ndarray:
    """Input price index of each sector relative to 2018: the raw material (share
    w_s = coef_s / m_s of inputs) at its price, cheaper by the saving on the part sourced in the
    province (local_s; 2018 share local0_s), the other inputs at 1:
        p_in_s = (w_s p_raw_r (1 - saving local_s) + 1 - w_s)
                 / (w_s (1 - saving local0_s) + 1 - w_s)
    """
    sec = sectors
    buys = sec.raw_input >= 0
    w = np.where(sec.raw_input != -1, np.minimum(1.0, sec.input_coef / cal.m), 0.0)
    p_raw = np.where(buys, p_raw[np.maximum(sec.raw_input, 0)], 1.0)
    now = w * p_raw * (1.0 - inst.local_saving * inst.local_sourcing_s) + (1.0 - w)
    base = w * (1.0 - inst.local_saving * sec.local_sourcing) + (1.0 - w)
    return now / base


def competitor_cost(
    sectors, cal, labour_share0, capital_share0, p_raw, wage_index: float
) -> np.ndarray:
    """Unit cost index of the province's national competitors in each sector, 2018 = 1, at
    their 2018 productivity: they pay the same commodity prices and the national wage,
        c*_s = lambda_s W_t / W_2018 + k_s + (1 - lambda_s - k_s) p_in*_s,
        p_in*_s = w_s p_raw_r + 1 - w_s     (no provincial local-sourcing saving)
    with lambda_s and k_s labour's and capital's shares of the sector's 2018 unit cost
    (competitors are assumed to share the province's 2018 technology and cost of capital,
    which stays at its 2018 level) and w_s the raw material's share of inputs, as in
    ``input_prices``. A cost shock common to the province and its competitors (crude oil,
    national wages) therefore moves both sides of the market together."""
    sec = sectors
    buys = sec.raw_input >= 0
    w = np.where(sec.raw_input != -1, np.minimum(1.0, sec.input_coef / cal.m), 0.0)
    p_r = np.where(buys, p_raw[np.maximum(sec.raw_input, 0)], 1.0)
    p_in_star = w * p_r + (1.0 - w)
    other = 1.0 - labour_share0 - capital_share0
    return labour_share0 * wage_index + capital_share0 + other * p_in_star


def set_prices(k, f, ss, sectors, cal, p_raw, inst, wage, fp) -> None:
    """Every firm's price and competitiveness (``price``, ``E``); the input price index and
    the sectors' mean unit cost into ``ss.p_in`` and ``ss.uc_bar``."""
    sec = sectors
    ss.p_in = input_prices(sectors, cal, p_raw, inst)
    ss.uc_bar = k.price_and_competitiveness(
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
        wage=wage,
        pi=cal.pi_cost,
        m=cal.m,
        mu=cal.mu,
        p_in=ss.p_in,
        p_raw=p_raw,
        Ag=f.Ag,
        theta=fp.cost_passthrough,
        omega=fp.quality_weight,
        iota=fp.unfilled_penalty,
        n_sec=len(sec),
        owner=f.owner,
        out_sub=inst.output_subsidy_s,
        elig=inst.eligibility_o,
        green_cost=inst.green_cost,
        kappa=cal.kappa,
        kcost=inst.capital_cost_o,
    )


def clear(k, f, ss, sectors, cal, env, inst, wage, fp, seed: int, t: int, goods_index: float):
    """Prices, market shares, demand and production for all sectors this quarter.

    Final demand of sector s (real output per quarter), from the rest of China and the world
    and from the province's households:
        X_s = X_s,2018 * rho_s^eta * ((1 - h_s) N_s + h_s B_t / P_s,t-1),
        rho_s = (C_bar_s / C_bar_s,2018) / (E*_s / E*_s,2018) = (C_bar_s / C_bar_s,2018) c*_s / F_t
    with C_bar_s the share-weighted price-quality competitiveness q^omega / p of the province's
    firms (``update_shares``; without the penalty for unfilled orders, which moves shares within
    the province only); for local sectors N_s is the province's industrial activity
    (``business_demand``);
    h_s is the households' share of the sector's 2018 demand (``household_share``), B_t the
    households' goods budget relative to 2018 (``goods_index``, ``Households.goods_index``)
    and P_s,t-1 the sector's price index last quarter (unit-elastic household demand);
    N_s is national demand. For processing sectors the province's market share (at home too)
    follows its competitiveness
    relative to its national competitors', whose price moves with their unit cost c*_s
    (``competitor_cost``: the same commodity prices and national wages) and whose quality-
    adjusted productivity grows by F_t; eta is the trade elasticity. Raw sectors sell on
    national commodity markets and local sectors (``stage = local``: power and heat) in the
    province only (rho_s = 1 for both). Processing sectors produce first; their local
    raw-material purchases
        local_r = sum_i local_s coef_s Y_i / A_i^gamma      (firms i of sectors s buying r)
    add to the demand of raw sector r. ``fill_r`` is the share of raw demand that was met.
    """
    sec = sectors
    n = f.n
    set_prices(k, f, ss, sectors, cal, env.p_raw, inst, wage, fp)
    _, c_bar = k.update_shares(
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
        seed=seed,
        t=t,
        born=f.born,
        shock_sd=f.shock_sd,
        shock_m=f.shock_m,
        unfilled=f.unfilled,
        iota=fp.unfilled_penalty,
        cbase=f.cbase,
        decay=float(np.exp(-1.0 / fp.customer_base_age_q)),
    )
    ss.competitor_cost = competitor_cost(
        sectors, cal, ss.labour_share0, ss.capital_share0, env.p_raw,
        env.competitor_wage / NATIONAL_WAGE_2018,
    )  # fmt: skip
    traded = ~(sec.raw | sec.local)  # the markets national competitors contest
    rho = np.where(traded, (c_bar / ss.e_bar0) * ss.competitor_cost / env.frontier, 1.0)
    rho = np.where(c_bar > 0, rho, 0.0)
    home = ss.household_share * goods_index / ss.ppi
    mix = (1.0 - ss.household_share) * business_demand(sec, ss, env.demand_index) + home
    ss.household_part = np.divide(home, mix, out=np.zeros(len(sec)), where=mix > 0)
    ss.demand_mix = mix
    external = ss.demand0 * mix * rho**fp.provincial_demand_elasticity
    open_share = k.open_shares(
        n=n, alive=f.alive, sector=f.sector, owner=f.owner, share=f.share,
        open_o=inst.defence_open_o, n_sec=len(sec),
    )  # fmt: skip
    out, out_in = produce(k, f, ss, cal, inst, ~sec.raw, external, open_share)
    local = np.zeros(len(sec))  # raw material bought in the province, real units
    buys = sec.raw_input >= 0
    lam = inst.local_sourcing_s
    np.add.at(local, sec.raw_input[buys], (lam * sec.input_coef * out_in)[buys])
    demand = np.where(sec.raw, external + local, external)
    out_raw, _ = produce(k, f, ss, cal, inst, sec.raw.copy(), demand, open_share)
    ss.output = out + out_raw
    ss.demand = demand
    ss.local_raw_demand = local
    ss.fill = np.where(demand > 0, (out + out_raw) / np.maximum(demand, 1e-300), 1.0)


def business_demand(sectors, ss, national: np.ndarray) -> np.ndarray:
    """The index of the business part of each sector's demand, 2018 = 1: national demand N_s
    for the sectors that sell on national markets; for local sectors (power and heat) the
    province's own industrial activity, last quarter's real output of its other sectors
    relative to 2018,
        A_t = sum_{s not local} Y_s,t-1 / sum_{s not local} Y_s,2018,
    since firms buy power and heat in proportion to what they produce. (The payments stay
    booked as before: the buyers' inputs are bought outside the province and the local
    sector's sales are sold outside, which overstates gross trade by the same amount on both
    sides and leaves every net flow unchanged.)"""
    other = ~sectors.local
    base = ss.output0[other].sum()
    activity = ss.output[other].sum() / base if base > 0 else 1.0
    return np.where(sectors.local, activity, national)


def update_price_index(ss, totals) -> None:
    """Each sector's producer price index of the quarter, revenue over output at 2018 prices
    (2018 = 1; a sector without output keeps its index): the prices households face next
    quarter (``ss.ppi``)."""
    real = ss.p0 * totals.y_s
    ss.ppi = np.divide(totals.rev_s, real, out=ss.ppi.copy(), where=real > 0)


def produce(k, f, ss, cal, inst, active: np.ndarray, demand: np.ndarray, open_share) -> tuple:
    """Kernel ``produce`` for the sectors flagged ``active`` facing sector ``demand``
    (``open_share``: each sector's market share open to defence procurement)."""
    return k.produce(
        n=f.n,
        alive=f.alive,
        sector=f.sector,
        owner=f.owner,
        active=active,
        share=f.share,
        demand=demand,
        defence=ss.defence_share,
        open_o=inst.defence_open_o,
        open_share=open_share,
        cap=f.cap,
        L=f.L,
        A=f.A,
        pi=cal.pi,
        price=f.price,
        D=f.D,
        Y=f.Y,
        unfilled=f.unfilled,
        rev=f.rev,
        Ag=f.Ag,
    )


def open_markets(k, f, sectors, cal, env, inst, prefectures, n_parks: int, params):
    """The sector state of the 2018 population: demand, competitiveness reference, prices,
    location statistics; calibrates defence procurement (writes the firms' ``share``, and
    ``price`` and ``E`` through ``set_prices``) and the firms' 2018 real value added
    (``va_real_year``). Returns the ``SectorState``."""
    sec, n = sectors, f.n
    y_s = np.bincount(f.sector[:n], weights=f.Y[:n], minlength=len(sec))
    y_in = np.bincount(f.sector[:n], weights=f.Y[:n] / f.Ag[:n], minlength=len(sec))  # Ag = A^gamma
    local = np.zeros(len(sec))  # 2018 raw material bought in the province, real units
    buys = sec.raw_input >= 0
    np.add.at(local, sec.raw_input[buys], (sec.local_sourcing * sec.input_coef * y_in)[buys])
    demand0 = np.where(sec.raw, np.maximum(y_s - local, 0.0), y_s)
    ones = np.ones(len(sec))
    ss = SectorState(
        demand0=demand0,
        e_bar0=ones,
        y_half=10.0 * y_s / np.maximum(np.bincount(f.sector[:n], minlength=len(sec)), 1),
        output=y_s,
        output0=y_s.copy(),
        demand=y_s.copy(),  # 2018: markets cleared, demand = output
        local_raw_demand=local,
        fill=np.ones(len(sec)),
        p_in=ones.copy(),
        uc_bar=np.zeros(len(sec)),
        defence_share=np.zeros(len(sec)),
        defence_sector=np.isin(np.arange(len(sec)), [sec.index(s) for s in DEFENCE_SECTORS]),
        big_project_sectors=np.array(
            [
                p in NEW_PILLARS or key in DEEP_PROCESSING
                for key, p in zip(sec.keys, sec.pillar, strict=True)
            ]
        ),
        y_loc=np.zeros((0, len(sec))),
        p0=ones.copy(),
        labour_share0=np.zeros(len(sec)),
        capital_share0=np.zeros(len(sec)),
        competitor_cost=ones.copy(),
        household_share=sec.household_share.copy(),
        household_part=sec.household_share.copy(),
        ppi=ones.copy(),
        log_rev_mean=np.zeros(len(sec)),
        log_rev_sd=np.ones(len(sec)),
        demand_mix=ones.copy(),
    )
    sector_sizes(k, f, ss)  # the 2018 population's typical firm size by sector
    set_prices(k, f, ss, sectors, cal, env.p_raw, inst, prefectures.wage, params.firms)
    calibrate_defence_procurement(f, ss, sectors, params.instruments.defence_share)
    # the 2018 reference of the province's price-quality competitiveness C_bar (update_shares)
    c = f.q[:n] ** params.firms.quality_weight / f.price[:n]
    w = np.bincount(f.sector[:n], weights=f.share[:n] * c, minlength=len(sec))
    s_share = np.bincount(f.sector[:n], weights=f.share[:n], minlength=len(sec))
    # a sector without firms (tiny populations) has no 2018 mean: 1 (its demand0 is 0)
    ss.e_bar0 = np.divide(w, s_share, out=np.ones(len(sec)), where=s_share > 0)
    ss.y_loc = location_statistics(k, f, sectors, n_parks, len(prefectures))[0]
    # the 2018 price level of each sector: output-weighted mean price (empty sectors: 1)
    py = np.bincount(f.sector[:n], weights=f.price[:n] * f.Y[:n], minlength=len(sec))
    ss.p0 = np.divide(py, y_s, out=np.ones(len(sec)), where=y_s > 0)
    # 2018's real value added of each firm, the base of the comparable-basis growth of year 1:
    # output at its sector's 2018 price less its inputs (2018 input prices are 1)
    f.va_real_year[:n] = 4.0 * (ss.p0[f.sector[:n]] * f.Y[:n] - f.mat[:n])
    # labour's and capital's shares of the 2018 unit cost, output-weighted (national
    # competitors' too)
    s, Y = f.sector[:n], f.Y[:n]
    labour = prefectures.wage[f.pref[:n]] / (4.0 * cal.pi_cost[s] * f.A[:n])
    inputs = cal.m[s] * ss.p_in[s] * (1.0 + inst.green_cost) / f.Ag[:n]
    capital = inst.capital_cost_o[f.owner[:n]] * cal.kappa[s] / f.A[:n]
    lab = np.bincount(s, weights=Y * labour, minlength=len(sec))
    cap = np.bincount(s, weights=Y * capital, minlength=len(sec))
    tot = np.bincount(s, weights=Y * (labour + inputs + capital), minlength=len(sec))
    ss.labour_share0 = np.divide(lab, tot, out=np.zeros(len(sec)), where=tot > 0)
    ss.capital_share0 = np.divide(cap, tot, out=np.zeros(len(sec)), where=tot > 0)
    return ss


def calibrate_defence_procurement(f, ss, sectors, delta: float) -> None:
    """Defence procurement (a share delta_s of equipment demand) went to state firms only
    in 2018. Market shares f_i are set so that each firm's 2018 demand equals its output:
        state firms  Y_i / Y_s = f_i ((1 - delta) + delta / S),  S = sum of their f
        others       Y_i / Y_s = f_i (1 - delta),  so  S = (sigma - delta) / (1 - delta)
    with sigma the state firms' output share; delta is capped at 0.9 sigma. Writes
    ``ss.defence_share`` and the firms' ``share``."""
    sec, n = sectors, f.n
    state = f.owner[:n] <= LOCAL_SOE
    for s in (sec.index(key) for key in DEFENCE_SECTORS):
        ix = f.sector[:n] == s
        y_share = f.Y[:n][ix] / f.Y[:n][ix].sum()
        sigma = y_share[state[ix]].sum()
        d = min(delta, 0.9 * sigma)
        ss.defence_share[s] = d
        if d <= 0.0:
            continue
        big_s = (sigma - d) / (1.0 - d)
        kk = np.where(state[ix], (1.0 - d) + d / big_s, 1.0 - d)
        f.share[:n][ix] = y_share / kk
