"""KPIs: quarterly aggregates and the annual KPI table (the contract of DESIGN.md section 4).

Money in reports is in 100m yuan (亿元); firm arrays are in 10k yuan, so reports divide by 1e4.
Shares are fractions 0-1. Thresholds on aggregates (industries, clusters, parks of 10 bn /
100 bn / 1 tn yuan) scale with the population (``model.scale``) so that a reduced population
is a miniature of the province; thresholds on single firms (1 bn, 10 bn, above-scale) do not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .accounts import quarter_rows
from .init.population import ABOVE_SCALE
from .instruments import DEFENCE_SECTORS, NEW_PILLARS
from .state import CENTRAL_SOE, FOREIGN, LOCAL_SOE, PRIVATE

KPI_COLUMNS = [
    "year",
    "gdp",
    "gdp_growth",
    "primary_va",
    "secondary_va",
    "tertiary_va",
    "industrial_va",
    "secondary_share",
    "above_scale_firms",
    "firms_total",
    "entries",
    "exits",
    "employment",
    "avg_wage",
    "industries_10bn",
    "industries_100bn",
    "clusters_1tn",
    "firms_1bn",
    "firms_10bn",
    "parks_10bn",
    "parks_100bn",
    "hhi_output",
    "top5_share",
    "soe_output_share",
    "private_output_share",
    "foreign_output_share",
    "investment",
    "roi",
    "capacity_utilization",
    "profits",
    "tax_revenue",
    "subsidies",
    "fiscal_balance",
    "emissions",
]
# quarterly flows (10k yuan) summed into the year and reported in 100m yuan
FLOW_COLUMNS = [
    "gdp",
    "primary_va",
    "secondary_va",
    "tertiary_va",
    "industrial_va",
    "construction_va",
    "investment",
    "profits",
    "tax_revenue",
    "subsidies",
    "bailouts",
    "park_funds",
    "incentives",
    "guarantees",
    "programmes",
    "fiscal_balance",
    "wage_bill",
    "revenue",
]
INT_COLUMNS = [
    "year",
    "above_scale_firms",
    "firms_total",
    "entries",
    "exits",
    "industries_10bn",
    "industries_100bn",
    "clusters_1tn",
    "firms_1bn",
    "firms_10bn",
    "parks_10bn",
    "parks_100bn",
]
AGRI_GROSS_PER_VA = 1.0 / 0.6  # primary gross output per unit of value added (assumption)
MINERAL_CHAINS = ("petrochem", "coal", "graphite")


def quarter_record(model) -> dict:
    """Aggregates of the quarter just simulated (money in 10k yuan).

    Flows (output, revenue, value added, jobs, emissions, credit) are summed over the firms
    that produced this quarter: those alive at its start, this quarter's exits included,
    entrants (which start producing next quarter) excluded; so are ``smes`` (the small and
    micro firms among them) and ``credit_private_share`` (private firms' share of incumbents'
    new loans). Stocks (firms, digital level, SME productivity) are those of the firms alive at
    the end of the quarter.
    """
    f, sec, macro, gov = model.firms, model.sectors, model.macro, model.government
    r = quarter_rows(model)  # firms that produced
    alive = f.alive_rows()  # firms alive at the end
    n_sec = len(sec)
    va = f.va[r]
    industrial = float(va.sum())
    secondary = industrial + macro.construction
    gdp = macro.primary + secondary + macro.tertiary
    employment = float(f.L[r].sum())
    wage_bill = float(f.wages[r].sum())
    rev = f.rev[r]
    owner, size = f.owner[r], f.size[r]
    defence = np.isin(f.sector[r], [sec.index(k) for k in DEFENCE_SECTORS])
    sme_alive = f.size[alive] >= 2
    va_s = np.bincount(f.sector[r], weights=va, minlength=n_sec)
    y_s = np.bincount(f.sector[r], weights=f.Y[r], minlength=n_sec)
    pillar = np.array([p in NEW_PILLARS for p in sec.pillar])
    rec = {
        "quarter": model.quarter,
        "year": model.year,
        "q": (model.quarter - 1) % 4 + 1,
        "gdp": gdp,
        "primary_va": macro.primary,
        "industrial_va": industrial,
        "construction_va": macro.construction,
        "secondary_va": secondary,
        "tertiary_va": macro.tertiary,
        "secondary_share": secondary / gdp if gdp > 0 else 0.0,
        "firms_total": alive.size,
        "entries": model.n_entries,
        "exits": model.n_exits,
        "sme_exits": model.n_exits_sme,
        "smes": int(np.count_nonzero(size >= 2)),
        "employment": employment,
        "wage_bill": wage_bill,
        "avg_wage": wage_bill * 4.0 / employment * 1e4 if employment > 0 else 0.0,
        "investment": float(model.quarter_investment),
        "revenue": float(rev.sum()),
        "profits": float(f.profit[r].sum()),
        "tax_revenue": gov.taxes,
        "subsidies": gov.subsidies,
        "bailouts": gov.bailouts,
        "incentives": gov.incentives,
        "guarantees": gov.guarantees,
        "programmes": gov.programmes,
        "big_projects": model.n_big_projects,
        "park_funds": gov.park_funds,
        "fiscal_balance": gov.balance,
        "emissions": float(np.sum(f.emis[r] * f.Y[r])) / 1e4,
        "capacity_utilization": float(f.Y[r].sum() / max(f.cap[r].sum(), 1e-9)),
        "bank_equity": model.bank.equity,
        "bank_loans": model.bank.loans,
        "credit_private_share": _share(f.new_loan[r], owner == PRIVATE),
        "ownership_neutrality": gov.policy.ownership_neutrality,
        "park_coconstruction": gov.policy.park_coconstruction,
        "park_output_share": _share(rev, f.park[r] >= 0),
        "park_infrastructure": float(model.parks.infra.mean()) if len(model.parks) else 0.0,
        "local_processing_share": _local_processing(model),
        "rd_intensity": float(f.rd[r].sum() / max(rev.sum(), 1e-9)),
        "digital_level": float(f.dig[alive].mean()) if alive.size else 0.0,
        "private_equipment_share": _share(rev[defence], owner[defence] >= PRIVATE),
        "sme_productivity": float(np.exp(np.log(f.A[alive][sme_alive]).mean()))
        if sme_alive.any()
        else 0.0,
        "pillar_va_share": float(va_s[pillar].sum() / max(va_s.sum(), 1e-9)),
        "pillar_output_share": float(y_s[pillar].sum() / max(y_s.sum(), 1e-9)),
    }
    for s, key in enumerate(sec.keys):
        rec[f"sector_va__{key}"] = float(va_s[s])
    va_p = np.bincount(f.pref[r], weights=va, minlength=len(model.prefectures))
    for p, key in enumerate(model.prefectures.keys):
        rec[f"prefecture_va__{key}"] = float(va_p[p])
    return rec


def _share(x: np.ndarray, mask: np.ndarray) -> float:
    tot = x.sum()
    return float(x[mask].sum() / tot) if tot > 0 else 0.0


def _local_processing(model) -> float:
    """Share of local raw-material output processed in the province (five heads, five tails)."""
    sec = model.sectors
    raw_with_buyers = np.unique(sec.raw_input[sec.raw_input >= 0])
    out = model.sector_output[raw_with_buyers].sum()
    local = (model.local_raw_demand[raw_with_buyers] * model.fill[raw_with_buyers]).sum()
    return float(local / out) if out > 0 else 0.0


def year_end_record(model) -> dict:
    """Annual KPIs that need the whole year's firm revenues (evaluated in Q4)."""
    f, sec, parks = model.firms, model.sectors, model.parks
    r = f.alive_rows()
    rev = f.rev_ytd[r]
    total = rev.sum()
    s10, s100, s1000 = 1e6 * model.scale, 1e7 * model.scale, 1e8 * model.scale
    rev_s = np.bincount(f.sector[r], weights=rev, minlength=len(sec))
    chain_rev = np.bincount(sec.chain, weights=rev_s, minlength=len(sec.chains))
    primary_year = sum(rec["primary_va"] for rec in model.records[-3:]) + model.macro.primary
    agri = primary_year * AGRI_GROSS_PER_VA + chain_rev[sec.chains.index("agrifood")]
    minerals = sum(chain_rev[sec.chains.index(c)] for c in MINERAL_CHAINS)
    park_rev = np.bincount(
        f.park[r][f.park[r] >= 0], weights=rev[f.park[r] >= 0], minlength=len(parks)
    )
    shares = rev / total if total > 0 else np.zeros_like(rev)
    k_start = model.year_capital  # capital at the start of the year plus entrants' capital
    owner = f.owner[r]
    return {
        "above_scale_firms": int(np.count_nonzero(rev >= ABOVE_SCALE)),
        "firms_1bn": int(np.count_nonzero(rev >= 1e5)),
        "firms_10bn": int(np.count_nonzero(rev >= 1e6)),
        "industries_10bn": int(np.count_nonzero(rev_s >= s10)),
        "industries_100bn": int(np.count_nonzero(rev_s >= s100)),
        "clusters_1tn": int((agri >= s1000) + (minerals >= s1000)),
        "parks_10bn": int(np.count_nonzero(park_rev >= s10)),
        "parks_100bn": int(np.count_nonzero(park_rev >= s100)),
        "hhi_output": float(np.sum(shares**2)),
        "top5_share": float(np.sort(shares)[-5:].sum()),
        "soe_output_share": _share(rev, (owner == CENTRAL_SOE) | (owner == LOCAL_SOE)),
        "private_output_share": _share(rev, owner == PRIVATE),
        "foreign_output_share": _share(rev, owner == FOREIGN),
        # profit after tax over capital at the start of the year (entrants: at entry)
        "roi": float(model.year_profits / k_start) if k_start > 0 else 0.0,
    }


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, and 0 where den is not positive (a province with no firms, employment or GDP
    left: the KPI tables stay finite)."""
    safe = den.where(den > 0, 1.0)
    return (num / safe).where(den > 0, 0.0)


def annual_kpis(quarterly: pd.DataFrame, base_gdp: float) -> pd.DataFrame:
    """The KPI table: one row per completed calendar year, columns ``KPI_COLUMNS`` (+ extras)."""
    counts = quarterly.groupby("year")["quarter"].count()
    complete = counts.index[counts == 4]  # a year is reported once its 4th quarter is done
    quarterly = quarterly[quarterly["year"].isin(complete)]
    g = quarterly.groupby("year", sort=True)
    out = g[FLOW_COLUMNS].sum() / 1e4
    out["secondary_share"] = _ratio(out["secondary_va"], out["gdp"])
    out["gdp_growth"] = _ratio(out["gdp"], out["gdp"].shift(1, fill_value=base_gdp / 1e4)) - 1.0
    out.loc[out["gdp"].shift(1, fill_value=base_gdp / 1e4) <= 0, "gdp_growth"] = 0.0
    out["entries"] = g["entries"].sum()
    out["big_projects"] = g["big_projects"].sum()
    out["sme_exit_rate"] = _ratio(g["sme_exits"].sum(), g["smes"].mean())
    out["exits"] = g["exits"].sum()
    out["capacity_utilization"] = g["capacity_utilization"].mean()
    last = g.last()
    out["firms_total"] = last["firms_total"]
    out["employment"] = last["employment"]
    out["emissions"] = g["emissions"].sum()
    # yuan per worker per year: annual wage bill (10k yuan) over mean employment
    out["avg_wage"] = _ratio(g["wage_bill"].sum(), g["employment"].mean()) * 1e4
    year_end = [c for c in KPI_COLUMNS if c in last.columns and c not in out.columns]
    for col in year_end:
        out[col] = last[col]
    out = out.reset_index()
    for col in INT_COLUMNS:
        out[col] = out[col].round().astype("int64")
    extras = [c for c in out.columns if c not in KPI_COLUMNS]
    return out[KPI_COLUMNS + extras]
