"""Design points (grid, or SALib's latin / sobol / morris samplers), seeds and planned runs.

A *design point* is one combination of factor values; each point is run ``replications`` times
with seeds drawn from ``numpy.random.SeedSequence(seed)``. By default every point uses the same
replication seeds (common random numbers), so differences between points are not blurred by
different random draws. A *run* is identified by ``run_id``: a hash of the fully resolved
scenario, the seed and the package version; two runs with the same id are the same simulation
(the model is deterministic given scenario and seed) and are run once.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass

import numpy as np

from .. import __version__
from ..params import validate_scenario
from .spec import FactorRange, Sweep, scenario_with


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

    def to_json(self) -> dict:
        return {
            "run_id": self.run_id,
            "point": self.point,
            "replicate": self.replicate,
            "seed": self.seed,
            "values": self.values,
        }


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
    """Every (point, replicate) with its seed, factor values and run_id."""
    s = sweep.sweep
    base = sweep.base.model_dump(mode="json")
    seeds = replication_seeds(s.seed, len(design.points), s.replications, s.common_seeds)
    runs = []
    for p, row in enumerate(design.points):
        values = typed_values(sweep.factor_types, design.factors, row)
        resolved = validate_scenario(scenario_with(base, values), str(sweep.path)).model_dump(
            mode="json"
        )
        for r in range(s.replications):
            seed = int(seeds[p, r])
            runs.append(PlannedRun(run_id(resolved, seed), p, r, seed, values))
    return runs


__all__ = [
    "Design",
    "PlannedRun",
    "make_design",
    "plan_runs",
    "replication_seeds",
    "run_id",
    "salib_problem",
]
