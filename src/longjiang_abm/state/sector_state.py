"""What each sector's market carries from one quarter to the next (arrays by sector)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class SectorState:
    """Sector-level state of the goods market (arrays of length n_sectors unless stated).

    Set from the 2018 population in ``steps/goods.py: open_markets``; written each quarter by
    the goods market (``steps/goods.py``), location statistics (``steps/innovation.py``) and
    entry (``steps/demography.py``: pre-contracted orders of big projects raise ``demand0``).
    Real quantities are in 10k yuan at 2018 prices per quarter.
    """

    demand0: np.ndarray  # external demand at 2018 conditions, real output per quarter
    e_bar0: np.ndarray  # 2018 share-weighted mean price-quality competitiveness (rho_s's base)
    y_half: np.ndarray  # output scale of spillovers: 10 x the 2018 mean firm output
    output: np.ndarray  # output this quarter, real
    output0: np.ndarray  # 2018 output, real (base of the local sectors' business demand)
    demand: np.ndarray  # demand this quarter (external + local raw-material orders), real
    local_raw_demand: np.ndarray  # raw material ordered by provincial processors, real
    fill: np.ndarray  # share of a sector's demand met this quarter
    p_in: np.ndarray  # input price index relative to 2018 (steps/goods.py: input_prices)
    uc_bar: np.ndarray  # share-weighted mean unit cost, 10k yuan per unit of real output
    defence_share: np.ndarray  # share of demand that is defence procurement
    defence_sector: np.ndarray  # bool: a defence-equipment sector
    big_project_sectors: np.ndarray  # bool: sectors big projects go to
    y_loc: np.ndarray  # output by location (parks, then prefectures) and sector, real
    p0: np.ndarray  # mean output price of 2018 (the unit of real output; 1 by construction)
    labour_share0: np.ndarray  # labour's share of the 2018 unit cost (competitors' too)
    capital_share0: np.ndarray  # capital's share of the 2018 unit cost (competitors' too)
    competitor_cost: np.ndarray  # national competitors' unit cost index this quarter, 2018 = 1
    household_share: np.ndarray  # share of 2018 demand that was the province's households'
    household_part: np.ndarray  # the households' share of demand this quarter
    ppi: np.ndarray  # producer price index of the last quarter, 2018 = 1 (households' prices)
    log_rev_mean: np.ndarray  # mean log annual revenue of the living firms (year end, 10k yuan)
    log_rev_sd: np.ndarray  # its sd: the spread of the sector's firm sizes (year end)
    demand_mix: np.ndarray  # (1 - h_s) N_s + h_s B_t / P_s,t-1: demand0's multiplier
