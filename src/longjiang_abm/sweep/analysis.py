"""The numbers of a sweep's analysis: its runs loaded, target probabilities, summaries per
point, and the sensitivity indices of SALib (Sobol, Morris, RBD-FAST). No figures
(``plots.py``); ``analyze.py`` writes both."""

from __future__ import annotations

import itertools
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..init.population import N_REFERENCE
from . import store
from .execute import unique_runs
from .spec import SweepError

TARGETS = {
    "secondary_share": (0.35, "secondary share >= 35%"),
    "above_scale_firms": (5000.0, "above-scale firms >= 5000"),
}
HORIZONS = (5, 10)
CONF_LEVEL = 0.95
NUM_RESAMPLES = 200
ANALYSIS_SEED = 2019
LABELS = {
    "secondary_share": "secondary share of GDP",
    "above_scale_firms": "above-scale firms",
    "gdp": "GDP (100m yuan)",
    "fiscal_balance": "fiscal balance (100m yuan)",
}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def _short(factor: str) -> str:
    return factor.split(".")[-1]


def load(out: Path) -> tuple[dict, pd.DataFrame]:
    """The manifest and one row per (design point, replicate, year) of the finished runs."""
    out = Path(out)
    if not out.is_dir():
        raise SweepError(f"{out}: no such sweep folder")
    manifest = store.read_manifest(out)
    df = store.read_runs(out, manifest)
    if df.empty:
        raise SweepError(f"{out}: no finished runs yet; run the sweep first")
    rows = pd.DataFrame(
        [(r["run_id"], r["point"], r["replicate"]) for r in manifest["runs"]],
        columns=["run_id", "point", "replicate"],
    )
    # a run shared by several design rows (identical parameters and seed) serves each of them
    data = rows.merge(df.drop(columns=["point", "replicate"]), on="run_id", how="inner")
    return manifest, data.sort_values(["point", "replicate", "year"]).reset_index(drop=True)


def thresholds(manifest: dict) -> dict[str, float]:
    n_firms = manifest["base_scenario"]["run"]["n_firms"]
    out = {k: v for k, (v, _) in TARGETS.items()}
    out["above_scale_firms"] *= n_firms / N_REFERENCE
    return out


def horizons(years: list[int]) -> list[int]:
    n = len(years)
    hs = [h for h in HORIZONS if h <= n]
    return hs or [n]


def target_table(manifest: dict, data: pd.DataFrame, factors, outputs) -> pd.DataFrame:
    """Probability across replications of reaching each target by each horizon, per point."""
    years = sorted(data["year"].unique())
    first = years[0]
    thr = thresholds(manifest)
    rows = []
    for target, (_, label) in TARGETS.items():
        if target not in outputs:
            continue
        for h in horizons(years):
            sub = data[data["year"] < first + h]
            reached = (
                sub.assign(hit=sub[target] >= thr[target] - 1e-12)
                .groupby(["point", "replicate"])["hit"]
                .any()
                .groupby("point")
            )
            prob = reached.mean()
            n = reached.size()
            pts = data.groupby("point")[list(factors)].first()
            t = pts.loc[prob.index].copy()
            t["target"] = target
            t["label"] = label
            t["threshold"] = thr[target]
            t["horizon"] = h
            t["horizon_year"] = first + h - 1
            t["probability"] = prob.to_numpy()
            t["replications"] = n.to_numpy()
            rows.append(t.reset_index())
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def point_summary(data: pd.DataFrame, factors, outputs) -> pd.DataFrame:
    g = data.groupby(["point", "year"])
    parts = [g[list(factors)].first()]
    for stat in ("mean", "std", "count"):
        s = g[list(outputs)].agg(stat)
        s.columns = [f"{c}__{stat}" for c in s.columns]
        parts.append(s)
    return pd.concat(parts, axis=1).reset_index()


# --- grid ---------------------------------------------------------------------------------------


def _point_means(manifest, data, outputs, year) -> np.ndarray:
    n_points = manifest["n_points"]
    m = data[data["year"] == year].groupby("point")[list(outputs)].mean()
    return m.reindex(range(n_points)).to_numpy(dtype=np.float64)


