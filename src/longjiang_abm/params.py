"""Scenario parameters: a validated, frozen pydantic v2 schema read from TOML files.

Every number has bounds and a description giving its meaning and unit. Money in firm-level
parameters is in 10k yuan (万元); provincial aggregates are in 100m yuan (亿元). Rates are per year
unless the name ends in ``_q`` (per quarter) or its description says "per quarter" or
"quarterly" (docs/units.md lists them). The schema's defaults ARE the packaged baseline
scenario ("2018 practice continued"); ``params/baseline.toml`` spells the same values out.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
)


class ScenarioError(ValueError):
    """A user error in a scenario: bad file, unknown key, wrong type or value out of range."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def _f(default: float, ge: float, le: float, description: str) -> Any:
    return Field(default, ge=ge, le=le, description=description)


class RunParams(_Section):
    years: int = Field(5, ge=1, le=50, description="simulated years from 2019 (4 quarters each)")
    n_firms: int = Field(
        35_000,
        ge=1,
        le=5_000_000,
        description="initial number of industrial firms (35,000 = the province's whole population)",
    )
    backend: Literal["numba", "python"] = Field(
        "numba", description="kernel backend: numba (fast) or the plain-Python twin"
    )


class EnvironmentParams(_Section):
    drivers: Literal["trend", "history"] = Field(
        "trend",
        description="national drivers: 'trend' (steady growth at the rates below) or 'history' "
        "(the 2019-2024 record of national_drivers.csv, then the trend)",
    )
    national_industry_growth: float = _f(
        0.055, -0.2, 0.3, "real growth of China's industrial value added, per year (fraction)"
    )
    national_competitiveness_growth: float = _f(
        0.01,
        -0.1,
        0.2,
        "growth of national competitors' competitiveness (quality over price), per year",
    )
    national_wage_growth: float = _f(0.05, -0.1, 0.3, "real growth of the national wage, per year")
    brent_usd: float = _f(64.0, 5.0, 300.0, "Brent oil price on the trend path, USD per barrel")
    oil_price_elasticity: float = _f(
        0.8, 0.0, 1.5, "elasticity of the oil-and-gas output price to the Brent price"
    )
    demand_shock_sd: float = _f(
        0.02, 0.0, 0.3, "sd of the quarterly log shock to each sector's national demand"
    )
    demand_shock_persistence: float = _f(
        0.8, 0.0, 0.99, "AR(1) persistence of the sector demand shock, per quarter"
    )
    oil_depletion: float = _f(
        0.02, 0.0, 0.2, "decline of oil-field productivity from reservoir depletion, per year"
    )
    backbone_shock_year: int = Field(
        0,
        ge=0,
        le=2100,
        description="year a slump of the oil-and-gas complex starts (0 = no shock)",
    )
    backbone_shock_years: int = Field(
        3, ge=1, le=50, description="years over which the slump unfolds"
    )
    backbone_shock_size: float = _f(
        0.3, 0.0, 0.95, "share of the oil-and-gas complex's productive capacity lost in the slump"
    )
    primary_growth: float = _f(0.035, -0.2, 0.2, "real growth trend of primary value added")
    tertiary_trend_growth: float = _f(
        0.03, -0.2, 0.2, "real growth of tertiary value added not explained by incomes"
    )
    tertiary_income_elasticity: float = _f(
        0.4, 0.0, 2.0, "elasticity of tertiary value added to the industrial wage bill"
    )
    construction_trend_growth: float = _f(
        0.0, -0.2, 0.2, "growth of construction activity not driven by industrial investment"
    )
    construction_va_per_investment: float = _f(
        0.25, 0.0, 1.0, "construction value added per yuan of industrial and park investment"
    )
    natural_increase: float = _f(
        -0.0006, -0.02, 0.02, "natural increase of the population, per year (fraction)"
    )
    migration_response: float = _f(
        0.04,
        0.0,
        1.0,
        "out-migration per year per unit of relative wage gap (national wage - local)/national",
    )


