"""``longjiang analyze DIR``: tables (CSV) and figures (PNG) in ``DIR/analysis/``.

For every design:
- ``point_summary.csv``: mean, sd and count across replications of each output, per point and year;
- ``targets.csv``: per point, the probability across replications of reaching each target of the
  strategy by year 5 and year 10 (or the last simulated year): secondary share >= 35% of GDP and
  5000 above-scale firms. "Reached by year N" means met in at least one year up to the N-th
  simulated year (year 1 = 2019). The above-scale target is a count of single firms, so in a
  reduced population (``firms`` below 35,000) it is scaled by firms / 35,000 (the column
  ``threshold`` records the value used).

By design:
- grid: heatmaps over each pair of factors of the target probabilities (``grid_prob_*.png``,
  averaged over any other factors) and of the mean outputs (``grid_mean_*.png``,
  ``grid_means.csv``);
- sobol: first-order and total Sobol indices with 95% confidence intervals (SALib
  ``sobol.analyze`` on the replication means), per output and year (``sobol_indices.csv``,
  ``sobol_<year>.png``, ``sobol_total_by_year.png``);
- morris: Morris mu, mu*, sigma and mu* confidence interval (``morris_indices.csv``,
  ``morris_<year>.png``);
- lhs: RBD-FAST first-order indices (``rbd_fast_indices.csv``) and scatter plots
  (``lhs_scatter_<year>.png``).
"""

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


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


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


def _number(v: float) -> str:
    """A short label for a heatmap cell."""
    if not np.isfinite(v):
        return "-"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def _percent(v: float) -> str:
    return f"{v:.2%}" if np.isfinite(v) else "-"


def _heat(
    ax,
    table: pd.DataFrame,
    fx: str,
    fy: str,
    title: str,
    vmin=None,
    vmax=None,
    fmt=_number,
    ylabel=True,
):
    piv = table.pivot(index=fy, columns=fx, values="value").sort_index().sort_index(axis=1)
    im = ax.imshow(
        piv.to_numpy(), origin="lower", cmap="viridis", vmin=vmin, vmax=vmax, aspect="auto"
    )
    ax.set_xticks(range(piv.shape[1]), [f"{v:g}" for v in piv.columns])
    ax.set_yticks(range(piv.shape[0]), [f"{v:g}" for v in piv.index])
    ax.set_xlabel(fx)
    if ylabel:
        ax.set_ylabel(fy)
    ax.set_title(title, fontsize=9)
    vals = piv.to_numpy()
    lo = np.nanmin(vals) if vmin is None else vmin
    hi = np.nanmax(vals) if vmax is None else vmax
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            v = vals[i, j]
            frac = 0.0 if hi == lo else (v - lo) / (hi - lo)
            ax.text(
                j,
                i,
                fmt(v),
                ha="center",
                va="center",
                fontsize=7,
                color="black" if frac > 0.6 else "white",
            )
    return im


