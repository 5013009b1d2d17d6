"""Every entry point x every kind of bad input: one clear message, exit status 2, nothing written.

Entry points: ``longjiang run``, ``longjiang sweep`` (the bad scenario as its base scenario, and
bad sweep files), ``longjiang analyze`` (bad sweep folders), ``longjiang ui`` (a bad file among
the scenarios it offers) -- all through ``cli.main`` in this process, which is what the console
script runs -- and the Python API (``load_scenario``, ``LongjiangModel(scenario=...)``, ``run``).
Each case checks: the status (2) or exception (ScenarioError), one message line naming the file
and the key, no traceback, and every file under the test folder unchanged (SHA-256 before and
after, no file added).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from longjiang_abm import LongjiangModel, cli, load_scenario, run
from longjiang_abm.io import OutputExistsError
from longjiang_abm.params import ScenarioError
from longjiang_abm.sectors import read_table

pytestmark = pytest.mark.timeout(300)


def snapshot(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``root``."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def tables_dir(d: Path, **tables: pd.DataFrame) -> Path:
    t = d / "tables"
    t.mkdir()
    for name, df in tables.items():
        df.to_csv(t / f"{name}.csv", index=False)
    return t


def _shares_not_one(d: Path):
    sec = read_table("sectors.csv")
    sec["firm_share"] = sec["firm_share"] * 1.2
    tables_dir(d, sectors=sec)
    return '[tables]\ndir = "tables"\n', ["sectors.csv", "firm_share", "sum to 1", "tables.dir"]


def _empty_sectors(d: Path):
    tables_dir(d, sectors=read_table("sectors.csv").iloc[:0])
    return '[tables]\ndir = "tables"\n', ["sectors.csv", "no rows", "tables.dir"]


def _empty_prefectures(d: Path):
    tables_dir(d, prefectures=read_table("prefectures.csv").iloc[:0])
    return '[tables]\ndir = "tables"\n', ["prefectures.csv", "no rows", "tables.dir"]


# name -> (TOML text | builder | None for a missing file, words the message must contain)
BAD_SCENARIOS = {
    "missing_file": (None, ["not found"]),
    "toml_syntax": (
        'name = "x"\n\n[policy]\nownership_neutrality = = 1\n',
        ["TOML syntax error", "line 4"],
    ),
    "unknown_section": ("[firm]\nmarkup = 0.1\n", ["unknown key 'firm'", "allowed keys"]),
    "unknown_key": ("[policy]\nneutrality = 1.0\n", ["policy.neutrality", "allowed keys"]),
    "wrong_type": ('[run]\nyears = "five"\n', ["run.years", "integer", "1 to 50"]),
    "out_of_range": ("[policy]\nownership_neutrality = 3\n", ["policy.ownership_neutrality",
                                                             "0.0 to 1.0"]),
    "shares_not_one": (_shares_not_one, []),
    "empty_sector_table": (_empty_sectors, []),
    "empty_prefecture_table": (_empty_prefectures, []),
    "schedule_out_of_order": (
        "[[policy.schedule]]\nyear = 2023\nsme_support = 1.0\n\n"
        "[[policy.schedule]]\nyear = 2021\nsme_support = 0.5\n",
        ["policy.schedule", "increase"],
    ),
    "name_is_a_path": ('name = "../../outside"\n', ["key 'name'", "letters, digits"]),
}  # fmt: skip


def make_bad(d: Path, case: str) -> tuple[Path, list[str]]:
    """Write the bad scenario ``case`` into ``d``; return its path and the expected words
    (the file name is always expected)."""
    content, words = BAD_SCENARIOS[case]
    path = d / f"{case}.toml"
    if callable(content):
        content, words = content(d)
    if content is not None:
        path.write_text(content)
    return path, [path.name, *words]


def call(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_clear_message(err: str, words: list[str]) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error:"), err
    for w in words:
        assert w in err, f"{w!r} not in {err!r}"


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A folder with an existing results folder; the commands run from it."""
    monkeypatch.chdir(tmp_path)
    res = tmp_path / "out"
    res.mkdir()
    (res / "kpis.csv").write_text("year,gdp\n2019,1\n")
    (res / "run.json").write_text('{"package": "longjiang_abm", "seed": 99}\n')
    return tmp_path


SWEEP = """[sweep]
scenario = "{scenario}"
design = "grid"
years = 1
firms = 100

[factors]
"policy.sme_support" = [0.0, 1.0]
"""


def _entry_run(work: Path, path: Path, capsys):
    return call(capsys, "run", str(path), "--firms", "100", "--years", "1", "--quiet",
                "--out", str(work / "out"))  # fmt: skip


