"""Sweeps on a real Dask LocalCluster (2 worker processes over TCP), small populations.

Covers: grid and Sobol sweeps with their analysis files; identical values from the local and
the dask executors; a sweep process killed three times at random moments and resumed; a
damaged (truncated or altered) run file set aside and run again; a worker process killed
mid-run; a failing run retried once then recorded; job scripts for SLURM and PBS; the
job-array worker.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from longjiang_abm.sweep import store
from longjiang_abm.sweep.execute import (
    jobqueue_cluster,
    local_cluster,
    run_sweep,
    unique_runs,
)
from longjiang_abm.sweep.spec import ClusterSection, SweepError

pytestmark = pytest.mark.timeout(1800)  # no wall-clock limit on a busy machine

GRID = """
[sweep]
design = "grid"
replications = 2
seed = 3
years = 2
firms = 600
outputs = ["secondary_share", "above_scale_firms", "gdp", "fiscal_balance"]
check_accounts = true

[factors]
"policy.ownership_neutrality" = [0.0, 1.0]
"policy.park_coconstruction" = [0.0, 1.0]
"""

SOBOL = """
[sweep]
design = "sobol"
samples = 4
replications = 1
seed = 8
years = 2
firms = 400
outputs = ["secondary_share", "above_scale_firms", "gdp"]
check_accounts = true

[factors]
"policy.ownership_neutrality" = { min = 0.0, max = 1.0 }
"entry.entry_rate_q" = { min = 0.02, max = 0.04 }
"""

# heavier runs (20,000 firms, one year: ~0.4 s each) so that a kill lands part-way
SLOW = """
[sweep]
design = "grid"
replications = 2
seed = 12
years = 1
firms = 20000
outputs = ["secondary_share", "above_scale_firms", "gdp"]
check_accounts = true

