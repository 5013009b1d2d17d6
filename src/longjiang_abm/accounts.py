"""Accounting identities, checked every quarter (each returns the largest relative error).

- firm cash: for every firm alive at the start of the quarter,
      cash_end - cash_start = rev - mat - wages - interest - tax - rd + subsidy - dividend
                              + new_loan - repay - invest + bailout
- firm net worth: NW_end - NW_start = profit - dividend + bailout
- income approach: sum(va) = sum(wages + depreciation + interest + rd + tax + profit - subsidy)
- bank: the bank's own loan book equals the debt of living firms
- GDP by production: gdp = primary + industry + construction + tertiary, industry = sum(va)
- firm sector: its net flow in the matrix of flows between firms, households, bank,
  government and the rest of the world (built by double entry, so the matrix sums to zero)
  equals the change of the firms' cash, entrants and exits included
"""

from __future__ import annotations

import numpy as np


class AccountingError(AssertionError):
    """An accounting identity failed."""


def _rel(a, b, scale=None) -> float:
    """Largest |a - b| relative to ``scale`` (default max(1, |a|, |b|)), elementwise."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if scale is None:
        scale = np.maximum(np.abs(a), np.abs(b))
    scale = np.maximum(1.0, scale)
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0


def quarter_rows(model) -> np.ndarray:
    """Rows of firms that were alive at the start of this quarter (incl. this quarter's exits)."""
    f = model.firms
    n = f.n
    born_before = f.born[:n] < model.quarter
    return np.flatnonzero(born_before & (f.alive[:n] | (f.died[:n] == model.quarter)))


def firm_cash(model) -> float:
    f = model.firms
    r = quarter_rows(model)
    flows = (
        f.rev[r]
        - f.mat[r]
        - f.wages[r]
        - f.interest[r]
        - f.tax[r]
        - f.rd[r]
        + f.subsidy[r]
        - f.dividend[r]
        + f.new_loan[r]
        - f.repay[r]
        - f.invest[r]
        + f.bailout[r]
    )
    gross = f.cash0[r] + f.rev[r] + f.mat[r] + f.new_loan[r] + f.repay[r] + f.invest[r]
    return _rel(f.cash[r] - f.cash0[r], flows, gross + f.bailout[r] + f.debt0[r])


def firm_net_worth(model, K_start: np.ndarray) -> float:
    f = model.firms
    r = quarter_rows(model)
    nw_end = f.cash[r] + f.K[r] - f.debt[r]
    nw_start = f.cash0[r] + K_start[r] - f.debt0[r]
    gross = f.cash0[r] + K_start[r] + f.debt0[r] + f.rev[r] + f.new_loan[r] + f.bailout[r]
    return _rel(nw_end - nw_start, f.profit[r] - f.dividend[r] + f.bailout[r], gross)


def income_approach(model, K_start: np.ndarray) -> float:
    f = model.firms
    r = quarter_rows(model)
    delta = model.scenario.firms.depreciation_q
    income = (
        f.wages[r]
        + delta * K_start[r]
        + f.interest[r]
        + f.rd[r]
        + f.tax[r]
        + f.profit[r]
        - f.subsidy[r]
    )
    # relative to the gross flows the sums are made of (value added is revenue - materials):
    # rounding, not a missing flow, when costs nearly cancel revenue
    gross = np.abs(f.rev[r]).sum() + np.abs(f.mat[r]).sum() + np.abs(f.profit[r]).sum()
    return _rel(f.va[r].sum(), income.sum(), gross)


def bank_book(model) -> float:
    """Loan book against the firms' debt, relative to the book's turnover: a running sum of
    large flows keeps their rounding error after the book has shrunk."""
    f = model.firms
    debt = f.debt[f.alive_rows()].sum()
    scale = max(abs(model.bank.loans), abs(debt), 1e-6 * model.bank.turnover)
    return _rel(model.bank.loans, debt, scale)


def gdp(record: dict) -> float:
    parts = (
        record["primary_va"]
        + record["industrial_va"]
        + record["construction_va"]
        + record["tertiary_va"]
    )
    return _rel(record["gdp"], parts)


def flow_matrix(model) -> dict[tuple[str, str], float]:
    """This quarter's flows (payer, receiver) -> 10k yuan between F(irms), H(ouseholds),
    B(ank), G(overnment) and R(est of the world, incl. the rest of China)."""
    f = model.firms
    r = quarter_rows(model)
    s = lambda x: float(x[r].sum())  # noqa: E731
    sec = model.sectors
    from_firms = sec.raw_input[f.sector[r]] >= 0
    farm = sec.raw_input[f.sector[r]] == -2
    local_firm = float(f.mat_local[r][from_firms & ~farm].sum())
    local_farm = float(f.mat_local[r][farm].sum())
    fl = model.flows
    return {
        ("R", "F"): s(f.rev) - local_firm + fl["exit_asset_sales"],
        ("F", "F"): local_firm,
        ("F", "R"): s(f.mat)
        - local_firm
        - local_farm
        + s(f.rd)
        + s(f.invest)
        + fl["entry_capital"],
        ("F", "H"): s(f.wages) + local_farm + s(f.dividend) + fl["exit_to_owners"],
        ("F", "G"): s(f.tax),
        ("G", "F"): s(f.subsidy) + s(f.bailout) + fl["entry_incentives"],
        ("G", "B"): fl["guarantee_payouts"],
        ("G", "R"): model.government.park_funds + model.government.programmes,
        ("F", "B"): s(f.interest) + s(f.repay) + fl["exit_to_bank"],
        ("B", "F"): s(f.new_loan) + fl["entry_loans"],
        ("H", "F"): fl["entry_equity"],
    }


def sector_balances(model) -> dict[str, float]:
    """Net inflow of each sector (receipts - payments); they sum to zero."""
    net = dict.fromkeys("FHBGR", 0.0)
    for (payer, receiver), x in flow_matrix(model).items():
        net[payer] -= x
        net[receiver] += x
    return net


def firm_sector_cash(model) -> float:
    """The firms' net flow equals the change of their cash, exits' and entrants' included."""
    f = model.firms
    n = f.n
    net = sector_balances(model)["F"]
    change = f.cash[:n][f.alive[:n]].sum() - f.cash0[quarter_rows(model)].sum()
    return _rel(net, change, sum(flow_matrix(model).values()) + f.cash0[: f.n].sum())


def check(model, K_start: np.ndarray, record: dict, tol: float = 1e-9) -> dict[str, float]:
    """Run every identity; raise AccountingError if one is off by more than ``tol``."""
    errors = {
        "firm_cash": firm_cash(model),
        "firm_net_worth": firm_net_worth(model, K_start),
        "income_approach": income_approach(model, K_start),
        "bank_book": bank_book(model),
        "gdp": gdp(record),
        "firm_sector_cash": firm_sector_cash(model),
    }
    bad = {k: v for k, v in errors.items() if v > tol}
    if bad:
        raise AccountingError(f"quarter {model.quarter}: identities off: {bad}")
    return errors
