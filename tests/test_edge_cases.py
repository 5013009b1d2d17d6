"""Named extreme-but-valid scenarios: every firm exits, one firm, no parks, every firm in one
park, every lever (and every parameter) at its lower and at its upper bound, and a population of
1,000,000 firms. Each runs with the accounting identities checked every quarter and the
invariants of tests/model_invariants.py (finite columns and KPIs, shares in [0, 1], Mesa agents
= living rows).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from model_invariants import check_kpis, simulate
from pydantic import BaseModel

from longjiang_abm import LongjiangModel, run
from longjiang_abm.agents import Firm
from longjiang_abm.params import PolicyLevers, Scenario, validate_scenario
from longjiang_abm.sectors import read_table

pytestmark = pytest.mark.timeout(600)

ALL_EXIT = {
    "firms": {"exit_hazard_q": 0.5, "exit_hazard_floor_q": 0.5, "distress_loss_quarters": 1},
    "entry": {"entry_rate_q": 0.0},
    "environment": {"national_industry_growth": -0.2},
    "finance": {"bailout_central_soe": 0.0, "bailout_local_soe": 0.0},
}


def outside_bounds(data: dict) -> Scenario:
    """A scenario with values beyond the schema's (plausible) bounds, built without validation:
    the model must still run on them (nothing in the code relies on the bounds)."""
    sc = Scenario()
    update = {name: getattr(sc, name).model_copy(update=values) for name, values in data.items()}
    return sc.model_copy(update=update)


def test_every_firm_exits_and_the_model_runs_on_with_zero_firms():
    """Documented behaviour (docs/reliability.md): the province keeps its primary, tertiary and
    construction value added; industry KPIs are 0, ratios with a zero denominator are 0."""
    model = LongjiangModel(outside_bounds(ALL_EXIT), seed=1, n_firms=300)
    simulate(model, 40)
    assert model.firms.n_alive == 0
    assert len(model.agents_by_type.get(Firm, [])) == 0
    k = model.kpis()
    last = k.iloc[-1]
    assert last["firms_total"] == 0 and last["industrial_va"] == 0 and last["employment"] == 0
    assert last["avg_wage"] == 0 and last["soe_output_share"] == 0
    assert last["gdp"] > 0  # primary, construction and tertiary go on
    assert 0 <= last["secondary_share"] < k["secondary_share"].iloc[0]


def test_every_firm_exits_and_gdp_is_zero_too():
    """No firms and no other sector calibrated in 2018: industry's value added is zero and
    every KPI is still finite; what is left of GDP is the services that the government and
    households still buy (the closed economy)."""
    data = {
        **ALL_EXIT,
        "calibration": {"primary_va_2018": 0.0, "tertiary_va_2018": 0.0,
                        "construction_va_2018": 0.0},
        "fiscal": {"park_funds_local": 0.0, "park_funds_province_max": 0.0},
    }  # fmt: skip
    model = LongjiangModel(outside_bounds(data), seed=2, n_firms=120)
    simulate(model, 40)
    k = model.kpis()
    assert model.firms.n_alive == 0 and k["industrial_va"].iloc[-1] == 0
    assert k["gdp"].iloc[-1] == k["tertiary_va"].iloc[-1] + k["primary_va"].iloc[-1]
    assert np.isfinite(k.select_dtypes("number").to_numpy()).all()


@pytest.mark.parametrize("backend", ["numba", "python"])
def test_one_firm(backend):
    model = LongjiangModel(seed=5, n_firms=1, backend=backend)
    assert model.firms.n_alive == 1 and len(model.agents_by_type[Firm]) == 1
    simulate(model, 40)


def _tables(tmp_path, parks: str, park: str):
    d = tmp_path / "tables"
    d.mkdir()
    (d / "parks.csv").write_text(parks)
    bb = read_table("backbone_firms.csv")
    bb["park"] = park
    bb.to_csv(d / "backbone_firms.csv", index=False)
    return str(d)


PARKS_HEADER = "key,name,prefecture,level,chain,land_capacity,infrastructure\n"


def test_no_parks(tmp_path):
    d = _tables(tmp_path, PARKS_HEADER, "")
    data = {"tables": {"dir": d}, "policy": {"park_coconstruction": 1.0}}
    model = LongjiangModel(validate_scenario(data), seed=3, n_firms=400)
    assert len(model.parks) == 0 and (model.firms.col("park") == -1).all()
    simulate(model, 40)
    assert model.kpis()["parks_10bn"].eq(0).all()
    assert model.government.park_funds == 0


def test_every_firm_in_one_park(tmp_path):
    """A province of one prefecture with one park: every firm starts in it."""
    d = _tables(tmp_path, PARKS_HEADER + "only,The only park,Harbin,national,equipment,1e9,1.0\n",
                "only")  # fmt: skip
    pref = read_table("prefectures.csv").iloc[:1].assign(industry_weight=1.0)
    pref.to_csv(tmp_path / "tables" / "prefectures.csv", index=False)
    sp = read_table("sector_prefecture.csv")[["sector", "Harbin"]].assign(Harbin=1.0)
    sp.to_csv(tmp_path / "tables" / "sector_prefecture.csv", index=False)
    bb = read_table("backbone_firms.csv").assign(prefecture="Harbin", park="only")
    bb.to_csv(tmp_path / "tables" / "backbone_firms.csv", index=False)
    data = {
        "tables": {"dir": d},
        "calibration": {"park_share": 1.0},
        "entry": {"choice_outside_park": -10.0},  # beyond the plausible range
    }
    sc = outside_bounds({k: v for k, v in data.items() if k != "tables"})
    sc = sc.model_copy(update={"tables": validate_scenario({"tables": data["tables"]}).tables})
    model = LongjiangModel(sc, seed=3, n_firms=400)
    assert len(model.parks) == 1 and (model.firms.col("park") == 0).all()
    simulate(model, 40)
    park = model.firms.col("park")[model.firms.alive_rows()]
    assert np.mean(park == 0) > 0.9  # entrants may still choose to stay outside


def _at_bounds(model: type[BaseModel], which: str) -> dict:
    out = {}
    for name, field in model.model_fields.items():
        if field.annotation in (int, float):
            lo = next(m.ge for m in field.metadata if hasattr(m, "ge"))
            hi = next(m.le for m in field.metadata if hasattr(m, "le"))
            out[name] = lo if which == "lower" else hi
    return out


@pytest.mark.parametrize("which", ["lower", "upper"])
def test_every_lever_at_its_bound(which):
    data = {"policy": _at_bounds(PolicyLevers, which)}
    model = LongjiangModel(validate_scenario(data), seed=11, n_firms=2000)
    simulate(model, 40)


@pytest.mark.parametrize("which", ["lower", "upper"])
def test_every_parameter_at_its_bound(which):
    """The corners of the whole parameter space (population and years excepted)."""
    data = {}
    for name, field in Scenario.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel) and name not in ("run", "tables"):
            data[name] = _at_bounds(PolicyLevers if name == "policy" else ann, which)
    data["environment"]["backbone_shock_year"] = 2020 if which == "lower" else 2021
    model = LongjiangModel(validate_scenario(data), seed=12, n_firms=500)
    simulate(model, 40)


def test_extreme_runs_are_saved_and_reread(tmp_path):
    """The zero-firm end state goes through the result files like any other."""
    result = run(outside_bounds(ALL_EXIT), seed=1, years=4, n_firms=200)
    result.save(tmp_path / "res")
    firms = pd.read_parquet(tmp_path / "res" / "firms.parquet")
    assert len(firms) == 0
    kpis = pd.read_csv(tmp_path / "res" / "kpis.csv")
    assert np.isfinite(kpis.select_dtypes("number").to_numpy()).all()


MILLION = """
import json, sys
sys.path.insert(0, {tests!r})
from model_invariants import check_quarter
from longjiang_abm import LongjiangModel
m = LongjiangModel(seed=1, n_firms=1_000_000)
n0 = m.firms.n_alive
m.step()
check_quarter(m)  # one quarter: no complete year for the annual KPIs yet
# the peak of this process's own memory (VmHWM): ru_maxrss also counts the pytest process's
# resident set at the fork that started this one
try:
    with open("/proc/self/status") as status:
        rss = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM"))