[factors]
"policy.ownership_neutrality" = [0.0, 0.33, 0.67, 1.0]
"policy.park_coconstruction" = [0.0, 1.0]
"""


def longjiang(*args, **kw):
    return subprocess.run(
        [sys.executable, "-m", "longjiang_abm", *args],
        capture_output=True,
        text=True,
        timeout=1500,
        **kw,
    )


def frame(out: Path) -> pd.DataFrame:
    df = pd.read_parquet(Path(out) / "runs")
    return df.sort_values(["run_id", "year"]).reset_index(drop=True)


def write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text)
    return p


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("sweeps")


@pytest.fixture(scope="module")
def cluster():
    """The LocalCluster of the local executor: 2 single-threaded worker processes, TCP."""
    from distributed import Client

    cl, n = local_cluster(2)
    assert n == 2 and cl.scheduler_address.startswith("tcp://")
    client = Client(cl)
    yield client
    client.close()
    cl.close()


@pytest.fixture(scope="module")
def grid_local(folder):
    """The grid sweep through the command line with the local executor."""
    path = write(folder, "grid.toml", GRID)
    out = folder / "grid_local"
    p = longjiang("sweep", str(path), "--workers", "2", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "8 of 8 runs finished" in " ".join(p.stdout.split())
    return path, out


def test_grid_sweep_writes_the_contract_and_its_analysis(grid_local):
    path, out = grid_local
    m = json.loads((out / "manifest.json").read_text())
    assert m["design"]["kind"] == "grid" and m["n_points"] == 4 and m["replications"] == 2
    assert m["sweep"]["sweep"]["design"] == "grid" and "commit" in m and m["version"]
    assert {"dask", "distributed", "SALib"} <= set(m["provenance"]["libraries"])
    assert len(m["runs"]) == 8 and len({r["run_id"] for r in m["runs"]}) == 8
    files = sorted((out / "runs").iterdir())
    assert [f.name for f in files] == sorted(f"{r['run_id']}.parquet" for r in m["runs"])
    df = pd.read_parquet(out / "runs")
    assert len(df) == 8 * 2 and not df.duplicated(["run_id", "year"]).any()
    assert list(df.columns) == [
        "run_id", "point", "replicate", "seed", "year",
        "policy.ownership_neutrality", "policy.park_coconstruction",
        "secondary_share", "above_scale_firms", "gdp", "fiscal_balance",
    ]  # fmt: skip
    assert df["above_scale_firms"].dtype == "int64" and df["gdp"].dtype == "float64"
    assert sorted(df["year"].unique()) == [2019, 2020]
    by_point = df.groupby("point")[["policy.ownership_neutrality", "policy.park_coconstruction"]]
    assert by_point.first().to_numpy().tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    # the numba thread count of the workers was 1
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert len(log) == 8 and {r["numba_threads"] for r in log} == {1}

    p = longjiang("analyze", str(out))
    assert p.returncode == 0, p.stderr
    a = out / "analysis"
    for name in (
        "point_summary.csv",
        "targets.csv",
        "grid_means.csv",
        "grid_prob_secondary_share_ownership_neutrality_x_park_coconstruction.png",
        "grid_prob_above_scale_firms_ownership_neutrality_x_park_coconstruction.png",
        "grid_mean_ownership_neutrality_x_park_coconstruction.png",
    ):
        assert (a / name).stat().st_size > 0, name
    t = pd.read_csv(a / "targets.csv")
    assert set(t["target"]) == {"secondary_share", "above_scale_firms"}
    assert t["probability"].between(0, 1).all() and (t["replications"] == 2).all()


def test_serial_and_local_executors_give_identical_values(grid_local, folder):
    path, out = grid_local
    out2 = folder / "grid_serial"
    p = longjiang("sweep", str(path), "--executor", "serial", "--out", str(out2))
    assert p.returncode == 0, p.stderr
    said = " ".join(p.stdout.split())
    assert "8 of 8 runs finished" in said and "runs/hour/core" in said
    pd.testing.assert_frame_equal(frame(out), frame(out2))
    sessions = json.loads((out2 / "manifest.json").read_text())["sessions"]
    assert sessions[-1]["executor"] == "serial" and sessions[-1]["check_accounts"] is True


@pytest.mark.slow
def test_local_and_dask_executors_give_identical_values(grid_local, cluster, folder):
    path, out = grid_local
    out2 = folder / "grid_dask"
    p = longjiang(
        "sweep", str(path), "--executor", "dask", "--scheduler",
        cluster.scheduler.address, "--out", str(out2),
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    pd.testing.assert_frame_equal(frame(out), frame(out2))


def test_sweep_workers_run_without_the_profiler_and_reuse_the_heap(cluster, folder):
    """The workers a sweep starts have Dask's statistical profiler off (their nannies' config),
    and every run of the sweep sets the worker's heap to reuse its pages, undoing the malloc
    setting Dask's nanny starts them with (``MALLOC_TRIM_THRESHOLD_``; its effect on a run's
    page faults is tested in test_performance.py)."""
    import dask

    from longjiang_abm import memory

    path = write(folder, "heap.toml", GRID.replace("replications = 2", "replications = 1"))
    summary = run_sweep(path, folder / "heap", client=cluster, progress=False)
    assert summary.done == 4
    profile = cluster.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
    callbacks = cluster.run(lambda dask_worker: sorted(dask_worker.periodic_callbacks))
    heap = cluster.run(memory.heap_setting)
    trim = cluster.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    assert len(profile) == 2 and set(profile.values()) == {False}
    for names in callbacks.values():
        assert "heartbeat" in names and not {"profile", "profile-cycle"} & set(names), names
    assert {tuple(v) for v in heap.values()} == {memory.REUSE_HEAP}
    assert set(trim.values()) == {"65536"}  # the premise: Dask's setting in the environment


def test_sobol_sweep_gives_indices_with_confidence_intervals(cluster, folder):
    from longjiang_abm.sweep.analyze import analyze_sweep

    path = write(folder, "sobol.toml", SOBOL)
    out = folder / "sobol"
    s = run_sweep(path, out, client=cluster, progress=False)
    assert (s.planned, s.done, s.failed) == (4 * (2 + 2), 16, 0)
    df = frame(out)
    assert len(df) == 16 * 2 and df["point"].nunique() == 16
    res = analyze_sweep(out)
    idx = pd.read_csv(out / "analysis" / "sobol_indices.csv")
    assert {"output", "year", "factor", "S1", "S1_conf", "ST", "ST_conf"} <= set(idx.columns)
    assert len(idx) == 3 * 2 * 2  # outputs x years x factors
    assert idx.loc[idx["output"] == "gdp", ["S1", "ST", "ST_conf"]].notna().all().all()
    assert (out / "analysis" / "sobol_2020.png").stat().st_size > 0
    assert (out / "analysis" / "sobol_total_by_year.png").exists()
    assert res["kind"] == "sobol"


def test_morris_and_lhs_sweeps_are_analysed(cluster, folder):
    from longjiang_abm.sweep.analyze import analyze_sweep

    for design, samples, table in (("morris", 2, "morris_indices.csv"),
                                   ("lhs", 5, "rbd_fast_indices.csv")):  # fmt: skip
        text = SOBOL.replace('design = "sobol"', f'design = "{design}"').replace(
            "samples = 4", f"samples = {samples}"
        )
        out = folder / design
        s = run_sweep(write(folder, f"{design}.toml", text), out, client=cluster, progress=False)
        assert s.failed == 0 and s.done == s.planned
        analyze_sweep(out)
        t = pd.read_csv(out / "analysis" / table)
        assert set(t["factor"]) == {"policy.ownership_neutrality", "entry.entry_rate_q"}
        assert list((out / "analysis").glob("*.png"))


@pytest.fixture(scope="module")
def slow_reference(cluster, folder):
    """The uninterrupted SLOW sweep: the rows every interrupted variant must end with."""
    path = write(folder, "slow.toml", SLOW)
    out = folder / "slow_reference"
    s = run_sweep(path, out, client=cluster, progress=False)
    assert s.done == s.planned == 16
    return path, frame(out)


def _run_files(out: Path) -> dict[str, tuple[int, int]]:
    """run_id -> (inode, mtime) of each finished run file: changes if the run is redone."""
    return {
        p.stem: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in (Path(out) / "runs").glob("[!.]*.parquet")
    }


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a busy machine: no wall-clock limit of its own
def test_a_sweep_killed_three_times_at_random_moments_loses_and_repeats_nothing(
    slow_reference, folder
):
    """SIGKILL to the sweep and its workers (like a wall-time limit) at three random moments
    (seeded), each session resumed; then every design point has exactly its replications,
    bit for bit the uninterrupted rows, and no finished run was ever run again."""
    path, reference = slow_reference
    out = folder / "slow_killed"
    rng = np.random.default_rng(20190226)
    kept: dict[str, tuple[int, int]] = {}
    counts = []
    for session in range(3):
        resume = ["--resume"] if session else []
        proc = subprocess.Popen(
            [sys.executable, "-m", "longjiang_abm", "sweep", str(path), "--workers", "2",
             "--quiet", "--out", str(out), *resume],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the sweep and its workers
        )  # fmt: skip
        target = len(store.finished_ids(out)) + int(rng.integers(1, 3))
        delay = float(rng.uniform(0.0, 0.3))
        try:
            while len(store.finished_ids(out)) < target and proc.poll() is None:
                time.sleep(0.01)
            time.sleep(delay)  # a random moment: between runs, mid-run or mid-write
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
        files = _run_files(out)
        assert all(files.get(rid) == stamp for rid, stamp in kept.items()), "a run was redone"
        kept = files
        counts.append(len(files))
        if session == 0:
            with pytest.raises(SweepError, match="--resume"):  # without --resume: protected
                run_sweep(path, out, plan_only=True)
    assert 0 < counts[0] < 16, counts  # the first kill landed part-way
    p = longjiang("sweep", str(path), "--workers", "2", "--out", str(out), "--resume")
    assert p.returncode == 0, p.stderr
    assert "16 of 16 runs finished" in " ".join(p.stdout.split())
    assert all(_run_files(out).get(rid) == stamp for rid, stamp in kept.items())
    resumed = frame(out)
    assert not resumed.duplicated(["run_id", "year"]).any()
    assert (resumed.groupby("point")["run_id"].nunique() == 2).all()  # replications = 2
    pd.testing.assert_frame_equal(resumed, reference)
    m = json.loads((out / "manifest.json").read_text())
    assert [s["resume"] for s in m["sessions"]] == [False, True, True, True]
    # a finished sweep resumed again runs nothing (and starts no cluster)
    s = run_sweep(path, out, resume=True, progress=False)
    assert (s.finished_before, s.done, s.planned) == (16, 0, 16)


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_run_file_is_never_read_and_is_run_again(grid_local, cluster, folder, damage):
    path, done = grid_local
    out = folder / f"grid_{damage}"
    shutil.copytree(done, out)
    victim = sorted((out / "runs").glob("*.parquet"))[3]
    data = victim.read_bytes()
    if damage == "truncate":
        victim.write_bytes(data[: len(data) // 2])
    else:  # one byte changed, same size
        i = len(data) // 2
        victim.write_bytes(data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :])
    p = longjiang("analyze", str(out))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert victim.name in p.stderr and "--resume" in p.stderr
    s = run_sweep(path, out, client=cluster, resume=True, progress=False)
    assert (s.finished_before, s.done, s.failed) == (7, 1, 0)
    assert len(list((out / store.CORRUPT).iterdir())) == 1  # set aside, not deleted
    pd.testing.assert_frame_equal(frame(out), frame(done))
    assert store.check_runs(out) == (set(store.finished_ids(out)), {})


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(slow_reference, cluster, folder):
    path, reference = slow_reference
    out = folder / "slow_worker_killed"
    killed = []

    def kill_a_busy_worker(rec):
        if killed:
            return
        busy = [w for w, keys in cluster.processing().items() if keys]
        if busy:
            pid = cluster.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    s = run_sweep(path, out, client=cluster, progress=False, on_result=kill_a_busy_worker)
    assert killed, "no worker was busy after the first result"
    assert (s.done, s.failed, s.planned) == (16, 0, 16)
    got = frame(out)
    assert not got.duplicated(["run_id", "year"]).any()
    pd.testing.assert_frame_equal(got, reference)
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert sorted(r["run_id"] for r in log) == sorted(reference["run_id"].unique())
    cluster.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker


def test_a_failing_run_is_retried_once_then_recorded_and_the_sweep_goes_on(folder, monkeypatch):
    from distributed import Client, LocalCluster

    from longjiang_abm.sweep import task

    path = write(folder, "fail.toml", GRID)
    out = folder / "fail"
    calls = []
    real = task.simulate

    def flaky(scenario, seed, **kw):
        if scenario.policy.ownership_neutrality == 1.0 and scenario.policy.park_coconstruction:
            calls.append(seed)
            raise RuntimeError("boom")
        return real(scenario, seed, **kw)

    monkeypatch.setattr(task, "simulate", flaky)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=":0") as cl, Client(cl) as client:  # fmt: skip
        s = run_sweep(path, out, client=client, progress=False)
    assert (s.done, s.failed) == (6, 2)
    assert len(calls) == 4 and len(set(calls)) == 2  # two runs, each tried twice
    failed = store.failures(out)
    assert set(failed) == set(s.failed_ids)
    rec = next(iter(failed.values()))
    assert "RuntimeError: boom" in rec["error"] and rec["attempts"] == 2
    assert rec["values"] == {"policy.ownership_neutrality": 1.0, "policy.park_coconstruction": 1.0}
    with pytest.raises(SweepError, match="already holds a sweep"):
        run_sweep(path, out, plan_only=True)
    monkeypatch.setattr(task, "simulate", real)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=":0") as cl, Client(cl) as client:  # fmt: skip
        s = run_sweep(path, out, client=client, progress=False, resume=True)
    assert (s.finished_before, s.done, s.failed) == (6, 2, 0)
    assert store.failures(out) == {}
    assert len(frame(out)) == 16


def test_resume_refuses_a_changed_sweep_file(folder):
    path = write(folder, "plan.toml", GRID)
    out = folder / "plan"
    s = run_sweep(path, out, plan_only=True)
    assert s.planned == 8 and not store.finished_ids(out)
    changed = write(folder, "plan.toml", GRID.replace("replications = 2", "replications = 3"))
    with pytest.raises(SweepError, match=r"sweep.replications"):
        run_sweep(changed, out, resume=True, plan_only=True)


def test_job_array_worker_runs_the_same_single_run_function(grid_local, folder):
    from longjiang_abm.sweep import array

    path, out_local = grid_local
    out = folder / "array"
    p = longjiang("sweep", str(path), "--out", str(out), "--plan-only")
    assert p.returncode == 0 and "planned 8 runs" in p.stdout
    assert not store.finished_ids(out)
    for task_index in (1, 0, 1):  # the repeated task finds its runs done and runs nothing
        assert array.main([str(out), "--task", str(task_index), "--tasks", "2"]) == 0
    m = store.read_manifest(out)
    assert store.finished_ids(out) == {r["run_id"] for r in unique_runs(m)}
    pd.testing.assert_frame_equal(frame(out), frame(out_local))


def test_slurm_and_pbs_job_scripts_set_threads_cache_and_resources():
    c = ClusterSection(
        queue="normal",
        account="proj42",
        walltime="02:00:00",
        cores=8,
        memory="16GB",
        jobs=3,
        prologue=("module load python/3.11",),
        numba_cache_dir="/scratch/me/numba",
    )
    for kind, directives in (
        ("slurm", ["#SBATCH -p normal", "#SBATCH -A proj42", "#SBATCH -t 02:00:00",
                   "#SBATCH --cpus-per-task=8"]),
        ("pbs", ["#PBS -q normal", "#PBS -A proj42", "#PBS -l walltime=02:00:00",
                 "ncpus=8"]),
    ):  # fmt: skip
        cl, n = jobqueue_cluster(kind, c, start=False)
        try:
            script = cl.job_script()
        finally:
            cl.close()
        assert n == 24
        for d in directives:
            assert d in script, (kind, d)
        for line in (
            'export NUMBA_CACHE_DIR="/scratch/me/numba"',
            "export NUMBA_NUM_THREADS=1",
            "module load python/3.11",
            "--nthreads 1",
            "--nworkers 8",
            "--lifetime",
            "export DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False",
        ):
            assert line in script, (kind, line)
