"""``longjiang calibrate`` (ABC-SMC with pyabc) and ``longjiang run --posterior``."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_process import longjiang

from longjiang_abm.calibrate import abc_smc, observed, posterior, priors
from longjiang_abm.calibrate.abc_smc import Budget
from longjiang_abm.calibrate.command import RECOVERY_TRUTH
from longjiang_abm.calibrate.statistics import run_statistics


def test_statistics_cover_the_record_and_repeat_exactly():
    values = {"environment.migration_response": 0.1}
    a = run_statistics(values, n_firms=1500)
    assert set(s.name for s in observed.STATISTICS) <= set(a)
    assert a == run_statistics(values, n_firms=1500)  # the seed is a hash of the parameters
    assert a != run_statistics({"environment.migration_response": 0.2}, n_firms=1500)
    assert all(s.se > 0 for s in observed.STATISTICS)


def test_priors_lie_inside_the_schema_and_cite_a_source():
    priors.check_schema()
    for p in priors.CANDIDATES:
        assert p.source and p.lower <= priors.baseline_value(p.key) <= p.upper


def test_a_resumed_run_continues_after_its_last_generation(tmp_path):
    db = tmp_path / "abc.db"
    pri = [priors.BY_KEY["environment.migration_response"]]
    run2 = abc_smc.run(db, pri, Budget(12, 2, 10_000, 2), abc_smc.make_sampler(1), n_firms=1000)
    first = run2.get_population(0).particles
    sims = run2.total_nr_simulations
    run3 = abc_smc.run(db, pri, Budget(12, 3, 10_000, 2), abc_smc.make_sampler(1), n_firms=1000)
    assert run3.n_populations == 3 and run3.total_nr_simulations > sims
    again = run3.get_population(0).particles  # the first generation is kept, not redone
    assert [dict(p.parameter) for p in again] == [dict(p.parameter) for p in first]
    done = abc_smc.run(db, pri, Budget(12, 3, 10_000, 2), abc_smc.make_sampler(1), n_firms=1000)
    assert done.total_nr_simulations == run3.total_nr_simulations  # nothing repeated


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    d = tmp_path_factory.mktemp("cal")
    args = ["calibrate", "--budget", "tiny", "--firms", "2000", "--workers", "1"]
    args += ["--folder", str(d / "work"), "--out", str(d / "post.parquet")]
    args += ["--docs", str(d / "calibration.md"), "--predictive", "4"]
    from longjiang_abm.calibrate.report import BEGIN, END

    hand = "# Calibration\n\nhand-written text stays\n\n"
    (d / "calibration.md").write_text(hand + BEGIN + "\nold\n" + END + "\n\nand after\n")
    p = longjiang(*args)
    assert p.returncode == 0, p.stderr[-3000:]
    return d, args


def test_a_calibration_that_reached_its_tolerance_is_not_extended(tmp_path, monkeypatch):
    monkeypatch.setattr(abc_smc, "EPSILON_TARGET", 1e9)  # reached by the first generation
    db, pri = tmp_path / "abc.db", [priors.BY_KEY["environment.migration_response"]]
    first = abc_smc.run(db, pri, Budget(12, 3, 10_000, 2), abc_smc.make_sampler(1), n_firms=1000)
    assert first.n_populations == 1
    again = abc_smc.run(db, pri, Budget(12, 3, 10_000, 2), abc_smc.make_sampler(1), n_firms=1000)
    assert again.n_populations == 1
    assert again.total_nr_simulations == first.total_nr_simulations


def test_the_single_core_sampler_repeats_exactly(tmp_path):
    pri = [priors.BY_KEY["environment.migration_response"]]
    runs = []
    for name in ("a.db", "b.db"):
        h = abc_smc.run(
            tmp_path / name, pri, Budget(12, 2, 10_000, 2), abc_smc.make_sampler(1, seed=3),
            n_firms=1000,
        )  # fmt: skip
        runs.append(posterior.particles(h))
    pd.testing.assert_frame_equal(runs[0], runs[1])


def test_recovery_on_synthetic_data(calibrated):
    """One run at known values is the record; the estimation (run by ``calibrate``, cached in
    its folder) must find them: each inside its 90% interval, and the posterior at most half as
    wide as the prior (both are identified: migration by the population's fall, the services
    trend by GDP growth)."""
    d, _ = calibrated
    s = pd.read_csv(d / "work" / "recovery.csv", index_col=0)
    assert sorted(s.index) == sorted(RECOVERY_TRUTH)
    assert s["covered"].all(), s
    assert (s["sd / prior sd"] < 0.5).all(), s


def test_calibrate_writes_the_posterior_and_the_docs(calibrated):
    d, _ = calibrated
    frame, meta = posterior.read(d / "post.parquet")
    assert len(frame) == abc_smc.BUDGETS["tiny"].population
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert meta["estimated"] and set(meta["estimated"]) <= set(frame.columns)
    assert meta["commit"] is not None and meta["budget"] == "tiny" and meta["n_firms"] == 2000
    assert all(f"stat.{s}" in frame.columns for s in observed.USED)
    for k in meta["estimated"]:  # inside the prior's support
        p = priors.BY_KEY[k]
        assert frame[k].between(p.lower, p.upper).all()
    doc = (d / "calibration.md").read_text()
    assert doc.startswith("# Calibration\n\nhand-written text stays")
    assert doc.endswith("\n\nand after\n") and "\nold\n" not in doc
    assert "**Posterior predictive checks**" in doc and "calibrate:end" in doc
    assert (d / "img" / "calibrate_marginals.png").stat().st_size > 10_000


def test_calibrate_resumes_without_repeating_and_refuses_another_configuration(calibrated):
    d, args = calibrated
    before = posterior.read(d / "post.parquet")
    p = longjiang(*args)  # the same command again: everything is already done
    assert p.returncode == 0, p.stderr[-3000:]
    after = posterior.read(d / "post.parquet")
    assert after[1]["simulations"] == before[1]["simulations"]
    pd.testing.assert_frame_equal(after[0], before[0])
    files = sorted(x.name for x in (d / "work").iterdir())
    other = [a if a != "2000" else "3000" for a in args]  # another population
    p = longjiang(*other)
    assert p.returncode == 2 and "another configuration (n_firms)" in p.stderr
    assert sorted(x.name for x in (d / "work").iterdir()) == files


def test_run_with_a_posterior_records_the_drawn_parameters(calibrated, tmp_path):
    d, _ = calibrated
    post = d / "post.parquet"
    drawn = {}
    for seed in (1, 2):
        out = tmp_path / f"r{seed}"
        p = longjiang("run", "--posterior", str(post), "--seed", str(seed), "--firms", "600",
                      "--years", "1", "--out", str(out), "--quiet")  # fmt: skip
        assert p.returncode == 0, p.stderr
        meta = json.loads((out / "run.json").read_text())
        drawn[seed] = meta["posterior"]
        assert drawn[seed].pop("set_instead") == []
        assert drawn[seed] == posterior.draw(post, seed)  # a seed always draws the same set
        for key, value in drawn[seed]["parameters"].items():
            section, name = key.split(".")
            assert meta["scenario"][section][name] == value
    key = next(iter(drawn[1]["parameters"]))  # --set wins over the draw, and run.json says so
    value = (priors.BY_KEY[key].lower + priors.BY_KEY[key].upper) / 2
    out = tmp_path / "set"
    p = longjiang("run", "--posterior", str(post), "--seed", "1", "--firms", "600", "--years",
                  "1", "--out", str(out), "--quiet", "--set", f"{key}={value!r}")  # fmt: skip
    assert p.returncode == 0, p.stderr
    meta = json.loads((out / "run.json").read_text())
    assert meta["posterior"]["set_instead"] == [key]
    section, name = key.split(".")
    assert meta["scenario"][section][name] == value
    frame, _ = posterior.read(post)
    picks = {posterior.draw(post, s)["particle"] for s in range(40)}
    assert len(picks) > 1  # seeds draw different particles


def test_bad_posterior_files_are_refused_with_their_name(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    p = longjiang("run", "--posterior", str(bad), "--firms", "600", "--years", "1",
                  "--out", str(tmp_path / "o"))  # fmt: skip
    assert p.returncode == 2 and "bad.parquet: not a posterior file" in p.stderr
    assert not (tmp_path / "o").exists()
    plain = tmp_path / "plain.parquet"
    pd.DataFrame({"weight": [1.0]}).to_parquet(plain)
    p = longjiang("run", "--posterior", str(plain), "--out", str(tmp_path / "o"))
    assert p.returncode == 2 and "plain.parquet" in p.stderr


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--firms", "10"], "--firms 10: allowed range 1000 to 1000000"),
        (["--workers", "0"], "--workers 0: allowed range 1 to 4096"),
        (["--executor", "dask"], "--executor dask needs --scheduler"),
        (["--docs", "/nonexistent/x.md"], "--docs /nonexistent/x.md: folder"),
        (["--docs", "README.md"], "--docs README.md: has no calibrate section"),
        (["--out", "README.md"], "--out README.md: exists and is not a posterior file"),
        (["--scheduler", "tcp://x:1"], "--scheduler is only used with --executor dask"),
    ],
)
def test_calibrate_bad_arguments_exit_2_before_any_work(flags, message, tmp_path):
    root = Path(__file__).resolve().parents[1]
    p = longjiang("calibrate", "--folder", str(tmp_path / "w"), *flags, cwd=root)
    assert p.returncode == 2 and message in p.stderr
    assert not (tmp_path / "w").exists()


def test_posterior_summary_weights():
    frame = pd.DataFrame({"weight": [0.0, 1.0, 0.0], "a": [1.0, 2.0, 3.0]})
    s = posterior.summary(frame, ["a"])
    assert s.loc["a", "mean"] == 2.0 and s.loc["a", "sd"] == 0.0
    assert np.isclose(s.attrs["ess"], 1.0)


def test_ensembles_draw_one_parameter_set_per_seed_for_every_scenario(calibrated):
    from longjiang_abm.ensemble import run_ensemble, uncertainty

    d, _ = calibrated
    post = d / "post.parquet"
    params = Path(__file__).resolve().parents[1] / "params"
    scenarios = [params / "baseline.toml", params / "equal_treatment.toml"]
    runs = run_ensemble(scenarios, [1, 2], 1, 600, 1, post)
    assert set(runs["particle"]) == {posterior.draw(post, s)["particle"] for s in (1, 2)}
    paired = runs.groupby("seed")["particle"].nunique()
    assert (paired == 1).all()  # the scenarios of a seed share its draw: paired differences
    assert "parameter uncertainty" in uncertainty(post) and "seed uncertainty only" in (
        uncertainty(None)
    )


def test_calibrate_runs_on_the_sweeps_dask_executor(tmp_path):
    """The cluster path: pyabc's Dask sampler on a LocalCluster of the sweeps' executors (the
    same code opens SLURM / PBS worker jobs through dask-jobqueue)."""
    args = ["calibrate", "--budget", "tiny", "--firms", "2000", "--executor", "local"]
    args += ["--workers", "2", "--folder", str(tmp_path / "w"), "--docs", "none"]
    args += ["--out", str(tmp_path / "post.parquet"), "--predictive", "2"]
    p = longjiang(*args)
    assert p.returncode == 0, p.stderr[-3000:]
    frame, meta = posterior.read(tmp_path / "post.parquet")
    assert "local cluster of 2 workers" in meta["sampler"]
    assert len(frame) == abc_smc.BUDGETS["tiny"].population and "recovery" not in meta