class FirmParams(_Section):
    replicator_speed: float = _f(
        0.1, 0.0, 2.0, "chi: speed at which market shares follow relative competitiveness"
    )
    materials_efficiency: float = _f(
        0.3, 0.0, 1.0, "gamma: elasticity of intermediate-input savings to productivity"
    )
    cost_passthrough: float = _f(
        1.0, 0.0, 1.0, "theta: weight of a firm's own unit cost (vs its sector's mean) in its price"
    )
    share_shock_sd: float = _f(
        0.1, 0.0, 1.0, "sd of the idiosyncratic quarterly shock to a firm's market share (log)"
    )
    share_shock_size_elasticity: float = _f(
        0.2,
        0.0,
        1.0,
        "beta: elasticity of the share shock's sd to firm size (revenue), sd ~ size^-beta",
    )
    share_shock_size_ref: float = _f(
        200.0, 1.0, 1e8, "annual revenue (10k yuan) at which the share shock's sd is share_shock_sd"
    )
    share_shock_laplace: bool = Field(
        True, description="share shocks Laplace-distributed (true) or normal (false)"
    )
    quality_weight: float = _f(0.5, 0.0, 3.0, "omega: weight of quality in competitiveness")
    unfilled_penalty: float = _f(
        0.5, 0.0, 5.0, "iota: loss of competitiveness per unit share of demand left unfilled"
    )
    provincial_demand_elasticity: float = _f(
        2.0,
        0.0,
        5.0,
        "eta: elasticity of the province's national market share to its relative competitiveness",
    )
    planning_buffer: float = _f(
        0.15, 0.0, 1.0, "b: output above expected demand that firms staff for (share)"
    )
    expectation_weight: float = _f(
        0.5, 0.0, 1.0, "weight of the latest demand in adaptive demand expectations"
    )
    depreciation_q: float = _f(0.0175, 0.0, 0.2, "capital depreciation per quarter")
    desired_utilization: float = _f(
        0.85, 0.3, 1.0, "capacity utilisation firms plan for when they size their capital"
    )
    investment_threshold: float = _f(
        0.1, 0.0, 1.0, "capital gap (fraction of capital) below which firms only replace capital"
    )
    replacement_probability_q: float = _f(
        0.5, 0.0, 1.0, "probability per quarter that an inactive firm replaces depreciated capital"
    )
    rd_success: float = _f(
        40.0, 0.0, 500.0, "zeta: innovation success rate per unit of R&D intensity, per quarter"
    )
    innovation_step: float = _f(
        0.04, 0.0, 0.5, "maximum log productivity gain of a successful innovation"
    )
    quality_step: float = _f(0.03, 0.0, 0.5, "maximum log quality gain of a successful innovation")
    productivity_shock_sd: float = _f(
        0.03, 0.0, 0.5, "sd of the idiosyncratic quarterly log productivity shock"
    )
    marshall_spillover: float = _f(
        0.01, 0.0, 0.5, "beta_M: quarterly catch-up toward the same-sector local frontier"
    )
    jacobs_spillover: float = _f(
        0.003, 0.0, 0.5, "beta_J: quarterly catch-up from local sectoral diversity"
    )
    park_spillover_bonus: float = _f(
        0.5, 0.0, 5.0, "extra spillover per unit of park infrastructure for firms inside parks"
    )
    digital_adoption_q: float = _f(
        0.01, 0.0, 1.0, "baseline probability per quarter of a digital upgrade step"
    )
    digital_productivity: float = _f(
        0.05, 0.0, 1.0, "log productivity gain from going from digital level 0 to 1"
    )
    dividend_payout: float = _f(0.3, 0.0, 1.0, "share of positive after-tax profit paid out")
    cash_target: float = _f(0.08, 0.0, 1.0, "cash buffer firms keep, as a share of annual revenue")
    distress_loss_quarters: int = Field(
        8, ge=1, le=400, description="consecutive loss-making quarters that put a firm in distress"
    )
    exit_hazard_q: float = _f(
        0.06, 0.0, 0.5, "extra exogenous exit hazard per quarter of a newborn firm (falls with age)"
    )
    exit_hazard_floor_q: float = _f(
        0.01,
        0.0,
        0.5,
        "exogenous exit hazard per quarter at any age (small and micro firms; "
        "medium firms a quarter of it, large firms none)",
    )
    exit_hazard_age_q: float = _f(
        12.0, 1.0, 400.0, "age (quarters) over which the exogenous exit hazard falls by e"
    )


