"""The sweep file (experiments/sweeps/*.toml): a frozen pydantic v2 schema, checked before any run.

A sweep file is data: it is read with ``tomllib`` and validated, nothing in it is executed.

    [sweep]
    scenario = "params/baseline.toml"   # base scenario ("" = the packaged baseline)
    design = "grid"                      # grid | lhs | sobol | morris
    samples = 64                         # lhs: points; sobol: base N (a power of 2);
                                         # morris: trajectories
    replications = 5                     # seeds per design point, from numpy SeedSequence
    seed = 2019                          # master seed of the sweep
    years = 10                           # 0 = the scenario's run.years
    firms = 0                            # 0 = the scenario's run.n_firms (35,000 in the baseline)
    outputs = ["secondary_share", "above_scale_firms", "gdp", "fiscal_balance"]
    posterior = ""                       # posterior of longjiang calibrate: each seed draws
                                         # the estimated parameters (sweep/posterior.py)
    run_timeout_s = 0                    # stop a run after this many seconds (0 = no limit)
    check_accounts = false               # check the accounting identities every quarter

    [factors]                            # dotted scenario keys
    "policy.ownership_neutrality" = [0.0, 0.5, 1.0]         # levels (grid)
    "policy.park_coconstruction" = { min = 0.0, max = 1.0 }  # range (lhs, sobol, morris)

    [cluster]                            # optional: defaults for --executor slurm | pbs
    queue = "normal"
    account = "my-project"
    walltime = "02:00:00"
    cores = 16
    memory = "32GB"

Unknown keys, factors that name no scenario key, and levels or ranges outside a parameter's
allowed range are rejected with a ``SweepError`` (a ``ScenarioError``: exit status 2 on the
command line) naming the file, the key and what is allowed.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..metrics import FLOW_COLUMNS, KPI_COLUMNS
from ..params import (
    Scenario,
    ScenarioError,
    _allowed_range,
    read_toml,
    resolve_tables_dir,
    validate_scenario,
)
from .cluster_section import ClusterSection
from .spec_errors import format_error

DESIGNS = ("grid", "lhs", "sobol", "morris")
OUTPUT_CHOICES = tuple(c for c in dict.fromkeys(KPI_COLUMNS + FLOW_COLUMNS) if c != "year")
DEFAULT_OUTPUTS = ("secondary_share", "above_scale_firms", "gdp", "fiscal_balance")
MAX_RUN_TIMEOUT_S = 7 * 86400
# [sweep] keys that say how runs are executed, not what they compute: a resumed sweep may
# change them (they are recorded per session in the manifest)
EXECUTION_KEYS = ("run_timeout_s", "check_accounts")


class SweepError(ScenarioError):
    """A user error in a sweep file or a sweep folder (exit status 2, one line)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactorRange(_Frozen):
    """A continuous range ``{ min = lo, max = hi }`` for lhs, sobol and morris designs."""

    min: StrictFloat | StrictInt
    max: StrictFloat | StrictInt

    @model_validator(mode="after")
    def _ordered(self) -> FactorRange:
        if not self.min < self.max:
            raise ValueError(f"min must be below max (got min = {self.min}, max = {self.max})")
        return self


Levels = tuple[StrictFloat | StrictInt, ...]


class SweepSection(_Frozen):
    scenario: str = Field("", description="base scenario TOML ('' = the packaged baseline)")
    design: Literal["grid", "lhs", "sobol", "morris"] = Field(
        ..., description="grid (all level combinations) | lhs | sobol | morris (SALib)"
    )
    samples: int = Field(
        0,
        ge=0,
        le=10_000_000,
        strict=True,
        description="lhs: points; sobol: base N (a power of 2); morris: trajectories; grid: unused",
    )
    replications: int = Field(
        1, ge=1, le=100_000, strict=True, description="seeds per design point"
    )
    seed: int = Field(0, ge=0, le=2**63 - 1, strict=True, description="master seed of the sweep")
    years: int = Field(
        0, ge=0, le=50, strict=True, description="simulated years (0 = the scenario's)"
    )
    firms: int = Field(
        0,
        ge=0,
        le=5_000_000,
        strict=True,
        description="initial firms (0 = the scenario's population)",
    )
    outputs: tuple[str, ...] = Field(DEFAULT_OUTPUTS, min_length=1, description="KPI columns")
    levels: int = Field(4, ge=2, le=100, strict=True, description="morris: number of grid levels")
    second_order: bool = Field(
        False, strict=True, description="sobol: also plan for second-order indices"
    )
    common_seeds: bool = Field(
        True,
        description="use the same replication seeds at every design point (common random "
        "numbers); false draws distinct seeds for every run",
    )
    run_timeout_s: int = Field(
        0,
        ge=0,
        le=MAX_RUN_TIMEOUT_S,
        strict=True,
        description="seconds a run may take before it is stopped and recorded as failed "
        "(0 = no limit); checked at the end of every quarter",
    )
    check_accounts: bool = Field(
        False,
        strict=True,
        description="check the accounting identities every quarter (slower; results unchanged)",
    )
    posterior: str = Field(
        "",
        description="posterior file of longjiang calibrate ('' = none): each run's seed draws "
        "the estimated parameters; a factor takes the design's values, not the drawn one",
    )

    @field_validator("outputs")
    @classmethod
    def _outputs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [o for o in v if o not in OUTPUT_CHOICES]
        if bad:
            raise ValueError(
                f"unknown output {bad[0]!r}; allowed outputs: {', '.join(OUTPUT_CHOICES)}"
            )
        if len(set(v)) != len(v):
            raise ValueError("an output is listed twice")
        return v

    @field_validator("samples")
    @classmethod
    def _samples(cls, v: int, info: ValidationInfo) -> int:
        design = info.data.get("design")
        if design in ("lhs", "sobol", "morris") and v < 1:
            raise ValueError(f"design '{design}' needs samples >= 1")
        if design == "sobol" and v & (v - 1):
            raise ValueError(
                f"sobol designs need a power of 2 (got {v}; e.g. "
                f"{1 << max(v.bit_length() - 1, 0)} or {1 << v.bit_length()})"
            )
        return v


