"""A sweep on a real ``dask scheduler`` with two separate ``dask worker`` processes (no nanny:
a killed worker stays dead), one of them SIGKILLed mid-sweep: the sweep finishes with every run
exactly once, and log.jsonl holds one line per run (written by the worker that finished it).
Also: a second driver on the same sweep folder is refused while the first runs; runs over the
sweep's ``run_timeout_s`` are stopped by their workers and recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from longjiang_abm.sweep import store

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

SWEEP = """
[sweep]
design = "grid"
replications = 2
seed = 5
years = 1
firms = 20000
outputs = ["secondary_share", "gdp"]
check_accounts = true

[factors]
"policy.ownership_neutrality" = [0.0, 0.33, 0.67, 1.0]
"""
WORKER_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def _start(args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    with log.open("w") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            stdout=fh,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def scheduler(tmp_path):
    """``dask scheduler`` on 127.0.0.1 and two single-threaded ``dask worker`` processes."""
    sched_file = tmp_path / "scheduler.json"
    procs = [
        _start(
            ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(sched_file)],
            tmp_path / "scheduler.log",
        )
    ]  # fmt: skip
    try:
        while not sched_file.exists() or not sched_file.read_text().strip():
            assert procs[0].poll() is None, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.1)
        address = json.loads(sched_file.read_text())["address"]
        for i in range(2):
            procs.append(
                _start(
                    ["distributed.cli.dask_worker", "--scheduler-file", str(sched_file),
                     "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
                     "--no-dashboard", "--name", f"w{i}"],
                    tmp_path / f"worker{i}.log",
                    WORKER_ENV,
                )
            )  # fmt: skip
        from distributed import Client

        with Client(address, timeout=120) as c:
            c.wait_for_workers(2, timeout=600)
        yield address, procs[1:]
    finally:
        for p in reversed(procs):
            _stop(p)


def test_a_worker_killed_mid_sweep_on_a_real_scheduler(scheduler, tmp_path):
    address, workers = scheduler
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    out = tmp_path / "out"
    driver = subprocess.Popen(
        [sys.executable, "-m", "longjiang_abm", "sweep", str(sweep), "--executor", "dask",
         "--scheduler", address, "--out", str(out), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        while not store.finished_ids(out) and driver.poll() is None:
            time.sleep(0.02)
        # a second driver on the same folder while the first runs: refused, nothing written
        second = subprocess.run(
            [sys.executable, "-m", "longjiang_abm", "sweep", str(sweep), "--executor", "dask",
             "--scheduler", address, "--out", str(out), "--quiet", "--resume"],
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip
        os.kill(workers[0].pid, signal.SIGKILL)
        stdout, stderr = driver.communicate(timeout=1500)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert driver.returncode == 0, stderr
    assert "8 of 8 runs finished" in " ".join(stdout.split())
    if second.returncode != 0:  # the first driver may already have finished: then it resumes
        assert second.returncode == 2 and "another sweep driver" in second.stderr
    assert workers[0].wait(timeout=60) == -signal.SIGKILL
    runs = pd.read_parquet(out / "runs")
    assert runs["run_id"].nunique() == 8 and not runs.duplicated(["run_id", "year"]).any()
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    done = sorted(r["run_id"] for r in log if r.get("status") == "done")
    assert done == sorted(runs["run_id"].unique())  # one line per run, by its worker
    assert store.check_runs(out)[1] == {}


def test_runs_over_the_time_limit_are_stopped_on_a_real_scheduler(scheduler, tmp_path):
    """``[sweep] run_timeout_s`` on the ``dask`` executor: every run (150,000 firms over 10
    years) exceeds 1 s; each is stopped by its worker, recorded, and the driver ends (exit 1)
    with the workers still there."""
    address, workers = scheduler
    sweep = tmp_path / "s.toml"
    sweep.write_text(
        SWEEP.replace("firms = 20000", "firms = 150000")
        .replace("years = 1", "years = 10\nrun_timeout_s = 1")
        .replace("[0.0, 0.33, 0.67, 1.0]", "[0.0, 1.0]")
    )
    out = tmp_path / "out"
    p = subprocess.run(
        [sys.executable, "-m", "longjiang_abm", "sweep", str(sweep), "--executor", "dask",
         "--scheduler", address, "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=1500,
    )  # fmt: skip
    assert p.returncode == 1, p.stderr
    said = " ".join(p.stdout.split())
    assert "0 of 4 runs finished, 4 failed" in said and "4 of them timed out" in said
    assert "Traceback" not in p.stderr
    assert sorted(store.timed_out(out).values()) == [1, 1, 1, 1]
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert [r["status"] for r in log] == ["timeout"] * 4
    assert all(w.poll() is None for w in workers)  # no worker was ended: each run stopped itself
