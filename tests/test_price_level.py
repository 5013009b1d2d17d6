"""The model's money is yuan of 2018 purchasing power; nominal rules (the above-scale
threshold of 20 million current yuan, NBS size classes) are applied through China's price
level L_y (environment.py, strategy.above_scale)."""

import numpy as np
import pytest

from longjiang_abm import LongjiangModel, load_scenario
from longjiang_abm.strategy import ABOVE_SCALE_REVENUE, above_scale


def test_above_scale_is_current_revenue_over_the_threshold():
    rev = np.array([1900.0, 1999.0, 2000.0, 2100.0])
    assert above_scale(rev, 1.0).tolist() == [False, False, True, True]
    # at a price level of 1.05, 1,905 (10k yuan of 2018) is 20.0 million current yuan
    assert above_scale(rev, 1.05).tolist() == [False, True, True, True]
    assert above_scale(ABOVE_SCALE_REVENUE / 1.1, 1.1)


def _run(years, *sets):
    m = LongjiangModel(load_scenario(None, list(sets)), seed=2, n_firms=3000, check_accounts=False)
    for _ in range(4 * years):
        m.step()
    return m


def test_the_price_level_follows_the_record_then_the_trend():
    m = _run(3, "environment.drivers=history")
    levels = m.env.price_levels
    assert levels[2018] == 1.0
    assert levels[2019] == pytest.approx(1.0129, rel=1e-12)  # 2019 record: +1.29%
    assert levels[2020] == pytest.approx(1.0129 * 1.0062, rel=1e-12)
    trend = m.params.environment.national_inflation
    assert levels[2021] == pytest.approx(levels[2020] * (1.0 + trend), rel=1e-12)
    assert m.rev_year_price_level() == levels[2021]  # after the year's close
    k = m.kpis()
    assert k["national_price_level"].tolist() == [levels[2019], levels[2020], levels[2021]]


def test_every_reader_of_rev_year_uses_its_years_price_level():
    """rev_year is last closed year's revenue: 2018's until the first year end, then 2019's;
    the Firm agent and firms.parquet count it in current yuan at that year's level."""
    from longjiang_abm.agents import Firm
    from longjiang_abm.runner import firm_frame

    m = LongjiangModel(
        load_scenario(None, ["environment.national_inflation=0.2"]), seed=4, n_firms=1500
    )
    assert m.rev_year_price_level() == 1.0
    for _ in range(2):
        m.step()
    assert m.env.price_level == pytest.approx(1.2) and m.rev_year_price_level() == 1.0
    for _ in range(2):
        m.step()
    level = m.rev_year_price_level()
    assert level == pytest.approx(1.2)
    rows = m.firms.alive_rows()
    expected = above_scale(m.firms.rev_year[rows], level)
    assert expected.any() and not expected.all()
    frame = firm_frame(m)
    assert frame["above_scale"].sum() == expected.sum()
    agents = list(m.agents_by_type[Firm])[:300]
    assert all(a.above_scale == above_scale(a.model.firms.rev_year[a._live_row()], level)
               for a in agents)  # fmt: skip
    # the count of the KPI table is this year's revenue against this year's threshold
    assert m.kpis()["above_scale_firms"].iloc[-1] == np.count_nonzero(
        above_scale(m.firms.rev_year[rows][m.firms.age[rows] >= 4], level)
    ) + np.count_nonzero(above_scale(m.firms.rev_ytd[rows][m.firms.age[rows] < 4], level))


def test_inflation_moves_only_the_nominal_counts():
    """The same real economy counts more firms above a threshold fixed in current yuan when
    prices rise."""
    flat = _run(2, "environment.national_inflation=0")
    rising = _run(2, "environment.national_inflation=0.1")
    kf, kr = flat.kpis(), rising.kpis()
    assert np.array_equal(kf["gdp_real"], kr["gdp_real"])
    assert (kr["above_scale_firms"] > kf["above_scale_firms"]).all()
