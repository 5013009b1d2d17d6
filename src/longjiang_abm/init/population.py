"""The synthetic firm population at the end of 2018.

Steps (docs/ODD.md, "Initialisation", gives the reasoning and the data behind each):
1. backbone firms from ``tables/backbone_firms.csv`` (revenues scaled with the population);
2. synthetic firms split across sectors by ``firm_share``; annual revenue drawn from a lognormal
   body with a Pareto tail and scaled so that each sector's value added matches its 2018 share
   of industrial value added; the lognormal spread is solved so that the above-scale count
   (revenue >= 20 million yuan) equals the calibration target;
3. ownership by size, prefecture by the sector's geography, park membership;
4. productivity, quality, prices, materials and markups consistent with sector value-added
   ratios; capital from capital-output ratios at the 2018 utilisation; debt and cash.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
from scipy.optimize import brentq

from ..instruments import capital_cost, soft_budget
from ..kernels import Kernels
from ..kernels.annual import size_classes
from ..params import Scenario
from ..sectors import SectorTable, read_table
from ..state import (
    CENTRAL_SOE,
    FOREIGN,
    LOCAL_SOE,
    OWNERSHIPS,
    PRIVATE,
    FirmTable,
    ParkTable,
    PrefectureTable,
)
from ..strategy import ABOVE_SCALE_REVENUE as ABOVE_SCALE

N_REFERENCE = 35_000  # the province's industrial enterprises (docs/calibration: ~1% of China)


def customer_base(b0: float, tau: float, age: np.ndarray) -> np.ndarray:
    """Customer base of a new firm at age a (quarters), as a share of the one it builds up:
        b(a) = 1 - (1 - b0) exp(-a / tau)
    A new firm starts with a demand deficit (b0) and erases it slowly as it ages, whatever its
    prices (Foster, Haltiwanger & Syverson 2016, passive accumulation); ``update_shares``
    carries b forward quarter by quarter (b' = 1 - (1 - b) exp(-1 / tau)). b0 = 1 turns it off.
    Used for the 2018 population (by age); ordinary entrants start at b(0) = b0
    (``steps/demography.py: _create``)."""
    return 1.0 - (1.0 - b0) * np.exp(-np.asarray(age, dtype=np.float64) / tau)


def size_class(employees: np.ndarray, annual_revenue: np.ndarray) -> np.ndarray:
    """NBS 2017 industry size class: the highest class whose BOTH lower bounds are met
    (large: 1000 staff and 400m yuan; medium: 300 and 20m; small: 20 and 3m; else micro;
    ``kernels.annual.size_class_of``)."""
    return size_classes(
        np.asarray(employees, dtype=np.float64), np.asarray(annual_revenue, dtype=np.float64)
    )


def _last_down_crossing(grid, excess, workers: int):
    """(g, counts): the last g with excess(grid[g]) >= 0 > excess(grid[g + 1]) (None if there
    is none) and the excesses evaluated. The grid is scanned from the top, so the first
    crossing found is the last; ``workers`` points at a time on as many threads (each
    ``excess(sigma, trial)`` on its own buffer; numpy and the kernel release the GIL), which
    finds the same crossing."""
    counts = np.full(grid.size, np.nan)
    pool = ThreadPoolExecutor(workers) if workers > 1 else None
    try:
        for top in range(grid.size - 1, -1, -workers):
            batch = list(range(top, max(top - workers, -1), -1))
            if pool is None:
                values = [excess(grid[g]) for g in batch]
            else:
                values = list(pool.map(excess, grid[batch], range(len(batch))))
            for g, value in zip(batch, values, strict=True):
                counts[g] = value
            for g in batch:
                if g + 1 < grid.size and counts[g] >= 0 and counts[g + 1] < 0:
                    return g, counts
    finally:
        if pool is not None:
            pool.shutdown()
    return None, counts


class _QuantileOfExp:
    """``np.quantile(exp(sigma * eps), q)`` (linear method) for any sigma > 0 without a
    partition of the array each time: exp is increasing, so the two order statistics the
    quantile interpolates between are those of ``eps``, found once. Bit-identical to numpy's
    (``_lerp`` of numpy 1.22+; tested)."""

    def __init__(self, eps: np.ndarray, q: float):
        n = eps.size
        self.virtual = (n - 1) * np.float64(q)
        lo = int(np.floor(self.virtual))
        self.gamma = self.virtual - lo
        hi = min(lo + 1, n - 1)
        part = np.argpartition(eps, (lo, hi)) if hi > lo else np.argpartition(eps, lo)
        self.lo, self.hi = part[lo], part[hi]

    def value(self, z: np.ndarray) -> float:
        a, b, t = z[self.lo], z[self.hi], self.gamma
        diff = b - a
        return float(b - diff * (1 - t)) if t >= 0.5 else float(a + diff * t)


@dataclass
class Calibrated:
    """Sector parameters derived while building the population."""

    m: np.ndarray  # intermediate inputs per unit of real output at A = 1 and 2018 prices
    mu: np.ndarray  # markup over unit cost (processing sectors)
    pi: np.ndarray  # real output per worker per quarter (technical)
    pi_cost: np.ndarray  # real output per paid worker when firms staff for the planning buffer
    kappa: np.ndarray  # capital per unit of quarterly capacity at A = 1


def build_population(
    sc: Scenario,
    sectors: SectorTable,
    prefs: PrefectureTable,
    suit: np.ndarray,
    parks: ParkTable,
    seed: int,
    k: Kernels | None = None,
) -> tuple[FirmTable, Calibrated, float]:
    """The firm table at the end of 2018 and the derived sector parameters (``k``: the
    kernels, numba's by default)."""
    k = k if k is not None else Kernels()
    cal = sc.calibration
    n_firms = sc.run.n_firms
    scale = n_firms / N_REFERENCE
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2018]))
    n_sec = len(sectors)

    # 1. backbone firms --------------------------------------------------------------------
    bb = read_table("backbone_firms.csv", sc.tables.dir or None)
    if n_firms < 2 * len(bb):
        bb = bb.iloc[:0]
    b_sector = np.array([sectors.index(s) for s in bb["sector"]], dtype=np.int64)
    b_owner = np.array([OWNERSHIPS.index(o) for o in bb["ownership"]], dtype=np.int64)
    b_pref = np.array([prefs.keys.index(p) for p in bb["prefecture"]], dtype=np.int64)
    b_park = np.array([parks.keys.index(k) if k else -1 for k in bb["park"]], dtype=np.int64)
    b_rev = bb["annual_revenue_100m"].to_numpy(dtype=np.float64) * 1e4 * scale

    # 2. synthetic firms: sectors and sizes ------------------------------------------------
    n_syn = n_firms - len(bb)
    raw_counts = sectors.firm_share / sectors.firm_share.sum() * n_syn
    counts = np.floor(raw_counts).astype(np.int64)
    counts[np.argsort(counts - raw_counts)[: n_syn - counts.sum()]] += 1
    sector = np.repeat(np.arange(n_sec), counts)  # sector s: rows starts[s] .. starts[s + 1] - 1
    starts = np.concatenate(([0], np.cumsum(counts)))
    target_rev = cal.industrial_va_2018 * 1e4 * scale * sectors.va_share / sectors.va_ratio
    b_rev_s = np.bincount(b_sector, weights=b_rev, minlength=n_sec)
    syn_rev_s = np.maximum(target_rev - b_rev_s, 0.05 * target_rev)
    eps = rng.standard_normal(n_syn)
    tail_u = rng.random(n_syn)
    tail_draw = rng.random(n_syn)

    tail = tail_u < cal.size_tail_share
    tail_rows = np.flatnonzero(tail)
    tail_pow = tail_draw[tail] ** (-1.0 / cal.size_tail_alpha)
    body = _QuantileOfExp(eps, 1.0 - cal.size_tail_share) if tail_rows.size else None

    def sizes(sigma: float, z: np.ndarray | None = None) -> tuple[np.ndarray, int]:
        z = np.exp(np.multiply(eps, sigma, out=z), out=z)  # exp(sigma * eps), into z if given
        z_min = body.value(z) if body is not None else 0.0
        above = k.scaled_sizes(
            z=z, tail_rows=tail_rows, tail_pow=tail_pow, z_min=z_min, starts=starts,
            target=syn_rev_s, threshold=float(ABOVE_SCALE),
        )  # fmt: skip
        return z, above

    target_above = cal.above_scale_2018 * scale - np.count_nonzero(b_rev >= ABOVE_SCALE)

    workers = numba.get_num_threads()  # the model's thread count (threads.py)
    trials = [np.empty(n_syn) for _ in range(workers)]  # each trial's revenues, overwritten

    def excess(sigma: float, trial: int = 0) -> float:
        return sizes(sigma, trials[trial])[1] - target_above

    # the count falls with sigma beyond the mode of P(rev > threshold); search that branch
    grid = np.linspace(0.3, 6.0, 58)
    down, counts = _last_down_crossing(grid, excess, workers)
    if down is not None:
        sigma = brentq(excess, grid[down], grid[down + 1], xtol=1e-6)
    else:  # target out of reach: the closest count (run.json records the count reached)
        sigma = grid[np.argmin(np.abs(counts))]
    rev = sizes(sigma)[0]

    # 3. ownership, prefecture, park -------------------------------------------------------
    big = rev >= 40000
    mid = (rev >= ABOVE_SCALE) & ~big
    p_central = 0.002 + 0.10 * big + 0.01 * mid
    p_local = 0.01 + 0.15 * big + 0.05 * mid
    p_foreign = 0.012 + 0.03 * (big | mid)
    u = rng.random(n_syn)
    owner = np.full(n_syn, PRIVATE, dtype=np.int64)
    owner[u < p_central + p_local + p_foreign] = FOREIGN
    owner[u < p_central + p_local] = LOCAL_SOE
    owner[u < p_central] = CENTRAL_SOE
    cum = np.cumsum(suit, axis=1)
    pref = k.draw_prefectures(u=rng.random(n_syn), cum=cum, sector=sector)
    park = np.full(n_syn, -1, dtype=np.int64)
    in_park = rng.random(n_syn) < np.minimum(1.0, cal.park_share * (1.0 + 0.5 * (big | mid)))
    room = parks.capacity0 - np.bincount(b_park[b_park >= 0], minlength=len(parks))
    seekers = np.flatnonzero(in_park)
    state = rng.bit_generator.state
    draws = rng.random(seekers.size)  # one per firm that finds a park with room, in order
    used = k.assign_parks(
        rows=seekers, pref=pref, chain=sectors.chain[sector], park_pref=parks.pref,
        park_chain=parks.chain, park_capacity=parks.capacity0, room=room, u=draws, park=park,
    )  # fmt: skip
    rng.bit_generator.state = state  # the stream moves on by the draws used, no more
    rng.random(used)

    # 4. assemble, then productivity, prices, capital, finance -----------------------------
    sector = np.concatenate([b_sector, sector])
    owner = np.concatenate([b_owner, owner])
    pref = np.concatenate([b_pref, pref])
    park = np.concatenate([b_park, park])
    rev_year = np.concatenate([b_rev, rev])
    n = rev_year.size
    log_size = np.log(rev_year)
    A = np.exp(0.05 * (log_size - log_size.mean()) + cal.tfp_dispersion * rng.standard_normal(n))
    A[: len(bb)] = np.maximum(A[: len(bb)], 1.3)
    q = np.exp(0.15 * rng.standard_normal(n))
    rev_q = rev_year / 4.0
    wage = prefs.wage[pref]
    pi_cost = sectors.rev_per_worker / 4.0
    pi = pi_cost * (1.0 + sc.firms.planning_buffer)
    c = wage / (4.0 * pi_cost[sector])  # wage cost per unit of real output at A = 1
    kappa = 4.0 * sectors.utilization * sectors.capital_output
    # user cost of the capital held per unit of output at A = 1 (2018 practice: nu = 0)
    kc = capital_cost(sc, 0.0)[1][owner] * kappa[sector]
    # Materials m_s and markups mu_s such that, at 2018 prices, each sector's value added is
    # va_ratio_s of its revenue and its firms' output-weighted mean price is 1 (fixed point):
    #   uc_i = (c_i + kc_i) / A_i + m_s / A_i^gamma   (normal unit cost, kernels/goods.py)
    #   p_i = (1 + mu_s)(theta uc_i + (1 - theta) uc_bar_s)
    #   1 + mu_s = sum(r_i / (theta uc_i + (1 - theta) uc_bar_s)) / sum(r_i)
    #   m_s = (1 - va_ratio_s) sum(r_i) / sum(Y_i / A_i^gamma),   Y_i = r_i / p_i
    gamma, theta = sc.firms.materials_efficiency, sc.firms.cost_passthrough
    m = 1.0 - sectors.va_ratio
    mu = np.zeros(n_sec)
    price = np.ones(n)
    Ag = A**gamma
    order = np.argsort(sector, kind="stable")  # by sector, in row order within one
    k.calibrate_markups(
        order=order, starts=np.searchsorted(sector[order], np.arange(n_sec + 1)), rev=rev_q,
        A_g=Ag, c_A=(c + kc) / A, va_ratio=sectors.va_ratio, raw=sectors.raw, theta=theta, m=m,
        mu=mu, price=price,
    )  # fmt: skip
    # state firms of the processing sectors hold, on top, the idle capacity their soft budget
    # lets them plan for (2018 practice: u*_o = u* / (1 + xi b_o), kernels/plans.py): the
    # sector's capital-output ratio is its 2018 ratio for non-state firms and higher where
    # state firms are (no firm starts with output above its capacity)
    over_o = 1.0 + sc.finance.soft_budget_overcapacity * soft_budget(sc.finance)
    u_cash = rng.random(n)
    age = np.where(np.arange(n) < len(bb), 200, rng.geometric(1.0 / 40.0, n))
    u_dig = rng.random(n)
    table = FirmTable(capacity=int(n * 1.25) + 16)
    table.append(
        n,
        sector=sector,
        owner=owner,
        pref=pref,
        park=park,
        age=age,
        A=A,
        lnA=np.log(A),
        Ag=Ag,
        q=q,
        price=price,
        rev_year=rev_year,
        # customer base by age (young firms' demand accumulation): raw sectors are established
        # (b = 1); the backbone firms, 200 quarters old, have b within 4e-5 of 1
        cbase=np.where(
            sectors.raw[sector],
            1.0,
            customer_base(sc.firms.entrant_customer_base, sc.firms.customer_base_age_q, age),
        ),
        # the 2018 population is a snapshot of ongoing loss spells: a firm's count of
        # consecutive loss-making quarters is drawn uniformly below the distress threshold (it
        # is reset at the first profitable quarter, so it matters only for loss-makers)
        losses=rng.integers(0, sc.firms.distress_loss_quarters, n),
    )
    t = table  # output, capital, labour, finance, shares: written into the table's columns
    k.opening_books(
        sector=sector, owner=owner, rev_year=rev_year, price=price, A=A, Ag=Ag, u_cash=u_cash,
        u_dig=u_dig, kappa=kappa, utilization=sectors.utilization, pi_cost=pi_cost, m=m,
        emission=sectors.emission, raw=sectors.raw, over_o=over_o,
        target_leverage=sc.finance.target_leverage, cash_target=sc.firms.cash_target,
        above_scale=float(ABOVE_SCALE), Y=t.Y[:n], exp_dem=t.exp_dem[:n], D=t.D[:n],
        rev=t.rev[:n], K=t.K[:n], K_year=t.K_year[:n], L=t.L[:n], size=t.size[:n],
        debt=t.debt[:n], cash=t.cash[:n], mat=t.mat[:n], va=t.va[:n], dig=t.dig[:n],
        emis=t.emis[:n], cap=t.cap[:n], share=t.share[:n],
    )  # fmt: skip
    return table, Calibrated(m=m, mu=mu, pi=pi, pi_cost=pi_cost, kappa=kappa), scale
