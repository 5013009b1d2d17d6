"""The ``[cluster]`` section of a sweep file: defaults for the SLURM / PBS executors.

Its values go into job scripts that a shell runs, so every value but ``prologue`` is plain words,
paths and ``$VARIABLES`` (``SAFE_CLUSTER_VALUE``); ``prologue`` lines are the user's own shell
commands, run as written before each worker starts.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# a value of [cluster] that a shell reads as words: no command substitution, no operators
SAFE_CLUSTER_VALUE = re.compile(r"(?:[\w .:=,@%+~/-]|\$\w+|\$\{\w+\})*")


class ClusterSection(_Frozen):
    """Defaults for --executor slurm | pbs (command-line options take precedence)."""

    queue: str | None = Field(None, description="partition (SLURM -p) or queue (PBS -q)")
    account: str | None = Field(None, description="account charged (-A)")
    walltime: str | None = Field(None, description="wall time of each worker job, e.g. 02:00:00")
    cores: int = Field(
        1, ge=1, le=4096, strict=True, description="cores per job: one 1-thread worker each"
    )
    memory: str | None = Field(None, description="memory per job, e.g. 16GB")
    jobs: int = Field(1, ge=1, le=100_000, strict=True, description="worker jobs kept running")
    job_extra: tuple[str, ...] = Field((), description="extra #SBATCH / #PBS directives")
    prologue: tuple[str, ...] = Field(
        (), description="shell lines run before each worker starts (module load, venv, ...)"
    )
    numba_cache_dir: str = Field(
        "$HOME/.cache/longjiang-numba", description="NUMBA_CACHE_DIR of the workers"
    )
    local_directory: str | None = Field(None, description="node-local scratch for dask workers")
    interface: str | None = Field(None, description="network interface, e.g. ib0")
    log_directory: str | None = Field(None, description="folder for the job logs")
    worker_wait: int = Field(
        600,
        ge=5,
        le=7 * 86400,
        strict=True,
        description="seconds the driver waits with no worker connected (every worker job lost: "
        "cancelled, wall time, node failure) before it stops the sweep with a message",
    )

    @field_validator(
        "queue", "account", "walltime", "memory", "job_extra", "numba_cache_dir",
        "local_directory", "interface", "log_directory",
    )  # fmt: skip
    @classmethod
    def _no_shell(cls, v, info: ValidationInfo):
        """These values go into job scripts: plain words, paths and $VARIABLES only. Shell
        commands belong in ``prologue`` (run as written: the user's own commands)."""
        for text in v if isinstance(v, tuple) else (v,):
            if text is not None and not SAFE_CLUSTER_VALUE.fullmatch(text):
                raise ValueError(
                    f"{text!r}: only letters, digits, spaces, _ . / : = , @ % + - ~ and $NAME or "
                    "${NAME} are allowed here (no ; | & ` ( ) < > quotes, backslashes or "
                    "newlines); put shell commands in prologue"
                )
        return v
