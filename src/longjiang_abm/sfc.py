"""The quarter's transaction-flow matrix and end-of-quarter balance-sheet matrix (Godley &
Lavoie 2007, ch. 2), built from each sector's own records, and their checks.

Sectors (columns): H households, F industrial firms (the firm table), P other producers
(primary, construction, services), G provincial government, B bank, R rest of China and the
world (the central government included). In the flow matrix a receipt is +, a payment -; in
the financial rows an increase of an asset is - (a use of funds), of a liability +. Every
row and every column sums to zero: rows because what one sector pays another receives,
columns because each sector's receipts less payments are its net acquisition of financial
assets. Entries come from the sector that books them (the firm table's totals, the agents'
records), so a flow booked on one side only breaks a row, and a stock not moved by its
flows breaks a column or the stock-flow check. docs/ODD.md ("The closed economy") shows both
matrices.
"""

from __future__ import annotations

SECTORS = ("H", "F", "P", "G", "B", "R")


def flow_matrix(model) -> dict[str, dict[str, float]]:
    """This quarter's transactions: row -> {sector: amount (10k yuan)}."""
    b, tot = model.book, model.book.totals
    fl, st = tot.flow, tot.stock
    h, g, bank, p = model.households, model.government, model.bank, model.producers
    bought_in, outside = b.bought_in, b.sales_outside
    invest = b.investment
    lever = fl["subsidy"] + fl["bailout"] + b.entry_incentives
    return {
        "industrial goods for households": {"H": -h.local_goods, "F": b.local_goods},
        "imported goods for households": {"H": -h.imported_goods, "R": h.imported_goods},
        "industrial sales outside": {"F": outside, "R": -outside},
        "services": {
            "H": -h.services,
            "G": -g.consumption,
            "F": -b.services_inputs,
            "B": -bank.costs,
            "R": -p.other_services,
            "P": p.services_spending,
        },
        "construction": {
            "F": -invest,
            "G": -g.park_funds,
            "R": -p.other_construction,
            "P": p.construction_spending,
        },
        "farm products for industry": {"F": -fl["mat_local_farm"], "P": fl["mat_local_farm"]},
        "inputs from outside": {
            "F": -(bought_in - b.services_inputs) - fl["rd"],
            "P": -p.inputs_bought_out,
            "R": bought_in - b.services_inputs + fl["rd"] + p.inputs_bought_out,
        },
        "primary sales outside": {"P": p.primary_sales_out, "R": -p.primary_sales_out},
        "producers' surplus out": {"P": -p.surplus_out, "R": p.surplus_out},
        "assets sold outside": {"F": b.exit_asset_sales, "R": -b.exit_asset_sales},
        "households' market income": {
            "F": -(fl["wages"] + fl["dividend"] + b.exit_to_owners),
            "P": -p.income_paid,
            "B": -bank.dividends,
            "H": h.market_income,
        },
        "taxes": {
            "F": -fl["tax"],
            "P": -p.taxes,
            "H": -h.income_tax,
            "B": -bank.tax,
            "G": g.all_taxes,
        },
        "central share of taxes": {"G": -g.central_taxes, "R": g.central_taxes},
        "central transfers": {"G": g.central_transfers, "R": -g.central_transfers},
        "transfers to households": {"G": -g.transfers, "H": h.transfers},
        "subsidies, bail-outs, grants": {
            "G": -g.subsidies - g.bailouts - g.incentives,
            "F": lever,
        },  # fmt: skip
        "loan guarantees": {"G": -g.guarantees, "B": b.guarantee_payouts},
        "programmes": {"G": -g.programmes, "R": g.programmes},
        "interest on loans": {"F": -fl["interest"], "B": bank.interest},
        "interest on bonds": {"G": -g.interest, "B": bank.bond_interest},
        "interest on deposits": {"B": -bank.deposit_interest, "H": h.interest},
        "interest on the interbank position": {
            "B": bank.reserve_interest,
            "R": -bank.reserve_interest,
        },
        # flows of funds
        "change in deposits": {
            "H": -h.saving + h.equity_invested,
            "F": -(st["cash"] - model.ledger.firm_deposits_open),
            "B": bank.deposits_h + bank.deposits_f - model.ledger.deposits_open,
        },
        "change in loans": {
            "F": fl["new_loan"] + b.entry_loans - fl["repay"] - b.exit_to_bank,
            "B": -(bank.new_loans - bank.repayments - b.exit_to_bank),
        },
        "equity of new firms": {"H": -h.equity_invested, "F": b.entry_equity},
        "change in bonds": {"G": -g.balance, "B": -bank.bonds_bought},
        "change in the interbank position": {
            "B": -bank.reserve_change,
            "R": bank.reserve_change,
        },
    }


