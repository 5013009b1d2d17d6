"""Firm agents: light Mesa views onto rows of the firm table.

A ``Firm`` holds only its row (rows are reused only after the firm exits; when a year end
compacts the table, ``FirmTable.compact`` moves the agent with its firm and updates ``row``);
every property reads or writes the arrays, so scripts, AgentSet selections and the UI see the
live state while the kernels do the work. A ``Firm`` kept after its firm exited refuses to read
or write (its row may belong to a later entrant).

A ``Firm`` refers to its model weakly: the firm table keeps the agents in a numpy object
column, which Python's garbage collector does not traverse, so a strong reference back to the
model would make a cycle that is never collected (every model whose Firm agents were asked
for stayed in memory). The model owns its firms; a ``Firm`` outliving its model refuses to read
or write, like one whose firm exited.
"""

from __future__ import annotations

import math
import weakref

import mesa

from ..state import OWNERSHIPS, SIZE_CLASSES
from ..strategy import above_scale


def _column(name: str, doc: str):
    def get(self):
        return getattr(self.model.firms, name)[self._live_row()].item()

    def set_(self, value):
        getattr(self.model.firms, name)[self._live_row()] = value

    return property(get, set_, doc=doc)


class Firm(mesa.Agent):
    """An industrial enterprise (a row of ``model.firms``)."""

    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = row

    @property
    def model(self):
        """The model this firm belongs to (held weakly; ``RuntimeError`` once it is gone)."""
        model = self._model_ref()
        if model is None:
            raise RuntimeError(f"firm agent {self.unique_id}: its model no longer exists")
        return model

    @model.setter
    def model(self, model) -> None:
        self._model_ref = weakref.ref(model)

    def __getstate__(self) -> dict:
        """For a copy of the model (``copy.deepcopy``, pickle): the model itself in place of the
        weak reference, so that the copy's agent refers to the copy's model."""
        return self.__dict__ | {"_model_ref": self.model}

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        model = state.pop("_model_ref")
        self.__dict__.update(state)
        self.model = model

    def _live_row(self) -> int:
        """This firm's row, if it is still in the model (else ``RuntimeError``)."""
        f = self.model.firms
        if f is None or not 0 <= self.row < f.n or f.agent[self.row] is not self:
            raise RuntimeError(f"firm agent {self.unique_id} has exited: its data are gone")
        return self.row

    def step(self) -> None:
        """Firms do not act one by one: the whole population acts at once, in the numba
        kernels that ``model.step()`` (one quarter) calls in the order of its schedule.
        Calling this is always a mistake (e.g. ``agents_by_type[Firm].do("step")``, which
        would otherwise do nothing silently), so it raises."""
        raise NotImplementedError(
            "Firm agents do not step one by one: every firm acts in the numba kernels that "
            "model.step() runs for one quarter (plans, credit, labour, goods, finance, "
            "investment, innovation, exit, entry); call model.step(). A Firm is a view onto "
            "its row of model.firms, for reading and setting its state."
        )

    def remove(self) -> None:
        """Firms leave the model by exiting (``demography.exit_firms`` clears their slots in
        the table's ``agent`` column); the agent of a living firm cannot be removed alone."""
        f = self.model.firms
        if f is not None and 0 <= self.row < f.n and f.agent[self.row] is self:
            if f.alive[self.row]:
                raise RuntimeError("a living firm's agent cannot be removed: firms leave by exit")
            self.model.deregister_agent(self)

    @property
    def firm_id(self) -> int:
        """Firm id (never reused; ``unique_id`` is Mesa's own counter)."""
        return int(self.model.firms.id[self._live_row()])

    capital = _column("K", "capital stock, 10k yuan")
    employees = _column("L", "employees, persons")

    @property
    def productivity(self) -> float:
        """Total factor productivity index (setting it also updates ln A and A^gamma)."""
        return self.model.firms.A[self._live_row()].item()

    @productivity.setter
    def productivity(self, value: float) -> None:
        f, gamma = self.model.firms, self.model.params.firms.materials_efficiency
        row, ln_a = self._live_row(), math.log(value)  # before any write: value > 0
        f.A[row] = value
        f.lnA[row] = ln_a
        f.Ag[row] = value**gamma

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
        return self.model.sectors.keys[self.model.firms.sector[self._live_row()]]

    @property
    def ownership(self) -> str:
        return OWNERSHIPS[self.model.firms.owner[self._live_row()]]

    @property
    def prefecture(self) -> str:
        return self.model.prefectures.keys[self.model.firms.pref[self._live_row()]]

    @property
    def park(self) -> str | None:
        k = self.model.firms.park[self._live_row()]
        return self.model.parks.keys[k] if k >= 0 else None

    @property
    def size_class(self) -> str:
        return SIZE_CLASSES[self.model.firms.size[self._live_row()]]

    @property
    def above_scale(self) -> bool:
        """Revenue of the last full year >= 20 million current yuan (规模以上)."""
        rev = self.model.firms.rev_year[self._live_row()]
        return bool(above_scale(rev, self.model.rev_year_price_level()))

    @property
    def net_worth(self) -> float:
        return self.cash + self.capital - self.debt

    def __repr__(self) -> str:
        return f"Firm(id={self.firm_id}, {self.sector}, {self.ownership}, {self.prefecture})"
