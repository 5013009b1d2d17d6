"""The provincial government (with its cities and counties): levers, park funds, budget."""

from __future__ import annotations

import mesa

from ..params import PolicyParams


class Government(mesa.Agent):
    """Holds the policy levers in force and the budget: taxes, subsidies, park funds, bail-outs.

    The budget tracked here is the industrial-policy account (10k yuan per quarter):
        balance = local_tax_share * taxes - subsidies - park funds - bail-outs
                  - big-project incentives - loan guarantees paid - programme costs
    """

    def __init__(self, model, policy: PolicyParams):
        super().__init__(model)
        self.policy: PolicyParams = policy  # the levers in force (steps/policy.py)
        self.policy_log: list[tuple[int, dict]] = []
        self.taxes = 0.0
        self.subsidies = 0.0
        self.park_funds = 0.0
        self.bailouts = 0.0
        self.incentives = 0.0
        self.guarantees = 0.0
        self.programmes = 0.0
        self.balance = 0.0  # this quarter's balance
        self.cumulative_balance = 0.0

    def close_budget(
        self,
        taxes: float,
        subsidies: float,
        bailouts: float,
        incentives: float,
        guarantees: float,
        programmes: float,
        local_tax_share: float,
    ) -> None:
        """Book this quarter's industrial taxes and spending (``programmes``: the cost of the
        large-small integration programme; ``local_tax_share``: the province's share of the
        taxes). Park funds (``park_funds``) were set when the parks were funded."""
        self.taxes = taxes
        self.subsidies = subsidies
        self.bailouts = bailouts
        self.incentives = incentives
        self.guarantees = guarantees
        self.programmes = programmes
        local = local_tax_share * taxes
        spending = subsidies + self.park_funds + bailouts + incentives + guarantees
        self.balance = local - spending - self.programmes
        self.cumulative_balance += self.balance
