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
        f.n,
        f.alive,
        f.owner,
        f.size,
        f.K,
        f.cash,
        f.debt,
        f.loan_dem,
        f.rate,
        f.new_loan,
        f.repay,
        fin.base_rate,
        spreads,
        fin.spread_small * (1.0 - model.inst.small_spread_cut),
        fin.spread_neutral,
        collateral,
        fin.collateral_neutral,
        gov.policy.ownership_neutrality,
        fin.amortization_q,
        bank.equity,
        fin.bank_capital_ratio,
        model.inst.guarantee_z,
        f.rev_year,
        model.params.firms.cash_target,
    )
