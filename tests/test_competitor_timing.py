"""National competitors' prices in quarter t rest on what they reached by the end of t-1, like
the province's firms (environment.py): the frontier and the competitors' wage do not move
before the first market, so a run starts level with its competitors."""

import numpy as np
import pytest

from longjiang_abm import LongjiangModel, load_scenario
from longjiang_abm.environment import NATIONAL_WAGE_2018


def _first_quarter(**sets):
    scenario = load_scenario(None, [f"{k}={v}" for k, v in sets.items()])
    m = LongjiangModel(scenario, seed=5, n_firms=2000, check_accounts=False)
    m.step()
    return m


def test_the_frontier_and_competitors_wage_lag_one_quarter():
    m = _first_quarter()
    assert m.env.frontier == 1.0
    assert m.env.competitor_wage == NATIONAL_WAGE_2018
    g = m.params.environment.national_competitiveness_growth
    m.step()
    assert m.env.frontier == pytest.approx((1.0 + g) ** 0.25, rel=1e-15)
    assert m.env.national_wage > m.env.competitor_wage > NATIONAL_WAGE_2018


def test_the_first_quarters_market_does_not_depend_on_the_competitors_trend():
    """The competitors' trend cannot cost the province demand before either side has had a
    quarter to improve: quarter 1's sector demand is the same at any trend."""
    slow = _first_quarter(**{"environment.national_competitiveness_growth": 0.0})
    fast = _first_quarter(**{"environment.national_competitiveness_growth": 0.08})
    assert np.array_equal(slow.sector_state.demand, fast.sector_state.demand)
    # nor on the national wage's growth: competitors pay last quarter's (2018's) wage
    dear = _first_quarter(**{"environment.national_wage_growth": 0.1})
    cheap = _first_quarter(**{"environment.national_wage_growth": 0.0})
    assert np.array_equal(dear.sector_state.demand, cheap.sector_state.demand)
    fast.step()
    slow.step()
    traded = ~(slow.sectors.raw | slow.sectors.local)
    assert (fast.sector_state.demand[traded] < slow.sector_state.demand[traded]).all()
