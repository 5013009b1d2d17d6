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
    )