class EntryParams(_Section):
    entry_rate_q: float = _f(
        0.03, 0.0, 0.5, "entrants per quarter as a share of the sector's living firms"
    )
    profit_response: float = _f(
        2.0, 0.0, 20.0, "elasticity of sector entry to its profit rate over the interest rate"
    )
    entrant_size_median: float = _f(
        150.0, 1.0, 1e6, "median annual revenue of an entrant, 10k yuan"
    )
    entrant_size_sd: float = _f(1.0, 0.0, 3.0, "sd of log entrant size")
    entrant_productivity: float = _f(
        0.9, 0.1, 2.0, "entrants' productivity relative to the sector's mean"
    )
    equity_share: float = _f(
        0.5, 0.05, 1.0, "share of an entrant's capital funded by its owners' equity"
    )
    choice_wage: float = _f(2.0, 0.0, 20.0, "logit weight of -log(local wage) in location choice")
    choice_agglomeration: float = _f(
        0.3, 0.0, 5.0, "logit weight of log(same-sector output + 1) in the location"
    )
    choice_infrastructure: float = _f(1.0, 0.0, 10.0, "logit weight of park infrastructure")
    choice_specialisation: float = _f(
        1.0, 0.0, 10.0, "logit bonus of a park whose chain matches the entrant's sector"
    )
    choice_outside_park: float = _f(
        0.5, -10.0, 10.0, "logit utility of locating outside any park (relative to a park)"
    )
    private_barrier: float = _f(
        0.3, 0.0, 1.0, "2018 entry barrier: share of private and foreign entrants deterred"
    )


class FinanceParams(_Section):
    base_rate: float = _f(0.0435, 0.0, 0.3, "benchmark one-year lending rate, per year")
    spread_central_soe: float = _f(0.0, 0.0, 0.2, "lending spread for central SOEs, per year")
    spread_local_soe: float = _f(0.005, 0.0, 0.2, "lending spread for local SOEs, per year")
    spread_private: float = _f(0.025, 0.0, 0.2, "lending spread for private firms, per year")
    spread_foreign: float = _f(0.015, 0.0, 0.2, "lending spread for foreign-invested firms")
    spread_small: float = _f(0.01, 0.0, 0.2, "extra spread for small and micro firms, per year")
    spread_neutral: float = _f(
        0.01, 0.0, 0.2, "ownership spread every firm faces under full neutrality, per year"
    )
    collateral_central_soe: float = _f(0.8, 0.0, 2.0, "loan-to-assets limit for central SOEs")
    collateral_local_soe: float = _f(0.75, 0.0, 2.0, "loan-to-assets limit for local SOEs")
    collateral_private: float = _f(0.45, 0.0, 2.0, "loan-to-assets limit for private firms")
    collateral_foreign: float = _f(0.55, 0.0, 2.0, "loan-to-assets limit for foreign firms")
    collateral_neutral: float = _f(
        0.65, 0.0, 2.0, "loan-to-assets limit for every firm under full neutrality"
    )
    amortization_q: float = _f(0.05, 0.0, 1.0, "share of debt repaid per quarter")
    target_leverage: float = _f(
        0.5, 0.0, 0.95, "debt over capital at the end of 2018 and the level firms borrow up to"
    )
    recovery_rate: float = _f(
        0.4, 0.0, 1.0, "share of an exiting firm's capital recovered by selling its assets"
    )
    bank_capital_ratio: float = _f(
        0.1, 0.01, 0.5, "minimum ratio of bank equity to loans; lending stops below it"
    )
    bank_payout: float = _f(0.3, 0.0, 1.0, "share of positive bank profit paid as dividends")
    bailout_central_soe: float = _f(
        0.9, 0.0, 1.0, "probability a distressed central SOE is bailed out (2018 practice)"
    )
    bailout_local_soe: float = _f(
        0.7, 0.0, 1.0, "probability a distressed local SOE is bailed out (2018 practice)"
    )


