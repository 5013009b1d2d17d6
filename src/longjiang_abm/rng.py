"""Counter-based random numbers: every draw is a hash of (seed, quarter, entity id, stream).

A draw never depends on the order in which firms are visited, on the thread count or on the
executor, and the plain-Python twin of a kernel reproduces it bit for bit. The mix is
splitmix64 (Steele, Lea and Flood 2014) applied to the four counters in turn.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .libm import log_core
from .twins import python_reference, python_twin

# Streams: one per kind of draw, so that adding a draw never shifts another.
S_PRODUCTIVITY = 1
S_INNOVATE = 2
S_INNOVATION_SIZE = 3
S_QUALITY = 4
S_DIGITAL = 5
S_INVEST = 6
S_EXIT = 7
S_BAILOUT = 8
S_ENTRY_COUNT = 9
S_ENTRY_SIZE = 10
S_ENTRY_OWNER = 11
S_ENTRY_LOCATION = 12
S_DEMAND = 13
S_ENTRY_PRODUCTIVITY = 14
S_SHARE = 16
S_BIG_PROJECTS = 17  # and 18
S_SHARE_SCALE = 19  # the exponential variance of Laplace share shocks
S_PROMOTION = 21  # projects brought by co-built parks' joint promotion: 21 to 25

_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_MASK = 0xFFFFFFFFFFFFFFFF


@njit(cache=True)
def _mix(z):
    """splitmix64 finaliser on a uint64."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_M2)
    return z ^ (z >> np.uint64(31))


# the plain-Python reference of hash4 (Python ints with explicit 64-bit wrap-around)
def _mix_py(z: int) -> int:
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


def hash4_py(seed: int, quarter: int, idx: int, stream: int) -> int:
    z = _mix_py((int(seed) + _GOLDEN) & _MASK)
    z = _mix_py(z ^ ((int(quarter) + _GOLDEN) & _MASK))
    z = _mix_py(z ^ ((int(idx) + _GOLDEN) & _MASK))
    return _mix_py(z ^ ((int(stream) + _GOLDEN) & _MASK))


@python_reference(hash4_py)
@njit(cache=True)
def hash4(seed, quarter, idx, stream):
    """64-bit hash of four non-negative integer counters."""
    z = _mix(np.uint64(seed) + np.uint64(_GOLDEN))
    z = _mix(z ^ (np.uint64(quarter) + np.uint64(_GOLDEN)))
    z = _mix(z ^ (np.uint64(idx) + np.uint64(_GOLDEN)))
    return _mix(z ^ (np.uint64(stream) + np.uint64(_GOLDEN)))


