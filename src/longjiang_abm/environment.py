"""The exogenous environment: national demand, commodity prices, the national frontier."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rng import S_DEMAND
from .sectors import SectorTable, read_table

BRENT_2018 = 71.3  # USD per barrel, the 2018 average (national_drivers.csv)
NATIONAL_WAGE_2018 = 8.2461  # 10k yuan per year, urban non-private units (2018)


class Environment:
    """National drivers each quarter (t = 1 is 2019Q1).

    National demand index of sector s:  N_s <- N_s (1 + eps_s g_t / 4) exp(z_s - z_s,prev)
    with g_t national industrial growth (per year), eps_s the sector's elasticity and the AR(1)
    shock z_s <- rho z_s + sd e_s.
    Oil price index: P_oil = (Brent_t / Brent_0)^elasticity (the price of oil_gas output and of
    refining's crude input, see steps/goods.py: input_prices), Brent_0 = 71.3 (2018's average,
    the initial state's), or under ``drivers = "history"`` the record of ``history_start - 1``
    (71.3 again by default).
    National price level (China's GDP deflator) of calendar year y, 2018 = 1:
    L_y = L_(y-1) (1 + pi_y), pi_y the year's record under ``drivers = "history"`` where
    national_drivers.csv has it, else ``national_inflation``. With ``history_start`` h, model
    year y reads the record of year y + h - 2019 (h = 2017: a forecast from the end of 2017).
    The model's money is yuan of 2018 purchasing power; L_y converts it into the current yuan
    that nominal rules are written in (``strategy.above_scale``).
    National wage w_nat,t = 8.2461 (1 + g_w)^(t/4), 10k yuan per year (``NATIONAL_WAGE_2018``
    in 2018).
    National competitors' prices in quarter t rest on what they had reached by the end of
    quarter t-1, like the province's firms, whose prices in t rest on the productivity they
    reached by then (``innovate`` runs after the market) and on the wages set at the end of
    t-1 (``labour.adjust_wages_and_supply``): their quality-adjusted productivity, the
    frontier, F_t = (1 + g_A)^((t-1)/4), and the national wage they pay, ``competitor_wage``
    = w_nat,t-1. (With F_t = (1 + g_A)^(t/4) the province would start each run one quarter
    behind its competitors, a level gap of g_A / 4 in relative competitiveness, eta times
    that in demand, that no economic event causes.)
    """

    def __init__(self, scenario, sectors: SectorTable, start_year: int):
        self.p = scenario.environment
        self.sectors = sectors
        self.start_year = start_year
        drivers = read_table("national_drivers.csv").set_index("year")
        self.history_growth = drivers["china_above_scale_industrial_va_growth_pct"] / 100.0
        self.history_brent = drivers["brent_usd_per_barrel_annual_avg"]
        inflation = pd.to_numeric(drivers["china_gdp_deflator_growth_pct"], errors="coerce")
        self.history_inflation = inflation.dropna() / 100.0  # blank years: the trend
        n = len(sectors)
        self.demand_index = np.ones(n)
        self.shock = np.zeros(n)
        self.p_raw = np.ones(n)
        self.frontier = 1.0
        self.national_wage = NATIONAL_WAGE_2018
        self.competitor_wage = NATIONAL_WAGE_2018
        self.growth = 0.0
        # the Brent price the initial state stands at: 2018's, or under "history" that of the
        # year before the record year of model year 1 (history_start - 1), so the oil price
        # moves from the initial state as the record moved from that year
        self.brent_base = BRENT_2018
        if self.p.drivers == "history" and self.p.history_start - 1 in self.history_brent.index:
            self.brent_base = float(self.history_brent.loc[self.p.history_start - 1])
        self.brent = self.brent_base
        # China's GDP deflator by calendar year, 2018 = 1: L_y = L_(y-1) (1 + pi_y)
        self.price_levels = {start_year - 1: 1.0}
        self.price_level = 1.0  # L_y of the current year

    def _year_value(self, series, year: int, trend: float) -> float:
        """The record of model year ``year`` under ``drivers = "history"`` (the record year
        ``year + history_start - start_year``) where the table has it, else ``trend``."""
        record_year = year + self.p.history_start - self.start_year
        if self.p.drivers == "history" and record_year in series.index:
            return float(series.loc[record_year])
        return trend

    def update(self, t: int, year: int, seed: int, normal) -> None:
        """Advance to quarter t of calendar year ``year``."""
        p, s = self.p, self.sectors
        self.growth = self._year_value(self.history_growth, year, p.national_industry_growth)
        self.brent = self._year_value(self.history_brent, year, p.brent_usd)
        if year not in self.price_levels:
            inflation = self._year_value(self.history_inflation, year, p.national_inflation)
            self.price_levels[year] = self.price_levels[year - 1] * (1.0 + inflation)
        self.price_level = self.price_levels[year]
        old = self.shock.copy()
        for k in range(len(s)):
            e = normal(seed, t, k, S_DEMAND)
            self.shock[k] = p.demand_shock_persistence * self.shock[k] + p.demand_shock_sd * e
        self.demand_index *= (1.0 + s.elasticity * self.growth / 4.0) * np.exp(self.shock - old)
        oil = s.index("oil_gas")
        self.p_raw[:] = 1.0
        self.p_raw[oil] = (self.brent / self.brent_base) ** p.oil_price_elasticity
        self.frontier = (1.0 + p.national_competitiveness_growth) ** ((t - 1) / 4.0)
        wage_growth = 1.0 + p.national_wage_growth
        self.competitor_wage = NATIONAL_WAGE_2018 * wage_growth ** ((t - 1) / 4.0)
        self.national_wage = NATIONAL_WAGE_2018 * wage_growth ** (t / 4.0)

    def drift(self, year: int) -> np.ndarray:
        """Exogenous drift of log productivity per quarter by sector: oil-field depletion,
        plus the backbone shock (a slump of the oil-and-gas complex) while it lasts:
            drift_oil = ln(1 - depletion) / 4 + ln(1 - size) / (4 years)  in shock years."""
        p = self.p
        d = np.zeros(len(self.sectors))
        oil = self.sectors.index("oil_gas")
        d[oil] = np.log(1.0 - p.oil_depletion) / 4.0
        start = p.backbone_shock_year
        if start and start <= year < start + p.backbone_shock_years:
            d[oil] += np.log(1.0 - p.backbone_shock_size) / (4.0 * p.backbone_shock_years)
        return d
