"""The banking sector: lends to firms on ownership- and size-dependent terms, holds the
province's deposits and bonds, absorbs losses, and can run out of capital."""

from __future__ import annotations

import mesa


class Bank(mesa.Agent):
    """Aggregate bank (10k yuan). Balance sheet: loans to firms L, provincial bonds B and the
    net position with the rest of China's banking system R (reserves and interbank; negative
    when the province borrows) against deposits of households and firms D and equity E:
        L + B + R = D_H + D_F + E
    Each quarter (``close_quarter``, the only place the loan book changes):
        L <- L - debt of exiting firms + entrants' loans + new loans - repayments
        income = interest on loans + r_B B/4 + r_R R/4 - r_D D_H/4 - write-offs
        profit = (1 - c) income_before_write_offs - write-offs, taxed at the CIT rate; c is
                 the cost-to-income ratio (operating costs bought as provincial services)
        E <- E + profit after tax - dividends (``payout`` of a positive profit)
        R <- R + every payment the bank receives - every payment it makes
                 + the change of deposits - new bonds bought
    so that the balance sheet identity is a check (``sfc.check``), not a definition.
    The capital rule: E >= k (L + w (B + max(R, 0))); ``loan_capital`` is the equity left
    for loans, E - k w (B + max(R, 0)), which the credit market lends up to.
    ``turnover`` (the initial book plus every flow through it) bounds the rounding error of
    the running loan book.
    """

    def __init__(self, model, *, loans: float, household_deposits: float,
                 firm_deposits: float, bonds: float, capital_ratio: float,
                 risk_weight: float):  # fmt: skip
        super().__init__(model)
        k, w = capital_ratio, risk_weight
        deposits = household_deposits + firm_deposits
        self.deposits_h, self.deposits_f = household_deposits, firm_deposits
        # equity 1.5 times the minimum on the 2018 balance sheet (R > 0: solved with R)
        equity = 1.5 * k * (loans * (1.0 - w) + w * deposits) / (1.0 - 1.5 * k * w)
        if deposits + equity - loans - bonds < 0.0:
            equity = 1.5 * k * (loans + w * bonds)
        self.loans = loans
        self.turnover = abs(loans)
        self.bonds = bonds
        self.equity = equity
        self.reserves = deposits + equity - loans - bonds
        self.capital_ratio, self.risk_weight = capital_ratio, risk_weight
        self.interest = self.bond_interest = self.reserve_interest = 0.0
        self.deposit_interest = self.costs = self.tax = 0.0
        self.new_loans = self.repayments = 0.0
        self.writeoffs = self.recovered = self.dividends = 0.0
        self.bonds_bought = self.reserve_change = 0.0

    def loan_capital(self) -> float:
        """Equity available for loans under the capital rule (see the class docstring)."""
        other = self.bonds + max(self.reserves, 0.0)
        return self.equity - self.capital_ratio * self.risk_weight * other

    def capital_adequacy(self) -> float:
        """Equity over risk-weighted assets."""
        rwa = self.loans + self.risk_weight * (self.bonds + max(self.reserves, 0.0))
        return self.equity / rwa if rwa > 0 else 0.0

    def close_quarter(
        self, book, *, new_loans: float, repayments: float, interest: float,
        bond_interest: float, fin, deposit_rate: float, household_deposits: float,
        cit_rate: float,
    ) -> None:  # fmt: skip
        """Book the quarter's flows, in this order: exiting firms' debt leaves the book and
        what is not recovered is written off; entrants' loans join it (each batch as drawn);
        incumbents' new loans and repayments; then income, costs, tax, dividends and equity.
        ``book``: the QuarterBook; ``interest``, ``new_loans``, ``repayments``: the firms'
        totals; ``bond_interest``: paid by the government; ``household_deposits``: at the
        start of the quarter; ``fin``: the finance section. ``settle`` books the reserves."""
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
        self.bond_interest = bond_interest
        self.reserve_interest = fin.interbank_rate / 4.0 * self.reserves
        self.deposit_interest = deposit_rate / 4.0 * household_deposits
        net = self.interest + self.bond_interest + self.reserve_interest - self.deposit_interest
        self.costs = fin.bank_cost_ratio * max(net, 0.0)
        before_tax = net - self.costs - self.writeoffs
        self.tax = cit_rate * max(before_tax, 0.0)
        profit = before_tax - self.tax
        self.dividends = fin.bank_payout * max(profit, 0.0)
        self.equity += profit - self.dividends

    def settle(self, *, received: float, paid: float, household_deposits: float,
               firm_deposits: float, bonds_bought: float) -> None:  # fmt: skip
        """The net position with the rest of China moves with every payment the bank
        ``received`` and ``paid``, the change of its deposits (households' and firms' stocks
        at the end of the quarter) and the new bonds bought."""
        change = household_deposits + firm_deposits - self.deposits_h - self.deposits_f
        self.deposits_h, self.deposits_f = household_deposits, firm_deposits
        self.bonds_bought = bonds_bought
        self.bonds += bonds_bought
        self.reserve_change = received - paid + change - bonds_bought
        self.reserves += self.reserve_change
