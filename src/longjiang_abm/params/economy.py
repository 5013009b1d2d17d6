"""Scenario sections of the economy: run length, environment, firms, entry, calibration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import _f, _Section


class RunParams(_Section):
    years: int = Field(
        5, ge=1, le=50, strict=True, description="simulated years from 2019 (4 quarters each)"
    )
    n_firms: int = Field(
        35_000,
        ge=1,
        le=5_000_000,
        strict=True,
        description="initial number of industrial firms (35,000 = the province's whole population)",
    )
    backend: Literal["numba", "python"] = Field(
        "numba", description="kernel backend: numba (fast) or the plain-Python twin"
    )


class EnvironmentParams(_Section):
    drivers: Literal["trend", "history"] = Field(
        "trend",
        description="national drivers: 'trend' (steady growth at the rates below) or 'history' "
        "(the record of national_drivers.csv from history_start on, 2015-2024, then the trend)",
    )
    history_start: int = Field(
        2019,
        ge=2010,
        le=2024,
        strict=True,
        description="under drivers = 'history' (ignored under 'trend'): the record year whose "
        "national drivers drive the model's year 1 (2019: each year its own; 2017: the model's "
        "years 1-3 run on 2017-2019's record, the forecast evaluation, docs/validation.md); "
        "years the table lacks take the trend. The oil price moves from the initial state as "
        "the record moved from history_start - 1 (the 2018 price where the table lacks that "
        "year). Calendar inputs (policy schedule, park treatment years, shock years) and the "
        "KPIs' year labels keep the model's calendar, 2019 on",
    )
    national_industry_growth: float = _f(
        0.055, 0.0, 0.1, "real growth of China's industrial value added, per year (fraction)"
    )
    national_competitiveness_growth: float = _f(
        0.0689,
        0.0,
        0.08,
        "F_t: growth of national competitors' quality-adjusted productivity, per year "
        "(SMM estimate on 2015-2019, docs/calibration.md section 2)",
    )
    national_wage_growth: float = _f(0.05, 0.0, 0.1, "real growth of the national wage, per year")
    national_inflation: float = _f(
        0.0209,
        -0.05,
        0.2,
        "growth of China's GDP deflator on the trend path, per year: it converts the model's "
        "yuan of 2018 purchasing power into current yuan where a rule is nominal (the "
        "above-scale threshold, NBS size classes); 2015-2019 mean, World Bank "
        "(data/national_prices.csv)",
    )
    brent_usd: float = _f(64.0, 20.0, 150.0, "Brent oil price on the trend path, USD per barrel")
    oil_price_elasticity: float = _f(
        0.8, 0.0, 1.5, "elasticity of the oil-and-gas output price to the Brent price"
    )
    demand_shock_sd: float = _f(
        0.02, 0.0, 0.1, "sd of the quarterly log shock to each sector's national demand"
    )
    demand_shock_persistence: float = _f(
        0.8, 0.3, 0.95, "AR(1) persistence of the sector demand shock, per quarter"
    )
    oil_depletion: float = _f(
        0.02, 0.0, 0.06, "decline of oil-field productivity from reservoir depletion, per year"
    )
    backbone_shock_year: int = Field(
        0,
        ge=0,
        le=2100,
        strict=True,
        description="year a slump of the oil-and-gas complex starts (0 = no shock)",
    )
    backbone_shock_years: int = Field(
        3, ge=1, le=4, strict=True, description="years over which the slump unfolds"
    )
    backbone_shock_size: float = _f(
        0.3, 0.0, 0.6, "share of the oil-and-gas complex's productive capacity lost in the slump"
    )
    primary_growth: float = _f(0.035, 0.0, 0.07, "real growth trend of primary value added")
    tertiary_trend_growth: float = _f(
        0.1445,
        -0.05,
        0.15,
        "real growth of demand for services not modelled (sold outside etc.), per year "
        "(SMM estimate on 2015-2019)",
    )
    construction_trend_growth: float = _f(
        0.0, -0.05, 0.1, "growth of construction not driven by industrial and park investment"
    )
    construction_va_per_investment: float = _f(
        0.25, 0.05, 0.5, "construction value added per yuan of industrial and park investment"
    )
    services_va_per_spending: float = _f(
        0.6, 0.3, 0.9, "services value added per yuan spent on services in the province"
    )
    producers_household_share: float = _f(
        0.65, 0.4, 0.9, "share of other producers' value added after VAT paid to households"
    )
    services_input_share: float = _f(
        0.2, 0.0, 0.4, "share of industry's bought-in inputs that are provincial services"
    )
    natural_increase: float = _f(
        -0.0006, -0.02, 0.02, "natural increase of the population, per year (fraction)"
    )
    migration_response: float = _f(
        0.0532,
        0.0,
        0.5,
        "out-migration per year per unit of relative wage gap (national wage - local)/national "
        "(SMM estimate on 2015-2019)",
    )


class FirmParams(_Section):
    replicator_speed: float = _f(
        0.1, 0.0, 0.3, "chi: speed at which market shares follow relative competitiveness"
    )
    materials_efficiency: float = _f(
        0.3, 0.0, 0.6, "gamma: elasticity of intermediate-input savings to productivity"
    )
    cost_passthrough: float = _f(
        0.6,
        0.3,
        1.0,
        "theta: weight of a firm's own unit cost (vs its sector's mean) in its price "
        "(Amiti, Itskhoki & Konings 2019: 0.6 for a typical firm)",
    )
    share_shock_sd: float = _f(
        0.1, 0.05, 0.13, "sd of the idiosyncratic quarterly shock to a firm's market share (log)"
    )
    share_shock_size_elasticity: float = _f(
        0.2,
        0.0,
        0.4,
        "beta: elasticity of the share shock's sd to firm size (revenue), sd ~ size^-beta",
    )
    share_shock_size_ref: float = _f(
        200.0,
        1.0,
        1000.0,
        "annual revenue (10k yuan) at which the share shock's sd is share_shock_sd",
    )
    share_shock_laplace: bool = Field(
        True, strict=True, description="share shocks Laplace-distributed (true) or normal (false)"
    )
    quality_weight: float = _f(0.5, 0.0, 1.5, "omega: weight of quality in competitiveness")
    unfilled_penalty: float = _f(
        0.5, 0.0, 0.8, "iota: loss of competitiveness per unit share of demand left unfilled"
    )
    provincial_demand_elasticity: float = _f(
        4.0,
        1.0,
        6.0,
        "eta: elasticity of the province's national market share to its relative competitiveness"
        " (a trade elasticity: about 4, Simonovska & Waugh 2014)",
    )
    planning_buffer: float = _f(
        0.15, 0.0, 0.4, "b: output above expected demand that firms staff for (share)"
    )
    expectation_weight: float = _f(
        0.5, 0.1, 0.9, "weight of the latest demand in adaptive demand expectations"
    )
    depreciation_q: float = _f(0.0175, 0.01, 0.025, "capital depreciation per quarter")
    desired_utilization: float = _f(
        0.78,
        0.6,
        1.0,
        "u*: capacity utilisation firms plan for when they size their capital; set to the "
        "processing sectors' 2018 utilisation in sectors.csv (0.78, about NBS's measured "
        "2017-2018 rates: industry 76.5-77.0%, manufacturing 77.0-78.5%)",
    )
    investment_threshold: float = _f(
        0.2, 0.0, 0.3, "capital gap (fraction of capital) below which firms only replace capital"
    )
    replacement_probability_q: float = _f(
        0.5, 0.1, 0.9, "probability per quarter that an inactive firm replaces depreciated capital"
    )
    rd_success: float = _f(
        40.0, 10.0, 80.0, "zeta: innovation success rate per unit of R&D intensity, per quarter"
    )
    innovation_step: float = _f(
        0.04, 0.01, 0.08, "maximum log productivity gain of a successful innovation"
    )
    quality_step: float = _f(
        0.03, 0.01, 0.06, "maximum log quality gain of a successful innovation"
    )
    productivity_shock_sd: float = _f(
        0.03, 0.01, 0.06, "sd of the idiosyncratic quarterly log productivity shock"
    )
    marshall_spillover: float = _f(
        0.01, 0.0, 0.1, "beta_M: quarterly catch-up toward the same-sector local frontier"
    )
    jacobs_spillover: float = _f(
        0.003, 0.0, 0.05, "beta_J: quarterly catch-up from local sectoral diversity"
    )
    park_spillover_bonus: float = _f(
        0.5, 0.0, 2.0, "extra spillover per unit of park infrastructure for firms inside parks"
    )
    park_infrastructure_elasticity: float = _f(
        0.12,
        0.0,
        0.5,
        "elasticity of in-park firms' productivity to their park's infrastructure index "
        "(public capital; Bom & Ligthart 2014)",
    )
    digital_adoption_q: float = _f(
        0.01, 0.0, 0.05, "baseline probability per quarter of a digital upgrade step"
    )
    digital_productivity: float = _f(
        0.05, 0.0, 0.3, "log productivity gain from going from digital level 0 to 1"
    )
    dividend_payout: float = _f(0.3, 0.0, 0.6, "share of positive after-tax profit paid out")
    cash_target: float = _f(0.08, 0.06, 0.3, "cash buffer firms keep, as a share of annual revenue")
    distress_loss_quarters: int = Field(
        12,
        ge=4,
        le=16,
        strict=True,
        description="consecutive loss-making quarters that put a firm in distress (12: the "
        "State Council's 2015 definition of a zombie firm, three years of losses)",
    )
    exit_hazard_q: float = _f(
        0.06,
        0.03,
        0.09,
        "extra exogenous exit hazard per quarter of a newborn firm (falls with age)",
    )
    exit_hazard_floor_q: float = _f(
        0.01,
        0.005,
        0.012,
        "exogenous exit hazard per quarter at any age (small and micro firms; "
        "medium firms a quarter of it, large firms none)",
    )
    exit_hazard_age_q: float = _f(
        12.0, 4.0, 16.0, "age (quarters) over which the exogenous exit hazard falls by e"
    )
    entrant_customer_base: float = _f(
        0.2,
        0.05,
        1.0,
        "b0: a new firm's customer base as a share of the one it builds up as it ages (1 = no "
        "demand accumulation; Foster, Haltiwanger & Syverson 2016)",
    )
    customer_base_age_q: float = _f(
        20.0,
        4.0,
        80.0,
        "age (quarters) over which a firm's remaining demand deficit falls by e (with b0 = 0.2, "
        "the survivors of 40 years are twice the mean size of those up to 5 years old, as in "
        "India and Mexico; Hsieh & Klenow 2014)",
    )


class EntryParams(_Section):
    entry_rate_q: float = _f(
        0.03, 0.02, 0.045, "entrants per quarter as a share of the sector's living firms"
    )
    profit_response: float = _f(
        2.0, 0.5, 4.0, "elasticity of sector entry to its profit rate over the interest rate"
    )
    entrant_size_rel: float = _f(
        0.33,
        0.05,
        1.0,
        "the typical (median) entrant's annual revenue relative to the typical firm of its "
        "sector (geometric mean of the living firms' revenue; Geroski 1995: entrants average "
        "33-50% of the average firm)",
    )
    entrant_size_sd_rel: float = _f(
        1.0,
        0.25,
        1.0,
        "sd of entrants' log revenue relative to that of their sector's living firms (at most "
        "1: a cohort's spread of sizes widens with age, Cabral & Mata 2003)",
    )
    entrant_productivity: float = _f(
        0.9, 0.7, 1.1, "entrants' productivity relative to the sector's mean"
    )
    equity_share: float = _f(
        0.5, 0.2, 0.8, "share of an entrant's capital funded by its owners' equity"
    )
    choice_wage: float = _f(2.0, 0.0, 5.0, "logit weight of -log(local wage) in location choice")
    choice_agglomeration: float = _f(
        0.3, 0.0, 2.0, "logit weight of log(same-sector output + 1) in the location"
    )
    choice_infrastructure: float = _f(1.0, 0.3, 3.0, "logit weight of park infrastructure")
    choice_specialisation: float = _f(
        1.0, 0.0, 3.0, "logit bonus of a park whose chain matches the entrant's sector"
    )
    choice_outside_park: float = _f(
        0.5, -3.0, 3.0, "logit utility of locating outside any park (relative to a park)"
    )
    private_barrier: float = _f(
        0.3, 0.0, 0.5, "2018 entry barrier: share of private and foreign entrants deterred"
    )


class CalibrationParams(_Section):
    industrial_va_2018: float = _f(
        3043.0,
        2000.0,
        3500.0,
        "industrial value added 2018, 100m yuan (post-census basis, assumption: the 2019 "
        "secondary share plus one year of its 2015-2018 fall in the original series, less "
        "construction)",
    )
    construction_va_2018: float = _f(
        683.0, 400.0, 1000.0, "construction value added 2018, 100m yuan"
    )
    primary_va_2018: float = _f(3006.0, 2000.0, 4000.0, "primary value added 2018, 100m yuan")
    tertiary_va_2018: float = _f(
        6114.0, 5000.0, 9000.0, "tertiary value added 2018, 100m yuan (the rest of GDP)"
    )
    above_scale_2018: int = Field(
        3700,
        ge=2800,
        le=4500,
        strict=True,
        description="above-scale firms at the end of 2018 (below 4000)",
    )
    size_tail_alpha: float = _f(1.1, 0.8, 2.0, "Pareto exponent of the firm size tail (CCDF)")
    size_tail_share: float = _f(
        0.03, 0.0, 0.1, "share of synthetic firms drawn from the Pareto tail"
    )
    park_share: float = _f(0.5, 0.0, 1.0, "share of synthetic firms located in parks")
    tfp_dispersion: float = _f(
        0.4, 0.2, 0.8, "sd of log productivity within a sector (2018 firms and entrants)"
    )
    average_wage_2018: float = _f(
        6.5, 5.5, 8.0, "average industrial wage 2018, 10k yuan per year (Northeast 65,411)"
    )
    wage_passthrough: float = _f(
        0.5, 0.0, 1.0, "share of national wage growth passed into local wages each year"
    )
    wage_adjustment: float = _f(
        0.1, 0.05, 0.3, "quarterly wage response to tightness, LD/LS - 1/(1 + labour_slack)"
    )
    labour_supply_elasticity: float = _f(
        1.0,
        0.2,
        3.0,
        "elasticity of industrial labour supply to the local wage (relative to 2018)",
    )
    labour_slack: float = _f(
        0.06, 0.02, 0.2, "industrial labour supply above 2018 industrial employment (share)"
    )
