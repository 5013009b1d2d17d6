"""The province's households: income in, consumption and taxes out, saving as bank deposits."""

from __future__ import annotations

import mesa


class Households(mesa.Agent):
    """The household sector as one agent (10k yuan per quarter; deposits a stock).

    Consumption (Godley & Lavoie 2007, model PC), decided at the start of the quarter:
        C_t = alpha_1 YD_{t-1} + alpha_2 V_{t-1}
    with YD disposable income and V deposits. alpha_1 is set (``households.mpc_income``);
    alpha_2 reproduces 2018: alpha_2 = max(0, C_2018 - alpha_1 YD_2018) / V_2018. Of C a share
    sigma (``services_share``) buys provincial services; the rest is the goods budget, spent
    on provincial industry as far as its firms win that demand (``steps/goods.py``) and on
    goods from outside the province otherwise.

    Disposable income and saving, booked at the close of the quarter:
        YD = (1 - tau_H) (wages + dividends + liquidation values + producers' income
                          + bank dividends + deposit interest) + transfers
        V_t = V_{t-1} + YD - C - equity put into new firms
    """

    def __init__(self, model, *, income_2018: float, consumption_2018: float, deposits: float,
                 mpc: float, services_share: float):  # fmt: skip
        super().__init__(model)
        self.mpc = mpc
        self.services_share = services_share
        self.deposits = deposits  # V, 10k yuan
        self.disposable_income = income_2018  # YD of the last quarter
        self.wealth_propensity = max(0.0, consumption_2018 - mpc * income_2018) / deposits
        self.consumption_2018 = consumption_2018
        self.goods_budget_2018 = (1.0 - services_share) * consumption_2018
        self.consumption = self.services = self.goods_budget = 0.0
        self.local_goods = self.imported_goods = 0.0
        self.market_income = self.income_tax = self.transfers = self.interest = 0.0
        self.equity_invested = 0.0
        self.saving = 0.0

    def plan_consumption(self) -> None:
        """This quarter's consumption out of last quarter's income and deposits; its split
        into services and the goods budget."""
        c = self.mpc * self.disposable_income + self.wealth_propensity * self.deposits
        self.consumption = c
        self.services = self.services_share * c
        self.goods_budget = c - self.services

    def goods_index(self) -> float:
        """The goods budget relative to 2018 (nominal): the households' demand for a sector's
        goods is this over the sector's price index (unit-elastic, Cobb-Douglas budget shares)."""
        return self.goods_budget / self.goods_budget_2018

    def close_quarter(
        self, *, local_goods: float, market_income: float, interest: float,
        transfers: float, tax_rate: float, equity_invested: float,
    ) -> None:  # fmt: skip
        """Book the quarter: goods bought from provincial firms (``local_goods``; the rest of
        the goods budget is imported), market income (wages, dividends, liquidation values,
        producers' and the bank's payouts), deposit interest, transfers, income tax at
        ``tax_rate``, equity put into entrants; deposits change by the saving."""
        self.local_goods = local_goods
        self.imported_goods = self.goods_budget - local_goods
        self.market_income = market_income
        self.interest = interest
        self.transfers = transfers
        self.income_tax = tax_rate * (market_income + interest)
        self.disposable_income = market_income + interest - self.income_tax + transfers
        self.equity_invested = equity_invested
        self.saving = self.disposable_income - self.consumption
        self.deposits += self.saving - equity_invested
