"""KPIs: quarterly aggregates and the annual KPI table (the contract of DESIGN.md section 4).

Money in reports is in 100m yuan (亿元); firm arrays are in 10k yuan, so reports divide by 1e4.
Shares are fractions 0-1. Thresholds on aggregates (industries, clusters, parks of 10 bn /
100 bn / 1 tn yuan) scale with the population (``model.scale``) so that a reduced population
is a miniature of the province; thresholds on single firms (1 bn, 10 bn, above-scale) do not.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .agents.producers import AGRI_GROSS_PER_VA
from .instruments import NEW_PILLARS
from .state import CENTRAL_SOE, FOREIGN, LOCAL_SOE, PRIVATE
from .strategy import ABOVE_SCALE_REVENUE

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
    # prices and real quantities (2018 = 1; real values at 2018 prices)
    "gdp_real",
    "gdp_real_growth",
    "industrial_va_real",
    "industrial_va_real_growth",
    "above_scale_va_real_growth",
    "gdp_deflator",
    "ppi_industry",
    "national_price_level",  # China's GDP deflator of the year: current yuan per model yuan
    # the closed economy (100m yuan; stocks at the end of the year)
    "household_consumption",
    "household_income",
    "government_consumption",
    "lever_cost",
    "government_debt",
    "household_deposits",
    "bank_capital_adequacy",
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
    "gdp_real",
    "industrial_va_real",
    "output_real",
    "lever_cost",
    "government_consumption",
    "central_transfers",
    "household_consumption",
    "household_income",
    "local_goods_sales",
]
# stocks (10k yuan) at the end of the year, reported in 100m yuan
STOCK_COLUMNS = ["government_debt", "household_deposits", "bank_reserves"]
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
MINERAL_CHAINS = ("petrochem", "coal", "graphite")


def quarter_record(model) -> dict:
    """Aggregates of the quarter just simulated (money in 10k yuan).

    Flows (output, revenue, value added, jobs, emissions, credit) are summed over the firms
    that produced this quarter: those alive at its start, this quarter's exits included,
    entrants (which start producing next quarter) excluded; so are ``smes`` (the small and
    micro firms among them) and ``credit_private_share`` (private firms' share of incumbents'
    new loans). Stocks (firms, digital level, SME productivity) are those of the firms alive at
    the end of the quarter. The sums come from the quarter book (``book.totals``,
    ``steps/totals.py``).
    """
    sec, macro, gov, book = model.sectors, model.producers, model.government, model.book
    t = book.totals
    fl, st = t.flow, t.stock
    industrial = fl["va"]
    secondary = industrial + macro.construction
    gdp = macro.primary + secondary + macro.tertiary
    # at 2018 prices: industry by double deflation; the other sectors have no price of their
    # own in the model and are valued at constant 2018 prices (docs/ODD.md, "KPIs")
    industrial_real = fl["va_real"]
    gdp_real = gdp - industrial + industrial_real
    output_real = float(model.sector_state.p0 @ t.y_s)  # gross output at 2018 prices
    employment = fl["L"]
    wage_bill = fl["wages"]
    rev = fl["rev"]
    va_s, y_s = t.va_s, t.y_s
    pillar = np.array([p in NEW_PILLARS for p in sec.pillar])
    rec = {
        "quarter": model.quarter,
        "year": model.year,
        "q": (model.quarter - 1) % 4 + 1,
        "national_price_level": model.env.price_level,
        "gdp": gdp,
        "primary_va": macro.primary,
        "industrial_va": industrial,
        "construction_va": macro.construction,
        "secondary_va": secondary,
        "tertiary_va": macro.tertiary,
        "secondary_share": secondary / gdp if gdp > 0 else 0.0,
        "gdp_real": gdp_real,
        "industrial_va_real": industrial_real,
        "output_real": output_real,
        "gdp_deflator": gdp / gdp_real if gdp_real > 0 else 0.0,
        "ppi_industry": _ratio(fl["rev"], output_real),
        "firms_total": int(st["firms"]),
        "entries": book.entries,
        "exits": book.exits,
        "sme_exits": book.exits_sme,
        "smes": int(fl["smes"]),
        "employment": employment,
        "wage_bill": wage_bill,
        "avg_wage": wage_bill * 4.0 / employment * 1e4 if employment > 0 else 0.0,
        "investment": float(book.investment),
        "revenue": rev,
        "profits": fl["profit"],
        "tax_revenue": gov.taxes,
        "subsidies": gov.subsidies,
        "bailouts": gov.bailouts,
        "incentives": gov.incentives,
        "guarantees": gov.guarantees,
        "programmes": gov.programmes,
        "big_projects": book.big_projects,
        "park_funds": gov.park_funds,
        "fiscal_balance": gov.balance,
        "lever_cost": gov.lever_cost(),
        "government_debt": gov.debt,
        "government_consumption": gov.consumption,
        "central_transfers": gov.central_transfers,
        "household_consumption": model.households.consumption,
        "household_income": model.households.disposable_income,
        "household_deposits": model.households.deposits,
        "local_goods_sales": book.local_goods,
        "bank_capital_adequacy": model.bank.capital_adequacy(),
        "bank_reserves": model.bank.reserves,
        "emissions": fl["emis_Y"] / 1e4,
        "capacity_utilization": fl["Y"] / max(fl["cap"], 1e-9),
        "bank_equity": model.bank.equity,
        "bank_loans": model.bank.loans,
        "credit_private_share": _ratio(fl["new_loan_private"], fl["new_loan"]),
        "ownership_neutrality": gov.policy.ownership_neutrality,
        "park_coconstruction": gov.policy.park_coconstruction,
        "park_output_share": _ratio(fl["rev_park"], rev),
        "park_infrastructure": float(model.parks.infra.mean()) if len(model.parks) else 0.0,
        "local_processing_share": _local_processing(model),
        "rd_intensity": fl["rd"] / max(rev, 1e-9),
        "digital_level": st["dig"] / st["firms"] if st["firms"] else 0.0,
        "private_equipment_share": _ratio(fl["rev_defence_private"], fl["rev_defence"]),
        "sme_productivity": math.exp(st["sme_lnA"] / st["smes"]) if st["smes"] else 0.0,
        "pillar_va_share": float(va_s[pillar].sum() / max(va_s.sum(), 1e-9)),
        "pillar_output_share": float(y_s[pillar].sum() / max(y_s.sum(), 1e-9)),
    }
    for s, key in enumerate(sec.keys):
        rec[f"sector_va__{key}"] = float(va_s[s])
    for p, key in enumerate(model.prefectures.keys):
        rec[f"prefecture_va__{key}"] = float(t.va_p[p])
    real_s = model.sector_state.p0 * t.y_s
    for s, key in enumerate(sec.keys):  # producer price index by sector, 2018 = 1
        rec[f"sector_ppi__{key}"] = _ratio(float(t.rev_s[s]), float(real_s[s]))
    return rec


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0


def _local_processing(model) -> float:
    """Share of local raw-material output processed in the province (five heads, five tails)."""
    sec, ss = model.sectors, model.sector_state
    raw_with_buyers = np.unique(sec.raw_input[sec.raw_input >= 0])
    out = ss.output[raw_with_buyers].sum()
    local = (ss.local_raw_demand[raw_with_buyers] * ss.fill[raw_with_buyers]).sum()
    return float(local / out) if out > 0 else 0.0


def year_end_record(model) -> dict:
    """Annual KPIs that need the whole year's firm revenues (evaluated in Q4; sums from the
    kernel ``year_totals``)."""
    f, sec, parks = model.firms, model.sectors, model.parks
    # the thresholds are in current yuan: 20m, 1bn and 10bn a year, and 10bn, 100bn and 1tn
    # for industries, parks and clusters; in the model's yuan of 2018 purchasing power they are
    # the current amounts over the year's national price level L_y (strategy.above_scale)
    level = model.env.price_levels[model.year]
    thresholds = np.array([ABOVE_SCALE_REVENUE, 1e5, 1e6]) / level
    count, rev_s, park_rev, rev_o, total, sq, top5 = model.k.year_totals(
        n=f.n,
        alive=f.alive,
        rev=f.rev_ytd,
        sector=f.sector,
        park=f.park,
        owner=f.owner,
        thresholds=thresholds,
        n_sec=len(sec),
        n_parks=len(parks),
    )
    s10, s100, s1000 = (x * model.scale / level for x in (1e6, 1e7, 1e8))
    chain_rev = np.bincount(sec.chain, weights=rev_s, minlength=len(sec.chains))
    primary_year = sum(rec["primary_va"] for rec in model.records[-3:]) + model.producers.primary
    agri = primary_year * AGRI_GROSS_PER_VA + chain_rev[sec.chains.index("agrifood")]
    minerals = sum(chain_rev[sec.chains.index(c)] for c in MINERAL_CHAINS)
    now, before = model.k.comparable_real_va(
        n=f.n,
        alive=f.alive,
        age=f.age,
        rev_ytd=f.rev_ytd,
        rev_year=f.rev_year,
        va_real_ytd=f.va_real_ytd,
        va_real_year=f.va_real_year,
        threshold=ABOVE_SCALE_REVENUE / level,
        threshold_prev=ABOVE_SCALE_REVENUE / model.env.price_levels[model.year - 1],
    )
    k_start = model.ledger.year_capital  # capital at the start of the year plus entrants' capital
    return {
        "above_scale_firms": int(count[0]),
        "firms_1bn": int(count[1]),
        "firms_10bn": int(count[2]),
        "industries_10bn": int(np.count_nonzero(rev_s >= s10)),
        "industries_100bn": int(np.count_nonzero(rev_s >= s100)),
        "clusters_1tn": int((agri >= s1000) + (minerals >= s1000)),
        "parks_10bn": int(np.count_nonzero(park_rev >= s10)),
        "parks_100bn": int(np.count_nonzero(park_rev >= s100)),
        "hhi_output": sq / total**2 if total > 0 else 0.0,
        "top5_share": float(top5.sum()) / total if total > 0 else 0.0,
        "soe_output_share": _ratio(rev_o[CENTRAL_SOE] + rev_o[LOCAL_SOE], total),
        "private_output_share": _ratio(rev_o[PRIVATE], total),
        "foreign_output_share": _ratio(rev_o[FOREIGN], total),
        # profit after tax over capital at the start of the year (entrants: at entry)
        "roi": float(model.ledger.year_profits / k_start) if k_start > 0 else 0.0,
        # real value added growth of the firms above scale in this and the last year (NBS)
        "above_scale_va_real_growth": now / before - 1.0 if before > 0 else 0.0,
    }


def _series_ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, and 0 where den is not positive (a province with no firms, employment or GDP
    left: the KPI tables stay finite)."""
    safe = den.where(den > 0, 1.0)
    return (num / safe).where(den > 0, 0.0)


