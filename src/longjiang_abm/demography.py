"""Exit and entry of firms: the kernels decide, this module keeps the table and Mesa agents
in step (work proportional to the number of exits and entrants)."""

from __future__ import annotations

import numpy as np

from .agents.firm import Firm
from .init.population import size_class
from .kernels.goods import unit_cost
from .state import FOREIGN, PRIVATE

# ownership of potential entrants (central SOE, local SOE, private, foreign)
ENTRANT_OWNERSHIP = np.array([0.005, 0.02, 0.955, 0.02])


def exit_firms(model) -> None:
    """Insolvent firms exit unless bailed out; exiting firms are liquidated.

    Liquidation value V = cash + recovery K (assets sold outside the province); the bank gets
    min(debt, V), writes off the rest, and owners (households) get what remains.
    """
    f, fin = model.firms, model.scenario.finance
    bail = np.array([fin.bailout_central_soe, fin.bailout_local_soe, 0.0, 0.0])
    model.k.exit_firms(
        f.n,
        f.alive,
        f.id,
        f.owner,
        f.age,
        f.K,
        f.Y,
        f.cap,
        f.cash,
        f.debt,
        f.profit,
        f.losses,
        f.bailout,
        f.exiting,
        bail,
        model.government.policy.ownership_neutrality,
        model.scenario.firms.desired_utilization,
        model.scenario.firms.distress_loss_quarters,
        model.scenario.firms.exit_hazard_q,
        model.scenario.firms.exit_hazard_age_q,
        model.scenario.firms.exit_hazard_floor_q,
        model.seed,
        model.quarter,
    )
    rows = np.flatnonzero(f.exiting[: f.n])
    sales = fin.recovery_rate * f.K[rows]
    value = f.cash[rows] + sales
    paid = np.minimum(f.debt[rows], value)
    model.flows["exit_asset_sales"] = float(sales.sum())
    model.flows["exit_to_bank"] = float(paid.sum())
    model.flows["exit_to_owners"] = float((value - paid).sum())
    model.bank.book_exits(float(f.debt[rows].sum()), float(paid.sum()))
    f.kill(rows)
    f.died[rows] = model.quarter
    for r in rows:
        model.firm_agents.pop(int(f.id[r])).remove()
    model.n_exits = rows.size


def enter_firms(model) -> None:
    """Potential entrants by sector (Poisson), ownership, size, productivity and location
    (kernels ``entry_counts`` and ``draw_entrants``), then new rows and Firm agents."""
    f, sc, sec, cal = model.firms, model.scenario, model.sectors, model.cal
    ep, fp, fin = sc.entry, sc.firms, sc.finance
    alive = f.alive_rows()
    s_alive = f.sector[alive]
    n_s = np.bincount(s_alive, minlength=len(sec)).astype(np.float64)
    k_s = np.bincount(s_alive, weights=f.K[alive], minlength=len(sec))
    p_s = np.bincount(s_alive, weights=f.profit[alive], minlength=len(sec))
    y_s = np.bincount(s_alive, weights=f.Y[alive], minlength=len(sec))
    a_s = np.bincount(s_alive, weights=f.Y[alive] * f.A[alive], minlength=len(sec))
    q_s = np.bincount(s_alive, weights=f.Y[alive] * f.q[alive], minlength=len(sec))
    profit_rate = p_s / np.maximum(k_s, 1e-9)
    counts = model.k.entry_counts(
        n_s,
        profit_rate,
        ep.entry_rate_q,
        ep.profit_response,
        fin.base_rate / 4.0,
        model.seed,
        model.quarter,
    )
    nu = model.government.policy.ownership_neutrality
    barrier = np.zeros(4)
    barrier[[PRIVATE, FOREIGN]] = ep.private_barrier * (1.0 - nu)
    a_mean = np.where(y_s > 0, a_s / np.maximum(y_s, 1e-300), 1.0)
    q_mean = np.where(y_s > 0, q_s / np.maximum(y_s, 1e-300), 1.0)
    parks = model.parks
    park_room = parks.capacity - np.bincount(
        f.park[alive][f.park[alive] >= 0], minlength=len(parks)
    )
    park_bonus = np.full(len(parks), model.government.policy.park_coconstruction)
    park_bonus *= sc.fiscal.coconstruction_attraction
    sector, owner, pref, park, rev, A, kept = model.k.draw_entrants(
        counts,
        sec.chain,
        ENTRANT_OWNERSHIP,
        barrier,
        ep.entrant_size_median,
        ep.entrant_size_sd,
        a_mean,
        ep.entrant_productivity,
        model.prefectures.wage,
        model.suit,
        model.y_loc,
        parks.pref,
        parks.chain,
        parks.infra,
        park_room,
        park_bonus,
        ep.choice_wage,
        ep.choice_agglomeration,
        ep.choice_infrastructure,
        ep.choice_specialisation,
        ep.choice_outside_park,
        model.seed,
        model.quarter,
        model.entry_counter,
    )
    model.entry_counter += kept.size
    sector, owner, pref, park, rev, A = (x[kept] for x in (sector, owner, pref, park, rev, A))
    n_new = sector.size
    model.n_entries = n_new
    if n_new == 0:
        model.flows["entry_equity"] = model.flows["entry_loans"] = 0.0
        model.flows["entry_capital"] = 0.0
        return
    env = model.env
    uc = unit_cost(
        model.prefectures.wage[pref],
        cal.pi[sector],
        A,
        cal.m[sector],
        env.p_in[sector],
        fp.materials_efficiency,
    )
    theta = fp.cost_passthrough
    blend = theta * uc + (1.0 - theta) * model.uc_bar[sector]
    price = np.where(sec.raw[sector], env.p_raw[sector], (1.0 + cal.mu[sector]) * blend)
    Y = rev / 4.0 / price
    K = cal.kappa[sector] * Y / (A * fp.desired_utilization)
    L = Y / (A * cal.pi_cost[sector])
    cash = fp.cash_target * rev
    debt = (1.0 - ep.equity_share) * K
    share = Y / np.maximum(y_s[sector], Y)
    rows = f.append(
        n_new,
        sector=sector,
        owner=owner,
        pref=pref,
        park=park,
        age=np.zeros(n_new, np.int64),
        born=np.full(n_new, model.quarter),
        size=size_class(L, rev),
        K=K,
        L=L,
        A=A,
        q=q_mean[sector],
        dig=np.full(n_new, 0.1),
        emis=sec.emission[sector] / A,
        share=share,
        exp_dem=Y,
        D=Y,
        cap=A * K / cal.kappa[sector],
        price=price,
        cash=cash,
        debt=debt,
        rev_year=rev,
        K_year=K,
    )
    model.flows["entry_equity"] = float((cash + K - debt).sum())
    model.flows["entry_loans"] = float(debt.sum())
    model.flows["entry_capital"] = float(K.sum())
    model.bank.book_entry_loans(float(debt.sum()))
    for r in rows:
        agent = Firm(model, int(r))
        model.firm_agents[agent.firm_id] = agent


def compact(model) -> None:
    """Drop dead rows when they are more than half the table (amortised O(1) per exit)."""
    if not model.firms.needs_compaction():
        return
    mapping = model.firms.compact()
    for agent in model.firm_agents.values():
        agent.row = int(mapping[agent.row])