class FiscalParams(_Section):
    vat_rate: float = _f(0.13, 0.0, 0.5, "value-added tax on firm value added")
    cit_rate: float = _f(0.25, 0.0, 0.6, "corporate income tax on positive profit")
    local_tax_share: float = _f(
        0.45, 0.0, 1.0, "share of industrial taxes retained by the province and its localities"
    )
    park_funds_local: float = _f(
        40.0, 0.0, 5000.0, "city and county funding of park infrastructure, 100m yuan per year"
    )
    park_funds_province_max: float = _f(
        40.0, 0.0, 5000.0, "provincial co-construction fund at full co-construction, 100m yuan/yr"
    )
    infrastructure_cost: float = _f(
        20.0, 0.1, 1000.0, "cost of one unit of park infrastructure index, 100m yuan"
    )
    infrastructure_depreciation_q: float = _f(
        0.01, 0.0, 0.2, "depreciation of park infrastructure per quarter"
    )
    coconstruction_attraction: float = _f(
        1.0, 0.0, 10.0, "logit bonus of co-built parks under full co-construction (joint promotion)"
    )


class InstrumentParams(_Section):
    """How strongly each policy lever moves its instruments (per unit of the lever)."""

    private_programme_exclusion: float = _f(
        0.5,
        0.0,
        1.0,
        "2018 practice: share of subsidy programmes closed to private and foreign firms "
        "(removed by ownership_neutrality)",
    )
    rd_subsidy_max: float = _f(0.5, 0.0, 1.0, "share of R&D refunded at technology_integration = 1")
    rd_response: float = _f(
        1.0, 0.0, 10.0, "rise of firms' R&D intensity at technology_integration = 1 (share)"
    )
    local_input_saving: float = _f(
        0.08, 0.0, 0.5, "cost saving on raw material bought in the province instead of shipped in"
    )
    chain_subsidy_max: float = _f(
        0.05, 0.0, 0.5, "subsidy per yuan of local raw material bought at chain_support = 1"
    )
    guarantee_collateral: float = _f(
        0.3,
        0.0,
        2.0,
        "guaranteed working capital of small and micro firms, as a share of their assets, at "
        "sme_support = 1",
    )
    guarantee_cover: float = _f(
        0.5, 0.0, 1.0, "share of small and micro firms' loan losses the guarantee fund pays at 1"
    )
    entry_response: float = _f(
        0.5, 0.0, 5.0, "rise of the entry rate at business_environment = 1 (share)"
    )
    big_project_revenue: float = _f(
        2e5, 2000.0, 1e8, "median annual revenue of a big project, 10k yuan (2 bn yuan)"
    )
    big_project_incentive: float = _f(
        0.1, 0.0, 1.0, "government incentive paid to a big project, share of its capital"
    )
    big_project_contracted_share: float = _f(
        0.0,
        0.0,
        1.0,
        "share of a big project's planned output that arrives with pre-contracted national "
        "orders (added to its sector's demand); 0: big projects win their orders in the "
        "market like every other entrant",
    )
    digital_response: float = _f(
        4.0, 0.0, 50.0, "rise of the digital adoption probability at digital_integration = 1"
    )
    digital_cost: float = _f(
        0.02, 0.0, 1.0, "cost of one digital upgrade step, share of annual revenue"
    )
    digital_subsidy_max: float = _f(
        0.5, 0.0, 1.0, "share of digital upgrade costs paid at digital_integration = 1"
    )
    defence_share: float = _f(
        0.2, 0.0, 1.0, "share of equipment demand that is defence-related procurement"
    )
    large_small_spillover: float = _f(
        0.02, 0.0, 1.0, "quarterly catch-up of SMEs toward large firms of their chain and city"
    )
    large_small_budget: float = _f(
        5.0, 0.0, 1000.0, "cost of supplier-matching programmes at 1, 100m yuan per year"
    )
    green_cut_max: float = _f(
        0.4, 0.0, 1.0, "cut in emissions intensity required at green_transition = 1"
    )
    green_cost_max: float = _f(
        0.02, 0.0, 0.5, "abatement cost at green_transition = 1, share of intermediate-input cost"
    )
    green_subsidy_max: float = _f(
        0.3, 0.0, 1.0, "share of abatement costs paid by government at green_transition = 1"
    )


