"""Primary, construction and tertiary value added around the modelled industry."""

from __future__ import annotations


class Macro:
    """Quarterly value added of the non-industrial sectors (10k yuan per quarter).

        primary_t      = P_2018 / 4 (1 + g_P)^(t/4)
        construction_t = max(0, C_2018 / 4 - nu I_ref) (1 + g_C)^(t/4) + nu (I_t + parks_t)
        tertiary_t     = T_2018 / 4 (1 + g_T)^(t/4) (H_t / H_ref)^eps
    I_t is industrial investment, parks_t park infrastructure spending, nu the construction
    value added per yuan invested, H_t industry's wage bill; H_ref is the wage bill of the
    2018 population and I_ref its replacement investment (depreciation of the 2018 capital)
    plus the cities' and counties' 2018 park funds.
    """

    def __init__(self, scenario, scale: float, wage_bill_2018: float, investment_2018: float):
        cal, self.env = scenario.calibration, scenario.environment
        unit = 1e4 * scale / 4.0
        self.p0 = cal.primary_va_2018 * unit
        self.c0 = cal.construction_va_2018 * unit
        self.t0 = cal.tertiary_va_2018 * unit
        self.i_ref = investment_2018
        self.h_ref = wage_bill_2018
        self.primary = self.construction = self.tertiary = 0.0

    def update(self, t: int, investment: float, park_spending: float, wage_bill: float) -> None:
        e = self.env
        nu = e.construction_va_per_investment
        self.primary = self.p0 * (1.0 + e.primary_growth) ** (t / 4.0)
        base = max(0.0, self.c0 - nu * self.i_ref) * (1.0 + e.construction_trend_growth) ** (t / 4)
        self.construction = base + nu * (investment + park_spending)
        ratio = max(wage_bill, 0.0) / self.h_ref
        self.tertiary = (
            self.t0
            * (1.0 + e.tertiary_trend_growth) ** (t / 4.0)
            * ratio**e.tertiary_income_elasticity
        )
