"""What must hold after every quarter of any valid scenario (used by test_properties.py and
test_edge_cases.py)."""

from __future__ import annotations

import numpy as np

from longjiang_abm import LongjiangModel
from longjiang_abm.agents import Firm
from longjiang_abm.state import FIRM_COLUMNS

# KPI / quarterly columns that are fractions of a whole (not secondary_share or pillar_va_share:
# value added can be negative when costs exceed revenue, so a ratio of value added is not bounded)
SHARE_COLUMNS = (
    "soe_output_share",
    "private_output_share",
    "foreign_output_share",
    "top5_share",
    "hhi_output",
    "capacity_utilization",
    "park_output_share",
    "credit_private_share",
    "private_equipment_share",
    "pillar_output_share",
    "local_processing_share",
)
# firm columns that are fractions
FIRM_SHARE_COLUMNS = ("share", "dig", "unfilled")
SHARE_SLACK = 1e-9


def check_quarter(model: LongjiangModel) -> None:
    """Finite firm columns, shares in [0, 1], Mesa agents = living rows, finite record.
    (The accounting identities are checked by the model itself: check_accounts=True.)"""
    f = model.firms
    rows = f.alive_rows()
    for name, (dtype, _) in FIRM_COLUMNS.items():
        if np.issubdtype(dtype, np.floating):
            col = getattr(f, name)[rows]
            assert np.all(np.isfinite(col)), f"firm column {name}: not finite"
    for name in FIRM_SHARE_COLUMNS:
        col = getattr(f, name)[rows]
        assert np.all((col >= -SHARE_SLACK) & (col <= 1 + SHARE_SLACK)), f"firm {name} not in 0-1"
    for name in ("K", "L", "Y", "cap", "price", "debt"):
        assert np.all(getattr(f, name)[rows] >= 0), f"firm column {name}: negative"
    agents = model.agents_by_type[Firm] if Firm in model.agents_by_type else []
    ids = sorted(a.firm_id for a in agents)
    assert ids == sorted(f.id[rows].tolist()), "Mesa Firm agents differ from the living rows"
    assert all(f.alive[a.row] for a in agents)
    rec = model.records[-1]
    for key, value in rec.items():
        if isinstance(value, int | float | np.floating | np.integer):
            assert np.isfinite(value), f"quarterly record {key} = {value}"
    for key in SHARE_COLUMNS:
        if key in rec:
            assert -SHARE_SLACK <= rec[key] <= 1 + SHARE_SLACK, f"{key} = {rec[key]}"


def check_kpis(model: LongjiangModel) -> None:
    k = model.kpis()
    numbers = k.select_dtypes("number")
    bad = [c for c in numbers.columns if not np.all(np.isfinite(numbers[c].to_numpy(float)))]
    assert not bad, f"KPI columns not finite: {bad}"
    for c in SHARE_COLUMNS:
        if c in k.columns:
            v = k[c].to_numpy(float)
            assert np.all((v >= -SHARE_SLACK) & (v <= 1 + SHARE_SLACK)), f"KPI {c} not in 0-1"
    q = model.quarterly_frame()
    year_end = q["quarter"] % 4 == 0  # year-end statistics are recorded in the 4th quarter only
    for c in q.select_dtypes("number").columns:
        v = q[c].to_numpy(float)
        assert not np.isinf(v).any(), f"quarterly column {c}: infinite"
        assert np.isfinite(v[year_end.to_numpy()]).all(), f"quarterly column {c}: NaN at year end"
        if np.isnan(v).any():  # only year-end statistics may be missing, in quarters 1-3
            assert np.isnan(v[~year_end.to_numpy()]).all(), f"quarterly column {c}: NaN"


def simulate(model: LongjiangModel, quarters: int) -> LongjiangModel:
    for _ in range(quarters):
        model.step()
        check_quarter(model)
    check_kpis(model)
    return model
