"""numba kernels over the firm arrays: arrays in, arrays out, no Python objects.

``Kernels`` is the registry of every kernel the model calls, by name; ``load(backend)`` gives
the numba kernels ('numba') or an instance whose attributes are their plain-Python twins
('python', see ``twins.py``). Steps call them by keyword: ``k.hire(n=..., alive=..., ...)``.

Developers: numba's on-disk cache is checked per source file, so a kernel compiled against an
older version of a function it calls in another module (e.g. ``rng.py``) is not recompiled.
After editing such a callee, delete the caches: ``find src -name '*.nb[ic]' -delete``.
"""

from __future__ import annotations

from . import (
    annual,
    credit,
    demography,
    finance,
    goods,
    innovation,
    labour,
    liquidation,
    opening,
    plans,
    population,
    rows,
    totals,
)
from .backend import load as _load


class Kernels:
    """Every kernel of the quarter, by name (each a numba dispatcher; see its module)."""

    # population.py (the 2018 population's build)
    scaled_sizes = staticmethod(population.scaled_sizes)
    draw_prefectures = staticmethod(population.draw_prefectures)
    assign_parks = staticmethod(population.assign_parks)
    calibrate_markups = staticmethod(population.calibrate_markups)
    # opening.py (the 2018 population's opening books)
    opening_books = staticmethod(opening.opening_books)
    # plans.py
    plan_firms = staticmethod(plans.plan_firms)
    # credit.py
    grant_credit = staticmethod(credit.grant_credit)
    # labour.py
    labour_demand = staticmethod(labour.labour_demand)
    hire = staticmethod(labour.hire)
    # goods.py
    unit_cost = staticmethod(goods.unit_cost)
    price_and_competitiveness = staticmethod(goods.price_and_competitiveness)
    update_shares = staticmethod(goods.update_shares)
    open_shares = staticmethod(goods.open_shares)
    produce = staticmethod(goods.produce)
    # finance.py
    book_income = staticmethod(finance.book_income)
    invest = staticmethod(finance.invest)
    # innovation.py
    location_stats = staticmethod(innovation.location_stats)
    innovate = staticmethod(innovation.innovate)
    # demography.py
    exit_firms = staticmethod(demography.exit_firms)
    # liquidation.py
    liquidate = staticmethod(liquidation.liquidate)
    census = staticmethod(demography.census)
    entry_counts = staticmethod(demography.entry_counts)
    location_utilities = staticmethod(demography.location_utilities)
    draw_entrants = staticmethod(demography.draw_entrants)
    # rows.py (entrants' rows in the firm table)
    scatter_rows = staticmethod(rows.scatter_rows)
    # totals.py
    quarter_totals = staticmethod(totals.quarter_totals)
    # annual.py
    size_classes = staticmethod(annual.size_classes)
    close_year = staticmethod(annual.close_year)
    comparable_real_va = staticmethod(annual.comparable_real_va)
    year_totals = staticmethod(annual.year_totals)
    log_revenue_moments = staticmethod(annual.log_revenue_moments)
    # rows.py (the year end's compaction of the firm table)
    move_rows = staticmethod(rows.move_rows)

    backend = "numba"  # or "python" (``backend.load``: then each kernel is its twin)

    def __reduce__(self):
        """A copy or pickle of a model loads its kernels afresh (they hold no state; the
        twins are functions built at run time, which pickle cannot name)."""
        return load, (self.backend,)

    @classmethod
    def items(cls):
        """(name, jitted kernel) for every kernel, in schedule order."""
        return [(k, v.__func__) for k, v in vars(cls).items() if isinstance(v, staticmethod)]


KERNELS = dict(Kernels.items())


def load(backend: str = "numba") -> Kernels:
    """The kernels for ``backend`` ('numba' or 'python')."""
    return _load(backend, Kernels)
