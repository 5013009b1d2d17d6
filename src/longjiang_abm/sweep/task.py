"""The single-run function every executor calls (the serial loop, Dask workers, SLURM array
tasks).

``run_one(payload)`` simulates one planned run, writes ``<out>/runs/<run_id>.parquet``
atomically and returns only a small dict of metadata. It is idempotent: if the file already
exists (e.g. written by a worker that was presumed dead), it returns at once.

A run that exceeds the sweep's ``run_timeout_s`` is stopped (checked at the end of every
quarter, the first time after the build and the first quarter), recorded in
``failed/<run_id>.json`` with the reason and the limit, logged, and reported with
``status = "timeout"``: it is not raised, so no executor retries it with the same limit.

In a Dask worker, a run still inside one quarter (so never reaching the check)
``HARD_STOP_GRACE_S`` (60 s) past its limit is recorded the same way and its worker
process is ended (``os._exit``): the nanny starts a new one, the scheduler hands the task to a
worker again, and ``run_one`` then finds the record and returns ``status = "timeout"`` at once.
"""

from __future__ import annotations

import os
import platform
import sys
import threading
import time
from pathlib import Path

# numba reads its thread count when it is first imported, i.e. when a worker process starts:
# executors set these in the environment the workers are started with
WORKER_ENV = {
    "NUMBA_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}
# Dask settings of the workers a sweep starts (LocalCluster, SLURM / PBS jobs; workers of a
# scheduler the user gives are left as they are): the statistical profiler (a sample of the
# running task's stack every 10 ms, folded every second) is off: a sweep's tasks are whole runs
# whose profile nobody reads, and the sampling takes the GIL from them
WORKER_DASK_CONFIG = {"distributed.worker.profile.enabled": False}


def dask_env_name(key: str) -> str:
    """The environment variable that sets Dask config ``key`` in a process that starts Dask
    (``distributed.worker.profile.enabled`` -> ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED``)."""
    return "DASK_" + key.upper().replace(".", "__").replace("-", "_")


HARD_STOP_GRACE_S = 60.0  # a run stuck this long past its limit has its worker process ended
HARD_STOP_EXIT = 75  # the exit status of a worker process ended by a stuck run


class RunTimeout(Exception):
    """A run went on beyond its sweep's ``run_timeout_s``."""


def payload(
    manifest: dict,
    run: dict,
    out: str | Path,
    *,
    run_timeout_s: int = 0,
    check_accounts: bool = False,
) -> dict:
    """What a worker needs to reproduce one planned run (small, picklable, JSON-able), and how
    to run it (the time limit and the accounting checks: they do not change the results)."""
    return {
        "run_id": run["run_id"],
        "point": run["point"],
        "replicate": run["replicate"],
        "seed": run["seed"],
        "values": run["values"],
        "particle": run.get("particle"),  # with a posterior: the seed's draw (posterior.py)
        "drawn": run.get("drawn") or {},
        "scenario": manifest["base_scenario"],
        "factors": manifest["design"]["factors"],
        "outputs": manifest["sweep"]["sweep"]["outputs"],
        "version": manifest["version"],
        "out": str(out),
        "run_timeout_s": int(run_timeout_s),
        "check_accounts": bool(check_accounts),
    }


def simulate(scenario, seed: int, *, check_accounts: bool = True, progress=None):
    """One model run (a separate function so tests can substitute a failing or slow one)."""
    from ..runner import run

    return run(scenario, seed=seed, check_accounts=check_accounts, progress=progress)


def warm_up() -> float:
    """Import the model and load every numba kernel from the JIT cache (a tiny run of one
    year), so that a worker's first task pays no start-up; returns the seconds it took."""
    t0 = time.perf_counter()
    from ..runner import run

    run(None, seed=0, years=1, n_firms=100, check_accounts=False)
    return time.perf_counter() - t0


def run_one(p: dict) -> dict:
    """Simulate the planned run ``p`` and write its file; return small metadata. The process's
    heap is set to reuse its pages first (``memory.reuse_heap``: Dask's workers start with a
    malloc setting under which every run faulted its temporaries in afresh, and a large run
    leaves the quarters' setting behind), so every run of a sweep allocates alike."""
    from .. import __version__
    from ..memory import reuse_heap
    from ..params import validate_scenario
    from .design import run_id
    from .spec import scenario_with
    from .store import (
        RUNS,
        append_log,
        now_iso,
        record_failure,
        run_problem,
        run_table,
        write_run,
    )

    reuse_heap()
    t0, cpu0 = time.perf_counter(), time.process_time()
    runs_dir = Path(p["out"]) / RUNS
    final = runs_dir / f"{p['run_id']}.parquet"
    meta = {
        "run_id": p["run_id"],
        "host": platform.node(),
        "pid": os.getpid(),
        "numba_threads": _numba_threads(),
    }
    if final.exists() and run_problem(p["out"], p["run_id"]) is None:
        return {**meta, "status": "exists", "seconds": 0.0}
    limit = int(p.get("run_timeout_s") or 0)
    stopped = timeout_limit(p["out"], p["run_id"]) if limit else None
    if stopped is not None and stopped >= limit:  # its worker was ended by a stuck run
        error = f"RunTimeout: timed out at run_timeout_s = {stopped} (failed/{p['run_id']}.json)"
        return {**meta, "status": "timeout", "error": error, "run_timeout_s": stopped,
                "seconds": 0.0}  # fmt: skip
    # the factors' values win over the drawn ones (posterior.py)
    values = {**(p.get("drawn") or {}), **p["values"]}
    scenario = validate_scenario(scenario_with(p["scenario"], values), "<sweep run>")
    rid = run_id(scenario.model_dump(mode="json"), p["seed"], __version__)
    if rid != p["run_id"]:
        raise RuntimeError(
            f"run {p['run_id']}: this worker resolves it to {rid} (package {__version__}, "
            f"sweep planned with {p['version']}): workers must run the same version"
        )
    reached = [0, 0]

    def check_time(done: int, total: int) -> None:
        reached[:] = [done, total]
        if limit and time.perf_counter() - t0 > limit:
            raise RunTimeout

    # the log line is written by whoever finished the run (a worker, an array task), so a run
    # finished after its driver died is logged too
    rec = {k: p[k] for k in ("run_id", "point", "replicate") if k in p}
    watchdog = _hard_stop(p, limit, t0, rec, meta, reached)
    try:
        result = simulate(
            scenario,
            int(p["seed"]),
            check_accounts=bool(p.get("check_accounts", True)),
            progress=check_time,
        )
    except RunTimeout:
        seconds = time.perf_counter() - t0
        error = (
            f"RunTimeout: stopped after {seconds:.1f} s, beyond [sweep] run_timeout_s = {limit} "
            f"(at quarter {reached[0]} of {reached[1]})"
        )
        record_failure(p["out"], p, error, None, attempts=1, run_timeout_s=limit)
        meta = {**meta, "status": "timeout", "error": error, "run_timeout_s": limit,
                "seconds": seconds}  # fmt: skip
        append_log(p["out"], {**rec, **meta, "time": now_iso()})
        return meta
    finally:
        if watchdog is not None:
            watchdog.cancel()
    runs_dir.mkdir(parents=True, exist_ok=True)
    write_run(runs_dir, p["run_id"], run_table(p, result.kpis, p["factors"], p["outputs"]))
    # cpu_seconds: the worker process's CPU time during the run (all its threads), which
    # other programs on a shared machine do not inflate, unlike the wall time
    meta = {**meta, "status": "done", "seconds": time.perf_counter() - t0,
            "cpu_seconds": time.process_time() - cpu0}  # fmt: skip
    append_log(p["out"], {**rec, **meta, "time": now_iso()})
    return meta


def timeout_limit(out: str | Path, run_id: str) -> int | None:
    """The limit recorded in ``failed/<run_id>.json`` if the run timed out, else None."""
    import json

    from .store import FAILED

    try:
        rec = json.loads((Path(out) / FAILED / f"{run_id}.json").read_text())
    except (OSError, ValueError):
        return None
    limit = rec.get("run_timeout_s") if isinstance(rec, dict) else None
    return limit if isinstance(limit, int) and not isinstance(limit, bool) else None


def _in_dask_worker() -> bool:
    if "distributed" not in sys.modules:  # not imported: not a Dask worker
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


def _hard_stop(p: dict, limit: int, t0: float, rec: dict, meta: dict, reached: list):
    """In a Dask worker, a timer that records the run as timed out and ends the worker
    process if the run is still going HARD_STOP_GRACE_S past its limit (stuck inside one
    quarter). Not in the serial executor or an array task: it would end them."""
    if not limit or not _in_dask_worker():
        return None
    from .store import append_log, now_iso, record_failure

    def stop() -> None:
        seconds = time.perf_counter() - t0
        error = (
            f"RunTimeout: still inside quarter {reached[0] + 1} after {seconds:.0f} s, beyond "
            f"[sweep] run_timeout_s = {limit}; its worker process was ended"
        )
        record_failure(p["out"], p, error, None, attempts=1, run_timeout_s=limit)
        line = {"status": "timeout", "error": error, "run_timeout_s": limit, "seconds": seconds}
        append_log(p["out"], {**rec, **meta, **line, "time": now_iso()})
        os._exit(HARD_STOP_EXIT)

    timer = threading.Timer(limit + HARD_STOP_GRACE_S, stop)
    timer.daemon = True
    timer.start()
    return timer


def _numba_threads() -> int | None:
    try:
        import numba

        return int(numba.config.NUMBA_NUM_THREADS)
    except Exception:  # pragma: no cover - numba is a dependency
        return None


__all__ = [
    "WORKER_DASK_CONFIG",
    "WORKER_ENV",
    "RunTimeout",
    "dask_env_name",
    "payload",
    "run_one",
    "simulate",
    "warm_up",
]
