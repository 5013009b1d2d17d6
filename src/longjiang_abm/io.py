"""Result files with provenance: kpis.csv, quarterly.parquet, firms.parquet, run.json.

Files are written to a temporary folder next to the destination and moved into place only
when all four are complete, so an interrupted run never leaves half-written results. run.json
records the SHA-256 of the three data files (``"sha256"``); ``read_results`` checks them.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .checksums import mismatch, sha256_file

RESULT_FILES = ("kpis.csv", "quarterly.parquet", "firms.parquet", "run.json")
DATA_FILES = RESULT_FILES[:3]


class OutputExistsError(FileExistsError):
    """The output folder already holds results."""


class ResultsError(ValueError):
    """A results folder that cannot be read as data: a file missing, truncated or altered."""


def write_results(
    out: str | Path,
    kpis: pd.DataFrame,
    quarterly: pd.DataFrame,
    firms: pd.DataFrame,
    meta: dict,
    overwrite: bool = False,
) -> Path:
    """Write the four result files atomically into folder ``out``."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise OutputExistsError(f"{out}: output folder already holds results (use --overwrite)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        kpis.to_csv(tmp / "kpis.csv", index=False, float_format="%.10g")
        quarterly.to_parquet(tmp / "quarterly.parquet", index=False)
        firms.to_parquet(tmp / "firms.parquet", index=False)
        meta = {**meta, "sha256": {name: sha256_file(tmp / name) for name in DATA_FILES}}
        (tmp / "run.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def verify_results(folder: str | Path) -> dict:
    """run.json of the results in ``folder``, after checking every data file against the
    SHA-256 it records; raises ResultsError naming the first file that does not match."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / "run.json").read_text())
    except OSError:
        raise ResultsError(f"{folder}: no run.json; not a results folder") from None
    except ValueError as exc:
        raise ResultsError(f"{folder}/run.json: not valid JSON ({exc})") from None
    digests = meta.get("sha256") if isinstance(meta, dict) else None
    if not isinstance(digests, dict):
        raise ResultsError(f"{folder}/run.json: no 'sha256' checksums to verify the files with")
    for name in DATA_FILES:
        problem = mismatch(folder / name, str(digests.get(name)))
        if problem:
            raise ResultsError(f"{folder}/{name}: {problem}; run it again to replace it")
    return meta


def read_results(folder: str | Path) -> dict:
    """The four result files of ``folder`` (checked against run.json's checksums first)."""
    folder = Path(folder)
    meta = verify_results(folder)
    return {
        "kpis": pd.read_csv(folder / "kpis.csv"),
        "quarterly": pd.read_parquet(folder / "quarterly.parquet"),
        "firms": pd.read_parquet(folder / "firms.parquet"),
        "run": meta,
    }