class CalibrationParams(_Section):
    industrial_va_2018: float = _f(
        2734.0, 1.0, 1e6, "industrial value added 2018, 100m yuan (post-census basis, assumption)"
    )
    construction_va_2018: float = _f(683.0, 0.0, 1e6, "construction value added 2018, 100m yuan")
    primary_va_2018: float = _f(3006.0, 0.0, 1e6, "primary value added 2018, 100m yuan")
    tertiary_va_2018: float = _f(6423.0, 0.0, 1e6, "tertiary value added 2018, 100m yuan")
    above_scale_2018: int = Field(
        3700, ge=0, le=1_000_000, description="above-scale firms at the end of 2018 (below 4000)"
    )
    size_tail_alpha: float = _f(1.1, 0.5, 3.0, "Pareto exponent of the firm size tail (CCDF)")
    size_tail_share: float = _f(
        0.03, 0.0, 0.5, "share of synthetic firms drawn from the Pareto tail"
    )
    park_share: float = _f(0.5, 0.0, 1.0, "share of synthetic firms located in parks")
    tfp_dispersion: float = _f(
        0.4, 0.0, 2.0, "sd of log productivity within a sector (2018 firms and entrants)"
    )
    average_wage_2018: float = _f(
        6.5, 0.1, 100.0, "average industrial wage 2018, 10k yuan per year (Northeast 65,411)"
    )
    wage_passthrough: float = _f(
        0.5, 0.0, 2.0, "share of national wage growth passed into local wages each year"
    )
    wage_adjustment: float = _f(
        0.1, 0.0, 2.0, "quarterly wage response to tightness, LD/LS - 1/(1 + labour_slack)"
    )
    labour_supply_elasticity: float = _f(
        1.0,
        0.0,
        10.0,
        "elasticity of industrial labour supply to the local wage (relative to 2018)",
    )
    labour_slack: float = _f(
        0.06, 0.0, 1.0, "industrial labour supply above 2018 industrial employment (share)"
    )


class PolicyLevers(_Section):
    """The strategy's policy levers. Every lever's neutral value (the default) is 2018 practice."""

    ownership_neutrality: float = _f(
        0.0,
        0.0,
        1.0,
        "一视同仁: 0 = 2018 practice, 1 = equal treatment of all ownership types in credit terms, "
        "entry barriers and bail-outs",
    )
    park_coconstruction: float = _f(
        0.0,
        0.0,
        1.0,
        "省市县共建: share of the provincial co-construction fund deployed (0 = none) and strength "
        "of joint investment attraction across co-built parks",
    )
    pillar_support: float = _f(
        0.0, 0.0, 0.1, "百千万: subsidy to the four new pillars' firms, share of their revenue"
    )
    chain_support: float = _f(
        0.0, 0.0, 1.0, "五头五尾: share of the gap to full local sourcing of raw materials closed"
    )
    sme_support: float = _f(
        0.0, 0.0, 1.0, "扶持中小: government credit-guarantee coverage for small and micro firms"
    )
    leading_firm_support: float = _f(
        0.0,
        0.0,
        1.0,
        "稳住龙头: probability that a distressed large firm of any ownership is rescued",
    )
    big_projects_per_year: float = _f(
        0.0, 0.0, 100.0, "大抓项目: large investment projects entering per year (firms)"
    )
    business_environment: float = _f(
        0.0,
        0.0,
        1.0,
        "营商环境: cut in entry cost and delay, raising the entry rate (0 = 2018 practice)",
    )
    digital_integration: float = _f(
        0.0, 0.0, 1.0, "两化融合: support for digital adoption (0 = none, 1 = maximal)"
    )
    technology_integration: float = _f(
        0.0, 0.0, 1.0, "科技+产业: R&D support (refund of rd_subsidy_max and more R&D at 1)"
    )
    civil_military_integration: float = _f(
        0.0, 0.0, 1.0, "军民融合: share of defence-related demand opened to non-state firms"
    )
    large_small_integration: float = _f(
        0.0,
        0.0,
        1.0,
        "大中小融合: strength of supplier links through which SMEs learn from large firms",
    )
    green_transition: float = _f(
        0.0, 0.0, 1.0, "绿色: emissions cut required (share of intensity), with its abatement cost"
    )


