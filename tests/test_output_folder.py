"""The output folder of ``longjiang run`` (issue 16, items 1 and 2): ``--overwrite`` replaces
only a run of this tool, atomically; a signal during the save never breaks the earlier run or
loses the new one; a folder stranded by SIGKILL is cleaned up by the next run; unusable output
locations are refused before any simulation."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from file_tree import tree

from longjiang_abm import io, run
from longjiang_abm.cli import main
from longjiang_abm.io import OutputExistsError

RUN = ["run", "--firms", "100", "--years", "1", "--quiet"]


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("earlier") / "res"
    run(None, seed=5, years=1, n_firms=100).save(out)
    return out


def _copy_run(earlier: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for p in earlier.iterdir():
        (dest / p.name).write_bytes(p.read_bytes())
    return dest


def test_overwrite_refuses_a_folder_that_is_not_a_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    x = tmp_path / "x"
    x.mkdir()
    (x / "thesis.tex").write_text("data\n")
    before = tree(tmp_path)
    assert main([*RUN, "--out", "x", "--overwrite"]) == 2
    assert "not a run of this tool" in capsys.readouterr().err
    assert main([*RUN, "--out", ".", "--overwrite"]) == 2  # the working directory itself
    assert tree(tmp_path) == before


def test_overwrite_refuses_a_run_folder_holding_anything_else(tmp_path, earlier, capsys):
    out = _copy_run(earlier, tmp_path / "res")
    (out / "notes.txt").write_text("mine\n")
    before = tree(tmp_path)
    assert main([*RUN, "--out", str(out), "--overwrite"]) == 2
    assert tree(tmp_path) == before


def test_overwrite_replaces_a_run_and_leaves_nothing_behind(tmp_path, earlier, capsys):
    out = _copy_run(earlier, tmp_path / "res")
    assert main([*RUN, "--seed", "9", "--out", str(out), "--overwrite"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]
    assert io.verify_problems(out) == []
    assert io.run_meta(out)["seed"] == 9


def test_a_signal_during_the_swap_completes_it_then_says_so(tmp_path, earlier, monkeypatch, capsys):
    """SIGTERM arrives just before the old run and the new one are swapped: the swap still
    happens whole (signals are held back), the earlier run is gone only once the new one is in
    place, and the message says the results are complete (exit 143)."""
    out = _copy_run(earlier, tmp_path / "res")
    real = io._swap_in

    def swap_with_signal(tmp, dest):
        os.kill(os.getpid(), signal.SIGTERM)  # delivered only after the block
        real(tmp, dest)

    monkeypatch.setattr(io, "_swap_in", swap_with_signal)
    assert main([*RUN, "--seed", "9", "--out", str(out), "--overwrite"]) == 143
    err = capsys.readouterr().err
    assert "already complete" in err and "no result files were written" not in err
    assert io.verify_problems(out) == [] and io.run_meta(out)["seed"] == 9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_a_run_killed_in_the_swap_leaves_a_folder_the_next_run_removes(tmp_path, earlier):
    """SIGKILL (nothing can hold it back) between writing the new run and swapping it in: the
    earlier run is intact, the complete new one is stranded in a hidden folder; the next run
    into the same parent removes it and says so."""
    out = _copy_run(earlier, tmp_path / "res")
    before = tree(out)
    script = textwrap.dedent(
        f"""
        import os, signal
        from longjiang_abm import io, run
        io._swap_in = lambda tmp, dest: os.kill(os.getpid(), signal.SIGKILL)
        run(None, seed=3, years=1, n_firms=100).save({str(out)!r}, overwrite=True)
        """
    )
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=600)
    assert p.returncode == -signal.SIGKILL
    stranded = [q for q in tmp_path.iterdir() if q.name.startswith(".res.tmp-")]
    assert len(stranded) == 1 and tree(out) == before
    assert io.stale_temporaries(out) == stranded
    p = subprocess.run(
        [sys.executable, "-m", "longjiang_abm", *RUN[:-1], "--out", str(tmp_path / "res2")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    # res2 has another name: its run does not touch res's temporaries
    assert stranded[0].exists()
    p = subprocess.run(
        [sys.executable, "-m", "longjiang_abm", *RUN[:-1], "--out", str(out), "--overwrite"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    assert "removed" in p.stdout and not stranded[0].exists()
    assert sorted(q.name for q in tmp_path.iterdir()) == ["res", "res2"]


def test_a_temporary_folder_of_a_live_process_or_with_other_files_is_kept(tmp_path):
    out = tmp_path / "res"
    live = tmp_path / f".res.tmp-{os.getpid()}-abc"
    live.mkdir()
    dead_with_user_file = tmp_path / ".res.tmp-999999999-abc"
    dead_with_user_file.mkdir()
    (dead_with_user_file / "thesis.tex").write_text("x")
    assert io.stale_temporaries(out) == []


@pytest.mark.parametrize(
    "where",
    ["/dev/null", "/proc/longjiang", "/sys/longjiang", "a_file", "a_file/below"],
)
def test_unusable_output_locations_are_refused_before_simulating(where, tmp_path, monkeypatch,
                                                                 capsys):  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("keep\n")
    before = tree(tmp_path)
    # 5 years of the whole province: refused at once, or the test would take minutes
    assert main(["run", "--quiet", "--out", where]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert tree(tmp_path) == before


def test_the_python_api_says_to_pass_overwrite_true(tmp_path, earlier):
    out = _copy_run(earlier, tmp_path / "res")
    result = run(None, seed=1, years=1, n_firms=100)
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        result.save(out)
    result.save(out, overwrite=True)
    assert io.run_meta(out)["seed"] == 1