def _entry_sweep(work: Path, path: Path, capsys):
    sweep = work / "sweep.toml"
    sweep.write_text(SWEEP.format(scenario=path.as_posix()))
    status, out, err = call(capsys, "sweep", str(sweep), "--workers", "1", "--quiet",
                            "--out", str(work / "sweep_out"))  # fmt: skip
    sweep.unlink()  # not part of the comparison
    return status, out, err


def _entry_ui(work: Path, path: Path, capsys, monkeypatch):
    import solara.__main__

    def no_server(*a, **k):  # the check must stop it before any server starts
        raise AssertionError("the UI server was started")

    monkeypatch.setattr(solara.__main__.run, "main", no_server)
    folder = path.parent if path.exists() else work / "no_such_params_dir"
    monkeypatch.setenv("LONGJIANG_PARAMS_DIR", str(folder))
    return call(capsys, "ui", "--port", "0")


@pytest.mark.parametrize("case", list(BAD_SCENARIOS))
@pytest.mark.parametrize("entry", ["run", "sweep", "ui"])
def test_cli_refuses_bad_scenarios(entry, case, work, capsys, monkeypatch):
    path, words = make_bad(work, case)
    if entry == "ui":
        if case == "missing_file":  # the UI's scenario folder is missing
            words = ["LONGJIANG_PARAMS_DIR", "not a folder"]
    before = snapshot(work)
    if entry == "run":
        status, out, err = _entry_run(work, path, capsys)
    elif entry == "sweep":
        status, out, err = _entry_sweep(work, path, capsys)
        words = [*words, "sweep.toml"] if case == "missing_file" else words
    else:
        status, out, err = _entry_ui(work, path, capsys, monkeypatch)
    assert status == 2
    assert_one_clear_message(err, words)
    assert snapshot(work) == before


@pytest.mark.parametrize("case", list(BAD_SCENARIOS))
def test_python_api_refuses_bad_scenarios(case, work):
    path, words = make_bad(work, case)
    before = snapshot(work)
    for call_api in (load_scenario, lambda p: LongjiangModel(scenario=p, n_firms=100),
                     lambda p: run(p, years=1, n_firms=100)):  # fmt: skip
        with pytest.raises(ScenarioError) as info:
            call_api(path)
        msg = str(info.value)
        assert "\n" not in msg
        for w in words:
            assert w in msg, f"{w!r} not in {msg!r}"
    assert snapshot(work) == before


