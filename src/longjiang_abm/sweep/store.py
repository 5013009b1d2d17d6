"""The sweep folder (contract):

    DIR/manifest.json          the sweep file resolved, the design, the planned runs, provenance
    DIR/runs/<run_id>.parquet  one finished run: one row per year (written to a temporary name
                               starting with '.', then renamed: a file that exists is finished)
    DIR/checksums/<run_id>.sha256  its SHA-256 and size, written before the rename; readers
                               (analyze, --resume) verify each run file against it
    DIR/corrupt/               run files that failed the check, moved aside by --resume (which
                               runs them again)
    DIR/failed/<run_id>.json   a run that failed twice, or once by exceeding ``run_timeout_s``,
                               with its error (removed once it succeeds)
    DIR/log.jsonl              one line per run completed by the sweep process (timings, worker)
    DIR/analysis/              tables (CSV) and figures (PNG) of ``longjiang analyze DIR``

``pandas.read_parquet(DIR / "runs")`` gives one row per run per year with ``run_id, point,
replicate, seed, year``, one column per factor (named as in the sweep file, float64) and one per
output KPI (int64 for counts, float64 otherwise): the schema is fixed, so every file of a sweep
has the same column types. A sweep with a posterior adds ``particle`` (int64, after ``seed``):
the particle of the posterior file that the run's seed drew.
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

from .. import checksums
from ..metrics import INT_COLUMNS
from ..provenance import provenance
from .spec import SweepError

MANIFEST = "manifest.json"
RUNS = "runs"
CHECKSUMS = "checksums"
CORRUPT = "corrupt"
FAILED = "failed"
LOG = "log.jsonl"
ID_COLUMNS = ("run_id", "point", "replicate", "seed", "year")
MANIFEST_FORMAT = 1
TEMP_MAX_AGE_S = 3600.0


class RunFileError(SweepError):
    """A run file that does not match its checksum (truncated or altered)."""


def run_schema(factors, outputs, particle: bool = False) -> pa.Schema:
    """The fixed Arrow schema of a run file (``particle``: of a sweep with a posterior)."""
    fields = [
        pa.field("run_id", pa.string()),
        pa.field("point", pa.int64()),
        pa.field("replicate", pa.int64()),
        pa.field("seed", pa.int64()),
    ]
    if particle:
        fields.append(pa.field("particle", pa.int64()))
    fields += [pa.field("year", pa.int64())]
    fields += [pa.field(f, pa.float64()) for f in factors]
    fields += [pa.field(o, pa.int64() if o in INT_COLUMNS else pa.float64()) for o in outputs]
    return pa.schema(fields)


def run_table(run: dict, kpis: pd.DataFrame, factors, outputs) -> pa.Table:
    """The rows of one run (one per year) in the fixed schema."""
    n = len(kpis)
    particle = run.get("particle") is not None
    cols = {
        "run_id": [run["run_id"]] * n,
        "point": [int(run["point"])] * n,
        "replicate": [int(run["replicate"])] * n,
        "seed": [int(run["seed"])] * n,
    }
    if particle:
        cols["particle"] = [int(run["particle"])] * n
    cols["year"] = kpis["year"].to_numpy(dtype="int64")
    for f in factors:
        cols[f] = [float(run["values"][f])] * n
    for o in outputs:
        if o in INT_COLUMNS:
            cols[o] = kpis[o].round().to_numpy(dtype="int64")
        else:
            cols[o] = kpis[o].to_numpy(dtype="float64")
    return pa.table(cols, schema=run_schema(factors, outputs, particle))


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


def checksum_path(out: Path, run_id: str) -> Path:
    return Path(out) / CHECKSUMS / f"{run_id}.sha256"


def write_run(runs_dir: Path, run_id: str, table: pa.Table) -> Path:
    """Write one run file atomically: a file named <run_id>.parquet is a finished run. Its
    checksum (``checksums/<run_id>.sha256``) is written first, then the file is renamed."""
    final = runs_dir / f"{run_id}.parquet"
    tmp = runs_dir / f".{run_id}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(table, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        side = checksum_path(runs_dir.parent, run_id)
        side.parent.mkdir(exist_ok=True)
        text = checksums.record(checksums.sha256_file(tmp), tmp.stat().st_size)
        atomic_write_bytes(side, text.encode())
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


def run_problem(out: Path, run_id: str) -> str | None:
    """None if ``runs/<run_id>.parquet`` matches its recorded checksum, else what is wrong. A
    file without a checksum (written before checksums existed) is accepted if Parquet reads it
    whole, and its checksum is then recorded."""
    path = Path(out) / RUNS / f"{run_id}.parquet"
    side = checksum_path(out, run_id)
    try:
        rec = checksums.parse_record(side.read_text())
        if rec is None:
            return f"{side}: malformed checksum record"
    except FileNotFoundError:
        try:
            pq.read_table(path)
        except (OSError, ValueError, pa.ArrowException) as exc:
            return f"unreadable Parquet ({exc})"
        side.parent.mkdir(exist_ok=True)
        text = checksums.record(checksums.sha256_file(path), path.stat().st_size)
        atomic_write_bytes(side, text.encode())
        return None
    return checksums.mismatch(path, *rec)


def check_runs(out: Path) -> tuple[set[str], dict[str, str]]:
    """(run_ids whose file verifies, {run_id: problem} for those that do not)."""
    good, bad = set(), {}
    for rid in sorted(finished_ids(out)):
        problem = run_problem(out, rid)
        if problem is None:
            good.add(rid)
        else:
            bad[rid] = problem
    return good, bad


def set_aside(out: Path, bad: dict[str, str]) -> list[Path]:
    """Move the run files in ``bad`` to ``corrupt/`` (they are then unfinished, and run again)
    and drop their checksums; returns the new paths."""
    moved = []
    folder = Path(out) / CORRUPT
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for rid in bad:
        folder.mkdir(exist_ok=True)
        dest = folder / f"{rid}.{stamp}.parquet"
        with contextlib.suppress(FileNotFoundError):
            os.replace(Path(out) / RUNS / f"{rid}.parquet", dest)
            moved.append(dest)
        with contextlib.suppress(FileNotFoundError):
            checksum_path(out, rid).unlink()
    return moved


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


def new_manifest(sweep, design, runs, posterior: dict | None = None) -> dict:
    """``posterior``: the record of the sweep's posterior (``posterior.manifest_record``)."""
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
    } | ({"posterior": posterior} if posterior else {})


