"""Mesa's own tools on the model: DataCollector, batch_run, seeds, constructor parameters,
SolaraViz (mesa_api.py). Runs on Mesa 3.3 (Python 3.11) and Mesa 3.5 (Python 3.12+)."""

from __future__ import annotations

import inspect

import mesa
import numpy as np
import pandas as pd
import pytest

from longjiang_abm import LongjiangModel, run
from longjiang_abm.agents import Firm
from longjiang_abm.metrics import KPI_COLUMNS
from longjiang_abm.params import ScenarioError, load_scenario

N = 400


def test_datacollector_reports_the_kpis_from_the_records():
    m = LongjiangModel(seed=3, n_firms=N)
    assert isinstance(m.datacollector, mesa.DataCollector) and m.running
    for _ in range(8):
        m.step()
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == 8 and set(KPI_COLUMNS) <= set(df.columns)
    q = m.quarterly_frame()
    # money flows: the quarter's record in 100m yuan; the annual table sums them
    np.testing.assert_allclose(df["gdp"].to_numpy(), q["gdp"].to_numpy() / 1e4)
    np.testing.assert_allclose(df["secondary_share"], q["secondary_share"])
    k = m.kpis()
    np.testing.assert_allclose(df.groupby("year")["gdp"].sum(), k["gdp"])
    # year-end KPIs: unknown before the first year closes, then the last year's value
    assert df["above_scale_firms"].iloc[:3].isna().all()
    assert list(df["above_scale_firms"].iloc[3:7]) == [k["above_scale_firms"].iloc[0]] * 4
    assert df["above_scale_firms"].iloc[7] == k["above_scale_firms"].iloc[1]
    g = df["gdp_growth"]
    assert g.iloc[:4].isna().all() and g.iloc[4] == pytest.approx(
        q["gdp"].iloc[4] / q["gdp"].iloc[0] - 1.0
    )


def test_running_stops_at_the_scenario_horizon():
    m = LongjiangModel(seed=1, n_firms=N, run_years=1)
    steps = 0
    while m.running:
        m.step()
        steps += 1
        assert steps <= 4
    assert steps == 4 and m.quarter == 4


def test_seed_convention():
    a, b = LongjiangModel(n_firms=N), LongjiangModel(n_firms=N)
    assert a.seed != b.seed  # None draws a fresh seed each time, recorded in model.seed
    c = LongjiangModel(seed=a.seed, n_firms=N)
    d = LongjiangModel(rng=a.seed, n_firms=N)  # Mesa 3.5's name
    for m in (a, c, d):
        m.step()
    assert a.records == c.records == d.records
    with pytest.raises(ValueError, match="not both"):
        LongjiangModel(seed=1, rng=2, n_firms=N)
    with pytest.raises(ValueError, match="non-negative"):
        LongjiangModel(seed=-1, n_firms=N)


def test_scenario_keys_as_keyword_arguments():
    m = LongjiangModel(seed=1, n_firms=N, policy_ownership_neutrality=0.75, run_years=3)
    ref = load_scenario(overrides=["policy.ownership_neutrality=0.75", "run.years=3"])
    assert m.params.policy.ownership_neutrality == 0.75 and m.params.run.years == 3
    assert m.params == ref.model_copy(update={"run": m.params.run})
    with pytest.raises(TypeError, match="section_key=value"):
        LongjiangModel(n_firms=N, neutrality=1.0)
    with pytest.raises(ScenarioError, match="no key 'neutrality'"):
        LongjiangModel(n_firms=N, policy_neutrality=1.0)
    with pytest.raises(ScenarioError, match="ownership_neutrality"):
        LongjiangModel(n_firms=N, policy_ownership_neutrality=3.0)  # out of range


