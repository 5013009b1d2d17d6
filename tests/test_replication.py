"""The park replication (experiments/replications/): the targeted co-construction key, the
prefecture panel built from a small run, and the DiD estimator on a synthetic panel."""

import numpy as np
import pandas as pd
import pytest

from longjiang_abm import load_scenario
from longjiang_abm.errors import ScenarioError
from longjiang_abm.model import LongjiangModel
from longjiang_abm.params import ParkTreatment
from longjiang_abm.replication import OUTCOMES, prefecture_panel, twfe_did


def _synthetic(effect: float, seed: int = 0) -> pd.DataFrame:
    """Staggered design like the script's: 13 units in 4 replications, 6 years, unit and
    replication-by-year effects, a known treatment effect and noise."""
    rng = np.random.default_rng(seed)
    rows = []
    start = {0: 2020, 1: 2020, 2: 2020, 3: 2021, 4: 2021, 5: 2021}
    for rep in range(4):
        year_fx = rng.normal(0, 0.1, 6)
        for u in range(13):
            unit_fx = rng.normal(0, 1.0)
            for i, y in enumerate(range(2019, 2025)):
                d = float(u in start and y >= start[u])
                rows.append(
                    {
                        "prefecture": f"p{u}",
                        "unit": f"{rep}:{u}",
                        "time": f"{rep}:{y}",
                        "treated": d,
                        "y": unit_fx + year_fx[i] + effect * d + rng.normal(0, 0.03),
                    }
                )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("effect", [0.0, 0.2])
def test_twfe_recovers_a_known_effect(effect):
    e = twfe_did(_synthetic(effect), "y", cluster="prefecture")
    assert e.lo < effect < e.hi
    assert abs(e.coef - effect) < 0.03
    assert e.n_clusters == 13 and e.n_obs == 4 * 13 * 6


def test_twfe_rejects_zero_when_the_effect_is_large():
    e = twfe_did(_synthetic(0.2, seed=1), "y", cluster="prefecture")
    assert e.lo > 0.0


def test_park_treatment_validation():
    with pytest.raises(ScenarioError, match="one year per prefecture"):
        load_scenario(overrides=['park_treatment.prefectures=["Jixi"]'])
    with pytest.raises(ScenarioError, match="listed once"):
        load_scenario(
            overrides=[
                'park_treatment.prefectures=["Jixi", "Jixi"]',
                "park_treatment.years=[2020, 2021]",
            ]
        )
    t = ParkTreatment(prefectures=("Jixi",), years=(2021,), coconstruction=0.5)
    keys = ["Harbin", "Jixi"]
    park_pref = np.array([0, 1, 1])
    assert list(t.intensity(park_pref, keys, 2020, 0.0)) == [0.0, 0.0, 0.0]
    assert list(t.intensity(park_pref, keys, 2021, 0.0)) == [0.0, 0.5, 0.5]
    assert list(t.intensity(park_pref, keys, 2021, 0.8)) == [0.8, 0.8, 0.8]
    with pytest.raises(ValueError, match="unknown prefecture"):
        ParkTreatment(prefectures=("Atlantis",), years=(2020,)).intensity(park_pref, keys, 2020, 0)


def test_treated_parks_get_the_fund_and_the_projects():
    sc = load_scenario(
        overrides=[
            "run.n_firms=3000",
            'park_treatment.prefectures=["Qiqihar", "Jixi"]',
            "park_treatment.years=[2019, 2020]",
            "fiscal.promotion_projects=20.0",
            # ordinary entrants small and not growing, so that the promoted projects (2bn yuan
            # of revenue, sd 0.5) are the only new firms above 1bn yuan
            "entry.entrant_size_rel=0.05",
            "firms.entrant_customer_base=1.0",
        ]
    )
    model = LongjiangModel(sc, seed=0, threads=1)
    panel = prefecture_panel(model, 2)
    assert set(OUTCOMES) <= set(panel.columns)
    assert len(panel) == 2 * len(model.prefectures)
    assert (panel[["output", "output_real", "employment", "firms"]] > 0).all().all()
    pk = model.parks
    treated = np.isin(pk.pref, [model.prefectures.keys.index(k) for k in ("Qiqihar", "Jixi")])
    assert (pk.coco[treated] == 1.0).all() and (pk.coco[~treated] == 0.0).all()
    assert (pk.funds_province[~treated] == 0.0).all() and (pk.funds_province[treated] > 0).all()
    # promoted projects (born after the start) sit only in treated parks
    f = model.firms
    rows = f.alive_rows()
    big = rows[(f.born[rows] > 0) & (f.rev_year[rows] > 100_000)]
    assert big.size > 0
    assert np.isin(f.park[big], np.flatnonzero(treated)).all()


def test_event_study_recovers_a_step():
    from longjiang_abm.replication import event_study

    d = _synthetic(0.2, seed=2)
    u = d["unit"].str.split(":").str[1].astype(int)
    d["start"] = u.map({0: 2020, 1: 2020, 2: 2020, 3: 2021, 4: 2021, 5: 2021})
    d["year"] = d["time"].str.split(":").str[1].astype(int)
    es = event_study(d, "y", cluster="prefecture").set_index("relative year")
    assert abs(es.loc[-2, "coef"]) < 0.05 and es.loc[-2, "lo"] < 0 < es.loc[-2, "hi"]
    for r in range(4):
        assert abs(es.loc[r, "coef"] - 0.2) < 0.05


def test_the_replication_script_runs_on_a_small_population():
    import importlib.util
    from pathlib import Path

    path = (
        Path(__file__).resolve().parents[1]
        / "experiments/replications/alder_shao_zilibotti_2016.py"
    )
    spec = importlib.util.spec_from_file_location("asz", path)
    asz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(asz)
    d = asz.build_panel(seeds=2, years=3, firms=2000, workers=1)
    assert len(d) == 2 * 3 * 13
    t = asz.table(d)
    assert list(t["outcome"]) == list(asz.LABELS.values())
    assert t["in-model estimate"].astype(float).notna().all()
