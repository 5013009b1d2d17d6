"""Young firms' demand accumulation (Foster, Haltiwanger & Syverson 2016): the customer base's
growth table and its use in the share update (kernels/goods.py: update_shares)."""

import numpy as np

from longjiang_abm.kernels import Kernels
from longjiang_abm.steps.goods import demand_accumulation


def test_growth_factors_telescope_to_the_customer_base():
    b0, tau = 0.2, 20.0
    g = demand_accumulation(b0, tau, n_ages=200)
    a = np.arange(201)
    b = 1.0 - (1.0 - b0) * np.exp(-a / tau)
    np.testing.assert_allclose(np.cumprod(g), b[1:] / b0, rtol=1e-12)
    assert np.all(g > 1.0) and g[0] > g[50] > g[199] > 1.0  # growth slows with age
    assert np.all(demand_accumulation(1.0, tau) == 1.0)  # b0 = 1: no accumulation


def _update(age, raw, accumulation):
    n = age.size
    share = np.full(n, 1.0 / n)
    Kernels.update_shares(
        n=n, alive=np.ones(n, bool), ids=np.arange(n), sector=np.zeros(n, np.int64),
        share=share, E=np.ones(n), chi=0.1, rev_year=np.full(n, 100.0), sd=0.0,
        size_ref=200.0, beta=0.2, laplace=False, n_sec=1, seed=1, t=2,
        born=np.zeros(n, np.int64), shock_sd=np.zeros(n), shock_m=np.ones(n),
        unfilled=np.zeros(n), iota=0.5, age=age, raw=np.array([raw]),
        accumulation=accumulation,
    )  # fmt: skip
    return share


def test_a_young_firm_gains_share_from_an_old_one_with_equal_competitiveness():
    g = demand_accumulation(0.2, 20.0)
    age = np.array([0, 3, 5000])  # the last is beyond the table: its last factor applies
    share = _update(age, False, g)
    w = np.array([g[0], g[3], g[-1]])
    np.testing.assert_allclose(share, w / w.sum(), rtol=1e-12)
    assert share[0] > share[1] > share[2]
    # raw sectors sell a commodity at capacity: no accumulation
    np.testing.assert_allclose(_update(age, True, g), np.full(3, 1.0 / 3.0), rtol=1e-12)
