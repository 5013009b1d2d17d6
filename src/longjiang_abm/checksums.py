"""SHA-256 checksums of result files, so that a truncated or altered file is never read as data.

A run folder (``longjiang run``) lists the digests of kpis.csv, quarterly.parquet and
firms.parquet in run.json (``"sha256"``); a sweep folder keeps one ``checksums/<run_id>.sha256``
per run file, written before the run file is renamed into place (so every finished run file has
one). Readers verify before reading: ``io.read_results``, ``longjiang analyze`` and
``longjiang sweep --resume`` (which moves a bad run file to ``corrupt/`` and runs it again).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 digest of the file at ``path``."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def record(digest: str, size: int) -> str:
    """The text of a ``.sha256`` sidecar: ``<digest>  <size in bytes>``."""
    return f"{digest}  {size}\n"


def parse_record(text: str) -> tuple[str, int] | None:
    """(digest, size) of a sidecar's text, None if it is malformed."""
    parts = text.split()
    if len(parts) != 2 or len(parts[0]) != 64 or not parts[1].isdigit():
        return None
    try:
        int(parts[0], 16)
    except ValueError:
        return None
    return parts[0], int(parts[1])


def mismatch(path: str | Path, digest: str, size: int | None = None) -> str | None:
    """None if the file at ``path`` has this digest (and size), else what is wrong."""
    path = Path(path)
    try:
        actual_size = path.stat().st_size
    except OSError:
        return "missing"
    if size is not None and actual_size != size:
        return f"{actual_size} bytes, expected {size} (truncated or altered)"
    if sha256_file(path) != digest:
        return "SHA-256 differs from the recorded one (altered or damaged)"
    return None


__all__ = ["mismatch", "parse_record", "record", "sha256_file"]
