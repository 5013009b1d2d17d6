"""Every kernel equals its plain-Python twin on real model inputs."""

import copy
import inspect
import math
from pathlib import Path

import numpy as np
import pytest

from longjiang_abm import LongjiangModel, kernels, load_scenario
from longjiang_abm.kernels import Kernels
from longjiang_abm.twins import python_twin


class TwinChecker:
    """Stands in for the kernel registry (``LongjiangModel(kernels=...)``): runs each kernel
    with numba on the model's arrays and its Python twin on copies, then compares results
    and every array argument. Every call must pass every argument by keyword, so a call
    cannot swap two arguments of the same type unnoticed."""

    def __init__(self):
        self.calls: dict[str, int] = {}

    def __getattr__(self, name):
        jitted = kernels.KERNELS[name]
        twin = python_twin(jitted)
        params = list(inspect.signature(jitted.py_func).parameters)

        def call(*args, **kwargs):
            assert not args, f"{name} called with positional arguments"
            assert list(kwargs) == params, f"{name}: arguments {list(kwargs)} != {params}"
            twin_kwargs = copy.deepcopy(kwargs)
            out = jitted(**kwargs)
            twin_out = twin(**twin_kwargs)
            _assert_same(out, twin_out, name)
            for key, a in kwargs.items():
                if isinstance(a, np.ndarray):
                    _assert_same(a, twin_kwargs[key], f"{name} argument {key}")
            self.calls[name] = self.calls.get(name, 0) + 1
            return out

        return call


def _assert_same(a, b, what):
    if isinstance(a, tuple):
        for x, y in zip(a, b, strict=True):
            _assert_same(x, y, what)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, what
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-9, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


@pytest.mark.parametrize("scenario", ["baseline", "full_strategy"])
def test_every_kernel_matches_its_twin(scenario):
    """With the baseline and with every lever on (all kernel branches)."""
    path = Path(__file__).resolve().parents[1] / "params" / f"{scenario}.toml"
    checker = TwinChecker()
    model = LongjiangModel(load_scenario(path), seed=11, n_firms=400, kernels=checker)
    for _ in range(6):
        model.step()
    assert set(checker.calls) == set(kernels.KERNELS)


def test_python_backend_reproduces_numba_run():
    a = LongjiangModel(seed=5, n_firms=300, backend="numba")
    b = LongjiangModel(seed=5, n_firms=300, backend="python")
    for _ in range(4):
        a.step()
        b.step()
    ka, kb = a.kpis(), b.kpis()
    num = ka.select_dtypes("number").columns
    np.testing.assert_allclose(ka[num].to_numpy(float), kb[num].to_numpy(float), rtol=1e-9)
    assert a.firms.n == b.firms.n
    np.testing.assert_allclose(a.firms.col("K"), b.firms.col("K"), rtol=1e-9)


@pytest.mark.parametrize("name", sorted(kernels.KERNELS))
def test_each_kernel_documents_its_equation(name):
    doc = kernels.KERNELS[name].py_func.__doc__ or ""
    assert len(doc.strip()) > 40, f"{name} needs a docstring with its equation and units"


def _entrants(counts, room, n_pref=3, seed=5):
    """location_utilities and draw_entrants on a small province: 3 prefectures, 2 parks (park
    k in prefecture k), one sector (chain 0); returns the kernel's outputs and the logit
    utilities computed here from the equations."""
    n_parks = room.size
    wage = np.array([1.0, 2.0, 1.5])
    suit = np.array([[1.0, 0.5, 2.0]])
    y_loc = np.array([[3.0], [0.0], [1.0], [0.0], [5.0]])  # parks first, then prefectures
    park_pref, park_chain = np.array([0, 1]), np.array([0, 1])
    infra, bonus = np.array([0.5, 1.0]), np.array([0.2, 0.0])
    b = dict(b_wage=0.8, b_agg=0.3, b_infra=0.6, b_spec=0.7, b_outside=-0.4)
    utility = Kernels.location_utilities(
        np.array([0]), wage, suit, y_loc, park_pref, park_chain, infra, bonus, *b.values()
    )
    out = Kernels.draw_entrants(
        np.array([counts]), np.array([0.0, 0.0, 1.0, 0.0]), np.zeros(4), np.array([100.0]),
        np.array([1.0]),
        np.array([1.0]), 1.0, 0.4, utility, park_pref, room, seed, 7, 0,
    )  # fmt: skip
    u = [
        -b["b_wage"] * np.log(wage[p])
        + np.log(suit[0, p])
        + b["b_agg"] * np.log(1 + y_loc[n_parks + p, 0])
        + b["b_outside"]
        for p in range(n_pref)
    ]
    for k in range(n_parks):
        p = park_pref[k]
        u.append(
            -b["b_wage"] * np.log(wage[p])
            + np.log(suit[0, p])
            + b["b_agg"] * np.log(1 + y_loc[k, 0])
            + b["b_infra"] * infra[k]
            + b["b_spec"] * (park_chain[k] == 0)
            + bonus[k]
        )
    return out, np.array(u)