class SweepFile(_Frozen):
    sweep: SweepSection
    factors: dict[str, Levels | FactorRange] = Field(..., min_length=1)

    @field_validator("factors", mode="before")
    @classmethod
    def _shapes(cls, v: Any) -> Any:
        """Each factor is a list of levels or a table { min, max }: say which is wrong."""
        if not isinstance(v, dict):
            return v
        out = {}
        for name, value in v.items():
            if isinstance(value, dict):
                try:
                    out[name] = FactorRange.model_validate(value)
                except ValidationError as exc:
                    err = exc.errors()[0]
                    where = ".".join(str(p) for p in err["loc"])
                    raise ValueError(
                        f'factor "{name}"'
                        + (f" {where}" if where else "")
                        + f": {err['msg'].removeprefix('Value error, ')}"
                        + (" (allowed keys: min, max)" if err["type"] == "extra_forbidden" else "")
                    ) from None
            elif isinstance(value, list):
                bad = [x for x in value if isinstance(x, bool) or not isinstance(x, int | float)]
                if bad:
                    raise ValueError(f'factor "{name}": levels must be numbers (got {bad[0]!r})')
                out[name] = tuple(value)
            else:
                raise ValueError(
                    f'factor "{name}": give a list of levels (grid) or a range '
                    "{ min = ..., max = ... } (lhs, sobol, morris), not "
                    f"{value!r}"
                )
        return out

    cluster: ClusterSection = ClusterSection()


# ---------------------------------------------------------------------------------------------


def _scenario_field(name: str) -> tuple[str, str, type]:
    """(section, key, python type) of the scenario parameter named ``section.key``."""
    parts = name.split(".")
    sections = [
        s
        for s, f in Scenario.model_fields.items()
        if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)
    ]
    if len(parts) != 2 or parts[0] not in sections:
        raise KeyError(f"factors must name a scenario key as section.key (sections: {sections})")
    section, key = parts
    model = Scenario.model_fields[section].annotation
    fields = {k: f for k, f in model.model_fields.items() if k != "schedule"}
    if key not in fields:
        raise KeyError(f"section '{section}' has no key '{key}'; keys: {', '.join(fields)}")
    if section == "run":
        raise KeyError("section 'run' is set by the sweep's years and firms, not by factors")
    ann = fields[key].annotation
    if ann not in (float, int):
        raise KeyError(
            f"'{name}' is not numeric ({getattr(ann, '__name__', ann)}); only "
            "numeric parameters can be factors"
        )
    return section, key, typing.cast(type, ann)


def _resolve_scenario_path(text: str, sweep_path: Path) -> Path | None:
    """Relative scenario paths are taken from the current folder, else from the sweep file's."""
    if not text:
        return None
    p = Path(text).expanduser()
    if p.is_absolute() or p.exists():
        return p
    beside = sweep_path.parent / p
    return beside if beside.exists() else p


class Sweep:
    """A validated sweep file: its sections, the resolved base scenario and factor types."""

    def __init__(self, path: str | Path, spec: SweepFile, base: Scenario, scenario_path):
        self.path = Path(path)
        self.spec = spec
        self.base = base
        self.scenario_path = scenario_path
        self.posterior_path: Path | None = None  # set by posterior.attach
        self.posterior_from_file = False  # named by [sweep] posterior (not --posterior)
        self.factor_types = {n: _scenario_field(n)[2] for n in spec.factors}

    @property
    def sweep(self) -> SweepSection:
        return self.spec.sweep

    @property
    def factors(self) -> tuple[str, ...]:
        return tuple(self.spec.factors)

    @property
    def name(self) -> str:
        return self.path.stem

    def resolved(self) -> dict:
        """The sweep file with every default filled in (what identifies the sweep)."""
        out = self.spec.model_dump(mode="json", exclude={"cluster"})
        out["sweep"]["scenario"] = str(self.scenario_path) if self.scenario_path else ""
        out["sweep"]["posterior"] = str(self.posterior_path) if self.posterior_path else ""
        return out


