"""The Dask worker plugin that warms every worker up before its first task."""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from .task import warm_up


class WarmUp(WorkerPlugin):
    """``task.warm_up`` (imports, numba cache, a tiny run) in every worker when it is
    registered, and in each worker that joins later (replaced jobs, restarted processes)."""

    name = "longjiang-warm-up"
    idempotent = True

    def setup(self, worker) -> None:  # noqa: ARG002 - the WorkerPlugin interface
        warm_up()


__all__ = ["WarmUp"]
