"""glibc's ``exp``, ``log`` and ``pow``, bit for bit, as numba code that inlines and vectorises.

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

``log_core`` is glibc's ``log`` (``sysdeps/ieee754/dbl-64/e_log.c``, the FMA variant) on its
main path, x normal, finite, positive and outside [1 - 2^-4, 1 + 0x1.09p-4) (``log_fits``):

    x = 2^k z,  z in [0x1.6p-1, 0x1.6p0),  c_i near the centre of z's subinterval i of 128
    r = fma(z, 1 / c_i, -1),  w = fma(k, ln2hi, log c_i),  hi = r + w
    lo = fma(k, ln2lo, (w - hi) + r)
    log(x) ~= fma(r^3, fma(fma(r, A4, A3), r^2, fma(r, A2, A1)), fma(r^2, A0, lo)) + hi

with glibc's 1 / c_i (``LOG_INVC``, copied from its table: the c_i were chosen by a search)
and log c_i computed from them (correctly rounded, as glibc's are). Near 1 glibc evaluates
another polynomial, so callers use ``log`` (which falls back to ``math.log``) or fix those
values with ``log_fits``.

``pow_core`` is glibc's ``pow`` (``e_pow.c``) on its main path, x positive, normal and finite,
2^-65 <= |y| < 2^63: log x as a double-double hi + lo to about 2^-68 (a
table of 128 c_i whose 1 / c_i = j_i / 256 have few bits, so z / c_i - 1 is exact; log c_i
rounded to 2^-43 plus its tail; a degree-8 polynomial), y log x = ehi + elo by fmas, and
exp(ehi + elo) as ``exp_core`` with elo added to r, where 2^-54 <= |ehi| < 512 (elsewhere
``pow_core`` gives NaN and ``pow`` the library's ``math.pow``). In a loop that vectorises it
costs about 3 ns per value against 10-13 ns for the call; one at a time, with its branch,
no less than the call.

The twins (``twins.py``) of ``exp`` and ``exp_core`` are ``math.exp`` itself, those of ``log``
and ``log_core`` ``math.log``, that of ``pow`` ``math.pow``.
"""

from __future__ import annotations

import math
import struct
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

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


