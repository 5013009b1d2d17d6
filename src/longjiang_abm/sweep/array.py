"""A job-array worker: the alternative to Dask on a cluster, calling the same single-run function.

    longjiang sweep SWEEP.toml --out DIR --plan-only          # once: write DIR/manifest.json
    python -m longjiang_abm.sweep.array DIR --task $SLURM_ARRAY_TASK_ID --tasks 100

Task ``i`` of ``n`` runs the planned runs number i, i + n, i + 2n, ... that have no result file,
one after the other, with one retry each; a run that fails twice is recorded in
``DIR/failed/<run_id>.json``. The time limit and the accounting checks are those of the last
session recorded in the manifest (``--plan-only`` records the sweep file's ``run_timeout_s`` and
``check_accounts``); a run that exceeds the limit is recorded as failed at once (not retried),
and a run that timed out before is skipped unless the limit has been raised since (or is 0).
Re-submitting the array (or ``longjiang sweep ... --resume``) runs only what is still missing.
Exit status: 0 if every run of the task finished, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from .task import WORKER_ENV


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m longjiang_abm.sweep.array", description=__doc__)
    p.add_argument("sweep_dir", help="a sweep folder holding manifest.json")
    p.add_argument("--task", type=int, default=None, help="this task's index (0-based)")
    p.add_argument("--tasks", type=int, default=1, help="number of tasks in the array")
    args = p.parse_args(argv)
    task = args.task
    if task is None:  # SLURM or PBS array index
        env = os.environ.get("SLURM_ARRAY_TASK_ID") or os.environ.get("PBS_ARRAY_INDEX")
        task = int(env) if env else 0
    if args.tasks < 1 or not 0 <= task < args.tasks:
        print(f"error: --task {task} must lie in 0..{args.tasks - 1}", file=sys.stderr)
        return 2
    # numba reads NUMBA_NUM_THREADS when first imported: the job script must export it
    if os.environ.get("NUMBA_NUM_THREADS") != WORKER_ENV["NUMBA_NUM_THREADS"]:
        print(
            "note: export NUMBA_NUM_THREADS=1 in the job script (one thread per run)",
            file=sys.stderr,
        )

    from . import store
    from .execute import unique_runs
    from .task import payload, run_one

    out = Path(args.sweep_dir)
    try:
        manifest = store.read_manifest(out)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    mine = unique_runs(manifest)[task :: args.tasks]
    done, _ = store.check_runs(out)  # a damaged file is run again (run_one replaces it)
    sessions = manifest.get("sessions") or [{}]
    last = sessions[-1] if isinstance(sessions[-1], dict) else {}
    settings = {
        "run_timeout_s": int(last.get("run_timeout_s") or 0),
        "check_accounts": bool(last.get("check_accounts", False)),
    }
    limit = settings["run_timeout_s"]
    timed_out = store.timed_out(out)
    failed = 0
    for r in mine:
        if r["run_id"] in done:
            continue
        if limit and timed_out.get(r["run_id"], -1) >= limit:
            failed += 1
            print(f"run {r['run_id']} skipped: it timed out before at this limit ({limit} s)")
            continue
        error = tb = None
        for _attempt in range(2):
            try:
                meta = run_one(payload(manifest, r, out, **settings))
                error = None
                if meta.get("status") == "timeout":  # recorded by run_one, not retried
                    error, tb = meta["error"], None
                break
            except Exception as exc:  # noqa: BLE001 - recorded and retried once
                error, tb = f"{type(exc).__name__}: {exc}", traceback.format_exc()
        if error is None:
            store.clear_failure(out, r["run_id"])
            print(f"run {r['run_id']} (point {r['point']}, replicate {r['replicate']}) done")
        else:
            failed += 1
            if tb is not None:
                store.record_failure(out, r, error, tb, attempts=2)
            print(f"run {r['run_id']} failed: {error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