def _growth(x: pd.Series, base: float) -> pd.Series:
    """Growth over the previous year; the first year's over ``base`` (2018), 0 where the
    previous value is not positive."""
    prev = x.shift(1, fill_value=base)
    return (_series_ratio(x, prev) - 1.0).where(prev > 0, 0.0)


def annual_kpis(quarterly: pd.DataFrame, base_gdp: float, base_industry: float) -> pd.DataFrame:
    """The KPI table: one row per completed calendar year, columns ``KPI_COLUMNS`` (+ extras).
    ``base_gdp``, ``base_industry``: GDP and industrial value added of 2018 (10k yuan), the
    bases of the first year's growth rates (2018 prices = 2018 values)."""
    counts = quarterly.groupby("year")["quarter"].count()
    complete = counts.index[counts == 4]  # a year is reported once its 4th quarter is done
    quarterly = quarterly[quarterly["year"].isin(complete)]
    g = quarterly.groupby("year", sort=True)
    out = g[FLOW_COLUMNS].sum() / 1e4
    out["secondary_share"] = _series_ratio(out["secondary_va"], out["gdp"])
    out["gdp_growth"] = (
        _series_ratio(out["gdp"], out["gdp"].shift(1, fill_value=base_gdp / 1e4)) - 1.0
    )
    out.loc[out["gdp"].shift(1, fill_value=base_gdp / 1e4) <= 0, "gdp_growth"] = 0.0
    out["gdp_real_growth"] = _growth(out["gdp_real"], base_gdp / 1e4)
    out["industrial_va_real_growth"] = _growth(out["industrial_va_real"], base_industry / 1e4)
    out["gdp_deflator"] = _series_ratio(out["gdp"], out["gdp_real"])
    out["ppi_industry"] = _series_ratio(out["revenue"], out["output_real"])
    out["entries"] = g["entries"].sum()
    out["big_projects"] = g["big_projects"].sum()
    out["sme_exit_rate"] = _series_ratio(g["sme_exits"].sum(), g["smes"].mean())
    out["exits"] = g["exits"].sum()
    out["capacity_utilization"] = g["capacity_utilization"].mean()
    last = g.last()
    for col in STOCK_COLUMNS:
        out[col] = last[col] / 1e4
    out["firms_total"] = last["firms_total"]
    out["employment"] = last["employment"]
    out["emissions"] = g["emissions"].sum()
    # yuan per worker per year: annual wage bill (10k yuan) over mean employment
    out["avg_wage"] = _series_ratio(g["wage_bill"].sum(), g["employment"].mean()) * 1e4
    year_end = [c for c in KPI_COLUMNS if c in last.columns and c not in out.columns]
    for col in year_end:
        out[col] = last[col]
    out = out.reset_index()
    for col in INT_COLUMNS:
        out[col] = out[col].round().astype("int64")
    extras = [c for c in out.columns if c not in KPI_COLUMNS]
    return out[KPI_COLUMNS + extras]