except OSError:  # no /proc (macOS): ru_maxrss, in bytes there
    import resource
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"n0": n0, "n1": m.firms.n_alive, "agents": len(m.agents),
                  "capacity": m.firms.capacity, "peak_rss": rss}}))
"""


@pytest.mark.slow
def test_a_million_firms_are_created_and_stepped_once():
    """In its own process so that the peak memory measured is this model's."""
    code = MILLION.format(tests=str(__import__("pathlib").Path(__file__).parent))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    res = json.loads(p.stdout.strip().splitlines()[-1])
    assert res["n0"] == 1_000_000
    assert 0.9e6 < res["n1"] < 1.1e6
    assert res["agents"] >= res["n1"]  # Firm agents + parks, government, bank
    # memory is sane: the firm table is ~60 float64/int64 columns (~0.5 kB a firm at its
    # capacity) plus one small Mesa agent per firm; well under 1.5 kB a firm in all
    assert res["peak_rss"] < 1500 * res["capacity"] + 600e6, res


def test_check_kpis_is_not_vacuous():
    """The invariants catch a NaN in a KPI (so the tests above can fail)."""
    model = LongjiangModel(seed=1, n_firms=100)
    for _ in range(4):
        model.step()
    model.records[-1]["profits"] = float("nan")
    with pytest.raises(AssertionError, match="profits"):
        check_kpis(model)
