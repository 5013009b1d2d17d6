"""The circuit of income and spending outside the firm table: households, the government, the
other producers (primary, construction, services), the bank's income and balance sheet.

``plan`` runs at the start of the quarter: households decide their consumption out of last
quarter's income and deposits, the government its consumption and transfers; the goods
market then sees the households' goods budget (``steps/goods.py``). ``close`` runs after the
firm table's totals: the other producers' value added from the spending they received, the
bank's income, households' income and saving, the budget and its debt, the bank's
settlement. Equations: the agents' docstrings (``agents/``) and docs/ODD.md.
"""

from __future__ import annotations

import numpy as np


def plan(households, government, t: int, fiscal) -> None:
    """Households' consumption and its split; government consumption and transfers."""
    households.plan_consumption()
    government.plan_spending(t, fiscal.spending_growth)


def local_goods(ss, rev_s: np.ndarray) -> float:
    """Provincial firms' sales to provincial households: each sector's revenue times the
    households' share of its demand this quarter (``ss.household_part``)."""
    return float(ss.household_part @ rev_s)


def close(m, book) -> None:
    """The rest of the economy for quarter ``m.quarter`` (``m``: the model; ``book``: the
    quarter book, its totals made). Writes the producers', the bank's, the households' and
    the government's records for the matrices (``sfc.py``) and the KPI record."""
    p, t = m.params, m.quarter
    fl, st = book.totals.flow, book.totals.stock
    h, gov, bank, prod = m.households, m.government, m.bank, m.producers
    # inputs not bought from provincial firms and farms; sales not to provincial firms or
    # households (the matrices read both from the book)
    book.bought_in = fl["mat"] - fl["mat_local_firm"] - fl["mat_local_farm"]
    book.services_inputs = p.environment.services_input_share * book.bought_in
    book.local_goods = local_goods(m.sector_state, book.totals.rev_s)
    book.sales_outside = fl["rev"] - fl["mat_local_firm"] - book.local_goods
    bond_interest = p.fiscal.bond_rate / 4.0 * gov.debt
    deposits_open = h.deposits
    bank.close_quarter(
        book, new_loans=fl["new_loan"], repayments=fl["repay"], interest=fl["interest"],
        bond_interest=bond_interest, fin=p.finance, deposit_rate=p.households.deposit_rate,
        household_deposits=deposits_open, cit_rate=p.fiscal.cit_rate,
    )  # fmt: skip
    prod.produce(
        t=t,
        investment=book.investment,
        park_spending=gov.park_funds,
        services=h.services + gov.consumption + book.services_inputs + bank.costs,
        farm_sales=fl["mat_local_farm"],
        vat_rate=p.fiscal.vat_rate,
    )
    market = fl["wages"] + fl["dividend"] + book.exit_to_owners + prod.income_paid + bank.dividends
    h.close_quarter(
        local_goods=book.local_goods, market_income=market, interest=bank.deposit_interest,
        transfers=gov.transfers, tax_rate=p.households.income_tax_rate,
        equity_invested=book.entry_equity,
    )  # fmt: skip
    gov.close_budget(
        taxes=fl["tax"], other_taxes=prod.taxes + h.income_tax + bank.tax,
        subsidies=fl["subsidy"], bailouts=fl["bailout"], incentives=book.entry_incentives,
        guarantees=book.guarantee_payouts, programmes=m.inst.lsi_budget_q,
        interest=bond_interest, local_tax_share=p.fiscal.local_tax_share,
    )  # fmt: skip
    received = (
        fl["interest"] + bond_interest + bank.reserve_interest + fl["repay"]
        + book.exit_to_bank + book.guarantee_payouts
    )  # fmt: skip
    paid = bank.new_loans + bank.deposit_interest + bank.costs + bank.tax + bank.dividends
    bank.settle(
        received=received, paid=paid, household_deposits=h.deposits,
        firm_deposits=st["cash"], bonds_bought=-gov.balance,
    )  # fmt: skip


def carry_stocks(ledger, households, government, bank, firm_cash: float, firm_debt: float):
    """The stocks at the end of this quarter, the opening stocks of the next (``ledger``)."""
    ledger.firm_deposits_open = firm_cash
    ledger.firm_debt_open = firm_debt
    ledger.household_deposits_open = households.deposits
    ledger.deposits_open = bank.deposits_h + bank.deposits_f
    ledger.debt_open = government.debt
    ledger.reserves_open = bank.reserves
