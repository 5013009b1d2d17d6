"""Faults of a single run: interrupted by SIGINT or SIGTERM, and result files damaged on disk.

(Sweep faults -- the sweep process killed repeatedly, a Dask worker killed, a truncated run
file -- are in test_sweep_run.py.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from longjiang_abm import run
from longjiang_abm.io import ResultsError, read_results, verify_results

pytestmark = pytest.mark.timeout(300)


def _default_sigint():
    """As in a terminal: a shell's background job (CI run with ``&``) inherits SIGINT ignored,
    and Python then never turns it into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(
    ("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "overwrite"])
def test_an_interrupted_run_writes_nothing_and_says_so(tmp_path, sig, status, existing):
    out = tmp_path / "res"
    args = ["run", "--firms", "3000", "--years", "50", "--seed", "1", "--out", str(out)]
    before = {}
    if existing:  # --overwrite of an earlier run: the earlier files must survive intact
        run(None, seed=2, years=1, n_firms=100).save(out)
        before = {p.name: p.read_bytes() for p in out.iterdir()}
        args.append("--overwrite")
    proc = subprocess.Popen(
        [sys.executable, "-m", "longjiang_abm", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
        preexec_fn=_default_sigint,
    )
    try:
        first = proc.stdout.readline()  # printed after the first simulated year
        assert "simulated 2019" in first, first + proc.stderr.read()
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == status, err
    assert "interrupted: no result files were written" in err
    assert "Traceback" not in err
    if existing:
        assert [p.name for p in tmp_path.iterdir()] == ["res"]
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    else:
        assert list(tmp_path.iterdir()) == []  # no folder, no hidden temporary folder


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    out = tmp_path_factory.mktemp("saved") / "res"
    run(None, seed=4, years=1, n_firms=300).save(out)
    return out


def test_results_carry_checksums_that_are_verified_on_read(saved):
    meta = json.loads((saved / "run.json").read_text())
    assert set(meta["sha256"]) == {
        "kpis.csv",
        "quarterly.parquet",
        "firms.parquet",
        "sectors.parquet",
    }
    assert verify_results(saved)["seed"] == 4
    assert len(read_results(saved)["kpis"]) == 1


@pytest.mark.parametrize("name", ["kpis.csv", "quarterly.parquet", "firms.parquet"])
@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_result_file_is_detected_not_read(saved, tmp_path, name, damage):
    import shutil

    copy = tmp_path / "res"
    shutil.copytree(saved, copy)
    data = (copy / name).read_bytes()
    if damage == "truncate":
        (copy / name).write_bytes(data[: len(data) // 2])
    else:  # one byte changed, same size
        i = len(data) // 2
        (copy / name).write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :])
    with pytest.raises(ResultsError, match=name):
        read_results(copy)


def test_a_signal_inside_compiled_code_is_still_an_interrupt():
    """A signal landing in a numba callback reaches Python as a SystemError caused by the
    KeyboardInterrupt (seen in CI): it is recognised as the interrupt."""
    from longjiang_abm.interrupts import Terminated, exit_status, interrupt_cause

    try:
        try:
            raise Terminated()
        except Terminated as inner:
            raise SystemError("returned a result with an exception set") from inner
    except SystemError as exc:
        found = interrupt_cause(exc)
    assert isinstance(found, Terminated) and exit_status(found) == 143
    assert interrupt_cause(SystemError("unrelated")) is None
