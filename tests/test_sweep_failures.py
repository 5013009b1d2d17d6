"""A sweep's per-run time limit (``[sweep] run_timeout_s``), on every executor path.

A genuinely slow run (a population of 1,000,000 firms over 50 years, or the whole sweep at
150,000 firms) is stopped by the limit; a run stuck inside one quarter has its worker process
ended; recorded as failed with its reason (``failed/``, the
log), the rest of the sweep goes on, and a resume neither runs it again silently (same limit:
skipped and reported) nor loses it (a raised limit runs it). No wall-clock assertion but the
limit's own: the stopped run is only required to stop long before it would have finished.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from longjiang_abm.sweep import store
from longjiang_abm.sweep.execute import run_sweep
from longjiang_abm.sweep.spec import SweepError, load_sweep
from longjiang_abm.sweep.task import simulate as task_simulate

pytestmark = pytest.mark.timeout(1800)  # a busy machine: no wall-clock limit of its own

LIMIT = 20  # seconds: a normal run here takes well under a second, the slow one many minutes

GRID = """
[sweep]
design = "grid"
replications = 2
seed = 5
years = 1
firms = 300
outputs = ["secondary_share", "gdp"]
run_timeout_s = {limit}
check_accounts = true

[factors]
"policy.ownership_neutrality" = [0.0, 1.0]
"""


def write(folder: Path, text: str, name: str = "s.toml") -> Path:
    p = folder / name
    p.write_text(text)
    return p


def frame(out: Path) -> pd.DataFrame:
    df = pd.read_parquet(Path(out) / "runs")
    return df.sort_values(["run_id", "year"]).reset_index(drop=True)


def log(out: Path) -> list[dict]:
    return [json.loads(line) for line in (Path(out) / "log.jsonl").read_text().splitlines()]


@pytest.fixture
def slow_point(monkeypatch):
    """Point 1 (full ownership neutrality) becomes a genuinely slow run: 1,000,000 firms over 50
    years (minutes), through the real model; the others run as planned."""
    from longjiang_abm.runner import run
    from longjiang_abm.sweep import task

    def simulate(scenario, seed, *, check_accounts=True, progress=None):
        if scenario.policy.ownership_neutrality == 1.0:
            # far beyond the limit on any machine: 200,000 firms over 50 years can finish
            # within the 20 s limit when the model gets both cores, so the test passed or
            # failed with the machine's load
            return run(scenario, seed=seed, years=50, n_firms=1_000_000,
                       check_accounts=check_accounts, progress=progress)  # fmt: skip
        return run(scenario, seed=seed, check_accounts=check_accounts, progress=progress)

    # load the kernels in this process first (the time limit counts the build, and a cold
    # numba cache on a busy machine must not make a normal run look slow)
    run(None, seed=0, years=1, n_firms=300)
    monkeypatch.setattr(task, "simulate", simulate)
    return simulate


def _check_stopped(out: Path, s) -> set[str]:
    assert (s.done, s.failed, s.timed_out) == (2, 2, 2)
    failed = store.failures(out)
    assert set(failed) == set(s.failed_ids)
    for rec in failed.values():
        assert rec["values"] == {"policy.ownership_neutrality": 1.0}
        assert rec["error"].startswith("RunTimeout: stopped after")
        assert f"run_timeout_s = {LIMIT}" in rec["error"] and rec["run_timeout_s"] == LIMIT
        assert rec["attempts"] == 1  # a timed-out run is not retried with the same limit
        quarter = int(rec["error"].split("at quarter ")[1].split(" of ")[0])
        assert quarter < 200  # stopped long before its 200 quarters
    lines = log(out)
    assert sorted(r["run_id"] for r in lines if r["status"] == "timeout") == sorted(failed)
    assert len([r for r in lines if r["status"] == "done"]) == 2
    assert len(store.finished_ids(out)) == 2
    return set(failed)


@pytest.mark.parametrize("executor", ["serial", "dask-client"])
def test_a_run_over_the_time_limit_is_stopped_recorded_and_the_sweep_goes_on(
    tmp_path, slow_point, executor, monkeypatch
):
    path, out = write(tmp_path, GRID.format(limit=LIMIT)), tmp_path / "out"
    if executor == "serial":
        s = run_sweep(path, out, executor="serial", progress=False)
    else:  # the Dask loop (an in-process cluster, so that the slow point applies)
        from distributed import Client, LocalCluster

        from longjiang_abm.sweep.task import warm_up

        warm_up()  # as the executors do: the first run does not load the JIT cache

        with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                          dashboard_address=":0") as cl, Client(cl) as client:  # fmt: skip
            s = run_sweep(path, out, client=client, progress=False)
    timed_out = _check_stopped(out, s)
    m = store.read_manifest(out)
    assert m["sessions"][-1]["run_timeout_s"] == LIMIT and m["sessions"][-1]["check_accounts"]

    # resumed with the same limit: the timed-out runs are skipped and reported, not redone
    again = run_sweep(path, out, executor="serial", resume=True, progress=False)
    assert (again.finished_before, again.done, again.failed) == (2, 0, 0)
    assert (again.skipped, again.skipped_limit, again.remaining) == (2, LIMIT, 0)
    assert set(store.failures(out)) == timed_out

    # the limit raised (an execution setting: the sweep is the same one) and the runs made
    # normal: they run now, and the sweep is complete and equal to one never limited
    from longjiang_abm.sweep import task

    monkeypatch.setattr(task, "simulate", task_simulate)
    raised = write(tmp_path, GRID.format(limit=LIMIT * 100))
    s = run_sweep(raised, out, executor="serial", resume=True, progress=False)
    assert (s.finished_before, s.done, s.failed, s.skipped) == (2, 2, 0, 0)
    assert store.failures(out) == {}
    ref = tmp_path / "ref"
    run_sweep(write(tmp_path, GRID.format(limit=0), "ref.toml"), ref, executor="serial",
              progress=False)  # fmt: skip
    pd.testing.assert_frame_equal(frame(out), frame(ref))


def test_the_job_array_worker_stops_a_slow_run_and_skips_it_when_resubmitted(tmp_path, slow_point):
    from longjiang_abm.sweep import array

    path, out = write(tmp_path, GRID.format(limit=LIMIT)), tmp_path / "out"
    run_sweep(path, out, plan_only=True)  # records the limit in the manifest's session
    assert array.main([str(out), "--task", "0", "--tasks", "1"]) == 1
    assert len(store.finished_ids(out)) == 2 and len(store.timed_out(out)) == 2
    n_log = len(log(out))
    assert array.main([str(out), "--task", "0", "--tasks", "1"]) == 1  # skipped, not redone
    assert len(log(out)) == n_log


def test_the_local_process_pool_stops_runs_over_the_limit(tmp_path):
    """Real worker processes (the default executor through the command line): every run of
    150,000 firms over 10 years exceeds 1 s; each is stopped, recorded, and the sweep ends."""
    text = (
        GRID.format(limit=1)
        .replace("firms = 300", "firms = 150000")
        .replace("years = 1", "years = 10")
    )
    path, out = write(tmp_path, text), tmp_path / "out"
    cmd = [sys.executable, "-m", "longjiang_abm", "sweep", str(path), "--workers", "2",
           "--quiet", "--out", str(out)]  # fmt: skip
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
    assert p.returncode == 1, p.stderr
    said = " ".join(p.stdout.split())
    assert "0 of 4 runs finished, 4 failed" in said and "4 of them timed out" in said
    assert "--resume" in said and "Traceback" not in p.stderr
    assert set(store.timed_out(out).values()) == {1} and len(store.timed_out(out)) == 4
    assert {r["status"] for r in log(out)} == {"timeout"} and len(log(out)) == 4
    p = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=1500)
    assert p.returncode == 1, p.stderr
    said = " ".join(p.stdout.split())
    assert "4 runs timed out in an earlier session" in said and "run_timeout_s" in said
    assert len(log(out)) == 4  # nothing was run again


@pytest.mark.parametrize("value", ["-1", "604801", "1.5", '"60"', "true"])
def test_the_time_limit_is_validated(tmp_path, value):
    text = GRID.format(limit=value)
    with pytest.raises(SweepError, match="run_timeout_s"):
        load_sweep(write(tmp_path, text))


def test_accounting_checks_are_off_by_default_and_change_no_result(tmp_path):
    text = GRID.format(limit=0).replace("check_accounts = true\n", "")
    path = write(tmp_path, text)
    assert load_sweep(path).sweep.check_accounts is False
    off, on = tmp_path / "off", tmp_path / "on"
    run_sweep(path, off, executor="serial", progress=False)
    run_sweep(path, on, executor="serial", progress=False, check_accounts=True)
    assert not store.read_manifest(off)["sessions"][-1]["check_accounts"]
    assert store.read_manifest(on)["sessions"][-1]["check_accounts"]
    pd.testing.assert_frame_equal(frame(off), frame(on))


def test_a_run_stuck_inside_a_quarter_has_its_worker_ended_and_the_sweep_goes_on(tmp_path):
    """Real worker processes (the local executor's LocalCluster, nannies restarting them);
    in them, point 1 never returns from its first quarter (so never reaches the per-quarter
    check): 1 s past the limit (HARD_STOP_GRACE_S set to 1 in the workers), the run is
    recorded as timed out and its worker process ended; the task comes back, finds the record,
    and the sweep ends with the 2 other runs finished."""
    from distributed import Client

    from longjiang_abm.sweep.executors import local_cluster, warm_workers

    path, out = write(tmp_path, GRID.format(limit=LIMIT)), tmp_path / "out"

    def stuck_point_one():
        import time

        from longjiang_abm.sweep import task

        real = task.simulate
        task.HARD_STOP_GRACE_S = 1.0

        def simulate(scenario, seed, **kw):
            while scenario.policy.ownership_neutrality == 1.0:
                time.sleep(0.2)  # stuck: never reaches the end of a quarter
            return real(scenario, seed, **kw)

        task.simulate = simulate
        return os.getpid()

    cl, _ = local_cluster(2)
    try:
        with Client(cl) as client:
            warm_workers(client)
            pids = set(client.run(stuck_point_one).values())
            s = run_sweep(path, out, client=client, progress=False)
            after = set(client.run(os.getpid).values())
    finally:
        cl.close()
    assert (s.done, s.failed, s.timed_out) == (2, 2, 2)
    assert pids - after, "no worker process was ended"
    failed = store.failures(out)
    assert set(failed) == set(s.failed_ids)
    for rec in failed.values():
        assert rec["values"] == {"policy.ownership_neutrality": 1.0}
        assert (
            "still inside quarter 1" in rec["error"] and "worker process was ended" in rec["error"]
        )
        assert rec["run_timeout_s"] == LIMIT
    lines = log(out)
    assert sorted(r["run_id"] for r in lines if r["status"] == "timeout") == sorted(failed)
    assert len([r for r in lines if r["status"] == "done"]) == 2


@pytest.mark.parametrize("written", [True, False])
def test_a_cancelled_run_counts_by_its_file_and_is_never_skipped(tmp_path, monkeypatch, written):
    """A worker that writes its run file and dies before the driver fetches its result (SLURM
    cancelling the job in between) leaves a future the scheduler cancels: the driver trusts the
    complete file and goes on, instead of stopping with a CancelledError (CI, 2026-12-06). A
    run cancelled before its file exists (and not for want of workers) is recorded as failed,
    never skipped silently."""
    from distributed import Client, Future, LocalCluster, get_client, get_worker

    from longjiang_abm.sweep import execute
    from longjiang_abm.sweep.task import run_one, warm_up

    marker = tmp_path / "lost.txt"  # a file: the task function reaches the worker pickled

    def run_one_then_cancelled(p):
        first = not marker.exists()
        if first:
            marker.write_text(p["run_id"])
        if first and not written:  # cancelled before the run: no file
            c = get_client()
            c.cancel([Future(get_worker().get_current_task(), client=c)], force=True)
            return {"status": "cancelled"}
        meta = run_one(p)
        if first:  # its file is written, then its future cancelled
            c = get_client()
            c.cancel([Future(get_worker().get_current_task(), client=c)], force=True)
        return meta

    monkeypatch.setattr(execute, "run_one", run_one_then_cancelled)
    warm_up()
    path, out = write(tmp_path, GRID.format(limit=0)), tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=":0") as cl, Client(cl) as client:  # fmt: skip
        s = run_sweep(path, out, client=client, progress=False)
    lost = marker.read_text()
    if written:
        assert lost in store.finished_ids(out)
        assert (s.done, s.failed, s.remaining) == (4, 0, 0) and store.failures(out) == {}
    else:
        assert lost not in store.finished_ids(out)
        assert (s.done, s.failed, s.remaining) == (3, 1, 0) and set(store.failures(out)) == {lost}
        assert "CancelledError" in store.failures(out)[lost]["error"]