def test_entrants_choose_locations_by_the_logit_probabilities():
    """Frequencies of the 5 locations among 40,000 entrants match exp(U_l) / sum exp(U_m)
    within 4 standard errors (parks with ample room)."""
    n = 40_000
    (sec, own, pref, park, rev, a, kept), u = _entrants(n, np.array([1e9, 1e9]))
    loc = np.where(park >= 0, 3 + park, pref)
    freq = np.bincount(loc, minlength=5) / n
    prob = np.exp(u - u.max()) / np.exp(u - u.max()).sum()
    se = np.sqrt(prob * (1 - prob) / n)
    assert np.all(np.abs(freq - prob) < 4 * se), (freq, prob)
    assert np.all(pref[park >= 0] == park[park >= 0])  # a park's prefecture


def test_a_full_park_leaves_the_choice_set():
    """Park 0 has room for 5 entrants: exactly 5 go there, the others choose among the
    remaining locations in proportion to their logit weights."""
    (sec, own, pref, park, rev, a, kept), u = _entrants(5_000, np.array([5.0, 1e9]))
    assert kept.all() and np.count_nonzero(park == 0) == 5
    after = np.flatnonzero(park == 0)[-1] + 1  # draws once the park is full
    loc = np.where(park >= 0, 3 + park, pref)[after:]
    prob = np.exp(u - u.max())
    prob[3] = 0.0
    prob /= prob.sum()
    freq = np.bincount(loc, minlength=5) / loc.size
    se = np.sqrt(prob * (1 - prob) / loc.size) + 1e-12
    assert np.all(np.abs(freq - prob) < 4 * se), (freq, prob)


def test_deterred_entrants_take_no_room_and_unsuited_sectors_go_to_prefecture_0():
    utility = np.array([[-np.inf, -np.inf, -np.inf], [0.0, -np.inf, 5.0]])
    sec, own, pref, park, rev, a, kept = Kernels.draw_entrants(
        np.array([3, 400]), np.array([0.0, 0.0, 1.0, 0.0]), np.array([0.0, 0.0, 0.5, 0.0]),
        np.array([100.0, 100.0]), np.array([1.0, 1.0]), np.array([1.0, 1.0]), 1.0, 0.4, utility,
        np.array([1]), np.array([2.0]), 3, 7, 0,
    )  # fmt: skip
    assert np.all(pref[sec == 0] == 0) and np.all(park[sec == 0] == -1)  # no option suits
    in_park = (sec == 1) & (park == 0)
    assert np.count_nonzero(in_park & kept) == 2  # the park's room, taken by kept entrants only
    assert np.count_nonzero(in_park & ~kept) > 0  # deterred ones chose it too, taking no room


def test_below_one_minus_exp_decides_as_the_exp_would():
    """The innovation draw's shortcut (``kernels/innovation.py: below_one_minus_exp``) gives
    ``u < 1 - exp(-x)`` for every u, the draws closest to the threshold included (``math.exp``,
    the libm exp numba calls: numpy's own exp may differ in the last bit)."""
    from longjiang_abm.kernels.innovation import below_one_minus_exp

    twin = python_twin(below_one_minus_exp)
    rng = np.random.default_rng(3)
    x = np.concatenate((rng.uniform(0, 1.2, 20_000), [0.0, 1e-300, 1e-9, 1.0, 5.0, math.inf]))
    for xi in [*x.tolist(), -0.5, math.nan]:
        c = 1.0 - math.exp(-xi)
        near = [math.nextafter(c, -1.0), c, math.nextafter(c, 2.0)] if 0.0 < c < 1.0 else []
        for u in [*rng.uniform(0, 1, 4).tolist(), *near, 2.0**-54, 0.5]:
            assert below_one_minus_exp(u, xi) == (u < c), (u, xi)
            assert twin(u, xi) == (u < c), (u, xi)


