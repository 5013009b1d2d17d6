"""The closed economy: the transaction-flow and balance-sheet matrices close every quarter."""

import numpy as np
import pytest

from longjiang_abm import sfc
from longjiang_abm.model import LongjiangModel
from longjiang_abm.params import Scenario
from longjiang_abm.runner import run

TOL = 1e-9


def _check_run(model, quarters):
    for _ in range(quarters):
        model.step()
        errors = sfc.check(model)
        assert max(errors.values()) <= TOL, (model.quarter, errors)
        assert model.book.accounting_errors["gdp_expenditure"] <= TOL


@pytest.mark.slow
def test_matrices_close_at_the_full_population_for_five_years():
    _check_run(LongjiangModel(seed=3), 20)


def test_matrices_close_under_random_scenarios_within_the_bounds():
    """40 scenarios, every float key of the money, household and environment sections drawn
    uniformly within its schema bounds (600 firms, 2 years)."""
    rng = np.random.default_rng(12)
    sections = ("finance", "fiscal", "households", "environment")
    for k in range(40):
        data = {}
        for name in sections:
            fields = type(getattr(Scenario(), name)).model_fields
            values = {}
            for key, info in fields.items():
                bounds = {type(m).__name__: m for m in info.metadata}
                if info.annotation is float and "Ge" in bounds and "Le" in bounds:
                    lo, hi = bounds["Ge"].ge, bounds["Le"].le
                    values[key] = float(rng.uniform(lo, hi))
            data[name] = values
        data["run"] = {"n_firms": 600, "years": 2}
        scenario = Scenario.model_validate(data)
        _check_run(LongjiangModel(scenario, seed=k), 8)


def test_a_flow_booked_on_one_side_breaks_a_row_and_a_column():
    model = LongjiangModel(seed=1, n_firms=600)
    model.step()
    assert max(sfc.check(model).values()) <= TOL
    model.households.transfers += 1e3  # households book a transfer the government never paid
    errors = sfc.check(model)
    assert errors["flow_rows"] > 1e-6
    model.households.transfers -= 1e3
    model.bank.equity += 1e3  # equity not backed by the balance sheet
    assert sfc.check(model)["stock_columns"] > 1e-6


def test_sectors_parquet_holds_both_matrices_of_every_quarter(tmp_path):
    res = run(seed=2, n_firms=600, years=1)
    res.save(tmp_path / "r")
    import pandas as pd

    df = pd.read_parquet(tmp_path / "r" / "sectors.parquet")
    assert set(df["matrix"]) == {"flows", "stocks"}
    assert sorted(df["quarter"].unique()) == [1, 2, 3, 4]
    for (_q, _m, _row), g in df.groupby(["quarter", "matrix", "row"]):
        if _m == "flows":
            assert abs(g["value"].sum()) <= 1e-6 * max(1.0, g["value"].abs().sum())
    flows = df[df["matrix"] == "flows"]
    by_col = flows.groupby(["quarter", "sector"])["value"].agg(["sum", lambda v: v.abs().sum()])
    assert (by_col["sum"].abs() <= 1e-6 * by_col.iloc[:, 1].clip(lower=1.0)).all()
