"""The model's forecasts: runs at parameter sets drawn from the 2015-2017 posterior, driven by
the recorded national drivers of 2017-2019.

Each run: the packaged baseline with one posterior draw, ``environment.drivers = "history"``
and ``environment.history_start = 2017``, ``n_firms`` firms, three years, a fresh model seed.
Its year 1 stands for 2017 (a burn-in year whose drivers are known at the origin), years 2 and 3
for 2018 and 2019. The initial state is the packaged one (built on the 2018 census: data/ has no
cross-section of 2017, docs/validation.md says what that assumes). A run's forecast of the
secondary share's level is the record's 2017 level plus the run's change since its year 1 (the
model's level starts from its own initial state, not from 2017's record). Population is the
prefectures' labour pool (the working-age residents the model tracks), as in the calibration.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from ..calibrate.statistics import overrides
from ..model import LongjiangModel
from ..params import load_scenario
from .record import BY_SERIES, HORIZONS, ORIGIN

FORECAST_SEED = 70_000  # model seeds of the forecast runs: 70000, 70001, ...
YEARS = 1 + len(HORIZONS)  # the burn-in year stands for the origin year
DRIVERS = ["environment.drivers=history", f"environment.history_start={ORIGIN}"]


def forecast_run(values: dict, seed: int, n_firms: int) -> list[dict]:
    """One run's values of every series (in %) for the years ORIGIN, 2018 and 2019: one row per
    year, {'year', series...}. ``values`` {'section.key': value}: the drawn parameters."""
    sc = load_scenario(None, [*overrides(values), *DRIVERS])
    model = LongjiangModel(sc, seed=seed, n_firms=n_firms, check_accounts=False)
    pools = [model.prefectures.labour_pool.sum()]
    for q in range(4 * YEARS):
        model.step()
        if q % 4 == 3:
            pools.append(model.prefectures.labour_pool.sum())
    k = model.kpis()
    model.discard_firms()
    price = np.concatenate([[1.0], k.national_price_level.to_numpy()])  # L_2018(model) = 1
    share = k.secondary_share.to_numpy()
    rows = []
    for i in range(YEARS):
        # GDP's growth in yuan of 2018 purchasing power (relative prices such as oil's move it)
        # times the national price level's rise: nominal growth
        growth_2018_yuan = float(k.gdp_growth.iloc[i])
        rows.append(
            {
                "year": ORIGIN + i,
                "gdp_growth": 100.0 * float(k.gdp_real_growth.iloc[i]),
                "ind_growth": 100.0 * float(k.above_scale_va_real_growth.iloc[i]),
                "sec_share": BY_SERIES["sec_share"].window[ORIGIN] + 100.0 * (share[i] - share[0]),
                "pop_growth": 100.0 * (pools[i + 1] / pools[i] - 1.0),
                "gdp_nominal_growth": 100.0
                * ((1.0 + growth_2018_yuan) * price[i + 1] / price[i] - 1.0),
            }
        )
    return rows


def _job(job) -> list[dict]:
    draw, values, seed, n_firms = job
    return [{"draw": draw, "seed": seed, **row} for row in forecast_run(values, seed, n_firms)]


def forecast_runs(frame: pd.DataFrame, keys: list[str], n: int, n_firms: int, workers: int = 1):
    """``n`` forecast runs, each at a parameter set drawn from the posterior particles
    ``frame`` by weight (generator seeded 2017) with model seed FORECAST_SEED + draw: one row
    per run and year."""
    w = frame["weight"].to_numpy(dtype=float)
    idx = np.random.default_rng(ORIGIN).choice(len(frame), size=n, p=w / w.sum())
    jobs = [
        (j, {k: float(frame[k].iloc[i]) for k in keys}, FORECAST_SEED + j, n_firms)
        for j, i in enumerate(idx)
    ]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            rows = [r for part in pool.map(_job, jobs) for r in part]
    else:
        rows = [r for job in jobs for r in _job(job)]
    out = pd.DataFrame(rows)
    out.insert(1, "particle", [int(idx[d]) for d in out["draw"]])
    return out
