"""ABC-SMC with pyabc: the sampler, its budgets, and a database that resumes.

Acceptance: a run with statistics s is accepted when its distance to the record d,
sqrt(sum_j ((s_j - d_j) / se_j)^2) over the used statistics (``observed``: se_j the data's
standard error), is at most the generation's tolerance epsilon, the median distance of the
previous generation's accepted runs (Beaumont et al. 2009, Biometrika 96; Toni et al. 2009,
J. R. Soc. Interface 6; pyabc's defaults). The runs stop at ``EPSILON_TARGET`` = sqrt(k) for k
statistics, the distance expected from the data's measurement error alone were the model exact:
below it the tolerance would be finer than the data. The model's own noise (its seed) is part
of each run, so the posterior holds it, as the record is one history. The posterior is that of
the ABC tolerance reached, which the report gives.

pyabc's stochastic acceptor (exact inference under Gaussian measurement error; Schaelte &
Hasenauer 2020) was tried first: with ten parameters and 80-120 particles its importance
weights collapsed (3-23 effective particles), since a run accepted by luck at a high
temperature carries the inverse of its small likelihood as weight.

Budgets: ``small`` is sized for a laptop (about 4,000 runs of the whole population; under 30
minutes on 2 cores), ``full`` for a cluster. A run stops when epsilon reaches its target, at its
last generation, or when its simulations reach the budget's cap (checked between generations),
whichever is first.

Reproducibility: each run's model seed is a hash of its parameters (``statistics``), so every
accepted run can be re-run exactly. With one worker (``SingleCoreSampler``, pyabc's
deterministic sampler, seeded) an uninterrupted calibration is reproducible (a resumed one
reseeds at the resumption, so it repeats only from there on); with several workers, pyabc's
dynamic scheduling makes the set of accepted particles depend on timing.

The tolerance's target sqrt(k) counts the data's measurement error only; the model's own noise
adds to the distance at the true parameters (with the screening's noise sd, the expected squared
distance there is about sum_j (1 + sd_j^2 / se_j^2), 14.8 rather than 10 for the baseline), so
the target is reached only by runs whose noise happens to be small: a full-budget run may stop
at its cap instead. The cap itself is checked between generations, so the last generation can
overshoot it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .observed import BY_NAME as STAT
from .observed import USED, Statistic, observed
from .priors import BY_NAME, Prior, distribution
from .statistics import N_FIRMS, YEARS, run_statistics


@dataclass(frozen=True)
class Budget:
    """population: particles per generation; generations: at most; max_simulations: cap on
    model runs (all generations); trajectories: of the Morris screening."""

    population: int
    generations: int
    max_simulations: int
    trajectories: int


BUDGETS = {
    # a smoke test of the machinery in a few minutes (with --firms 2000), not an estimate
    "tiny": Budget(population=30, generations=3, max_simulations=400, trajectories=2),
    "small": Budget(population=200, generations=12, max_simulations=4000, trajectories=6),
    "full": Budget(population=1000, generations=40, max_simulations=400_000, trajectories=20),
}
EPSILON_TARGET = float(np.sqrt(len(USED)))
DEFENSIVE_SHARE = 0.1  # share of proposals drawn from the prior (``defensive_transition``)
# what a run's results depend on besides the priors, the data and the budget (config.json)
METHOD = {
    "distance": "PNormDistance(p=2, weights 1 / data se)",
    "epsilon": f"median of the previous generation, down to {EPSILON_TARGET:.4g}",
    "transition": f"(1 - {DEFENSIVE_SHARE}) N(particle, 2 cov) + {DEFENSIVE_SHARE} prior",
}


def simulate_particle(
    par, n_firms: int = N_FIRMS, years: int = YEARS, sets: tuple[str, ...] = ()
) -> dict:
    """pyabc's model: a particle's parameters ({'section__key': value}) to the statistics of
    one run (non-finite statistics become a distance no tolerance accepts)."""
    values = {BY_NAME[name].key: float(v) for name, v in dict(par).items()}
    stats = run_statistics(values, None, n_firms, years, sets)
    return {k: (v if np.isfinite(v) else 1e6) for k, v in stats.items()}


def make_sampler(workers: int, client=None, seed: int = 0):
    """pyabc's sampler: a Dask client's workers; else ``workers`` local processes
    (MulticoreEvalParallelSampler), or pyabc's deterministic SingleCoreSampler for one."""
    from pyabc.sampler import (
        DaskDistributedSampler,
        MulticoreEvalParallelSampler,
        SingleCoreSampler,
    )

    if client is not None:
        return DaskDistributedSampler(dask_client=client, batch_size=1)
    if workers <= 1:
        np.random.seed(seed)  # noqa: NPY002 - pyabc draws from numpy's global generator
        return SingleCoreSampler()
    return MulticoreEvalParallelSampler(n_procs=workers)


