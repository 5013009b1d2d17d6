"""Exit and entry of firms: the kernels decide, this module keeps the table and Mesa agents
in step (work proportional to the number of exits and entrants).

Kernels: ``kernels/demography.py``. ``exit_firms`` reads profits, losses, utilisation, age and
the bail-out and rescue rules and flags ``exiting`` (writes ``bailout``, ``losses``);
``census``, ``entry_counts``, ``location_utilities`` and ``draw_entrants`` decide how many
firms enter each sector, with which ownership, size, productivity and location. This module
writes the firm table (exits killed, entrants' rows), the quarter book (exit and entry flows
and counts), the run ledger (entrants' capital, entrants drawn) and, for big projects with
pre-contracted orders, the sector state's ``demand0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..instruments import soft_budget
from ..rng import S_BIG_PROJECTS, poisson, uniform
from ..state import FOREIGN, PRIVATE, SMALL
from . import parks as parks_step

# ownership of potential entrants and of big projects (central SOE, local SOE, private, foreign)
ENTRANT_OWNERSHIP = np.array([0.005, 0.02, 0.955, 0.02])
BIG_PROJECT_OWNERSHIP = np.array([0.15, 0.15, 0.5, 0.2])
# relative exogenous exit hazard by size class (large, medium, small, micro)
SIZE_HAZARD = np.array([0.0, 0.25, 1.0, 1.0])

# the widest spread of log revenue entrants are drawn with (the upper bound of the former key
# entry.entrant_size_sd): sigma_s is re-measured each year on a population with the entrants
ENTRANT_SD_MAX = 2.0
MAX_ENTRY_RATE_Q = 1.0  # expected entrants a quarter, at most the sector's living firms


def exit_firms(k, f, book, sectors, neutrality: float, inst, fp, fin, t: int, seed: int) -> None:
    """Distressed firms exit unless bailed out; exiting firms are liquidated.

    Liquidation value V = cash + recovery K (assets sold outside the province); the bank gets
    min(debt, V) and, for small and micro firms, the guarantee fund's share of the rest; it
    writes off what remains unpaid, and owners (households) get V - min(debt, V). Writes the
    exit flows and counts into ``book`` (``sectors``: the sector table, for the resource-bound
    raw sectors; ``fp``, ``fin``: the scenario's firms and finance sections).
    """
    bail = soft_budget(fin)
    k.exit_firms(
        n=f.n,
        alive=f.alive,
        ids=f.id,
        owner=f.owner,
        sector=f.sector,
        raw=sectors.raw,
        size=f.size,
        age=f.age,
        K=f.K,
        K0=f.K0,
        Y=f.Y,
        cap=f.cap,
        cash=f.cash,
        debt=f.debt,
        profit=f.profit,
        losses=f.losses,
        bailout=f.bailout,
        exiting=f.exiting,
        bail_prob=bail,
        neutrality=neutrality,
        rescue_large=inst.rescue_large,
        u_owner=inst.utilization_o,
        delta=fp.depreciation_q,
        max_losses=fp.distress_loss_quarters,
        h0=fp.exit_hazard_q,
        tau=fp.exit_hazard_age_q,
        h_floor=fp.exit_hazard_floor_q,
        size_hazard=SIZE_HAZARD,
        seed=seed,
        t=t,
    )
    # the exits' rows and liquidation (kernel ``liquidate``, which also writes ``died``)
    rows, sales, paid, to_owners, guaranteed, debt, sme = k.liquidate(
        n=f.n,
        exiting=f.exiting,
        cash=f.cash,
        K=f.K,
        debt=f.debt,
        size=f.size,
        died=f.died,
        t=t,
        recovery=fin.recovery_rate,
        cover=inst.guarantee_cover,
        small=SMALL,
    )
    book.exit_asset_sales = float(sales.sum())
    book.exit_to_bank = float(paid.sum())
    book.exit_to_owners = float(to_owners.sum())
    # SME support: the guarantee fund pays part of small and micro firms' unpaid debt
    book.guarantee_payouts = float(guaranteed.sum())
    book.exit_debt = float(debt.sum())  # leaves the bank's book at the close
    book.exit_recovered = float(paid.sum() + guaranteed.sum())
    f.kill(rows)
    if f.agents_made:  # deregisters their Firm agents: the table is their registry
        f.agent[rows] = None
    book.exits = rows.size
    book.exits_sme = int(np.count_nonzero(sme))


@dataclass
class Entry:
    """What entry reads besides the firm table: the quarter's book and ledger, the sector
    state, the places, the prices and the instruments in force."""

    k: object  # the kernels
    f: object  # FirmTable (entrants' rows are written)
    ss: object  # SectorState (reads uc_bar, p_in, y_loc; big projects' orders raise demand0)
    book: object  # QuarterBook (entry flows and counts)
    ledger: object  # RunLedger (year_capital, entrants_drawn)
    sectors: object
    cal: object  # sector calibration (pi, pi_cost, m, mu, kappa)
    parks: object
    prefectures: object
    suit: np.ndarray  # suitability of each prefecture for each sector
    env: object  # Environment (p_raw, demand_index)
    inst: object  # Instruments in force
    policy: object  # PolicyParams in force
    params: object  # the Scenario
    seed: int
    t: int


def enter_firms(e: Entry) -> None:
    """Entry: ordinary entrants by sector (Poisson, kernel ``entry_counts``) and the big
    projects the government brings in (大抓项目), each with ownership, size, productivity and a
    location choice (kernel ``draw_entrants``); then their rows in the firm table."""
    f, sc, sec, inst = e.f, e.params, e.sectors, e.inst
    ep, fin = sc.entry, sc.finance
    c = Census(
        *e.k.census(
            n=f.n,
            alive=f.alive,
            sector=f.sector,
            park=f.park,
            K=f.K,
            profit=f.profit,
            Y=f.Y,
            A=f.A,
            q=f.q,
            n_sec=len(sec),
            n_parks=len(e.parks),
        )
    )
    n_s, k_s, p_s = c.by_s[0], c.by_s[1], c.by_s[2]
    rate, response, interest_q = (
        ep.entry_rate_q * inst.entry_mult,
        ep.profit_response,
        fin.base_rate / 4.0,
    )
    profit_rate = p_s / np.maximum(k_s, 1e-9)
    # expected entrants at most MAX_ENTRY_RATE_Q x the sector's living firms a quarter:
    # rate (1 + response (pr - i)) <= MAX  <=>  pr <= i + (MAX / rate - 1) / response
    # (binds only at extreme parameters: a sector whose capital has depreciated to almost
    # nothing has an unbounded profit rate, and entry multiplied the population by hundreds)
    if response > 0 and rate > 0:
        profit_rate = np.minimum(
            profit_rate, interest_q + (MAX_ENTRY_RATE_Q / rate - 1.0) / response
        )
    elif rate > MAX_ENTRY_RATE_Q:
        rate = MAX_ENTRY_RATE_Q
    counts = e.k.entry_counts(
        n_alive_s=n_s,
        profit_rate_s=profit_rate,
        rate_q=rate,
        response=response,
        interest_q=interest_q,
        seed=e.seed,
        t=e.t,
    )
    nu = e.policy.ownership_neutrality
    size_median, size_sd = entrant_size(e.ss, ep.entrant_size_rel, ep.entrant_size_sd_rel)
    barrier = np.zeros(4)
    barrier[[PRIVATE, FOREIGN]] = ep.private_barrier * (1.0 - nu)
    new = _draw(
        e,
        c,
        counts,
        ENTRANT_OWNERSHIP,
        barrier,
        size_median,
        size_sd,
        ep.entrant_productivity,
    )
    _create(e, c, new, incentive=0.0, contracted=0.0, cbase=sc.firms.entrant_customer_base)
    # (ordinary entrants before big projects look for room)
    n_big = poisson(inst.big_projects_q, e.seed, e.t, 0, S_BIG_PROJECTS)  # jitted (rng.py)
    big_counts = np.zeros(len(sec), dtype=np.int64)
    eligible = np.flatnonzero(e.ss.big_project_sectors)
    for j in range(n_big):
        u = uniform(e.seed, e.t, j, S_BIG_PROJECTS + 1)
        big_counts[eligible[int(u * eligible.size)]] += 1
    ip = sc.instruments
    if n_big > 0:  # (no project this quarter: nothing to draw)
        big = _draw(
            e,
            c,
            big_counts,
            BIG_PROJECT_OWNERSHIP,
            np.zeros(4),
            np.full(len(sec), ip.big_project_revenue),
            np.full(len(sec), 0.5),
            1.2,
        )
        _create(e, c, big, ip.big_project_incentive, ip.big_project_contracted_share, cbase=1.0)
        e.book.big_projects = int(big[0].size)
    # joint promotion of the co-built parks brings investment projects into them
    y_s, a_s = c.by_s[3], c.by_s[4]
    e.parks.room = e.parks.capacity - c.in_park
    promoted = parks_step.promoted_projects(
        e.parks,
        e.suit,
        sec,
        np.where(y_s > 0, a_s / np.maximum(y_s, 1e-300), 1.0),
        BIG_PROJECT_OWNERSHIP,
        sc.fiscal.promotion_projects,
        ip.big_project_revenue,
        1.2,
        sc.calibration.tfp_dispersion,
        e.seed,
        e.t,
    )
    _create(e, c, promoted, ip.big_project_incentive, 0.0, cbase=1.0)
    e.book.promoted_projects = int(promoted[0].size)


def entrant_size(ss, rel: float, sd_rel: float) -> tuple[np.ndarray, np.ndarray]:
    """Median and log-sd of an ordinary entrant's annual revenue in each sector (10k yuan,
    money of 2018 purchasing power, as ``rev_year``):

        ln rev ~ N(ln rel + mu_s, min(sd_rel sigma_s, ENTRANT_SD_MAX))

    with mu_s and sigma_s the mean and sd of the log annual revenue of the sector's living
    firms at the last year end (``steps/annual.py: sector_sizes``; the 2018 population before
    the first). With sd_rel = 1 an entrant is drawn from its sector's size distribution
    scaled down by rel: the typical (median) entrant is rel times the typical firm, and if
    sizes are lognormal so is the mean entrant relative to the mean firm. Entrants are smaller
    than incumbents in proportion to their industry's scale (Geroski 1995: 33-50% of the
    average firm in UK manufacturing; Dunne, Roberts & Samuelson 1988 for the US). The model's
    sectors are more skewed than lognormal (backbone firms), so the ratio of means comes out
    below rel (docs/assumptions.md, "Entry and young firms").

    Parameters
    ----------
    ss : SectorState
        ``log_rev_mean`` (mu_s) and ``log_rev_sd`` (sigma_s)
    rel : float
        ``entry.entrant_size_rel``: the typical entrant's size over the typical firm's
    sd_rel : float
        ``entry.entrant_size_sd_rel``: entrants' spread of log size over their sector's
    """
    return rel * np.exp(ss.log_rev_mean), np.minimum(sd_rel * ss.log_rev_sd, ENTRANT_SD_MAX)


class Census:
    """Sector and park totals of the living firms (kernel ``census``), kept up to date as
    entrants are created so that later draws in the same quarter see them."""

    def __init__(self, by_s: np.ndarray, in_park: np.ndarray):
        self.by_s, self.in_park = by_s, in_park

    def add(self, sector, park, K, profit, Y, A, q) -> None:
        """Entrants join the totals (work proportional to their number)."""
        n_sec = self.by_s.shape[1]
        for k, w in enumerate((None, K, profit, Y, Y * A, Y * q)):
            self.by_s[k] += np.bincount(sector, weights=w, minlength=n_sec)
        self.in_park += np.bincount(park[park >= 0], minlength=self.in_park.size)


def _draw(e: Entry, c: Census, counts, owner_p, barrier, size_median, size_sd, a_rel) -> tuple:
    """Attributes and locations of candidate entrants (kernels ``location_utilities`` and
    ``draw_entrants``); returns
    the arrays of those not deterred by entry barriers."""
    sc, sec = e.params, e.sectors
    y_s, a_s = c.by_s[3], c.by_s[4]
    a_mean = np.where(y_s > 0, a_s / np.maximum(y_s, 1e-300), 1.0)
    parks = e.parks
    park_room = parks.capacity - c.in_park
    park_bonus = parks.coco * sc.fiscal.coconstruction_attraction
    ep = sc.entry
    utility = e.k.location_utilities(
        chain=sec.chain,
        wage=e.prefectures.wage,
        suit=e.suit,
        y_loc_s=e.ss.y_loc,
        park_pref=parks.pref,
        park_chain=parks.chain,
        infra=parks.infra,
        park_bonus=park_bonus,
        b_wage=ep.choice_wage,
        b_agg=ep.choice_agglomeration,
        b_infra=ep.choice_infrastructure,
        b_spec=ep.choice_specialisation,
        b_outside=ep.choice_outside_park,
    )
    out = e.k.draw_entrants(
        counts=counts,
        owner_p=owner_p,
        barrier=barrier,
        size_median=size_median,
        size_sd=size_sd,
        a_mean=a_mean,
        a_rel=a_rel,
        a_sd=sc.calibration.tfp_dispersion,
        utility=utility,
        park_pref=parks.pref,
        park_room=park_room,
        seed=e.seed,
        t=e.t,
        first_idx=e.ledger.entrants_drawn,
    )
    kept = out[-1]
    e.ledger.entrants_drawn += kept.size
    return tuple(x[kept] for x in out[:-1])


def _create(
    e: Entry, c: Census, drawn: tuple, incentive: float, contracted: float, cbase: float
) -> None:
    """New rows for drawn entrants; owners put in equity, the bank lends the
    rest of the capital, and ``incentive`` (share of capital) comes from the government;
    ``contracted``: the share of their planned output that comes with pre-contracted national
    orders (big projects only, where a scenario grants them); ``cbase``: their customer base
    (``firms.entrant_customer_base`` for new firms; 1 for big and promoted projects, plants of
    established firms, whose parents' customers come with them: Foster, Haltiwanger &
    Syverson 2016 find that within-firm spillovers raise demand levels, not growth; 1 in raw
    sectors, which sell a commodity at capacity)."""
    sector, owner, pref, park, rev, A = drawn
    n_new = sector.size
    if n_new == 0:
        return
    f, sc, sec, cal, inst = e.f, e.params, e.sectors, e.cal, e.inst
    fp, ep = sc.firms, sc.entry
    y_s, q_s = c.by_s[3], c.by_s[5]
    q_mean = np.where(y_s > 0, q_s / np.maximum(y_s, 1e-300), 1.0)
    Ag = A**fp.materials_efficiency
    uc = e.k.unit_cost(
        wage=e.prefectures.wage[pref],
        pi=cal.pi_cost[sector],
        A=A,
        Ag=Ag,
        m=cal.m[sector],
        p_in=e.ss.p_in[sector] * (1.0 + inst.green_cost),
        kc=inst.capital_cost_o[owner] * cal.kappa[sector],
    )
    # a sector without incumbents has no mean unit cost (0): the entrant's own stands for it
    uc_bar = np.where(e.ss.uc_bar[sector] > 0, e.ss.uc_bar[sector], uc)
    blend = fp.cost_passthrough * uc + (1.0 - fp.cost_passthrough) * uc_bar
    subsidy = inst.output_subsidy_s[sector] * inst.eligibility_o[owner]
    price = np.where(
        sec.raw[sector], e.env.p_raw[sector], (1.0 + cal.mu[sector]) * blend * (1 - subsidy)
    )
    Y = rev / 4.0 / price
    # capital for the utilisation the owner type plans for (raw sectors: u*, resource-bound)
    u_plan = np.where(sec.raw[sector], fp.desired_utilization, inst.utilization_o[owner])
    K = cal.kappa[sector] * Y / (A * u_plan)
    L = Y / (A * cal.pi_cost[sector])
    grant = incentive * K
    cash = fp.cash_target * rev + grant
    debt = (1.0 - ep.equity_share) * K
    f.append(
        n_new,
        scatter=e.k.scatter_rows,
        sector=sector,
        owner=owner,
        pref=pref,
        park=park,
        age=np.zeros(n_new, np.int64),
        born=np.full(n_new, e.t),
        size=e.k.size_classes(L=L, rev=rev * e.env.price_level),  # NBS bounds: current yuan
        K=K,
        L=L,
        A=A,
        lnA=np.log(A),
        Ag=Ag,
        q=q_mean[sector],
        dig=np.full(n_new, 0.1),
        emis=sec.emission[sector] * (1.0 - inst.green_cut) / A,
        share=Y / np.maximum(y_s[sector], Y),
        exp_dem=Y,
        D=Y,
        cap=A * K / cal.kappa[sector],
        price=price,
        cash=cash,
        debt=debt,
        rev_year=rev,
        K_year=K,
        cbase=np.where(sec.raw[sector], 1.0, cbase),
    )
    book = e.book
    book.entry_equity += float((cash - grant + K - debt).sum())
    book.entry_loans += float(debt.sum())
    book.entry_capital += float(K.sum())
    e.ledger.year_capital += float(K.sum())
    book.entry_incentives += float(grant.sum())
    book.entry_loan_batches.append(float(debt.sum()))  # the bank books each at the close
    if contracted > 0.0:
        # a scenario may give big projects pre-contracted national orders: national demand
        # for the sector grows by that share of their planned output instead of being won
        # from incumbents (instruments.big_project_contracted_share; default 0)
        extra = contracted * np.bincount(sector, weights=Y, minlength=len(sec))
        e.ss.demand0 += extra / e.ss.demand_mix
    book.entries += n_new
    c.add(sector, park, K, np.zeros(n_new), Y, A, q_mean[sector])
    # no Firm agents here: model.agents_by_type[Firm] makes them when first asked for
