"""The whole scenario (every section) and the text of a validation error (key, range)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .base import _Section
from .economy import (
    CalibrationParams,
    EntryParams,
    EnvironmentParams,
    FirmParams,
    RunParams,
)
from .households import HouseholdParams
from .money import FinanceParams, FiscalParams, InstrumentParams
from .policy import ParkTreatment, PolicyLevers, PolicyParams, ScheduleEntry


class TablesParams(_Section):
    dir: str = Field(
        "",
        description="folder whose sectors.csv, prefectures.csv, sector_prefecture.csv, parks.csv "
        "or backbone_firms.csv replace the packaged tables ('' = the packaged tables; a "
        "relative path is relative to the scenario file)",
    )


class Scenario(_Section):
    name: str = Field(
        "baseline",
        pattern=r"^\w[\w.-]*$",
        max_length=100,
        description="scenario name, used in output folder names (letters, digits, _ . -; "
        "starting with a letter or digit)",
    )
    description: str = Field("2018 practice continued", description="what the scenario represents")
    run: RunParams = RunParams()
    environment: EnvironmentParams = EnvironmentParams()
    firms: FirmParams = FirmParams()
    entry: EntryParams = EntryParams()
    finance: FinanceParams = FinanceParams()
    fiscal: FiscalParams = FiscalParams()
    households: HouseholdParams = HouseholdParams()
    instruments: InstrumentParams = InstrumentParams()
    calibration: CalibrationParams = CalibrationParams()
    policy: PolicyParams = PolicyParams()
    park_treatment: ParkTreatment = ParkTreatment()
    tables: TablesParams = TablesParams()


def _describe_error(err: dict, source: str) -> str:
    key = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        known = _known_keys(err["loc"][:-1])
        return f"{source}: unknown key '{key}'" + (f"; allowed keys: {known}" if known else "")
    text = f"{source}: key '{key}': {err['msg'].removeprefix('Value error, ')}"
    if "input" in err and not isinstance(err["input"], dict | list | tuple):
        text += f" (got {err['input']!r})"
    allowed = _allowed_range(err["loc"])
    if allowed:
        text += f"; allowed range {allowed}"
    if err["type"] == "string_pattern_mismatch":
        text += "; allowed: letters, digits, '_', '.' and '-', starting with a letter or digit"
    return text


def _model_at(loc: tuple) -> Any:
    """The pydantic model class of the section at ``loc`` (None if not a section)."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return None
        if part == "schedule":
            model = ScheduleEntry
            continue
        ann = fields[part].annotation
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
    return model


def _known_keys(loc: tuple) -> str:
    model = _model_at(loc)
    return ", ".join(model.model_fields) if model is not None else ""


def _allowed_range(loc: tuple) -> str | None:
    """The allowed range of the field at ``loc`` in the Scenario schema, as text."""
    model = _model_at(loc[:-1])
    if model is ScheduleEntry and loc[-1] in PolicyLevers.model_fields:
        model = PolicyLevers
    field = getattr(model, "model_fields", {}).get(loc[-1]) if model is not None else None
    if field is None:
        return None
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
    if lo is None and hi is None:
        return None
    return f"{lo} to {hi}"
