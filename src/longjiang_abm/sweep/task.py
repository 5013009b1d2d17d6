"""The single-run function every executor calls (the serial loop, Dask workers, SLURM array
tasks).

``run_one(payload)`` simulates one planned run, writes ``<out>/runs/<run_id>.parquet``
atomically and returns only a small dict of metadata. It is idempotent: if the file already
exists (e.g. written by a worker that was presumed dead), it returns at once.

A run that exceeds the sweep's ``run_timeout_s`` is stopped (checked at the end of every
quarter, the first time after the build and the first quarter), recorded in
``failed/<run_id>.json`` with the reason and the limit, logged, and reported with
``status = "timeout"``: it is not raised, so no executor retries it with the same limit.
"""

from __future__ import annotations

import os
import platform
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
    """Simulate the planned run ``p`` and write its file; return small metadata."""
    from .. import __version__
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
    scenario = validate_scenario(scenario_with(p["scenario"], p["values"]), "<sweep run>")
    rid = run_id(scenario.model_dump(mode="json"), p["seed"], __version__)
    if rid != p["run_id"]:
        raise RuntimeError(
            f"run {p['run_id']}: this worker resolves it to {rid} (package {__version__}, "
            f"sweep planned with {p['version']}): workers must run the same version"
        )
    limit = int(p.get("run_timeout_s") or 0)
    reached = [0, 0]

    def check_time(done: int, total: int) -> None:
        reached[:] = [done, total]
        if limit and time.perf_counter() - t0 > limit:
            raise RunTimeout

    # the log line is written by whoever finished the run (a worker, an array task), so a run
    # finished after its driver died is logged too
    rec = {k: p[k] for k in ("run_id", "point", "replicate") if k in p}
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
    runs_dir.mkdir(parents=True, exist_ok=True)
    write_run(runs_dir, p["run_id"], run_table(p, result.kpis, p["factors"], p["outputs"]))
    # cpu_seconds: the worker process's CPU time during the run (all its threads), which
    # other programs on a shared machine do not inflate, unlike the wall time
    meta = {**meta, "status": "done", "seconds": time.perf_counter() - t0,
            "cpu_seconds": time.process_time() - cpu0}  # fmt: skip
    append_log(p["out"], {**rec, **meta, "time": now_iso()})
    return meta


def _numba_threads() -> int | None:
    try:
        import numba

        return int(numba.config.NUMBA_NUM_THREADS)
    except Exception:  # pragma: no cover - numba is a dependency
        return None


__all__ = ["WORKER_ENV", "RunTimeout", "payload", "run_one", "simulate", "warm_up"]
