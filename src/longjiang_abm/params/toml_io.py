"""Scenario files: reading TOML as data, ``--set`` overrides, loading, writing commented TOML."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ScenarioError
from .overrides import apply_overrides
from .schema import Scenario, _allowed_range, _describe_error


def validate_scenario(data: dict, source: str = "<scenario>") -> Scenario:
    """Build a Scenario from nested dict ``data``; raise ScenarioError naming file and key."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        lines = [_describe_error(e, source) for e in exc.errors()]
        raise ScenarioError("\n".join(lines)) from None
    if scenario.tables.dir:
        from ..table_checks import check_tables

        try:
            check_tables(scenario.tables.dir)
        except ScenarioError as exc:
            raise type(exc)(f"{source}: key 'tables.dir': {exc}") from None
    return scenario


def resolve_tables_dir(data: dict, path: Path) -> dict:
    """``data`` with a relative ``[tables] dir`` made relative to the scenario file's folder."""
    tables = data.get("tables")
    if isinstance(tables, dict) and isinstance(tables.get("dir"), str) and tables["dir"]:
        d = Path(tables["dir"]).expanduser()
        if not d.is_absolute():
            d = (path.parent / d).resolve()
        data = {**data, "tables": {**tables, "dir": str(d)}}
    return data


def read_toml(path: str | Path, kind: str = "scenario") -> dict:
    """Read a TOML ``kind`` file (scenario, sweep) as data: nothing in it is executed."""
    path = Path(path)
    if path.is_dir():
        raise ScenarioError(f"{path}: is a folder; expected a {kind} TOML file")
    if not path.is_file():
        raise ScenarioError(f"{path}: {kind} file not found")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: TOML syntax error: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: nested too deeply to be a {kind} file") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {exc.start}); expected TOML") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read ({exc.strerror})") from None


def load_scenario(path: str | Path | None = None, overrides: list[str] | None = None) -> Scenario:
    """Load a scenario TOML file (None = the packaged baseline) with ``--set`` overrides."""
    data = resolve_tables_dir(read_toml(path), Path(path)) if path is not None else {}
    source = str(path) if path is not None else "<baseline>"
    if overrides:
        data = apply_overrides(data, overrides)
        source += " with --set " + " ".join(overrides)
    return validate_scenario(data, source)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return repr(v)


def to_toml(sc: Scenario, header: str = "") -> str:
    """A scenario as a commented TOML file (every key with its meaning and allowed range)."""
    lines = [f"# {h}" if h else "#" for h in header.splitlines()]
    lines += [f"name = {_toml_value(sc.name)}", f"description = {_toml_value(sc.description)}"]
    for sec_name in Scenario.model_fields:
        if sec_name in ("name", "description"):
            continue
        sec = getattr(sc, sec_name)
        lines += ["", f"[{sec_name}]"]
        for key, fld in type(sec).model_fields.items():
            if key == "schedule":
                continue
            rng = _allowed_range((sec_name, key))
            lines.append(f"# {fld.description}" + (f" [{rng}]" if rng else ""))
            lines.append(f"{key} = {_toml_value(getattr(sec, key))}")
    for entry in sc.policy.schedule:
        lines += ["", "[[policy.schedule]]"]
        for key, value in entry.model_dump(exclude_none=True).items():
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


BASELINE_HEADER = """Baseline: 2018 practice continued.
The packaged default scenario, spelled out: every value here equals the schema default
(tests/test_params.py checks it; regenerate with
  uv run python -c "from longjiang_abm.params import write_baseline; write_baseline()").
Copy this file to build a scenario of your own; unknown keys and out-of-range values are
rejected with the allowed range. Units: firm money in 10k yuan, provincial aggregates in
100m yuan, rates per year unless a name ends in _q (per quarter). Levers may change over
time, e.g.
  [[policy.schedule]]
  year = 2021
  ownership_neutrality = 1.0"""


def write_baseline(path: str | Path = "params/baseline.toml") -> None:
    """Write the schema defaults as the commented baseline scenario file."""
    Path(path).write_text(to_toml(Scenario(), BASELINE_HEADER))
