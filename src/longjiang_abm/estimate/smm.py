"""Screening and simulated method of moments against the 2015-2019 record.

Moments (data: src/longjiang_abm/data/province_macro_2015_2019.csv, population_labour.csv). The
model starts at the end of 2018, so the record of 2015-2019 is read as the province's trend
and compared with the model's first years under trend national drivers (years 2-5: year 1 is
the initial population settling):
  ind_growth   mean growth of above-scale industrial VA 2015-2018 at comparable prices:
               (0.4+2.0+2.7+2.8)/4 %; the model's ``above_scale_va_real_growth`` (NBS basis)
  gdp_growth   mean real GDP growth 2015-2018: (5.7+6.1+6.4+4.7)/4 %; the model's
               ``gdp_real_growth`` (real against real: nominal growth is not compared)
  sec_trend    change of the secondary share per year within one vintage: the original series
               2015-2018 (31.8% -> 24.6%), -2.4 pp a year (the post-census 2019 share is of
               another basis and is its own moment, sec_2019); the model's slope over years 2-5
  pop_growth   growth of the resident population 2015-2019, revised series (3529 -> 3255):
               -2.0% per year; the model's counterpart is its prefecture labour pools.
  sec_2019     the secondary share of 2019 (post-census bulletin, 26.6%); the model's year 1.
  as_growth    growth of the above-scale count: about 4000 in 2015, below 4000 each year
               2016-2019 (exact counts not found; industry_structure.csv): about -1% a year,
               read with a wide uncertainty; the model's years 1-5.
Estimator: theta_hat = argmin (m(theta) - m_data)' W (m(theta) - m_data), m(theta) the mean
of the moments over S runs with fixed seeds (common random numbers), W = diag(1 / (var_m +
se_data^2)): var_m the variance of each moment across seeds at the baseline (the sampling noise
of one five-year history) and se_data the data's own uncertainty (``DATA_SE``: the standard
error of a four-year mean from the spread of the annual rates; for the 2019 share, the gap
between the two circulating 2019 GDP figures and the revision risk of a grade-C source).
The spread of annual rates holds the one history's own sampling noise, which Omega already
measures, and variation the model under trend drivers does not have (the national drivers
moved in the record), so the sandwich below counts the part of se_data^2 that Omega does not,
and at least the measurement error (``MEASUREMENT_SE``: the 2019 share's vintage gap and the
above-scale count read from incomplete records; 0 for the rates of published series).
scipy.optimize.minimize (Nelder-Mead) on bounded parameters (a logistic map). Standard errors
(Gourieroux and Monfort 1996; Franke and Westerhoff 2012):
  V = (G'WG)^-1 G'W ((1 + 1/S) Omega + Sigma_data) W G (G'WG)^-1,
G the Jacobian of m at theta_hat (central differences, same seeds), Omega the covariance of
one run's moments across 3S further seeds at theta_hat (the record is one history of the
process, the model's mean is over S), Sigma_data = diag(max(se_data^2 - Omega_jj,
measurement se^2)). The runs of one
evaluation go to ``workers`` processes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..calibrate.observed import BY_NAME
from ..calibrate.statistics import run_statistics
from ..params import load_scenario

MOMENTS = ["ind_growth", "gdp_growth", "sec_trend", "pop_growth", "sec_2019", "as_growth"]
DATA_MOMENTS = {k: BY_NAME[k].value for k in MOMENTS}
# the data's own uncertainty of each moment (standard errors, same units as the moments)
DATA_SE = {k: BY_NAME[k].se for k in MOMENTS}
# of which measurement error, not the sampling noise of one history (the sandwich's Sigma_data)
MEASUREMENT_SE = {k: 0.0 for k in DATA_SE} | {"sec_2019": 0.01, "as_growth": 0.015}

# candidates for screening: (section.key, lower, upper)
CANDIDATES = [
    ("environment.national_competitiveness_growth", 0.0, 0.08),
    ("firms.provincial_demand_elasticity", 1.0, 6.0),
    ("firms.replicator_speed", 0.02, 0.3),
    ("environment.tertiary_trend_growth", 0.0, 0.15),
    ("environment.primary_growth", 0.0, 0.07),
    ("environment.oil_depletion", 0.0, 0.06),
    ("environment.migration_response", 0.0, 0.5),
    ("firms.rd_success", 10.0, 80.0),
    ("firms.productivity_shock_sd", 0.01, 0.06),
    ("environment.construction_trend_growth", -0.05, 0.05),
]


def simulate(values: dict, seed: int, n_firms: int = 3000, years: int = 5) -> np.ndarray:
    """The moments of one run with parameters ``values`` ({'section.key': value})."""
    stats = run_statistics(values, seed, n_firms, years)
    return np.array([stats[k] for k in MOMENTS])


def _simulate_job(job) -> np.ndarray:
    """``simulate`` of one (values, seed, n_firms) job, for an executor's ``map``."""
    values, seed, n_firms = job
    return simulate(values, seed, n_firms)


def simulate_many(values: dict, seeds, n_firms: int, pool=None) -> np.ndarray:
    """The moments of one run per seed (rows), on ``pool`` (an executor) when given."""
    jobs = [(values, s, n_firms) for s in seeds]
    rows = pool.map(_simulate_job, jobs) if pool is not None else map(_simulate_job, jobs)
    return np.array(list(rows))


def mean_moments(values: dict, seeds, n_firms: int, pool=None) -> np.ndarray:
    """The moments of ``values`` averaged over ``seeds`` (common random numbers)."""
    return simulate_many(values, seeds, n_firms, pool).mean(axis=0)


