"""The credit market: the bank lends on ownership- and size-dependent terms."""

from __future__ import annotations

import numpy as np


def clear_credit(model) -> None:
    """Grant this quarter's loans (kernel ``grant_credit``). SME support guarantees part of
    small and micro firms' loans: working capital beyond their own limit and a smaller size
    spread."""
    f, fin, gov, bank = model.firms, model.params.finance, model.government, model.bank
    spreads = np.array(
        [fin.spread_central_soe, fin.spread_local_soe, fin.spread_private, fin.spread_foreign]
    )
    collateral = np.array(
        [
            fin.collateral_central_soe,
            fin.collateral_local_soe,
            fin.collateral_private,
            fin.collateral_foreign,
        ]
    )
    model.k.grant_credit(
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
        spread_small=fin.spread_small * (1.0 - model.inst.small_spread_cut),
        spread_neutral=fin.spread_neutral,
        collateral=collateral,
        collateral_neutral=fin.collateral_neutral,
        neutrality=gov.policy.ownership_neutrality,
        amort=fin.amortization_q,
        bank_equity=bank.equity,
        capital_ratio=fin.bank_capital_ratio,
        guarantee=model.inst.guarantee_z,
        rev_year=f.rev_year,
        cash_target=model.params.firms.cash_target,
    )
