"""Local sectors (power and heat) and the province's market share (docs/assumptions.md,
"Local markets"): a local sector's demand does not follow its firms' competitiveness against
national competitors and its business part follows the province's industrial activity; the
province's share of a traded national market follows price-quality competitiveness, not the
penalty for unfilled orders."""

import numpy as np
import pytest

from longjiang_abm import LongjiangModel
from longjiang_abm.steps.goods import business_demand


@pytest.fixture(scope="module")
def model():
    m = LongjiangModel(seed=3, n_firms=3000)
    for _ in range(6):
        m.step()
    return m


def test_power_is_the_local_sector(model):
    sec = model.sectors
    assert sec.local[sec.index("power")] and sec.local.sum() == 1
    assert not (sec.local & sec.raw).any()


def test_a_local_sectors_demand_ignores_competitiveness_and_follows_activity(model):
    sec, ss = model.sectors, model.sector_state
    s = sec.index("power")
    # rho = 1: demand is demand0 times its mix, whatever the firms' prices
    assert ss.demand[s] == pytest.approx(ss.demand0[s] * ss.demand_mix[s], rel=1e-12)
    # a traded sector's demand does move with its competitiveness (rho != 1 after six quarters)
    t = sec.index("high_end_equipment")
    assert abs(ss.demand[t] / (ss.demand0[t] * ss.demand_mix[t]) - 1.0) > 1e-6
    national = np.full(len(sec), 1.37)
    got = business_demand(sec, ss, national)
    other = ~sec.local
    activity = ss.output[other].sum() / ss.output0[other].sum()
    assert got[s] == pytest.approx(activity, rel=1e-12)
    assert np.array_equal(got[other], national[other])
    assert activity != pytest.approx(1.0)  # the province's output has moved since 2018


def test_business_demand_without_a_2018_base_is_one(model):
    sec = model.sectors

    class Empty:
        output = np.ones(len(sec))
        output0 = np.zeros(len(sec))

    got = business_demand(sec, Empty(), np.full(len(sec), 2.0))
    assert got[sec.local].tolist() == [1.0]


def test_the_market_share_reads_price_and_quality_not_unfilled_orders(model):
    """update_shares returns C_bar, the share-weighted q^omega / p, even for firms that left
    orders unfilled (E carries the penalty, C does not)."""
    f, k, fp = model.firms, model.k, model.params.firms
    n = f.n
    unfilled = np.where(f.alive[:n], 0.3, 0.0)  # every firm left 30% of its orders unfilled
    q, price = f.q[:n].copy(), f.price[:n].copy()
    E = q**fp.quality_weight / price * (1.0 - fp.unfilled_penalty * unfilled)
    share = f.share[:n].copy()
    args = dict(
        n=n, alive=f.alive[:n].copy(), ids=f.id[:n].copy(), sector=f.sector[:n].copy(),
        share=share, E=E, chi=fp.replicator_speed, rev_year=f.rev_year[:n].copy(),
        sd=fp.share_shock_sd, size_ref=fp.share_shock_size_ref,
        beta=fp.share_shock_size_elasticity, laplace=fp.share_shock_laplace,
        n_sec=len(model.sectors), seed=1, t=model.quarter + 1, born=f.born[:n].copy(),
        shock_sd=f.shock_sd[:n].copy(), shock_m=f.shock_m[:n].copy(), unfilled=unfilled,
        iota=fp.unfilled_penalty, cbase=np.ones(n), decay=1.0,
    )  # fmt: skip
    before = share.copy()
    e_bar, c_bar = k.update_shares(**args)
    alive, sector = f.alive[:n], f.sector[:n]
    for s in range(len(model.sectors)):
        rows = alive & (sector == s)
        if before[rows].sum() > 0:
            want = (before[rows] * q[rows] ** fp.quality_weight / price[rows]).sum()
            want /= before[rows].sum()
            assert c_bar[s] == pytest.approx(want, rel=1e-9)
            assert e_bar[s] == pytest.approx(want * (1.0 - fp.unfilled_penalty * 0.3), rel=1e-9)
