"""The model's state, in named bundles.

- ``FirmTable`` (``firms.py``): one row per firm, one typed array per variable;
- ``ParkTable``, ``PrefectureTable`` (``places.py``): parks and prefectures;
- ``SectorState`` (``sector_state.py``): what each sector's market carries from quarter to
  quarter (2018 demand, competitiveness reference, prices, output, fill rates);
- ``QuarterBook``, ``RunLedger`` (``books.py``): the quarter's flows, counters and totals,
  opened fresh each quarter, and the sums kept over the calendar year and the run.

Steps (``steps/``) read and write these bundles; only ``model.py`` assigns attributes of the
model itself.
"""

from .books import QuarterBook, RunLedger
from .firms import (
    CENTRAL_SOE,
    FIRM_COLUMNS,
    FOREIGN,
    LARGE,
    LOCAL_SOE,
    MEDIUM,
    MICRO,
    OWNERSHIPS,
    PRIVATE,
    SIZE_CLASSES,
    SMALL,
    FirmTable,
)
from .places import ParkTable, PrefectureTable
from .sector_state import SectorState

__all__ = [
    "CENTRAL_SOE",
    "FIRM_COLUMNS",
    "FOREIGN",
    "LARGE",
    "LOCAL_SOE",
    "MEDIUM",
    "MICRO",
    "OWNERSHIPS",
    "PRIVATE",
    "SIZE_CLASSES",
    "SMALL",
    "FirmTable",
    "ParkTable",
    "PrefectureTable",
    "QuarterBook",
    "RunLedger",
    "SectorState",
]
