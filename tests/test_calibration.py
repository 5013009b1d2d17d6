"""The initial population and the baseline's first year against the 2018-2019 facts."""

import numpy as np
import pytest

from longjiang_abm import LongjiangModel, run
from longjiang_abm.init.population import ABOVE_SCALE, size_class


@pytest.fixture(scope="module")
def full():
    return LongjiangModel(seed=0)


def test_population_is_the_whole_province(full):
    f = full.firms
    assert f.n == 35_000
    assert np.count_nonzero(f.col("rev_year") >= ABOVE_SCALE) == 3700  # below 4000


def test_industrial_value_added_and_geography(full):
    f, sec = full.firms, full.sectors
    va = f.col("va")
    assert va.sum() * 4 / 1e4 == pytest.approx(3043.0, rel=1e-6)
    va_p = np.bincount(f.col("pref"), weights=va) / va.sum()
    keys = full.prefectures.keys
    top3 = sum(va_p[keys.index(k)] for k in ("Harbin", "Daqing", "Qiqihar"))
    assert 0.75 <= top3 <= 0.85  # about 80% (Heilongjiang Daily, 2018 H1)
    va_s = np.bincount(f.col("sector"), weights=va, minlength=len(sec)) / va.sum()
    np.testing.assert_allclose(va_s, sec.va_share, atol=1e-9)


def test_backbone_firms_and_size_tail(full):
    f = full.firms
    rev = f.col("rev_year")
    assert rev.max() == pytest.approx(1100 * 1e4)  # the Daqing oilfield complex
    assert np.count_nonzero(rev >= 1e6) >= 8  # firms of 10 bn yuan and more
    top = np.sort(rev)[::-1]
    assert top[:5].sum() / rev.sum() > 0.25  # a few giants carry the province


def test_size_classes_follow_nbs_2017():
    L = np.array([5, 25, 25, 400, 400, 1500, 1500])
    rev = np.array([5000, 200, 500, 1000, 3000, 30000, 50000])
    assert size_class(L, rev).tolist() == [3, 3, 2, 2, 1, 1, 0]


@pytest.mark.parametrize("seed", [0, 1])
def test_baseline_2019_sits_near_the_data(seed):
    k = run(seed=seed, years=1).kpis.iloc[0]
    assert k["year"] == 2019
    assert abs(k["secondary_share"] - 0.266) <= 0.02  # post-census 2019 figure
    assert 3000 <= k["above_scale_firms"] <= 4000
