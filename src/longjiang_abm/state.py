"""Struct-of-arrays state: the firm table, the park table and the prefecture table.

Firms are rows of ``FirmTable``: one numpy array per variable, fixed dtypes (the narrowest
that holds the range), a capacity that grows geometrically and a liveness mask. A firm keeps its
row for life; rows of firms that exited are reused by later entrants (from the next quarter on),
so entry and exit touch only the rows that enter or exit and the table stays the size of the
largest living population. Firm ids are never reused.

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
    "sector": (np.int16, "index into the sector table"),
    "owner": (np.int8, "ownership: 0 central SOE, 1 local SOE, 2 private, 3 foreign"),
    "pref": (np.int16, "prefecture index"),
    "park": (np.int16, "park index, -1 outside any park"),
    "age": (np.int32, "age in quarters"),
    "born": (np.int32, "quarter of entry (0 = in the 2018 population)"),
    "size": (np.int8, "NBS 2017 size class: 0 large, 1 medium, 2 small, 3 micro"),
    "K": (np.float64, "capital stock, 10k yuan"),
    "L": (np.float64, "employees, persons"),
    "A": (np.float64, "total factor productivity index"),
    "lnA": (np.float64, "ln A (kept with A)"),
    "Ag": (np.float64, "A ** gamma, productivity's saving on intermediate inputs (kept with A)"),
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
    "shock_sd": (np.float64, "scale of this calendar year's market-share shocks"),
    "shock_m": (np.float64, "their mean correction factor, 1 / M"),
    "died": (np.int32, "quarter of exit (0 while alive)"),
    "losses": (np.int32, "consecutive quarters with a loss"),
    # transient, per-quarter working columns
    "E": (np.float64, "competitiveness this quarter"),
    "L_req": (np.float64, "labour wanted this quarter, persons"),
    "exiting": (np.bool_, "flagged to exit this quarter"),
    "cash0": (np.float64, "cash at the start of the quarter, 10k yuan"),
    "K0": (np.float64, "capital at the start of the quarter, 10k yuan"),
    "debt0": (np.float64, "debt at the start of the quarter, 10k yuan"),
}


class FirmTable:
    """The firm population as a struct of arrays with geometric growth, a liveness mask and a
    list of free rows (rows of firms that exited, reused by entrants)."""

    GROWTH = 1.5  # capacity multiplier when the table is full

    def __init__(self, capacity: int = 1024):
        self.capacity = max(16, int(capacity))
        self.n = 0  # rows in use (living or dead)
        self.next_id = 0
        for name, (dtype, _) in FIRM_COLUMNS.items():
            setattr(self, name, np.zeros(self.capacity, dtype=dtype))
        self.agent = np.empty(self.capacity, dtype=object)  # each row's Firm, None until asked for
        self.free = np.zeros(0, dtype=np.int64)  # dead rows entrants may take, lowest last
        self.freed = np.zeros(0, dtype=np.int64)  # rows of firms that exited this quarter

    # --- views -----------------------------------------------------------------------------
    def col(self, name: str) -> np.ndarray:
        """The used part of column ``name`` (a view)."""
        return getattr(self, name)[: self.n]

    @property
    def n_alive(self) -> int:
        return self.n - self.free.size - self.freed.size

    def alive_rows(self) -> np.ndarray:
        return np.flatnonzero(self.alive[: self.n])

    # --- entry and exit --------------------------------------------------------------------
    def _grow(self, needed: int) -> None:
        new_cap = self.capacity
        while new_cap < needed:
            new_cap = int(new_cap * self.GROWTH) + 1
        if new_cap == self.capacity:
            return
        for name in (*FIRM_COLUMNS, "agent"):
            old = getattr(self, name)
            new = (
                np.zeros(new_cap, dtype=old.dtype)
                if name != "agent"
                else np.empty(new_cap, old.dtype)
            )
            new[: self.n] = old[: self.n]
            setattr(self, name, new)
        self.capacity = new_cap

    def _take_rows(self, count: int, given=()) -> np.ndarray:
        """``count`` rows for entrants: free rows first (lowest index first), then new ones.
        Reused rows are zeroed except for the columns in ``given``, which the caller sets."""
        reuse = min(count, self.free.size)
        reused = self.free[self.free.size - reuse :][::-1]
        self.free = self.free[: self.free.size - reuse]
        fresh = count - reuse
        self._grow(self.n + fresh)
        rows = np.concatenate((reused, np.arange(self.n, self.n + fresh)))
        self.n += fresh
        if reuse:
            for name in FIRM_COLUMNS.keys() - set(given):  # as a fresh row: zero
                getattr(self, name)[reused] = 0
        return rows

    def append(self, count: int, **values: np.ndarray) -> np.ndarray:
        """Add ``count`` living firms with fresh ids; return their row indices."""
        unknown = set(values) - set(FIRM_COLUMNS)
        if unknown:
            raise KeyError(f"unknown firm columns {sorted(unknown)}")
        rows = self._take_rows(count, values.keys() | {"id", "alive"})
        for name, arr in values.items():
            getattr(self, name)[rows] = arr
        self.id[rows] = np.arange(self.next_id, self.next_id + count)
        self.alive[rows] = True
        self.next_id += count
        return rows

    def kill(self, rows: np.ndarray) -> None:
        """Mark ``rows`` dead; their data stay readable until ``release``."""
        self.alive[rows] = False
        self.freed = np.concatenate((self.freed, np.asarray(rows, dtype=np.int64)))

    def release(self) -> None:
        """End of quarter: rows of firms that exited become free for later entrants."""
        if self.freed.size:
            self.free = np.sort(np.concatenate((self.free, self.freed)))[::-1].copy()
            self.freed = np.zeros(0, dtype=np.int64)

    def pack(self, rows: np.ndarray, names) -> dict[str, np.ndarray]:
        """Move ``rows`` to the front of columns ``names`` in place and return views of them
        (no copy of the table; its row layout is destroyed: for a finished run only)."""
        k = rows.size
        out = {}
        for name in names:
            arr = getattr(self, name)
            arr[:k] = arr[rows]
            out[name] = arr[:k]
        return out


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
