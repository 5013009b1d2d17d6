"""The stylized facts of firm populations measured on the model's annual firm panels.

Definitions (docs/validation.md gives the reasoning):
- size: annual revenue (10k yuan) of the living firms at the end of the last year;
- growth: g = ln(rev_y / rev_{y-1}) of firms active through both years (born in or before the
  last quarter of year y-2), minus the mean of their sector in that year, pooled over the last
  ``window`` years and over seeds;
- volatility: sd of g in 20 equal-count bins of ln rev_{y-1}; slope of ln sd on ln size;
- survival: entrants of every quarter observed for k years, share still alive after 4k
  quarters, pooled over seeds;
- TFP dispersion: 90/10 ratio of the productivity index A within each sector (sectors with at
  least 30 firms) at the end of the last year, median over sectors, mean over seeds;
- investment: annual investment over capital at the start of the year, firms alive at the
  start and the end of the year, pooled over the last ``window`` years and seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import facts
from .panel import Panel

# (key, fact, measure, target text, lower, upper, source)
FACT_ROWS = [
    (
        "pareto_alpha",
        "firm size tail",
        "Pareto exponent of the revenue CCDF (ML, KS xmin)",
        "~1.0 (US 1.06)",
        0.8,
        1.5,
        "Axtell (2001); Heinrich & Dai (2016)",
    ),
    (
        "growth_kurtosis",
        "growth rates tent-shaped",
        "kurtosis of annual log growth",
        "well above 3",
        4.0,
        np.inf,
        "Stanley et al. (1996); Bottazzi & Secchi; Zou (2019)",
    ),
    (
        "laplace_minus_normal_ll",
        "growth rates tent-shaped",
        "log-likelihood Laplace - normal (per obs.)",
        "Laplace fits better (> 0)",
        0.0,
        np.inf,
        "same",
    ),
    (
        "volatility_slope",
        "volatility falls with size",
        "slope of ln sd(g) on ln size",
        "-0.15 to -0.20",
        -0.3,
        -0.1,
        "Amaral et al. (1997)",
    ),
    ("survival_2", "entrants' survival", "share alive after 2 years", "0.66", 0.51, 0.81, "US SBA"),
    ("survival_4", "entrants' survival", "share alive after 4 years", "0.44", 0.29, 0.59, "US SBA"),
    ("survival_6", "entrants' survival", "share alive after 6 years", "0.40", 0.25, 0.55, "US SBA"),
    (
        "tfp_90_10",
        "TFP dispersion within sectors",
        "90/10 ratio of TFP (median over sectors)",
        "~2 US, ~5 China",
        2.0,
        8.0,
        "Syverson (2011); Hsieh & Klenow (2009)",
    ),
    (
        "inv_inaction",
        "investment lumpiness",
        "share of firm-years with I/K < 1%",
        "0.081",
        0.0405,
        0.162,
        "Cooper & Haltiwanger (2006)",
    ),
    (
        "inv_spikes",
        "investment lumpiness",
        "share of firm-years with I/K > 20%",
        "0.186",
        0.093,
        0.372,
        "Cooper & Haltiwanger (2006)",
    ),
]


@dataclass
class FactData:
    """Pooled measurements behind the rows (kept for the figures)."""

    sizes: np.ndarray
    growth: np.ndarray
    growth_size: np.ndarray
    values: dict
    detail: dict


def growth_rates(snap: pd.DataFrame, years: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Sector-demeaned annual log revenue growth and the size (revenue) in the previous year."""
    gs, ss = [], []
    for y in years:
        a = snap[snap.year == y - 1][["id", "rev_year", "born"]]
        b = snap[snap.year == y][["id", "rev_year", "sector"]]
        m = a.merge(b, on="id", suffixes=("_0", "_1"))
        m = m[(m.born <= 4 * (y - 2)) & (m.rev_year_0 > 0) & (m.rev_year_1 > 0)]
        g = np.log(m.rev_year_1.to_numpy() / m.rev_year_0.to_numpy())
        g = g - m.assign(g=g).groupby("sector")["g"].transform("mean").to_numpy()
        gs.append(g)
        ss.append(m.rev_year_0.to_numpy())
    return np.concatenate(gs), np.concatenate(ss)