# every lever acts through a mechanism (instruments.py); kept for the UI's lever panel
ACTIVE_LEVERS = tuple(PolicyLevers.model_fields)


def _schedule_fields() -> dict:
    """Every lever as an optional field with the lever's own bounds."""
    out: dict[str, Any] = {
        "year": (int, Field(..., ge=2019, le=2100, description="year from which values apply"))
    }
    for name, fld in PolicyLevers.model_fields.items():
        lo = next(m.ge for m in fld.metadata if hasattr(m, "ge"))
        hi = next(m.le for m in fld.metadata if hasattr(m, "le"))
        out[name] = (
            Annotated[float, Field(ge=lo, le=hi)] | None,
            Field(None, description=fld.description),
        )
    return out


ScheduleEntry = create_model(
    "ScheduleEntry",
    __base__=_Section,
    **_schedule_fields(),
)
ScheduleEntry.__doc__ = "From ``year`` on, the levers given take these values."


class PolicyParams(PolicyLevers):
    schedule: tuple[ScheduleEntry, ...] = Field(
        (), description="changes of levers from a given year on, in increasing year order"
    )

    @field_validator("schedule")
    @classmethod
    def _years_increase(cls, schedule: tuple) -> tuple:
        years = [e.year for e in schedule]
        if years != sorted(years) or len(set(years)) != len(years):
            raise ValueError(
                f"the entries' years must increase strictly from one entry to the next, got {years}"
            )
        return schedule

    def at_year(self, year: int) -> PolicyParams:
        """The levers in force in ``year``: the base values overridden by schedule entries."""
        values = self.model_dump(exclude={"schedule"})
        for entry in self.schedule:
            if entry.year <= year:
                values.update(entry.model_dump(exclude={"year"}, exclude_none=True))
        return PolicyParams(**values)


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
    instruments: InstrumentParams = InstrumentParams()
    calibration: CalibrationParams = CalibrationParams()
    policy: PolicyParams = PolicyParams()
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


def validate_scenario(data: dict, source: str = "<scenario>") -> Scenario:
    """Build a Scenario from nested dict ``data``; raise ScenarioError naming file and key."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        lines = [_describe_error(e, source) for e in exc.errors()]
        raise ScenarioError("\n".join(lines)) from None
    if scenario.tables.dir:
        from .table_checks import check_tables

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
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {exc.start}); expected TOML") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read ({exc.strerror})") from None


def parse_override(text: str) -> tuple[list[str], Any]:
    """Parse ``section.key=value`` (value in TOML syntax, bare words taken as strings)."""
    if "=" not in text:
        raise ScenarioError(f"--set {text!r}: expected section.key=value")
    key, raw = text.split("=", 1)
    key = key.strip()
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key.split("."), value


def apply_overrides(data: dict, overrides: list[str] | None) -> dict:
    """Return a copy of ``data`` with each ``section.key=value`` override set."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    for text in overrides or []:
        parts, value = parse_override(text)
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise ScenarioError(f"--set {text!r}: '{p}' is not a section")
        node[parts[-1]] = value
    return out


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
