"""Park agents: industrial parks co-built by province, city and county."""

from __future__ import annotations

import mesa


class Park(mesa.Agent):
    """An industrial park (a row of ``model.parks``; its funding and infrastructure are built in
    ``steps/parks.py``)."""

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
