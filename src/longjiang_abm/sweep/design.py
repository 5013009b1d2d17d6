"""Design points (grid, or SALib's latin / sobol / morris samplers), seeds and planned runs.

A *design point* is one combination of factor values; each point is run ``replications`` times
with seeds drawn from ``numpy.random.SeedSequence(seed)``. By default every point uses the same
replication seeds (common random numbers), so differences between points are not blurred by
different random draws. A *run* is identified by ``run_id``: a hash of the fully resolved
scenario, the seed and the package version; two runs with the same id are the same simulation
(the model is deterministic given scenario and seed) and are run once.

With a posterior (``posterior.py``) each seed also draws a parameter set, the same at every
design point; the factors' values take precedence over the drawn ones, and the drawn values are
part of the resolved scenario, hence of the run id.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass

import numpy as np

from .. import __version__
from ..params import ScenarioError, validate_scenario
from .posterior import draws
from .spec import FactorRange, Sweep, SweepError, scenario_with


@dataclass(frozen=True)
class Design:
    """The design matrix: one row per point, one column per factor (in sweep-file order)."""

    kind: str
    factors: tuple[str, ...]
    points: np.ndarray
    problem: dict  # SALib problem: num_vars, names, bounds (empty bounds for grids)
    options: dict

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "factors": list(self.factors),
            "problem": self.problem,
            "options": self.options,
            "points": self.points.tolist(),
        }

    @classmethod
    def from_json(cls, d: dict) -> Design:
        pts = np.asarray(d["points"], dtype=np.float64).reshape(-1, len(d["factors"]))
        return cls(d["kind"], tuple(d["factors"]), pts, d["problem"], d["options"])


@dataclass(frozen=True)
class PlannedRun:
    run_id: str
    point: int
    replicate: int
    seed: int
    values: dict
    particle: int | None = None  # with a posterior: the particle its seed drew
    drawn: dict | None = None  # ... and its values of the keys that are not swept

    def to_json(self) -> dict:
        out = {
            "run_id": self.run_id,
            "point": self.point,
            "replicate": self.replicate,
            "seed": self.seed,
            "values": self.values,
        }
        if self.particle is not None:
            out |= {"particle": self.particle, "drawn": self.drawn}
        return out


def salib_problem(sweep: Sweep) -> dict:
    bounds = []
    for name in sweep.factors:
        f = sweep.spec.factors[name]
        bounds.append([float(f.min), float(f.max)] if isinstance(f, FactorRange) else [])
    return {"num_vars": len(sweep.factors), "names": list(sweep.factors), "bounds": bounds}


def make_design(sweep: Sweep) -> Design:
    """The design points of ``sweep`` (deterministic given the sweep file)."""
    s = sweep.sweep
    problem = salib_problem(sweep)
    seed = s.seed % (2**32)  # SALib / scipy samplers take a 32-bit seed
    if s.design == "grid":
        levels = [list(sweep.spec.factors[n]) for n in sweep.factors]
        pts = np.array(list(itertools.product(*levels)), dtype=np.float64)
        options = {
            "levels": {
                n: [float(v) for v in lv] for n, lv in zip(sweep.factors, levels, strict=True)
            }
        }
    elif s.design == "lhs":
        from SALib.sample import latin

        pts = latin.sample(problem, s.samples, seed=seed)
        options = {"samples": s.samples}
    elif s.design == "sobol":
        from SALib.sample import sobol

        pts = sobol.sample(problem, s.samples, calc_second_order=s.second_order, seed=seed)
        options = {"samples": s.samples, "second_order": s.second_order}
    elif s.design == "morris":
        from SALib.sample import morris

        pts = morris.sample(problem, s.samples, num_levels=s.levels, seed=seed)
        options = {"samples": s.samples, "levels": s.levels}
    else:  # pragma: no cover - the schema allows only the four designs
        raise ValueError(s.design)
    pts = np.asarray(pts, dtype=np.float64).reshape(-1, len(sweep.factors))
    # integer parameters take whole values
    for j, name in enumerate(sweep.factors):
        if sweep.factor_types[name] is int:
            pts[:, j] = np.round(pts[:, j])
    return Design(s.design, sweep.factors, pts, problem, options)


def replication_seeds(master: int, n_points: int, replications: int, common: bool) -> np.ndarray:
    """Seeds (int64, >= 0) of shape (n_points, replications) from SeedSequence(master)."""
    n = replications if common else n_points * replications
    children = np.random.SeedSequence(master).spawn(n)
    seeds = np.array(
        [int(c.generate_state(1, dtype=np.uint64)[0]) >> 1 for c in children], dtype=np.int64
    )
    if common:
        return np.tile(seeds, (n_points, 1))
    return seeds.reshape(n_points, replications)


def run_id(scenario_json: dict, seed: int, version: str = __version__) -> str:
    """Hash of the fully resolved scenario, the seed and the package version."""
    blob = json.dumps(
        {"scenario": scenario_json, "seed": int(seed), "version": version},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def typed_values(sweep_factor_types: dict, factors, row) -> dict:
    return {
        n: (int(v) if sweep_factor_types[n] is int else float(v))
        for n, v in zip(factors, row, strict=True)
    }


def plan_runs(sweep: Sweep, design: Design) -> list[PlannedRun]:
    """Every (point, replicate) with its seed, factor values, drawn parameters (with a
    posterior: those of the seed's particle, less the swept keys) and run_id."""
    s = sweep.sweep
    base = sweep.base.model_dump(mode="json")
    seeds = replication_seeds(s.seed, len(design.points), s.replications, s.common_seeds)
    drawn = draws(sweep, seeds)  # {} without a posterior
    runs = []
    for p, row in enumerate(design.points):
        values = typed_values(sweep.factor_types, design.factors, row)
        resolved: dict = {}  # per particle (None: no posterior)
        for r in range(s.replications):
            seed = int(seeds[p, r])
            particle, extra = drawn.get(seed, (None, None))
            if particle not in resolved:
                resolved[particle] = _resolve(sweep, base, values, particle, extra)
            runs.append(
                PlannedRun(run_id(resolved[particle], seed), p, r, seed, values, particle, extra)
            )
    return runs


def _resolve(sweep: Sweep, base: dict, values: dict, particle, extra) -> dict:
    """The resolved scenario of a point (factor values over the drawn ones over the base)."""
    if particle is None:
        return validate_scenario(scenario_with(base, values), str(sweep.path)).model_dump(
            mode="json"
        )
    source = f"{sweep.posterior_path}: particle {particle}"
    try:
        scenario = validate_scenario(scenario_with(base, {**extra, **values}), source)
    except ScenarioError as exc:
        raise SweepError(str(exc).splitlines()[0]) from None
    return scenario.model_dump(mode="json")


__all__ = [
    "Design",
    "PlannedRun",
    "make_design",
    "plan_runs",
    "replication_seeds",
    "run_id",
    "salib_problem",
]
