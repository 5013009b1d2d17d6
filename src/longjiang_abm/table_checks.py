"""Checks of the input tables (sectors, prefectures, sector_prefecture, parks, backbone firms).

The packaged tables live in ``longjiang_abm/tables``; a scenario may replace any of them with
the CSV files of its own folder (``[tables] dir``). Every table is checked before a model is
built: required columns, no empty key tables, numbers that parse and lie in their ranges, shares
that sum to one, and keys that refer to rows of the other tables. A failed check raises
``TableError`` (a ``ScenarioError``: exit status 2 on the command line) naming the file, the
column, the line and what is allowed. ``check_tables`` is what ``longjiang validate`` and the
scenario loader call.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ScenarioError

TABLE_FILES = (
    "sectors.csv",
    "prefectures.csv",
    "sector_prefecture.csv",
    "parks.csv",
    "backbone_firms.csv",
)
SHARE_TOLERANCE = 1e-6
# names the model's code refers to (environment: the oil price; metrics: the 1-trillion clusters)
REQUIRED_SECTORS = ("oil_gas",)
REQUIRED_CHAINS = ("agrifood", "petrochem", "coal", "graphite")
OWNERSHIP_VALUES = ("central_soe", "local_soe", "private", "foreign")


class TableError(ScenarioError):
    """A user error in an input table (file, column, line and what is allowed)."""


@dataclass(frozen=True)
class Number:
    lo: float
    hi: float
    lo_open: bool = False  # lo itself not allowed

    def text(self) -> str:
        return f"{'above' if self.lo_open else 'from'} {self.lo:g} to {self.hi:g}"


INF = float("inf")
SHARE = Number(0.0, 1.0)
POSITIVE = Number(0.0, INF, lo_open=True)

# column -> Number (numeric) or tuple of allowed words (None: any text)
COLUMNS: dict[str, dict[str, Number | tuple[str, ...] | None]] = {
    "sectors.csv": {
        "key": None,
        "name": None,
        "name_zh": None,
        "chain": None,
        "stage": ("raw", "processing", "local"),
        "pillar": None,
        "va_share_2018": SHARE,
        "firm_share": SHARE,
        "va_ratio": Number(0.0, 1.0, lo_open=True),
        "rev_per_worker": Number(1.0, 1e4),
        "capital_output": Number(0.05, 20.0),
        "demand_elasticity": Number(0.0, 10.0),
        "rd_intensity": SHARE,
        "emission_intensity": Number(0.0, 1e3),
        "raw_input": None,
        "raw_input_coef": Number(0.0, 10.0),
        "local_sourcing": SHARE,
        "utilization_2018": Number(0.0, 1.0, lo_open=True),
        "household_share": SHARE,
    },
    "prefectures.csv": {
        "key": None,
        "name_zh": None,
        "lat": Number(-90.0, 90.0),
        "lon": Number(-180.0, 180.0),
        "industry_weight": SHARE,
        "wage_index": Number(0.1, 10.0),
        "population_10k": Number(0.0, 1e4),
    },
    "sector_prefecture.csv": {"sector": None},
    "parks.csv": {
        "key": None,
        "name": None,
        "prefecture": None,
        "level": ("national", "provincial"),
        "chain": None,
        "land_capacity": Number(1.0, 1e9),  # 1e9: no limit in practice
        "infrastructure": Number(0.0, 100.0),
    },
    "backbone_firms.csv": {
        "name": None,
        "sector": None,
        "ownership": OWNERSHIP_VALUES,
        "prefecture": None,
        "park": None,
        "annual_revenue_100m": Number(0.01, 1e5),
        "note": None,
    },
}
SUM_TO_ONE = {
    "sectors.csv": ("va_share_2018", "firm_share"),
    "prefectures.csv": ("industry_weight",),
}
NOT_EMPTY = ("sectors.csv", "prefectures.csv")


def table_source(name: str, folder: str | Path | None) -> tuple[str, bytes]:
    """(label, bytes) of table ``name``: ``folder/name`` if that file exists, else packaged."""
    if folder:
        path = Path(folder) / name
        if path.exists() and not path.is_file():
            raise TableError(f"{path}: not a regular file; expected a CSV table")
        if path.is_file():
            try:
                return str(path), path.read_bytes()
            except OSError as exc:
                raise TableError(f"{path}: cannot read ({exc.strerror})") from None
    with resources.files("longjiang_abm.tables").joinpath(name).open("rb") as fh:
        return f"<packaged tables>/{name}", fh.read()


def parse_table(name: str, label: str, data: bytes) -> pd.DataFrame:
    """The CSV text of table ``name`` as strings, with its columns checked; line numbers of
    rows are index + 2 (after the header)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"{label}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise TableError(f"{label}: empty file; expected a header line with columns "
                         f"{', '.join(COLUMNS[name])}")  # fmt: skip
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]]
    for i, row in enumerate(rows[1:], start=2):
        if row and len(row) != len(header):
            raise TableError(f"{label}: line {i}: {len(row)} fields, the header has {len(header)}")
    missing = [c for c in COLUMNS[name] if c not in header]
    if missing:
        raise TableError(
            f"{label}: missing column(s) {', '.join(missing)}; required: {', '.join(COLUMNS[name])}"
        )
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise TableError(f"{label}: column(s) named twice: {', '.join(dup)}")
    body = [r for r in rows[1:] if r]
    return pd.DataFrame(body, columns=header, dtype=object).fillna("")


