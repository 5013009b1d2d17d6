"""The Python API: ``run(scenario, seed=...)`` returns a ``Result``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import io
from .model import LongjiangModel
from .params import Scenario, load_scenario
from .provenance import provenance
from .state import OWNERSHIPS, SIZE_CLASSES
from .strategy import above_scale


@dataclass
class Result:
    """The outcome of one run: annual KPIs, quarterly aggregates, the final firm table."""

    scenario: Scenario
    seed: int
    kpis: pd.DataFrame
    quarterly: pd.DataFrame
    firms: pd.DataFrame
    meta: dict = field(default_factory=dict)
    sectors: pd.DataFrame | None = None  # the flow and balance-sheet matrices (sfc.py)

    def save(
        self, out: str | Path, overwrite: bool = False, option: str = "overwrite=True"
    ) -> Path:
        """Write kpis.csv, quarterly.parquet, firms.parquet, sectors.parquet, run.json and
        SHA256SUMS into
        ``out``. An existing run there is replaced only with ``overwrite=True`` (atomically);
        a folder holding anything else is never replaced (``io.write_results``). ``option``:
        how the error message tells the user to replace a run."""
        return io.write_results(
            out, self.kpis, self.quarterly, self.firms, self.meta, overwrite, option,
            sectors=self.sectors,
        )  # fmt: skip


FIRM_FILE_COLUMNS = (
    "id sector owner pref park age size K L A q dig emis share Y cap price rev va wages "
    "profit cash debt rev_year"
).split()


def firm_frame(model: LongjiangModel, consume: bool = False) -> pd.DataFrame:
    """The living firms, one row each in order of firm id, with readable categories.

    ``consume=True`` (for a finished run whose model is discarded) packs the rows in place in
    the table's own arrays and returns views of them, so a million-firm table is not copied;
    the model's firm table is unusable afterwards."""
    f = model.firms
    rows = f.alive_rows()
    rows = rows[np.argsort(f.id[rows], kind="stable")]
    if consume:
        d = f.pack(rows, FIRM_FILE_COLUMNS)
    else:
        d = {c: getattr(f, c)[rows] for c in FIRM_FILE_COLUMNS}
    df = pd.DataFrame(d, copy=False)
    df["sector"] = pd.Categorical.from_codes(df["sector"], list(model.sectors.keys))
    df["owner"] = pd.Categorical.from_codes(df["owner"], list(OWNERSHIPS))
    df["pref"] = pd.Categorical.from_codes(df["pref"], list(model.prefectures.keys))
    df["park"] = pd.Categorical.from_codes(df["park"] + 1, ["", *model.parks.keys])
    df["size"] = pd.Categorical.from_codes(df["size"], list(SIZE_CLASSES))
    df["above_scale"] = above_scale(d["rev_year"], model.rev_year_price_level())
    return df.rename(
        columns={
            "owner": "ownership",
            "pref": "prefecture",
            "size": "size_class",
            "K": "capital",
            "L": "employees",
            "A": "productivity",
            "q": "quality",
            "dig": "digital",
            "emis": "emissions_intensity",
            "share": "market_share",
            "Y": "output",
            "cap": "capacity",
            "rev": "revenue_q",
            "va": "value_added_q",
            "wages": "wages_q",
            "profit": "profit_q",
            "rev_year": "revenue_year",
        }
    )


def run(
    scenario: Scenario | str | Path | None = None,
    *,
    seed: int = 0,
    years: int | None = None,
    n_firms: int | None = None,
    backend: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    check_accounts: bool = True,
) -> Result:
    """Simulate ``scenario`` (a Scenario, a TOML path, or None for the baseline).

    ``years``, ``n_firms`` and ``backend`` override the scenario's ``[run]`` section;
    ``progress(done, total)`` is called after every quarter (an exception it raises stops the
    run: the sweeps' per-run timeout). ``check_accounts``: check the accounting identities
    every quarter (``LongjiangModel``; the results are the same either way).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    updates = {"years": years, "n_firms": n_firms, "backend": backend}
    updates = {k: v for k, v in updates.items() if v is not None}
    if updates:
        run_p = scenario.run.model_validate(scenario.run.model_dump() | updates)
        scenario = scenario.model_copy(update={"run": run_p})
    t0 = time.perf_counter()
    model = LongjiangModel(scenario, seed=seed, check_accounts=check_accounts)
    t1 = time.perf_counter()
    quarters = 4 * scenario.run.years
    for q in range(quarters):
        model.step()
        if progress is not None:
            progress(q + 1, quarters)
    t2 = time.perf_counter()
    meta = {
        "scenario": scenario.model_dump(mode="json"),
        "seed": seed,
        **provenance(),
        "timings_s": {"init": t1 - t0, "simulate": t2 - t1},
        "n_firms_end": model.firms.n_alive,
        "above_scale_2018": model.above_scale_2018,
        "quarters": quarters,
    }
    quarterly = model.quarterly_frame()
    kpis = model.kpis()
    sectors = model.sectors_frame()
    firms = firm_frame(model, consume=True)
    model.discard_firms()  # frees the table's other columns and the Firm agents now
    return Result(
        scenario=scenario, seed=seed, kpis=kpis, quarterly=quarterly, firms=firms, meta=meta,
        sectors=sectors,
    )  # fmt: skip


__all__ = ["Result", "run", "firm_frame"]
