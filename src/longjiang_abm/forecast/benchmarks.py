"""The naive benchmarks, each a Gaussian forecast N(mean, sd) from what is known at the origin.

With x_y a series' value in year y, T the origin (2017), h = y - T the horizon, d_t = x_t -
x_(t-1) the window's changes and g_t = x_t - China_t its gaps to China's value:

- random walk:             mean = x_T;                      sd = sqrt(h) RMS(d)
- random walk with drift:  mean = x_T + h mean(d);          sd = sqrt(h) sd(d)
- national:                mean = China_y;                  sd = RMS(g)
- national + gap:          mean = China_y + mean(g);        sd = sd(g)
- AR(1):                   x_t - m = phi (x_(t-1) - m) + e_t around the window mean m, phi by
                           least squares (statsmodels AutoReg, no constant);
                           mean = m + phi^h (x_T - m),
                           sd^2 = s^2 (1 + phi^2 + ... + phi^(2(h-1))), s^2 = SSR / (pairs - 1)

RMS is the root mean square (no mean removed: the rule's own error in the window), sd the
standard deviation with one degree of freedom removed for the mean the rule estimates. The
national rules take China's value of the forecast year, known ex post as the model's drivers
are. A rule is absent where the window cannot define it: no national counterpart; a drift or a
gap's sd from fewer than two values; an AR(1) from fewer than three. A sd estimated from a
single change is that change's size. The window holds three values at most, so the sds rest on
one or two degrees of freedom and parameter uncertainty is ignored: the benchmarks' intervals
are too narrow rather than too wide.
"""

from __future__ import annotations

import numpy as np

from .record import ORIGIN, Series, window_values

METHODS = ("random walk", "random walk with drift", "national", "national + gap", "AR(1)")


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2)))


def random_walk(series: Series, year: int) -> tuple[float, float] | None:
    """N(mean, sd) of the random walk's forecast of ``year`` (None: one window value)."""
    x = window_values(series)
    if x.size < 2:
        return None
    return float(x[-1]), float(np.sqrt(year - ORIGIN)) * _rms(np.diff(x))


def random_walk_drift(series: Series, year: int) -> tuple[float, float] | None:
    """N(mean, sd) of the random walk with drift (None: fewer than two window changes)."""
    x = window_values(series)
    d = np.diff(x)
    if d.size < 2:
        return None
    h = year - ORIGIN
    return float(x[-1] + h * d.mean()), float(np.sqrt(h) * d.std(ddof=1))


def _gaps(series: Series) -> np.ndarray:
    return np.array([v - series.national[y] for y, v in sorted(series.window.items())])


def national(series: Series, year: int) -> tuple[float, float] | None:
    """N(mean, sd) of the national rate's forecast of ``year`` (None: no counterpart)."""
    if series.national is None:
        return None
    return float(series.national[year]), _rms(_gaps(series))


def national_gap(series: Series, year: int) -> tuple[float, float] | None:
    """N(mean, sd) of China's rate plus the window's mean gap (None: no counterpart, or fewer
    than two gaps)."""
    if series.national is None or len(series.window) < 2:
        return None
    g = _gaps(series)
    return float(series.national[year] + g.mean()), float(g.std(ddof=1))


def ar1(series: Series, year: int) -> tuple[float, float] | None:
    """N(mean, sd) of the AR(1)'s forecast of ``year`` (None: fewer than three window values)."""
    from statsmodels.tsa.ar_model import AutoReg

    x = window_values(series)
    if x.size < 3:
        return None
    m = float(x.mean())
    fit = AutoReg(x - m, lags=1, trend="n").fit()
    phi = float(fit.params[0])
    s2 = float(fit.ssr) / (int(fit.nobs) - 1)  # one parameter estimated
    h = year - ORIGIN
    var = s2 * sum(phi ** (2 * i) for i in range(h))
    return m + phi**h * (float(x[-1]) - m), float(np.sqrt(var))


RULES = {
    "random walk": random_walk,
    "random walk with drift": random_walk_drift,
    "national": national,
    "national + gap": national_gap,
    "AR(1)": ar1,
}


def benchmark_forecasts(series: Series, year: int) -> dict[str, tuple[float, float] | None]:
    """{method: (mean, sd) or None} for ``series`` in ``year``."""
    return {m: RULES[m](series, year) for m in METHODS}
