"""The quarter's totals over the firm table: flows, stocks; sums by sector, prefecture, park.

Kernel: ``kernels/totals.py: quarter_totals`` (one pass over the table; reads the quarter's
flows and stocks; writes nothing). The result is kept in the quarter book (``book.totals``)
for the budget, the bank, the KPI record and the accounting check.
"""

from __future__ import annotations

from ..kernels.totals import FLOW_TOTALS, STOCK_TOTALS
from ..state import PRIVATE


class Totals:
    """The quarter's totals over the firm table (kernel ``quarter_totals``): ``flow[name]``
    for the names of ``FLOW_TOTALS``, ``stock[name]`` for ``STOCK_TOTALS``, and by sector
    (``va_s``, ``y_s``, ``rev_s``), prefecture (``va_p``) and park (``rev_park``)."""

    def __init__(self, fl, st, va_s, y_s, va_p, rev_park, rev_s):
        self.flow = dict(zip(FLOW_TOTALS, fl.tolist(), strict=True))
        self.stock = dict(zip(STOCK_TOTALS, st.tolist(), strict=True))
        self.va_s, self.y_s, self.va_p, self.rev_park = va_s, y_s, va_p, rev_park
        self.rev_s = rev_s


def totals(k, f, t: int, sectors, defence_sector, n_pref: int, n_parks: int) -> Totals:
    """The quarter's totals over the firm table (one pass; kernel ``quarter_totals``)."""
    sec = sectors
    return Totals(
        *k.quarter_totals(
            n=f.n,
            t=t,
            alive=f.alive,
            born=f.born,
            died=f.died,
            sector=f.sector,
            owner=f.owner,
            size=f.size,
            pref=f.pref,
            park=f.park,
            defence=defence_sector,
            private_from=PRIVATE,
            va=f.va,
            L=f.L,
            wages=f.wages,
            rev=f.rev,
            profit=f.profit,
            emis=f.emis,
            Y=f.Y,
            cap=f.cap,
            new_loan=f.new_loan,
            repay=f.repay,
            interest=f.interest,
            tax=f.tax,
            subsidy=f.subsidy,
            bailout=f.bailout,
            invest=f.invest,
            rd=f.rd,
            dig=f.dig,
            lnA=f.lnA,
            n_sec=len(sec),
            n_pref=n_pref,
            n_parks=n_parks,
            va_real=f.va_real,
            mat=f.mat,
            mat_local=f.mat_local,
            dividend=f.dividend,
            cash=f.cash,
            debt=f.debt,
            K=f.K,
            raw_input=sec.raw_input,
        )
    )
