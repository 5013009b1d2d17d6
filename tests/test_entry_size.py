"""Entrants' size: an entrant's expected annual revenue is entry.entrant_size_rel times the
mean revenue of its sector's living firms (steps/demography.py: entrant_size_median; Geroski
1995)."""

from types import SimpleNamespace

import numpy as np

from longjiang_abm import LongjiangModel, load_scenario
from longjiang_abm.steps.demography import Census, entrant_size_median


def test_median_is_rel_times_the_sector_mean_revenue_at_last_quarters_prices():
    ss = SimpleNamespace(
        p0=np.array([1.0, 2.0, 1.0]),
        ppi=np.array([1.1, 0.9, 1.0]),
        y_half=np.array([50.0, 80.0, 30.0]),
    )
    by_s = np.zeros((6, 3))
    by_s[0] = [10.0, 4.0, 0.0]  # living firms; sector 2 has none
    by_s[3] = [200.0, 100.0, 0.0]  # their real output this quarter
    e = SimpleNamespace(ss=ss)
    got = entrant_size_median(e, Census(by_s, np.zeros(0)), rel=0.4, sd=0.5)
    mean_rev = 4.0 * ss.p0 * ss.ppi * np.array([20.0, 25.0, 3.0])  # sector 2: 2018 mean
    np.testing.assert_allclose(got, 0.4 * mean_rev * np.exp(-0.125), rtol=1e-14)


def test_entrants_of_a_quarter_average_rel_times_their_sectors_mean():
    """In a model's first quarter, entrants' revenue over their sector's mean revenue averages
    entrant_size_rel (lognormal draws with sd 1: within 4 standard errors), at two values."""
    for rel in (0.2, 0.5):
        sc = load_scenario(None, [f"entry.entrant_size_rel={rel}"])
        m = LongjiangModel(sc, seed=3, n_firms=20_000, check_accounts=False)
        f, ss = m.firms, m.sector_state
        n = f.n
        live = f.alive[:n]
        n_s = np.bincount(f.sector[:n][live], minlength=len(m.sectors))
        y_s = np.bincount(f.sector[:n][live], weights=f.Y[:n][live], minlength=len(m.sectors))
        mean_rev = 4.0 * ss.p0 * ss.ppi * y_s / np.maximum(n_s, 1)
        m.step()
        assert m.book.big_projects == 0 and m.book.promoted_projects == 0  # baseline
        born = f.born[: f.n]
        new = np.flatnonzero(f.alive[: f.n] & (born == born.max()) & (born > 0))
        ratio = f.rev_year[new] / mean_rev[f.sector[new]]
        assert new.size > 300
        se = ratio.std() / np.sqrt(new.size)
        assert abs(ratio.mean() - rel) < 4 * se + 0.02 * rel, (rel, ratio.mean(), se)
