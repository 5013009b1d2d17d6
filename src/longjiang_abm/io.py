"""Result files with provenance: kpis.csv, quarterly.parquet, firms.parquet, run.json.

Files are written to a temporary folder next to the destination and moved into place only
when all four are complete, so an interrupted run never leaves half-written results.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

RESULT_FILES = ("kpis.csv", "quarterly.parquet", "firms.parquet", "run.json")


class OutputExistsError(FileExistsError):
    """The output folder already holds results."""


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
        (tmp / "run.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def read_results(folder: str | Path) -> dict:
    folder = Path(folder)
    return {
        "kpis": pd.read_csv(folder / "kpis.csv"),
        "quarterly": pd.read_parquet(folder / "quarterly.parquet"),
        "firms": pd.read_parquet(folder / "firms.parquet"),
        "run": json.loads((folder / "run.json").read_text()),
    }