def _check_columns(name: str, label: str, df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col, kind in COLUMNS[name].items():
        values = df[col].astype(str).str.strip()
        if isinstance(kind, Number):
            nums = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
            bad = ~np.isfinite(nums)
            bad |= (nums <= kind.lo) if kind.lo_open else (nums < kind.lo)
            bad |= nums > kind.hi
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise TableError(
                    f"{label}: line {i + 2}, column '{col}': {values.iloc[i]!r} is not a number "
                    f"{kind.text()}"
                )
            out[col] = nums
        elif isinstance(kind, tuple):
            bad = ~values.isin(kind)
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise TableError(
                    f"{label}: line {i + 2}, column '{col}': {values.iloc[i]!r}; allowed: "
                    f"{', '.join(kind)}"
                )
            out[col] = values
        else:
            out[col] = values
    return out


def _check_keys(label: str, df: pd.DataFrame, col: str = "key") -> None:
    keys = df[col]
    empty = keys == ""
    if empty.any():
        raise TableError(f"{label}: line {int(np.flatnonzero(empty)[0]) + 2}, column '{col}' "
                         "is empty; every row needs a key")  # fmt: skip
    dup = keys.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise TableError(f"{label}: line {i + 2}, column '{col}': {keys.iloc[i]!r} appears twice")


def _check_refs(label: str, df: pd.DataFrame, col: str, allowed, extra=()) -> None:
    allowed = tuple(extra) + tuple(allowed)
    bad = ~df[col].isin(allowed)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        shown = ", ".join(repr(a) for a in allowed[:20]) + (", ..." if len(allowed) > 20 else "")
        raise TableError(
            f"{label}: line {i + 2}, column '{col}': {df[col].iloc[i]!r} is not one of {shown}"
        )


def _check_sums(label: str, df: pd.DataFrame, cols) -> None:
    for col in cols:
        total = float(df[col].sum())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise TableError(
                f"{label}: column '{col}' sums to {total:.6g}; the shares must sum to 1 "
                f"(within {SHARE_TOLERANCE:g})"
            )


def read_checked(name: str, folder: str | Path | None = None) -> pd.DataFrame:
    """Table ``name`` (from ``folder`` if it has the file, else packaged), each column checked
    on its own (types, ranges, allowed words, unique keys, shares summing to one)."""
    label, data = table_source(name, folder)
    df = _check_columns(name, label, parse_table(name, label, data))
    if name in NOT_EMPTY and len(df) == 0:
        raise TableError(f"{label}: the table has no rows; at least one is required")
    if "key" in df.columns:
        _check_keys(label, df)
    _check_sums(label, df, SUM_TO_ONE.get(name, ()))
    return df


def _stamp(folder: str | Path | None) -> tuple:
    """What identifies the tables of ``folder`` (None: the packaged ones): its path and the
    size, modification time and inode of every CSV file in it."""
    if not folder:
        return (None,)
    f = Path(folder).resolve()
    try:
        files = sorted(p for p in f.iterdir() if p.suffix == ".csv")
        return (str(f), *((p.name, *_stat(p)) for p in files))
    except OSError:
        return (str(f), "unreadable")


def _stat(p: Path) -> tuple:
    st = p.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode


_CHECKED: dict[tuple, dict[str, pd.DataFrame]] = {}


def check_tables(folder: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """All five tables checked, and their references to each other. Returns them by file name
    (numeric columns as float64, the rest as stripped strings).

    A folder is checked once while its files stay unchanged (size, time, inode): a scenario's
    tables are checked when it is loaded, not again for every model built from it."""
    stamp = _stamp(folder)
    if stamp not in _CHECKED:
        _CHECKED[stamp] = _check_tables(folder)
    return {name: df.copy() for name, df in _CHECKED[stamp].items()}


def _check_tables(folder: str | Path | None) -> dict[str, pd.DataFrame]:
    if folder:
        f = Path(folder)
        if not f.is_dir():
            raise TableError(f"{f}: tables folder not found")
        unknown = sorted(
            p.name for p in f.glob("*.csv") if p.name not in TABLE_FILES + ("national_drivers.csv",)
        )
        if unknown:
            raise TableError(
                f"{f}: unknown table(s) {', '.join(unknown)}; allowed: {', '.join(TABLE_FILES)}"
            )
        if not any((f / name).exists() for name in TABLE_FILES):
            raise TableError(
                f"{f}: holds none of the tables {', '.join(TABLE_FILES)}; give at least one, "
                "or leave [tables] dir empty for the packaged tables"
            )
    t = {name: read_checked(name, folder) for name in TABLE_FILES}
    lab = {name: table_source(name, folder)[0] for name in TABLE_FILES}
    sec, pref, parks = t["sectors.csv"], t["prefectures.csv"], t["parks.csv"]
    sectors, prefs, chains = list(sec["key"]), list(pref["key"]), list(dict.fromkeys(sec["chain"]))
    for key in REQUIRED_SECTORS:
        if key not in sectors:
            raise TableError(f"{lab['sectors.csv']}: the model needs a sector with key {key!r}")
    for c in REQUIRED_CHAINS:
        if c not in chains:
            raise TableError(f"{lab['sectors.csv']}: the model needs a chain named {c!r}")
    _check_refs(lab["sectors.csv"], sec, "raw_input", sectors, extra=("", "primary"))
    sp = t["sector_prefecture.csv"]
    sp_label = lab["sector_prefecture.csv"]
    missing = [p for p in prefs if p not in sp.columns]
    if missing:
        raise TableError(f"{sp_label}: no column for prefecture(s) {', '.join(missing)}")
    _check_keys(sp_label, sp, "sector")
    absent = [s for s in sectors if s not in set(sp["sector"])]
    if absent:
        raise TableError(f"{sp_label}: no row for sector(s) {', '.join(absent)}")
    for i, row in sp.iterrows():
        vals = pd.to_numeric(row[prefs], errors="coerce").to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(vals) & (vals >= 0)):
            raise TableError(f"{sp_label}: line {i + 2}: every prefecture's share must be a "
                             "number from 0 to 1")  # fmt: skip
        if row["sector"] in sectors and abs(vals.sum() - 1.0) > SHARE_TOLERANCE:
            raise TableError(
                f"{sp_label}: line {i + 2} (sector {row['sector']!r}): the prefecture shares sum "
                f"to {vals.sum():.6g}; they must sum to 1 (within {SHARE_TOLERANCE:g})"
            )
    _check_refs(lab["parks.csv"], parks, "prefecture", prefs)
    _check_refs(lab["parks.csv"], parks, "chain", chains)
    bb, bb_label = t["backbone_firms.csv"], lab["backbone_firms.csv"]
    _check_refs(bb_label, bb, "sector", sectors)
    _check_refs(bb_label, bb, "prefecture", prefs)
    _check_refs(bb_label, bb, "park", list(parks["key"]), extra=("",))
    return t


__all__ = [
    "COLUMNS",
    "TABLE_FILES",
    "TableError",
    "check_tables",
    "parse_table",
    "read_checked",
    "table_source",
]
