"""The posterior file (Parquet, under params/) and the draw of one parameter set per seed.

One row per particle of the last generation: ``particle``, ``weight`` (normalised), ``seed``
(the model seed of its accepted run), one column per estimated parameter (its scenario key,
'section.key'), and ``stat.<name>`` for the statistics of its accepted run. The file's metadata
(key ``longjiang``) hold the provenance: version, commit, command, budget, population, priors,
the parameters set at their packaged values, the observed statistics with their standard
errors, the generations (tolerance, acceptance) and the final tolerance.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..checksums import sha256_file
from ..errors import ScenarioError, UserError
from ..params import load_scenario
from .priors import BY_NAME
from .statistics import parameter_seed

META_KEY = b"longjiang"
STAT_PREFIX = "stat."


def particles(history) -> pd.DataFrame:
    """The last generation of pyabc's History as a frame (columns as in the module docstring)."""
    pop = history.get_population()
    rows = []
    for i, p in enumerate(pop.particles):
        values = {BY_NAME[name].key: float(v) for name, v in dict(p.parameter).items()}
        rows.append(
            {
                "particle": i,
                "weight": float(p.weight),
                "seed": parameter_seed(values),
                **values,
                **{STAT_PREFIX + k: float(v) for k, v in p.sum_stat.items()},
            }
        )
    frame = pd.DataFrame(rows)
    frame["weight"] /= frame["weight"].sum()
    return frame


def write(frame: pd.DataFrame, meta: dict, path: Path) -> Path:
    """Write ``frame`` with ``meta`` to ``path`` (atomically: a temporary file renamed)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), META_KEY: json.dumps(meta).encode()}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)
    return path


def read(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """The particles and the metadata of a posterior file (UserError naming the file if it is
    not one)."""
    path = Path(path)
    try:
        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {})[META_KEY])
        frame = table.to_pandas()
    except FileNotFoundError:
        raise UserError(f"{path}: no such posterior file") from None
    except (OSError, KeyError, ValueError, pa.ArrowException):
        raise UserError(
            f"{path}: not a posterior file (a Parquet file written by longjiang calibrate)"
        ) from None
    keys = meta.get("estimated", [])
    missing = [c for c in ["weight", *keys] if c not in frame.columns]
    if not keys or missing or len(frame) == 0:
        raise UserError(f"{path}: not a posterior file (missing {missing or 'particles'})")
    w = frame["weight"].to_numpy()
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise UserError(f"{path}: key 'weight': weights must be finite, >= 0, not all 0")
    return frame, meta


def pick(frame: pd.DataFrame, seed: int) -> int:
    """The row of ``frame`` (a posterior's particles) that run seed ``seed`` draws: row i with
    probability weight_i, from a generator seeded by (seed, 2018)."""
    w = frame["weight"].to_numpy(dtype=float)
    return int(np.random.default_rng([int(seed), 2018]).choice(len(frame), p=w / w.sum()))


def draw(path: str | Path, seed: int) -> dict:
    """One parameter set of the posterior at ``path`` for run seed ``seed``: particle i with
    probability weight_i, from a generator seeded by (seed, 2018), so a seed always draws the
    same set. Returns {'file', 'sha256', 'particle', 'parameters': {'section.key': value}}."""
    frame, meta = read(path)
    i = pick(frame, seed)
    row = frame.iloc[i]
    values = {k: float(row[k]) for k in meta["estimated"]}
    try:
        load_scenario(None, [f"{k}={v!r}" for k, v in values.items()])
    except ScenarioError as exc:
        raise UserError(f"{path}: particle {i}: {str(exc).split(': ', 1)[-1]}") from None
    return {
        "file": str(path),
        "sha256": sha256_file(path),
        "particle": int(row["particle"]) if "particle" in frame else i,
        "parameters": values,
    }


def with_values(scenario, values: dict):
    """``scenario`` with ``values`` ({'section.key': value}) set, validated by the schema."""
    from ..params import apply_overrides
    from ..params.toml_io import validate_scenario

    data = apply_overrides(
        scenario.model_dump(mode="json"), [f"{k}={v!r}" for k, v in values.items()]
    )
    return validate_scenario(data, f"{scenario.name} with a posterior draw")


def summary(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Weighted mean, sd, 5% and 95% quantiles and the effective sample size per parameter."""
    w = frame["weight"].to_numpy(dtype=float)
    w = w / w.sum()
    rows = {}
    for k in keys:
        x = frame[k].to_numpy(dtype=float)
        order = np.argsort(x)
        cw = np.cumsum(w[order])
        mean = float(w @ x)
        rows[k] = {
            "mean": mean,
            "sd": float(np.sqrt(w @ (x - mean) ** 2)),
            "q05": float(x[order][np.searchsorted(cw, 0.05)]),
            "q50": float(x[order][np.searchsorted(cw, 0.5)]),
            "q95": float(x[order][min(np.searchsorted(cw, 0.95), len(x) - 1)]),
        }
    out = pd.DataFrame(rows).T
    out.attrs["ess"] = float(1.0 / np.sum(w**2))
    return out
