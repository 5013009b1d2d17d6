"""The quarter's book (flows, counters, totals) and the ledger kept over the year and the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class QuarterBook:
    """Flows (10k yuan this quarter), counters and totals of one quarter.

    ``model.step`` opens a new book at the start of every quarter; exit and entry write their
    flows into it, the quarter's close writes the totals over the firm table. The accounting
    check (``accounts.py``) and the KPI record read it. The bank books its loan flows from
    it once, at the close (``Bank.close_quarter``).
    """

    quarter: int = 0
    # exit (steps/demography.py: exit_firms)
    exits: int = 0
    exits_sme: int = 0  # of which small and micro firms
    exit_debt: float = 0.0  # debt of exiting firms, leaving the bank's book
    exit_recovered: float = 0.0  # of which the bank recovers (liquidation and guarantees)
    exit_asset_sales: float = 0.0  # liquidated capital sold outside the province
    exit_to_bank: float = 0.0  # liquidation value paid to the bank
    exit_to_owners: float = 0.0  # liquidation value left to owners (households)
    guarantee_payouts: float = 0.0  # guarantee fund's payments on SMEs' unpaid debt
    # entry (steps/demography.py: enter_firms)
    entries: int = 0
    big_projects: int = 0
    promoted_projects: int = 0  # projects brought by co-built parks' joint promotion
    entry_equity: float = 0.0  # owners' equity put into entrants
    entry_incentives: float = 0.0  # government grants to big projects
    entry_loans: float = 0.0  # bank loans to entrants
    entry_loan_batches: list[float] = field(default_factory=list)  # each batch, as booked
    entry_capital: float = 0.0  # capital entrants bring (investment)
    # close of the quarter (model.close_quarter)
    totals: Any = None  # steps.totals.Totals over the firm table
    wages: float = 0.0  # industrial wage bill
    investment: float = 0.0  # incumbents' investment plus entrants' capital
    local_goods: float = 0.0  # provincial firms' sales to provincial households
    services_inputs: float = 0.0  # industry's purchases of provincial services
    bought_in: float = 0.0  # inputs not from provincial firms or farms (services included)
    sales_outside: float = 0.0  # industrial sales outside the province
    accounting_errors: dict[str, float] = field(default_factory=dict)


@dataclass
class RunLedger:
    """Sums kept across quarters: over the calendar year, and over the run."""

    year_profits: float = 0.0  # profits after tax so far this calendar year
    year_capital: float = 0.0  # capital at the start of the year plus entrants' capital
    entrants_drawn: int = 0  # candidate entrants drawn so far (their random-number index)
    # stocks at the start of the quarter (the end of the last), for the stock-flow checks
    firm_deposits_open: float = 0.0  # firms' cash (the firm table)
    firm_debt_open: float = 0.0  # firms' debt (the firm table)
    household_deposits_open: float = 0.0
    deposits_open: float = 0.0  # the bank's deposits (households' and firms')
    debt_open: float = 0.0  # the government's
    reserves_open: float = 0.0  # the bank's interbank position
