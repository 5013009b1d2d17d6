"""The credit market: the bank lends on ownership- and size-dependent terms.

Kernel: ``kernels/credit.py: grant_credit``. Reads the firms' loan demand, capital, cash,
debt, ownership and size, the bank's equity and the instruments in force; writes each firm's
lending rate (``rate``), new loans (``new_loan``) and repayments (``repay``). The bank books
the quarter's lending once, at the close (``Bank.close_quarter``).
"""

from __future__ import annotations

import numpy as np

from ..instruments import owner_spreads


def clear(k, f, inst, neutrality: float, bank_equity: float, fin, cash_target: float) -> None:
    """Grant this quarter's loans (``fin``: the scenario's finance section; ``neutrality``:
    the ownership-neutrality lever in force). SME support guarantees part of small and micro
    firms' loans: working capital beyond their own limit and a smaller size spread."""
    spreads = owner_spreads(fin)
    collateral = np.array(
        [
            fin.collateral_central_soe,
            fin.collateral_local_soe,
            fin.collateral_private,
            fin.collateral_foreign,
        ]
    )
    k.grant_credit(
        n=f.n,
        alive=f.alive,
        owner=f.owner,
        size=f.size,
        K=f.K,
        cash=f.cash,
        debt=f.debt,
        loan_dem=f.loan_dem,
        rate=f.rate,
        new_loan=f.new_loan,
        repay=f.repay,
        base_rate=fin.base_rate,
        spreads=spreads,
        spread_small=fin.spread_small * (1.0 - inst.small_spread_cut),
        spread_neutral=fin.spread_neutral,
        collateral=collateral,
        collateral_neutral=fin.collateral_neutral,
        neutrality=neutrality,
        amort=fin.amortization_q,
        bank_equity=bank_equity,
        capital_ratio=fin.bank_capital_ratio,
        guarantee=inst.guarantee_z,
        rev_year=f.rev_year,
        cash_target=cash_target,
    )
