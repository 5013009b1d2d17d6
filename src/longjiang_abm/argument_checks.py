"""Checks of the command line's arguments made before any work: seeds, files to write, the
validate command's output folder, and whether an output folder holds exactly this run."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UserError
from .io import is_run_folder, run_meta
from .params import SEED_MAX


def _same_run(out: Path, scenario, seed: int) -> bool:
    """True if ``out`` holds the results of exactly this scenario and seed (re-running it
    reproduces the same files, so replacing them loses nothing)."""
    meta = run_meta(out)
    return (
        meta is not None
        and is_run_folder(out)
        and meta.get("seed") == seed
        and meta.get("scenario") == scenario.model_dump(mode="json")
    )


def check_seed(seed: int, flag: str = "--seed") -> None:
    if not 0 <= seed <= SEED_MAX:
        raise UserError(f"{flag} {seed}: allowed range 0 to {SEED_MAX} (2^63 - 1)")


def check_writable_file(path: str, flag: str) -> None:
    """Refuse, before any work, a file path that cannot be written (a folder, a missing
    folder, a read-only place)."""
    p = Path(path)
    if p.is_dir():
        raise UserError(f"{flag} {path}: is a folder; expected a file name")
    if not p.parent.is_dir():
        raise UserError(f"{flag} {path}: folder {p.parent} does not exist")
    if p.exists() and not p.is_file():
        raise UserError(f"{flag} {path}: not a regular file")
    try:  # a real probe (os.access says yes to root in /proc and on read-only mounts)
        if p.exists():
            with open(p, "r+b"):
                pass
        else:
            with open(p, "xb"):
                pass
            p.unlink()
    except OSError as exc:
        raise UserError(f"{flag} {path}: cannot write there ({exc.strerror})") from None


def check_validate_args(args) -> None:
    """``longjiang validate``'s --out must be a folder it may write in, its seed in range."""
    out = getattr(args, "out", None)
    if out:
        p = Path(out)
        if p.exists() and not p.is_dir():
            raise UserError(f"--out {out}: exists and is not a folder")
        base = p
        while not base.exists() and base != base.parent:
            base = base.parent
        if not base.is_dir() or not os.access(base, os.W_OK):
            raise UserError(f"--out {out}: cannot write in {base}")
    if getattr(args, "seed", None) is not None:
        check_seed(args.seed)
