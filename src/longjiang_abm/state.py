"""Struct-of-arrays state: the firm table, the park table and the prefecture table.

Firms are rows of ``FirmTable``: one numpy array per variable, fixed dtypes, a capacity that
grows geometrically, a liveness mask, and compaction when more than half the used rows are dead.
Firm ids are never reused; a row index is only valid until the next compaction.

Units: money in 10k yuan (万元), flows per quarter; output ``Y`` in 10k yuan at the firm's 2018
prices; employees in persons; productivity ``A`` and quality ``q`` are indices (2018 sector
mean = 1).
"""

from __future__ import annotations

import numpy as np

OWNERSHIPS = ("central_soe", "local_soe", "private", "foreign")
CENTRAL_SOE, LOCAL_SOE, PRIVATE, FOREIGN = range(4)
SIZE_CLASSES = ("large", "medium", "small", "micro")
LARGE, MEDIUM, SMALL, MICRO = range(4)

# name -> (dtype, meaning and unit)
FIRM_COLUMNS: dict[str, tuple[type, str]] = {
    "id": (np.int64, "firm id, never reused"),
    "alive": (np.bool_, "row holds a living firm"),
    "sector": (np.int64, "index into the sector table"),
    "owner": (np.int64, "ownership: 0 central SOE, 1 local SOE, 2 private, 3 foreign"),
    "pref": (np.int64, "prefecture index"),
    "park": (np.int64, "park index, -1 outside any park"),
    "age": (np.int64, "age in quarters"),
    "born": (np.int64, "quarter of entry (0 = in the 2018 population)"),
    "size": (np.int64, "NBS 2017 size class: 0 large, 1 medium, 2 small, 3 micro"),
    "K": (np.float64, "capital stock, 10k yuan"),
    "L": (np.float64, "employees, persons"),
    "A": (np.float64, "total factor productivity index"),
    "q": (np.float64, "quality / brand index"),
    "dig": (np.float64, "digital level, 0-1"),
    "emis": (np.float64, "emissions intensity, t CO2 per 10k yuan of output"),
    "share": (np.float64, "market share within the sector, 0-1"),
    "exp_dem": (np.float64, "expected demand, real output per quarter"),
    "D": (np.float64, "demand addressed to the firm this quarter, real output"),
    "Y": (np.float64, "output, real 10k yuan per quarter"),
    "cap": (np.float64, "capacity, real output per quarter"),
    "unfilled": (np.float64, "share of demand left unfilled"),
    "price": (np.float64, "price per unit of real output"),
    "rev": (np.float64, "revenue, 10k yuan per quarter"),
    "va": (np.float64, "value added, 10k yuan per quarter"),
    "wages": (np.float64, "wage bill, 10k yuan per quarter"),
    "mat": (np.float64, "intermediate inputs bought, 10k yuan per quarter"),
    "mat_local": (np.float64, "of which local raw materials from provincial firms"),
    "interest": (np.float64, "interest paid, 10k yuan per quarter"),
    "tax": (np.float64, "VAT and corporate income tax paid, 10k yuan per quarter"),
    "subsidy": (np.float64, "subsidies received, 10k yuan per quarter"),
    "rd": (np.float64, "R&D and digital-upgrade spending, 10k yuan per quarter"),
    "dig_cost": (np.float64, "digital upgrade cost due next quarter, 10k yuan"),
    "profit": (np.float64, "profit after tax, 10k yuan per quarter"),
    "dividend": (np.float64, "dividends paid, 10k yuan per quarter"),
    "inv_plan": (np.float64, "planned investment, 10k yuan"),
    "invest": (np.float64, "investment made, 10k yuan per quarter"),
    "loan_dem": (np.float64, "loan demand, 10k yuan"),
    "new_loan": (np.float64, "new loans granted, 10k yuan per quarter"),
    "repay": (np.float64, "debt repaid, 10k yuan per quarter"),
    "rate": (np.float64, "lending rate, per year"),
    "bailout": (np.float64, "bail-out received, 10k yuan per quarter"),
    "cash": (np.float64, "cash and deposits, 10k yuan"),
    "debt": (np.float64, "bank debt, 10k yuan"),
    "rev_ytd": (np.float64, "revenue so far this calendar year, 10k yuan"),
    "rev_year": (np.float64, "revenue of the last full calendar year, 10k yuan"),
    "inv_ytd": (np.float64, "investment so far this calendar year, 10k yuan"),
    "K_year": (np.float64, "capital at the start of the calendar year, 10k yuan"),
    "died": (np.int64, "quarter of exit (0 while alive)"),
    "losses": (np.int64, "consecutive quarters with a loss"),
    # transient, per-quarter working columns
    "E": (np.float64, "competitiveness this quarter"),
    "L_req": (np.float64, "labour wanted this quarter, persons"),
    "exiting": (np.bool_, "flagged to exit this quarter"),
    "cash0": (np.float64, "cash at the start of the quarter, 10k yuan"),
    "debt0": (np.float64, "debt at the start of the quarter, 10k yuan"),
}


