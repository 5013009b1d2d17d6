"""Young firms' demand accumulation (Foster, Haltiwanger & Syverson 2016): the customer base
b of a new firm grows toward 1 and its market share with it (kernels/goods.py: update_shares);
big and promoted projects, plants of established firms, enter with b = 1."""

import numpy as np

from longjiang_abm import LongjiangModel, load_scenario
from longjiang_abm.init.population import customer_base
from longjiang_abm.kernels import Kernels


def _update(cbase, decay, quarters=1):
    n = cbase.size
    share = np.full(n, 1.0 / n)
    for t in range(2, 2 + quarters):
        Kernels.update_shares(
            n=n, alive=np.ones(n, bool), ids=np.arange(n), sector=np.zeros(n, np.int64),
            share=share, E=np.ones(n), chi=0.1, rev_year=np.full(n, 100.0), sd=0.0,
            size_ref=200.0, beta=0.2, laplace=False, n_sec=1, seed=1, t=t,
            born=np.zeros(n, np.int64), shock_sd=np.zeros(n), shock_m=np.ones(n),
            unfilled=np.zeros(n), iota=0.5, cbase=cbase, decay=decay,
        )  # fmt: skip
    return share


def test_the_customer_base_follows_its_age_path_and_moves_shares():
    """Quarter by quarter, b follows b(a) = 1 - (1 - b0) exp(-a / tau) and a young firm's share
    grows against an established one's by b(a) / b0 (equal competitiveness, no shocks)."""
    b0, tau, a = 0.2, 20.0, 12
    cbase = np.array([b0, 1.0])
    share = _update(cbase, np.exp(-1.0 / tau), quarters=a)
    np.testing.assert_allclose(cbase[0], customer_base(b0, tau, a), rtol=1e-12)
    assert cbase[1] == 1.0
    np.testing.assert_allclose(share[0] / share[1], cbase[0] / b0, rtol=1e-12)
    assert np.all(customer_base(1.0, tau, np.arange(100)) == 1.0)  # b0 = 1: no accumulation


def test_new_firms_start_with_b0_and_projects_with_their_full_customer_base():
    # ordinary entrants small (a twentieth of their sector's mean), so that the big projects
    # (2bn yuan of revenue, sd 0.5) are the only new firms above 1bn yuan
    sc = load_scenario(
        overrides=[
            "run.n_firms=3000",
            "policy.big_projects_per_year=20",
            "entry.entrant_size_rel=0.05",
        ]
    )
    m = LongjiangModel(sc, seed=4, threads=1)
    f = m.firms
    n_big = 0
    for _ in range(2):
        m.step()
        n_big += m.book.big_projects
    rows = f.alive_rows()
    new = rows[f.born[rows] == f.born[rows].max()]  # the last quarter's entrants
    raw = m.sectors.raw[f.sector[new]]
    b0 = sc.firms.entrant_customer_base
    big = f.rev_year[new] > 100_000  # big projects (2bn yuan of revenue, sd 0.5)
    assert n_big > 0 and big.any()
    assert np.all(f.cbase[new][raw | big] == 1.0)
    ordinary = new[~raw & ~big]
    assert ordinary.size > 0 and np.all(f.cbase[ordinary] == b0)
    # the 2018 population: by age, established (b = 1) in raw sectors, which sell a commodity
    # at capacity and so never accumulate
    old = rows[f.born[rows] == 0]
    assert np.all(f.cbase[old] > b0) and np.all(f.cbase[old] <= 1.0)
    assert np.all(f.cbase[old][m.sectors.raw[f.sector[old]]] == 1.0)