def balance_sheet(model) -> dict[str, dict[str, float]]:
    """Stocks at the end of the quarter: row -> {sector: amount}; assets +, liabilities -.
    Firms' deposits, debt and capital come from the firm table; the bank's from its books."""
    st = model.book.totals.stock
    h, g, bank = model.households, model.government, model.bank
    firm_nw = st["cash"] + st["K"] - st["debt"]
    bank_nw = bank.loans + bank.bonds + bank.reserves - bank.deposits_h - bank.deposits_f
    return {
        "deposits": {
            "H": h.deposits,
            "F": st["cash"],
            "B": -(bank.deposits_h + bank.deposits_f),
        },  # fmt: skip
        "loans": {"F": -st["debt"], "B": bank.loans},
        "bonds": {"G": -g.debt, "B": bank.bonds},
        "interbank position": {"B": bank.reserves, "R": -bank.reserves},
        "fixed capital": {"F": st["K"]},
        "net worth": {
            "H": -h.deposits,
            "F": -firm_nw,
            "G": g.debt,
            "B": -bank_nw,
            "R": bank.reserves,
        },  # fmt: skip
        "bank equity (its books)": {"B": bank.equity - bank_nw},
    }


def _sum(entries) -> tuple[float, float]:
    """Sum of the entries and the sum of their absolute values (the scale of the error)."""
    values = list(entries)
    return float(sum(values)), float(sum(abs(v) for v in values))


def check(model, tol: float = 1e-9) -> dict[str, float]:
    """Largest relative error of: the flow matrix's rows and columns, the balance sheet's
    financial rows and columns, and the stock-flow identities (each stock at the end equals
    the stock at the start plus its flows and other changes). Relative to the gross entries
    of the row or column (at least 1 yuan of 10k)."""
    tfm, bsm = flow_matrix(model), balance_sheet(model)
    errors = {}

    def rel(total_gross) -> float:
        total, gross = total_gross
        return abs(total) / max(gross, 1.0)

    errors["flow_rows"] = max(rel(_sum(row.values())) for row in tfm.values())
    errors["flow_columns"] = max(
        rel(_sum(row.get(s, 0.0) for row in tfm.values())) for s in SECTORS
    )
    financial = ("deposits", "loans", "bonds", "interbank position")
    errors["stock_rows"] = max(rel(_sum(bsm[r].values())) for r in financial)
    errors["stock_columns"] = max(
        rel(_sum(row.get(s, 0.0) for row in bsm.values())) for s in SECTORS
    )
    errors["stock_flow"] = stock_flow(model, tfm)
    return errors


def stock_flow(model, tfm) -> float:
    """Stocks at the end = at the start + flows (+ other changes: debts of exiting firms that
    were not repaid leave the loan book; write-offs are not transactions)."""
    led, st, b, bank = model.ledger, model.book.totals.stock, model.book, model.bank
    pairs = [
        # firms' debt: the table's stock against the loan flows and the exits' unpaid debt
        (st["debt"], led.firm_debt_open + tfm["change in loans"]["F"]
         - (b.exit_debt - b.exit_to_bank)),
        # households' deposits: their stock against the flows of funds of their column
        (model.households.deposits, led.household_deposits_open
         - tfm["change in deposits"]["H"]),
        # government debt against its bonds; the bank's position against its flows
        (model.government.debt, led.debt_open + tfm["change in bonds"]["G"]),
        (bank.reserves, led.reserves_open + bank.reserve_change),
    ]  # fmt: skip
    return max(abs(a - c) / max(abs(a), abs(c), 1.0) for a, c in pairs)


def gdp_expenditure(model) -> float:
    """GDP by expenditure, 10k yuan this quarter: consumption (households' and the bank's
    financial services) + government consumption and programmes + investment (fixed capital,
    parks, R&D, less assets sold) + exports - imports. ``accounts.check`` compares it with
    GDP by production."""
    b, fl = model.book, model.book.totals.flow
    h, g, bank, p = model.households, model.government, model.bank, model.producers
    bought_in, outside = b.bought_in, b.sales_outside
    consumption = h.consumption + bank.costs
    government = g.consumption + g.programmes
    investment = b.investment + g.park_funds + fl["rd"] - b.exit_asset_sales
    exports = (
        outside + p.other_services + p.other_construction + p.primary_sales_out
        + b.exit_asset_sales
    )  # fmt: skip
    imports = (
        h.imported_goods + bought_in - b.services_inputs + fl["rd"] + p.inputs_bought_out
        + g.programmes
    )  # fmt: skip
    return float(consumption + government + investment + exports - imports)


RECORD_COLUMNS = ("quarter", "year", "matrix", "row", "sector", "value")


def records(model) -> list[tuple]:
    """Both matrices of the quarter as long rows (quarter, matrix, row, sector, value) for
    ``sectors.parquet``: tuples of ``RECORD_COLUMNS`` (``LongjiangModel.sectors_frame``)."""
    quarter, year = model.quarter, model.year
    out = []
    for name, matrix in (("flows", flow_matrix(model)), ("stocks", balance_sheet(model))):
        for row, entries in matrix.items():
            get = entries.get
            out.extend([(quarter, year, name, row, s, float(get(s, 0.0))) for s in SECTORS])
    return out