def load_sweep(path: str | Path, posterior: str | Path | None = None) -> Sweep:
    """Read and validate a sweep file; raise SweepError naming the file, key and what is allowed.
    ``posterior`` (``--posterior``) replaces the file's ``[sweep] posterior``; the posterior is
    read and checked here (``posterior.load_posterior``)."""
    path = Path(path)
    try:
        raw = read_toml(path, kind="sweep")
    except ScenarioError as exc:
        raise SweepError(str(exc)) from None
    try:
        spec = SweepFile.model_validate(raw)
    except ValidationError as exc:
        # an unknown key explains a missing one (a misspelt section): report it first
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        raise SweepError(format_error(errors[0], str(path))) from None

    # the base scenario, with the sweep's years and firms
    scen_path = _resolve_scenario_path(spec.sweep.scenario, path)
    try:
        data = read_toml(scen_path) if scen_path is not None else {}
        data = resolve_tables_dir(data, scen_path) if scen_path is not None else data
    except ScenarioError as exc:
        raise SweepError(f"{path}: key 'sweep.scenario': {exc}") from None
    try:  # the file as written (a bad value is refused even where the sweep overrides it)
        validate_scenario(data, str(scen_path or "<baseline>"))
    except ScenarioError as exc:
        raise SweepError(str(exc).splitlines()[0]) from None
    run = dict(data.get("run", {})) if isinstance(data.get("run", {}), dict) else {}
    if spec.sweep.years:
        run["years"] = spec.sweep.years
    if spec.sweep.firms:
        run["n_firms"] = spec.sweep.firms
    data = {**data, "run": run}
    try:
        base = validate_scenario(data, str(scen_path or "<baseline>"))
    except ScenarioError as exc:
        raise SweepError(str(exc).splitlines()[0]) from None

    # every factor names a numeric scenario key; its levels / range lie in the allowed range
    base_json = base.model_dump(mode="json")
    for name, value in spec.factors.items():
        try:
            section, key, typ = _scenario_field(name)
        except KeyError as exc:
            raise SweepError(f"{path}: key 'factors.\"{name}\"': {exc.args[0]}") from None
        is_grid = spec.sweep.design == "grid"
        if is_grid and isinstance(value, FactorRange):
            raise SweepError(
                f"{path}: key 'factors.\"{name}\"': a grid design needs a list of levels, "
                "e.g. [0.0, 0.5, 1.0]"
            )
        if not is_grid and not isinstance(value, FactorRange):
            raise SweepError(
                f"{path}: key 'factors.\"{name}\"': a {spec.sweep.design} design needs a "
                "range { min = ..., max = ... }"
            )
        values = list(value) if is_grid else [value.min, value.max]
        if is_grid and not values:
            raise SweepError(f"{path}: key 'factors.\"{name}\"': give at least one level")
        if is_grid and len(set(values)) != len(values):
            raise SweepError(f"{path}: key 'factors.\"{name}\"': a level is listed twice")
        for v in values:
            if typ is int and is_grid and float(v) != int(v):
                raise SweepError(
                    f"{path}: key 'factors.\"{name}\"': takes whole numbers (got {v!r})"
                )
            trial = {**base_json, section: {**base_json[section], key: typ(v)}}
            try:
                validate_scenario(trial, str(path))
            except ScenarioError as exc:
                first = str(exc).splitlines()[0]
                reason = first.split(": ", 2)[-1] if first.count(": ") >= 2 else first
                rng = _allowed_range((section, key))
                text = f"{path}: key 'factors.\"{name}\"' = {v!r}: {reason}"
                if rng and "allowed range" not in text:
                    text += f"; allowed range {rng}"
                raise SweepError(text) from None
    from .posterior import attach

    return attach(Sweep(path, spec, base, scen_path), posterior)


def scenario_with(base_json: dict, values: dict[str, Any]) -> dict:
    """A copy of the resolved scenario ``base_json`` with factor ``values`` set."""
    out = dict(base_json)
    for name, v in values.items():
        section, key = name.split(".")
        out[section] = {**out[section], key: v}
    return out


__all__ = [
    "DESIGNS",
    "DEFAULT_OUTPUTS",
    "EXECUTION_KEYS",
    "MAX_RUN_TIMEOUT_S",
    "OUTPUT_CHOICES",
    "ClusterSection",
    "FactorRange",
    "Sweep",
    "SweepError",
    "SweepFile",
    "SweepSection",
    "load_sweep",
    "scenario_with",
]
