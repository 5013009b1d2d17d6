"""Firm agents: light Mesa views onto rows of the firm table.

A ``Firm`` holds only its id and current row; every property reads or writes the arrays, so
scripts, AgentSet selections and the UI see the live state while the kernels do the work.
"""

from __future__ import annotations

import math

import mesa

from ..state import OWNERSHIPS, SIZE_CLASSES


def _column(name: str, doc: str):
    def get(self):
        return getattr(self.model.firms, name)[self.row].item()

    def set_(self, value):
        getattr(self.model.firms, name)[self.row] = value

    return property(get, set_, doc=doc)


class Firm(mesa.Agent):
    """An industrial enterprise (a row of ``model.firms``)."""

    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = row  # updated when the table is compacted

    def remove(self) -> None:
        """Deregister from the model (clears this firm's slot in the table's ``agent``
        column; exit clears the slots of all exiting firms at once)."""
        self.model.deregister_agent(self)

    @property
    def firm_id(self) -> int:
        """Firm id (never reused; ``unique_id`` is Mesa's own counter)."""
        return int(self.model.firms.id[self.row])

    capital = _column("K", "capital stock, 10k yuan")
    employees = _column("L", "employees, persons")

    @property
    def productivity(self) -> float:
        """Total factor productivity index (setting it also updates ln A and A^gamma)."""
        return self.model.firms.A[self.row].item()

    @productivity.setter
    def productivity(self, value: float) -> None:
        f, gamma = self.model.firms, self.model.scenario.firms.materials_efficiency
        f.A[self.row] = value
        f.lnA[self.row] = math.log(value)
        f.Ag[self.row] = value**gamma

    quality = _column("q", "quality / brand index")
    digital = _column("dig", "digital level 0-1")
    revenue = _column("rev", "revenue this quarter, 10k yuan")
    value_added = _column("va", "value added this quarter, 10k yuan")
    profit = _column("profit", "profit after tax this quarter, 10k yuan")
    cash = _column("cash", "cash, 10k yuan")
    debt = _column("debt", "bank debt, 10k yuan")
    market_share = _column("share", "share of its sector's sales")
    age = _column("age", "age in quarters")

    @property
    def sector(self) -> str:
        return self.model.sectors.keys[self.model.firms.sector[self.row]]

    @property
    def ownership(self) -> str:
        return OWNERSHIPS[self.model.firms.owner[self.row]]

    @property
    def prefecture(self) -> str:
        return self.model.prefectures.keys[self.model.firms.pref[self.row]]

    @property
    def park(self) -> str | None:
        k = self.model.firms.park[self.row]
        return self.model.parks.keys[k] if k >= 0 else None

    @property
    def size_class(self) -> str:
        return SIZE_CLASSES[self.model.firms.size[self.row]]

    @property
    def above_scale(self) -> bool:
        """Revenue of the last full year >= 20 million yuan (规模以上)."""
        return bool(self.model.firms.rev_year[self.row] >= 2000.0)

    @property
    def net_worth(self) -> float:
        return self.cash + self.capital - self.debt

    def __repr__(self) -> str:
        return f"Firm(id={self.firm_id}, {self.sector}, {self.ownership}, {self.prefecture})"
