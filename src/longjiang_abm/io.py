"""Result files with provenance: kpis.csv, quarterly.parquet, firms.parquet, sectors.parquet,
run.json.

Files are written to a temporary folder next to the destination (``.NAME.tmp-PID-xxxx``) and
moved into place only when all of them are complete, so an interrupted run never leaves
half-written results. Replacing an earlier run (``overwrite``) swaps the two folders in one
atomic step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames), with SIGINT and
SIGTERM held back until the swap is done, and then removes the old run from the temporary
folder. Only a folder holding a run of this tool (its run.json and result files, nothing else)
is ever replaced; anything else is refused. A temporary folder left by a killed process (its
PID no longer running, only result files inside) is removed by the next run into the same
parent folder.

run.json records the SHA-256 of the four data files (``"sha256"``) and SHA256SUMS those of
all five (``sha256sum -c SHA256SUMS`` checks them too); ``verify_results`` checks both.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .checksums import mismatch, sha256_file
from .interrupts import signals_deferred

RESULT_FILES = ("kpis.csv", "quarterly.parquet", "firms.parquet", "sectors.parquet", "run.json")
DATA_FILES = RESULT_FILES[:4]
SECTORS_COLUMNS = ("quarter", "year", "matrix", "row", "sector", "value")
SUMS_FILE = "SHA256SUMS"
RUN_FOLDER_FILES = (*RESULT_FILES, SUMS_FILE)
PACKAGE = "longjiang_abm"
BYTES_PER_FIRM = 400  # firms.parquet is about 150 B a firm; the rest is small
BYTES_MIN = 16 << 20


class OutputExistsError(FileExistsError):
    """The output folder already holds results (or other files)."""


class OutputError(ValueError):
    """An output location that cannot be used: a file, not writable, no space (exit status 2)."""


class ResultsError(ValueError):
    """A results folder that cannot be read as data: a file missing, truncated or altered."""


def run_meta(folder: str | Path) -> dict | None:
    """run.json of ``folder`` if it parses and was written by this package, else None."""
    try:
        meta = json.loads((Path(folder) / "run.json").read_text())
    except (OSError, ValueError, RecursionError):
        return None
    return meta if isinstance(meta, dict) and meta.get("package") == PACKAGE else None


def is_run_folder(folder: str | Path) -> bool:
    """True if ``folder`` holds a run of this tool and nothing else: its run.json and result
    files, each a regular file (so replacing the folder loses nothing the tool did not write)."""
    folder = Path(folder)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    if not all(p.name in RUN_FOLDER_FILES and p.is_file() and not p.is_symlink() for p in entries):
        return False
    return run_meta(folder) is not None


def _existing_ancestor(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_output(
    out: str | Path,
    overwrite: bool = False,
    n_firms: int = 0,
    option: str = "overwrite=True",
) -> None:
    """Raise OutputError / OutputExistsError unless ``out`` can take a run's results: called
    before simulating, so a bad location costs nothing. ``option`` names the way to replace
    an earlier run in the message (``--overwrite`` on the command line)."""
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"{out}: exists and is not a folder; the output must be a folder")
    if out.exists():
        try:
            entries = list(out.iterdir())
        except OSError as exc:
            raise OutputError(f"{out}: cannot list the output folder ({exc.strerror})") from None
        if entries and not is_run_folder(out):
            raise OutputExistsError(
                f"{out}: output folder holds files that are not a run of this tool; nothing is "
                f"replaced there (only a folder of run results is, with {option}): choose "
                "another output folder"
            )
        if entries and not overwrite:
            raise OutputExistsError(
                f"{out}: output folder already holds a different run (choose another output "
                f"folder, or {option} to replace it)"
            )
    base = _existing_ancestor(out.parent)
    if not base.is_dir():
        raise OutputError(f"{out}: {base} is not a folder; cannot create the output folder there")
    try:  # a real probe: os.access says yes to root on read-only mounts and in /proc
        Path(tempfile.mkdtemp(prefix=".longjiang-probe-", dir=base)).rmdir()
    except OSError as exc:
        raise OutputError(f"{out}: cannot write in {base} ({exc.strerror})") from None
    need = BYTES_MIN + BYTES_PER_FIRM * int(n_firms)
    free = shutil.disk_usage(base).free
    if free < need:
        raise OutputError(
            f"{out}: {free / 1e6:.0f} MB free in {base}, the results need about {need / 1e6:.0f} MB"
        )


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temporaries(out: str | Path) -> list[Path]:
    """Temporary folders of ``out`` left by processes that no longer run (SIGKILL, power
    loss) and that hold nothing but result files."""
    out = Path(out)
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.(?:tmp|old)-(\d+)-\w+$")
    stale = []
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return []
    for p in entries:
        m = pattern.match(p.name)
        if not m or not p.is_dir() or p.is_symlink() or _pid_running(int(m.group(1))):
            continue
        if all(q.name in RUN_FOLDER_FILES and q.is_file() for q in p.iterdir()):
            stale.append(p)
    return stale


def remove_stale_temporaries(out: str | Path) -> list[Path]:
    """Remove (and return) the stale temporary folders of ``out``."""
    stale = stale_temporaries(out)
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)
    return stale


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap folders ``a`` and ``b`` in one step (Linux); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc != 0:
        err = ctypes.get_errno()
        if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot
            return False
        raise OSError(err, os.strerror(err), str(b))
    return True


def _swap_in(tmp: Path, out: Path) -> None:
    """Put the complete folder ``tmp`` at ``out``; an earlier run there ends up in ``tmp``."""
    if out.exists() and any(out.iterdir()):
        if not _exchange(tmp, out):
            old = out.parent / tmp.name.replace(".tmp-", ".old-", 1)
            out.rename(old)
            tmp.rename(out)
            old.rename(tmp)
    else:
        tmp.rename(out)  # onto an empty folder too (rename(2) replaces it)


def write_results(
    out: str | Path,
    kpis: pd.DataFrame,
    quarterly: pd.DataFrame,
    firms: pd.DataFrame,
    meta: dict,
    overwrite: bool = False,
    option: str = "overwrite=True",
    sectors: pd.DataFrame | None = None,
) -> Path:
    """Write the result files atomically into folder ``out`` (see the module's docstring).
    ``sectors``: the flow and balance-sheet matrices (None: an empty table of their columns)."""
    out = Path(out)
    check_output(out, overwrite, 0, option)
    remove_stale_temporaries(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    try:
        try:
            kpis.to_csv(tmp / "kpis.csv", index=False, float_format="%.10g")
            quarterly.to_parquet(tmp / "quarterly.parquet", index=False)
            firms.to_parquet(tmp / "firms.parquet", index=False)
            if sectors is None:
                sectors = pd.DataFrame(columns=list(SECTORS_COLUMNS))
            sectors.to_parquet(tmp / "sectors.parquet", index=False)
            meta = {
                "package": PACKAGE,
                **meta,
                "sha256": {name: sha256_file(tmp / name) for name in DATA_FILES},
            }
            (tmp / "run.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
            sums = "".join(f"{sha256_file(tmp / n)}  {n}\n" for n in RESULT_FILES)
            (tmp / SUMS_FILE).write_text(sums)
        except OSError as exc:
            raise OutputError(
                f"{out}: cannot write the results ({exc.strerror}); nothing was changed"
            ) from None
        with signals_deferred():
            check_output(out, overwrite, 0, option)  # still a run folder, or free
            _swap_in(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the old run, or the unfinished new one
    return out


def verify_problems(folder: str | Path) -> list[str]:
    """Everything wrong with the run folder ``folder`` (empty if it is intact): run.json that
    is missing or not JSON, files missing, truncated or altered (SHA256SUMS and run.json's
    checksums), files that do not belong there."""
    folder = Path(folder)
    if not folder.is_dir():
        return [f"{folder}: not a folder"]
    try:
        meta = json.loads((folder / "run.json").read_text())
    except OSError:
        return [f"{folder}: no run.json; not a results folder"]
    except (ValueError, RecursionError) as exc:
        return [f"{folder}/run.json: not valid JSON ({str(exc)[:100]})"]
    problems, bad = [], {}
    digests = meta.get("sha256") if isinstance(meta, dict) else None
    if not isinstance(digests, dict):
        problems.append(f"{folder}/run.json: no 'sha256' checksums to verify the files with")
        digests = {}
    for name in DATA_FILES:
        if name in digests and (problem := mismatch(folder / name, str(digests[name]))):
            bad.setdefault(name, problem)
    sums = folder / SUMS_FILE
    if sums.is_file():
        listed = {}
        for line in sums.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] in RESULT_FILES:
                listed[parts[1]] = parts[0]
        for name in RESULT_FILES:
            if name not in listed:
                problems.append(f"{folder}/{SUMS_FILE}: no checksum for {name}")
            elif problem := mismatch(folder / name, listed[name]):
                bad.setdefault(name, problem)
    else:
        problems.append(f"{folder}: no {SUMS_FILE}, so run.json itself cannot be checked")
    problems += [f"{folder}/{name}: {problem}" for name, problem in bad.items()]
    extra = sorted(p.name for p in folder.iterdir() if p.name not in RUN_FOLDER_FILES)
    if extra:
        problems.append(f"{folder}: files that are not results of the run: {', '.join(extra)}")
    return problems


def verify_results(folder: str | Path) -> dict:
    """run.json of the results in ``folder``, after checking every data file against the
    SHA-256 it records; raises ResultsError naming the first file that does not match."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / "run.json").read_text())
    except OSError:
        raise ResultsError(f"{folder}: no run.json; not a results folder") from None
    except (ValueError, RecursionError) as exc:
        raise ResultsError(f"{folder}/run.json: not valid JSON ({str(exc)[:100]})") from None
    digests = meta.get("sha256") if isinstance(meta, dict) else None
    if not isinstance(digests, dict):
        raise ResultsError(f"{folder}/run.json: no 'sha256' checksums to verify the files with")
    for name in DATA_FILES:
        problem = mismatch(folder / name, str(digests.get(name)))
        if problem:
            raise ResultsError(f"{folder}/{name}: {problem}; run it again to replace it")
    return meta


def read_results(folder: str | Path) -> dict:
    """The five result files of ``folder`` (checked against run.json's checksums first)."""
    folder = Path(folder)
    meta = verify_results(folder)
    return {
        "kpis": pd.read_csv(folder / "kpis.csv"),
        "quarterly": pd.read_parquet(folder / "quarterly.parquet"),
        "firms": pd.read_parquet(folder / "firms.parquet"),
        "sectors": pd.read_parquet(folder / "sectors.parquet"),
        "run": meta,
    }
