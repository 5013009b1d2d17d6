"""Scenarios drawn uniformly within the schema's bounds: does the economy stay alive?

``sample(n, seed)`` draws ``n`` scenarios, every numeric parameter of every section and every
policy lever uniform within its declared ``ge`` / ``le`` (the same reading of the schema as
tests/test_properties.py); ``outcome(data, seed)`` runs one for ``YEARS`` years at ``FIRMS``
firms with the accounting identities checked and returns the ratio of its final to its
initial firm count (or the error it ended in). A scenario is "alive" when that ratio is at
least a quarter of the baseline's own ratio (``baseline_ratio``: the estimated baseline carries
the 2015-2019 decline forward and itself ends with under half its firms, so a collapse is read
against its path) and at most 4 (an explosion is read against the start: read against the
shrinking baseline, 4 x 0.43 = 1.7 flagged a province that grows its firm count 70% in ten
years, which a scenario of fast national growth and slow competitors does).
docs/reliability.md records the measured figures; ``python tests/plausible_bounds.py N
OUT.jsonl`` reruns them.
"""

from __future__ import annotations

import json
import sys

import numpy as np
from pydantic import BaseModel

from longjiang_abm import LongjiangModel
from longjiang_abm.params import PolicyLevers, Scenario

FIRMS = 2000
YEARS = 10
LOW, HIGH = 0.25, 4.0  # "alive": final/initial firms >= 1/4 x the baseline's ratio and <= 4
SKIPPED = ("run", "tables", "policy")


def _bounds(field) -> tuple[float, float]:
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
    return lo, hi


def _section(model: type[BaseModel], rng: np.random.Generator) -> dict:
    out: dict = {}
    for name, field in model.model_fields.items():
        if field.annotation is float:
            lo, hi = _bounds(field)
            out[name] = float(rng.uniform(lo, hi))
        elif field.annotation is int:
            lo, hi = _bounds(field)
            out[name] = int(rng.integers(int(lo), int(hi) + 1))
    return out


def sample(n: int, seed: int = 0) -> list[dict]:
    """``n`` scenario dicts, each parameter uniform within its schema bounds."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        data = {
            name: _section(field.annotation, rng)
            for name, field in Scenario.model_fields.items()
            if isinstance(field.annotation, type)
            and issubclass(field.annotation, BaseModel)
            and name not in SKIPPED
        }
        data["policy"] = _section(PolicyLevers, rng)
        data["run"] = {"n_firms": FIRMS, "years": YEARS}
        out.append(data)
    return out


def outcome(data: dict, seed: int = 0) -> dict:
    """Final over initial firm count of one scenario (stopped early past 4 x HIGH)."""
    scenario = Scenario.model_validate(data)
    try:
        model = LongjiangModel(scenario, seed=seed, check_accounts=True)
        start = model.firms.n_alive
        for _ in range(4 * YEARS):
            model.step()
            if model.firms.n_alive > 4 * HIGH * start or model.firms.n_alive == 0:
                break
        ratio = model.firms.n_alive / start
    except Exception as exc:  # noqa: BLE001 - the point is to count them
        return {"ratio": None, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ratio": ratio, "error": None}


_BASELINE: list[float] = []


def baseline_ratio() -> float:
    """Final over initial firm count of the baseline at ``FIRMS`` firms, ``YEARS`` years, seed 0
    (computed once)."""
    if not _BASELINE:
        _BASELINE.append(outcome({"run": {"n_firms": FIRMS, "years": YEARS}})["ratio"])
    return _BASELINE[0]


def alive(result: dict) -> bool:
    if result["error"] is not None:
        return False
    return LOW * baseline_ratio() <= result["ratio"] <= HIGH


if __name__ == "__main__":
    n, path = int(sys.argv[1]), sys.argv[2]
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    with open(path, "a") as fh:
        for i, data in enumerate(sample(n, seed=1)):
            if i < first:
                continue
            res = outcome(data, seed=i)
            fh.write(json.dumps({"i": i, **res, "data": data}) + "\n")
            fh.flush()
            print(i, res["ratio"], res["error"] or "", flush=True)
