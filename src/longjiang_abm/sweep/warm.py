"""The Dask worker plugin that warms every worker up before its first task."""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from .task import warm_up

# Dask's statistical profiler: a sample of the running task's stack every 10 ms, folded into
# the worker's profile every second (distributed.worker.profile); a sweep's tasks are runs of
# a fraction of a second to minutes whose profile nobody reads, and the sampling takes the GIL
PROFILER_CALLBACKS = ("profile", "profile-cycle")


class WarmUp(WorkerPlugin):
    """``task.warm_up`` (imports, numba cache, a tiny run, the heap's setting) in every worker
    when it is registered, and in each worker that joins later (replaced jobs, restarted
    processes); also stops the worker's statistical profiler (``PROFILER_CALLBACKS``)."""

    name = "longjiang-warm-up"
    idempotent = True

    def setup(self, worker) -> None:
        for name in PROFILER_CALLBACKS:
            callback = worker.periodic_callbacks.pop(name, None)
            if callback is not None:
                callback.stop()
        warm_up()


__all__ = ["WarmUp"]
