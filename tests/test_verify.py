"""``longjiang verify DIR`` (issue 16, item 7): a run folder's files, run.json included, and a
sweep folder's run files against their checksums; exit 1 naming each problem, read-only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from file_tree import tree

from longjiang_abm import run
from longjiang_abm.cli import main
from longjiang_abm.sweep import store
from longjiang_abm.sweep.execute import run_sweep, unique_runs
from longjiang_abm.sweep.task import payload, run_one


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("verify") / "res"
    run(None, seed=2, years=1, n_firms=100).save(out)
    return out


def _flip(path: Path) -> None:
    data = path.read_bytes()
    i = len(data) // 2
    path.write_bytes(data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :])


def test_an_intact_run_folder_verifies(saved, capsys):
    assert main(["verify", str(saved)]) == 0
    assert "intact" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["run.json", "kpis.csv", "quarterly.parquet", "firms.parquet"])
def test_any_altered_file_run_json_included_is_named(saved, tmp_path, name, capsys):
    copy = tmp_path / "res"
    shutil.copytree(saved, copy)
    _flip(copy / name)
    before = tree(tmp_path)
    assert main(["verify", str(copy)]) == 1
    out = capsys.readouterr().out
    assert name in out and "problem" in out
    assert tree(tmp_path) == before  # read-only


def test_missing_checksums_and_stray_files_are_reported(saved, tmp_path, capsys):
    copy = tmp_path / "res"
    shutil.copytree(saved, copy)
    (copy / "SHA256SUMS").unlink()
    (copy / "notes.txt").write_text("x")
    assert main(["verify", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "SHA256SUMS" in out and "notes.txt" in out
    assert main(["verify", str(tmp_path / "nowhere")]) == 2


SWEEP = """[sweep]
design = "grid"
years = 1
firms = 100
[factors]
"policy.sme_support" = [0.0, 0.5, 1.0]
"""


def test_a_sweep_folder_is_verified_run_by_run(tmp_path, capsys):
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP)
    out = tmp_path / "sw"
    run_sweep(sweep, out, plan_only=True, progress=False)
    manifest = store.read_manifest(out)
    for r in unique_runs(manifest)[:2]:  # two of three runs, in this process
        run_one(payload(manifest, r, out))
    assert main(["verify", str(out)]) == 0
    assert "2 of 3 planned runs finished" in " ".join(capsys.readouterr().out.split())
    files = sorted((out / "runs").glob("*.parquet"))
    _flip(files[0])
    shutil.copy(files[1], out / "runs" / "0123456789abcdef.parquet")  # no plan lists it
    before = tree(tmp_path)
    assert main(["verify", str(out)]) == 1
    text = capsys.readouterr().out
    assert files[0].name in text and "0123456789abcdef" in text
    assert tree(tmp_path) == before
