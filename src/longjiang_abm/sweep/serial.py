"""The serial executor: every run in the sweep process itself, one after the other, no Dask.

The same single-run function as the workers (``task.run_one``), the same retry (a run that
raises is tried once more), the same records, time limit and progress bar. With one core, or
to measure the model's speed without any distribution: the baseline of the sweep throughput
in docs/performance.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .loop import Bar, SweepSummary, record_outcome, todo_runs
from .task import payload, run_one, warm_up

RETRIES = 1


def execute_serial(
    manifest: dict,
    out: Path,
    *,
    progress: bool = True,
    console=None,
    on_result: Callable[[dict], None] | None = None,
    label: str = "sweep",
    settings: dict | None = None,
) -> SweepSummary:
    """Run every planned run without a file in this process; the warm-up (imports and the
    numba cache) is timed as ``startup_seconds``, not as running."""
    out = Path(out)
    settings = settings or {}
    summary, todo = todo_runs(manifest, out, settings.get("run_timeout_s", 0))
    summary.workers = 1
    if not todo:
        return summary
    summary.startup_seconds = warm_up()
    t0 = time.perf_counter()
    with Bar(console, progress, label, len(todo), summary) as bar:
        for r in todo:
            p = payload(manifest, r, out, **settings)
            for attempt in range(1 + RETRIES):
                try:
                    rec = record_outcome(out, r, summary, meta=run_one(p))
                    break
                except Exception as exc:  # noqa: BLE001 - retried once, then recorded
                    if attempt == RETRIES:
                        rec = record_outcome(out, r, summary, exc=exc, tb=exc.__traceback__,
                                             attempts=1 + RETRIES)  # fmt: skip
            bar.advance(rec, on_result)
    summary.seconds = time.perf_counter() - t0
    return summary


__all__ = ["execute_serial"]
