"""Accounting identities, checked every quarter (each returns the largest relative error).

- firm cash: for every firm alive at the start of the quarter,
      cash_end - cash_start = rev - mat - wages - interest - tax - rd + subsidy - dividend
                              + new_loan - repay - invest + bailout
- firm net worth: NW_end - NW_start = profit - dividend + bailout
- income approach: sum(va) = sum(wages + depreciation + interest + rd + tax + profit - subsidy)
- bank: the bank's own loan book equals the debt of living firms
- GDP by production: gdp = primary + industry + construction + tertiary, industry = sum(va)
- GDP by expenditure (consumption + government + investment + exports - imports) equals
  GDP by production
- the closed economy (``sfc.check``): every row and column of the quarter's transaction-flow
  and balance-sheet matrices sums to zero, and stocks equal opening stocks plus flows (the
  firms' column is the firm sector's net flow against the change of its cash)
"""

from __future__ import annotations

import numpy as np

from . import sfc


class AccountingError(AssertionError):
    """An accounting identity failed."""


def _rel(a, b, scale=None, where=None) -> float:
    """Largest |a - b| relative to ``scale`` (default max(1, |a|, |b|)), elementwise, over
    the elements flagged in ``where`` (default all)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if scale is None:
        scale = np.maximum(np.abs(a), np.abs(b))
    scale = np.maximum(1.0, scale)
    err = np.abs(a - b) / scale
    return float(np.max(err, where=True if where is None else where, initial=0.0))


def quarter_mask(model) -> np.ndarray:
    """Rows of firms that were alive at the start of this quarter (incl. this quarter's exits):
    born before it and alive, or exited in it."""
    f = model.firms
    n = f.n
    return (f.born[:n] < model.quarter) & (f.alive[:n] | (f.died[:n] == model.quarter))


CHUNK = 1 << 16  # rows per block: contiguous views, so temporaries stay small at any size


def _blocks(mask: np.ndarray):
    """(slice, mask of the slice) over the table in blocks of ``CHUNK`` rows."""
    for k in range(0, mask.size, CHUNK):
        sl = slice(k, min(mask.size, k + CHUNK))
        yield sl, mask[sl]


def _total(x: np.ndarray, mask: np.ndarray) -> float:
    """Sum of ``x`` over the flagged rows, block by block."""
    return float(sum(np.sum(x[sl], where=m) for sl, m in _blocks(mask)))


def firm_cash(model, mask: np.ndarray) -> float:
    f = model.firms
    err = 0.0
    for b, m in _blocks(mask):
        flows = (
            f.rev[b]
            - f.mat[b]
            - f.wages[b]
            - f.interest[b]
            - f.tax[b]
            - f.rd[b]
            + f.subsidy[b]
            - f.dividend[b]
            + f.new_loan[b]
            - f.repay[b]
            - f.invest[b]
            + f.bailout[b]
        )
        gross = f.cash0[b] + f.rev[b] + f.mat[b] + f.new_loan[b] + f.repay[b] + f.invest[b]
        scale = gross + f.bailout[b] + f.debt0[b]
        err = max(err, _rel(f.cash[b] - f.cash0[b], flows, scale, m))
    return err


def firm_net_worth(model, mask: np.ndarray) -> float:
    f = model.firms
    err = 0.0
    for b, m in _blocks(mask):
        nw_end = f.cash[b] + f.K[b] - f.debt[b]
        nw_start = f.cash0[b] + f.K0[b] - f.debt0[b]
        gross = f.cash0[b] + f.K0[b] + f.debt0[b] + f.rev[b] + f.new_loan[b] + f.bailout[b]
        change = f.profit[b] - f.dividend[b] + f.bailout[b]
        err = max(err, _rel(nw_end - nw_start, change, gross, m))
    return err


def income_approach(model, mask: np.ndarray) -> float:
    f = model.firms
    delta = model.params.firms.depreciation_q
    va = income = gross = 0.0
    for b, m in _blocks(mask):
        va += np.sum(f.va[b], where=m)
        parts = (
            f.wages[b]
            + delta * f.K0[b]
            + f.interest[b]
            + f.rd[b]
            + f.tax[b]
            + f.profit[b]
            - f.subsidy[b]
        )
        income += np.sum(parts, where=m)
        gross += np.sum(np.abs(f.rev[b]) + np.abs(f.mat[b]) + np.abs(f.profit[b]), where=m)
    # relative to the gross flows the sums are made of (value added is revenue - materials):
    # rounding, not a missing flow, when costs nearly cancel revenue
    return _rel(va, income, gross)


def bank_book(model) -> float:
    """Loan book against the firms' debt, relative to the book's turnover (the initial book
    plus every flow through it): a running sum of flows carries the rounding error of all of
    them, about 1e-16 of the turnover per addition, whatever the book's size today; a missing
    or doubled flow of a quarter is still many orders of magnitude above it."""
    f = model.firms
    debt = np.sum(f.debt[: f.n], where=f.alive[: f.n])
    scale = max(abs(model.bank.loans), abs(debt), model.bank.turnover)
    return _rel(model.bank.loans, debt, scale)


def gdp(record: dict) -> float:
    parts = (
        record["primary_va"]
        + record["industrial_va"]
        + record["construction_va"]
        + record["tertiary_va"]
    )
    return _rel(record["gdp"], parts)


def check(model, record: dict, tol: float = 1e-9) -> dict[str, float]:
    """Run every identity; raise AccountingError if one is off by more than ``tol``."""
    mask = quarter_mask(model)
    errors = {
        "firm_cash": firm_cash(model, mask),
        "firm_net_worth": firm_net_worth(model, mask),
        "income_approach": income_approach(model, mask),
        "bank_book": bank_book(model),
        "gdp": gdp(record),
        "industry_va": _rel(record["industrial_va"], _total(model.firms.va, mask)),
        "gdp_expenditure": _rel(record["gdp"], sfc.gdp_expenditure(model)),
    }
    errors |= {f"sfc_{k}": v for k, v in sfc.check(model).items()}
    bad = {k: v for k, v in errors.items() if not v <= tol}  # NaN fails too
    if bad:
        raise AccountingError(f"quarter {model.quarter}: identities off: {bad}")
    return errors