def test_block_sums_over_several_blocks_equal_their_twins_and_the_row_sums():
    """``labour_demand``, ``comparable_real_va``, ``year_totals`` and ``log_revenue_moments``
    sum by fixed blocks of rows (``kernels/chunks.py``) in parallel: over three blocks they
    equal their Python twins bit for bit, and numpy's sums to rounding (counts and the five
    largest revenues exactly)."""
    from longjiang_abm.kernels.chunks import CHUNK

    rng = np.random.default_rng(11)
    n = 2 * CHUNK + 777
    alive = rng.random(n) < 0.9
    sector = rng.integers(0, 5, n).astype(np.int16)
    pref = rng.integers(0, 13, n).astype(np.int16)
    park = rng.integers(-1, 4, n).astype(np.int16)
    owner = rng.integers(0, 4, n).astype(np.int8)
    age = rng.integers(0, 20, n).astype(np.int32)
    rev = rng.lognormal(7.0, 2.0, n) * (rng.random(n) < 0.95)
    rev_year, L_req = rng.lognormal(7.0, 2.0, n), rng.random(n) * 100.0
    va_ytd, va_year = rng.random(n), rng.random(n)
    thresholds = np.array([500.0, 2000.0, 40000.0])
    calls = {
        "labour_demand": dict(n=n, alive=alive, pref=pref, L_req=L_req, n_pref=13),
        "comparable_real_va": dict(
            n=n, alive=alive, age=age, rev_ytd=rev, rev_year=rev_year, va_real_ytd=va_ytd,
            va_real_year=va_year, threshold=2000.0, threshold_prev=1800.0,
        ),
        "year_totals": dict(
            n=n, alive=alive, rev=rev, sector=sector, park=park, owner=owner,
            thresholds=thresholds, n_sec=5, n_parks=4,
        ),
        "log_revenue_moments": dict(n=n, alive=alive, sector=sector, rev_year=rev, n_sec=5),
    }  # fmt: skip
    out = {}
    for name, kwargs in calls.items():
        out[name] = getattr(Kernels, name)(**kwargs)
        _assert_same(out[name], python_twin(kernels.KERNELS[name])(**kwargs), name)
    live = alive
    np.testing.assert_allclose(
        out["labour_demand"], np.bincount(pref[live], L_req[live], 13), rtol=1e-12
    )
    s = live & (age >= 8) & (rev >= 2000.0) & (rev_year >= 1800.0)
    np.testing.assert_allclose(out["comparable_real_va"], (va_ytd[s].sum(), va_year[s].sum()))
    count, rev_s, rev_k, rev_o, tot, sq, top = out["year_totals"]
    r = rev[live]
    np.testing.assert_array_equal(count, [(r >= x).sum() for x in thresholds])
    np.testing.assert_allclose(rev_s, np.bincount(sector[live], r, 5), rtol=1e-12)
    in_park = live & (park >= 0)
    np.testing.assert_allclose(rev_k, np.bincount(park[in_park], rev[in_park], 4), rtol=1e-12)
    np.testing.assert_allclose(rev_o, np.bincount(owner[live], r, 4), rtol=1e-12)
    np.testing.assert_allclose((tot, sq), (r.sum(), (r * r).sum()), rtol=1e-12)
    np.testing.assert_array_equal(top, np.sort(r)[::-1][:5])
    mu, sigma, cnt = out["log_revenue_moments"]
    pos = live & (rev > 0)
    lr = np.log(rev[pos])
    np.testing.assert_array_equal(cnt, np.bincount(sector[pos], minlength=5))
    means = np.bincount(sector[pos], lr, 5) / cnt
    np.testing.assert_allclose(mu, means, rtol=1e-12)
    var = np.bincount(sector[pos], (lr - means[sector[pos]]) ** 2, 5) / cnt
    np.testing.assert_allclose(sigma, np.sqrt(var), rtol=1e-12)


def test_liquidate_equals_the_numpy_liquidation():
    """``liquidate`` (the exits' rows and what their assets fetch) gives the arrays the numpy
    code before it gave, bit for bit, over several blocks of rows and with a NaN among the
    balances (it carries through, as ``np.minimum`` carries it); ``died`` set for the exits."""
    from longjiang_abm.kernels.chunks import CHUNK

    rng = np.random.default_rng(2)
    n = CHUNK + 999
    exiting = rng.random(n) < 0.05
    cash, K, debt = rng.normal(5.0, 5.0, n), rng.random(n) * 50.0, rng.random(n) * 40.0
    cash[np.flatnonzero(exiting)[3]] = math.nan
    size = rng.integers(0, 4, n).astype(np.int8)
    died = np.zeros(n, dtype=np.int32)
    out = Kernels.liquidate(
        n=n, exiting=exiting, cash=cash, K=K, debt=debt, size=size, died=died, t=9,
        recovery=0.3, cover=0.6, small=2,
    )  # fmt: skip
    rows = np.flatnonzero(exiting)  # the numpy code it replaced (steps/demography.py)
    d, sme = debt[rows], size[rows] >= 2
    sales = 0.3 * K[rows]
    value = cash[rows] + sales
    paid = np.minimum(d, value)
    want = (rows, sales, paid, value - paid, 0.6 * (d - paid) * sme, d, sme)
    for got, expected in zip(out, want, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert np.isnan(out[2]).sum() == 1
    np.testing.assert_array_equal(np.flatnonzero(died == 9), rows)
    assert not died[~exiting].any()
