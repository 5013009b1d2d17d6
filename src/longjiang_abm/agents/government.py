"""The provincial government (with its cities and counties): levers, park funds, budget, debt."""

from __future__ import annotations

import mesa

from ..params import PolicyParams


class Government(mesa.Agent):
    """Holds the policy levers in force and the province's whole budget (10k yuan a quarter).

        revenue  = s (taxes of industry + VAT of other producers + income tax + bank tax)
                   + central transfers
        spending = subsidies + bail-outs + big-project incentives + loan guarantees paid
                   + park funds + programme costs                (the levers' fiscal cost)
                   + government consumption + transfers to households + interest on debt
        balance  = revenue - spending;   debt <- debt - balance  (bonds bought by the bank)
    s is the provincial share of taxes (``fiscal.local_tax_share``); the central share goes
    to the centre (the rest of China in the accounts). Consumption G, transfers and central
    transfers grow at ``fiscal.spending_growth`` from their 2018 levels; the 2018 central
    transfers close the 2018 budget (spending without levers less own taxes: docs/ODD.md).
    """

    def __init__(self, model, policy: PolicyParams, *, consumption_2018: float,
                 transfers_2018: float, central_transfers_2018: float,
                 debt: float):  # fmt: skip
        super().__init__(model)
        self.policy: PolicyParams = policy  # the levers in force (steps/policy.py)
        self.policy_log: list[tuple[int, dict]] = []
        self.consumption_2018 = consumption_2018
        self.transfers_2018 = transfers_2018
        self.central_transfers_2018 = central_transfers_2018
        self.debt = debt
        self.taxes = self.subsidies = self.park_funds = self.bailouts = 0.0
        self.incentives = self.guarantees = self.programmes = 0.0
        self.consumption = self.transfers = self.central_transfers = 0.0
        self.interest = self.central_taxes = self.all_taxes = 0.0
        self.balance = 0.0  # this quarter's balance
        self.cumulative_balance = 0.0

    def plan_spending(self, t: int, growth: float) -> None:
        """This quarter's consumption, transfers to households and central transfers."""
        g = (1.0 + growth) ** (t / 4.0)
        self.consumption = self.consumption_2018 * g
        self.transfers = self.transfers_2018 * g
        self.central_transfers = self.central_transfers_2018 * g

    def close_budget(
        self, *, taxes: float, other_taxes: float, subsidies: float, bailouts: float,
        incentives: float, guarantees: float, programmes: float, interest: float,
        local_tax_share: float,
    ) -> None:  # fmt: skip
        """Book this quarter's budget: ``taxes`` of industrial firms, ``other_taxes`` (other
        producers' VAT, income tax, the bank's tax), the levers' costs (park funds were set
        when the parks were funded), ``interest`` on the debt. The deficit is new debt."""
        self.taxes = taxes
        self.subsidies = subsidies
        self.bailouts = bailouts
        self.incentives = incentives
        self.guarantees = guarantees
        self.programmes = programmes
        self.interest = interest
        self.all_taxes = taxes + other_taxes
        self.central_taxes = (1.0 - local_tax_share) * self.all_taxes
        revenue = self.all_taxes - self.central_taxes + self.central_transfers
        levers = subsidies + self.park_funds + bailouts + incentives + guarantees + programmes
        self.balance = revenue - levers - self.consumption - self.transfers - interest
        self.cumulative_balance += self.balance
        self.debt -= self.balance

    def lever_cost(self) -> float:
        """This quarter's fiscal cost of the industrial-policy levers."""
        return (
            self.subsidies + self.park_funds + self.bailouts + self.incentives
            + self.guarantees + self.programmes
        )  # fmt: skip
