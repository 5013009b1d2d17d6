"""Scenario sections of money: finance (the bank), fiscal (taxes, park funds), instruments."""

from __future__ import annotations

from .base import _f, _Section


class FinanceParams(_Section):
    base_rate: float = _f(0.0435, 0.01, 0.1, "benchmark one-year lending rate, per year")
    spread_central_soe: float = _f(0.0, 0.0, 0.05, "lending spread for central SOEs, per year")
    spread_local_soe: float = _f(0.005, 0.0, 0.05, "lending spread for local SOEs, per year")
    spread_private: float = _f(0.025, 0.0, 0.05, "lending spread for private firms, per year")
    spread_foreign: float = _f(0.015, 0.0, 0.05, "lending spread for foreign-invested firms")
    spread_small: float = _f(0.01, 0.0, 0.02, "extra spread for small and micro firms, per year")
    spread_neutral: float = _f(
        0.01, 0.005, 0.05, "ownership spread every firm faces under full neutrality, per year"
    )
    collateral_central_soe: float = _f(0.8, 0.3, 1.2, "loan-to-assets limit for central SOEs")
    collateral_local_soe: float = _f(0.75, 0.3, 1.2, "loan-to-assets limit for local SOEs")
    collateral_private: float = _f(0.45, 0.3, 1.2, "loan-to-assets limit for private firms")
    collateral_foreign: float = _f(0.55, 0.3, 1.2, "loan-to-assets limit for foreign firms")
    collateral_neutral: float = _f(
        0.65, 0.3, 1.2, "loan-to-assets limit for every firm under full neutrality"
    )
    amortization_q: float = _f(0.05, 0.02, 0.15, "share of debt repaid per quarter")
    target_leverage: float = _f(
        0.5, 0.3, 0.65, "debt over capital at the end of 2018 and the level firms borrow up to"
    )
    recovery_rate: float = _f(
        0.4, 0.25, 0.55, "share of an exiting firm's capital recovered by selling its assets"
    )
    bank_capital_ratio: float = _f(
        0.1, 0.05, 0.2, "minimum ratio of bank equity to risk-weighted assets; lending stops below"
    )
    bank_payout: float = _f(0.3, 0.0, 0.6, "share of positive bank profit paid as dividends")
    bond_risk_weight: float = _f(
        0.2, 0.0, 1.0, "risk weight of provincial bonds and interbank claims in the capital rule"
    )
    interbank_rate: float = _f(
        0.0162, 0.0, 0.06, "rate on the bank's net position with the rest of China, per year"
    )
    bank_cost_ratio: float = _f(
        0.3, 0.0, 0.6, "bank operating costs over net interest income (bought as services)"
    )
    bailout_central_soe: float = _f(
        0.9, 0.0, 1.0, "probability a distressed central SOE is bailed out (2018 practice)"
    )
    bailout_local_soe: float = _f(
        0.7, 0.0, 1.0, "probability a distressed local SOE is bailed out (2018 practice)"
    )
    soft_budget_overcapacity: float = _f(
        1.25,
        0.0,
        2.0,
        "xi: idle capacity a firm plans for per unit of its expected bail-out probability; "
        "desired utilisation u* / (1 + xi b_o)",
    )


class FiscalParams(_Section):
    vat_rate: float = _f(0.13, 0.08, 0.18, "value-added tax on firm value added")
    cit_rate: float = _f(0.25, 0.1, 0.4, "corporate income tax on positive profit")
    local_tax_share: float = _f(
        0.45, 0.0, 1.0, "share of industrial taxes retained by the province and its localities"
    )
    park_funds_local: float = _f(
        40.0, 0.0, 150.0, "city and county funding of park infrastructure, 100m yuan per year"
    )
    park_funds_province_max: float = _f(
        40.0, 0.0, 150.0, "provincial co-construction fund at full co-construction, 100m yuan/yr"
    )
    infrastructure_cost: float = _f(
        20.0, 5.0, 80.0, "cost of one unit of park infrastructure index, 100m yuan"
    )
    infrastructure_depreciation_q: float = _f(
        0.01, 0.0, 0.05, "depreciation of park infrastructure per quarter"
    )
    gov_consumption_gdp_2018: float = _f(
        0.16, 0.08, 0.25, "government consumption over GDP in 2018 (national, NBS)"
    )
    debt_gdp_2018: float = _f(
        0.3, 0.0, 0.8, "provincial government debt at the end of 2018 over 2018 GDP (assumption)"
    )
    bond_rate: float = _f(0.035, 0.0, 0.08, "interest on provincial government bonds, per year")
    spending_growth: float = _f(
        0.03, -0.05, 0.1, "real growth of government consumption, transfers and central transfers"
    )
    coconstruction_attraction: float = _f(
        1.0, 0.0, 10.0, "logit bonus of co-built parks under full co-construction (joint promotion)"
    )
    promotion_projects: float = _f(
        1.5,
        0.0,
        20.0,
        "investment projects a year (each the size of a big project) that joint promotion brings "
        "to a co-built park per billion yuan a year of provincial co-construction fund it receives",
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
        1.0, 0.0, 3.0, "rise of firms' R&D intensity at technology_integration = 1 (share)"
    )
    local_input_saving: float = _f(
        0.08, 0.0, 0.2, "cost saving on raw material bought in the province instead of shipped in"
    )
    chain_subsidy_max: float = _f(
        0.05, 0.02, 0.15, "subsidy per yuan of local raw material bought at chain_support = 1"
    )
    guarantee_collateral: float = _f(
        0.3,
        0.0,
        0.6,
        "guaranteed working capital of small and micro firms, as a share of their assets, at "
        "sme_support = 1",
    )
    guarantee_cover: float = _f(
        0.5, 0.0, 1.0, "share of small and micro firms' loan losses the guarantee fund pays at 1"
    )
    entry_response: float = _f(
        0.5, 0.2, 1.0, "rise of the entry rate at business_environment = 1 (share)"
    )
    big_project_revenue: float = _f(
        2e5, 100000.0, 500000.0, "median annual revenue of a big project, 10k yuan (2 bn yuan)"
    )
    big_project_incentive: float = _f(
        0.1, 0.0, 0.3, "government incentive paid to a big project, share of its capital"
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
        4.0, 0.0, 10.0, "rise of the digital adoption probability at digital_integration = 1"
    )
    digital_cost: float = _f(
        0.02, 0.0, 0.06, "cost of one digital upgrade step, share of annual revenue"
    )
    digital_subsidy_max: float = _f(
        0.5, 0.0, 1.0, "share of digital upgrade costs paid at digital_integration = 1"
    )
    defence_share: float = _f(
        0.2, 0.0, 0.4, "share of equipment demand that is defence-related procurement"
    )
    large_small_spillover: float = _f(
        0.02, 0.0, 0.1, "quarterly catch-up of SMEs toward large firms of their chain and city"
    )
    large_small_budget: float = _f(
        5.0, 0.0, 50.0, "cost of supplier-matching programmes at 1, 100m yuan per year"
    )
    green_cut_max: float = _f(
        0.4, 0.0, 1.0, "cut in emissions intensity required at green_transition = 1"
    )
    green_cost_max: float = _f(
        0.02, 0.0, 0.1, "abatement cost at green_transition = 1, share of intermediate-input cost"
    )
    green_subsidy_max: float = _f(
        0.3, 0.0, 1.0, "share of abatement costs paid by government at green_transition = 1"
    )
