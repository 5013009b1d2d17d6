"""Prefecture labour markets: rationing, wages, and a labour force that shrinks and migrates.

Kernels: ``kernels/labour.py``. ``labour_demand`` sums the labour firms want (``L_req``) by
prefecture; ``hire`` writes each firm's employees ``L``. This module writes the prefectures'
``labour_supply``, ``labour_demand``, ``employment`` (``hire``), and ``wage`` and
``labour_pool`` (``adjust_wages_and_supply``).
"""

from __future__ import annotations

import numpy as np

MIN_WAGE_FACTOR = 0.5  # largest fall of a prefecture's wage in one quarter: to half
MAX_WAGE_FACTOR = 2.0  # largest rise in one quarter: to double


def open_markets(f, p, cal) -> None:
    """The 2018 labour pools: each prefecture's industrial employment plus the slack of
    ``labour_slack`` (writes the PrefectureTable ``p``'s ``labour_pool``, ``labour_supply``)."""
    labour = np.bincount(f.pref[: f.n], weights=f.L[: f.n], minlength=len(p))
    p.labour_pool = labour * (1.0 + cal.labour_slack)
    p.labour_supply = p.labour_pool.copy()


def hire(k, f, p, cal) -> None:
    """Hire: each prefecture's firms get fill_p = min(1, LS_p / LD_p) of the labour they want.

    Industrial labour supply LS_p = pool_p (w_p / w_p,2018)^e draws workers from farming and
    services when industrial wages rise (e = labour_supply_elasticity).
    """
    e = cal.labour_supply_elasticity
    p.labour_supply = p.labour_pool * (p.wage / p.wage0) ** e
    p.labour_demand = k.labour_demand(
        n=f.n, alive=f.alive, pref=f.pref, L_req=f.L_req, n_pref=len(p)
    )
    fill = np.minimum(1.0, p.labour_supply / np.maximum(p.labour_demand, 1e-9))
    k.hire(n=f.n, alive=f.alive, pref=f.pref, L_req=f.L_req, fill=fill, L=f.L)
    p.employment = np.minimum(p.labour_demand, p.labour_supply)


def adjust_wages_and_supply(p, national_wage: float, params) -> None:
    """Wages follow tightness; the labour force shrinks with natural decline and migration.

        w_p <- w_p clip(1 + k g_w / 4 + a (LD_p / LS_p - 1 / (1 + slack)), 1/2, 2)
        pool_p <- pool_p (1 + n / 4 - m max(0, (w_nat - w_p) / w_nat) / 4)
    with g_w national wage growth, k the wage pass-through, a the wage adjustment, n natural
    increase and m the migration response (all per year); ``p``: the PrefectureTable,
    ``national_wage``: w_nat this quarter (10k yuan per year).
    """
    env, cal = params.environment, params.calibration
    ratio = p.labour_demand / np.maximum(p.labour_supply, 1e-9)
    tight = ratio - 1.0 / (1.0 + cal.labour_slack)
    trend = cal.wage_passthrough * env.national_wage_growth / 4.0
    # a wage at most halves or doubles in a quarter (with a large wage_adjustment the linear rule
    # turns wages negative when labour demand collapses, and overflows when supply vanishes)
    factor = 1.0 + trend + cal.wage_adjustment * tight
    p.wage = p.wage * np.clip(factor, MIN_WAGE_FACTOR, MAX_WAGE_FACTOR)
    gap = np.maximum(0.0, (national_wage - p.wage) / national_wage)
    p.labour_pool = p.labour_pool * (
        1.0 + env.natural_increase / 4.0 - env.migration_response * gap / 4.0
    )
