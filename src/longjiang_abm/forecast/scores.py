"""Scores of the forecasts: the error of the point forecast (the mean) and the continuous ranked
probability score (CRPS) of the whole forecast distribution, both in percentage points.

CRPS(F, y) = E|X - y| - E|X - X'| / 2, X, X' independent draws of F (Gneiting & Raftery 2007,
JASA 102): the mean absolute error of a point forecast generalised to a distribution; lower is
better. The model's F is its ensemble of runs (``scoringrules.crps_ensemble``, the fair
estimator, unbiased for the distribution the runs sample); a benchmark's is N(mean, sd)
(``scoringrules.crps_normal``), or a point when sd = 0 (CRPS = |error|). RMSE per series and
method: over the forecast years the record has (one or two).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .benchmarks import METHODS, benchmark_forecasts
from .record import BY_SERIES, forecast_points

MODEL = "model"


def crps_normal(y: float, mean: float, sd: float) -> float:
    import scoringrules as sr

    if sd <= 0:
        return abs(y - mean)
    return float(sr.crps_normal(y, mean, sd))


def crps_ensemble(y: float, draws: np.ndarray) -> float:
    import scoringrules as sr

    return float(sr.crps_ensemble(y, np.asarray(draws, dtype=float), estimator="fair"))


def point_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per scored forecast (series, year): the record, the model's mean and 90% band
    over its runs with a finite value (``runs`` counts them), each method's mean, and every
    method's error (forecast - record) and CRPS; NaN where a method is not defined."""
    rows = []
    for name, year, actual in forecast_points():
        draws = runs.loc[runs.year == year, name].to_numpy(dtype=float)
        draws = draws[np.isfinite(draws)]  # a run that could not measure it (counted below)
        ok = draws.size >= 2
        row = {
            "series": name,
            "year": year,
            "record": actual,
            "runs": int(draws.size),
            "model": float(draws.mean()) if ok else np.nan,
            "model 5%": float(np.quantile(draws, 0.05)) if ok else np.nan,
            "model 95%": float(np.quantile(draws, 0.95)) if ok else np.nan,
        }
        crps = {MODEL: crps_ensemble(actual, draws) if ok else np.nan}
        for method, f in benchmark_forecasts(BY_SERIES[name], year).items():
            row[method] = np.nan if f is None else f[0]
            crps[method] = np.nan if f is None else crps_normal(actual, *f)
        for method in (MODEL, *METHODS):
            row[f"error {method}"] = row[method] - actual
        for method in (MODEL, *METHODS):
            row[f"CRPS {method}"] = crps[method]
        rows.append(row)
    return pd.DataFrame(rows)


def summary_table(points: pd.DataFrame) -> pd.DataFrame:
    """Per series: RMSE and mean CRPS of every method (NaN where it is not defined for every
    forecast year of the series), and which defined method scores best on each."""
    rows = []
    methods = (MODEL, *METHODS)
    for name, g in points.groupby("series", sort=False):
        row = {"series": name, "forecasts": len(g)}
        for m in methods:
            e = g[f"error {m}"].to_numpy(dtype=float)
            row[f"RMSE {m}"] = float(np.sqrt(np.mean(e**2))) if np.isfinite(e).all() else np.nan
        for m in methods:
            c = g[f"CRPS {m}"].to_numpy(dtype=float)
            row[f"CRPS {m}"] = float(c.mean()) if np.isfinite(c).all() else np.nan
        rmse = {m: row[f"RMSE {m}"] for m in methods if np.isfinite(row[f"RMSE {m}"])}
        crps = {m: row[f"CRPS {m}"] for m in methods if np.isfinite(row[f"CRPS {m}"])}
        row["best RMSE"] = min(rmse, key=rmse.get)
        row["best CRPS"] = min(crps, key=crps.get)
        rows.append(row)
    return pd.DataFrame(rows).set_index("series")
