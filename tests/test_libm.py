"""libm.py: glibc's exp inlined in the kernels gives the library's result bit for bit."""

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


def test_the_twins_are_the_library_call():
    assert python_twin(libm.exp) is math.exp
    assert python_twin(libm.exp_core) is math.exp
