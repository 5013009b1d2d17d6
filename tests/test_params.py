from pathlib import Path

import pytest

from longjiang_abm import Scenario, ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_baseline_file_spells_out_the_packaged_defaults():
    assert load_scenario(ROOT / "params" / "baseline.toml") == Scenario(), (
        "params/baseline.toml is out of date: run write_baseline() (see its header)"
    )
    assert load_scenario() == Scenario()


def test_every_number_has_bounds_and_a_description():
    sections = [
        f.annotation for n, f in Scenario.model_fields.items() if n not in ("name", "description")
    ]
    for section in sections:
        for name, field in section.model_fields.items():
            assert field.description, f"{section.__name__}.{name} lacks a description"
            if field.annotation in (int, float):
                bounds = [m for m in field.metadata if hasattr(m, "ge") or hasattr(m, "le")]
                assert len(bounds) == 2, f"{section.__name__}.{name} lacks bounds"


def test_scenario_is_frozen():
    sc = Scenario()
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError
        sc.policy.ownership_neutrality = 1.0


def test_unknown_key_is_named(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[policy]\nownership_neutrallity = 1.0\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert str(path) in msg and "policy.ownership_neutrallity" in msg
    assert "ownership_neutrality" in msg  # the allowed keys are listed


def test_out_of_range_value_names_key_and_range(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[policy]\npark_coconstruction = 1.7\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    msg = str(err.value)
    assert "policy.park_coconstruction" in msg and "0.0 to 1.0" in msg and "1.7" in msg


def test_syntax_error_and_missing_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[policy\n")
    with pytest.raises(ScenarioError, match="TOML syntax error"):
        load_scenario(path)
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "missing.toml")


def test_overrides_and_schedule():
    sc = load_scenario(
        overrides=["run.years=3", "policy.schedule=[{year=2021, ownership_neutrality=1.0}]"]
    )
    assert sc.run.years == 3
    assert sc.policy.at_year(2020).ownership_neutrality == 0.0
    assert sc.policy.at_year(2021).ownership_neutrality == 1.0
    with pytest.raises(ScenarioError, match="increase"):
        load_scenario(overrides=["policy.schedule=[{year=2022}, {year=2021}]"])


def test_to_toml_round_trips(tmp_path):
    from longjiang_abm.params import to_toml

    sc = load_scenario(
        overrides=["name=x", "policy.schedule=[{year=2022, park_coconstruction=0.5}]"]
    )
    path = tmp_path / "x.toml"
    path.write_text(to_toml(sc, "a header"))
    assert load_scenario(path) == sc