def _require_complete(manifest: dict, out: Path) -> None:
    planned = {r["run_id"] for r in unique_runs(manifest)}
    missing = planned - store.finished_ids(out)
    if missing:
        failed = len(set(store.failures(out)) & missing)
        raise SweepError(
            f"{out}: {len(missing)} of {len(planned)} planned runs have no result ({failed} "
            f"recorded as failed in {out / store.FAILED}); a {manifest['design']['kind']} "
            "analysis needs every run: finish the sweep with --resume first"
        )


def _safe(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return fn(*args, **kwargs)
            except (ValueError, ZeroDivisionError, FloatingPointError, np.linalg.LinAlgError):
                return None


def sobol_table(manifest, data, factors, outputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First-order and total Sobol indices (and second-order ones if planned) per output and
    year, with confidence intervals."""
    from SALib.analyze import sobol

    problem = manifest["design"]["problem"]
    second = bool(manifest["design"]["options"].get("second_order"))
    years = sorted(data["year"].unique())
    rows, rows2 = [], []
    for year in years:
        Y = _point_means(manifest, data, outputs, year)
        for j, o in enumerate(outputs):
            y = Y[:, j]
            res = (
                None
                if np.nanstd(y) == 0
                else _safe(
                    sobol.analyze,
                    problem,
                    y,
                    calc_second_order=second,
                    num_resamples=NUM_RESAMPLES,
                    conf_level=CONF_LEVEL,
                    seed=ANALYSIS_SEED,
                )
            )
            for k, f in enumerate(factors):
                rows.append(
                    {
                        "output": o,
                        "year": year,
                        "factor": f,
                        "S1": res["S1"][k] if res else np.nan,
                        "S1_conf": res["S1_conf"][k] if res else np.nan,
                        "ST": res["ST"][k] if res else np.nan,
                        "ST_conf": res["ST_conf"][k] if res else np.nan,
                    }
                )
            if second and res:
                for a, b in itertools.combinations(range(len(factors)), 2):
                    rows2.append(
                        {
                            "output": o,
                            "year": year,
                            "factor_1": factors[a],
                            "factor_2": factors[b],
                            "S2": res["S2"][a, b],
                            "S2_conf": res["S2_conf"][a, b],
                        }
                    )
    return pd.DataFrame(rows), pd.DataFrame(rows2)


def morris_table(manifest, data, factors, outputs) -> pd.DataFrame:
    """Morris mu, mu*, sigma and the confidence interval of mu*, per output and year."""
    from SALib.analyze import morris

    problem = manifest["design"]["problem"]
    X = np.asarray(manifest["design"]["points"], dtype=np.float64)
    levels = manifest["design"]["options"]["levels"]
    years = sorted(data["year"].unique())
    rows = []
    for year in years:
        Y = _point_means(manifest, data, outputs, year)
        for j, o in enumerate(outputs):
            res = _safe(
                morris.analyze,
                problem,
                X,
                Y[:, j],
                num_resamples=NUM_RESAMPLES,
                conf_level=CONF_LEVEL,
                num_levels=levels,
                seed=ANALYSIS_SEED,
            )
            for k, f in enumerate(factors):
                rows.append(
                    {
                        "output": o,
                        "year": year,
                        "factor": f,
                        **{
                            c: (float(res[c][k]) if res else np.nan)
                            for c in ("mu", "mu_star", "sigma", "mu_star_conf")
                        },
                    }
                )
    return pd.DataFrame(rows)


def rbd_fast_table(manifest, data, factors, outputs) -> pd.DataFrame:
    """RBD-FAST first-order indices of an LHS design, per output and year."""
    from SALib.analyze import rbd_fast

    problem = manifest["design"]["problem"]
    X_all = np.asarray(manifest["design"]["points"], dtype=np.float64)
    years = sorted(data["year"].unique())
    rows = []
    for year in years:
        Y = _point_means(manifest, data, outputs, year)
        ok = ~np.isnan(Y).any(axis=1)
        for j, o in enumerate(outputs):
            res = _safe(
                rbd_fast.analyze,
                problem,
                X_all[ok],
                Y[ok, j],
                num_resamples=NUM_RESAMPLES,
                conf_level=CONF_LEVEL,
                seed=ANALYSIS_SEED,
            )
            for k, f in enumerate(factors):
                rows.append(
                    {
                        "output": o,
                        "year": year,
                        "factor": f,
                        "S1": float(res["S1"][k]) if res else np.nan,
                        "S1_conf": float(res["S1_conf"][k]) if res else np.nan,
                    }
                )
    return pd.DataFrame(rows)
