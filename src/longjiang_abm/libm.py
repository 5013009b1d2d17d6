"""glibc's ``exp``, bit for bit, as numba code that inlines and vectorises.

numba compiles ``math.exp`` to a call of the C library's ``exp``: on this project's machines
glibc 2.28+ (the FMA variant ``__exp_fma``, chosen at load time on CPUs with FMA and AVX2),
one value per call, about 7 ns with the call's overhead, and a loop that calls it never
vectorises. ``exp_core`` is the same algorithm (Szabolcs Nagy's, from ARM's optimized-routines,
``sysdeps/ieee754/dbl-64/e_exp.c``), with the same constants, table and fused multiply-adds
in the same places, read off the compiled ``__exp_fma``:

    k  = round(x N / ln 2),  N = 128            (fma(x, N / ln 2, 1.5 2^52), then less the shift)
    r  = x - k ln2hi / N - k ln2lo / N          (two fmas)
    2^(k/N) = 2^(k // N) T[k mod N] (1 + tail[k mod N])
    exp(x) ~= scale + scale (tail + r + r^2 (C2 + r C3) + r^4 (C4 + r C5))   (fmas as glibc)

For |x| in [2^-54, 512) it returns glibc's result exactly (tested on 10^8 random doubles
over the whole range and every bit pattern; ``tests/test_libm.py``); outside that range
(tiny, huge, inf, NaN) glibc takes special paths, so callers use ``exp`` (which falls back to
``math.exp``) or fix those rows with ``exp_fits``. In a loop that does nothing else it costs
about 0.8 ns per value against 3-7 ns for the call. The table is computed from its
definition (each 2^(k/N) correctly rounded, and its rounding error ``tail`` correctly rounded
relative to it) and equals glibc's.

The twins (``twins.py``) of ``exp`` and ``exp_core`` are ``math.exp`` itself.
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal, localcontext

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from .twins import python_reference


def _bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def _table() -> np.ndarray:
    """glibc's ``__exp_data.tab``: for k = 0 .. 127, tab[2k] the bits of tail_k and
    tab[2k + 1] the bits of scale_k less k << 45, where scale_k is 2^(k/128) rounded to a
    double and tail_k = (2^(k/128) - scale_k) / scale_k rounded to a double."""
    tab = np.empty(256, dtype=np.uint64)
    with localcontext() as ctx:
        ctx.prec = 60
        ln2 = Decimal(2).ln()
        for k in range(128):
            exact = (ln2 * k / 128).exp()
            scale = float(exact)
            tab[2 * k] = _bits(float((exact - Decimal(scale)) / Decimal(scale)))
            tab[2 * k + 1] = (_bits(scale) - (k << 45)) % (1 << 64)
    return tab


TAB = _table()
INV_LN2_N = float.fromhex("0x1.71547652b82fep+7")  # N / ln 2
NEG_LN2_HI_N = float.fromhex("-0x1.62e42fefa0000p-8")  # -ln 2 / N, high part
NEG_LN2_LO_N = float.fromhex("-0x1.cf79abc9e3b3ap-47")  # and low part
C2 = float.fromhex("0x1.ffffffffffdbdp-2")
C3 = float.fromhex("0x1.555555555543cp-3")
C4 = float.fromhex("0x1.55555cf172b91p-5")
C5 = float.fromhex("0x1.1111167a4d017p-7")
SHIFT = float.fromhex("0x1.8p52")
TINY, BIG = 2.0**-54, 512.0  # glibc's main path: TINY <= |x| < BIG


@intrinsic
def fma(typingctx, a, b, c):
    """a * b + c rounded once (LLVM's ``llvm.fma.f64``: the CPU's vfmadd)."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        d = ir.DoubleType()
        fn = builder.module.declare_intrinsic("llvm.fma", [d], ir.FunctionType(d, [d, d, d]))
        return builder.call(fn, args)

    return sig, codegen


@intrinsic
def as_bits(typingctx, x):
    """The 64 bits of a double, as an unsigned integer."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.uint64(types.float64), codegen


@intrinsic
def from_bits(typingctx, b):
    """The double whose 64 bits are ``b``."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.uint64), codegen


@python_reference(math.exp)
@njit(cache=True, error_model="numpy")
def exp_core(x):
    """glibc's exp(x) for 2^-54 <= |x| < 512 (``exp_fits``), bit for bit; any other x gives
    a wrong value, without a branch (a loop of these vectorises). See the module's doc."""
    kd = fma(x, INV_LN2_N, SHIFT)
    ki = as_bits(kd)
    kd -= SHIFT
    r = fma(kd, NEG_LN2_LO_N, fma(kd, NEG_LN2_HI_N, x))
    idx = (ki & np.uint64(127)) << np.uint64(1)
    tail = from_bits(TAB[idx])
    scale = from_bits(TAB[idx + np.uint64(1)] + (ki << np.uint64(45)))
    r2 = r * r
    tmp = fma(fma(r, C5, C4), r2 * r2, fma(fma(r, C3, C2), r2, tail + r))
    return fma(scale, tmp, scale)


@njit(cache=True)
def exp_fits(x):
    """Whether ``exp_core(x)`` is glibc's exp(x): 2^-54 <= |x| < 512 (False for NaN)."""
    a = abs(x)
    return a >= TINY and a < BIG


@python_reference(math.exp)
@njit(cache=True, error_model="numpy")
def exp(x):
    """glibc's exp(x) bit for bit, for any x: ``exp_core`` on its range, ``math.exp`` (the
    library call) outside it. For loops that do more than this (a branch of its own)."""
    if exp_fits(x):
        return exp_core(x)
    return math.exp(x)
