import json

import pandas as pd
import pytest
from cli_process import longjiang

from longjiang_abm.metrics import KPI_COLUMNS


def test_run_end_to_end_writes_the_result_files(tmp_path):
    out = tmp_path / "res"
    p = longjiang("run", "--firms", "600", "--years", "2", "--seed", "3", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "2nd share" in p.stdout and "2020" in p.stdout  # the KPI table
    kpis = pd.read_csv(out / "kpis.csv")
    assert list(kpis.columns[: len(KPI_COLUMNS)]) == KPI_COLUMNS
    assert kpis["year"].tolist() == [2019, 2020]
    q = pd.read_parquet(out / "quarterly.parquet")
    assert len(q) == 8 and any(c.startswith("sector_va__") for c in q.columns)
    assert any(c.startswith("prefecture_va__") for c in q.columns)
    firms = pd.read_parquet(out / "firms.parquet")
    assert len(firms) == q["firms_total"].iloc[-1]
    meta = json.loads((out / "run.json").read_text())
    assert meta["seed"] == 3 and meta["version"] and "commit" in meta
    assert meta["scenario"]["run"]["n_firms"] == 600 and meta["scenario"]["run"]["years"] == 2
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "kpis.csv",
            "quarterly.parquet",
            "firms.parquet",
            "sectors.parquet",
            "run.json",
            "SHA256SUMS",
        ]
    )


def test_same_seed_gives_byte_identical_kpis(tmp_path):
    for name in ("a", "b"):
        p = longjiang(
            "run",
            "--firms",
            "500",
            "--years",
            "2",
            "--seed",
            "7",
            "--quiet",
            "--out",
            str(tmp_path / name),
        )
        assert p.returncode == 0, p.stderr
    assert (tmp_path / "a" / "kpis.csv").read_bytes() == (tmp_path / "b" / "kpis.csv").read_bytes()


def test_bad_scenario_exits_2_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[policy]\nownership_neutrality = 3\n")
    p = longjiang("run", str(bad), "--firms", "100", "--out", str(tmp_path / "o"))
    assert p.returncode == 2
    assert "policy.ownership_neutrality" in p.stderr and "0.0 to 1.0" in p.stderr
    assert "Traceback" not in p.stderr
    assert not (tmp_path / "o").exists()

    bad.write_text("[firm]\nmarkup = 0.1\n")
    p = longjiang("run", str(bad), "--out", str(tmp_path / "o"))
    assert p.returncode == 2 and "unknown key 'firm'" in p.stderr and "Traceback" not in p.stderr

    p = longjiang("run", "--set", "run.years=0", "--out", str(tmp_path / "o"))
    assert p.returncode == 2 and "run.years" in p.stderr and "1 to 50" in p.stderr


def test_existing_results_are_not_overwritten(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "kpis.csv").write_text("precious\n")
    p = longjiang("run", "--firms", "100", "--years", "1", "--out", str(out))
    assert p.returncode == 2 and "--overwrite" in p.stderr
    assert (out / "kpis.csv").read_text() == "precious\n"


@pytest.mark.slow  # two CLI processes of a 600-firm run
def test_rerunning_the_same_run_reproduces_it_in_place(tmp_path):
    out = tmp_path / "res"
    args = ("run", "--firms", "300", "--years", "1", "--seed", "2", "--quiet", "--out", str(out))
    assert longjiang(*args).returncode == 0
    first = (out / "kpis.csv").read_bytes()
    assert longjiang(*args).returncode == 0  # same scenario and seed: allowed, identical
    assert (out / "kpis.csv").read_bytes() == first
    p = longjiang("run", "--firms", "300", "--years", "1", "--seed", "3", "--out", str(out))
    assert p.returncode == 2 and "different run" in p.stderr