def _seeds(parameters: dict, seeds: list) -> dict:
    """batch_run's arguments for these seeds: Mesa 3.5 takes ``rng=[...]`` (and overrides a
    ``seed`` parameter with it); Mesa 3.3 has no ``rng`` and sweeps ``seed`` as a parameter."""
    if "rng" in inspect.signature(mesa.batch_run).parameters:
        return {"parameters": parameters, "rng": seeds}
    return {"parameters": {**parameters, "seed": seeds}}


def test_batch_run_over_a_lever_and_two_seeds():
    rows = mesa.batch_run(
        LongjiangModel,
        **_seeds({"n_firms": N, "policy_ownership_neutrality": [0.0, 1.0]}, [11, 12]),
        max_steps=4,
        number_processes=1,
        data_collection_period=1,
        display_progress=False,
    )
    df = pd.DataFrame(rows)
    last = df[df["quarter"] == 4]  # (Mesa 3.3 runs max_steps + 1 quarters)
    assert len(last) == 4, df[["RunId", "quarter"]]
    by = last.set_index(["seed", "policy_ownership_neutrality"])["private_output_share"]
    assert by.index.is_unique
    for seed in (11, 12):  # the lever changes the run; each seed is a different run
        assert by[(seed, 0.0)] != by[(seed, 1.0)]
    for lever in (0.0, 1.0):
        assert by[(11, lever)] != by[(12, lever)]
    # a batch row is the run the same arguments give directly
    m = LongjiangModel(seed=12, n_firms=N, policy_ownership_neutrality=1.0)
    for _ in range(4):
        m.step()
    assert by[(12, 1.0)] == m.datacollector.model_vars["private_output_share"][-1]


def test_batch_run_without_seeds_draws_different_ones():
    kwargs = dict(parameters={"n_firms": N}, max_steps=1, number_processes=1)
    kwargs["display_progress"] = False
    if "rng" in inspect.signature(mesa.batch_run).parameters:
        rows = mesa.batch_run(LongjiangModel, rng=[None, None], **kwargs)
    else:  # Mesa 3.3: iterations
        rows = mesa.batch_run(LongjiangModel, iterations=2, **kwargs)
    df = pd.DataFrame(rows)
    last = df.groupby("RunId").last()
    assert last["gdp"].nunique() == 2


def test_firm_step_says_where_firms_act():
    m = LongjiangModel(seed=1, n_firms=50)
    with pytest.raises(NotImplementedError, match="model.step"):
        m.agents_by_type[Firm].do("step")


def test_run_keeps_its_explicit_seed():
    a = run(seed=0, years=1, n_firms=N)
    b = run(years=1, n_firms=N)
    pd.testing.assert_frame_equal(a.kpis, b.kpis)


def test_solaraviz_builds_on_the_model():
    from mesa.visualization import SolaraViz, make_plot_component

    m = LongjiangModel(seed=1, n_firms=N)
    page = SolaraViz(
        m,
        components=[make_plot_component(["secondary_share", "private_output_share"])],
        model_params={
            "n_firms": N,
            "policy_ownership_neutrality": {
                "type": "SliderFloat",
                "value": 0.0,
                "min": 0.0,
                "max": 1.0,
                "step": 0.1,
                "label": "ownership neutrality",
            },
        },
        name="Longjiang",
    )
    import ipyvuetify as v
    import solara

    # SolaraViz puts its controls in the app's sidebar: render it in an AppLayout (as a page)
    box, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
    step = rc.find(v.Btn, children=["Step"])
    step.assert_single()
    step.widget.click()  # SolaraViz's own Step button runs model.step()
    step.widget.click()
    assert m.quarter == 2
    assert len(m.datacollector.model_vars["secondary_share"]) == 2
    rc.close()


