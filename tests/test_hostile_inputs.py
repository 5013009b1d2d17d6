"""The hostile-input script (tests/hostile_inputs.py) against every command: at least 150
cases across run, sweep, analyze, verify, validate, bench, the UI's settings and input tables;
every one ends in one clear line and its exit status, with no traceback and no file outside the
output folder lost or changed (issue 16, item 4)."""

from __future__ import annotations

import hostile_inputs
import pytest


@pytest.mark.timeout(900)
def test_hostile_inputs_end_in_one_clear_line_and_lose_nothing(tmp_path):
    rep = hostile_inputs.report(tmp_path)
    assert rep["tried"] >= 150
    assert rep["tracebacks"] == 0, rep["not_ok"]
    assert rep["files_lost"] == 0, rep["not_ok"]
    assert rep["not_ok"] == []
    for command in ("run", "sweep", "analyze", "verify", "validate", "bench", "ui", "tables"):
        assert command in rep["commands"]
    print({k: v for k, v in rep.items() if k != "not_ok"})
