"""``longjiang verify`` for a sweep folder: every run file against its checksum, read-only.

Reports: a manifest that is missing, damaged or of the wrong shape; run files that are
truncated or altered, or have no checksum; run files that the manifest does not plan (another
sweep's runs); planned runs not finished yet (reported, not a problem: ``--resume`` runs them).
Nothing is written or moved (``--resume`` is what sets a damaged run file aside).
"""

from __future__ import annotations

from pathlib import Path

from .. import checksums
from .spec import SweepError
from .store import CHECKSUMS, MANIFEST, RUNS, checksum_path, finished_ids, read_manifest


def is_sweep_folder(folder: str | Path) -> bool:
    folder = Path(folder)
    return (folder / MANIFEST).exists() or (folder / RUNS).is_dir()


def sweep_progress(folder: str | Path) -> tuple[int, int] | None:
    """(finished, planned) runs of the sweep in ``folder`` (None if its manifest is bad)."""
    try:
        manifest = read_manifest(Path(folder))
    except (SweepError, RecursionError):
        return None
    planned = {r["run_id"] for r in manifest["runs"] if isinstance(r, dict) and "run_id" in r}
    return len(finished_ids(Path(folder)) & planned), len(planned)


def sweep_problems(folder: str | Path) -> list[str]:
    """Everything wrong with the sweep folder ``folder`` (empty if it is intact)."""
    folder = Path(folder)
    try:
        manifest = read_manifest(folder)
    except SweepError as exc:
        return [str(exc)]
    except RecursionError:
        return [f"{folder / MANIFEST}: nested too deeply to be a sweep manifest"]
    runs = manifest["runs"]
    if not isinstance(runs, list) or not all(isinstance(r, dict) and "run_id" in r for r in runs):
        return [f"{folder / MANIFEST}: 'runs' is not a list of planned runs"]
    planned = {str(r["run_id"]) for r in runs}
    problems = []
    for rid in sorted(finished_ids(folder)):
        path = folder / RUNS / f"{rid}.parquet"
        if rid not in planned:
            problems.append(f"{path}: not a run of this sweep (its manifest does not plan it)")
            continue
        side = checksum_path(folder, rid)
        try:
            rec = checksums.parse_record(side.read_text())
        except OSError:
            problems.append(f"{path}: no checksum in {CHECKSUMS}/ to verify it with")
            continue
        if rec is None:
            problems.append(f"{side}: malformed checksum record")
            continue
        problem = checksums.mismatch(path, *rec)
        if problem:
            problems.append(f"{path}: {problem}")
    return problems


__all__ = ["is_sweep_folder", "sweep_problems", "sweep_progress"]