def grid_outputs(manifest, data, targets, factors, outputs, folder: Path) -> list[Path]:
    plt = _plt()
    written = []
    levels = manifest["design"]["options"]["levels"]
    varying = [f for f in factors if len(levels[f]) > 1]
    years = sorted(data["year"].unique())
    hs = horizons(years)
    show_years = sorted({years[0] + h - 1 for h in hs} | {years[-1]})
    # mean outputs per factor combination (over replications and any other factors)
    means = data[data["year"].isin(show_years)].groupby([*factors, "year"])[list(outputs)].mean()
    means.reset_index().to_csv(folder / "grid_means.csv", index=False)
    written.append(folder / "grid_means.csv")
    pairs = list(itertools.combinations(varying, 2))
    if not pairs and varying:
        # one varying factor: lines instead of heatmaps
        f = varying[0]
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
        for target, sub in targets.groupby("target") if len(targets) else []:
            for h, s in sub.groupby("horizon_year"):
                s2 = s.groupby(f)["probability"].mean()
                axes[0].plot(
                    s2.index, s2.to_numpy(), marker="o", label=f"{TARGETS[target][1]}, by {h}"
                )
        axes[0].set_xlabel(f)
        axes[0].set_ylabel("probability")
        axes[0].set_ylim(-0.05, 1.05)
        axes[0].legend(fontsize=7)
        m = data[data["year"] == years[-1]].groupby(f)[outputs[0]].mean()
        axes[1].plot(m.index, m.to_numpy(), marker="o")
        axes[1].set_xlabel(f)
        axes[1].set_ylabel(f"{outputs[0]} in {years[-1]}")
        fig.tight_layout()
        p = folder / f"grid_{_slug(_short(f))}.png"
        fig.savefig(p, dpi=120)
        plt.close(fig)
        written.append(p)
    for fx, fy in pairs:
        tag = f"{_slug(_short(fx))}_x_{_slug(_short(fy))}"
        for target, sub in targets.groupby("target", sort=False) if len(targets) else []:
            hys = sorted(sub["horizon_year"].unique())
            fig, axes = plt.subplots(1, len(hys), figsize=(4.6 * len(hys), 3.9), squeeze=False)
            for k, (ax, hy) in enumerate(zip(axes[0], hys, strict=True)):
                t = sub[sub["horizon_year"] == hy].groupby([fx, fy])["probability"].mean()
                t = t.rename("value").reset_index()
                title = f"P({TARGETS[target][1]} by {hy})"
                im = _heat(ax, t, fx, fy, title, 0.0, 1.0, ylabel=k == 0)
            fig.colorbar(im, ax=axes[0].tolist(), shrink=0.85, label="probability across seeds")
            p = folder / f"grid_prob_{target}_{tag}.png"
            fig.savefig(p, dpi=120, bbox_inches="tight")
            plt.close(fig)
            written.append(p)
        n_out = len(outputs)
        fig, axes = plt.subplots(1, n_out, figsize=(4.4 * n_out, 3.9), squeeze=False)
        last = years[-1]
        for k, (ax, o) in enumerate(zip(axes[0], outputs, strict=True)):
            t = data[data["year"] == last].groupby([fx, fy])[o].mean().rename("value").reset_index()
            fmt = _percent if o.endswith("share") else _number
            title = f"mean {LABELS.get(o, o)}, {last}"
            im = _heat(ax, t, fx, fy, title, fmt=fmt, ylabel=k == 0)
            fig.colorbar(im, ax=ax, shrink=0.8)
        fig.tight_layout()
        p = folder / f"grid_mean_{tag}.png"
        fig.savefig(p, dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append(p)
    return written


# --- SALib designs ------------------------------------------------------------------------------


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


def sobol_outputs(manifest, data, factors, outputs, folder: Path) -> list[Path]:
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
    table = pd.DataFrame(rows)
    written = [folder / "sobol_indices.csv"]
    table.to_csv(written[0], index=False)
    if rows2:
        pd.DataFrame(rows2).to_csv(folder / "sobol_second_order.csv", index=False)
        written.append(folder / "sobol_second_order.csv")
    plt = _plt()
    for year in sorted({years[min(4, len(years) - 1)], years[-1]}):
        t = table[table["year"] == year]
        fig, axes = plt.subplots(
            1, len(outputs), figsize=(3.6 * len(outputs) + 1, 3.8), squeeze=False, sharey=True
        )
        x = np.arange(len(factors))
        for ax, o in zip(axes[0], outputs, strict=True):
            s = t[t["output"] == o].set_index("factor").reindex(factors)
            ax.bar(x - 0.2, s["S1"], 0.4, yerr=s["S1_conf"], capsize=3, label="S1 (first order)")
            ax.bar(x + 0.2, s["ST"], 0.4, yerr=s["ST_conf"], capsize=3, label="ST (total)")
            ax.set_xticks(x, [_short(f) for f in factors], rotation=30, ha="right", fontsize=8)
            ax.set_title(f"{LABELS.get(o, o)}, {year}", fontsize=9)
            ax.axhline(0, color="grey", lw=0.5)
        axes[0][0].set_ylabel(f"Sobol index ({CONF_LEVEL:.0%} CI)")
        axes[0][0].legend(fontsize=7)
        fig.tight_layout()
        p = folder / f"sobol_{year}.png"
        fig.savefig(p, dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append(p)
    if len(years) > 1:
        fig, axes = plt.subplots(
            1, len(outputs), figsize=(3.6 * len(outputs) + 1, 3.6), squeeze=False, sharey=True
        )
        for ax, o in zip(axes[0], outputs, strict=True):
            for f in factors:
                s = table[(table["output"] == o) & (table["factor"] == f)]
                ax.plot(s["year"], s["ST"], marker=".", label=_short(f))
            ax.set_title(LABELS.get(o, o), fontsize=9)
            ax.set_xlabel("year")
        axes[0][0].set_ylabel("total Sobol index ST")
        axes[0][-1].legend(fontsize=7)
        fig.tight_layout()
        p = folder / "sobol_total_by_year.png"
        fig.savefig(p, dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append(p)
    return written


def morris_outputs(manifest, data, factors, outputs, folder: Path) -> list[Path]:
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
    table = pd.DataFrame(rows)
    written = [folder / "morris_indices.csv"]
    table.to_csv(written[0], index=False)
    plt = _plt()
    year = years[-1]
    t = table[table["year"] == year]
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.8 * len(outputs), 3.6), squeeze=False)
    for ax, o in zip(axes[0], outputs, strict=True):
        s = t[t["output"] == o]
        ax.errorbar(s["mu_star"], s["sigma"], xerr=s["mu_star_conf"], fmt="o", capsize=3)
        for _, r in s.iterrows():
            ax.annotate(
                _short(r["factor"]),
                (r["mu_star"], r["sigma"]),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
            )
        ax.set_xlabel("mu* (mean |elementary effect|)")
        ax.set_title(f"{LABELS.get(o, o)}, {year}", fontsize=9)
    axes[0][0].set_ylabel("sigma")
    fig.tight_layout()
    p = folder / f"morris_{year}.png"
    fig.savefig(p, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return [*written, p]


def lhs_outputs(manifest, data, factors, outputs, folder: Path) -> list[Path]:
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
    written = [folder / "rbd_fast_indices.csv"]
    pd.DataFrame(rows).to_csv(written[0], index=False)
    plt = _plt()
    year = years[-1]
    Y = _point_means(manifest, data, outputs, year)
    fig, axes = plt.subplots(
        len(outputs),
        len(factors),
        figsize=(2.8 * len(factors) + 0.5, 2.4 * len(outputs)),
        squeeze=False,
        sharey="row",
    )
    for i, o in enumerate(outputs):
        for k, f in enumerate(factors):
            ax = axes[i][k]
            ax.scatter(X_all[:, k], Y[:, i], s=6, alpha=0.6)
            if i == len(outputs) - 1:
                ax.set_xlabel(_short(f), fontsize=8)
        axes[i][0].set_ylabel(o, fontsize=8)
    fig.suptitle(f"LHS design: replication means in {year}", fontsize=10)
    fig.tight_layout()
    p = folder / f"lhs_scatter_{year}.png"
    fig.savefig(p, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return [*written, p]


# --- entry point --------------------------------------------------------------------------------


def analyze_sweep(out: str | Path) -> dict:
    """Write the analysis of the sweep in ``out`` to ``out/analysis/``; return what was written."""
    out = Path(out)
    manifest, data = load(out)
    kind = manifest["design"]["kind"]
    factors = manifest["design"]["factors"]
    outputs = manifest["sweep"]["sweep"]["outputs"]
    if kind in ("sobol", "morris"):
        _require_complete(manifest, out)
    folder = out / "analysis"
    folder.mkdir(exist_ok=True)
    written = []
    summary = point_summary(data, factors, outputs)
    summary.to_csv(folder / "point_summary.csv", index=False)
    written.append(folder / "point_summary.csv")
    targets = target_table(manifest, data, factors, outputs)
    if not targets.empty:
        targets.to_csv(folder / "targets.csv", index=False)
        written.append(folder / "targets.csv")
    if kind == "grid":
        written += grid_outputs(manifest, data, targets, factors, outputs, folder)
    elif kind == "sobol":
        written += sobol_outputs(manifest, data, factors, outputs, folder)
    elif kind == "morris":
        written += morris_outputs(manifest, data, factors, outputs, folder)
    elif kind == "lhs":
        written += lhs_outputs(manifest, data, factors, outputs, folder)
    planned = len(unique_runs(manifest))
    finished = len(store.finished_ids(out) & {r["run_id"] for r in manifest["runs"]})
    return {
        "kind": kind,
        "folder": folder,
        "files": written,
        "planned": planned,
        "finished": finished,
        "targets": targets,
    }


__all__ = ["HORIZONS", "TARGETS", "analyze_sweep", "load", "target_table", "thresholds"]
