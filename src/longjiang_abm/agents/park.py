"""Park agents: industrial parks co-built by province, city and county."""

from __future__ import annotations

import mesa
import numpy as np


class Park(mesa.Agent):
    """An industrial park (a row of ``model.parks``); it builds infrastructure each quarter."""

    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = row
        self.key = model.parks.keys[row]
        self.name = model.parks.names[row]

    @property
    def prefecture(self) -> str:
        return self.model.prefectures.keys[self.model.parks.pref[self.row]]

    @property
    def chain(self) -> str:
        return self.model.sectors.chains[self.model.parks.chain[self.row]]

    @property
    def infrastructure(self) -> float:
        return float(self.model.parks.infra[self.row])

    @property
    def output(self) -> float:
        """Revenue of its firms this quarter, 10k yuan."""
        return float(self.model.parks.output[self.row])

    def __repr__(self) -> str:
        return f"Park({self.key})"


def build_infrastructure(model) -> None:
    """All parks build infrastructure from this quarter's co-builders' funds.

        I_k <- (1 - delta_I) I_k + F_k / c_I,      capacity_k = capacity0_k max(1, I_k / I0_k)
    where F_k (10k yuan) comes from ``Government.fund_parks`` and c_I is the cost of one unit
    of the infrastructure index.
    """
    p = model.parks
    fiscal = model.params.fiscal
    cost = fiscal.infrastructure_cost * 1e4 * model.scale
    p.infra = (1.0 - fiscal.infrastructure_depreciation_q) * p.infra + p.funds / cost
    p.capacity = p.capacity0 * np.maximum(1.0, p.infra / p.infra0)