# glibc's __log_data.tab[i].invc, i = 0 .. 127 (ARM optimized-routines, MIT licence)
LOG_INVC = np.array(
    [float.fromhex(h) for h in (
    "0x1.734f0c3e0de9fp+0", "0x1.713786a2ce91fp+0", "0x1.6f26008fab5a0p+0",
    "0x1.6d1a61f138c7dp+0", "0x1.6b1490bc5b4d1p+0", "0x1.69147332f0cbap+0",
    "0x1.6719f18224223p+0", "0x1.6524f99a51ed9p+0", "0x1.63356aa8f24c4p+0",
    "0x1.614b36b9ddc14p+0", "0x1.5f66452c65c4cp+0", "0x1.5d867b5912c4fp+0",
    "0x1.5babccb5b90dep+0", "0x1.59d61f2d91a78p+0", "0x1.5805612465687p+0",
    "0x1.56397cee76bd3p+0", "0x1.54725e2a77f93p+0", "0x1.52aff42064583p+0",
    "0x1.50f22dbb2bddfp+0", "0x1.4f38f4734ded7p+0", "0x1.4d843cfde2840p+0",
    "0x1.4bd3ec078a3c8p+0", "0x1.4a27fc3e0258ap+0", "0x1.4880524d48434p+0",
    "0x1.46dce1b192d0bp+0", "0x1.453d9d3391854p+0", "0x1.43a2744b4845ap+0",
    "0x1.420b54115f8fbp+0", "0x1.40782da3ef4b1p+0", "0x1.3ee8f5d57fe8fp+0",
    "0x1.3d5d9a00b4ce9p+0", "0x1.3bd60c010c12bp+0", "0x1.3a5242b75dab8p+0",
    "0x1.38d22cd9fd002p+0", "0x1.3755bc5847a1cp+0", "0x1.35dce49ad36e2p+0",
    "0x1.34679984dd440p+0", "0x1.32f5cceffcb24p+0", "0x1.3187775a10d49p+0",
    "0x1.301c8373e3990p+0", "0x1.2eb4ebb95f841p+0", "0x1.2d50a0219a9d1p+0",
    "0x1.2bef9a8b7fd2ap+0", "0x1.2a91c7a0c1babp+0", "0x1.293726014b530p+0",
    "0x1.27dfa5757a1f5p+0", "0x1.268b39b1d3bbfp+0", "0x1.2539d838ff5bdp+0",
    "0x1.23eb7aac9083bp+0", "0x1.22a012ba940b6p+0", "0x1.2157996cc4132p+0",
    "0x1.201201dd2fc9bp+0", "0x1.1ecf4494d480bp+0", "0x1.1d8f5528f6569p+0",
    "0x1.1c52311577e7cp+0", "0x1.1b17c74cb26e9p+0", "0x1.19e010c2c1ab6p+0",
    "0x1.18ab07bb670bdp+0", "0x1.1778a25efbcb6p+0", "0x1.1648d354c31dap+0",
    "0x1.151b990275fddp+0", "0x1.13f0ea432d24cp+0", "0x1.12c8b7210f9dap+0",
    "0x1.11a3028ecb531p+0", "0x1.107fbda8434afp+0", "0x1.0f5ee0f4e6bb3p+0",
    "0x1.0e4065d2a9fcep+0", "0x1.0d244632ca521p+0", "0x1.0c0a77ce2981ap+0",
    "0x1.0af2f83c636d1p+0", "0x1.09ddb98a01339p+0", "0x1.08cabaf52e7dfp+0",
    "0x1.07b9f2f4e28fbp+0", "0x1.06ab58c358f19p+0", "0x1.059eea5ecf92cp+0",
    "0x1.04949cdd12c90p+0", "0x1.038c6c6f0ada9p+0", "0x1.02865137932a9p+0",
    "0x1.0182427ea7348p+0", "0x1.008040614b195p+0", "0x1.fe01ff726fa1ap-1",
    "0x1.fa11cc261ea74p-1", "0x1.f6310b081992ep-1", "0x1.f25f63ceeadcdp-1",
    "0x1.ee9c8039113e7p-1", "0x1.eae8078cbb1abp-1", "0x1.e741aa29d0c9bp-1",
    "0x1.e3a91830a99b5p-1", "0x1.e01e009609a56p-1", "0x1.dca01e577bb98p-1",
    "0x1.d92f20b7c9103p-1", "0x1.d5cac66fb5ccep-1", "0x1.d272caa5ede9dp-1",
    "0x1.cf26e3e6b2ccdp-1", "0x1.cbe6da2a77902p-1", "0x1.c8b266d37086dp-1",
    "0x1.c5894bd5d5804p-1", "0x1.c26b533bb9f8cp-1", "0x1.bf583eeece73fp-1",
    "0x1.bc4fd75db96c1p-1", "0x1.b951e0c864a28p-1", "0x1.b65e2c5ef3e2cp-1",
    "0x1.b374867c9888bp-1", "0x1.b094b211d304ap-1", "0x1.adbe885f2ef7ep-1",
    "0x1.aaf1d31603da2p-1", "0x1.a82e63fd358a7p-1", "0x1.a5740ef09738bp-1",
    "0x1.a2c2a90ab4b27p-1", "0x1.a01a01393f2d1p-1", "0x1.9d79f24db3c1bp-1",
    "0x1.9ae2505c7b190p-1", "0x1.9852ef297ce2fp-1", "0x1.95cbaeea44b75p-1",
    "0x1.934c69de74838p-1", "0x1.90d4f2f6752e6p-1", "0x1.8e6528effd79dp-1",
    "0x1.8bfce9fcc007cp-1", "0x1.899c0dabec30ep-1", "0x1.87427aa2317fbp-1",
    "0x1.84f00acb39a08p-1", "0x1.82a49e8653e55p-1", "0x1.8060195f40260p-1",
    "0x1.7e22563e0a329p-1", "0x1.7beb377dcb5adp-1", "0x1.79baa679725c2p-1",
    "0x1.77907f2170657p-1", "0x1.756cadbd6130cp-1",
    )]
)  # fmt: skip


