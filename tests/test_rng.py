import numpy as np
import pytest

from longjiang_abm import rng


@pytest.mark.parametrize("args", [(0, 0, 0, 0), (7, 3, 12345, 9), (2**40, 80, 10**6, 15)])
def test_jitted_hash_equals_python_reference(args):
    assert rng.hash4(*args) == rng.hash4_py(*args)
    assert rng.uniform(*args) == rng.uniform_py(*args)
    assert rng.normal(*args) == rng.normal_py(*args)
    assert rng.poisson(2.5, *args) == rng.poisson_py(2.5, *args)


def test_uniform_draws_are_uniform_and_independent_of_order():
    u = np.array([rng.uniform(1, 2, i, 3) for i in range(20000)])
    assert 0.0 < u.min() and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.01
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.03
    # a draw depends on its counters only, not on what was drawn before
    assert rng.uniform(1, 2, 500, 3) == u[500]
    assert rng.uniform(1, 2, 500, 4) != u[500]


def test_normal_and_poisson_moments():
    z = np.array([rng.normal(5, 1, i, 2) for i in range(20000)])
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1.0) < 0.03
    k = np.array([rng.poisson(3.0, 5, 1, i, 2) for i in range(20000)])
    assert abs(k.mean() - 3.0) < 0.05 and abs(k.var() - 3.0) < 0.15


@pytest.mark.parametrize("lam", [0.3, 40.0, 900.0, 5000.0])
def test_poisson_is_right_for_large_means_too(lam):
    """exp(-lam) underflows past about 745: large means must still be drawn correctly."""
    k = np.array([rng.poisson(lam, 9, 2, i, 3) for i in range(4000)])
    assert abs(k.mean() - lam) < 4 * np.sqrt(lam / 4000) + 0.02
    assert abs(k.var() / lam - 1.0) < 0.15
    assert rng.poisson(lam, 9, 2, 7, 3) == rng.poisson_py(lam, 9, 2, 7, 3)


def test_array_draws_equal_the_row_draws_bit_for_bit():
    # rng.uniforms and rng.normals (passes that vectorise) give every row the draw it would
    # get one at a time, the tails of the normal included (~5% of 20,000 draws), and so do
    # their Python twins
    ids = np.arange(20000, dtype=np.int64)[::-1] * 7 + 3
    u = rng.uniforms(ids.size, ids, 11, 6, 2)
    z = rng.normals(ids.size, ids, 11, 6, 1)
    row_u = np.array([rng.uniform(11, 6, i, 2) for i in ids.tolist()])
    assert np.array_equal(u.view(np.uint64), row_u.view(np.uint64))
    row = np.array([rng.normal(11, 6, i, 1) for i in ids.tolist()])
    assert np.array_equal(z.view(np.uint64), row.view(np.uint64))
    assert 500 < np.count_nonzero(np.abs(z) > 1.9729) < 1500  # the tails were exercised
    few = ids[:300]
    assert np.array_equal(rng.normals_py(few.size, few, 11, 6, 1), z[:300])
    assert np.array_equal(rng.uniforms_py(few.size, few, 11, 6, 2), u[:300])
