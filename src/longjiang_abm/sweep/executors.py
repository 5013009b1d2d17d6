"""Where a sweep runs: a Dask LocalCluster, an existing scheduler, or SLURM / PBS worker jobs
(dask-jobqueue), opened as a distributed Client (``serial``, the sweep process alone, is in
``serial.py``). Every worker imports the model and loads the numba cache once, before its
first task (``warm.WarmUp``), and then runs task after task in the same process."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
from collections.abc import Iterator

from .spec import ClusterSection, SweepError
from .task import WORKER_DASK_CONFIG, WORKER_ENV, dask_env_name

EXECUTORS = ("local", "serial", "dask", "slurm", "pbs")


def walltime_seconds(text: str | None) -> int | None:
    """'D-HH:MM:SS', 'HH:MM:SS', 'HH:MM' or 'MM' as seconds (None if unparseable)."""
    if not text:
        return None
    m = re.fullmatch(r"(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?", text.strip())
    if not m:
        return None
    d, a, b, c = (int(x) if x else None for x in m.groups())
    if b is None:  # minutes only
        return (d or 0) * 86400 + a * 60
    if c is None:  # HH:MM
        return (d or 0) * 86400 + a * 3600 + b * 60
    return (d or 0) * 86400 + a * 3600 + b * 60 + c


def worker_prologue(c: ClusterSection) -> list[str]:
    """Shell lines run in each worker job before the dask worker starts."""
    lines = [f'export NUMBA_CACHE_DIR="{c.numba_cache_dir}"', 'mkdir -p "$NUMBA_CACHE_DIR"']
    lines += [f"export {k}={v}" for k, v in WORKER_ENV.items()]
    lines += [f"export {dask_env_name(k)}={v}" for k, v in WORKER_DASK_CONFIG.items()]
    return lines + list(c.prologue)


def jobqueue_cluster(kind: str, c: ClusterSection, workers: int | None = None, start: bool = True):
    """A dask-jobqueue SLURMCluster or PBSCluster: one single-threaded worker per core.

    With ``start`` the cluster keeps ``jobs`` worker jobs queued or running (adapt), so jobs
    that end at their wall time are replaced."""
    if kind == "slurm":
        from dask_jobqueue import SLURMCluster as Cls
    elif kind == "pbs":
        from dask_jobqueue import PBSCluster as Cls
    else:  # pragma: no cover
        raise ValueError(kind)
    extra_args = []
    wall = walltime_seconds(c.walltime)
    if c.walltime and wall is None:
        raise SweepError(f"walltime {c.walltime!r}: expected HH:MM:SS or D-HH:MM:SS")
    if wall and wall > 900:
        # retire workers before the scheduler kills their job; adapt() submits new jobs
        extra_args = ["--lifetime", f"{wall - 300}s", "--lifetime-stagger", "120s"]
    kwargs = {
        "queue": c.queue,
        "account": c.account,
        "walltime": c.walltime,
        "cores": c.cores,
        "processes": c.cores,
        "memory": c.memory or f"{2 * c.cores}GB",
        "job_name": "longjiang-sweep",
        "job_script_prologue": worker_prologue(c),
        "job_extra_directives": list(c.job_extra),
        "worker_extra_args": extra_args,
        "local_directory": c.local_directory,
        "interface": c.interface,
        "log_directory": c.log_directory,
        "scheduler_options": {"dashboard_address": "127.0.0.1:0"},  # loopback only
    }
    cluster = Cls(**{k: v for k, v in kwargs.items() if v is not None})
    jobs = math.ceil(workers / c.cores) if workers else c.jobs
    if start:
        cluster.adapt(minimum_jobs=jobs, maximum_jobs=jobs)
    return cluster, jobs * c.cores


def local_cluster(workers: int | None):
    """A LocalCluster of single-threaded worker processes over TCP, numba threads set to 1, the
    workers' statistical profiler off (``task.WORKER_DASK_CONFIG``)."""
    import dask
    from distributed import LocalCluster

    n = workers or os.cpu_count() or 1
    # numba reads NUMBA_NUM_THREADS when imported, which a spawned worker may do before the
    # Nanny's env is applied: set it before the processes are spawned
    spawn_env = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **WORKER_ENV}
    # the nannies hand their config to the workers they start (WORKER_DASK_CONFIG)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": spawn_env, **WORKER_DASK_CONFIG}):
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            protocol="tcp",
            host="127.0.0.1",
            # any free port (several sweeps may run side by side), on the loopback only
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
            env=WORKER_ENV,
        )
    return cluster, n


def check_executor(executor: str, scheduler: str | None, workers: int | None = None) -> None:
    if executor not in EXECUTORS:
        raise SweepError(f"--executor {executor!r}: choose one of {', '.join(EXECUTORS)}")
    if executor == "serial" and workers not in (None, 1):
        raise SweepError(f"--workers {workers}: --executor serial runs in one process")
    if executor == "dask" and not scheduler:
        raise SweepError("--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
    if executor != "dask" and scheduler:
        raise SweepError(f"--scheduler is only used with --executor dask (not {executor})")


def warm_workers(client) -> None:
    """Register ``warm.WarmUp``: every worker, now and joining later, imports the model and
    loads the numba cache before its first task (returns once the current workers are warm)."""
    from .warm import WarmUp

    client.register_plugin(WarmUp(), name=WarmUp.name)


@contextlib.contextmanager
def open_client(
    executor: str,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    cluster: ClusterSection | None = None,
) -> Iterator:
    """A distributed Client for ``executor`` (closed, with its cluster, on exit), its workers
    warmed up (``warm_workers``)."""
    from distributed import Client

    check_executor(executor, scheduler)
    if executor == "serial":  # pragma: no cover - serial.py runs without a client
        raise ValueError("the serial executor has no Dask client")
    if executor == "dask":
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise SweepError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
        try:
            warm_workers(client)
            yield client, f"scheduler {scheduler}"
        finally:
            client.close()
        return
    if executor == "local":
        cl, n = local_cluster(workers)
        desc = f"local cluster of {n} workers"
    else:
        cl, n = jobqueue_cluster(executor, cluster or ClusterSection(), workers)
        desc = f"{executor} cluster of up to {n} workers"
    try:
        client = Client(cl)
        try:
            if executor == "local":
                client.wait_for_workers(n, timeout=600)
            warm_workers(client)
            yield client, desc
        finally:
            client.close()
    finally:
        cl.close()
