"""numba kernels over the firm arrays: arrays in, arrays out, no Python objects.

``load(backend)`` returns a namespace of all kernels for the 'numba' backend or their
plain-Python twins for the 'python' backend (see ``backend.py``).

Developers: numba's on-disk cache is checked per source file, so a kernel compiled against an
older version of a function it calls in another module (e.g. ``rng.py``) is not recompiled.
After editing such a callee, delete the caches: ``find src -name '*.nb[ic]' -delete``.
"""

from .annual import close_year, year_totals
from .backend import load as _load
from .credit import grant_credit
from .demography import census, draw_entrants, entry_counts, exit_firms, location_utilities
from .finance import book_income, invest
from .goods import price_and_competitiveness, produce, update_shares
from .innovation import innovate, location_stats
from .labour import hire, labour_demand
from .plans import plan_firms
from .totals import quarter_totals

KERNELS = {
    f.__name__ if hasattr(f, "__name__") else f.py_func.__name__: f
    for f in (
        plan_firms,
        grant_credit,
        labour_demand,
        hire,
        price_and_competitiveness,
        update_shares,
        produce,
        book_income,
        invest,
        location_stats,
        innovate,
        exit_firms,
        census,
        quarter_totals,
        close_year,
        year_totals,
        entry_counts,
        location_utilities,
        draw_entrants,
    )
}


def load(backend: str = "numba"):
    """All kernels for ``backend`` ('numba' or 'python') as attributes of a namespace."""
    return _load(backend, KERNELS)
