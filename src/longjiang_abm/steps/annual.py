"""The calendar year: what opens at its first quarter and closes at its fourth.

Kernel: ``kernels/annual.py: close_year`` (reads ``rev_ytd``, ``age``, ``L``,
``va_real_ytd``; writes ``rev_year``, ``size``, ``va_real_year``). ``open_year`` writes the
firms' year-to-date columns and the run ledger's yearly sums; ``close_year`` also writes the
parks' annual revenue.
"""

from __future__ import annotations


def open_year(f, ledger) -> None:
    """First quarter of a calendar year: year-to-date revenue and investment start at zero,
    capital at the start of the year is recorded (``K_year``, ``ledger.year_capital``)."""
    f.rev_ytd[: f.n] = 0.0
    f.inv_ytd[: f.n] = 0.0
    f.va_real_ytd[: f.n] = 0.0
    f.K_year[: f.n] = f.K[: f.n]
    ledger.year_profits = 0.0
    ledger.year_capital = float(f.K[f.alive_rows()].sum())


def close_year(k, f, parks) -> None:
    """Fourth quarter: annual revenue, size classes (NBS 2017), parks' annual output."""
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
    )
    parks.rev_year = parks.rev_ytd.copy()
    parks.rev_ytd[:] = 0.0
