"""Prices and real quantities: producer prices by sector, value added at 2018 prices by double
deflation, the GDP deflator, and NBS's comparable-basis growth of above-scale industry."""

import numpy as np
import pytest

from longjiang_abm import LongjiangModel
from longjiang_abm.accounts import quarter_mask
from longjiang_abm.kernels import Kernels
from longjiang_abm.metrics import KPI_COLUMNS
from longjiang_abm.strategy import ABOVE_SCALE_REVENUE


@pytest.fixture(scope="module")
def run():
    m = LongjiangModel(seed=6, n_firms=3000)
    for _ in range(12):
        m.step()
    return m


def test_real_value_added_is_output_at_2018_prices_less_deflated_inputs():
    m = LongjiangModel(seed=6, n_firms=1500)
    for _ in range(3):
        m.step()
    f, ss, rec = m.firms, m.sector_state, m.records[-1]
    rows = np.flatnonzero(quarter_mask(m))
    s = f.sector[rows]
    real = ss.p0[s] * f.Y[rows] - f.mat[rows] / ss.p_in[s]
    assert rec["industrial_va_real"] == pytest.approx(real.sum(), rel=1e-12)
    assert rec["output_real"] == pytest.approx((ss.p0[s] * f.Y[rows]).sum(), rel=1e-12)
    assert rec["ppi_industry"] * rec["output_real"] == pytest.approx(rec["revenue"], rel=1e-12)
    # the other sectors are at constant 2018 prices: GDP's real and nominal differ by industry
    gap = rec["gdp"] - rec["gdp_real"]
    assert gap == pytest.approx(rec["industrial_va"] - rec["industrial_va_real"], rel=1e-9)
    assert rec["gdp_deflator"] == pytest.approx(rec["gdp"] / rec["gdp_real"], rel=1e-12)


def test_2018_prices_are_the_unit_of_real_output():
    m = LongjiangModel(seed=2, n_firms=2000)
    np.testing.assert_allclose(m.sector_state.p0, 1.0, rtol=1e-9)
    f = m.firms
    # the 2018 real value added of each firm: output at its sector's 2018 price less inputs,
    # the base of year 1's comparable-basis growth (same valuation as every later year)
    s = f.col("sector")
    real = 4.0 * (m.sector_state.p0[s] * f.col("Y") - f.col("mat"))
    np.testing.assert_allclose(f.col("va_real_year"), real, rtol=1e-12)
    assert abs(real.sum() / (4.0 * f.col("va").sum()) - 1.0) < 1e-9  # equal in the sum


def test_annual_real_columns_and_growth_rates(run):
    k = run.kpis()
    for col in ("gdp_real", "gdp_real_growth", "industrial_va_real", "gdp_deflator"):
        assert col in KPI_COLUMNS and col in k.columns
    real = k["industrial_va_real"].to_numpy()
    growth = k["industrial_va_real_growth"].to_numpy()
    np.testing.assert_allclose(growth[1:], real[1:] / real[:-1] - 1.0, rtol=1e-12)
    assert growth[0] == pytest.approx(real[0] / (run.base_industry / 1e4) - 1.0, rel=1e-12)
    np.testing.assert_allclose(k["gdp_deflator"], k["gdp"] / k["gdp_real"], rtol=1e-12)
    q = run.quarterly_frame()
    annual = q.groupby("year")[["revenue", "output_real"]].sum()
    np.testing.assert_allclose(k["ppi_industry"], annual["revenue"] / annual["output_real"])
    ppi = [c for c in q.columns if c.startswith("sector_ppi__")]
    assert len(ppi) == len(run.sectors) and (q[ppi].to_numpy() > 0).all()
    assert k["above_scale_va_real_growth"].between(-0.5, 0.5).all()


def test_comparable_basis_counts_firms_above_scale_in_both_years_only():
    t = ABOVE_SCALE_REVENUE
    alive = np.array([True, True, True, True, False, True])
    age = np.array([8, 20, 7, 30, 40, 12])
    rev_ytd = np.array([t, 5 * t, 3 * t, 0.5 * t, 9 * t, 2 * t])
    rev_year = np.array([t, 4 * t, 3 * t, 2 * t, 9 * t, 0.9 * t])
    now_va = np.array([10.0, 20.0, 40.0, 80.0, 160.0, 320.0])
    before_va = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    now, before = Kernels.comparable_real_va(
        n=6, alive=alive, age=age, rev_ytd=rev_ytd, rev_year=rev_year,
        va_real_ytd=now_va, va_real_year=before_va, threshold=t, threshold_prev=t,
    )  # fmt: skip
    # firm 2 is too young, 3 fell below scale, 4 has exited, 5 was below scale last year
    assert (now, before) == (30.0, 3.0)
    # each year's revenue against its own year's threshold, 20m current yuan over that year's
    # price level: last year's at 0.9 t (prices fell since), firm 5 is in
    now, before = Kernels.comparable_real_va(
        n=6, alive=alive, age=age, rev_ytd=rev_ytd, rev_year=rev_year,
        va_real_ytd=now_va, va_real_year=before_va, threshold=t, threshold_prev=0.9 * t,
    )  # fmt: skip
    assert (now, before) == (350.0, 35.0)
    # prices doubled this year: its threshold halves, and firm 3 (0.5 t this year) stays in
    now, before = Kernels.comparable_real_va(
        n=6, alive=alive, age=age, rev_ytd=rev_ytd, rev_year=rev_year,
        va_real_ytd=now_va, va_real_year=before_va, threshold=0.5 * t, threshold_prev=t,
    )  # fmt: skip
    assert (now, before) == (110.0, 11.0)


def test_competitors_pay_the_same_input_prices():
    """With no local-sourcing saving, national competitors' input price index is the
    province's own: a common commodity shock leaves relative competitiveness unchanged."""
    from dataclasses import replace

    from longjiang_abm.environment import NATIONAL_WAGE_2018
    from longjiang_abm.steps.goods import competitor_cost, input_prices

    m = LongjiangModel(seed=1, n_firms=1500)
    sec, cal, ss = m.sectors, m.cal, m.sector_state
    p_raw = np.ones(len(sec))
    p_raw[sec.index("oil_gas")] = 0.6  # the crude price falls by 40%
    inst = replace(m.inst, local_saving=0.0)
    province = input_prices(sec, cal, p_raw, inst)
    zero = np.zeros(len(sec))
    np.testing.assert_allclose(competitor_cost(sec, cal, zero, zero, p_raw, 1.0), province)
    assert province[sec.index("refining")] < 0.9  # refining's inputs are mostly crude
    # at 2018 prices and the 2018 national wage competitors' cost is the 2018 cost
    one = competitor_cost(sec, cal, ss.labour_share0, ss.capital_share0, np.ones(len(sec)), 1.0)
    np.testing.assert_allclose(one, 1.0)
    # national wages raise competitors' cost by labour's share of it
    up = competitor_cost(sec, cal, ss.labour_share0, ss.capital_share0, np.ones(len(sec)), 1.1)
    np.testing.assert_allclose(up - 1.0, 0.1 * ss.labour_share0)
    assert NATIONAL_WAGE_2018 == m.env.national_wage  # before the first quarter
