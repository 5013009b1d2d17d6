"""Figures of the stylized facts: size CCDF, growth-rate density, volatility against size."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from .stylized import FactData  # noqa: E402


def size_ccdf(data: FactData, path: Path) -> None:
    x = np.sort(data.sizes)
    ccdf = 1.0 - np.arange(x.size) / x.size
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.loglog(x, ccdf, ".", ms=2, alpha=0.5, label="model, year 10 (all seeds)")
    fits = data.detail["_pareto"]
    alpha = np.mean([f.alpha for f in fits])
    xmin = np.mean([f.xmin for f in fits])
    p_xmin = np.mean(x >= xmin)
    xs = np.logspace(np.log10(xmin), np.log10(x.max()), 50)
    ax.loglog(xs, p_xmin * (xs / xmin) ** -alpha, "r-", label=f"Pareto ML fit, alpha = {alpha:.2f}")
    ax.loglog(xs, p_xmin * (xs / xmin) ** -1.0, "k--", lw=0.8, label="Zipf, alpha = 1")
    ax.set_xlabel("annual revenue, 10k yuan")
    ax.set_ylabel("P(S > s)")
    ax.set_title("Firm size distribution (CCDF)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def growth_density(data: FactData, path: Path) -> None:
    g = data.growth
    lo, hi = np.quantile(g, [0.0005, 0.9995])
    bins = np.linspace(lo, hi, 81)
    dens, edges = np.histogram(g, bins=bins, density=True)
    mid = 0.5 * (edges[1:] + edges[:-1])
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.semilogy(mid[dens > 0], dens[dens > 0], "o", ms=3, label="model (sector-demeaned)")
    ax.semilogy(mid, stats.laplace.pdf(mid, *stats.laplace.fit(g)), "r-", label="Laplace fit")
    ax.semilogy(mid, stats.norm.pdf(mid, *stats.norm.fit(g)), "k--", label="normal fit")
    t = data.detail["_tent"]
    ax.set_title(f"Annual log growth of revenue (kurtosis {t.kurtosis:.1f})")
    ax.set_xlabel("g = ln(S_t / S_t-1)")
    ax.set_ylabel("density (log scale)")
    ax.set_ylim(max(dens[dens > 0].min() / 3, 1e-4), dens.max() * 3)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def volatility(data: FactData, path: Path) -> None:
    v = data.detail["_vol"]
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.plot(v.log_size, v.log_sd, "o", label="20 equal-count size bins")
    b = np.polyfit(v.log_size, v.log_sd, 1)
    ax.plot(v.log_size, np.polyval(b, v.log_size), "r-", label=f"OLS slope {v.slope:.3f}")
    for s in (-0.1, -0.3):
        ax.plot(
            v.log_size,
            v.log_sd.mean() + s * (v.log_size - v.log_size.mean()),
            ":",
            color="grey",
            lw=0.8,
        )
    ax.set_xlabel("ln size (revenue in the previous year, 10k yuan)")
    ax.set_ylabel("ln sd of annual growth")
    ax.set_title("Growth volatility against size (dotted: slopes -0.1, -0.3)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_figures(data: FactData, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "size_ccdf.png", out / "growth_density.png", out / "volatility_size.png"]
    size_ccdf(data, paths[0])
    growth_density(data, paths[1])
    volatility(data, paths[2])
    return paths
