"""Estimators of the stylized facts of firm populations (docs/validation.md).

Each estimator takes plain arrays, so it can be tested against synthetic data with known
parameters (tests/test_validate.py) before it is applied to the model's firm panel
(``validate.panel``):

- ``pareto_tail``: Pareto (Zipf) exponent of the size CCDF by maximum likelihood, with the
  lower cut-off chosen by the Kolmogorov-Smirnov criterion of Clauset, Shalizi and Newman
  (2009), through the ``powerlaw`` package (Alstott et al. 2014);
- ``tent_shape``: kurtosis of growth rates and the log-likelihoods of a Laplace and a normal fit
  (``scipy.stats``);
- ``volatility_slope``: slope of log sd(growth) on log size across equal-count size bins;
- ``survival``: share of an entry cohort alive k years after entry;
- ``tfp_ratio_90_10``: within-sector 90/10 productivity ratio;
- ``investment_lumpiness``: shares of firm-years with investment rate < 1% and > 20%.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass
class ParetoFit:
    alpha: float  # exponent of the CCDF, P(S > s) ~ s^-alpha (PDF exponent alpha + 1)
    sigma: float  # its standard error (Clauset et al. 2009: (alpha_pdf - 1) / sqrt(n))
    xmin: float  # lower cut-off of the tail
    n_tail: int  # observations at or above xmin
    loglik_ratio_lognormal: float  # R > 0 favours the power law over a lognormal tail
    p_lognormal: float  # significance of R


def pareto_tail(
    x: np.ndarray, xmin: float | tuple[float, float] | None = None, compare: bool = True
) -> ParetoFit:
    """Maximum-likelihood Pareto exponent of the CCDF of ``x`` (continuous data).

    ``xmin`` fixed (a number), searched in a range (a tuple) or searched over all values
    (None) by minimising the KS distance between the data above xmin and the fitted law.
    The continuous MLE is alpha_pdf = 1 + n / sum ln(x_i / xmin); the CCDF exponent is
    alpha_pdf - 1 = n / sum ln(x_i / xmin) (the Hill estimator).
    """
    import powerlaw

    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x) & (x > 0)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            fit = powerlaw.Fit(x, xmin=xmin, discrete=False, verbose=0)
            pl = fit.power_law
            r, p = (np.nan, np.nan)
            if compare:
                r, p = fit.distribution_compare("power_law", "lognormal", normalized_ratio=True)
    return ParetoFit(
        alpha=float(pl.alpha - 1.0),
        sigma=float(getattr(pl, "standard_err", None) or pl.sigma),
        xmin=float(fit.xmin),
        n_tail=int(fit.n_tail),
        loglik_ratio_lognormal=float(r),
        p_lognormal=float(p),
    )


@dataclass
class TentFit:
    kurtosis: float  # Pearson kurtosis (3 for a normal, 6 for a Laplace)
    loglik_laplace: float
    loglik_normal: float
    laplace_scale: float  # b of the Laplace fit
    n: int

    @property
    def laplace_better(self) -> bool:
        return self.loglik_laplace > self.loglik_normal


def tent_shape(g: np.ndarray) -> TentFit:
    """Kurtosis and maximum-likelihood Laplace and normal fits of growth rates ``g``."""
    g = np.asarray(g, dtype=np.float64)
    g = g[np.isfinite(g)]
    loc_l, b = stats.laplace.fit(g)
    loc_n, sd = stats.norm.fit(g)
    return TentFit(
        kurtosis=float(stats.kurtosis(g, fisher=False)),
        loglik_laplace=float(stats.laplace.logpdf(g, loc_l, b).sum()),
        loglik_normal=float(stats.norm.logpdf(g, loc_n, sd).sum()),
        laplace_scale=float(b),
        n=int(g.size),
    )


@dataclass
class VolatilityFit:
    slope: float  # d ln sd(g) / d ln S
    stderr: float
    log_size: np.ndarray  # bin centres (mean ln S)
    log_sd: np.ndarray  # ln sd(g) per bin


def volatility_slope(size: np.ndarray, g: np.ndarray, bins: int = 20) -> VolatilityFit:
    """Slope of ln sd(g) on ln size: firms sorted by size into ``bins`` equal-count bins,
    sd of growth within each bin, then OLS of ln sd on the bins' mean ln size."""
    size = np.asarray(size, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    ok = np.isfinite(g) & (size > 0)
    ls, g = np.log(size[ok]), g[ok]
    order = np.argsort(ls)
    chunks = np.array_split(order, bins)
    x = np.array([ls[c].mean() for c in chunks])
    y = np.array([np.log(g[c].std(ddof=1)) for c in chunks])
    res = stats.linregress(x, y)
    return VolatilityFit(float(res.slope), float(res.stderr), x, y)


def survival(born: np.ndarray, died: np.ndarray, last: int, years: tuple = (2, 4, 6)) -> dict:
    """Share of entrants alive ``k`` years (4k quarters) after entry, for each k in ``years``.

    ``born``: quarter of entry; ``died``: quarter of exit (0 or a value > last for firms still
    alive); ``last``: the last quarter observed. Only entrants observed for the full k years
    (born + 4k <= last) count for horizon k. Returns {k: (share, n_cohort)}.
    """
    born = np.asarray(born)
    died = np.asarray(died)
    gone = np.where(died > 0, died, np.iinfo(np.int64).max)
    out = {}
    for k in years:
        h = 4 * k
        obs = born + h <= last
        n = int(np.count_nonzero(obs))
        share = float(np.mean(gone[obs] > born[obs] + h)) if n else np.nan
        out[k] = (share, n)
    return out


def tfp_ratio_90_10(tfp: np.ndarray, sector: np.ndarray, min_firms: int = 30) -> dict:
    """Within-sector ratio of the 90th to the 10th percentile of productivity, by sector
    (sectors with at least ``min_firms`` firms). Returns {sector: ratio}."""
    tfp = np.asarray(tfp, dtype=np.float64)
    sector = np.asarray(sector)
    out = {}
    for s in np.unique(sector):
        a = tfp[sector == s]
        if a.size >= min_firms:
            p10, p90 = np.quantile(a, [0.1, 0.9])
            out[s] = float(p90 / p10)
    return out


def investment_lumpiness(invest: np.ndarray, capital: np.ndarray) -> tuple[float, float, float]:
    """Annual investment rate i = I / K (K at the start of the year): the mean, the share of
    firm-years with i < 1% (inaction) and the share with i > 20% (spikes)."""
    invest = np.asarray(invest, dtype=np.float64)
    capital = np.asarray(capital, dtype=np.float64)
    ok = capital > 0
    rate = invest[ok] / capital[ok]
    return float(rate.mean()), float(np.mean(rate < 0.01)), float(np.mean(rate > 0.20))