def test_finished_models_are_freed_and_agent_ids_count_per_model():
    """Mesa 3.3's Agent._ids held every model that made an agent (Mesa issue #3179): a
    process running many models (estimation, sweeps) grew by ~20 MB a run. Models are now
    garbage-collected once unreferenced, and each model's agent ids still start at 1."""
    import gc
    import weakref

    refs, first_ids = [], []
    for seed in (1, 2):
        m = LongjiangModel(seed=seed, n_firms=300, check_accounts=False)
        m.step()
        first_ids.append(min(a.unique_id for a in m.agents))
        refs.append(weakref.ref(m))
        del m
    gc.collect()
    assert [r() for r in refs] == [None, None]
    assert first_ids == [1, 1]


def test_a_copied_model_branches_from_the_same_state():
    """``copy.deepcopy`` (and pickle) of a running model: the copy continues exactly as the
    original would, shares no array with it, its Firm agents (also those made before the copy)
    belong to it; a lever held on the copy changes the copy alone, and copying leaves the
    original as a model never copied. The draws are counters, not a stream, so the branches
    draw the same numbers for the same firm and quarter (common random numbers)."""
    import copy
    import pickle

    from longjiang_abm.state import FIRM_COLUMNS

    def state(model):
        f = model.firms
        cols = {k: getattr(f, k)[: f.n].copy() for k in FIRM_COLUMNS}
        return cols, model.datacollector.get_model_vars_dataframe()

    def same(a, b):
        (ca, da), (cb, db) = a, b
        return da.equals(db) and all(np.array_equal(ca[k], cb[k], equal_nan=True) for k in ca)

    untouched = LongjiangModel(seed=5, n_firms=N)
    m = LongjiangModel(seed=5, n_firms=N)
    for _ in range(3):
        m.step()
        untouched.step()
    made = list(m.agents_by_type[Firm])[:3]  # agents made before the copy
    c = copy.deepcopy(m)
    p = pickle.loads(pickle.dumps(m))
    assert not np.shares_memory(c.firms.K, m.firms.K)
    assert all(a.model is c for a in list(c.agents_by_type[Firm])[:3])
    assert [a.unique_id for a in list(c.agents_by_type[Firm])[:3]] == [a.unique_id for a in made]
    branch = copy.deepcopy(m)
    branch.hold_levers(m.params.policy.model_copy(update={"ownership_neutrality": 1.0}))
    assert m.params.policy.ownership_neutrality != 1.0  # a real change of lever
    for _ in range(5):
        for model in (m, c, p, branch, untouched):
            model.step()
    assert same(state(c), state(m)) and same(state(p), state(m))
    assert same(state(m), state(untouched))
    assert not same(state(branch), state(m))
    assert all(a.model is m for a in made)
    for model in (c, p, branch):  # agents made on a copy take ids of their own
        ids = [a.unique_id for a in model.agents]
        assert len(ids) == len(set(ids)) == len(model.agents)


def test_selections_of_the_models_agent_sets_are_ordinary_agent_sets():
    """``select``, ``groupby``, ``shuffle`` and ``sort`` on ``model.agents`` and on
    ``agents_by_type[...]`` (sets built from a table or from the per-type sets) give ordinary
    Mesa AgentSets on Mesa 3.3 and 3.5 (whose ``select`` builds ``type(self)(agents, random)``);
    in place, the registry refuses."""
    m = LongjiangModel(seed=2, n_firms=N)
    firms = m.agents_by_type[Firm]
    for s in (m.agents, firms):
        for sel in (
            s.select(),
            s.select(lambda a: isinstance(a, Firm), at_most=5),
            s.select(agent_type=Firm, at_most=0.5),
            s.shuffle(),
            s.sort(lambda a: a.unique_id),
        ):
            assert type(sel) is mesa.agent.AgentSet and len(sel) > 0
        with pytest.raises(TypeError):
            s.select(at_most=2, inplace=True)
    assert len(m.agents.select(agent_type=Firm)) == len(firms) == m.firms.n_alive
    assert len(firms.select(at_most=5)) == 5
    groups = firms.groupby("sector")
    assert sum(len(g) for g in groups.groups.values()) == len(firms)
    assert len(m.agents.groupby(type).groups[Firm]) == len(firms)