def defensive_transition(prior, share: float):
    """A Gaussian kernel around each particle of the last population with twice the
    population's weighted covariance (Beaumont et al. 2009, Biometrika 96; pyabc's
    MultivariateNormalTransition with that bandwidth: its default, Silverman's rule, gave about
    0.56 times the covariance with ten parameters, and the weights collapsed to 12 effective
    particles of 200 in six generations), mixed with the prior: q = (1 - share) kernel density +
    share prior (a defensive mixture, Hesterberg 1995, Technometrics 37). An ABC-SMC
    particle's importance weight is prior / q, which the mixture bounds by 1 / share where the
    kernel density is thin."""
    import pandas as pd
    from pyabc import Parameter
    from pyabc.transition import MultivariateNormalTransition

    class DefensiveTransition(MultivariateNormalTransition):
        def rvs_single(self) -> Parameter:
            if np.random.uniform() < share:  # noqa: NPY002 - pyabc's global generator
                return Parameter({k: prior.rvs()[k] for k in self.X.columns})
            return super().rvs_single()

        def rvs(self, size=None):
            if size is None:
                return self.rvs_single()
            return pd.DataFrame([dict(self.rvs_single()) for _ in range(size)])

        def pdf(self, x):
            kde = super().pdf(x)
            if isinstance(x, pd.DataFrame):
                dens = np.array([prior.pdf(dict(r)) for _, r in x[self.X.columns].iterrows()])
            else:
                dens = prior.pdf({k: x[k] for k in self.X.columns})
            return (1.0 - share) * kde + share * dens

    return DefensiveTransition(bandwidth_selector=_twice_the_covariance)


def _twice_the_covariance(n_samples: float, dimension: int) -> float:
    """pyabc's bandwidth factor (the kernel's covariance is factor^2 times the population's):
    sqrt 2, Beaumont et al.'s (2009) kernel."""
    return float(np.sqrt(2.0))


def build(
    priors: list[Prior],
    budget: Budget,
    sampler,
    n_firms: int = N_FIRMS,
    years=YEARS,
    statistics: list[Statistic] | None = None,
    sets: tuple[str, ...] = (),
):
    """The ABCSMC object (not yet bound to a database). ``statistics``: those the distance
    counts (default: the record's used statistics, ``observed``); ``years``, ``sets``: the
    simulator's (``statistics.run_statistics``)."""
    import pyabc

    stats = statistics if statistics is not None else [STAT[k] for k in USED]
    model = functools.partial(simulate_particle, n_firms=n_firms, years=years, sets=tuple(sets))
    distance = pyabc.PNormDistance(p=2, fixed_weights={s.name: 1.0 / s.se for s in stats})
    prior = distribution(priors)
    return pyabc.ABCSMC(
        model,
        prior,
        distance,
        population_size=budget.population,
        transitions=defensive_transition(prior, DEFENSIVE_SHARE),
        eps=pyabc.MedianEpsilon(),
        sampler=sampler,
    )


def run(
    db: Path,
    priors: list[Prior],
    budget: Budget,
    sampler,
    *,
    n_firms: int = N_FIRMS,
    years: int = YEARS,
    observed_stats: dict | None = None,
    statistics: list[Statistic] | None = None,
    sets: tuple[str, ...] = (),
):
    """Run (or resume, when ``db`` holds generations) the ABC-SMC; returns pyabc's History.
    A resumed run continues after its last complete generation (a generation interrupted part
    way is sampled again) up to the budget's generations and simulation cap.
    ``statistics``: the statistics to condition on, with their record values and standard
    errors (default: the used ones of ``observed``; the tolerance's target is then
    ``EPSILON_TARGET``, else sqrt of their number); ``observed_stats`` replaces their values
    (a synthetic record); ``sets``: further ``--set`` strings of every run (the drivers)."""
    import pyabc
    from sqlalchemy.exc import SQLAlchemyError

    from ..errors import UserError

    if not priors:
        raise UserError("calibrate: the screening found no influential parameter to estimate")
    abc = build(priors, budget, sampler, n_firms, years, statistics, sets)
    target = EPSILON_TARGET if statistics is None else float(np.sqrt(len(statistics)))
    record = {s.name: s.value for s in statistics} if statistics is not None else observed()
    url = f"sqlite:///{db}"
    done = 0
    if db.exists():
        try:
            history = pyabc.History(url)
            if history.all_runs():
                done = history.n_populations
                abc.load(url, 1)
        except (SQLAlchemyError, AssertionError, KeyError) as exc:
            raise UserError(
                f"{db}: not a calibration database of this version ({type(exc).__name__}); "
                "choose another --folder"
            ) from None
    if not done:
        if db.exists():
            db.unlink()  # an empty database this command created: no generation in it
        abc.new(url, observed_stats if observed_stats is not None else record)
    remaining = budget.generations - done
    finished = done and abc.history.get_all_populations().epsilon.iloc[-1] <= target
    if (
        remaining > 0
        and not finished  # pyabc samples a generation before it checks the tolerance
        and abc.history.total_nr_simulations < budget.max_simulations
    ):
        abc.run(
            minimum_epsilon=target,
            max_nr_populations=remaining,
            max_total_nr_simulations=budget.max_simulations,
        )
    return abc.history


def generations(history) -> list[dict]:
    """Per generation: tolerance epsilon, particles, simulations, acceptance rate, wall time."""
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    return [
        {
            "generation": int(r.t),
            "epsilon": float(r.epsilon),
            "particles": int(r.particles),
            "simulations": int(r.samples),
            "acceptance_rate": float(r.particles / max(r.samples, 1)),
            "wall_time_s": float(r.wall_time) if r.wall_time == r.wall_time else None,
        }
        for r in pops.itertuples()
    ]


def wall_time(history) -> float:
    """Seconds spent sampling, the calibration sample from the prior (generation -1) included."""
    return float(history.get_all_populations().wall_time.fillna(0.0).sum())
