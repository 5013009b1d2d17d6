"""From policy levers to the instruments the agents and markets act on.

Each lever of the strategy (``params.PolicyLevers``) is translated here, once a quarter, into
the concrete instruments that the kernels read: subsidy rates, eligibility by ownership,
credit guarantees, rescue probabilities, entry rates, local-sourcing shares, procurement
rules, spillover strengths and abatement requirements. At every lever's neutral value (0) the
instruments are those of 2018 practice, so the model reproduces the baseline exactly.
The design parameters (how strong each instrument is per unit of its lever) are in the
scenario's ``[instruments]`` section.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import PolicyParams, Scenario
from .sectors import SectorTable
from .state import FOREIGN, PRIVATE

NEW_PILLARS = ("high_end_equipment", "green_food", "new_materials", "new_energy")
DEFENCE_SECTORS = ("heavy_equipment", "high_end_equipment")
# sectors that big projects (大抓项目) go to besides the new pillars: deeper processing of the
# province's raw materials and biomedicine
DEEP_PROCESSING = ("refining", "coal_chem", "dairy", "biomedicine")


@dataclass
class Instruments:
    """Instruments in force this quarter (arrays by sector ``_s``, owner ``_o``, size ``_z``)."""

    eligibility_o: np.ndarray  # share of subsidy programmes open to each owner type
    output_subsidy_s: np.ndarray  # subsidy per yuan of revenue (passed into prices)
    rd_subsidy: float  # share of R&D spending refunded
    rd_mult: float  # R&D intensity relative to the sector norm
    local_sourcing_s: np.ndarray  # share of a chain's raw material bought in the province
    local_saving: float  # cost saving on locally sourced raw material (share of its price)
    chain_subsidy: float  # subsidy per yuan of local raw material bought
    guarantee_z: np.ndarray  # guaranteed working capital, share of assets, by size class
    guarantee_cover: float  # share of guaranteed firms' loan losses paid by government
    small_spread_cut: float  # share of the small-firm spread removed by guarantees
    rescue_large: float  # probability a distressed large firm of any ownership is rescued
    entry_mult: float  # entry rate relative to 2018 practice
    big_projects_q: float  # expected big-project entrants per quarter
    digital_p: float  # probability per quarter of a digital upgrade step
    digital_subsidy: float  # share of digital upgrade costs paid by government
    defence_open_o: np.ndarray  # access of each owner type to defence procurement
    large_small: float  # quarterly catch-up of SMEs toward large local firms of their chain
    green_cut: float  # required cut in emissions intensity (share)
    green_cost: float  # abatement cost per yuan of intermediate inputs
    green_subsidy: float  # share of abatement cost paid by government
    lsi_budget_q: float  # programme cost of large-small integration, 10k yuan per quarter
    utilization_o: np.ndarray  # capacity utilisation each owner type sizes its capital for
    capital_cost_o: np.ndarray  # user cost of capital per unit of capacity, by owner type


def instruments(
    policy: PolicyParams, scenario: Scenario, sectors: SectorTable, scale: float
) -> Instruments:
    """The instruments implied by ``policy`` (see docs/ODD.md, "Policy levers")."""
    ip, fp = scenario.instruments, scenario.firms
    nu = policy.ownership_neutrality

    # 一视同仁: in 2018 practice private and foreign firms reach only part of the programmes
    eligibility = np.ones(4)
    eligibility[[PRIVATE, FOREIGN]] = 1.0 - ip.private_programme_exclusion * (1.0 - nu)

    pillar = np.array([p in NEW_PILLARS for p in sectors.pillar])
    output_subsidy = np.where(pillar, policy.pillar_support, 0.0)

    c = policy.chain_support
    buys = sectors.raw_input != -1
    local = np.where(buys, sectors.local_sourcing + c * (1.0 - sectors.local_sourcing), 0.0)

    guarantee = np.zeros(4)
    guarantee[2:] = ip.guarantee_collateral * policy.sme_support  # small and micro

    # soft budget: the bail-out a distressed state firm can count on, and the idle capacity
    # that this expectation lets it plan for (it does not bear the cost of over-building)
    utilization, kcost = capital_cost(scenario, nu)

    defence_open = np.ones(4)
    defence_open[[PRIVATE, FOREIGN]] = policy.civil_military_integration

    return Instruments(
        eligibility_o=eligibility,
        output_subsidy_s=output_subsidy,
        rd_subsidy=policy.technology_integration * ip.rd_subsidy_max,
        rd_mult=1.0 + policy.technology_integration * ip.rd_response,
        local_sourcing_s=local,
        local_saving=ip.local_input_saving,
        chain_subsidy=c * ip.chain_subsidy_max,
        guarantee_z=guarantee,
        guarantee_cover=policy.sme_support * ip.guarantee_cover,
        small_spread_cut=policy.sme_support,
        rescue_large=policy.leading_firm_support,
        entry_mult=1.0 + policy.business_environment * ip.entry_response,
        big_projects_q=policy.big_projects_per_year / 4.0 * scale,
        digital_p=fp.digital_adoption_q * (1.0 + policy.digital_integration * ip.digital_response),
        digital_subsidy=policy.digital_integration * ip.digital_subsidy_max,
        defence_open_o=defence_open,
        large_small=policy.large_small_integration * ip.large_small_spillover,
        green_cut=policy.green_transition * ip.green_cut_max,
        green_cost=policy.green_transition * ip.green_cost_max,
        green_subsidy=policy.green_transition * ip.green_subsidy_max,
        lsi_budget_q=policy.large_small_integration * ip.large_small_budget * 1e4 * scale / 4.0,
        utilization_o=utilization,
        capital_cost_o=kcost,
    )


def owner_spreads(fin) -> np.ndarray:
    """Lending spread over the base rate by owner type in 2018 practice, per year (``fin``:
    the scenario's finance section)."""
    return np.array(
        [fin.spread_central_soe, fin.spread_local_soe, fin.spread_private, fin.spread_foreign]
    )


def capital_cost(scenario: Scenario, nu: float) -> tuple[np.ndarray, np.ndarray]:
    """The utilisation each owner type plans its capital for and the user cost of that
    capital per unit of capacity, under neutrality ``nu``:

        u*_o    = u* / (1 + xi (1 - nu) b_o)          (b_o: ``soft_budget``)
        kcost_o = (r_o / 4 + delta) / u*_o,  r_o = base + (1 - nu) spread_o + nu spread_neutral

    A soft budget lets a state firm over-build (it does not bear the cost of idle capacity),
    and its cheaper credit lowers the cost of what it holds."""
    fin, fp = scenario.finance, scenario.firms
    utilization = fp.desired_utilization / (
        1.0 + fin.soft_budget_overcapacity * (1.0 - nu) * soft_budget(fin)
    )
    rate = fin.base_rate + (1.0 - nu) * owner_spreads(fin) + nu * fin.spread_neutral
    return utilization, (rate / 4.0 + fp.depreciation_q) / utilization


def soft_budget(fin) -> np.ndarray:
    """Bail-out probability of a distressed firm by owner type in 2018 practice (central SOE,
    local SOE, private, foreign; ``fin``: the scenario's finance section); the neutrality
    lever scales it by ``1 - nu``."""
    return np.array([fin.bailout_central_soe, fin.bailout_local_soe, 0.0, 0.0])
