"""What one frame of the UI shows: aggregates of the model at the current quarter.

A ``Snapshot`` is computed from the model right after a step (under the session's lock) and is
never changed afterwards, so the components draw from it while the model runs on. Everything
is aggregated first (parks, prefectures, sectors, 50 points of the size distribution): a frame
never carries one value per firm.

Units: money in 100m yuan (亿元); flows per quarter unless a name says ``_year`` (annualised:
the quarter's value times 4); shares 0-1; employment in persons; wages in yuan per year.
Counts marked ``_rr`` ("run-rate") classify firms, industries and parks by their annualised
revenue of the latest quarter; the official KPIs of the same name (``metrics.year_end_record``)
use the calendar year's revenue and exist only at the end of each year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..state import CENTRAL_SOE, FOREIGN, LOCAL_SOE, PRIVATE
from ..strategy import above_scale

ONE_BN = 1e5  # 1 bn yuan in 10k yuan (per year)
TEN_BN = 1e6  # 10 bn yuan in 10k yuan (per year)
HUNDRED_BN = 1e7
MONEY_COLUMNS = (
    "gdp",
    "primary_va",
    "industrial_va",
    "construction_va",
    "secondary_va",
    "tertiary_va",
    "investment",
    "revenue",
    "profits",
    "tax_revenue",
    "subsidies",
    "bailouts",
    "park_funds",
    "fiscal_balance",
    "wage_bill",
)
CCDF_POINTS = 50
CCDF_FROM = 0.1  # million yuan: the CCDF is drawn from firms of 100,000 yuan a year up


def quarter_label(quarter: int, start_year: int = 2019) -> str:
    """``2018Q4`` for quarter 0 (the initial state), ``2019Q1`` for quarter 1, ..."""
    if quarter <= 0:
        return f"{start_year - 1}Q4"
    return f"{start_year + (quarter - 1) // 4}Q{(quarter - 1) % 4 + 1}"


def quarter_time(quarter: int, start_year: int = 2019) -> float:
    """Fractional year of a quarter: 2019.0 for 2019Q1, 2018.75 for the initial state."""
    return start_year + (quarter - 1) / 4.0


def live_measures(model) -> dict:
    """Measures of the current firm population (run-rate counts and ownership shares)."""
    f = model.firms
    r = f.alive_rows()
    rev4 = f.rev[r] * 4.0
    # the size thresholds are in current yuan: in the model's yuan of 2018 purchasing power,
    # the current amounts over this year's national price level (strategy.above_scale)
    level = model.env.price_level
    provincial = model.scale / level  # provincial thresholds: population scale, current yuan
    rev_s = np.bincount(f.sector[r], weights=rev4, minlength=len(model.sectors))
    in_park = f.park[r] >= 0
    rev_p = np.bincount(f.park[r][in_park], weights=rev4[in_park], minlength=len(model.parks))
    total = rev4.sum()
    owner = f.owner[r]

    def share(mask):
        return float(rev4[mask].sum() / total) if total > 0 else 0.0

    return {
        "quarter": model.quarter,
        "above_scale_rr": int(np.count_nonzero(above_scale(rev4, level))),
        "firms_1bn_rr": int(np.count_nonzero(rev4 >= ONE_BN / level)),
        "firms_10bn_rr": int(np.count_nonzero(rev4 >= TEN_BN / level)),
        "industries_10bn_rr": int(np.count_nonzero(rev_s >= TEN_BN * provincial)),
        "industries_100bn_rr": int(np.count_nonzero(rev_s >= HUNDRED_BN * provincial)),
        "parks_10bn_rr": int(np.count_nonzero(rev_p >= TEN_BN * provincial)),
        "parks_100bn_rr": int(np.count_nonzero(rev_p >= HUNDRED_BN * provincial)),
        "firms_alive": int(r.size),
        "soe_share": share((owner == CENTRAL_SOE) | (owner == LOCAL_SOE)),
        "private_share": share(owner == PRIVATE),
        "foreign_share": share(owner == FOREIGN),
    }


def frame_row(live: dict, record: dict | None, previous: list[dict], start_year: int) -> dict:
    """One quarter's row of the UI's run frame: the live measures joined with the model's
    record of the quarter (money converted to 100m yuan) and the trailing-year secondary share.
    ``previous`` holds the rows of the earlier quarters."""
    row = dict(live)
    q = live["quarter"]
    if record is not None:
        for key, value in record.items():
            if key in MONEY_COLUMNS or "_va__" in key:
                value = value / 1e4
            row.setdefault(key, value)
        last4 = [*previous[-3:], row]
        if len(last4) == 4 and all("gdp" in r for r in last4):
            gdp = sum(r["gdp"] for r in last4)
            row["secondary_share_4q"] = sum(r["secondary_va"] for r in last4) / gdp
    row["label"] = quarter_label(q, start_year)
    row["t"] = quarter_time(q, start_year)
    return row


def run_frame(rows: list[dict]) -> pd.DataFrame:
    """The run frame: one row per quarter from the initial state (quarter 0), indexed by the
    fractional year (see ``frame_row``)."""
    df = pd.DataFrame.from_records(rows)
    df.index = pd.Index(df.pop("t").to_numpy())
    return df


def _ccdf(rev_year: np.ndarray) -> pd.DataFrame:
    """Complementary CDF of annual revenue (million yuan) at log-spaced points."""
    x = np.sort(rev_year[rev_year > 0] / 100.0)
    if x.size == 0:
        return pd.DataFrame({"revenue": [], "ccdf": []})
    lo = max(x[0], CCDF_FROM) if x[-1] > CCDF_FROM else x[0]
    pts = np.logspace(np.log10(lo), np.log10(x[-1]), CCDF_POINTS)
    p = 1.0 - np.searchsorted(x, pts, side="left") / x.size
    return pd.DataFrame({"revenue": pts, "ccdf": p})


def firm_views(model) -> dict:
    """Prefecture and park aggregates and the size distribution of the current quarter."""
    f, parks, prefs, sec = model.firms, model.parks, model.prefectures, model.sectors
    r = f.alive_rows()
    rev4 = f.rev[r] * 4.0
    n_pref, n_park, n_chain = len(prefs), len(parks), len(sec.chains)
    pref = f.pref[r]
    firms_p = np.bincount(pref, minlength=n_pref)
    va_p = np.bincount(pref, weights=f.va[r] * 4.0, minlength=n_pref) / 1e4
    level = model.env.price_level  # current yuan per yuan of 2018 purchasing power
    above = above_scale(rev4, level).astype(float)
    above_p = np.bincount(pref, weights=above, minlength=n_pref)
    inp = f.park[r] >= 0
    park = f.park[r][inp]
    out_k = np.bincount(park, weights=rev4[inp], minlength=n_park) / 1e4
    firms_k = np.bincount(park, minlength=n_park)
    chain = sec.chain[f.sector[r][inp]]
    by_chain = np.bincount(
        park * n_chain + chain, weights=rev4[inp], minlength=n_park * n_chain
    ).reshape(n_park, n_chain)
    lead = np.where(by_chain.sum(axis=1) > 0, by_chain.argmax(axis=1), parks.chain)
    ten, hundred = (x * model.scale / 1e4 / level for x in (TEN_BN, HUNDRED_BN))
    cls = np.where(out_k >= hundred, "100 bn", np.where(out_k >= ten, "10 bn", "smaller"))
    prefecture = pd.DataFrame(
        {
            "key": list(prefs.keys),
            "name_zh": list(prefs.names_zh),
            "lat": prefs.lat.copy(),
            "lon": prefs.lon.copy(),
            "firms": firms_p,
            "va_year": va_p,
            "above_scale_rr": above_p.astype(int),
            "employment": np.bincount(pref, weights=f.L[r], minlength=n_pref),
            "wage": prefs.wage * 1e4,
        }
    )
    park_df = pd.DataFrame(
        {
            "key": list(parks.keys),
            "name": list(parks.names),
            "prefecture": [prefs.keys[p] for p in parks.pref],
            "output_year": out_k,
            "firms": firms_k,
            "infrastructure": parks.infra.copy(),
            "chain": [sec.chains[c] for c in parks.chain],
            "leading_chain": [sec.chains[c] for c in lead],
            "class": cls,
        }
    )
    return {"prefectures": prefecture, "parks": park_df, "ccdf": _ccdf(rev4)}


@dataclass(frozen=True)
class Snapshot:
    """Everything one frame shows (see the module docstring for units)."""

    quarter: int
    label: str
    scale: float  # population scale (n_firms / 35,000): aggregate thresholds scale with it
    frame: pd.DataFrame  # run_frame of this run
    reference: pd.DataFrame  # run_frame of the reference run, same quarters
    prefectures: pd.DataFrame  # per prefecture, with firms0 / va0 of the initial state
    parks: pd.DataFrame  # per park
    ccdf: pd.DataFrame  # columns revenue, ccdf, when ('now' / initial label)
    levers: dict  # levers in force in the latest quarter
    pending: dict  # levers that will be in force next quarter (UI changes)
    history: list = field(default_factory=list)  # (quarter label, {lever: (old, new)})
    scenario: str = ""
    reference_name: str = ""
    seed: int = 0
    n_firms: int = 0
    horizon: int = 20  # quarters the play button runs to
    size_max: float = 1.0  # fixed bubble-size domain of this run (100m yuan / year)
    firms_max: float = 1.0  # fixed colour domain for firms per prefecture

    @property
    def latest(self) -> pd.Series:
        return self.frame.iloc[-1]

    def year_end(self) -> pd.Series | None:
        """The last fourth-quarter row (official annual KPIs), if any."""
        if "above_scale_firms" not in self.frame:
            return None
        rows = self.frame.dropna(subset=["above_scale_firms"])
        return rows.iloc[-1] if len(rows) else None

    def kpis(self) -> dict:
        """Headline values for the KPI panel."""
        last = self.latest
        ye = self.year_end()
        out = {
            "label": self.label,
            "quarter": self.quarter,
            "secondary_share": last.get("secondary_share", np.nan),
            "secondary_share_4q": last.get("secondary_share_4q", np.nan),
            "above_scale_rr": last["above_scale_rr"],
            "firms_total": last["firms_alive"],
            "employment": last.get("employment", np.nan),
            "avg_wage": last.get("avg_wage", np.nan),
            "fiscal_balance": last.get("fiscal_balance", np.nan),
            "fiscal_balance_total": float(self.frame.get("fiscal_balance", pd.Series()).sum()),
            "gdp": last.get("gdp", np.nan),
        }
        for k in ("industries", "firms", "parks"):
            for t in ("10bn", "100bn", "1bn"):
                col = f"{k}_{t}_rr"
                if col in last:
                    out[col] = last[col]
        if ye is not None:
            out["year"] = int(ye["year"])
            for col in (
                "above_scale_firms",
                "industries_10bn",
                "industries_100bn",
                "firms_1bn",
                "firms_10bn",
                "parks_10bn",
                "parks_100bn",
            ):
                out[col] = ye.get(col, np.nan)
        if len(self.frame) >= 9 and "gdp" in self.frame:
            g = self.frame["gdp"].to_numpy()
            out["gdp_growth"] = g[-4:].sum() / g[-8:-4].sum() - 1.0
        return out
