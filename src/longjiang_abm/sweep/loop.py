"""What every executor's sweep loop shares: which runs to do, how each outcome is recorded,
the progress bar and the summary (with the throughput in runs per hour per core).

Outcomes of a run (``record_outcome``):

- ``done`` (or ``exists``): its file is checked against its checksum here, since the driver
  must see what the worker wrote; a file it cannot see is a failure naming the shared-folder
  problem;
- ``timeout``: stopped by ``[sweep] run_timeout_s``; the worker already wrote
  ``failed/<run_id>.json`` (with the limit) and the log line;
- an exception (after the retry): ``failed/<run_id>.json`` with the error and traceback.

Resuming: a run that timed out is run again only if the limit is now higher (or 0, none);
with the same or a lower limit it is skipped and reported (``SweepSummary.skipped``), never
run again silently nor forgotten (its record stays in ``failed/``).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import store


@dataclass
class SweepSummary:
    out: Path
    planned: int
    finished_before: int
    done: int = 0
    failed: int = 0
    timed_out: int = 0  # of ``failed``: stopped by run_timeout_s in this session
    skipped: int = 0  # timed out in an earlier session with a limit not raised since
    skipped_limit: int = 0  # the largest limit those exceeded
    seconds: float = 0.0  # running the runs (from the first submission to the last result)
    startup_seconds: float = 0.0  # starting and warming the workers (not in ``seconds``)
    cpu_seconds: float = 0.0  # CPU time of the workers' processes in the runs done
    workers: int = 0
    failed_ids: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.planned - self.finished_before - self.done - self.failed - self.skipped

    def per_core_hour(self, with_startup: bool = False) -> float | None:
        """Runs finished in this session per hour per worker (one core each)."""
        seconds = self.seconds + (self.startup_seconds if with_startup else 0.0)
        if not self.done or seconds <= 0 or self.workers < 1:
            return None
        return self.done * 3600.0 / (seconds * self.workers)


def todo_runs(manifest: dict, out: Path, run_timeout_s: int) -> tuple[SweepSummary, list[dict]]:
    """The planned runs (one per run_id) still to run, and the summary before any of them."""
    from .execute import unique_runs

    planned = unique_runs(manifest)
    finished, _ = store.check_runs(out)
    timed_out = store.timed_out(out)
    todo, skipped = [], []
    for r in planned:
        if r["run_id"] in finished:
            continue
        limit = timed_out.get(r["run_id"])
        if limit is not None and run_timeout_s and run_timeout_s <= limit:
            skipped.append(limit)
        else:
            todo.append(r)
    summary = SweepSummary(Path(out), len(planned), len(planned) - len(todo) - len(skipped))
    summary.skipped, summary.skipped_limit = len(skipped), max(skipped, default=0)
    return summary, todo


def record_outcome(
    out: Path,
    r: dict,
    summary: SweepSummary,
    *,
    meta: dict | None = None,
    exc: BaseException | None = None,
    tb=None,
    attempts: int = 1,
) -> dict:
    """Count and record the outcome of planned run ``r`` (``meta`` from ``run_one``, or the
    exception it raised on its last attempt); returns the record given to ``on_result``."""
    rec = {"run_id": r["run_id"], "point": r["point"], "replicate": r["replicate"]}
    if meta is not None and meta.get("status") == "timeout":  # recorded by run_one itself
        summary.failed += 1
        summary.timed_out += 1
        summary.failed_ids.append(r["run_id"])
        return {**rec, **meta}
    if meta is not None:
        problem = store.run_problem(out, r["run_id"])
        if problem is None:
            summary.done += 1
            summary.cpu_seconds += float(meta.get("cpu_seconds") or 0.0)
            store.clear_failure(out, r["run_id"])
            return {**rec, **meta}  # logged by the worker that finished it
        error = (
            f"worker {meta.get('host')}:{meta.get('pid')} reports the run finished, but "
            f"{out}/{store.RUNS}/{r['run_id']}.parquet is {problem} here: is {out} on a "
            "file system the workers share?"
        )
        tb_text = None
    else:
        error = f"{type(exc).__name__}: {exc}"
        tb_text = "".join(traceback.format_tb(tb)) if tb is not None else None
    summary.failed += 1
    summary.failed_ids.append(r["run_id"])
    store.record_failure(out, r, error, tb_text, attempts=attempts)
    rec.update({"status": "failed", "error": error, "time": store.now_iso()})
    store.append_log(out, rec)
    return rec


def progress_bar(console, enabled: bool):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            "done {task.fields[done]}  failed {task.fields[failed]}  "
            "remaining {task.fields[remaining]}"
        ),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not enabled,
    )


class Bar:
    """The progress bar of a sweep loop, updated once per outcome."""

    def __init__(self, console, enabled: bool, label: str, total: int, summary: SweepSummary):
        self.summary = summary
        self.progress = progress_bar(console, enabled)
        self.task = None
        self.label, self.total = label, total

    def __enter__(self) -> Bar:
        self.progress.__enter__()
        s = self.summary
        self.task = self.progress.add_task(
            self.label, total=self.total, done=s.finished_before, failed=0, remaining=self.total
        )
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def advance(self, rec: dict, on_result: Callable[[dict], None] | None) -> None:
        s = self.summary
        self.progress.update(
            self.task,
            advance=1,
            done=s.finished_before + s.done,
            failed=s.failed,
            remaining=s.remaining,
        )
        if on_result is not None:
            on_result(rec)


__all__ = ["Bar", "SweepSummary", "progress_bar", "record_outcome", "todo_runs"]