def measure_facts(panels: list[Panel], window: int = 3) -> FactData:
    years = panels[0].years
    last = 4 * years
    growth_years = list(range(max(2, years - window + 1), years + 1))
    alphas, tfp, sizes, g_all, s_all, inv, cap, born, died, detail = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        {},
    )
    for p in panels:
        snap = p.snapshots
        end = snap[snap.year == years]
        fit = facts.pareto_tail(
            end.rev_year.to_numpy(),
            xmin=tuple(np.quantile(end.rev_year, [0.5, 0.995])),
            compare=False,
        )
        alphas.append(fit)
        sizes.append(end.rev_year.to_numpy())
        g, s = growth_rates(snap, growth_years)
        g_all.append(g)
        s_all.append(s)
        r = facts.tfp_ratio_90_10(end.A.to_numpy(), end.sector.to_numpy())
        tfp.append(np.median(list(r.values())))
        for y in growth_years:
            w = snap[(snap.year == y) & (snap.born <= 4 * (y - 1))]
            inv.append(w.inv_ytd.to_numpy())
            cap.append(w.K_year.to_numpy())
        entrants = p.born > 0
        born.append(p.born[entrants])
        died.append(p.died[entrants])
    g = np.concatenate(g_all)
    s = np.concatenate(s_all)
    tent = facts.tent_shape(g)
    vol = facts.volatility_slope(s, g)
    surv = facts.survival(np.concatenate(born), np.concatenate(died), last)
    mean_i, inaction, spikes = facts.investment_lumpiness(np.concatenate(inv), np.concatenate(cap))
    a = np.array([f.alpha for f in alphas])
    values = {
        "pareto_alpha": float(a.mean()),
        "growth_kurtosis": tent.kurtosis,
        "laplace_minus_normal_ll": (tent.loglik_laplace - tent.loglik_normal) / tent.n,
        "volatility_slope": vol.slope,
        "survival_2": surv[2][0],
        "survival_4": surv[4][0],
        "survival_6": surv[6][0],
        "tfp_90_10": float(np.mean(tfp)),
        "inv_inaction": inaction,
        "inv_spikes": spikes,
    }
    xmin = np.mean([f.xmin for f in alphas])
    n_tail = np.mean([f.n_tail for f in alphas])
    se = np.mean([f.sigma for f in alphas])
    ll_l, ll_n = tent.loglik_laplace, tent.loglik_normal
    detail = {
        "pareto_alpha": f"seeds {a.min():.2f}-{a.max():.2f}; xmin {xmin:,.0f}; "
        f"tail n {n_tail:,.0f}; se {se:.3f}",
        "growth_kurtosis": f"n = {tent.n:,} firm-years "
        f"(years {growth_years[0]}-{growth_years[-1]})",
        "laplace_minus_normal_ll": f"LL {ll_l:,.0f} vs {ll_n:,.0f}",
        "volatility_slope": f"se {vol.stderr:.3f}, 20 bins",
        "survival_2": f"cohort n = {surv[2][1]:,}",
        "survival_4": f"cohort n = {surv[4][1]:,}",
        "survival_6": f"cohort n = {surv[6][1]:,}",
        "tfp_90_10": f"seeds {min(tfp):.2f}-{max(tfp):.2f}",
        "inv_inaction": f"mean I/K {mean_i:.3f}",
        "inv_spikes": f"mean I/K {mean_i:.3f}",
    }
    return FactData(
        np.concatenate(sizes),
        g,
        s,
        values,
        detail | {"_vol": vol, "_tent": tent, "_pareto": alphas},
    )


def fact_table(data: FactData) -> pd.DataFrame:
    rows = []
    for key, fact, measure, target, lo, hi, src in FACT_ROWS:
        v = data.values[key]
        rows.append(
            {
                "key": key,
                "fact": fact,
                "measure": measure,
                "data": target,
                "band": _band(lo, hi),
                "model": v,
                "pass": bool(lo <= v <= hi),
                "detail": data.detail[key],
                "source": src,
            }
        )
    return pd.DataFrame(rows)


def _band(lo: float, hi: float) -> str:
    if np.isinf(hi):
        return f"> {lo:g}"
    return f"[{lo:g}, {hi:g}]"
