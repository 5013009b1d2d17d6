"""Primary, construction and services producers: value added from the spending they receive."""

from __future__ import annotations

import mesa

AGRI_GROSS_PER_VA = 1.0 / 0.6  # primary gross output per unit of value added (assumption)


class LocalProducers(mesa.Agent):
    """The province's non-industrial producers as one aggregate (10k yuan per quarter, at
    constant 2018 prices: the model has no price of its own for them, docs/ODD.md).

        primary_t      = P_2018 (1 + g_P)^(t/4)                      (exogenous trend)
        construction_t = nu_C (I_t + parks_t + X_C,t)
        services_t     = nu_T (C_T,t + G_t + beta M_t + X_T,t)
    I_t is industrial investment (incumbents' and entrants' capital, less assets sold out of
    the province), parks_t park infrastructure spending, X_C other construction (housing,
    public works; 2018 level the residual, growing at g_C); C_T households' services, G
    government consumption, M industry's bought-in inputs (beta of them are provincial
    services), X_T services demand not modelled (sold outside the province, imputed rents;
    2018 level the residual, growing at g_T). nu_C, nu_T are the value added per yuan of
    spending; the rest of the spending buys inputs outside the province. Primary output is
    P / 0.6 gross: farm products sold to food processors (``mat_local_farm``) and the rest
    outside. Value added is paid out: VAT on construction and services to the government,
    a share psi (``producers_household_share``: wages and mixed income) of the rest to
    households, and the operating surplus left (consumption of fixed capital, profits of
    owners and reinvestment outside the model) to the rest of China; these producers keep no
    stocks.
    """

    def __init__(self, model, *, scenario, scale: float, investment_2018: float,
                 services_2018: float):  # fmt: skip
        super().__init__(model)
        cal, env = scenario.calibration, scenario.environment
        unit = 1e4 * scale / 4.0
        self.env = env
        self.p0 = cal.primary_va_2018 * unit
        nu_c, nu_t = env.construction_va_per_investment, env.services_va_per_spending
        # 2018 residuals: the spending not modelled that reproduces 2018 value added
        self.other_construction_2018 = max(0.0, cal.construction_va_2018 * unit / nu_c
                                           - investment_2018)  # fmt: skip
        self.other_services_2018 = max(0.0, cal.tertiary_va_2018 * unit / nu_t - services_2018)
        self.primary = self.construction = self.tertiary = 0.0
        self.construction_spending = self.services_spending = 0.0
        self.other_construction = self.other_services = 0.0
        self.primary_sales_out = self.inputs_bought_out = 0.0
        self.taxes = self.income_paid = self.surplus_out = 0.0

    def produce(self, *, t: int, investment: float, park_spending: float, services: float,
                farm_sales: float, vat_rate: float) -> None:  # fmt: skip
        """Value added of quarter ``t`` from the spending received (``services``: households',
        the government's and industry's spending on services), and where it goes."""
        e = self.env
        self.primary = self.p0 * (1.0 + e.primary_growth) ** (t / 4.0)
        self.other_construction = self.other_construction_2018 * (
            1.0 + e.construction_trend_growth
        ) ** (t / 4.0)
        self.other_services = self.other_services_2018 * (1.0 + e.tertiary_trend_growth) ** (
            t / 4.0
        )
        self.construction_spending = investment + park_spending + self.other_construction
        self.services_spending = services + self.other_services
        self.construction = e.construction_va_per_investment * self.construction_spending
        self.tertiary = e.services_va_per_spending * self.services_spending
        gross_primary = AGRI_GROSS_PER_VA * self.primary
        self.primary_sales_out = gross_primary - farm_sales
        self.inputs_bought_out = (
            gross_primary
            - self.primary
            + self.construction_spending
            - self.construction
            + self.services_spending
            - self.tertiary
        )
        self.taxes = vat_rate * (self.construction + self.tertiary)
        after_tax = self.primary + self.construction + self.tertiary - self.taxes
        self.income_paid = e.producers_household_share * after_tax
        self.surplus_out = after_tax - self.income_paid