def morris_screen(n_firms: int = 3000, trajectories: int = 6, seed: int = 1, sd=None):
    """Morris elementary effects (SALib) of every candidate on every moment; returns a table
    of mu* per moment scaled by the moment's noise sd, and their sum (the ranking)."""
    from SALib.analyze import morris as morris_a
    from SALib.sample import morris as morris_s

    problem = {
        "num_vars": len(CANDIDATES),
        "names": [c[0] for c in CANDIDATES],
        "bounds": [[c[1], c[2]] for c in CANDIDATES],
    }
    X = morris_s.sample(problem, N=trajectories, num_levels=4, seed=seed)
    Y = np.array([simulate(dict(zip(problem["names"], x, strict=True)), 0, n_firms) for x in X])
    sd = np.ones(len(MOMENTS)) if sd is None else sd
    out = {}
    for j, mname in enumerate(MOMENTS):
        si = morris_a.analyze(problem, X, Y[:, j], num_levels=4, seed=seed)
        out[mname] = np.asarray(si["mu_star"]) / sd[j]
    table = pd.DataFrame(out, index=problem["names"])
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False), X.shape[0]


def smm(
    params: list[tuple[str, float, float]],
    seeds=(0, 1, 2, 3),
    n_firms: int = 3000,
    maxiter: int = 60,
    workers: int = 1,
    fixed: dict | None = None,
    start: dict | None = None,
):
    """SMM estimates, standard errors and fit for ``params`` [(key, lower, upper)], the other
    parameters at the baseline except ``fixed`` ({'section.key': value}, e.g. a parameter set
    from outside evidence); the search starts from ``start`` ({'section.key': value}; the
    baseline's values for the others), where the weights' noise is measured too; the runs of one
    evaluation on ``workers`` processes."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        return _smm(params, seeds, n_firms, maxiter, pool, dict(fixed or {}), dict(start or {}))
    finally:
        if pool is not None:
            pool.shutdown()


def _smm(params, seeds, n_firms, maxiter, pool, fixed, start):
    """The estimation of ``smm`` on an open executor ``pool`` (None: in this process)."""
    from scipy.optimize import minimize

    names = [p[0] for p in params]
    lo = np.array([p[1] for p in params])
    hi = np.array([p[2] for p in params])
    data = np.array([DATA_MOMENTS[k] for k in MOMENTS])
    base = load_scenario(None, [f"{k}={float(v)!r}" for k, v in fixed.items()])
    theta0 = np.array([start.get(k, _get(base, k)) for k in names])
    at_start = {**fixed, **dict(zip(names, theta0, strict=True))}
    noise = simulate_many(at_start, range(100, 100 + 3 * len(seeds)), n_firms, pool)
    data_var = np.array([DATA_SE[k] ** 2 for k in MOMENTS])
    W = np.diag(1.0 / (noise.var(axis=0, ddof=1) + data_var))

    def mean_at(values):
        return mean_moments({**fixed, **values}, seeds, n_firms, pool)

    def to_theta(z):
        return lo + (hi - lo) / (1.0 + np.exp(-z))

    def to_z(theta):
        p = np.clip((theta - lo) / (hi - lo), 1e-4, 1 - 1e-4)
        return np.log(p / (1 - p))

    def loss(z):
        m = mean_at(dict(zip(names, to_theta(z), strict=True)))
        d = m - data
        return float(d @ W @ d)

    z0 = to_z(theta0)
    res = minimize(
        loss,
        z0,
        method="Nelder-Mead",
        options={
            "maxiter": maxiter,
            "xatol": 1e-3,
            "fatol": 1e-3,
            "initial_simplex": np.vstack([z0] + [z0 + 0.8 * e for e in np.eye(len(z0))]),
        },
    )
    theta = to_theta(res.x)
    at = dict(zip(names, theta, strict=True))
    m_hat = mean_at(at)
    G = np.zeros((len(MOMENTS), len(names)))
    for j, k in enumerate(names):
        h = 0.05 * (hi[j] - lo[j])
        up, dn = dict(at), dict(at)
        up[k], dn[k] = min(theta[j] + h, hi[j]), max(theta[j] - h, lo[j])
        G[:, j] = (mean_at(up) - mean_at(dn)) / (up[k] - dn[k])
    omega_runs = simulate_many({**fixed, **at}, range(200, 200 + 3 * len(seeds)), n_firms, pool)
    omega = np.cov(omega_runs.T)
    bread = np.linalg.pinv(G.T @ W @ G)
    # what the record's spread holds beyond the model's own noise (national drivers vary in the
    # record, not under trend drivers), and at least the measurement error
    measured = np.array([MEASUREMENT_SE[k] ** 2 for k in MOMENTS])
    sigma_data = np.maximum(data_var - np.diag(omega), measured)
    meat = (1 + 1 / len(seeds)) * omega + np.diag(sigma_data)
    V = bread @ G.T @ W @ meat @ W @ G @ bread
    se = np.sqrt(np.maximum(np.diag(V), 0.0))
    est = pd.DataFrame(
        {
            "parameter": names,
            "baseline": theta0,
            "estimate": theta,
            "std_error": se,
            "lower_bound": lo,
            "upper_bound": hi,
        }
    )
    fit = pd.DataFrame(
        {
            "moment": MOMENTS,
            "data": data,
            "data_se": np.sqrt(data_var),
            "model_baseline": noise.mean(axis=0),
            "model_estimate": m_hat,
            "noise_sd": np.sqrt(np.diag(omega)),
        }
    )
    return est, fit, res


def _get(sc, key: str) -> float:
    sec, name = key.split(".")
    return float(getattr(getattr(sc, sec), name))
