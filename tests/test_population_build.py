"""The population's build in kernels reproduces the numpy code it replaced bit for bit, and the
firm table's columns start at staggered offsets (no 4K aliasing)."""

import numpy as np
import pytest

from longjiang_abm.init.population import _QuantileOfExp
from longjiang_abm.kernels import Kernels
from longjiang_abm.kernels.population import numpy_sum
from longjiang_abm.state import FIRM_COLUMNS, FirmTable
from longjiang_abm.state.firms import PAGE, column_block


@pytest.mark.parametrize("n", [0, 1, 5, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 1000, 4099])
def test_numpy_sum_adds_in_numpys_order(n):
    rng = np.random.default_rng(n)
    a = rng.random(n + 3) * rng.choice([1.0, 1e3, 1e9], n + 3)
    assert numpy_sum(a, 3, n) == np.sum(a[3:])


@pytest.mark.parametrize("n, q", [(10, 0.97), (1001, 0.97), (20_000, 0.9), (7, 1.0), (2, 0.5)])
def test_quantile_of_exp_equals_numpy(n, q):
    eps = np.random.default_rng(n).standard_normal(n)
    quantile = _QuantileOfExp(eps, q)
    for sigma in (0.3, 1.1, 2.5, 6.0):
        z = np.exp(sigma * eps)
        assert quantile.value(z) == np.quantile(z, q)


def _parks_reference(seekers, pref, chain, park_pref, park_chain, capacity, room, rng, park):
    """The per-firm loop of init/population.py before the kernel."""
    for i in seekers:
        cand = np.flatnonzero((park_pref == pref[i]) & (room >= 1.0))
        if cand.size == 0:
            continue
        w = capacity[cand] * (1.0 + 2.0 * (park_chain[cand] == chain[i]))
        park[i] = cand[np.searchsorted(np.cumsum(w) / w.sum(), rng.random())]
        room[park[i]] -= 1.0


@pytest.mark.parametrize("parks_per_pref", [1, 3, 9])
def test_assign_parks_equals_the_python_loop(parks_per_pref):
    """Same parks, same room left and the random stream moved on by the same draws (parks
    fill up, so some firms find none and draw nothing)."""
    n, n_pref = 5000, 4
    rng = np.random.default_rng(parks_per_pref)
    pref = rng.integers(0, n_pref + 1, n)  # prefecture 4 has no park
    chain = rng.integers(0, 3, n)
    park_pref = np.repeat(np.arange(n_pref), parks_per_pref)
    park_chain = rng.integers(0, 3, park_pref.size)
    capacity = rng.integers(10, 80, park_pref.size).astype(float)
    seekers = np.flatnonzero(rng.random(n) < 0.6)
    room0 = capacity - rng.integers(0, 10, capacity.size)
    expected, room_ref = np.full(n, -1), room0.copy()
    ref_rng = np.random.default_rng(99)
    _parks_reference(
        seekers, pref, chain, park_pref, park_chain, capacity, room_ref, ref_rng, expected
    )
    got, room = np.full(n, -1), room0.copy()
    new_rng = np.random.default_rng(99)
    state = new_rng.bit_generator.state
    draws = new_rng.random(seekers.size)
    used = Kernels.assign_parks(
        seekers, pref, chain, park_pref, park_chain, capacity, room, draws, got
    )
    new_rng.bit_generator.state = state
    new_rng.random(used)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(room, room_ref)
    assert (room < 1.0).any() and used < seekers.size  # some parks filled up
    assert new_rng.random() == ref_rng.random()


def test_scaled_sizes_and_prefectures_equal_numpy():
    rng = np.random.default_rng(3)
    counts = np.array([400, 0, 2500, 1100])
    sector = np.repeat(np.arange(4), counts)
    starts = np.concatenate(([0], np.cumsum(counts)))
    n = sector.size
    eps, tail = rng.standard_normal(n), rng.random(n) < 0.03
    tail_pow = rng.random(n)[tail] ** (-1.0 / 1.4)
    target = np.array([5e4, 1e3, 2e5, 8e4])
    for sigma in (0.5, 1.7):
        z = np.exp(sigma * eps)
        z_min = np.quantile(z, 0.97)
        expected = z.copy()
        expected[tail] = z_min * tail_pow
        tot = np.bincount(sector, weights=expected, minlength=4)
        expected = expected * (target / np.where(tot > 0, tot, 1.0))[sector]
        above = Kernels.scaled_sizes(z, np.flatnonzero(tail), tail_pow, z_min, starts, target, 50.0)
        np.testing.assert_array_equal(z, expected)
        assert above == np.count_nonzero(expected >= 50.0)
    cum = np.cumsum(rng.random((4, 6)), axis=1)
    cum /= cum[:, -1:]
    u = rng.random(n)
    expected = np.minimum((u[:, None] > cum[sector]).sum(axis=1), 5)
    np.testing.assert_array_equal(Kernels.draw_prefectures(u, cum, sector), expected)


