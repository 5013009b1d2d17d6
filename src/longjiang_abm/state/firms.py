"""The firm table: one numpy array per variable (struct of arrays), declared and typed below.

Firms are rows of ``FirmTable``: one array per column, fixed dtypes (the narrowest that holds
the range), a capacity that grows geometrically and a liveness mask. Rows of firms that exited
are reused by later entrants (from the next quarter on), so entry and exit touch only the rows
that enter or exit. When the population shrinks, the dead rows left over are given back at a
year end (``compact``, from ``steps/annual.py: compact``): the living rows move to the front
in their order, so the kernels walk about the living firms rather than the largest population
ever reached. A firm thus keeps its row between compactions; its id, never reused, for life.

Each column is declared once, as an annotation of ``FirmTable``:
``name: Annotated[np.ndarray, dtype, "meaning and unit"]``; ``FIRM_COLUMNS`` is derived from
those declarations, so an editor sees ``f.K`` and the table makes exactly these arrays.

All columns live in one zeroed block (``column_block``), each starting on a different 64-byte
line of a 4 KiB page: allocated one by one, columns of a large table are each mapped by the
operating system (``memory.map_large_arrays``) and all start at the same offset within a page,
so that a kernel streaming several of them in step stalls on false store-to-load dependencies
between addresses 4 KiB apart ("4K aliasing"; ``book_income`` took twice as long at a million
firms). Staggered, they behave like the heap-allocated columns of a small table.

Units: money in 10k yuan (万元), flows per quarter; output ``Y`` in 10k yuan at the firm's 2018
prices; employees in persons; productivity ``A`` and quality ``q`` are indices (2018 sector
mean = 1).
"""

from typing import Annotated, get_args, get_type_hints

import numpy as np

from ..memory import release_pages
from .row_block import RowBlock

OWNERSHIPS = ("central_soe", "local_soe", "private", "foreign")
CENTRAL_SOE, LOCAL_SOE, PRIVATE, FOREIGN = range(4)
SIZE_CLASSES = ("large", "medium", "small", "micro")
LARGE, MEDIUM, SMALL, MICRO = range(4)

BOOL, I8, I16, I32, I64, F64 = np.bool_, np.int8, np.int16, np.int32, np.int64, np.float64


