"""Entrants' size: an ordinary entrant's log annual revenue is drawn around ln(rel) plus the
mean log revenue of its sector's living firms, with entry.entrant_size_sd_rel times their
spread (steps/demography.py: entrant_size; steps/annual.py: sector_sizes; Geroski 1995)."""

from types import SimpleNamespace

import numpy as np

from longjiang_abm import LongjiangModel, load_scenario
from longjiang_abm.kernels import load
from longjiang_abm.steps.demography import entrant_size


def test_log_revenue_moments_by_sector_over_living_firms_with_revenue():
    rng = np.random.default_rng(0)
    n, n_sec = 500, 4
    sector = rng.integers(0, 3, n)  # sector 3 has no firm
    rev = np.exp(rng.normal(5.0, 1.5, n))
    rev[::7] = 0.0  # no revenue yet: not counted
    alive = rng.random(n) < 0.8
    for backend in ("numba", "python"):
        mu, sigma, cnt = load(backend).log_revenue_moments(
            n=n, alive=alive, sector=sector, rev_year=rev, n_sec=n_sec
        )
        for s in range(n_sec):
            x = np.log(rev[alive & (sector == s) & (rev > 0)])
            assert cnt[s] == x.size
            if x.size:
                np.testing.assert_allclose([mu[s], sigma[s]], [x.mean(), x.std()], rtol=1e-12)
            else:
                assert mu[s] == 0.0 and sigma[s] == 0.0


def test_median_is_rel_times_the_typical_firm_and_spread_scaled():
    ss = SimpleNamespace(log_rev_mean=np.log([400.0, 50.0]), log_rev_sd=np.array([1.6, 2.0]))
    median, sd = entrant_size(ss, rel=0.25, sd_rel=0.5)
    np.testing.assert_allclose(median, [100.0, 12.5], rtol=1e-14)
    np.testing.assert_allclose(sd, [0.8, 1.0], rtol=1e-14)


def test_entrants_are_their_sectors_size_distribution_scaled_by_rel():
    """In a model's first quarter, ln(entrant revenue) - mu_s averages ln(rel) and, divided by
    sigma_s, has sd entrant_size_sd_rel (within 4 standard errors), at two settings."""
    for rel, sd_rel in ((0.2, 1.0), (0.5, 0.5)):
        sc = load_scenario(
            None, [f"entry.entrant_size_rel={rel}", f"entry.entrant_size_sd_rel={sd_rel}"]
        )
        m = LongjiangModel(sc, seed=3, n_firms=20_000, check_accounts=False)
        f, ss = m.firms, m.sector_state
        n = f.n
        mu, sigma, _ = m.k.log_revenue_moments(
            n=n, alive=f.alive, sector=f.sector, rev_year=f.rev_year, n_sec=len(m.sectors)
        )
        np.testing.assert_array_equal(ss.log_rev_mean, mu)  # the 2018 population's
        np.testing.assert_array_equal(ss.log_rev_sd, sigma)
        m.step()
        assert m.book.big_projects == 0 and m.book.promoted_projects == 0  # baseline
        born = f.born[: f.n]
        new = np.flatnonzero(f.alive[: f.n] & (born == born.max()) & (born > 0))
        assert new.size > 300
        z = (np.log(f.rev_year[new]) - mu[f.sector[new]]) / sigma[f.sector[new]]
        se = z.std() / np.sqrt(new.size)
        # E[z] = ln(rel) / sigma_s on average over the entrants' sectors
        target = np.mean(np.log(rel) / sigma[f.sector[new]])
        assert abs(z.mean() - target) < 4 * se, (rel, z.mean(), target, se)
        resid = z - np.log(rel) / sigma[f.sector[new]]
        assert abs(resid.std() - sd_rel) < 4 * sd_rel / np.sqrt(2 * new.size) + 0.01


def test_the_year_end_updates_the_sectors_typical_size():
    m = LongjiangModel(load_scenario(), seed=2, n_firms=5_000, check_accounts=False)
    before = m.sector_state.log_rev_mean.copy()
    for _ in range(4):
        m.step()
    f = m.firms
    mu, sigma, cnt = m.k.log_revenue_moments(
        n=f.n, alive=f.alive, sector=f.sector, rev_year=f.rev_year, n_sec=len(m.sectors)
    )
    keep = cnt >= 2
    np.testing.assert_array_equal(m.sector_state.log_rev_mean[cnt >= 1], mu[cnt >= 1])
    np.testing.assert_array_equal(m.sector_state.log_rev_sd[keep], sigma[keep])
    assert not np.array_equal(before[keep], mu[keep])


def test_sectors_without_two_firms_take_the_provinces_moments_and_the_spread_is_capped():
    from longjiang_abm.steps.annual import sector_sizes

    rev = np.array([100.0, 400.0, 50.0, 800.0, 0.0])
    f = SimpleNamespace(n=5, alive=np.ones(5, bool), sector=np.array([0, 0, 1, 0, 2]), rev_year=rev)
    ss = SimpleNamespace(ppi=np.ones(4), log_rev_mean=None, log_rev_sd=None)
    sector_sizes(load("numba"), f, ss)
    x = np.log(rev[:4])  # sector 2's only firm has no revenue; sector 3 has none
    np.testing.assert_allclose(ss.log_rev_mean, [x[[0, 1, 3]].mean(), x[2], x.mean(), x.mean()])
    np.testing.assert_allclose(ss.log_rev_sd[0], x[[0, 1, 3]].std())
    np.testing.assert_allclose(ss.log_rev_sd[1:], x.std())  # pooled over the sectors
    wide = SimpleNamespace(log_rev_mean=np.zeros(2), log_rev_sd=np.array([1.5, 3.0]))
    np.testing.assert_allclose(entrant_size(wide, rel=0.3, sd_rel=1.0)[1], [1.5, 2.0])
