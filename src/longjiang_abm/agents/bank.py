"""The banking sector: lends to firms on ownership- and size-dependent terms, absorbs losses."""

from __future__ import annotations

import mesa


class Bank(mesa.Agent):
    """Aggregate bank with its own loan book and equity (10k yuan).

    Loan book:  loans <- loans + new loans (incumbents' and entrants') - repayments
                         - debt of exiting firms
    Equity:     equity <- equity + interest - write-offs - dividends, where write-offs are the
                exiting firms' debt not recovered from liquidation or loan guarantees
    The loan book is kept from the bank's own flows, booked once a quarter in
    ``close_quarter``; ``accounts.bank_book`` verifies it equals the firms' debt.
    ``turnover`` (the initial book plus every flow through it, in absolute value) bounds the
    rounding error the running sum can accumulate.
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

    def close_quarter(
        self, book, new_loans: float, repayments: float, interest: float, payout: float
    ) -> None:
        """Book the quarter's flows, in this order (the loan book is changed only here):
        exiting firms' debt leaves the book and what is not recovered is written off;
        entrants' loans join it (each batch as drawn); incumbents' new loans and repayments;
        then profit (interest - write-offs), dividends (``payout`` of a positive profit) and
        equity. ``book``: the QuarterBook; the other flows are the firms' totals."""
        self.new_loans = 0.0
        self.loans -= book.exit_debt
        self.turnover += abs(book.exit_debt)
        self.recovered = book.exit_recovered
        self.writeoffs = book.exit_debt - book.exit_recovered
        for loans in book.entry_loan_batches:
            self.new_loans += loans
            self.loans += loans
            self.turnover += abs(loans)
        self.new_loans += new_loans
        self.repayments = repayments
        self.interest = interest
        self.loans += new_loans - repayments
        self.turnover += abs(new_loans) + abs(repayments)
        profit = self.interest - self.writeoffs
        self.dividends = max(0.0, profit) * payout
        self.equity += profit - self.dividends
