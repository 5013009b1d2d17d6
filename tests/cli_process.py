"""The ``longjiang`` command run as a user runs it: a new Python process."""

import subprocess
import sys


def longjiang(*args, cwd=None, timeout=1200):
    """Run ``python -m longjiang_abm ARGS``; returns the CompletedProcess (text output)."""
    return subprocess.run(
        [sys.executable, "-m", "longjiang_abm", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )
