"""The provincial government (with its cities and counties): levers, park funds, budget."""

from __future__ import annotations

import mesa
import numpy as np

from ..instruments import instruments
from ..params import PolicyParams


class Government(mesa.Agent):
    """Holds the policy levers in force, funds parks, pays subsidies and bail-outs, taxes.

    The budget tracked here is the industrial-policy account (10k yuan per quarter):
        balance = local_tax_share * taxes - subsidies - park funds - bail-outs
                  - big-project incentives - loan guarantees paid - programme costs
    """

    def __init__(self, model):
        super().__init__(model)
        self.policy: PolicyParams = model.params.policy.at_year(model.start_year)
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

    def set_policy(self, year: int) -> None:
        """Put in force the levers of ``year`` (scenario schedule, or a UI override)."""
        new = self.model.params.policy.at_year(year)
        if self.model.policy_override is not None:
            new = self.model.policy_override
        if new != self.policy or not self.policy_log:
            self.policy_log.append((self.model.quarter, new.model_dump(exclude={"schedule"})))
        self.policy = new
        self.model.inst = instruments(new, self.model.params, self.model.sectors, self.model.scale)

    def fund_parks(self) -> None:
        """Co-builders' funds for park infrastructure this quarter (10k yuan).

        Cities and counties fund every park in proportion to its land capacity:
            F_local_k = park_funds_local / 4 * capacity0_k / sum(capacity0)
        The province adds, by the co-construction lever c, a fund shared by output
        (growth poles attract it):  F_prov_k = c * park_funds_province_max / 4 * w_k,
            w_k = (output_k + mean output) / sum(output + mean output).
        """
        p = self.model.parks
        f = self.model.params.fiscal
        unit = 1e4 * self.model.scale / 4.0
        if len(p) == 0:  # a scenario without parks: nothing to fund
            p.funds = p.funds_province = np.zeros(0)
            self.park_funds = 0.0
            return
        local = f.park_funds_local * unit * p.capacity0 / p.capacity0.sum()
        w = p.output + p.output.mean()
        w = w / w.sum() if w.sum() > 0 else np.full(len(p), 1.0 / len(p))
        prov = self.policy.park_coconstruction * f.park_funds_province_max * unit * w
        p.funds = local + prov
        p.funds_province = prov
        self.park_funds = float(p.funds.sum())

    def close_budget(
        self, taxes: float, subsidies: float, bailouts: float, incentives: float, guarantees: float
    ) -> None:
        """Book this quarter's industrial taxes and spending (the large-small integration
        programme's cost is ``programmes``)."""
        self.taxes = taxes
        self.subsidies = subsidies
        self.bailouts = bailouts
        self.incentives = incentives
        self.guarantees = guarantees
        self.programmes = self.model.inst.lsi_budget_q
        local = self.model.params.fiscal.local_tax_share * taxes
        spending = subsidies + self.park_funds + bailouts + incentives + guarantees
        self.balance = local - spending - self.programmes
        self.cumulative_balance += self.balance
