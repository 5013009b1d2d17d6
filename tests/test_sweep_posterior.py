"""Sweeps over a posterior (``[sweep] posterior`` / ``--posterior``): parameter and seed
uncertainty together, paired across design points, as in the ensembles.

A tiny posterior file (4 particles of two estimated parameters, one of them swept) is written
with ``calibrate.posterior.write``, the writer of ``longjiang calibrate``; the sweep is a grid
of 2 points x 2 seeds of a 600-firm miniature over one year.
"""

import argparse
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from cli_process import longjiang

from longjiang_abm.calibrate import posterior
from longjiang_abm.params import load_scenario
from longjiang_abm.runner import run
from longjiang_abm.sweep import store
from longjiang_abm.sweep.commands import resume_command
from longjiang_abm.sweep.execute import run_sweep
from longjiang_abm.sweep.posterior import uncertainty

pytestmark = pytest.mark.timeout(1800)  # no wall-clock limit on a busy machine

SWEPT, DRAWN = "entry.entry_rate_q", "firms.replicator_speed"
PARTICLES = pd.DataFrame(
    {
        "particle": [0, 1, 2, 3],
        "weight": [0.1, 0.4, 0.2, 0.3],
        DRAWN: [0.05, 0.12, 0.2, 0.25],
        SWEPT: [0.021, 0.03, 0.035, 0.044],  # none equal to a level of the design
    }
)
SWEEP = """
[sweep]
design = "grid"
replications = 2
seed = 5
years = 1
firms = 600
outputs = ["secondary_share", "above_scale_firms", "gdp", "fiscal_balance"]
check_accounts = true
{posterior}
[factors]
"entry.entry_rate_q" = [0.025, 0.04]
"""


def write_posterior(path: Path, frame: pd.DataFrame = PARTICLES) -> Path:
    return posterior.write(frame, {"estimated": [DRAWN, SWEPT]}, path)


def sweep_file(folder: Path, name: str, posterior_line: str = "") -> Path:
    path = folder / name
    path.write_text(SWEEP.format(posterior=posterior_line))
    return path


