"""The banking sector: lends to firms on ownership- and size-dependent terms, absorbs losses."""

from __future__ import annotations

import mesa


class Bank(mesa.Agent):
    """Aggregate bank with its own loan book and equity (10k yuan).

    Loan book:  loans <- loans + new loans (incumbents' and entrants') - repayments
                         - debt of exiting firms
    Equity:     equity <- equity + interest - write-offs - dividends, where write-offs are the
                exiting firms' debt not recovered from liquidation or loan guarantees
    The loan book is kept from the bank's own flows; ``accounts.bank_book`` verifies it equals
    the firms' debt. ``turnover`` (the initial book plus every flow through it, in absolute
    value) bounds the rounding error the running sum can accumulate.
    """

    def __init__(self, model, loans: float, equity: float):
        super().__init__(model)
        self.loans = loans
        self.turnover = abs(loans)
        self.equity = equity
        self.interest = 0.0
        self.new_loans = 0.0
        self.repayments = 0.0
        self.writeoffs = 0.0
        self.recovered = 0.0
        self.dividends = 0.0

    def begin_quarter(self) -> None:
        self.new_loans = 0.0

    def book_lending(self, new_loans: float, repayments: float, interest: float) -> None:
        self.new_loans += new_loans
        self.repayments = repayments
        self.interest = interest
        self.loans += new_loans - repayments
        self.turnover += abs(new_loans) + abs(repayments)

    def book_exits(self, debt: float, recovered: float) -> None:
        """Exiting firms' debt leaves the book; what is not recovered is written off."""
        self.loans -= debt
        self.turnover += abs(debt)
        self.recovered = recovered
        self.writeoffs = debt - recovered

    def book_entry_loans(self, loans: float) -> None:
        self.new_loans += loans
        self.loans += loans
        self.turnover += abs(loans)

    def close_quarter(self) -> None:
        profit = self.interest - self.writeoffs
        self.dividends = max(0.0, profit) * self.model.params.finance.bank_payout
        self.equity += profit - self.dividends