@njit(cache=True)
def uniform(seed, quarter, idx, stream):
    """U(0,1) draw: the top 53 bits of hash4 scaled to [0, 1), plus half a step (never 0)."""
    h = hash4(seed, quarter, idx, stream)
    return (float(h >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@njit(cache=True, error_model="numpy")
def inv_normal_central(p):
    """Acklam's rational approximation of the N(0, 1) quantile in the central region,
    0.02425 <= p <= 0.97575 (``inv_normal``). No branch and no check of the division (the
    denominator does not vanish there): a loop of these vectorises, with the scalar's bits."""
    q = p - 0.5
    r = q * q
    return (
        (
            (
                (
                    ((-3.969683028665376e01 * r + 2.209460984245205e02) * r - 2.759285104469687e02)
                    * r
                    + 1.383577518672690e02
                )
                * r
                - 3.066479806614716e01
            )
            * r
            + 2.506628277459239
        )
        * q
    ) / (
        (
            (
                ((-5.447609879822406e01 * r + 1.615858368580409e02) * r - 1.556989798598866e02) * r
                + 6.680131188771972e01
            )
            * r
            - 1.328068155288572e01
        )
        * r
        + 1.0
    )


def inv_normal_py(p: float) -> float:
    """Quantile function of N(0, 1) at p in (0, 1): Acklam's rational approximation (relative
    error below 1.2e-9). In the central region, 95% of draws, no logarithm or square root
    is needed (``inv_normal_central``): about four times cheaper than Box-Muller."""
    if p < 0.02425 or p > 0.97575:  # the tails, by symmetry: x(p) = -x(1 - p)
        q = math.sqrt(-2.0 * math.log(p if p < 0.5 else 1.0 - p))
        c = ((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838) * q
        c = ((c - 2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783
        d = ((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996) * q
        d = (d + 3.754408661907416) * q + 1.0
        return c / d if p < 0.5 else -(c / d)
    return inv_normal_central(p)


inv_normal = njit(cache=True)(inv_normal_py)


@njit(cache=True, error_model="numpy")
def inv_normal_tail(p):
    """``inv_normal``'s tails (p < 0.02425 or p > 0.97575), the same arithmetic, with glibc's
    log inlined (``libm.log_core``: its argument min(p, 1 - p) <= 0.02425 is in its range);
    for a central p it returns a value nothing uses. Without a branch: a loop of these
    vectorises."""
    q = math.sqrt(-2.0 * log_core(p if p < 0.5 else 1.0 - p))
    c = ((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838) * q
    c = ((c - 2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783
    d = ((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996) * q
    d = (d + 3.754408661907416) * q + 1.0
    return c / d if p < 0.5 else -(c / d)


@njit(cache=True)
def normal(seed, quarter, idx, stream):
    """N(0,1) draw: the quantile function (``inv_normal``) at a uniform of sub-stream
    2*stream+64."""
    return inv_normal(uniform(seed, quarter, idx, 2 * stream + 64))


@njit(cache=True, parallel=True)
def uniforms(n, ids, seed, quarter, stream):
    """``uniform(seed, quarter, ids[i], stream)`` for every row i < n, as an array: one pass
    without a branch, which vectorises (the 64-bit hash four rows at a time), for kernels
    whose row loop would otherwise hash one row at a time. Rows of firms that exited get a
    draw too (their ids are still there); nothing reads it."""
    out = np.empty(n)
    for i in prange(n):
        out[i] = uniform(seed, quarter, ids[i], stream)
    return out


@njit(cache=True, parallel=True)
def normals(n, ids, seed, quarter, stream):
    """``normal(seed, quarter, ids[i], stream)`` for every row i < n, bit for bit, as an
    array: the uniforms (``uniforms``, sub-stream 2*stream+64) and the central region's
    rational function and the tails' (``inv_normal_tail``, kept for about 5% of rows) for
    every row, in passes without a branch, which vectorise."""
    u = uniforms(n, ids, seed, quarter, 2 * stream + 64)
    out = np.empty(n)
    for i in prange(n):
        out[i] = inv_normal_central(u[i])
    for i in prange(n):  # the tails as a select: every row computed, the tails' kept
        p = u[i]
        tail = inv_normal_tail(p)
        out[i] = tail if (p < 0.02425) | (p > 0.97575) else out[i]
    return out


@njit(cache=True)
def poisson(lam, seed, quarter, idx, stream):
    """Poisson(lam) draw: the sum of m = ceil(lam / 700) Poisson(lam / m) draws, each by
    inversion of the CDF with one uniform of its own sub-stream (stream + j * 2^20), so
    exp(-lam / m) never underflows, whatever lam."""
    m = max(1, int(math.ceil(lam / 700.0)))
    part = lam / m
    total = 0
    for j in range(m):
        u = uniform(seed, quarter, idx, stream + j * 1048576)
        k = 0
        p = math.exp(-part)
        cdf = p
        while u > cdf and k < 10000:
            k += 1
            p *= part / k
            cdf += p
        total += k
    return total


# The other random-number functions' Python versions are their twins (twins.py), built on
# hash4_py: the same source as the jitted functions above.
uniform_py = python_twin(uniform)
normal_py = python_twin(normal)
poisson_py = python_twin(poisson)
uniforms_py = python_twin(uniforms)
normals_py = python_twin(normals)
