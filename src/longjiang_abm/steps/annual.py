"""The calendar year: what opens at its first quarter and closes at its fourth.

Kernel: ``kernels/annual.py: close_year`` (reads ``rev_ytd``, ``age``, ``L``,
``va_real_ytd``; writes ``rev_year``, ``size``, ``va_real_year``). ``open_year`` writes the
firms' year-to-date columns and the run ledger's yearly sums; ``close_year`` also writes the
parks' annual revenue; ``sector_sizes`` (kernel ``log_revenue_moments``) the sectors' typical
firm size for entry. ``compact`` gives the firm table's dead rows back at the year end
(kernel ``move_rows``).
"""

from __future__ import annotations

import numpy as np


def open_year(f, ledger) -> None:
    """First quarter of a calendar year: year-to-date revenue and investment start at zero,
    capital at the start of the year is recorded (``K_year``, ``ledger.year_capital``)."""
    f.rev_ytd[: f.n] = 0.0
    f.inv_ytd[: f.n] = 0.0
    f.va_real_ytd[: f.n] = 0.0
    f.K_year[: f.n] = f.K[: f.n]
    ledger.year_profits = 0.0
    ledger.year_capital = float(f.K[f.alive_rows()].sum())


def close_year(k, f, parks, price_level: float) -> None:
    """Fourth quarter: annual revenue, size classes (NBS 2017, in current yuan: the year's
    national price level ``price_level``), parks' annual output."""
    k.close_year(
        n=f.n,
        alive=f.alive,
        age=f.age,
        rev_ytd=f.rev_ytd,
        rev_year=f.rev_year,
        L=f.L,
        size=f.size,
        va_real_ytd=f.va_real_ytd,
        va_real_year=f.va_real_year,
        price_level=price_level,
    )
    parks.rev_year = parks.rev_ytd.copy()
    parks.rev_ytd[:] = 0.0


def sector_sizes(k, f, ss) -> None:
    """The typical size of each sector's firms and its spread, for next year's entrants
    (``steps/demography.py: entrant_size``): the mean and sd of the living firms' log annual
    revenue (kernel ``log_revenue_moments``). A sector without a firm with revenue takes the
    province's mean, one with fewer than two such firms the province's sd (pooled over the
    sectors: N sigma^2 = sum_s N_s (sigma_s^2 + (mu_s - mu)^2)), e.g. a sector that big or
    promoted projects open in a small model. Reads ``f.rev_year``; writes ``ss.log_rev_mean``
    and ``ss.log_rev_sd``."""
    mu, sigma, cnt = k.log_revenue_moments(
        n=f.n, alive=f.alive, sector=f.sector, rev_year=f.rev_year, n_sec=ss.ppi.size
    )
    total = max(int(cnt.sum()), 1)
    mu_all = float((cnt * mu).sum()) / total
    sd_all = float(np.sqrt((cnt * (sigma**2 + (mu - mu_all) ** 2)).sum() / total))
    ss.log_rev_mean = np.where(cnt >= 1, mu, mu_all)
    ss.log_rev_sd = np.where(cnt >= 2, sigma, sd_all)


# the year end compacts the firm table when more than this share of its rows are dead
COMPACT_DEAD_SHARE = 0.10


def compact(k, f) -> None:
    """After the fourth quarter's close (its records written, this quarter's exits released):
    if more than ``COMPACT_DEAD_SHARE`` of the rows in use hold firms that exited, move the
    living rows to the front in their order (``FirmTable.compact``, kernel ``move_rows`` on
    every column), so the kernels' loops walk the living firms rather than the rows of the
    largest population ever reached (a dead row costs ~140 ns a quarter in the kernels'
    mispredicted ``if alive[i]`` branches; docs/performance-history.md). Reads ``f.alive``; writes
    every firm column (rows moved), ``f.n``, ``f.free`` and the made Firm agents' ``row``.
    Ids do not change; results change only through the order of the sums over rows."""
    if f.n - f.n_alive > COMPACT_DEAD_SHARE * f.n:
        f.compact(k.move_rows)