def _log_c() -> np.ndarray:
    """log c_i = -log(1 / c_i), correctly rounded (glibc's __log_data.tab[i].logc)."""
    with localcontext() as ctx:
        ctx.prec = 50
        return np.array([float(-Decimal(v).ln()) for v in LOG_INVC])


POW_OFF = 0x3FE6955500000000  # bits of 0x1.69555p-1


def _pow_table() -> np.ndarray:
    """glibc's __pow_log_data.tab: row i = (1 / c_i, log c_i rounded to a multiple of 2^-43,
    the rest of log c_i), for the subinterval i of z in [0x1.69555p-1, 0x1.69555p0) that
    ``pow_core`` picks from the bits of x; 1 / c_i = round(N / m) / N below 1 and
    round(2N / m) / 2N above, m the subinterval's midpoint, N = 128."""
    tab = np.empty((128, 3))
    with localcontext() as ctx:
        ctx.prec = 60
        for i in range(128):
            lo = np.uint64(POW_OFF + (i << 45)).view(np.float64)
            hi = np.uint64(POW_OFF + ((i + 1) << 45)).view(np.float64)
            m = (lo + hi) / 2.0
            invc = round(128 / m) / 128 if m < 1.0 else round(256 / m) / 256
            log_c = -Decimal(invc).ln()
            head = float((log_c * 2**43).to_integral_value(rounding=ROUND_HALF_EVEN) / 2**43)
            tab[i] = invc, head, float(log_c - Decimal(head))
    return tab


TAB = _table()
LOG_C = _log_c()
POW_TAB = _pow_table()
PA0, PA1, PA2, PA3, PA4, PA5, PA6 = (
    float.fromhex(h)
    for h in ("-0x1.0000000000000p-1", "-0x1.5555555555560p-1", "0x1.0000000000006p-1",
              "0x1.999999959554ep-1", "-0x1.555555529a47ap-1", "-0x1.2495b9b4845e9p+0",
              "0x1.0002b8b263fc3p+0")
)  # fmt: skip
LN2_HI = float.fromhex("0x1.62e42fefa3800p-1")
LN2_LO = float.fromhex("0x1.ef35793c76730p-45")
A0 = float.fromhex("-0x1.0000000000001p-1")
A1 = float.fromhex("0x1.555555551305bp-2")
A2 = float.fromhex("-0x1.fffffffeb4590p-3")
A3 = float.fromhex("0x1.999b324f10111p-3")
A4 = float.fromhex("-0x1.55575e506c89fp-3")
LOG_OFF = 0x3FE6000000000000  # bits of 0x1.6p-1
NEAR_1_LO, NEAR_1_HI = 1.0 - 2.0**-4, 1.0 + float.fromhex("0x1.09p-4")
NORMAL_MIN = 2.0**-1022
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


@python_reference(math.log)
@njit(cache=True, error_model="numpy")
def log_core(x):
    """glibc's log(x) where ``log_fits(x)``, bit for bit; any other x gives a wrong value,
    without a branch (a loop of these vectorises). See the module's doc."""
    ix = as_bits(x)
    tmp = ix - np.uint64(LOG_OFF)
    i = (tmp >> np.uint64(45)) & np.uint64(127)
    kd = float(np.int64(tmp) >> np.int64(52))  # arithmetic shift: the exponent k
    z = from_bits(ix - (tmp & np.uint64(0xFFF0000000000000)))
    w = fma(kd, LN2_HI, LOG_C[i])
    r = fma(z, LOG_INVC[i], -1.0)
    hi = r + w
    lo = fma(kd, LN2_LO, (w - hi) + r)
    r2 = r * r
    r3 = r * r2
    p = fma(fma(r, A4, A3), r2, fma(r, A2, A1))
    return fma(r3, p, fma(r2, A0, lo)) + hi


