"""The stylized facts' measures year by year (context for the checked rows of year 10): the
size tail, with the KS-chosen xmin and above the above-scale threshold, and the investment
rates, so that a reader sees when and how the firm population drifts from the facts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..strategy import ABOVE_SCALE_REVENUE, above_scale
from . import facts

MIN_TAIL = 10  # fewer firms above the threshold: no exponent


def _tail_above_scale(rev: np.ndarray, level: float) -> tuple[float, int]:
    """Pareto exponent (``facts.pareto_tail``, xmin fixed at the above-scale threshold of the
    year, 2000 / L_y) and the number of firms above it; NaN with fewer than ``MIN_TAIL``."""
    n = int(np.count_nonzero(above_scale(rev, level)))
    if n < MIN_TAIL:
        return float("nan"), n
    return facts.pareto_tail(rev, xmin=ABOVE_SCALE_REVENUE / level, compare=False).alpha, n


def _above_scale_flows(p, year: int) -> tuple[float, float, float]:
    """Of the firms above scale at the end of ``year`` - 1 (their year's price level): the
    shares that exited by the end of ``year`` and that fell below the threshold, and the
    firms that rose above it, per firm above scale at the start."""
    snap, levels = p.snapshots, p.kpis["national_price_level"].to_numpy()
    before, now = snap[snap.year == year - 1], snap[snap.year == year]
    lv0 = 1.0 if year == 1 else float(levels[year - 2])
    above0 = set(before.id[above_scale(before.rev_year, lv0)])
    above1 = set(now.id[above_scale(now.rev_year, float(levels[year - 1]))])
    alive = set(now.id)
    if not above0:
        return float("nan"), float("nan"), float("nan")
    exited = len(above0 - alive)
    fell = len((above0 & alive) - above1)
    rose = len(above1 - above0)
    return exited / len(above0), fell / len(above0), rose / len(above0)


def facts_by_year(panels, final_fits=None) -> pd.DataFrame:
    """One row per simulated year, means over the panels (seeds): living firms; the Pareto
    exponent of annual revenue with the KS-chosen xmin as the checked row measures it, in the
    first year and the last (``final_fits``: the checked row's own fits, one per panel, reused;
    the KS search is slow, so the years between are left out) and above the above-scale
    threshold (20m current yuan: 2000 / L_y, the
    population of Heinrich & Dai 2016); the firms above scale at the start of the year: the
    shares that exited, fell below the threshold, and the firms that rose above it (per firm
    above scale at the start); the investment rate's mean, inaction (< 1%) and spike (> 20%)
    shares over firms alive at the start and end of the year (as the checked rows)."""
    rows = []
    for year in range(1, panels[0].years + 1):
        r = {"year": year}
        firms, ks, ks_xmin, ab, ab_n, inv, cap = [], [], [], [], [], [], []
        flows = []  # (exited, fell below, rose above) / above scale at the start
        for p in panels:
            snap = p.snapshots
            end = snap[snap.year == year]
            rev = end.rev_year.to_numpy()
            firms.append(rev.size)
            level = float(p.kpis["national_price_level"].iloc[year - 1])
            flows.append(_above_scale_flows(p, year))
            a, n = _tail_above_scale(rev, level)
            ab.append(a)
            ab_n.append(n)
            fit = None
            if year == p.years and final_fits is not None:
                fit = final_fits[len(ks)]
            elif year == 1 or year == p.years:
                fit = facts.pareto_tail(
                    rev, xmin=tuple(np.quantile(rev, [0.5, 0.995])), compare=False
                )
            if fit is not None:
                ks.append(fit.alpha)
                ks_xmin.append(fit.xmin)
            w = snap[(snap.year == year) & (snap.born <= 4 * (year - 1))]
            inv.append(w.inv_ytd.to_numpy())
            cap.append(w.K_year.to_numpy())
        mean_i, inaction, spikes = facts.investment_lumpiness(
            np.concatenate(inv), np.concatenate(cap)
        )
        r |= {
            "firms": float(np.mean(firms)),
            "pareto_ks": float(np.mean(ks)) if ks else float("nan"),
            "xmin_ks": float(np.mean(ks_xmin)) if ks_xmin else float("nan"),
            "pareto_above_scale": float(np.nanmean(ab)),
            "above_scale_n": float(np.mean(ab_n)),
            "above_scale_exited": float(np.mean([f[0] for f in flows])),
            "above_scale_fell": float(np.mean([f[1] for f in flows])),
            "above_scale_rose": float(np.mean([f[2] for f in flows])),
            "mean_ik": mean_i,
            "inaction": inaction,
            "spikes": spikes,
        }
        rows.append(r)
    return pd.DataFrame(rows)