def write_manifest(out: Path, manifest: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest, indent=1, default=str) + "\n"
    atomic_write_bytes(out / MANIFEST, text.encode())


def read_manifest(out: Path) -> dict:
    """The manifest of the sweep in ``out`` (SweepError if it is missing or damaged)."""
    path = Path(out) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise SweepError(f"{out}: no manifest.json here; is this a sweep folder?") from None
    except (OSError, ValueError) as exc:
        raise SweepError(f"{path}: unreadable ({exc}); it cannot be used") from None
    except RecursionError:
        raise SweepError(f"{path}: nested too deeply to be a sweep manifest") from None
    need = ("runs", "design", "sweep", "base_scenario", "version")
    if not isinstance(manifest, dict) or any(k not in manifest for k in need):
        raise SweepError(f"{path}: not a sweep manifest (needs the keys {', '.join(need)})")
    return manifest


def record_failure(
    out: Path, run: dict, error: str, tb: str | None, attempts: int, run_timeout_s: int = 0
) -> None:
    """``failed/<run_id>.json``; ``run_timeout_s``: the limit a timed-out run exceeded."""
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
    if run_timeout_s:
        rec["run_timeout_s"] = int(run_timeout_s)
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


def timed_out(out: Path) -> dict[str, int]:
    """{run_id: the limit it exceeded} of the runs whose last attempt timed out."""
    recs = failures(out)
    return {
        rid: int(r["run_timeout_s"])
        for rid, r in recs.items()
        if isinstance(r, dict) and isinstance(r.get("run_timeout_s"), int)
    }


def append_log(out: Path, rec: dict) -> None:
    """One line in log.jsonl, in a single O_APPEND write (workers, job-array tasks and the
    driver append to the same file)."""
    line = (json.dumps(rec) + "\n").encode()
    fd = os.open(Path(out) / LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read_runs(out: Path, manifest: dict | None = None) -> pd.DataFrame:
    """All finished runs of the sweep in DIR (only the planned ones), sorted by run and year."""
    out = Path(out)
    manifest = manifest or read_manifest(out)
    planned = {r["run_id"] for r in manifest["runs"]}
    good, bad = check_runs(out)
    if bad:
        rid, problem = next(iter(bad.items()))
        raise RunFileError(
            f"{out / RUNS / (rid + '.parquet')}: {problem}"
            + (f" (and {len(bad) - 1} more run files)" if len(bad) > 1 else "")
            + "; it is not read: `longjiang sweep SWEEP.toml --out "
            f"{out} --resume` sets it aside and runs it again"
        )
    factors = manifest["design"]["factors"]
    outputs = manifest["sweep"]["sweep"]["outputs"]
    schema = run_schema(factors, outputs, bool(manifest.get("posterior")))
    files = [out / RUNS / f"{rid}.parquet" for rid in sorted(good & planned)]
    if not files:
        return schema.empty_table().to_pandas()
    df = pa.concat_tables([pq.read_table(f, schema=schema) for f in files]).to_pandas()
    return df.sort_values(["point", "replicate", "year"], kind="stable").reset_index(drop=True)


__all__ = [
    "CHECKSUMS",
    "CORRUPT",
    "RunFileError",
    "check_runs",
    "checksum_path",
    "run_problem",
    "set_aside",
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
    "timed_out",
    "write_manifest",
    "write_run",
]
