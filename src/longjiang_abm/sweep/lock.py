"""One driver per sweep folder: an exclusive ``flock`` held while a sweep runs."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from .spec import SweepError


@contextlib.contextmanager
def folder_lock(out: Path):
    """Hold an exclusive lock on the sweep folder ``out`` (``.NAME.lock`` beside it, with the
    holder's PID); a second driver gets a SweepError at once instead of running the same runs.
    The lock goes with the process (``flock``): a killed driver holds nothing."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.parent / f".{out.name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise SweepError(
                f"{out}: another sweep driver (PID {holder}) is using this sweep folder; "
                "wait for it to finish, or stop it, then run --resume"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
