"""ABC-SMC with pyabc: the sampler, its budgets, and a database that resumes.

Likelihood: the record's statistic j is the model's plus Gaussian measurement error with the
data's standard error se_j, independent across statistics (``observed``). pyabc's stochastic
acceptor samples the exact posterior under that error model (Wilkinson 2013, Stat. Appl. Genet.
Mol. Biol. 12; Schaelte & Hasenauer 2020, Bioinformatics 36): a run with statistics s is
accepted with probability proportional to exp(-sum_j (s_j - d_j)^2 / (2 se_j^2) / T). The
temperature T falls over the generations: each generation takes the higher of the temperature
that pyabc predicts gives an acceptance rate of ``TARGET_ACCEPTANCE`` and half the previous one
(pyabc's AcceptanceRateScheme and ExpDecayFixedRatioScheme), down to 1, where the posterior is
exact. Acceptance is normalised by the kernel's maximum (the density at the data): pyabc's
default, the highest density found so far, lags behind a population that improves and gives
the runs that overtake it weights above one, which left 3-10 effective particles of 120 in a
trial run. The model's own noise (its seed) is integrated over by the sampler, so the likelihood is
that of one history, as the record is.

Budgets: ``small`` is sized for a laptop (about 4,000 runs of the whole population; under 30
minutes on 2 cores), ``full`` for a cluster. A run stops when T reaches 1, at its last generation,
or when its simulations reach the budget's cap (checked between generations), whichever is
first; a run stopped before T = 1 gives a tempered posterior (wider than the exact one: at
temperature T the data's standard errors count as sqrt(T) times larger), and the report says
so.

Reproducibility: each run's model seed is a hash of its parameters (``statistics``), so every
accepted run can be re-run exactly. With one worker (``SingleCoreSampler``, pyabc's
deterministic sampler, seeded) the whole posterior is reproducible; with several, pyabc's
dynamic scheduling makes the set of accepted particles depend on timing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .observed import USED, observed, variances
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
    "small": Budget(population=120, generations=20, max_simulations=4000, trajectories=6),
    "full": Budget(population=1000, generations=40, max_simulations=400_000, trajectories=20),
}
TARGET_ACCEPTANCE = 0.15
# what a run's results depend on besides the priors, the data and the budget (config.json)
METHOD = {
    "acceptor": "StochasticAcceptor(pdf_norm_from_kernel)",
    "kernel": "IndependentNormalKernel(data se^2)",
    "temperature": f"max(AcceptanceRateScheme({TARGET_ACCEPTANCE}), ExpDecayFixedRatio(0.5))",
}


def simulate_particle(par, n_firms: int = N_FIRMS, years: int = YEARS) -> dict:
    """pyabc's model: a particle's parameters ({'section__key': value}) to the statistics of
    one run (non-finite statistics become a distance no temperature accepts)."""
    values = {BY_NAME[name].key: float(v) for name, v in dict(par).items()}
    stats = run_statistics(values, None, n_firms, years)
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


def build(priors: list[Prior], budget: Budget, sampler, n_firms: int = N_FIRMS, years=YEARS):
    """The ABCSMC object (not yet bound to a database)."""
    import pyabc

    model = functools.partial(simulate_particle, n_firms=n_firms, years=years)
    kernel = pyabc.IndependentNormalKernel(var=variances(), keys=USED)
    from pyabc.epsilon import AcceptanceRateScheme, ExpDecayFixedRatioScheme

    temperature = pyabc.Temperature(
        schemes=[AcceptanceRateScheme(TARGET_ACCEPTANCE), ExpDecayFixedRatioScheme(alpha=0.5)],
        aggregate_fun=max,
        enforce_exact_final_temperature=False,
    )
    return pyabc.ABCSMC(
        model,
        distribution(priors),
        kernel,
        population_size=budget.population,
        eps=temperature,
        acceptor=pyabc.StochasticAcceptor(pdf_norm_method=pyabc.acceptor.pdf_norm_from_kernel),
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
):
    """Run (or resume, when ``db`` holds generations) the ABC-SMC; returns pyabc's History.
    A resumed run continues after its last complete generation (a generation interrupted part
    way is sampled again) up to the budget's generations and simulation cap."""
    import pyabc

    abc = build(priors, budget, sampler, n_firms, years)
    url = f"sqlite:///{db}"
    done = 0
    if db.exists():
        history = pyabc.History(url)
        if history.all_runs():
            done = history.n_populations
            abc.load(url, 1)
    if not done:
        if db.exists():
            db.unlink()  # an empty database this command created: no generation in it
        abc.new(url, observed_stats if observed_stats is not None else observed())
    remaining = budget.generations - done
    if remaining > 0 and abc.history.total_nr_simulations < budget.max_simulations:
        abc.run(max_nr_populations=remaining, max_total_nr_simulations=budget.max_simulations)
    return abc.history


def generations(history) -> list[dict]:
    """Per generation: temperature, particles, simulations, acceptance rate, wall time."""
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    return [
        {
            "generation": int(r.t),
            "temperature": float(r.epsilon),
            "particles": int(r.particles),
            "simulations": int(r.samples),
            "acceptance_rate": float(r.particles / max(r.samples, 1)),
            "wall_time_s": float(r.wall_time) if r.wall_time == r.wall_time else None,
        }
        for r in pops.itertuples()
    ]
