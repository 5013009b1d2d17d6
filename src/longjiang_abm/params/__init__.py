"""Scenario parameters: a validated, frozen pydantic v2 schema read from TOML files.

Every number has bounds and a description giving its meaning and unit. Money in firm-level
parameters is in 10k yuan (万元); provincial aggregates are in 100m yuan (亿元). Rates are per year
unless the name ends in ``_q`` (per quarter) or its description says "per quarter" or
"quarterly" (docs/units.md lists them). The schema's defaults ARE the packaged baseline
scenario ("2018 practice continued"); ``params/baseline.toml`` spells the same values out.

The package: ``base`` (strict field helpers), ``economy``, ``money``, ``households`` and
``policy`` (the
sections), ``schema`` (the whole Scenario, error texts), ``overrides`` (``--set``) and
``toml_io`` (reading, validating and writing scenario files).
"""

from ..errors import ScenarioError
from .base import SEED_MAX, _Section
from .economy import CalibrationParams, EntryParams, EnvironmentParams, FirmParams, RunParams
from .households import HouseholdParams
from .money import FinanceParams, FiscalParams, InstrumentParams
from .overrides import apply_overrides, parse_override
from .policy import ACTIVE_LEVERS, ParkTreatment, PolicyLevers, PolicyParams, ScheduleEntry
from .schema import (
    Scenario,
    TablesParams,
    _allowed_range,
    _describe_error,
    _known_keys,
    _model_at,
)
from .toml_io import (
    BASELINE_HEADER,
    _toml_value,
    load_scenario,
    read_toml,
    resolve_tables_dir,
    to_toml,
    validate_scenario,
    write_baseline,
)

__all__ = [
    "ACTIVE_LEVERS",
    "BASELINE_HEADER",
    "SEED_MAX",
    "CalibrationParams",
    "EntryParams",
    "ParkTreatment",
    "EnvironmentParams",
    "FinanceParams",
    "FirmParams",
    "FiscalParams",
    "HouseholdParams",
    "InstrumentParams",
    "PolicyLevers",
    "PolicyParams",
    "RunParams",
    "Scenario",
    "ScenarioError",
    "ScheduleEntry",
    "TablesParams",
    "_Section",
    "_allowed_range",
    "_describe_error",
    "_known_keys",
    "_model_at",
    "_toml_value",
    "apply_overrides",
    "load_scenario",
    "parse_override",
    "read_toml",
    "resolve_tables_dir",
    "to_toml",
    "validate_scenario",
    "write_baseline",
]