class FirmTable:
    """The firm population as a struct of arrays with geometric growth, a liveness mask and a
    list of free rows (rows of firms that exited, reused by entrants)."""

    capacity: int  # rows allocated in every column
    n: int  # rows in use (living or dead)
    next_id: int  # id of the next entrant
    agent: np.ndarray  # each row's Firm agent (object), None until asked for
    free: np.ndarray  # dead rows entrants may take, lowest last
    freed: np.ndarray  # rows of firms that exited this quarter (free from the next)
    block: RowBlock  # the columns' one block, as the row kernels see it (kernels/rows.py)

    id: Annotated[np.ndarray, I64, "firm id, never reused"]
    alive: Annotated[np.ndarray, BOOL, "row holds a living firm"]
    sector: Annotated[np.ndarray, I16, "index into the sector table"]
    owner: Annotated[np.ndarray, I8, "ownership: 0 central SOE, 1 local SOE, 2 private, 3 foreign"]
    pref: Annotated[np.ndarray, I16, "prefecture index"]
    park: Annotated[np.ndarray, I16, "park index, -1 outside any park"]
    age: Annotated[np.ndarray, I32, "age in quarters"]
    born: Annotated[np.ndarray, I32, "quarter of entry (0 = in the 2018 population)"]
    size: Annotated[np.ndarray, I8, "NBS 2017 size class: 0 large, 1 medium, 2 small, 3 micro"]
    K: Annotated[np.ndarray, F64, "capital stock, 10k yuan"]
    L: Annotated[np.ndarray, F64, "employees, persons"]
    A: Annotated[np.ndarray, F64, "total factor productivity index"]
    lnA: Annotated[np.ndarray, F64, "ln A (kept with A)"]
    Ag: Annotated[
        np.ndarray, F64, "A ** gamma, productivity's saving on intermediate inputs (kept with A)"
    ]
    q: Annotated[np.ndarray, F64, "quality / brand index"]
    dig: Annotated[np.ndarray, F64, "digital level, 0-1"]
    emis: Annotated[np.ndarray, F64, "emissions intensity, t CO2 per 10k yuan of output"]
    share: Annotated[np.ndarray, F64, "market share within the sector, 0-1"]
    exp_dem: Annotated[np.ndarray, F64, "expected demand, real output per quarter"]
    D: Annotated[np.ndarray, F64, "demand addressed to the firm this quarter, real output"]
    Y: Annotated[np.ndarray, F64, "output, real 10k yuan per quarter"]
    cap: Annotated[np.ndarray, F64, "capacity, real output per quarter"]
    unfilled: Annotated[np.ndarray, F64, "share of demand left unfilled"]
    price: Annotated[np.ndarray, F64, "price per unit of real output"]
    rev: Annotated[np.ndarray, F64, "revenue, 10k yuan per quarter"]
    va: Annotated[np.ndarray, F64, "value added, 10k yuan per quarter"]
    va_real: Annotated[np.ndarray, F64, "value added at 2018 prices, 10k yuan per quarter"]
    va_real_ytd: Annotated[np.ndarray, F64, "va_real so far this calendar year, 10k yuan"]
    va_real_year: Annotated[np.ndarray, F64, "va_real of the last calendar year, 10k yuan"]
    wages: Annotated[np.ndarray, F64, "wage bill, 10k yuan per quarter"]
    mat: Annotated[np.ndarray, F64, "intermediate inputs bought, 10k yuan per quarter"]
    mat_local: Annotated[np.ndarray, F64, "of which local raw materials from provincial firms"]
    interest: Annotated[np.ndarray, F64, "interest paid, 10k yuan per quarter"]
    tax: Annotated[np.ndarray, F64, "VAT and corporate income tax paid, 10k yuan per quarter"]
    subsidy: Annotated[np.ndarray, F64, "subsidies received, 10k yuan per quarter"]
    rd: Annotated[np.ndarray, F64, "R&D and digital-upgrade spending, 10k yuan per quarter"]
    dig_cost: Annotated[np.ndarray, F64, "digital upgrade cost due next quarter, 10k yuan"]
    profit: Annotated[np.ndarray, F64, "profit after tax, 10k yuan per quarter"]
    dividend: Annotated[np.ndarray, F64, "dividends paid, 10k yuan per quarter"]
    inv_plan: Annotated[np.ndarray, F64, "planned investment, 10k yuan"]
    invest: Annotated[np.ndarray, F64, "investment made, 10k yuan per quarter"]
    loan_dem: Annotated[np.ndarray, F64, "loan demand, 10k yuan"]
    new_loan: Annotated[np.ndarray, F64, "new loans granted, 10k yuan per quarter"]
    repay: Annotated[np.ndarray, F64, "debt repaid, 10k yuan per quarter"]
    rate: Annotated[np.ndarray, F64, "lending rate, per year"]
    bailout: Annotated[np.ndarray, F64, "bail-out received, 10k yuan per quarter"]
    cash: Annotated[np.ndarray, F64, "cash and deposits, 10k yuan"]
    debt: Annotated[np.ndarray, F64, "bank debt, 10k yuan"]
    rev_ytd: Annotated[np.ndarray, F64, "revenue so far this calendar year, 10k yuan"]
    rev_year: Annotated[np.ndarray, F64, "revenue of the last full calendar year, 10k yuan"]
    inv_ytd: Annotated[np.ndarray, F64, "investment so far this calendar year, 10k yuan"]
    K_year: Annotated[np.ndarray, F64, "capital at the start of the calendar year, 10k yuan"]
    shock_sd: Annotated[np.ndarray, F64, "scale of this calendar year's market-share shocks"]
    shock_m: Annotated[np.ndarray, F64, "their mean correction factor, 1 / M"]
    cbase: Annotated[
        np.ndarray, F64, "customer base: share of the demand a firm builds up as it ages, 0-1"
    ]
    died: Annotated[np.ndarray, I32, "quarter of exit (0 while alive)"]
    losses: Annotated[np.ndarray, I32, "consecutive quarters of negative operating cash flow"]
    # transient, per-quarter working columns
    E: Annotated[np.ndarray, F64, "competitiveness this quarter"]
    L_req: Annotated[np.ndarray, F64, "labour wanted this quarter, persons"]
    exiting: Annotated[np.ndarray, BOOL, "flagged to exit this quarter"]
    cash0: Annotated[np.ndarray, F64, "cash at the start of the quarter, 10k yuan"]
    K0: Annotated[np.ndarray, F64, "capital at the start of the quarter, 10k yuan"]
    debt0: Annotated[np.ndarray, F64, "debt at the start of the quarter, 10k yuan"]

    GROWTH = 1.5  # capacity multiplier when the table is full

    def __init__(self, capacity: int = 1024):
        self.capacity = max(16, int(capacity))
        self.n = 0  # rows in use (living or dead)
        self.next_id = 0
        self._set_columns(column_block(self.capacity))
        self._staging: dict[str, np.ndarray] = {}  # entrants' values, for ``scatter_rows``
        self._staging_block: RowBlock | None = None
        self.agent = np.empty(self.capacity, dtype=object)  # each row's Firm, None until asked for
        self.agents_made = False  # set when the first Firm agent is made (agents/registry.py)
        self.free = np.zeros(0, dtype=np.int64)  # dead rows entrants may take, lowest last
        self.freed = np.zeros(0, dtype=np.int64)  # rows of firms that exited this quarter

    def __getstate__(self) -> dict:
        """For a copy (``copy.deepcopy``) or a pickle: the columns as arrays and no block; the
        copy puts them back into a block of its own (``__setstate__``), so that the row
        kernels, which reach the columns through the block, still write the copy's columns."""
        state = self.__dict__.copy()
        del state["block"]
        state["_staging"], state["_staging_block"] = {}, None
        return state

    def __setstate__(self, state: dict) -> None:
        columns = {name: state.pop(name) for name in FIRM_COLUMNS}
        self.__dict__.update(state)
        block = column_block(self.capacity)
        for name, arr in columns.items():
            block[name][:] = arr
        self._set_columns(block)

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
        columns = column_block(new_cap)
        for name, new in columns.items():
            new[: self.n] = getattr(self, name)[: self.n]
        self._set_columns(columns)
        agent = np.empty(new_cap, dtype=object)
        agent[: self.n] = self.agent[: self.n]
        self.agent = agent
        self.capacity = new_cap

    def _set_columns(self, columns: dict[str, np.ndarray]) -> None:
        for name, arr in columns.items():
            setattr(self, name, arr)
        self.block = RowBlock(columns)  # the same block, as the row kernels see it

    def _take_rows(self, count: int) -> tuple[np.ndarray, int]:
        """``count`` rows for entrants: free rows first (lowest index first), then new ones at
        the end (zero, as the block was made or as ``compact`` left them); also how many of
        them are reused (the first ones), which still hold an exited firm's values."""
        reuse = min(count, self.free.size)
        reused = self.free[self.free.size - reuse :][::-1]
        self.free = self.free[: self.free.size - reuse]
        fresh = count - reuse
        self._grow(self.n + fresh)
        rows = np.concatenate((reused, np.arange(self.n, self.n + fresh)))
        self.n += fresh
        return rows, reuse

    def append(self, count: int, *, scatter=None, **values: np.ndarray) -> np.ndarray:
        """Add ``count`` living firms with fresh ids; return their row indices. ``values``:
        columns to set (arrays of ``count`` or scalars), every other column reads 0.

        When all the rows are new (at the end), each column is written as a slice. When some
        are reused, the values are staged in a small block of the same layout and kernel
        ``scatter`` (``kernels/rows.py: scatter_rows``, called by keyword; default: the
        numba kernel) writes every column's rows in one call, zeroing the columns not given."""
        unknown = set(values) - set(FIRM_COLUMNS)
        if unknown:
            raise KeyError(f"unknown firm columns {sorted(unknown)}")
        rows, reuse = self._take_rows(count)
        ids = np.arange(self.next_id, self.next_id + count)
        self.next_id += count
        if not reuse:  # new rows: plain copies
            at = slice(self.n - count, self.n)
            for name, arr in values.items():
                getattr(self, name)[at] = arr
            self.id[at] = ids
            self.alive[at] = True
            return rows
        staged = self._stage(count, values | {"id": ids, "alive": True})
        if scatter is None:
            from ..kernels.rows import scatter_rows as scatter
        scatter(
            rows=rows,
            n=self.n,
            given=np.array([name in values or name in ("id", "alive") for name in staged.names]),
            staged=staged.block,
            staged_start=staged.start,
            **self.block.kernel_args(),
        )
        return rows

    def _stage(self, count: int, values: dict) -> RowBlock:
        """The staging block (grown geometrically, kept between calls) with ``values`` in the
        first ``count`` rows of their columns; the other columns are not read."""
        if not self._staging or self._staging["id"].size < count:
            self._staging = column_block(max(count, int(count * self.GROWTH)))
            self._staging_block = RowBlock(self._staging)
        for name, arr in values.items():
            self._staging[name][:count] = arr
        return self._staging_block

    def kill(self, rows: np.ndarray) -> None:
        """Mark ``rows`` dead; their data stay readable until ``release``."""
        self.alive[rows] = False
        self.freed = np.concatenate((self.freed, np.asarray(rows, dtype=np.int64)))

    def release(self) -> None:
        """End of quarter: rows of firms that exited become free for later entrants."""
        if self.freed.size:  # two ascending runs: the stable sort (timsort) merges them
            runs = np.concatenate((self.free[::-1], np.sort(self.freed)))
            self.free = np.sort(runs, kind="stable")[::-1].copy()
            self.freed = np.zeros(0, dtype=np.int64)

    def compact(self, move_rows) -> np.ndarray:
        """Give the dead rows back: move the living firms' rows to the front of every column,
        in their order (stable), so that ``n`` becomes the living count; returns the old row
        of each new row (``rows[j]`` moved to ``j``). ``move_rows``: the kernel that moves every
        column (``kernels/rows.py: move_rows``, called by keyword), the columns in parallel.

        Every column of ``FIRM_COLUMNS`` moves (in place: no array is reallocated), the rows
        given up are zeroed (fresh rows for later entrants), the free list empties. Ids do not
        change. Firm agents move with their firm: each made agent's ``row`` is updated, so an
        agent obtained before a compaction still reads its own firm; agents of firms that
        exited were already out of the ``agent`` column and keep refusing to read.
        Call between quarters (after ``release``: no exits of the quarter pending)."""
        if self.freed.size:
            raise RuntimeError("compact after release: this quarter's exits are still pending")
        rows = self.alive_rows()
        m, n = rows.size, self.n
        if m < n:
            move_rows(m=m, rows=rows, n=n, **self.block.kernel_args())
            if self.agents_made:  # else the column holds only None: nothing to move
                agent = self.agent
                agent[:m] = agent[rows]
                agent[m:n] = None
                for j in np.flatnonzero(agent[:m]).tolist():  # the agents made (None: falsy)
                    agent[j].row = j
            self.n = m
            self.free = np.zeros(0, dtype=np.int64)
        return rows

    def pack(self, rows: np.ndarray, names) -> dict[str, np.ndarray]:
        """Move ``rows`` to the front of columns ``names`` in place and return views of them
        (no copy of the table; its row layout is destroyed: for a finished run only)."""
        k = rows.size
        out = {}
        for name in names:
            arr = getattr(self, name)
            arr[:k] = arr[rows]
            out[name] = arr[:k]
            release_pages(arr[k:])
        for name in FIRM_COLUMNS.keys() - set(names):  # the block outlives the views: give
            release_pages(getattr(self, name))  # the other columns' memory back now
        return out