def frame(out: Path) -> pd.DataFrame:
    df = pd.read_parquet(Path(out) / "runs")
    return df.sort_values(["run_id", "year"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep_posterior")
    write_posterior(d / "post.parquet")
    return d


@pytest.fixture(scope="module")
def local(folder):
    """The sweep through the command line on the local (Dask) executor; the posterior named by
    the sweep file, relative to its folder."""
    path = sweep_file(folder, "post.toml", 'posterior = "post.parquet"')
    out = folder / "local"
    p = longjiang("sweep", str(path), "--workers", "2", "--out", str(out), cwd=folder.parent)
    assert p.returncode == 0, p.stderr
    said = " ".join(p.stdout.split())
    assert "4 of 4 runs finished" in said
    assert "4 particles" in said and "the design's values replace the drawn ones" in said
    return path, out


def test_each_seed_draws_its_particle_the_same_at_every_design_point(local, folder):
    path, out = local
    m = json.loads((out / "manifest.json").read_text())
    post = folder / "post.parquet"
    rec = m["posterior"]
    assert rec["sha256"] == hashlib.sha256(post.read_bytes()).hexdigest()
    assert Path(rec["file"]) == post and rec["particles"] == 4
    assert rec["estimated"] == [DRAWN, SWEPT] and rec["overridden"] == [SWEPT]
    assert m["sweep"]["sweep"]["posterior"] == str(post)
    runs = pd.DataFrame(m["runs"])
    assert len(runs) == 4 and runs["run_id"].nunique() == 4
    for r in m["runs"]:  # the draw of `longjiang run --posterior` for the same seed
        drawn = posterior.draw(post, r["seed"])
        assert r["particle"] == drawn["particle"]
        assert r["drawn"] == {DRAWN: drawn["parameters"][DRAWN]}  # the swept key is not drawn
    # paired: a replicate has one seed and one particle at every design point
    by_rep = runs.groupby("replicate")
    assert (by_rep["seed"].nunique() == 1).all() and (by_rep["particle"].nunique() == 1).all()
    assert runs["particle"].nunique() == 2  # the two seeds draw different particles

    df = pd.read_parquet(out / "runs")
    assert list(df.columns[:6]) == ["run_id", "point", "replicate", "seed", "particle", "year"]
    assert df["particle"].dtype == "int64"
    by_id = runs.set_index("run_id")["particle"]
    assert (df["particle"].to_numpy() == by_id.loc[df["run_id"]].to_numpy()).all()
    assert set(df[SWEPT]) == {0.025, 0.04}  # the design's values, not the drawn ones
    assert store.read_runs(out)["particle"].notna().all()


def test_the_swept_key_takes_the_design_value_and_the_drawn_ones_are_run(local):
    """A sweep row is the run of the base scenario with the seed's drawn values and the
    design's value of the swept key: not the drawn value of that key, not the packaged ones."""
    _, out = local
    m = store.read_manifest(out)
    df = store.read_runs(out, m)
    r = next(x for x in m["runs"] if x["point"] == 0 and x["replicate"] == 0)
    row = df[df["run_id"] == r["run_id"]].iloc[0]

    def gdp(values: dict) -> float:
        scenario = load_scenario(None, [f"{k}={v!r}" for k, v in values.items()])
        return float(run(scenario, seed=r["seed"], years=1, n_firms=600).kpis["gdp"].iloc[0])

    drawn = posterior.draw(m["posterior"]["file"], r["seed"])["parameters"]
    assert gdp({**drawn, **r["values"]}) == row["gdp"]
    assert gdp(drawn) != row["gdp"]  # the drawn value of the swept key would differ
    assert gdp(r["values"]) != row["gdp"]  # and so would the packaged replicator speed


def test_serial_local_and_job_array_give_identical_values(local, folder):
    from longjiang_abm.sweep import array

    path, out = local
    serial = folder / "serial"
    s = run_sweep(path, serial, executor="serial", progress=False)
    assert (s.done, s.failed) == (4, 0)
    pd.testing.assert_frame_equal(frame(out), frame(serial))
    # a job array runs the planned draws from the manifest: it never reads the posterior
    arr = folder / "array"
    run_sweep(path, arr, plan_only=True)
    moved = folder / "post.moved"
    shutil.move(folder / "post.parquet", moved)
    try:
        assert array.main([str(arr), "--task", "0", "--tasks", "1"]) == 0
    finally:
        shutil.move(moved, folder / "post.parquet")
    pd.testing.assert_frame_equal(frame(out), frame(arr))


def test_the_analysis_says_the_bands_hold_parameter_and_seed_uncertainty(local):
    _, out = local
    p = longjiang("analyze", str(out))
    assert p.returncode == 0, p.stderr
    said = " ".join(p.stdout.split())
    assert "parameter uncertainty (one draw per seed from" in said
    note = (out / "analysis" / "uncertainty.txt").read_text()
    assert "parameter uncertainty" in note and "seed uncertainty" in note and SWEPT in note
    assert "seed uncertainty only" in uncertainty({"runs": []})


def test_resume_refuses_another_posterior_and_nothing_changes(folder):
    path = sweep_file(folder, "plain.toml")
    post, out = folder / "post.parquet", folder / "resumed"
    p = longjiang("sweep", str(path), "--posterior", str(post), "--out", str(out), "--plan-only")
    assert p.returncode == 0, p.stderr
    before = (out / "manifest.json").read_bytes()
    other = write_posterior(folder / "other.parquet", PARTICLES.assign(weight=[0.7, 0.1, 0.1, 0.1]))
    cases = [
        (["--posterior", str(other)], "is not the posterior"),
        ([], "planned with the posterior"),  # the draws are kept only with the same file
    ]
    for extra, message in cases:
        p = longjiang("sweep", str(path), "--out", str(out), "--resume", "--plan-only", *extra)
        assert p.returncode == 2 and message in p.stderr and str(post) in p.stderr, p.stderr
        assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
        assert (out / "manifest.json").read_bytes() == before
    # the same path with other contents (a new calibration written over it) is refused too
    changed = folder / "changed"
    shutil.copytree(out, changed)
    copy = write_posterior(folder / "copy.parquet")
    p = longjiang("sweep", str(path), "--posterior", str(copy), "--out", str(changed),
                  "--resume", "--plan-only")  # fmt: skip
    assert p.returncode == 0, p.stderr  # same contents, another path: the same sweep
    write_posterior(copy, PARTICLES.assign(weight=[0.25] * 4))
    p = longjiang("sweep", str(path), "--posterior", str(copy), "--out", str(changed),
                  "--resume", "--plan-only")  # fmt: skip
    assert p.returncode == 2 and "is not the posterior" in p.stderr
    # a sweep planned without a posterior is not resumed with one
    bare = folder / "bare"
    assert longjiang("sweep", str(path), "--out", str(bare), "--plan-only").returncode == 0
    p = longjiang("sweep", str(path), "--out", str(bare), "--resume", "--posterior", str(post))
    assert p.returncode == 2 and "planned without a posterior" in p.stderr
    assert not store.finished_ids(bare)


def test_the_resume_command_repeats_the_posterior(tmp_path):
    args = argparse.Namespace(
        sweep_file="s.toml", executor="local", posterior="p q.parquet", workers=2
    )
    cmd = resume_command(args, tmp_path / "o")
    assert "--resume --posterior 'p q.parquet' --workers 2" in cmd


@pytest.mark.parametrize(
    "line, flag, make, message",
    [
        ("", "bad.parquet", "text", "bad.parquet: not a posterior file"),
        ('posterior = "missing.parquet"', None, None, "key 'sweep.posterior': "),
        ("", "plain.parquet", "plain", "plain.parquet: not a posterior file"),
        ("", "wide.parquet", "out_of_range", "wide.parquet: particle 1: key 'firms.replicator"),
        ("", "alien.parquet", "unknown_key", "estimated key 'firms.no_such_key'"),
        ('posterior = "."', None, None, "is a folder, not a posterior file"),
    ],
)
def test_a_bad_posterior_exits_2_before_any_run(tmp_path, line, flag, make, message):
    path = sweep_file(tmp_path, "s.toml", line)
    if make == "text":
        (tmp_path / flag).write_text("not parquet")
    elif make == "plain":
        pd.DataFrame({"weight": [1.0]}).to_parquet(tmp_path / flag)
    elif make == "out_of_range":  # replicator_speed is allowed 0 to 0.3; seed 5 draws 1 first
        write_posterior(tmp_path / flag, PARTICLES.assign(**{DRAWN: [0.1, 0.9, 0.1, 0.9]}))
    elif make == "unknown_key":
        bad = PARTICLES.rename(columns={DRAWN: "firms.no_such_key"})
        posterior.write(bad, {"estimated": ["firms.no_such_key"]}, tmp_path / flag)
    out = tmp_path / "out"
    args = ["sweep", str(path), "--out", str(out), "--executor", "serial"]
    args += ["--posterior", str(tmp_path / flag)] if flag else []
    p = longjiang(*args, cwd=tmp_path)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert "Traceback" not in p.stderr and not out.exists()