def test_columns_start_at_distinct_offsets_within_a_page():
    """Every column of a large table starts on its own 64-byte line of a 4 KiB page, is
    zeroed and has its dtype; columns do not overlap."""
    cap = 300_000
    cols = column_block(cap)
    assert list(cols) == list(FIRM_COLUMNS)
    offsets = {a.ctypes.data % PAGE for a in cols.values()}
    assert len(offsets) == len(FIRM_COLUMNS) and all(o % 64 == 0 for o in offsets)
    spans = sorted((a.ctypes.data, a.ctypes.data + a.nbytes) for a in cols.values())
    assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))
    for name, a in cols.items():
        assert a.dtype == FIRM_COLUMNS[name][0] and a.size == cap and not a.any()
    table = FirmTable(1000)
    rows = table.append(3, K=np.array([1.0, 2.0, 3.0]))
    table._grow(5000)  # growing keeps the rows and the staggering
    assert table.capacity >= 5000 and list(table.K[rows]) == [1.0, 2.0, 3.0]
    assert list(table.id[:3]) == [0, 1, 2] and table.alive[:3].all() and not table.alive[3:].any()


def _markups_reference(sector, rev_q, A, c, va_ratio, raw, gamma, theta):
    """The per-sector numpy loop of init/population.py before the kernel."""
    n_sec = va_ratio.size
    m, mu, price = 1.0 - va_ratio, np.zeros(n_sec), np.ones(sector.size)
    for s in range(n_sec):
        ix = sector == s
        if not ix.any():
            continue
        r, a, cc, R = rev_q[ix], A[ix], c[ix], rev_q[ix].sum()
        y = r.copy()
        for _ in range(100):
            m_new = (1.0 - va_ratio[s]) * R / np.sum(y / a**gamma)
            if raw[s]:
                m[s] = m_new
                break
            uc = cc / a + m_new / a**gamma
            blend = theta * uc + (1.0 - theta) * np.sum(y * uc) / y.sum()
            mu_new = np.sum(r / blend) / R - 1.0
            y = r / ((1.0 + mu_new) * blend)
            done = abs(m_new - m[s]) < 1e-13 and abs(mu_new - mu[s]) < 1e-13
            m[s], mu[s] = m_new, mu_new
            if done:
                break
        price[ix] = r / y
    return m, mu, price


def test_calibrate_markups_equals_the_numpy_loop():
    rng = np.random.default_rng(8)
    n, n_sec, gamma, theta = 3000, 5, 0.3, 0.6
    sector = rng.integers(0, n_sec - 1, n)  # the last sector has no firms
    rev_q, A = rng.lognormal(5, 1.5, n), rng.lognormal(0, 0.3, n)
    c = rng.uniform(0.1, 0.4, n)
    va_ratio, raw = rng.uniform(0.15, 0.4, n_sec), np.array([True, False, False, True, False])
    m_ref, mu_ref, p_ref = _markups_reference(sector, rev_q, A, c, va_ratio, raw, gamma, theta)
    m, mu, price = 1.0 - va_ratio, np.zeros(n_sec), np.ones(n)
    order = np.argsort(sector, kind="stable")
    starts = np.searchsorted(sector[order], np.arange(n_sec + 1))
    Kernels.calibrate_markups(
        order, starts, rev_q, A**gamma, c / A, va_ratio, raw, theta, m, mu, price
    )
    np.testing.assert_array_equal(m, m_ref)
    np.testing.assert_array_equal(mu, mu_ref)
    np.testing.assert_array_equal(price, p_ref)
    assert (mu[:4][~raw[:4]] != 0).all() and mu[4] == 0.0  # processing sectors with firms


