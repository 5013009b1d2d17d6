"""The sweep folder (contract):

    DIR/manifest.json          the sweep file resolved, the design, the planned runs, provenance
    DIR/runs/<run_id>.parquet  one finished run: one row per year (written to a temporary name
                               starting with '.', then renamed: a file that exists is finished)
    DIR/failed/<run_id>.json   a run that failed twice, with its error (removed once it succeeds)
    DIR/log.jsonl              one line per run completed by the sweep process (timings, worker)
    DIR/analysis/              tables (CSV) and figures (PNG) of ``longjiang analyze DIR``

``pandas.read_parquet(DIR / "runs")`` gives one row per run per year with ``run_id, point,
replicate, seed, year``, one column per factor (named as in the sweep file, float64) and one per
output KPI (int64 for counts, float64 otherwise): the schema is fixed, so every file of a sweep
has the same column types.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import time
import uuid
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..metrics import INT_COLUMNS
from ..provenance import provenance

MANIFEST = "manifest.json"
RUNS = "runs"
FAILED = "failed"
LOG = "log.jsonl"
ID_COLUMNS = ("run_id", "point", "replicate", "seed", "year")
MANIFEST_FORMAT = 1
TEMP_MAX_AGE_S = 3600.0


def run_schema(factors, outputs) -> pa.Schema:
    """The fixed Arrow schema of a run file."""
    fields = [
        pa.field("run_id", pa.string()),
        pa.field("point", pa.int64()),
        pa.field("replicate", pa.int64()),
        pa.field("seed", pa.int64()),
        pa.field("year", pa.int64()),
    ]
    fields += [pa.field(f, pa.float64()) for f in factors]
    fields += [pa.field(o, pa.int64() if o in INT_COLUMNS else pa.float64()) for o in outputs]
    return pa.schema(fields)


def run_table(run: dict, kpis: pd.DataFrame, factors, outputs) -> pa.Table:
    """The rows of one run (one per year) in the fixed schema."""
    n = len(kpis)
    cols = {
        "run_id": [run["run_id"]] * n,
        "point": [int(run["point"])] * n,
        "replicate": [int(run["replicate"])] * n,
        "seed": [int(run["seed"])] * n,
        "year": kpis["year"].to_numpy(dtype="int64"),
    }
    for f in factors:
        cols[f] = [float(run["values"][f])] * n
    for o in outputs:
        if o in INT_COLUMNS:
            cols[o] = kpis[o].round().to_numpy(dtype="int64")
        else:
            cols[o] = kpis[o].to_numpy(dtype="float64")
    return pa.table(cols, schema=run_schema(factors, outputs))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a hidden temporary file beside ``path``, then rename it into place."""
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def write_run(runs_dir: Path, run_id: str, table: pa.Table) -> Path:
    """Write one run file atomically: a file named <run_id>.parquet is a finished run."""
    final = runs_dir / f"{run_id}.parquet"
    tmp = runs_dir / f".{run_id}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(table, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(runs_dir)
    return final


def finished_ids(out: Path) -> set[str]:
    """run_ids that have a result file."""
    runs = Path(out) / RUNS
    if not runs.is_dir():
        return set()
    return {p.name[: -len(".parquet")] for p in runs.glob("[!.]*.parquet")}


def clean_stale_temporaries(out: Path, max_age_s: float = TEMP_MAX_AGE_S) -> int:
    """Remove temporary files left by killed writers (older than ``max_age_s``)."""
    n = 0
    now = time.time()
    runs = Path(out) / RUNS
    for p in runs.glob(".*.tmp") if runs.is_dir() else []:
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime > max_age_s:
                p.unlink()
                n += 1
    return n


def library_versions() -> dict:
    out = {}
    for name in ("dask", "distributed", "dask-jobqueue", "SALib", "scipy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_manifest(sweep, design, runs) -> dict:
    prov = provenance()
    prov["libraries"] = {**prov.get("libraries", {}), **library_versions()}
    return {
        "format": MANIFEST_FORMAT,
        "sweep_file": str(sweep.path),
        "sweep": sweep.resolved(),
        "cluster": sweep.spec.cluster.model_dump(mode="json"),
        "base_scenario": sweep.base.model_dump(mode="json"),
        "design": design.to_json(),
        "n_points": int(len(design.points)),
        "replications": sweep.sweep.replications,
        "runs": [r.to_json() for r in runs],
        "n_runs_planned": len({r.run_id for r in runs}),
        "package": prov.pop("package"),
        "version": prov.pop("version"),
        "commit": prov.pop("commit"),
        "provenance": prov,
        "created": now_iso(),
        "sessions": [],
    }


def write_manifest(out: Path, manifest: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest, indent=1, default=str) + "\n"
    atomic_write_bytes(out / MANIFEST, text.encode())


def read_manifest(out: Path) -> dict:
    path = Path(out) / MANIFEST
    return json.loads(path.read_text())


def record_failure(out: Path, run: dict, error: str, tb: str | None, attempts: int) -> None:
    folder = Path(out) / FAILED
    folder.mkdir(parents=True, exist_ok=True)
    rec = {
        "run_id": run["run_id"],
        "point": run["point"],
        "replicate": run["replicate"],
        "seed": run["seed"],
        "values": run["values"],
        "error": error,
        "traceback": tb,
        "attempts": attempts,
        "time": now_iso(),
        "host": platform.node(),
    }
    atomic_write_bytes(
        folder / f"{run['run_id']}.json", (json.dumps(rec, indent=1) + "\n").encode()
    )


def clear_failure(out: Path, run_id: str) -> None:
    with contextlib.suppress(OSError):
        (Path(out) / FAILED / f"{run_id}.json").unlink()


def failures(out: Path) -> dict[str, dict]:
    folder = Path(out) / FAILED
    recs = {}
    for p in sorted(folder.glob("[!.]*.json")) if folder.is_dir() else []:
        with contextlib.suppress(OSError, ValueError):
            recs[p.stem] = json.loads(p.read_text())
    return recs


def append_log(out: Path, rec: dict) -> None:
    with open(Path(out) / LOG, "a") as fh:
        fh.write(json.dumps(rec) + "\n")


def read_runs(out: Path, manifest: dict | None = None) -> pd.DataFrame:
    """All finished runs of the sweep in DIR (only the planned ones), sorted by run and year."""
    out = Path(out)
    manifest = manifest or read_manifest(out)
    planned = {r["run_id"] for r in manifest["runs"]}
    if not finished_ids(out):
        factors = manifest["design"]["factors"]
        outputs = manifest["sweep"]["sweep"]["outputs"]
        return run_schema(factors, outputs).empty_table().to_pandas()
    df = pd.read_parquet(out / RUNS)
    df = df[df["run_id"].isin(planned)]
    return df.sort_values(["point", "replicate", "year"], kind="stable").reset_index(drop=True)


__all__ = [
    "FAILED",
    "ID_COLUMNS",
    "LOG",
    "MANIFEST",
    "RUNS",
    "append_log",
    "atomic_write_bytes",
    "clean_stale_temporaries",
    "clear_failure",
    "failures",
    "finished_ids",
    "new_manifest",
    "read_manifest",
    "read_runs",
    "record_failure",
    "run_schema",
    "run_table",
    "write_manifest",
    "write_run",
]
