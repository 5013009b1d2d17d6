"""Scenario section ``households``: income, consumption and saving of the province's households.

The consumption function is Godley & Lavoie's (2007, ch. 3-4): spending out of last quarter's
disposable income and out of deposits. The 2018 level of consumption fixes the propensity to
consume out of wealth (docs/ODD.md, "The closed economy"); sources and assumptions are in
docs/assumptions.md.
"""

from __future__ import annotations

from .base import _f, _Section


class HouseholdParams(_Section):
    mpc_income: float = _f(
        0.6, 0.3, 0.8, "propensity to consume out of last quarter's disposable income (set)"
    )
    consumption_gdp_2018: float = _f(
        0.45, 0.3, 0.6, "household consumption over GDP in 2018 (sets the wealth propensity)"
    )
    deposits_gdp_2018: float = _f(
        1.0, 0.5, 1.5, "household deposits at the end of 2018 over 2018 GDP (assumption)"
    )
    services_share: float = _f(
        0.442, 0.3, 0.6, "services' share of household consumption (NBS 2018: 44.2%)"
    )
    income_tax_rate: float = _f(
        0.035, 0.0, 0.1, "personal income tax over households' market income"
    )
    transfer_share_2018: float = _f(
        0.181, 0.0, 0.3, "net transfers' share of disposable income in 2018 (NBS 2018H1)"
    )
    deposit_rate: float = _f(
        0.015, 0.0, 0.04, "interest on household deposits, per year (PBoC 1-year benchmark)"
    )