def test_opening_books_equal_the_numpy_code():
    """``opening_books`` writes the columns the numpy expressions of the build gave (the code it
    replaced, kept here as the reference), bit for bit, on 1 and 2 threads."""
    import numba

    from longjiang_abm.kernels.annual import size_classes

    rng = np.random.default_rng(9)
    n, n_sec = 20_000, 6
    sector = rng.integers(0, n_sec - 1, n)  # the last sector has no firms
    owner = rng.integers(0, 4, n)
    rev_year = rng.lognormal(6, 2.0, n)
    price, A = rng.lognormal(0, 0.1, n), rng.lognormal(0, 0.3, n)
    Ag = A**0.3
    u_cash, u_dig = rng.random(n), rng.random(n)
    kappa, util = rng.uniform(1, 4, n_sec), rng.uniform(0.6, 0.9, n_sec)
    pi_cost, m = rng.uniform(20, 60, n_sec), rng.uniform(0.5, 0.8, n_sec)
    emission = rng.uniform(0.1, 2, n_sec)
    raw = np.array([True, False, False, True, False, False])
    over_o = np.array([1.3, 1.2, 1.0, 1.0])
    lev, ct, above = 0.5, 0.08, 2000.0
    # the numpy code of init/population.py before the kernel
    rev_q = rev_year / 4.0
    Y = rev_q / price
    K = kappa[sector] * Y / (A * util[sector])
    over = over_o[owner]
    over[raw[sector]] = 1.0
    K = K * over
    L = Y / (A * pi_cost[sector])
    mat = m[sector] * Y / Ag
    ref = dict(
        Y=Y, exp_dem=Y, D=Y, rev=rev_q, K=K, K_year=K, L=L,
        size=size_classes(L, rev_year).astype(np.int8), debt=lev * K,
        cash=ct * rev_year * (0.5 + u_cash), mat=mat, va=rev_q - mat,
        dig=np.clip(0.15 + 0.15 * u_dig + 0.2 * (rev_year >= above), 0, 1),
        emis=emission[sector] / A, cap=A * K / kappa[sector],
        share=Y / np.bincount(sector, weights=Y, minlength=n_sec)[sector],
    )  # fmt: skip
    previous = numba.get_num_threads()
    try:
        for threads in {1, numba.config.NUMBA_NUM_THREADS}:
            numba.set_num_threads(threads)
            out = {k: np.zeros_like(v) for k, v in ref.items()}
            Kernels.opening_books(
                sector=sector, owner=owner, rev_year=rev_year, price=price, A=A, Ag=Ag,
                u_cash=u_cash, u_dig=u_dig, kappa=kappa, utilization=util, pi_cost=pi_cost, m=m,
                emission=emission, raw=raw, over_o=over_o, target_leverage=lev, cash_target=ct,
                above_scale=above, **out,
            )  # fmt: skip
            for key, value in ref.items():
                np.testing.assert_array_equal(out[key], value, err_msg=key)
    finally:
        numba.set_num_threads(previous)
    # both sides of every branch were exercised
    assert (rev_year >= above).any() and (rev_year < above).any()
    assert (raw[sector] & (owner < 2)).any() and (~raw[sector] & (owner < 2)).any()
    assert len(np.unique(out["size"])) == 4


def test_pack_gives_back_the_columns_it_does_not_return():
    """After ``pack`` (a finished run), the whole pages of the other columns read as zeros
    (their memory went back to the OS); the packed columns keep the living firms' values."""
    from longjiang_abm.memory import _LIBC

    table = FirmTable(100_000)
    rows = table.append(90_000, K=np.arange(90_000.0), L=np.full(90_000, 3.0))
    out = table.pack(rows[::2], ["K"])
    np.testing.assert_array_equal(out["K"], np.arange(0.0, 90_000.0, 2.0))
    if getattr(_LIBC, "madvise", None) is not None:
        assert not table.L[1024:-1024].any()  # interior pages released


def test_small_pages_turns_numpys_huge_page_requests_off_and_restores_them():
    """Inside ``small_pages`` numpy asks for no transparent huge pages; on leaving, even by an
    exception, the previous setting is back (the firm table then stays on ordinary pages)."""
    from longjiang_abm.memory import _numpy_madvise_hugepage, small_pages

    switch = _numpy_madvise_hugepage()
    if switch is None:
        pytest.skip("this numpy has no huge-page switch")
    before = switch(True)
    try:
        with small_pages():
            assert switch(False) is False
        assert switch(True) is True
        with pytest.raises(RuntimeError), small_pages():
            raise RuntimeError
        assert switch(True) is True
    finally:
        switch(before)
