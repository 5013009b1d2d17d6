"""The 2018 levels of the closed economy: households' income, consumption and deposits, the
government's consumption, transfers, debt and central transfers, the bank's balance sheet.

Every level comes from a 2018 aggregate (``calibration.*_va_2018``, the ratios in the
``households`` and ``fiscal`` sections) or from the 2018 firm population; docs/ODD.md
("The closed economy") gives the equations and docs/assumptions.md the sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Circuit2018:
    """Quarterly flows (10k yuan a quarter) and end-2018 stocks (10k yuan) of the province."""

    gdp: float  # annual
    wages: float  # industry's wage bill
    producers_income: float  # non-industrial value added less VAT, paid to households
    disposable_income: float
    consumption: float
    deposits: float
    transfers: float
    gov_consumption: float
    debt: float
    central_transfers: float
    investment: float  # industry's replacement investment and the localities' park funds
    services_demand: float  # households', the government's and industry's services spending
    firm_deposits: float
    firm_debt: float


def circuit_2018(p, f, sectors, prefectures, scale: float, base_gdp: float) -> Circuit2018:
    """The 2018 levels (``p``: the scenario; ``f``: the 2018 firm table; ``base_gdp``:
    2018 GDP, 10k yuan a year)."""
    cal, hh, fis, env = p.calibration, p.households, p.fiscal, p.environment
    n = f.n
    unit = 1e4 * scale / 4.0
    wages = float((prefectures.wage[f.col("pref")] * f.col("L") / 4.0).sum())
    other_va = (cal.construction_va_2018 + cal.tertiary_va_2018) * unit
    producers_income = env.producers_household_share * (
        cal.primary_va_2018 * unit + (1.0 - fis.vat_rate) * other_va
    )
    deposits = hh.deposits_gdp_2018 * base_gdp
    interest = hh.deposit_rate / 4.0 * deposits
    market = wages + producers_income
    # YD = (1 - tau)(market + interest) + transfers, transfers = share YD
    income = (1.0 - hh.income_tax_rate) * (market + interest) / (1.0 - hh.transfer_share_2018)
    transfers = hh.transfer_share_2018 * income
    consumption = hh.consumption_gdp_2018 * base_gdp / 4.0
    gov_consumption = fis.gov_consumption_gdp_2018 * base_gdp / 4.0
    debt = fis.debt_gdp_2018 * base_gdp
    # central transfers close the 2018 budget without levers: spending less own taxes (VAT
    # of every producer, income tax), less the localities' park funds that 2018 paid
    own_taxes = fis.local_tax_share * (
        fis.vat_rate * (cal.industrial_va_2018 * unit + other_va)
        + hh.income_tax_rate * (market + interest)
    )
    park_funds = fis.park_funds_local * unit
    central = gov_consumption + transfers + fis.bond_rate / 4.0 * debt + park_funds - own_taxes
    # 2018 inputs bought from outside the province: all inputs less the raw material and farm
    # products sourced in the province, local_s coef_s Y_i / A_i^gamma at 2018 prices of 1
    s_i = f.col("sector")
    y_in = f.col("Y") / f.col("A") ** p.firms.materials_efficiency
    local = np.where(sectors.raw_input != -1, sectors.local_sourcing * sectors.input_coef, 0.0)
    bought_in = float(f.col("mat").sum() - (local[s_i] * y_in).sum())
    services_demand = (
        hh.services_share * consumption + gov_consumption + env.services_input_share * bought_in
    )
    investment = p.firms.depreciation_q * float(f.col("K").sum()) + park_funds
    return Circuit2018(
        gdp=base_gdp,
        wages=wages,
        producers_income=producers_income,
        disposable_income=income,
        consumption=consumption,
        deposits=deposits,
        transfers=transfers,
        gov_consumption=gov_consumption,
        debt=debt,
        central_transfers=central,
        investment=investment,
        services_demand=services_demand,
        firm_deposits=float(np.sum(f.cash[:n], where=f.alive[:n])),
        firm_debt=float(np.sum(f.debt[:n], where=f.alive[:n])),
    )
