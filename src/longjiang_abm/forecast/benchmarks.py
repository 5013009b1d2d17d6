"""The naive benchmarks, each a Gaussian forecast N(mean, sd) from what is known at the origin.

With x_y a series' value in year y, T the origin (2017) and h = y - T the horizon:

- random walk:   mean = x_T;                 sd = sqrt(h) RMS of the window's changes x_t - x_(t-1)
- national:      mean = China's value in y;  sd = RMS of the window's gaps x_t - China_t
                 (conditional on the national drivers of y, as the model is)
- AR(1):         x_t - m = phi (x_(t-1) - m) + e_t around the window mean m, phi by least squares
                 (statsmodels AutoReg, no constant); mean = m + phi^h (x_T - m),
                 sd^2 = sigma^2 (1 + phi^2 + ... + phi^(2(h-1))), sigma^2 AutoReg's estimate

A benchmark whose sd the window cannot estimate (one change or none) is scored as a point
forecast (sd = 0, its CRPS is then the absolute error); one the window cannot define at all
(no national counterpart; an AR(1) with fewer than three window values) is absent. The window
holds three values at most, so the sds rest on one or two degrees of freedom: they are reported
as they come out, not tuned.
"""

from __future__ import annotations

import numpy as np

from .record import ORIGIN, Series, window_values

METHODS = ("random walk", "national", "AR(1)")


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2))) if x.size else 0.0


def random_walk(series: Series, year: int) -> tuple[float, float]:
    """N(mean, sd) of the random walk's forecast of ``year``."""
    x = window_values(series)
    h = year - ORIGIN
    return float(x[-1]), float(np.sqrt(h)) * _rms(np.diff(x))


def national(series: Series, year: int) -> tuple[float, float] | None:
    """N(mean, sd) of the national benchmark's forecast of ``year`` (None: no counterpart)."""
    if series.national is None:
        return None
    gaps = np.array([v - series.national[y] for y, v in series.window.items()])
    return float(series.national[year]), _rms(gaps)


def ar1(series: Series, year: int) -> tuple[float, float] | None:
    """N(mean, sd) of the AR(1)'s forecast of ``year`` (None: fewer than three window values)."""
    from statsmodels.tsa.ar_model import AutoReg

    x = window_values(series)
    if x.size < 3:
        return None
    m = float(x.mean())
    fit = AutoReg(x - m, lags=1, trend="n").fit()
    phi, sigma2 = float(fit.params[0]), float(fit.sigma2)
    h = year - ORIGIN
    var = sigma2 * sum(phi ** (2 * i) for i in range(h))
    return m + phi**h * (float(x[-1]) - m), float(np.sqrt(var))


def benchmark_forecasts(series: Series, year: int) -> dict[str, tuple[float, float] | None]:
    """{method: (mean, sd) or None} for ``series`` in ``year``."""
    return {
        "random walk": random_walk(series, year),
        "national": national(series, year),
        "AR(1)": ar1(series, year),
    }
