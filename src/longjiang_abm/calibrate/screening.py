"""Which candidate parameters the estimation estimates: Morris elementary effects (SALib).

Each candidate moves over its prior's support on a 4-level grid (a step is 2/3 of the range);
mu* is SALib's mean absolute elementary effect over ``trajectories`` paths: the change of a
statistic per unit of the normalised range, i.e. what a move across the whole range would do
at that local slope (one step of the grid moves it by 2/3 of mu*). One model seed serves all
points (common random numbers). mu* is scaled by what a change must exceed to be seen: the
statistic's data standard error and the noise of one run, combined as
``sqrt(se^2 + (1.13 sd)^2)`` (sd: the statistic's spread across ``NOISE_SEEDS`` seeds at the
baseline; 1.13 sd is the mean absolute difference of two independent runs' noise,
sqrt(2) sd sqrt(2/pi)). A parameter is influential when, across its range, it moves at least
one used statistic by ``THRESHOLD`` such units: the data could then tell its values apart. The
others stay at their packaged values.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from .observed import BY_NAME as STAT
from .observed import USED, Statistic
from .priors import CANDIDATES
from .statistics import N_FIRMS, YEARS, run_statistics

THRESHOLD = 2.0
NOISE_SEEDS = 10


def _one(job) -> list[float]:
    values, seed, n_firms, names, years, sets = job
    stats = run_statistics(values, seed, n_firms, years, sets)
    return [stats[k] for k in names]


def screen(
    trajectories: int = 6,
    seed: int = 1,
    n_firms: int = N_FIRMS,
    workers: int = 1,
    statistics: list[Statistic] | None = None,
    years: int = YEARS,
    sets: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Table of scaled mu* (module docstring) of every candidate (rows) on every used statistic
    (columns), with ``max`` and ``influential`` (max >= THRESHOLD); ``attrs``: the runs and the
    baseline's noise sd per statistic. The runs on ``workers`` processes. ``statistics``,
    ``years``, ``sets``: another record and simulator (``statistics.run_statistics``; default
    the used statistics of ``observed``)."""
    stats = statistics if statistics is not None else [STAT[k] for k in USED]
    names = [s.name for s in stats]
    from SALib.analyze import morris as morris_a
    from SALib.sample import morris as morris_s

    problem = {
        "num_vars": len(CANDIDATES),
        "names": [p.key for p in CANDIDATES],
        "bounds": [[p.lower, p.upper] for p in CANDIDATES],
    }
    X = morris_s.sample(problem, N=trajectories, num_levels=4, seed=seed)
    bounds = np.array(problem["bounds"])
    X = np.clip(X, bounds[:, 0], bounds[:, 1])  # the grid's top level can overshoot by an ulp
    common = (n_firms, names, years, tuple(sets))
    jobs = [(dict(zip(problem["names"], x, strict=True)), seed, *common) for x in X]
    jobs += [({}, 1000 + s, *common) for s in range(NOISE_SEEDS)]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            rows = np.array(list(pool.map(_one, jobs)))
    else:
        rows = np.array([_one(j) for j in jobs])
    Y, noise = rows[: X.shape[0]], rows[X.shape[0] :].std(axis=0, ddof=1)
    se = np.array([s.se for s in stats])
    scale = np.sqrt(se**2 + (1.13 * noise) ** 2)
    out = {}
    for j, name in enumerate(names):
        y = np.nan_to_num(Y[:, j], nan=np.nanmean(Y[:, j]))
        si = morris_a.analyze(problem, X, y, num_levels=4, seed=seed)
        out[name] = np.asarray(si["mu_star"]) / scale[j]
    table = pd.DataFrame(out, index=pd.Index(problem["names"], name="parameter"))
    table["max"] = table[names].max(axis=1)
    table["influential"] = table["max"] >= THRESHOLD
    table.attrs["runs"] = int(len(jobs))
    table.attrs["noise_sd"] = dict(zip(names, noise.tolist(), strict=True))
    return table.sort_values("max", ascending=False)
