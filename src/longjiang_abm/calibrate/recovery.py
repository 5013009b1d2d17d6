"""Recovery on synthetic data: can the estimation find parameters it was given?

The "record" is one run of the model at known parameter values (its statistics, with that run's
own noise, as the real record has); the estimation then runs on it as on the real data, and the
known values should lie inside the posterior's 90% intervals, with the posterior narrower than
the prior for parameters the statistics identify.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from . import abc_smc
from .observed import USED
from .posterior import particles, summary
from .priors import BY_KEY
from .report import prior_sd
from .statistics import run_statistics


def recover(
    truth: dict, budget: abc_smc.Budget, n_firms: int, seed: int = 7, workers: int = 1
) -> pd.DataFrame:
    """Estimate the parameters of ``truth`` ({'section.key': value}; the others at the
    baseline) from the statistics of one run at ``truth`` (model seed ``seed``); returns per
    parameter: truth, posterior mean, sd, 5% and 95% quantiles, sd / prior sd, covered."""
    record = run_statistics(truth, seed, n_firms)
    observed = {k: record[k] for k in USED}
    priors = [BY_KEY[k] for k in truth]
    with tempfile.TemporaryDirectory() as tmp:
        sampler = abc_smc.make_sampler(workers, seed=seed)
        history = abc_smc.run(
            Path(tmp) / "abc.db", priors, budget, sampler, n_firms=n_firms, observed_stats=observed
        )
        frame = particles(history)
        final_eps = abc_smc.generations(history)[-1]["epsilon"]
    s = summary(frame, list(truth))
    s.insert(0, "truth", pd.Series(truth))
    s["sd / prior sd"] = [s.loc[k, "sd"] / prior_sd(BY_KEY[k]) for k in truth]
    s["covered"] = (s["q05"] <= s["truth"]) & (s["truth"] <= s["q95"])
    s.attrs["final_epsilon"] = final_eps
    return s
