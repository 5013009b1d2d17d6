"""Ownership wedges: the soft budget in plans and prices, bail-outs as a trait of the firm, and
the state/non-state capital-productivity gap they produce (docs/assumptions.md)."""

from __future__ import annotations

import numpy as np
import pytest

from longjiang_abm.instruments import capital_cost
from longjiang_abm.kernels import Kernels
from longjiang_abm.model import LongjiangModel
from longjiang_abm.params import Scenario
from longjiang_abm.rng import S_BAILOUT, uniform_py
from longjiang_abm.state import CENTRAL_SOE, FOREIGN, LOCAL_SOE, PRIVATE


def _scenario(**finance) -> Scenario:
    return Scenario.model_validate({"finance": finance})


def test_soft_budget_lowers_planned_utilisation_and_neutrality_removes_it():
    sc = _scenario()
    u, kc = capital_cost(sc, 0.0)
    u_star = sc.firms.desired_utilization
    assert u[CENTRAL_SOE] < u[LOCAL_SOE] < u[PRIVATE] == u[FOREIGN] == pytest.approx(u_star)
    # the state firms' idle capacity costs more than their cheaper credit saves
    assert kc[CENTRAL_SOE] > kc[PRIVATE] and kc[LOCAL_SOE] > kc[FOREIGN]
    u1, kc1 = capital_cost(sc, 1.0)
    np.testing.assert_allclose(u1, u_star)
    np.testing.assert_allclose(kc1, kc1[0])  # one cost of capital for every owner
    # without the overcapacity of the soft budget only the spreads differ
    u0, kc0 = capital_cost(_scenario(soft_budget_overcapacity=0.0), 0.0)
    np.testing.assert_allclose(u0, u_star)
    assert kc0[CENTRAL_SOE] < kc0[PRIVATE]


def _apk_gap(model) -> float:
    f, sec = model.firms, model.sectors
    r = f.alive_rows()
    state = (f.owner[r] == CENTRAL_SOE) | (f.owner[r] == LOCAL_SOE)
    s, rev, K = f.sector[r], f.rev_year[r], f.K[r]
    ratios, weights = [], []
    for k in np.unique(s[~sec.raw[s]]):
        a, b = (s == k) & state, (s == k) & ~state
        if a.sum() >= 3 and b.sum() >= 3:
            ratios.append((rev[a].sum() / K[a].sum()) / (rev[b].sum() / K[b].sum()))
            weights.append(rev[a].sum())
    return float(np.average(ratios, weights=weights))


def test_the_2018_state_firms_hold_more_capital_per_yuan_of_revenue_in_the_same_sector():
    soft = LongjiangModel(_scenario(), seed=3, n_firms=6000)
    hard = LongjiangModel(_scenario(soft_budget_overcapacity=0.0), seed=3, n_firms=6000)
    assert _apk_gap(soft) < 0.8 < _apk_gap(hard)
    # no firm starts with output above its capacity, and only state firms of processing
    # sectors hold the extra capital
    f, sec, n = soft.firms, soft.sectors, soft.firms.n
    assert (f.Y[:n] <= f.cap[:n] * (1 + 1e-12)).all()
    g = hard.firms
    ratio = f.K[:n] / g.K[:n]
    state = (f.owner[:n] == CENTRAL_SOE) | (f.owner[:n] == LOCAL_SOE)
    extra = state & ~sec.raw[f.sector[:n]]
    assert (ratio[extra] > 1.5).all()
    # the other firms' capital moves only with their prices (the capital cost in unit cost)
    np.testing.assert_allclose(ratio[~extra], (g.price[:n] / f.price[:n])[~extra], rtol=1e-9)


def _exit(owner, profit, cash, debt, losses, nu=0.0, seed=5, t=9, bail=(0.9, 0.7, 0.0, 0.0)):
    n = len(owner)
    alive = np.ones(n, dtype=np.bool_)
    bailout, exiting = np.zeros(n), np.zeros(n, dtype=np.bool_)
    K = np.full(n, 100.0)
    Kernels.exit_firms(
        n=n, alive=alive, ids=np.arange(n, dtype=np.int64), owner=np.asarray(owner),
        sector=np.zeros(n, dtype=np.int64), raw=np.zeros(1, dtype=np.bool_),
        size=np.full(n, 2, dtype=np.int64), age=np.full(n, 40, dtype=np.int64), K=K, K0=K,
        Y=np.full(n, 10.0), cap=np.full(n, 10.0 / 0.85), cash=cash, debt=debt, profit=profit,
        losses=losses, bailout=bailout, exiting=exiting, bail_prob=np.array(bail),
        neutrality=nu, rescue_large=0.0, u_owner=np.full(4, 0.85), delta=0.0175, max_losses=12,
        h0=0.0, tau=12.0, h_floor=0.0, size_hazard=np.zeros(4), seed=seed, t=t,
    )  # fmt: skip
    return bailout, exiting


def test_a_protected_state_firm_is_rescued_every_time_and_its_clock_restarts():
    n = 400
    owner = np.full(n, LOCAL_SOE, dtype=np.int64)
    protected = np.array([uniform_py(5, 0, i, S_BAILOUT) < 0.7 for i in range(n)])
    for t in (9, 10, 30):  # the same firms, whatever the quarter
        losses = np.full(n, 11, dtype=np.int32)
        cash, debt = np.zeros(n), np.full(n, 150.0)  # insolvent and losing money
        bailout, exiting = _exit(owner, np.full(n, -5.0), cash, debt, losses, t=t)
        np.testing.assert_array_equal(exiting, ~protected)
        assert (bailout[protected] > 0).all() and (losses[protected] == 0).all()
        np.testing.assert_allclose(cash[protected], bailout[protected])
    # full neutrality: no owner is protected
    _, exiting = _exit(
        owner, np.full(n, -5.0), np.zeros(n), np.full(n, 150.0), np.full(n, 11, np.int32), nu=1.0
    )
    assert exiting.all()


def test_distress_counts_cash_burning_quarters_not_depreciation_losses():
    owner = np.full(3, PRIVATE, dtype=np.int64)
    # depreciation is 1.75 a quarter on capital 100: a loss of 1 with cash in hand does not
    # count, a loss of 1 with no cash does, an operating loss (beyond depreciation) does
    profit = np.array([-1.0, -1.0, -3.0])
    cash = np.array([50.0, 0.0, 50.0])
    losses = np.full(3, 11, dtype=np.int32)
    _, exiting = _exit(owner, profit, cash, np.zeros(3), losses)
    np.testing.assert_array_equal(losses, [0, 12, 12])
    np.testing.assert_array_equal(exiting, [False, True, True])
