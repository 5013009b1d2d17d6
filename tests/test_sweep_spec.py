"""Sweep files, designs, run ids and run files: no cluster needed (fast)."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from longjiang_abm import params
from longjiang_abm.sweep import store
from longjiang_abm.sweep.design import make_design, plan_runs, replication_seeds, run_id
from longjiang_abm.sweep.spec import SweepError, load_sweep

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "experiments" / "sweeps").glob("*.toml"))

GRID = """
[sweep]
design = "grid"
replications = 3
seed = 4
years = 2
firms = 300
outputs = ["secondary_share", "above_scale_firms"]

[factors]
"policy.ownership_neutrality" = [0.0, 0.5, 1.0]
"policy.park_coconstruction" = [0.0, 1.0]
"""


def write(tmp_path, text, name="s.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def continuous(design, samples, extra=""):
    return f"""
[sweep]
design = "{design}"
samples = {samples}
replications = 2
seed = 9
years = 1
firms = 200
{extra}
[factors]
"policy.ownership_neutrality" = {{ min = 0.0, max = 1.0 }}
"entry.entry_rate_q" = {{ min = 0.02, max = 0.04 }}
"firms.distress_loss_quarters" = {{ min = 4, max = 12 }}
"""


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_sweeps_are_valid(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    sweep = load_sweep(path)
    design = make_design(sweep)
    runs = plan_runs(sweep, design)
    assert len(runs) == len(design.points) * sweep.sweep.replications
    assert set(design.factors) == set(sweep.spec.factors)


def test_grid_design_is_the_full_product_in_file_order(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID))
    design = make_design(sweep)
    assert design.factors == ("policy.ownership_neutrality", "policy.park_coconstruction")
    assert design.points.tolist() == [
        [0.0, 0.0], [0.0, 1.0], [0.5, 0.0], [0.5, 1.0], [1.0, 0.0], [1.0, 1.0]
    ]  # fmt: skip
    runs = plan_runs(sweep, design)
    assert len(runs) == 18 and len({r.run_id for r in runs}) == 18
    # common random numbers: the same three seeds at every point
    seeds = {(r.point, r.replicate): r.seed for r in runs}
    assert all(seeds[(p, k)] == seeds[(0, k)] for p in range(6) for k in range(3))
    assert len({seeds[(0, k)] for k in range(3)}) == 3


@pytest.mark.parametrize(
    "design,samples,extra,rows",
    [
        ("lhs", 10, "", 10),
        ("sobol", 8, "", 8 * (3 + 2)),
        ("sobol", 8, "second_order = true", 8 * (2 * 3 + 2)),
        ("morris", 3, "levels = 4", 3 * (3 + 1)),
    ],
)
def test_salib_designs_have_the_planned_size_and_stay_in_range(
    tmp_path, design, samples, extra, rows
):
    sweep = load_sweep(write(tmp_path, continuous(design, samples, extra)))
    d = make_design(sweep)
    assert d.points.shape == (rows, 3)
    assert d.points[:, 0].min() >= 0.0 and d.points[:, 0].max() <= 1.0
    assert d.points[:, 1].min() >= 0.02 and d.points[:, 1].max() <= 0.04
    # an integer parameter takes whole values
    assert np.all(d.points[:, 2] == np.round(d.points[:, 2]))
    again = make_design(load_sweep(write(tmp_path, continuous(design, samples, extra), "b.toml")))
    np.testing.assert_array_equal(d.points, again.points)  # deterministic given the file
    runs = plan_runs(sweep, d)
    assert all(isinstance(r.values["firms.distress_loss_quarters"], int) for r in runs)


def test_seeds_come_from_seedsequence_and_are_reproducible():
    a = replication_seeds(2019, 4, 3, common=True)
    assert a.shape == (4, 3) and (a == a[0]).all() and a.min() >= 0
    b = replication_seeds(2019, 4, 3, common=False)
    assert len(np.unique(b)) == 12
    np.testing.assert_array_equal(a, replication_seeds(2019, 4, 3, common=True))
    assert not np.array_equal(a, replication_seeds(2020, 4, 3, common=True))


def test_run_id_hashes_resolved_parameters_seed_and_version():
    sc = params.Scenario().model_dump(mode="json")
    other = params.Scenario(policy={"ownership_neutrality": 0.5}).model_dump(mode="json")
    assert run_id(sc, 1) == run_id(dict(sc), 1)
    assert len({run_id(sc, 1), run_id(sc, 2), run_id(other, 1), run_id(sc, 1, "9.9")}) == 4


def bad(design="grid", factor='"entry.entry_rate_q" = [0.03]', extra=""):
    return f'[sweep]\ndesign = "{design}"\n{extra}\n[factors]\n{factor}\n'


RATE = '"entry.entry_rate_q"'
BAD = [
    (bad(extra="sample = 3"), ["unknown key 'sweep.sample'", "samples"]),
    (bad(factor='"policy.ownership_neutrality" = [0.0, 1.5]'),
     ["policy.ownership_neutrality", "1.5", "0.0 to 1.0"]),
    (bad(factor='"policy.no_such_lever" = [0.0]'),
     ["policy.no_such_lever", "no key", "ownership_neutrality"]),
    (bad(factor='"nowhere.x" = [0.0]'), ["nowhere.x", "section.key"]),
    (bad("lhs", f"{RATE} = [0.02, 0.03]", "samples = 4"), ["entry.entry_rate_q", "range"]),
    (bad("grid", f"{RATE} = {{ min = 0.0, max = 0.1 }}"), ["entry.entry_rate_q", "list of levels"]),
    (bad("lhs", f"{RATE} = {{ min = 0.03, max = 0.9 }}", "samples = 4"),
     ["entry.entry_rate_q", "0.9", "0.02 to 0.045"]),
    (bad("sobol", f"{RATE} = {{ min = 0.0, max = 0.1 }}", "samples = 10"),
     ["sweep.samples", "power of 2"]),
    (bad("lhs", f"{RATE} = {{ min = 0.1, max = 0.0 }}", "samples = 4"),
     ["entry.entry_rate_q", "min must be below max"]),
    (bad("lhs", f"{RATE} = {{ min = 0.0, max = 0.1, step = 1 }}", "samples = 4"),
     ["entry.entry_rate_q", "step", "min, max"]),
    (bad(extra='outputs = ["gdp", "gpd"]'), ["sweep.outputs", "gpd", "secondary_share"]),
    (bad(extra='scenario = "missing.toml"'), ["sweep.scenario", "missing.toml", "not found"]),
    (bad(factor='"run.n_firms" = [100]'), ["run.n_firms", "firms"]),
    (bad() + "[cluster]\ncores = 0\n", ["cluster.cores", "greater than or equal to 1"]),
    ('[sweep]\ndesign = "grid"\n[factors]\n', ["factors", "at least 1"]),
    ("[sweep\n", ["TOML syntax error"]),
]  # fmt: skip


@pytest.mark.parametrize("text,needles", BAD)
def test_bad_sweep_files_are_rejected_naming_file_key_and_allowed(tmp_path, text, needles):
    path = write(tmp_path, text, "bad.toml")
    with pytest.raises(SweepError) as err:
        load_sweep(path)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(str(path))
    for n in needles:
        assert n in msg, (n, msg)


def test_cli_rejects_a_bad_sweep_with_exit_2_and_no_traceback(tmp_path):
    path = write(tmp_path, BAD[1][0], "bad.toml")
    p = subprocess.run(
        [sys.executable, "-m", "longjiang_abm", "sweep", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2
    err = " ".join(p.stderr.split())
    assert "bad.toml" in err and "policy.ownership_neutrality" in err and "0.0 to 1.0" in err
    assert "Traceback" not in p.stderr
    assert not (tmp_path / "o").exists()


def test_run_files_have_a_fixed_schema_and_hidden_temporaries_are_ignored(tmp_path):
    factors = ["policy.ownership_neutrality"]
    outputs = ["secondary_share", "above_scale_firms"]
    runs = tmp_path / "runs"
    runs.mkdir()
    for i, (share, n) in enumerate([(0.25, 10), (0.3, 12.0)]):
        kpis = pd.DataFrame({"year": [2019, 2020], "secondary_share": [share, share],
                             "above_scale_firms": [n, n]})  # fmt: skip
        run = {"run_id": f"r{i}", "point": i, "replicate": 0, "seed": 5,
               "values": {factors[0]: i}}  # fmt: skip
        store.write_run(runs, f"r{i}", store.run_table(run, kpis, factors, outputs))
    (runs / ".r9.abc.tmp").write_bytes(b"half a parquet file")
    assert store.finished_ids(tmp_path) == {"r0", "r1"}
    df = pd.read_parquet(runs)
    assert len(df) == 4
    assert list(df.columns) == ["run_id", "point", "replicate", "seed", "year", *factors, *outputs]
    assert {c: str(t) for c, t in df.dtypes.items() if c != "run_id"} == {
        "point": "int64", "replicate": "int64", "seed": "int64", "year": "int64",
        factors[0]: "float64", "secondary_share": "float64", "above_scale_firms": "int64",
    }  # fmt: skip
    assert pq.read_schema(runs / "r0.parquet") == pq.read_schema(runs / "r1.parquet")
    assert not [p for p in runs.iterdir() if re.match(r"\.r[01]\.", p.name)]