@njit(cache=True)
def log_fits(x):
    """Whether ``log_core(x)`` is glibc's log(x): x normal, finite, positive and outside
    [1 - 2^-4, 1 + 0x1.09p-4) (False for NaN)."""
    return x >= NORMAL_MIN and x < math.inf and not (x >= NEAR_1_LO and x < NEAR_1_HI)


@python_reference(math.log)
@njit(cache=True, error_model="numpy")
def log(x):
    """glibc's log(x) bit for bit, for any x: ``log_core`` on its range, ``math.log`` outside
    it (near 1, tiny, zero, negative, inf, NaN)."""
    if log_fits(x):
        return log_core(x)
    return math.log(x)


@njit(cache=True, error_model="numpy")
def pow_log(x):
    """log x as hi + lo, glibc's ``log_inline`` of pow (x positive, normal and finite)."""
    ix = as_bits(x)
    tmp = ix - np.uint64(POW_OFF)
    i = (tmp >> np.uint64(45)) & np.uint64(127)
    kd = float(np.int64(tmp) >> np.int64(52))
    z = from_bits(ix - (tmp & np.uint64(0xFFF0000000000000)))
    t1 = fma(kd, LN2_HI, POW_TAB[i, 1])
    lo1 = fma(kd, LN2_LO, POW_TAB[i, 2])
    r = fma(z, POW_TAB[i, 0], -1.0)  # exact
    ar = r * PA0
    t2 = r + t1
    ar2 = r * ar
    ar3 = r * ar2
    lo3 = fma(ar, r, -ar2)
    lo2 = (t1 - t2) + r
    hi = t2 + ar2
    lo4 = (t2 - hi) + ar2
    q = fma(ar2, fma(fma(r, PA6, PA5), ar2, fma(r, PA4, PA3)), fma(r, PA2, PA1))
    lo = fma(ar3, q, ((lo1 + lo2) + lo3) + lo4)
    y = hi + lo
    return y, (hi - y) + lo


@python_reference(math.pow)
@njit(cache=True, error_model="numpy")
def pow_core(x, y):
    """glibc's pow(x, y) where its main path applies (x positive, normal and finite,
    2^-65 <= |y| < 2^63, 2^-54 <= |y log x| < 512), NaN elsewhere (where glibc's pow is
    never NaN): without a branch, so a loop of these vectorises; callers take ``math.pow``
    where it gives NaN (as ``pow`` does)."""
    lhi, ltail = pow_log(x)
    ehi = y * lhi
    elo = fma(y, ltail, fma(lhi, y, -ehi))
    kd = fma(ehi, INV_LN2_N, SHIFT)
    ki = as_bits(kd)
    kd -= SHIFT
    r = elo + fma(kd, NEG_LN2_LO_N, fma(kd, NEG_LN2_HI_N, ehi))
    idx = (ki & np.uint64(127)) << np.uint64(1)
    scale = from_bits(TAB[idx + np.uint64(1)] + (ki << np.uint64(45)))
    r2 = r * r
    tmp = fma(fma(r, C5, C4), r2 * r2, fma(fma(r, C3, C2), r2, r + from_bits(TAB[idx])))
    a, e = abs(y), abs(ehi)
    fits = (x >= NORMAL_MIN) & (x < math.inf) & (a >= 2.0**-65) & (a < 2.0**63)
    fits = fits & (e >= TINY) & (e < BIG)
    return fma(tmp, scale, scale) if fits else math.nan


@python_reference(math.pow)
@njit(cache=True, error_model="numpy")
def pow(x, y):
    """glibc's pow(x, y) bit for bit, for any x and y: ``pow_core`` where it applies,
    ``math.pow`` elsewhere."""
    value = pow_core(x, y)
    return value if value == value else math.pow(x, y)