BAD_SWEEP_FILES = {
    "missing_file": (None, ["sweep file not found"]),
    "toml_syntax": ("[sweep]\ndesign = grid\n", ["TOML syntax error", "line 2"]),
    "unknown_section": ('[sweeps]\ndesign = "grid"\n', ["unknown key"]),
    "unknown_key": (SWEEP.format(scenario="") + "\n[cluster]\nnodes = 3\n",
                    ["cluster.nodes", "allowed keys"]),
    "wrong_type": (SWEEP.format(scenario="").replace("years = 1", 'years = "one"'),
                   ["sweep.years"]),
    "out_of_range": (SWEEP.format(scenario="").replace("[0.0, 1.0]", "[0.0, 2.0]"),
                     ["policy.sme_support", "0.0 to 1.0"]),
    "python_expression": (
        SWEEP.format(scenario="").replace("[0.0, 1.0]", "\"__import__('os').system('touch x')\""),
        ["policy.sme_support", "list of levels"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_SWEEP_FILES))
def test_sweep_refuses_bad_sweep_files(case, work, capsys):
    content, words = BAD_SWEEP_FILES[case]
    path = work / f"{case}.toml"
    if content is not None:
        path.write_text(content)
    before = snapshot(work)
    status, out, err = call(capsys, "sweep", str(path), "--quiet", "--out", str(work / "s"))
    assert status == 2
    assert_one_clear_message(err, [path.name, *words])
    assert snapshot(work) == before
    assert not (work / "x").exists()  # nothing in the file was executed


def _sweep_folder(work: Path) -> Path:
    """A planned sweep folder (no runs yet) with one finished-looking run file."""
    from longjiang_abm.sweep.execute import run_sweep

    sweep = work / "planned.toml"
    sweep.write_text(SWEEP.format(scenario=""))
    out = work / "planned"
    run_sweep(sweep, out, plan_only=True, progress=False)
    return out


def _truncated_run(work: Path) -> tuple[Path, list[str]]:
    from longjiang_abm.sweep import store

    out = _sweep_folder(work)
    m = store.read_manifest(out)
    run = m["runs"][0]
    kpis = pd.DataFrame({"year": [2019], "secondary_share": [0.3], "above_scale_firms": [10],
                         "gdp": [1.0], "fiscal_balance": [0.0]})  # fmt: skip
    table = store.run_table(run, kpis, m["design"]["factors"], m["sweep"]["sweep"]["outputs"])
    path = store.write_run(out / store.RUNS, run["run_id"], table)
    path.write_bytes(path.read_bytes()[:-20])
    return out, [path.name, "truncated", "--resume"]


BAD_SWEEP_FOLDERS = {
    "missing_folder": lambda w: (w / "nope", ["nope", "no such sweep folder"]),
    "not_a_sweep_folder": lambda w: (w / "out", ["out", "no manifest.json"]),
    "manifest_syntax_error": lambda w: _broken_manifest(w, '{\n  "runs": [,\n}', ["line 2"]),
    "manifest_wrong_type": lambda w: _broken_manifest(w, "[1, 2]\n", ["not a sweep manifest"]),
    "truncated_run_file": _truncated_run,
}


def _broken_manifest(work: Path, text: str, words: list[str]):
    out = _sweep_folder(work)
    (out / "manifest.json").write_text(text)
    return out, ["manifest.json", *words]


@pytest.mark.parametrize("case", list(BAD_SWEEP_FOLDERS))
def test_analyze_refuses_bad_sweep_folders(case, work, capsys):
    folder, words = BAD_SWEEP_FOLDERS[case](work)
    before = snapshot(work)
    status, out, err = call(capsys, "analyze", str(folder))
    assert status == 2
    assert_one_clear_message(err, words)
    assert snapshot(work) == before


def test_run_refuses_an_output_folder_holding_a_different_run(work, capsys):
    before = snapshot(work)
    status, out, err = call(capsys, "run", "--firms", "100", "--years", "1", "--quiet",
                            "--out", str(work / "out"))  # fmt: skip
    assert status == 2
    assert_one_clear_message(err, ["out", "different run", "--overwrite"])
    assert snapshot(work) == before


def test_sweep_refuses_an_output_folder_holding_something_else(work, capsys):
    sweep = work / "a.toml"
    sweep.write_text(SWEEP.format(scenario=""))
    before = snapshot(work)
    status, out, err = call(capsys, "sweep", str(sweep), "--quiet", "--out", str(work / "out"))
    assert status == 2
    assert_one_clear_message(err, ["out", "not a sweep folder"])
    assert snapshot(work) == before
    # a folder holding another sweep: refused without --resume, and with it if the file differs
    planned = _sweep_folder(work)
    before = snapshot(work)
    status, out, err = call(capsys, "sweep", str(sweep), "--quiet", "--out", str(planned))
    assert status == 2
    assert_one_clear_message(err, ["planned", "already holds a sweep", "--resume"])
    assert snapshot(work) == before
    sweep.write_text(SWEEP.format(scenario="").replace("firms = 100", "firms = 120"))
    before = snapshot(work)
    status, out, err = call(capsys, "sweep", str(sweep), "--quiet", "--resume",
                            "--out", str(planned))  # fmt: skip
    assert status == 2
    assert_one_clear_message(err, ["a.toml", "differs", "sweep.firms"])
    assert snapshot(work) == before


def test_python_api_refuses_to_overwrite_results(work):
    result = run(None, years=1, n_firms=100)
    before = snapshot(work)
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        result.save(work / "out")
    assert snapshot(work) == before


def test_the_console_script_exits_2_without_a_traceback(tmp_path):
    """The same through a real process (one case: the rest use main() in this process)."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[policy]\nownership_neutrality = 3\n")
    p = subprocess.run(
        [sys.executable, "-m", "longjiang_abm", "run", str(bad), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert_one_clear_message(p.stderr, ["bad.toml", "policy.ownership_neutrality"])
    assert sorted(x.name for x in tmp_path.iterdir()) == ["bad.toml"]


def test_scenario_text_is_data_never_code(work):
    """A scenario whose values look like Python is read as strings (or refused), not run."""
    path = work / "code.toml"
    path.write_text(
        "description = \"__import__('os').system('touch pwned')\"\n"
        "[policy]\nownership_neutrality = \"__import__('os').system('touch pwned')\"\n"
    )
    with pytest.raises(ScenarioError, match="policy.ownership_neutrality"):
        load_scenario(path)
    path.write_text("description = \"__import__('os').system('touch pwned')\"\n")
    sc = load_scenario(path)
    assert sc.description.startswith("__import__")
    assert not (work / "pwned").exists()
    json.dumps(sc.model_dump(mode="json"))  # plain data
