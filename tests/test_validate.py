"""The stylized-fact estimators recover known parameters from synthetic data; the firm panel
and ``longjiang validate`` work on a small population."""

import numpy as np
import pytest

from longjiang_abm.validate import facts


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.mark.parametrize("alpha", [1.1, 1.5])
def test_pareto_exponent_recovered_with_fixed_xmin(rng, alpha):
    x = 3.0 * (1.0 - rng.random(20_000)) ** (-1.0 / alpha)  # P(X > x) = (x / 3)^-alpha
    fit = facts.pareto_tail(x, xmin=3.0, compare=False)
    assert fit.alpha == pytest.approx(alpha, abs=0.04)
    assert fit.n_tail == 20_000


@pytest.mark.parametrize("alpha", [0.8, 1.2])
def test_tail_exponent_above_the_years_above_scale_threshold(rng, alpha):
    from longjiang_abm.validate.by_year import _tail_above_scale

    level = 1.25  # 20m current yuan = 1,600 (10k yuan of 2018 purchasing power)
    body = rng.uniform(10.0, 1_599.0, 5_000)  # below the threshold: ignored
    tail = 1_600.0 * (1.0 - rng.random(20_000)) ** (-1.0 / alpha)
    got, n = _tail_above_scale(np.concatenate([body, tail]), level)
    assert got == pytest.approx(alpha, abs=0.03)
    assert n == 20_000
    assert np.isnan(_tail_above_scale(tail[:5], level)[0])  # too few to fit


def test_pareto_exponent_and_cutoff_recovered_above_a_lognormal_body(rng):
    body = np.exp(rng.normal(0.0, 0.5, 30_000))  # almost all below 5
    tail = 5.0 * (1.0 - rng.random(5_000)) ** (-1.0 / 1.1)
    fit = facts.pareto_tail(np.concatenate([body, tail]), xmin=(2.0, 50.0), compare=False)
    assert fit.alpha == pytest.approx(1.1, abs=0.08)
    assert 3.0 <= fit.xmin <= 12.0


def test_laplace_growth_is_tent_shaped_and_normal_is_not(rng):
    lap = facts.tent_shape(rng.laplace(0.0, 0.2, 50_000))
    assert lap.kurtosis == pytest.approx(6.0, abs=0.5)
    assert lap.laplace_better
    assert lap.laplace_scale == pytest.approx(0.2, rel=0.03)
    nor = facts.tent_shape(rng.normal(0.0, 0.2, 50_000))
    assert nor.kurtosis == pytest.approx(3.0, abs=0.15)
    assert not nor.laplace_better


def test_known_volatility_slope_recovered(rng):
    size = np.exp(rng.normal(6.0, 2.0, 60_000))
    g = rng.normal(0.0, 1.0, size.size) * 0.5 * size**-0.2
    fit = facts.volatility_slope(size, g)
    assert fit.slope == pytest.approx(-0.2, abs=0.02)
    flat = facts.volatility_slope(size, rng.normal(0.0, 0.3, size.size))
    assert abs(flat.slope) < 0.02


def test_survival_of_a_synthetic_cohort_with_constant_hazard(rng):
    h = 0.05  # exit hazard per quarter
    n = 40_000
    born = rng.integers(1, 9, n)
    life = rng.geometric(h, n)  # quarters until exit
    last = 40
    died = np.where(born + life <= last, born + life, 0)
    out = facts.survival(born, died, last)
    for k in (2, 4, 6):
        share, count = out[k]
        assert share == pytest.approx((1 - h) ** (4 * k), abs=0.015)
        assert count == np.count_nonzero(born + 4 * k <= last)


def test_tfp_ratio_of_lognormal_productivity(rng):
    sector = np.repeat([0, 1], 20_000)
    a = np.exp(np.where(sector == 0, 0.5, 0.2) * rng.standard_normal(sector.size))
    r = facts.tfp_ratio_90_10(a, sector)
    z = 1.2815515655446004
    assert r[0] == pytest.approx(np.exp(2 * z * 0.5), rel=0.04)
    assert r[1] == pytest.approx(np.exp(2 * z * 0.2), rel=0.03)


def test_investment_lumpiness_shares():
    k = np.full(10, 100.0)
    i = np.array([0.0, 0.5, 5, 5, 5, 5, 10, 19, 25, 40])
    mean, inaction, spikes = facts.investment_lumpiness(i, k)
    assert (inaction, spikes) == (0.2, 0.2)
    assert mean == pytest.approx(i.sum() / 1000)


def test_panel_tracks_entry_and_exit_exactly():
    from longjiang_abm.validate.panel import run_panel

    p = run_panel(seed=3, years=3, n_firms=600)
    snap = p.snapshots
    assert sorted(snap.year.unique()) == [0, 1, 2, 3]
    end_ids = set(snap[snap.year == 3].id)
    assert end_ids == set(np.flatnonzero(p.died == 0)) & set(range(p.died.size))
    assert np.all(p.died[p.died > 0] > p.born[p.died > 0])
    y1 = snap[snap.year == 1]
    assert np.all(p.born[y1.id] <= 4)


def test_validate_command_writes_tables_and_figures(tmp_path):
    from longjiang_abm.cli import main

    out = tmp_path / "val"
    code = main(
        [
            "validate",
            "--firms",
            "1500",
            "--seeds",
            "1",
            "--years",
            "7",
            "--workers",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code in (0, 1)
    for name in (
        "calibration.csv",
        "stylized_facts.csv",
        "validation.md",
        "size_ccdf.png",
        "growth_density.png",
        "volatility_size.png",
        "facts_by_year.csv",
    ):
        assert (out / name).is_file()
    import pandas as pd

    by_year = pd.read_csv(out / "facts_by_year.csv")
    assert by_year["year"].tolist() == list(range(1, 8))
    assert by_year["pareto_ks"].notna().tolist() == [y in (1, 7) for y in range(1, 8)]
    facts = pd.read_csv(out / "stylized_facts.csv")
    checked = facts.loc[facts["key"] == "pareto_alpha", "model"].iloc[0]
    assert by_year["pareto_ks"].iloc[-1] == pytest.approx(checked, rel=1e-12)  # the same fits
    assert (by_year["spikes"] + by_year["inaction"] <= 1).all()
    assert (by_year["pareto_above_scale"] > 0).all()
    flows = by_year[["above_scale_exited", "above_scale_fell"]]
    assert (flows >= 0).all().all() and (flows.sum(axis=1) <= 1).all()
    assert main(["validate", "--years", "3", "--out", str(out)]) == 2