class FirmTable:
    """The firm population as a struct of arrays with geometric growth and a liveness mask."""

    def __init__(self, capacity: int = 1024):
        self.capacity = max(16, int(capacity))
        self.n = 0  # rows in use (living or dead)
        self.next_id = 0
        for name, (dtype, _) in FIRM_COLUMNS.items():
            setattr(self, name, np.zeros(self.capacity, dtype=dtype))

    # --- views -----------------------------------------------------------------------------
    def col(self, name: str) -> np.ndarray:
        """The used part of column ``name`` (a view)."""
        return getattr(self, name)[: self.n]

    @property
    def n_alive(self) -> int:
        return int(np.count_nonzero(self.alive[: self.n]))

    def alive_rows(self) -> np.ndarray:
        return np.flatnonzero(self.alive[: self.n])

    # --- entry and exit --------------------------------------------------------------------
    def _grow(self, needed: int) -> None:
        new_cap = self.capacity
        while new_cap < needed:
            new_cap *= 2
        if new_cap == self.capacity:
            return
        for name, (dtype, _) in FIRM_COLUMNS.items():
            old = getattr(self, name)
            new = np.zeros(new_cap, dtype=dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)
        self.capacity = new_cap

    def append(self, count: int, **values: np.ndarray) -> np.ndarray:
        """Add ``count`` living firms with fresh ids; return their row indices."""
        unknown = set(values) - set(FIRM_COLUMNS)
        if unknown:
            raise KeyError(f"unknown firm columns {sorted(unknown)}")
        self._grow(self.n + count)
        rows = np.arange(self.n, self.n + count)
        for name, arr in values.items():
            getattr(self, name)[rows] = arr
        self.id[rows] = np.arange(self.next_id, self.next_id + count)
        self.alive[rows] = True
        self.next_id += count
        self.n += count
        return rows

    def kill(self, rows: np.ndarray) -> None:
        self.alive[rows] = False

    def needs_compaction(self) -> bool:
        return self.n > 1024 and self.n_alive < self.n // 2

    def compact(self) -> np.ndarray:
        """Drop dead rows; return ``old_row -> new_row`` (-1 for dropped rows)."""
        keep = self.alive_rows()
        mapping = np.full(self.n, -1, dtype=np.int64)
        mapping[keep] = np.arange(keep.size)
        for name in FIRM_COLUMNS:
            arr = getattr(self, name)
            arr[: keep.size] = arr[keep]
            arr[keep.size : self.n] = 0
        self.n = keep.size
        return mapping

    def to_dict(self, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
        rows = self.alive_rows() if rows is None else rows
        return {name: getattr(self, name)[rows].copy() for name in FIRM_COLUMNS}


class ParkTable:
    """Industrial parks: location, level, specialisation, capacity, infrastructure, funders."""

    def __init__(self, keys, names, pref, national, chain, land_capacity, infrastructure):
        self.keys = list(keys)
        self.names = list(names)
        self.pref = np.asarray(pref, dtype=np.int64)
        self.national = np.asarray(national, dtype=np.bool_)
        self.chain = np.asarray(chain, dtype=np.int64)
        self.capacity0 = np.asarray(land_capacity, dtype=np.float64)
        self.capacity = self.capacity0.copy()
        self.infra0 = np.asarray(infrastructure, dtype=np.float64)
        self.infra = self.infra0.copy()
        n = len(self.keys)
        self.funds = np.zeros(n)  # infrastructure funding received this quarter, 10k yuan
        self.funds_province = np.zeros(n)
        self.output = np.zeros(n)  # revenue this quarter, 10k yuan
        self.rev_ytd = np.zeros(n)
        self.rev_year = np.zeros(n)

    def __len__(self) -> int:
        return len(self.keys)


class PrefectureTable:
    """The 13 prefectures: seat coordinates, labour markets and wages."""

    def __init__(self, keys, names_zh, lat, lon, wage, labour_supply):
        self.keys = list(keys)
        self.names_zh = list(names_zh)
        self.lat = np.asarray(lat, dtype=np.float64)
        self.lon = np.asarray(lon, dtype=np.float64)
        self.wage = np.asarray(wage, dtype=np.float64)  # 10k yuan per worker per year
        self.wage0 = self.wage.copy()  # 2018 wages
        self.labour_pool = np.asarray(labour_supply, dtype=np.float64)  # persons at 2018 wages
        self.labour_supply = self.labour_pool.copy()  # persons at current wages
        self.labour_demand = np.zeros(len(self.keys))
        self.employment = np.zeros(len(self.keys))

    def __len__(self) -> int:
        return len(self.keys)
