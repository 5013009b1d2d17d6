"""In-model replications of published designs (experiments/replications/).

``prefecture_panel`` runs one model and records, at every year end, a prefecture-by-year panel
of the outcomes the literature measures, built from the firm rows:

    va_year     industrial value added of the prefecture's firms over the year (10k yuan)
    output      their revenue over the year (10k yuan)
    output_real their real output over the year (sum of Y_i: quantities, 2018 prices)
    employment  employees of its living firms at the year end (persons)
    firms       number of its living firms at the year end
    tfp         output-weighted mean ln A of its living firms at the year end

``twfe_did`` estimates a two-way fixed-effects difference-in-differences (unit and year fixed
effects, standard errors clustered by a chosen variable) with statsmodels.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

OUTCOMES = ("va_year", "output", "output_real", "employment", "firms", "tfp")


def prefecture_panel(model, years: int) -> pd.DataFrame:
    """Run ``model`` for ``years`` years; one row per prefecture and calendar year."""
    f = model.firms
    n_pref = len(model.prefectures)
    rows = []
    va = np.zeros(n_pref)
    rev = np.zeros(n_pref)
    real = np.zeros(n_pref)
    for q in range(1, 4 * years + 1):
        model.step()
        live = f.alive_rows()
        pref = f.pref[live]
        va += np.bincount(pref, weights=f.va[live], minlength=n_pref)
        rev += np.bincount(pref, weights=f.rev[live], minlength=n_pref)
        real += np.bincount(pref, weights=f.Y[live], minlength=n_pref)
        if q % 4:
            continue
        y = f.Y[live]
        wy = np.bincount(pref, weights=y, minlength=n_pref)
        tfp = np.bincount(pref, weights=y * f.lnA[live], minlength=n_pref) / np.maximum(wy, 1e-300)
        for p in range(n_pref):
            rows.append(
                {
                    "prefecture": model.prefectures.keys[p],
                    "year": model.year,
                    "va_year": va[p],
                    "output": rev[p],
                    "output_real": real[p],
                    "employment": float(np.bincount(pref, weights=f.L[live], minlength=n_pref)[p]),
                    "firms": int(np.count_nonzero(pref == p)),
                    "tfp": tfp[p],
                }
            )
        va[:] = 0.0
        rev[:] = 0.0
        real[:] = 0.0
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Estimate:
    coef: float
    se: float
    lo: float
    hi: float
    n_obs: int
    n_clusters: int


def twfe_did(
    panel: pd.DataFrame,
    outcome: str,
    unit: str = "unit",
    time: str = "time",
    treated: str = "treated",
    cluster: str = "unit",
) -> Estimate:
    """OLS of ``outcome`` on ``treated`` (0/1, on from the unit's treatment year) with unit
    and time fixed effects; standard errors clustered by ``cluster`` (statsmodels, with its
    small-sample correction); 95% interval from the t distribution with clusters - 1
    degrees of freedom."""
    import statsmodels.formula.api as smf
    from scipy import stats

    d = panel[[outcome, unit, time, treated, cluster]].dropna()
    groups = pd.factorize(d[cluster])[0]
    with warnings.catch_warnings():
        # units and times nested in seeds (pooled runs) make the dummies collinear; the
        # pseudo-inverse still identifies the treatment coefficient uniquely
        warnings.simplefilter("ignore")
        fit = smf.ols(f"{outcome} ~ {treated} + C({unit}) + C({time})", data=d).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )
        coef, se = float(fit.params[treated]), float(fit.bse[treated])
    g = int(groups.max()) + 1
    t = float(stats.t.ppf(0.975, max(g - 1, 1)))
    return Estimate(coef, se, coef - t * se, coef + t * se, int(fit.nobs), g)


def event_study(
    panel: pd.DataFrame,
    outcome: str,
    start: str = "start",
    year: str = "year",
    unit: str = "unit",
    time: str = "time",
    cluster: str = "unit",
    omit: int = -1,
) -> pd.DataFrame:
    """Event-study coefficients: OLS of ``outcome`` on dummies of years relative to the unit's
    treatment year (``start``; NaN for never-treated units, which get none), the year
    ``omit`` left out, with unit and time fixed effects and standard errors clustered by
    ``cluster``. One row per relative year: coef, se, lo, hi (95%, t with clusters - 1
    degrees of freedom)."""
    import statsmodels.formula.api as smf
    from scipy import stats

    d = panel[[outcome, unit, time, cluster, start, year]].dropna(subset=[outcome]).copy()
    rel = d[year] - d[start]
    names = {}
    for r in sorted(rel.dropna().unique().astype(int)):
        if r == omit:
            continue
        name = f"rel_m{-r}" if r < 0 else f"rel_p{r}"
        d[name] = (rel == r).astype(float)
        names[r] = name
    groups = pd.factorize(d[cluster])[0]
    g = int(groups.max()) + 1
    tq = float(stats.t.ppf(0.975, max(g - 1, 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rhs = " + ".join(names.values())
        fit = smf.ols(f"{outcome} ~ {rhs} + C({unit}) + C({time})", data=d).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )
        rows = [
            {
                "relative year": r,
                "coef": float(fit.params[n]),
                "se": float(fit.bse[n]),
                "lo": float(fit.params[n] - tq * fit.bse[n]),
                "hi": float(fit.params[n] + tq * fit.bse[n]),
            }
            for r, n in names.items()
        ]
    return pd.DataFrame(rows)
