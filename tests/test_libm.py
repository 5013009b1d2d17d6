"""libm.py: glibc's exp, log and pow inlined in the kernels give the library's results bit for
bit."""

import math
from decimal import Decimal, localcontext

import numpy as np
from numba import njit

from longjiang_abm import libm
from longjiang_abm.twins import python_twin


@njit(cache=True)
def _mismatches(xs):
    """Count of x where ``libm.exp`` (or, on its range, ``exp_core``) differs in any bit
    from ``math.exp`` (the C library's call), both compiled by numba."""
    bad = 0
    for i in range(xs.size):
        want = libm.as_bits(math.exp(xs[i]))
        bad += libm.as_bits(libm.exp(xs[i])) != want
        if libm.exp_fits(xs[i]):
            bad += libm.as_bits(libm.exp_core(xs[i])) != want
    return bad


def test_exp_equals_the_library_on_random_doubles():
    rng = np.random.default_rng(12)
    for lo, hi in [(-1.0, 1.0), (-0.01, 0.01), (-30.0, 30.0), (-750.0, 720.0)]:
        assert _mismatches(rng.uniform(lo, hi, 2_000_000)) == 0, (lo, hi)
    # every exponent and sign: random bit patterns (NaN, inf, subnormals included)
    bits = rng.integers(0, 2**64 - 1, 2_000_000, dtype=np.uint64, endpoint=True)
    assert _mismatches(bits.view(np.float64)) == 0


def test_exp_at_the_edges_of_its_range():
    edges = [0.0, -0.0, 2.0**-54, -(2.0**-54), 2.0**-55, 512.0, -512.0, 709.782712893384,
             709.79, -745.1332191019411, -745.2, 1e-300, 5e-324, math.inf, -math.inf,
             math.nan]  # fmt: skip
    near = [np.nextafter(x, d) for x in edges for d in (-math.inf, math.inf)]
    xs = np.array(edges + near)
    assert _mismatches(xs) == 0
    fits = [libm.exp_fits(x) for x in (2.0**-54, 511.9999, 512.0, 2.0**-55, math.nan)]
    assert fits == [True, True, False, False, False]


def test_the_table_is_glibcs_definition():
    """tab[2k + 1] + (k << 45) is 2^(k/128) rounded; tab[0], tab[1] those of 2^0 = 1."""
    tab = libm.TAB
    assert tab[0] == 0 and tab[1] == 0x3FF0000000000000
    with localcontext() as ctx:
        ctx.prec = 50
        for k in (1, 64, 127):
            scale = np.uint64(tab[2 * k + 1] + (k << 45)).view(np.float64)
            assert scale == float((Decimal(2).ln() * k / 128).exp())
    assert np.uint64(tab[129] + (64 << 45)).view(np.float64) == math.sqrt(2.0)


@njit(cache=True)
def _log_mismatches(xs):
    bad = 0
    for i in range(xs.size):
        want = libm.as_bits(math.log(xs[i]))
        bad += libm.as_bits(libm.log(xs[i])) != want
        if libm.log_fits(xs[i]):
            bad += libm.as_bits(libm.log_core(xs[i])) != want
    return bad


def test_log_equals_the_library():
    rng = np.random.default_rng(13)
    for xs in (
        rng.uniform(0.0, 1.0, 1_000_000),
        rng.uniform(0.9, 1.1, 1_000_000),
        rng.lognormal(7.0, 3.0, 1_000_000),
        np.exp(rng.uniform(-700, 700, 1_000_000)),
    ):
        assert _log_mismatches(xs) == 0
    bits = rng.integers(0, 2**64 - 1, 1_000_000, dtype=np.uint64, endpoint=True)
    assert _log_mismatches(bits.view(np.float64)) == 0
    edges = np.array([1.0, 0.9375, 1.0 + float.fromhex("0x1.09p-4"), 2.0**-1022, 5e-324, 0.0,
                      -1.0, math.inf, math.nan, 1.7976931348623157e308])  # fmt: skip
    with np.errstate(over="ignore"):
        near = np.nextafter(np.repeat(edges, 2), np.tile([-math.inf, math.inf], edges.size))
    assert _log_mismatches(np.concatenate((edges, near))) == 0


@njit(cache=True)
def _pow_mismatches(xs, ys):
    bad = 0
    for i in range(xs.size):
        want = libm.as_bits(xs[i] ** ys[i])
        bad += libm.as_bits(libm.pow(xs[i], ys[i])) != want
        got = libm.pow_core(xs[i], ys[i])
        bad += got == got and libm.as_bits(got) != want  # NaN: not its range
    return bad


def test_pow_equals_the_library():
    rng = np.random.default_rng(14)
    m = 1_000_000
    for xs, ys in (
        (np.maximum(rng.lognormal(5.0, 3.0, m), 1.0) / 1e3, np.full(m, -0.2)),  # share shocks
        (rng.lognormal(0.0, 3.0, m), rng.uniform(-3.0, 3.0, m)),
        (np.exp(rng.uniform(-700, 700, m)), rng.uniform(-2.0, 2.0, m)),
        (rng.uniform(0.999, 1.001, m), rng.normal(0.0, 1e3, m)),
    ):
        assert _pow_mismatches(xs, ys) == 0
    bits = rng.integers(0, 2**64 - 1, (2, m), dtype=np.uint64, endpoint=True).view(np.float64)
    assert _pow_mismatches(bits[0], bits[1]) == 0
    assert _pow_mismatches(np.abs(bits[0]), rng.uniform(-1.0, 1.0, m)) == 0
    specials = np.array([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, math.inf, -math.inf, math.nan, 5e-324])
    xs, ys = np.meshgrid(specials, specials)
    assert _pow_mismatches(xs.ravel(), ys.ravel()) == 0


def test_the_twins_are_the_library_call():
    assert python_twin(libm.exp) is math.exp
    assert python_twin(libm.exp_core) is math.exp
    assert python_twin(libm.log) is math.log and python_twin(libm.log_core) is math.log
    assert python_twin(libm.pow) is math.pow and python_twin(libm.pow_core) is math.pow
