"""Run a sweep on Dask: a LocalCluster, an existing scheduler, or SLURM / PBS via dask-jobqueue.

The sweep process plans the runs (manifest.json), submits one Dask task per unfinished run and
follows their completion with a progress bar. Workers write their own result files and return
only a small dict. A task that raises is retried once by Dask (``retries=1``), then recorded in
``failed/<run_id>.json`` and the sweep goes on; a worker that dies mid-run has its task
rescheduled by the scheduler. Every run is idempotent (atomic file, skipped if it exists), so
nothing is lost or duplicated whatever is killed, and ``--resume`` runs exactly the planned runs
that have no file.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from concurrent.futures import CancelledError
from pathlib import Path

from .. import __version__
from ..provenance import git_commit
from . import store
from .design import make_design, plan_runs
from .executors import (
    EXECUTORS,
    check_executor,
    jobqueue_cluster,
    local_cluster,
    open_client,
    walltime_seconds,
    worker_prologue,
)
from .lock import folder_lock
from .loop import Bar, SweepSummary, record_outcome, todo_runs
from .posterior import check_same_posterior, manifest_record
from .spec import EXECUTION_KEYS, ClusterSection, Sweep, SweepError, load_sweep
from .task import payload, run_one
from .worker_watch import WorkerWatch

RETRIES = 1
# the record of a run whose file is complete but whose worker died before returning its result
RESULT_LOST = {"status": "done", "note": "result lost with its worker; the file is complete"}


# --- the sweep folder ---------------------------------------------------------------------------


def default_out(sweep: Sweep) -> Path:
    return Path("results") / "sweeps" / sweep.name


def _identity(resolved: dict) -> dict:
    """What must not change between sessions of one sweep (the scenario and posterior path
    texts may: the base scenario and the posterior's SHA-256 are compared instead)."""
    paths = ("scenario", "posterior")
    sw = {k: v for k, v in resolved["sweep"].items() if k not in paths + EXECUTION_KEYS}
    return {"sweep": sw, "factors": resolved["factors"]}


def plan(sweep: Sweep, out: Path, resume: bool) -> dict:
    """The manifest of the sweep in ``out``: a new plan, or the recorded one with ``resume``
    (checked against the sweep file). Nothing is written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SweepError(f"{out}: exists and is not a folder; choose another --out")
    if (out / store.MANIFEST).exists():
        if not resume:
            raise SweepError(
                f"{out}: already holds a sweep (manifest.json); add --resume to continue it, "
                "or choose another --out"
            )
        manifest = store.read_manifest(out)
        changed = []
        old, new = _identity(manifest["sweep"]), _identity(sweep.resolved())
        for key in sorted(set(old["sweep"]) | set(new["sweep"])):
            if old["sweep"].get(key) != new["sweep"].get(key):
                changed.append(f"sweep.{key}")
        if old["factors"] != new["factors"]:
            changed.append("factors")
        if manifest["base_scenario"] != sweep.base.model_dump(mode="json"):
            changed.append("the base scenario")
        if changed:
            raise SweepError(
                f"{sweep.path}: differs from the sweep planned in {out} ({', '.join(changed)} "
                "changed); resume with the same file, or choose another --out"
            )
        check_same_posterior(manifest, sweep, out)
        if manifest["version"] != __version__:
            raise SweepError(
                f"{out}: planned with longjiang_abm {manifest['version']}, this is {__version__}; "
                "run ids include the version: finish it with that version or start a new --out"
            )
    else:
        if out.exists() and any(p.name != store.RUNS for p in out.iterdir()):
            raise SweepError(
                f"{out}: folder exists and is not a sweep folder; choose another --out"
            )
        design = make_design(sweep)
        runs = plan_runs(sweep, design)
        manifest = store.new_manifest(sweep, design, runs, manifest_record(sweep))
    return manifest


def record_session(
    out: Path, manifest: dict, executor: str, resume: bool, settings: dict | None = None
) -> None:
    """Write the manifest with one more session entry (with the execution ``settings``:
    run_timeout_s, check_accounts); make runs/; remove stale temporaries."""
    out = Path(out)
    manifest["sessions"].append(
        {
            "started": store.now_iso(),
            "executor": executor,
            "resume": bool(resume),
            "version": __version__,
            "commit": git_commit(),
            **(settings or {}),
        }
    )
    store.write_manifest(out, manifest)
    (out / store.RUNS).mkdir(exist_ok=True)
    store.clean_stale_temporaries(out)


def prepare(sweep: Sweep, out: Path, resume: bool, executor: str = "") -> dict:
    """Create the sweep folder and its manifest, or check and reopen it with ``resume``."""
    manifest = plan(sweep, out, resume)
    record_session(out, manifest, executor, resume)
    return manifest


def unique_runs(manifest: dict) -> list[dict]:
    """Planned runs, one per run_id (the first design row that uses it)."""
    seen: dict[str, dict] = {}
    for r in manifest["runs"]:
        seen.setdefault(r["run_id"], r)
    return list(seen.values())


# --- the sweep loop -----------------------------------------------------------------------------


def execute(
    client,
    manifest: dict,
    out: Path,
    *,
    progress: bool = True,
    console=None,
    on_result: Callable[[dict], None] | None = None,
    label: str = "sweep",
    worker_wait: float | None = None,
    settings: dict | None = None,
) -> SweepSummary:
    """Submit every planned run without a file to ``client`` and wait for them all.

    ``worker_wait``: if no worker is connected for this many seconds (every worker job lost),
    the unfinished runs are cancelled and a SweepError says so (finished runs are kept).
    ``settings``: run_timeout_s and check_accounts (``payload``)."""
    out = Path(out)
    settings = settings or {}
    summary, todo = todo_runs(manifest, out, settings.get("run_timeout_s", 0))
    if not todo:
        return summary
    session = uuid.uuid4().hex[:8]
    by_key = {}
    futures = []
    t0 = time.perf_counter()
    for r in todo:
        key = f"longjiang-run-{r['run_id']}-{session}"
        fut = client.submit(
            run_one, payload(manifest, r, out, **settings), key=key, retries=RETRIES
        )
        by_key[key] = r
        futures.append(fut)
    watch = WorkerWatch(client, futures, worker_wait) if worker_wait else None
    try:
        _collect(futures, by_key, out, summary, console, progress, on_result, label, len(todo),
                 watch)  # fmt: skip
    finally:
        if watch is not None:
            watch.stop()
    if watch is not None and watch.lost:
        raise SweepError(
            f"{out}: no worker connected for {worker_wait:.0f} s (the worker jobs were lost: "
            "cancelled, wall time or node failure, and not replaced); the sweep stopped with "
            f"{summary.finished_before + summary.done} of {summary.planned} runs finished, kept "
            f"in {out}/{store.RUNS}/; continue with --resume"
        )
    summary.seconds = time.perf_counter() - t0
    return summary


def _collect(futures, by_key, out, summary, console, progress, on_result, label, n_todo,
             watch) -> None:  # fmt: skip
    """Record each run as its future completes (the sweep loop of ``execute``)."""
    from distributed import as_completed

    warned = False
    with Bar(console, progress, label, n_todo, summary) as bar:
        for fut in as_completed(futures):
            r = by_key[fut.key]
            try:
                if fut.status == "finished":
                    meta, exc, tb = fut.result(), None, None
                elif fut.status == "cancelled":
                    raise CancelledError(fut.key)
                else:
                    meta, exc, tb = None, fut.exception(), fut.traceback()
            except CancelledError as cancelled:
                # cancelled by the watch, or finished on a worker that died before its result
                # was fetched: the worker wrote the file before returning, so trust the file
                if store.run_problem(out, r["run_id"]) is None:
                    meta, exc, tb = dict(RESULT_LOST), None, None
                elif watch is not None and watch.lost:
                    fut.release()
                    continue  # stopped for want of workers: unfinished, not failed
                else:  # cancelled for another reason, with no file: a failure, never skipped
                    meta, exc, tb = None, cancelled, None
            if meta is not None:
                rec = record_outcome(out, r, summary, meta=meta)
                if meta.get("numba_threads") not in (1, None) and not warned:
                    warned = True
                    if console is not None:
                        console.print(
                            f"[yellow]note:[/] worker {meta.get('host')}:{meta.get('pid')} runs "
                            f"numba with {meta['numba_threads']} threads; start workers with "
                            "NUMBA_NUM_THREADS=1 (results are the same, throughput is not)"
                        )
            else:
                rec = record_outcome(out, r, summary, exc=exc, tb=tb, attempts=1 + RETRIES)
            fut.release()
            bar.advance(rec, on_result)


def run_sweep(
    path: str | Path,
    out: str | Path | None = None,
    *,
    executor: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    cluster: dict | None = None,
    client=None,
    progress: bool = True,
    console=None,
    on_result: Callable[[dict], None] | None = None,
    plan_only: bool = False,
    check_accounts: bool | None = None,
    posterior: str | Path | None = None,
) -> SweepSummary:
    """Plan (or reopen) the sweep of ``path`` in ``out`` and run its unfinished runs.

    ``client``: an existing distributed Client to use instead of starting ``executor``.
    ``cluster``: values overriding the sweep file's [cluster] section (slurm / pbs).
    ``plan_only``: write manifest.json and return without running anything.
    ``check_accounts``: check the accounting identities every quarter of every run (None: the
    sweep file's ``check_accounts``, off by default; the results are the same either way).
    ``posterior``: a posterior file replacing the sweep file's ``[sweep] posterior``: each run's
    seed draws its estimated parameters, the swept keys keep the design's values (posterior.py).
    """
    sweep = load_sweep(path, posterior)
    out = Path(out) if out else default_out(sweep)
    if workers is not None and workers < 1:
        raise SweepError(f"--workers {workers}: must be at least 1")
    section = sweep.spec.cluster
    if cluster:
        try:
            section = ClusterSection.model_validate(
                section.model_dump() | {k: v for k, v in cluster.items() if v is not None}
            )
        except ValueError as exc:
            raise SweepError(f"cluster options: {str(exc).splitlines()[-1].strip()}") from None
    if client is None:
        check_executor(executor, scheduler, workers)
    label = executor if client is None else "client"
    settings = {
        "run_timeout_s": sweep.sweep.run_timeout_s,
        "check_accounts": sweep.sweep.check_accounts if check_accounts is None else check_accounts,
    }
    # folder errors (exists without --resume, changed sweep file) before any cluster starts
    plan(sweep, out, resume)
    with folder_lock(out):  # one driver per sweep folder; planned again under the lock
        return _run_locked(
            sweep, out, executor, workers, scheduler, resume, section, client, progress,
            console, on_result, plan_only, label, settings,
        )  # fmt: skip


def _run_locked(
    sweep, out, executor, workers, scheduler, resume, section, client, progress, console,
    on_result, plan_only, label, settings,
) -> SweepSummary:  # fmt: skip
    from .serial import execute_serial

    manifest = plan(sweep, out, resume)
    _, corrupt = store.check_runs(out)
    if corrupt:  # truncated or altered run files: never read, set aside and run again
        store.set_aside(out, corrupt)
        if console is not None:
            console.print(
                f"[yellow]note:[/] {len(corrupt)} run file(s) failed their checksum "
                f"({next(iter(corrupt.values()))}); moved to {out}/{store.CORRUPT}/ "
                "and run again",
                highlight=False,
            )
    before, todo = todo_runs(manifest, out, settings["run_timeout_s"])
    if plan_only or not todo:  # nothing to run: no cluster is started
        record_session(out, manifest, label, resume, settings)
        return before
    kw = {"progress": progress, "console": console, "on_result": on_result, "label": sweep.name}
    if client is not None:
        record_session(out, manifest, label, resume, settings)
        summary = execute(client, manifest, out, settings=settings, **kw)
        summary.workers = len(client.scheduler_info().get("workers", {}))
        return summary
    if executor == "serial":
        record_session(out, manifest, label, resume, settings)
        return execute_serial(manifest, out, settings=settings, **kw)
    t0 = time.perf_counter()
    with open_client(executor, workers=workers, scheduler=scheduler, cluster=section) as (
        cl,
        desc,
    ):
        startup = time.perf_counter() - t0
        # written once the cluster is up: a failed start leaves the folder untouched
        record_session(out, manifest, label, resume, settings)
        if console is not None and progress:
            console.print(f"running on a {desc}" if executor != "dask" else f"running on {desc}")
        summary = execute(
            cl,
            manifest,
            out,
            worker_wait=None if executor == "local" else section.worker_wait,
            settings=settings,
            **kw,
        )
        summary.workers = len(cl.scheduler_info().get("workers", {}))
        summary.startup_seconds = startup
    return summary


__all__ = [
    "EXECUTORS",
    "SweepSummary",
    "default_out",
    "execute",
    "jobqueue_cluster",
    "local_cluster",
    "check_executor",
    "open_client",
    "plan",
    "prepare",
    "record_session",
    "run_sweep",
    "unique_runs",
    "walltime_seconds",
    "worker_prologue",
]
