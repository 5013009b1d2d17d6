"""``longjiang forecast``: the drivers of 2017-2019, the benchmarks, the scores, the command."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_process import longjiang

from longjiang_abm.environment import BRENT_2018, Environment
from longjiang_abm.forecast import benchmarks, record, scores
from longjiang_abm.forecast.report import BEGIN, END
from longjiang_abm.params import load_scenario
from longjiang_abm.sectors import load_sectors


def _environment(*sets):
    sc = load_scenario(None, list(sets))
    return Environment(sc, load_sectors(), 2019)


def test_history_start_shifts_the_record_and_the_oil_price_base():
    default = _environment("environment.drivers=history")
    shifted = _environment("environment.drivers=history", "environment.history_start=2017")
    early = _environment("environment.drivers=history", "environment.history_start=2014")
    trend = _environment()
    for env in (default, shifted, trend, early):
        env.update(1, 2019, 1, lambda *a: 0.0)
    assert default.growth == pytest.approx(0.057) and default.brent == 64.2
    assert default.brent_base == BRENT_2018 and trend.brent_base == BRENT_2018
    # 2014 is not in the table: year 1 takes the trend, the oil base the initial state's price
    assert early.growth == pytest.approx(0.055) and early.brent_base == BRENT_2018
    early.update(5, 2020, 1, lambda *a: 0.0)
    assert early.growth == pytest.approx(0.061) and early.brent == 52.4  # 2015's record
    ignored = _environment("environment.history_start=2017")  # trend drivers: no record
    ignored.update(1, 2019, 1, lambda *a: 0.0)
    assert ignored.growth == pytest.approx(0.055) and ignored.brent_base == BRENT_2018
    assert shifted.growth == pytest.approx(0.066) and shifted.brent == 54.2  # 2017's record
    assert shifted.brent_base == 43.7  # 2016's: the initial state stands at the end of 2016
    assert shifted.price_levels[2019] == pytest.approx(1.0423)  # 2017's deflator
    assert trend.growth == pytest.approx(0.055)
    oil = shifted.sectors.index("oil_gas")
    e = shifted.p.oil_price_elasticity
    assert shifted.p_raw[oil] == pytest.approx((54.2 / 43.7) ** e)


def test_the_record_uses_nothing_after_the_origin():
    for s in record.SERIES:
        assert max(s.window) <= record.ORIGIN < min(s.actual)
        if s.national is not None:
            assert set(s.window) <= set(s.national)
    names = [s.name for s in record.window_statistics()]
    assert "sec_2019" not in names and "margin_2019" not in names and "as_2019" not in names
    gdp = next(s for s in record.window_statistics() if s.name == "gdp_growth")
    assert gdp.value == pytest.approx((0.057 + 0.061 + 0.064) / 3)
    # population as published at the time, not the series revised after the 2020 census
    pop = record.BY_SERIES["pop_growth"]
    assert pop.window[2017] == pytest.approx(100 * (3789 / 3799 - 1))
    assert pop.actual[2019] == pytest.approx(100 * (3751 / 3773 - 1))


def test_the_record_matches_the_data_files():
    data = Path(__file__).parents[1] / "src" / "longjiang_abm" / "data"
    macro = pd.read_csv(data / "province_macro_2015_2019.csv")
    orig = macro[macro.vintage == "original"].set_index("year")
    s = record.BY_SERIES
    for y in (2015, 2016, 2017, 2018):
        v = {**s["gdp_growth"].window, **s["gdp_growth"].actual}[y]
        assert v == orig.loc[y, "gdp_real_growth_pct"]
        v = {**s["ind_growth"].window, **s["ind_growth"].actual}[y]
        assert v == orig.loc[y, "above_scale_industrial_va_growth_pct"]
        v = {**s["sec_share"].window, **s["sec_share"].actual}[y]
        assert v == orig.loc[y, "share_secondary_pct"]
    gdp = orig["gdp_100m_yuan"]
    assert s["gdp_nominal_growth"].window[2017] == pytest.approx(100 * (gdp[2017] / gdp[2016] - 1))
    post = macro[macro.vintage == "post-census"].set_index("year")["gdp_100m_yuan"]
    assert s["gdp_nominal_growth"].actual[2019] == pytest.approx(
        100 * (post[2019] / post[2018] - 1)
    )
    pop = pd.read_csv(data / "population_labour.csv")
    pop = pop[pop.vintage_or_note == "original series"]  # some years hold text: str columns
    pop = pop.set_index(pop.year.astype(int))["value"].astype(float)
    assert s["pop_growth"].actual[2018] == pytest.approx(100 * (pop[2018] / pop[2017] - 1))
    china = pd.read_csv(data.parent / "tables" / "national_drivers.csv").set_index("year")
    for y in range(2015, 2020):
        assert s["gdp_growth"].national[y] == china.loc[y, "china_gdp_real_growth_pct"]
        assert (
            s["ind_growth"].national[y]
            == china.loc[y, "china_above_scale_industrial_va_growth_pct"]
        )
        deflator = china.loc[y, "china_gdp_deflator_growth_pct"]
        nominal = 100 * (
            (1 + china.loc[y, "china_gdp_real_growth_pct"] / 100) * (1 + deflator / 100) - 1
        )
        assert s["gdp_nominal_growth"].national[y] == pytest.approx(nominal)


def test_benchmarks_by_hand():
    s = record.BY_SERIES["ind_growth"]  # window 0.4, 2.0, 2.7
    mean, sd = benchmarks.random_walk(s, 2018)
    assert mean == 2.7 and sd == pytest.approx(np.sqrt((1.6**2 + 0.7**2) / 2))
    assert benchmarks.random_walk(s, 2019)[1] == pytest.approx(np.sqrt(2) * sd)
    mean, sd = benchmarks.random_walk_drift(s, 2019)
    assert mean == pytest.approx(2.7 + 2 * 1.15) and sd == pytest.approx(np.sqrt(2 * 0.405))
    mean, sd = benchmarks.national(s, 2018)
    gaps = np.array([0.4 - 6.1, 2.0 - 6.0, 2.7 - 6.6])
    assert mean == 6.2 and sd == pytest.approx(np.sqrt(np.mean(gaps**2)))
    mean, sd = benchmarks.national_gap(s, 2018)
    assert mean == pytest.approx(6.2 + gaps.mean()) and sd == pytest.approx(gaps.std(ddof=1))
    d = np.array([0.4, 2.0, 2.7]) - 5.1 / 3
    phi = (d[1] * d[0] + d[2] * d[1]) / (d[0] ** 2 + d[1] ** 2)
    mean, sd = benchmarks.ar1(s, 2018)
    assert mean == pytest.approx(5.1 / 3 + phi * d[2])
    resid = np.array([d[1] - phi * d[0], d[2] - phi * d[1]])
    assert sd == pytest.approx(np.sqrt(np.sum(resid**2) / 1))  # two pairs, one parameter
    pop = record.BY_SERIES["pop_growth"]  # two window values
    assert benchmarks.ar1(pop, 2018) is None and benchmarks.random_walk_drift(pop, 2018) is None
    assert benchmarks.national(record.BY_SERIES["sec_share"], 2018) is None


def test_crps():
    assert scores.crps_normal(1.0, 3.0, 0.0) == 2.0  # a point forecast: the absolute error
    # closed form: sd (w (2 Phi(w) - 1) + 2 phi(w) - 1 / sqrt(pi)), w = (y - mean) / sd
    from scipy.stats import norm

    w = (1.0 - 0.5) / 2.0
    exact = 2.0 * (w * (2 * norm.cdf(w) - 1) + 2 * norm.pdf(w) - 1 / np.sqrt(np.pi))
    assert scores.crps_normal(1.0, 0.5, 2.0) == pytest.approx(exact)
    # fair estimator: mean |x_i - y| - sum_(i != j) |x_i - x_j| / (2 m (m - 1))
    draws = np.array([0.0, 2.0])
    assert scores.crps_ensemble(1.0, draws) == pytest.approx(1.0 - 4.0 / 4.0)
    # the quantiles of N(0.5, 2) as an ensemble (the fair estimator holds m x m differences)
    big = norm.ppf((np.arange(2000) + 0.5) / 2000, loc=0.5, scale=2.0)
    assert scores.crps_ensemble(1.0, big) == pytest.approx(exact, rel=0.01)


@pytest.fixture(scope="module")
def forecast(tmp_path_factory):
    d = tmp_path_factory.mktemp("fc")
    doc = d / "validation.md"
    doc.write_text("# Validation\n\nhand-written\n\n" + BEGIN + "\nold\n" + END + "\n\nafter\n")
    args = ["forecast", "--budget", "tiny", "--firms", "2000", "--workers", "1", "--runs", "6"]
    args += ["--folder", str(d / "work"), "--docs", str(doc)]
    p = longjiang(*args)
    assert p.returncode == 0, p.stderr[-3000:]
    return d, args, p


def test_forecast_scores_every_point_and_writes_the_docs(forecast):
    d, _, p = forecast
    points = pd.read_csv(d / "work" / "points.csv")
    assert len(points) == len(record.forecast_points())
    assert np.isfinite(points[["model", "CRPS model", "CRPS random walk"]].to_numpy()).all()
    runs = pd.read_csv(d / "work" / "runs.csv")
    assert sorted(runs.year.unique()) == [2017, 2018, 2019] and runs.draw.nunique() == 6
    # the share's forecast is anchored on the record of 2017
    assert np.allclose(runs.loc[runs.year == 2017, "sec_share"], 26.5)
    text = (d / "validation.md").read_text()
    assert text.startswith("# Validation\n\nhand-written") and text.endswith("\n\nafter\n")
    assert "| sec_share 2018 | 24.60 |" in text and "\nold\n" not in text
    assert (d / "img" / "forecast.png").stat().st_size > 10_000
    meta = json.loads((d / "work" / "forecast.json").read_text())
    assert meta["estimation"]["statistics"] == [s.name for s in record.window_statistics()]
    import pyabc

    history = pyabc.History(f"sqlite:///{d / 'work' / 'abc.db'}")  # what the ABC conditioned on
    window = {s.name: s.value for s in record.window_statistics()}
    assert history.observed_sum_stat() == pytest.approx(window)
    assert "random walk" in p.stdout


def test_forecast_resumes_without_repeating_and_refuses_another_configuration(forecast):
    d, args, _ = forecast
    before = (d / "work" / "runs.csv").stat().st_mtime_ns
    again = longjiang(*args)
    assert again.returncode == 0 and "forecast runs" in again.stdout
    assert "Calibration sample" not in again.stderr  # the estimation was not redone
    assert (d / "work" / "runs.csv").stat().st_mtime_ns == before  # nor the forecast runs
    assert len(json.loads((d / "work" / "calls.json").read_text())) == 2
    other = [a if a != "6" else "8" for a in args]
    p = longjiang(*other)
    assert p.returncode == 2 and "another configuration (runs)" in p.stderr


@pytest.mark.parametrize(
    "flags,message",
    [
        (["--firms", "10"], "--firms 10: allowed range"),
        (["--runs", "1"], "--runs 1: allowed range"),
        (["--docs", "README.md"], "has no forecast section"),
    ],
)
def test_forecast_bad_arguments_exit_2_before_any_work(flags, message, tmp_path):
    p = longjiang("forecast", "--budget", "tiny", "--folder", str(tmp_path / "w"), *flags)
    assert p.returncode == 2 and message in p.stderr and len(p.stderr.splitlines()) == 1
    assert not (tmp_path / "w").exists()
