"""Sweeps on a real single-node SLURM (Debian's slurm-wlm and munge; ``.ci/slurm-up`` installs
and starts it, this module stops the daemons it finds by their PID files at the end):

- ``--executor slurm`` with 2-core worker jobs (two workers each): the worker job is cancelled
  (``scancel``) after the first run finishes; the driver either gets a new job or stops with
  its clear message after ``worker_wait`` seconds (never hangs); ``--resume`` then finishes, with
  every run exactly once;
- the job-array mode (``sbatch --array``) runs a planned sweep to the end, one log line a run.

Skipped, with the reason, where SLURM cannot be set up (not root, no apt, no daemons).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from longjiang_abm.sweep import store

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3000)]

REPO = Path(__file__).resolve().parents[1]
PID_FILES = ("/run/slurm/slurmd.pid", "/run/slurm/slurmctld.pid", "/run/munge/munged.pid")
CACHE = REPO / ".venv" / "numba-cache-slurm"  # kept between runs: the workers compile once


def _sh(*cmd: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def _slurm_ready() -> bool:
    if shutil.which("sinfo") is None:
        return False
    try:
        p = _sh("sinfo", "-h", "-o", "%T", timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return p.returncode == 0 and any(s in p.stdout for s in ("idle", "mixed", "alloc"))


@pytest.fixture(scope="module")
def slurm():
    if not _slurm_ready():
        p = _sh(str(REPO / ".ci" / "slurm-up"), timeout=900)
        if not _slurm_ready():
            reason = f"SLURM cannot be set up here: {(p.stdout + p.stderr).strip()[-300:]}"
            print(reason)
            pytest.skip(reason)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(CACHE), "NUMBA_NUM_THREADS": "1"}
    # warm the workers' numba cache once (a cold compile in every job takes minutes)
    warm = "from longjiang_abm import run; run(None, years=1, n_firms=200)"
    subprocess.run([sys.executable, "-c", warm], env=env, check=True, timeout=1800)
    yield
    _sh("scancel", "-u", "root")
    for pid_file in PID_FILES:  # tear-down by PID, never by name
        try:
            os.kill(int(Path(pid_file).read_text().split()[0]), signal.SIGTERM)
        except (OSError, ValueError):
            pass


SWEEP = """
[sweep]
design = "grid"
replications = 3
seed = 4
years = 1
firms = 500
outputs = ["secondary_share", "gdp"]
check_accounts = true

[factors]
"policy.ownership_neutrality" = [0.0, 1.0]

[cluster]
queue = "debug"
account = "test"
walltime = "00:30:00"
cores = 2
memory = "4GB"
jobs = 1
interface = "lo"
worker_wait = 30
numba_cache_dir = "{cache}"
log_directory = "{logs}"
"""


def _write_sweep(tmp_path: Path) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(SWEEP.format(cache=CACHE, logs=tmp_path / "logs"))
    return path


def _longjiang(*args: str) -> list[str]:
    return [sys.executable, "-m", "longjiang_abm", *args]


def _jobs() -> list[str]:
    return _sh("squeue", "-h", "-o", "%i").stdout.split()


def test_a_cancelled_multicore_worker_job_never_hangs_the_driver(slurm, tmp_path):
    path, out = _write_sweep(tmp_path), tmp_path / "out"
    driver = subprocess.Popen(
        _longjiang("sweep", str(path), "--executor", "slurm", "--out", str(out), "--quiet"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while not store.finished_ids(out) and driver.poll() is None:
            time.sleep(0.2)
        cancelled = _jobs()
        for job in cancelled:
            _sh("scancel", job)
        stdout, stderr = driver.communicate(timeout=1800)
    finally:
        if driver.poll() is None:
            driver.kill()
    finished = " ".join(stdout.split())
    if driver.returncode == 0:  # a new job was submitted and finished the sweep
        assert "6 of 6 runs finished" in finished
    else:  # or the driver stopped, saying why, after worker_wait seconds without workers
        assert driver.returncode == 2, stderr
        assert "no worker connected for 30 s" in stderr and "--resume" in stderr
        assert "Traceback" not in stderr
        p = subprocess.run(
            _longjiang("sweep", str(path), "--executor", "slurm", "--out", str(out), "--resume"),
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert p.returncode == 0, p.stderr
        assert "6 of 6 runs finished" in " ".join(p.stdout.split())
    runs = pd.read_parquet(out / "runs")
    assert runs["run_id"].nunique() == 6 and not runs.duplicated(["run_id", "year"]).any()
    assert store.check_runs(out)[1] == {}


def test_the_job_array_mode_completes(slurm, tmp_path):
    path, out = _write_sweep(tmp_path), tmp_path / "out"
    p = subprocess.run(
        _longjiang("sweep", str(path), "--out", str(out), "--plan-only"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    task = (
        f"export NUMBA_NUM_THREADS=1 NUMBA_CACHE_DIR={CACHE}; "
        f"{sys.executable} -m longjiang_abm.sweep.array {out} --tasks 2"
    )
    p = _sh("sbatch", "--parsable", "--array=0-1", "-p", "debug", "-c", "1",
            "-o", str(tmp_path / "array-%a.log"), "--wrap", task)  # fmt: skip
    assert p.returncode == 0, p.stderr
    job = p.stdout.strip().split(";")[0]
    for _ in range(6000):  # until the array has left the queue (allow for a busy machine)
        if not [j for j in _jobs() if j.split("_")[0] == job]:
            break
        time.sleep(0.3)
    assert len(store.finished_ids(out)) == 6, [
        f.read_text()[-500:] for f in tmp_path.glob("array-*.log")
    ]
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert sorted(r["run_id"] for r in log) == sorted(store.finished_ids(out))
    assert store.check_runs(out)[1] == {}
