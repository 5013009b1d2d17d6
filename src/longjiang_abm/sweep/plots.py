"""The figures of a sweep's analysis (matplotlib, Agg): heatmaps of a grid, bars of Sobol
indices, Morris mu*-sigma plots, LHS scatter plots. The numbers come from ``analysis.py``."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis import CONF_LEVEL, LABELS, TARGETS, _point_means, _short, _slug, horizons


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path, note: str = "") -> None:
    """Save ``fig``, with a footnote saying what the spread across replications holds."""
    if note:
        fig.text(0.01, -0.01, f"replications: {note}", fontsize=7, va="top", wrap=True)
    fig.savefig(path, dpi=120, bbox_inches="tight")


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


def grid_outputs(
    manifest, data, targets, factors, outputs, folder: Path, note: str = ""
) -> list[Path]:
    plt = _plt()
    across = "seeds and posterior draws" if manifest.get("posterior") else "seeds"
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
        _save(fig, p, note)
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
            fig.colorbar(im, ax=axes[0].tolist(), shrink=0.85, label=f"probability across {across}")
            p = folder / f"grid_prob_{target}_{tag}.png"
            _save(fig, p, note)
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
        _save(fig, p, note)
        plt.close(fig)
        written.append(p)
    return written


def sobol_figures(
    table: pd.DataFrame, years, factors, outputs, folder: Path, note: str = ""
) -> list[Path]:
    """Bars of S1 and ST by factor (year 5 and the last year), ST over the years."""
    written = []
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
        _save(fig, p, note)
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
        _save(fig, p, note)
        plt.close(fig)
        written.append(p)
    return written


def morris_figure(table: pd.DataFrame, years, outputs, folder: Path, note: str = "") -> list[Path]:
    """mu* against sigma per factor, in the last year."""
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
    _save(fig, p, note)
    plt.close(fig)
    return [p]


def lhs_figure(manifest, data, factors, outputs, folder: Path, note: str = "") -> list[Path]:
    """Scatter plots of the replication means against each factor, in the last year."""
    X_all = np.asarray(manifest["design"]["points"], dtype=np.float64)
    years = sorted(data["year"].unique())
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
    _save(fig, p, note)
    plt.close(fig)
    return [p]