FIRM_COLUMNS: dict[str, tuple[type, str]] = {
    name: get_args(hint)[1:3]
    for name, hint in get_type_hints(FirmTable, include_extras=True).items()
    if get_args(hint)
}  # name -> (dtype, meaning and unit), in declaration order

PAGE, LINE = 4096, 64
HUGE_PAGE = 2 << 20  # transparent huge pages (numpy asks for them for large arrays)
STAGGER = 27  # lines between consecutive columns' starts within a page (odd: all 64 differ)


def column_block(capacity: int) -> dict[str, np.ndarray]:
    """Zeroed arrays of ``capacity`` rows for every column, views of one block: column k
    starts at byte ((27 k) mod 64) * 64 of a 4 KiB page, so no two of the first 64 columns
    start at the same offset within a page (declared neighbours 1,728 bytes apart). Columns
    of 2 MB or more start past a 2 MB boundary, so that the unused rows at a column's end never
    share a huge page with the next column's first rows (they stay unmapped until used)."""
    align = HUGE_PAGE if capacity * 8 >= HUGE_PAGE else PAGE
    offsets, pos = {}, 0
    for k, (name, (dtype, _)) in enumerate(FIRM_COLUMNS.items()):
        pos = -(-pos // align) * align + (k * STAGGER) % (PAGE // LINE) * LINE
        offsets[name] = pos
        pos += capacity * np.dtype(dtype).itemsize
    block = np.zeros(pos + align, dtype=np.uint8)
    start = -block.ctypes.data % align  # the block's first boundary
    return {
        name: block[start + off : start + off + capacity * np.dtype(dtype).itemsize].view(dtype)
        for (name, (dtype, _)), off in zip(FIRM_COLUMNS.items(), offsets.values(), strict=True)
    }
