"""The initial state (end of 2018) and the first simulated year against the data.

``measure(model, when)`` takes the measures from a model ('initial': just built; 'year1':
after four quarters); ``target_table`` turns the means over seeds into the table that
``longjiang validate`` prints: target, data value, model value, band, source. Rows without a
band are context: the data describe another period, another scope or a national figure, and
the row shows how the model compares without a pass/fail verdict (docs/calibration.md says
why for each). Counts are reported per 35,000 firms (divided by ``model.scale``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..state import CENTRAL_SOE, LARGE, LOCAL_SOE, PRIVATE
from ..strategy import above_scale

MINING = ("oil_gas", "coal", "graphite_mining")
UTILITIES = ("power",)
FOUR_PILLARS = (  # equipment, petrochemical, energy, food (provincial department, 2021)
    "heavy_equipment",
    "high_end_equipment",
    "new_energy",
    "oil_gas",
    "refining",
    "coal_chem",
    "coal",
    "power",
    "food",
    "dairy",
)
# industries named in each prefecture's profile (src/longjiang_abm/data/prefectures.csv)
PROFILE = {
    "Harbin": ("power", "heavy_equipment", "high_end_equipment", "biomedicine", "food"),
    "Qiqihar": ("heavy_equipment", "high_end_equipment", "dairy", "food"),
    "Mudanjiang": ("other_mfg", "food"),
    "Jiamusi": ("food", "heavy_equipment", "other_mfg"),
    "Daqing": ("oil_gas", "refining", "high_end_equipment", "new_materials"),
    "Jixi": ("graphite_mining", "new_materials", "coal"),
    "Shuangyashan": ("coal", "coal_chem", "power", "food"),
    "Yichun": ("other_mfg", "graphite_mining"),
    "Qitaihe": ("coal", "coal_chem"),
    "Hegang": ("coal", "graphite_mining", "new_materials"),
    "Heihe": ("food",),
    "Suihua": ("food", "dairy"),
    "Daxing'anling": ("other_mfg", "food"),
}

# key, target, data value (text), data value (number or None), lower, upper, source
ROWS = [
    (
        "n_firms",
        "industrial enterprises, end 2018",
        "~35,000 (1% of China's 3.451m)",
        35000,
        None,
        None,
        "4th census bulletin No.3 (national); assumption, docs/calibration.md",
    ),
    (
        "above_scale",
        "above-scale firms (revenue >= 20m yuan), 2018",
        "below 4000",
        3700,
        3000,
        3999,
        "provincial statement 2022 (derived)",
    ),
    (
        "above_scale_2019",
        "above-scale firms, 2019 (year 1)",
        "below 4000",
        3700,
        3000,
        3999,
        "same",
    ),
    (
        "industrial_va",
        "industrial value added 2018, 100m yuan",
        "3043 (assumption)",
        3043.0,
        3005,
        3081,
        "post-census 2018 GDP x (2019 secondary share + a year of the 2015-18 fall) "
        "- construction; docs/ODD.md 5.1",
    ),
    (
        "secondary_share_2019",
        "secondary share of GDP, 2019 (year 1)",
        "26.6%",
        0.266,
        0.246,
        0.286,
        "2019 bulletin (post-census), grade C",
    ),
    (
        "manufacturing_share",
        "manufacturing share of industrial VA",
        "49.1% (2021)",
        0.491,
        0.40,
        0.60,
        "provincial dept. of industry and IT",
    ),
    (
        "four_pillars",
        "equipment+petrochemical+energy+food share of industry",
        "83.7% (2021); 88.9% (2010 H1)",
        0.837,
        0.75,
        0.92,
        "same; Economic Daily 2010",
    ),
    (
        "oilfield_share",
        "Daqing oilfield share of above-scale industrial VA",
        "~50% (~2014, Brent ~$99)",
        0.50,
        0.20,
        0.55,
        "industry portal (grade C)",
    ),
    (
        "top3_share",
        "Harbin+Daqing+Qiqihar share of above-scale industrial VA",
        "~80% (2018 H1)",
        0.80,
        0.75,
        0.85,
        "Heilongjiang Daily",
    ),
    (
        "soe_count_share",
        "state firms' share of firm count",
        "state-owned 0.3% + collective 0.7% (China 2018)",
        0.01,
        0.0,
        0.03,
        "4th census bulletin No.3",
    ),
    (
        "soe_va_share",
        "state firms' share of industrial VA",
        "few but large (no figure)",
        None,
        0.40,
        0.75,
        "oilfield ~50% of above-scale industry; docs/calibration.md",
    ),
    (
        "private_va_share",
        "private firms' share of industrial VA",
        "private economy 54% of GDP (2018, all sectors)",
        0.54,
        None,
        None,
        "State Council press conference 2019-09-06",
    ),
    (
        "sme_firm_share",
        "SMEs (NBS 2017: not large) share of firms",
        "> 90% (China)",
        0.90,
        0.90,
        1.0,
        "the 56789 summary",
    ),
    (
        "sme_job_share",
        "SMEs' share of industrial jobs",
        "> 80% (China, urban jobs)",
        0.80,
        None,
        None,
        "the 56789 summary",
    ),
    (
        "above_scale_revenue",
        "above-scale industry revenue, 100m yuan",
        "7474 (2021: 201.8/2.7%)",
        7474.0,
        5600,
        9300,
        "People's Daily 2021 (derived)",
    ),
    (
        "dairy_above_scale",
        "above-scale dairy processors",
        "52 of 75 (2017)",
        52,
        26,
        104,
        "China Business Times",
    ),
    (
        "food_above_scale",
        "above-scale food-processing firms",
        "990 (2013-14)",
        990,
        495,
        1980,
        "industry portal (grade C)",
    ),
    (
        "bio_above_scale",
        "above-scale pharmaceutical firms",
        "122 (2021)",
        122,
        61,
        244,
        "People's Daily",
    ),
    (
        "bio_revenue_share",
        "pharmaceuticals' share of above-scale revenue",
        "2.7% (2021)",
        0.027,
        0.0135,
        0.054,
        "People's Daily",
    ),
    (
        "park_va_share",
        "parks' share of industrial VA",
        "~59% (2020 H1: 803.95 / ~1370)",
        0.59,
        0.40,
        0.75,
        "askci citing provincial dept. of commerce; denominator an assumption",
    ),
    (
        "park_gdp_share",
        "parks' industrial VA share of GDP",
        "11.8% (2020 H1 zones' industrial VA 803.95 / half of 2019 GDP)",
        0.118,
        0.08,
        0.16,
        "same; zones' GDP incl. services 26.2%",
    ),
    (
        "daqing_hitech_above",
        "above-scale firms in the Daqing high-tech zone",
        "115 (2012)",
        115,
        None,
        None,
        "Economic Daily 2012-12-03",
    ),
    (
        "profile_match",
        "prefectures whose largest industry is named in their profile",
        "13 of 13",
        13,
        12,
        13,
        "src/longjiang_abm/data/prefectures.csv",
    ),
    (
        "margin_2019",
        "revenue-profit margin of above-scale industry (year 1)",
        "6.93% (2018 H1)",
        0.0693,
        0.05,
        0.09,
        "Heilongjiang Daily",
    ),
    (
        "loss_share_2019",
        "share of loss-making above-scale firms (year 1)",
        "29.2% (2012 Jan-Feb)",
        0.292,
        0.15,
        0.35,
        "qianzhan 2012",
    ),
    (
        "employment",
        "industrial employment, persons",
        "~1.15m (1% of China's 115.2m)",
        1.15e6,
        0.9e6,
        1.4e6,
        "4th census (national), assumption",
    ),
    (
        "avg_wage_2019",
        "average wage 2019, current yuan (urban non-private units)",
        "68,416",
        68416,
        58000,
        79000,
        "aggregator (grade C); Northeast 2018: 65,411",
    ),
    (
        "gdp_growth_2019",
        "GDP growth 2019 (nominal, post-census levels; the model's in current yuan)",
        "+5.96%",
        13612.7 / 12846.5 - 1,
        None,
        None,
        "province_macro_2015_2019.csv",
    ),
    (
        "gdp_real_growth_2019",
        "real GDP growth, year 1 (against the 2015-18 trend)",
        "+5.7% (2015-18 mean)",
        (5.7 + 6.1 + 6.4 + 4.7) / 400,
        None,
        None,
        "province_macro_2015_2019.csv",
    ),
    (
        "industry_real_growth_2019",
        "real growth of above-scale industrial VA, NBS comparable basis, year 1",
        "+2.0% (2015-18 mean)",
        (0.4 + 2.0 + 2.7 + 2.8) / 400,
        None,
        None,
        "province_macro_2015_2019.csv",
    ),
]


def measure(model, when: str) -> dict:
    f, sec = model.firms, model.sectors
    scale = model.scale
    r = f.alive_rows()
    if when == "year1":
        k = model.kpis().iloc[0]
        rev_q, prof = f.rev[r], f.profit[r]
        ab = above_scale(f.rev_year[r], model.rev_year_price_level())
        return {
            "above_scale_2019": k["above_scale_firms"] / scale,
            "secondary_share_2019": k["secondary_share"],
            # current yuan: the model's yuan of 2018 purchasing power times the price level
            # (validate runs trend drivers: L_2019 = 1 + national_inflation, not the record)
            "avg_wage_2019": k["avg_wage"] * k["national_price_level"],
            "gdp_growth_2019": (1.0 + k["gdp_growth"]) * k["national_price_level"] - 1.0,
            "gdp_real_growth_2019": k["gdp_real_growth"],
            "industry_real_growth_2019": k["above_scale_va_real_growth"],
            "margin_2019": float(prof[ab].sum() / rev_q[ab].sum()),
            "loss_share_2019": float(np.mean(prof[ab] < 0)),
        }
    rev = f.rev_year[r]
    va = f.va[r] * 4.0 / 1e4  # 100m yuan per year
    s = f.sector[r]
    keys = np.array(sec.keys)
    ab = above_scale(rev, model.rev_year_price_level())
    va_s = np.bincount(s, weights=va, minlength=len(sec))
    share = dict(zip(sec.keys, va_s / va.sum(), strict=True))
    pkeys = model.prefectures.keys
    va_p_ab = np.bincount(f.pref[r][ab], weights=va[ab], minlength=len(pkeys))
    state = (f.owner[r] == CENTRAL_SOE) | (f.owner[r] == LOCAL_SOE)
    in_park = f.park[r] >= 0
    matches = 0
    for p, name in enumerate(pkeys):
        ix = f.pref[r] == p
        top = keys[np.argmax(np.bincount(s[ix], weights=va[ix], minlength=len(sec)))]
        matches += top in PROFILE[name]
    hitech = model.parks.keys.index("daqing_hitech")
    first_va = va[0] if f.n > 16 else np.nan
    gdp = model.base_gdp / 1e4
    bio, dairy, food = (sec.index(k) for k in ("biomedicine", "dairy", "food"))
    return {
        "n_firms": r.size / scale,
        "above_scale": np.count_nonzero(ab) / scale,
        "industrial_va": va.sum() / scale,
        "manufacturing_share": 1.0 - sum(share[k] for k in MINING + UTILITIES),
        "four_pillars": sum(share[k] for k in FOUR_PILLARS),
        "oilfield_share": first_va / va[ab].sum(),
        "top3_share": sum(va_p_ab[pkeys.index(k)] for k in ("Harbin", "Daqing", "Qiqihar"))
        / va_p_ab.sum(),
        "soe_count_share": float(state.mean()),
        "soe_va_share": va[state].sum() / va.sum(),
        "private_va_share": va[f.owner[r] == PRIVATE].sum() / va.sum(),
        "sme_firm_share": float(np.mean(f.size[r] != LARGE)),
        "sme_job_share": f.L[r][f.size[r] != LARGE].sum() / f.L[r].sum(),
        "above_scale_revenue": rev[ab].sum() / 1e4 / scale,
        "dairy_above_scale": np.count_nonzero(ab & (s == dairy)) / scale,
        "food_above_scale": np.count_nonzero(ab & (s == food)) / scale,
        "bio_above_scale": np.count_nonzero(ab & (s == bio)) / scale,
        "bio_revenue_share": rev[ab & (s == bio)].sum() / rev[ab].sum(),
        "park_va_share": va[in_park].sum() / va.sum(),
        "park_gdp_share": va[in_park].sum() / (gdp / scale) / scale,
        "daqing_hitech_above": np.count_nonzero(ab & (f.park[r] == hitech)) / scale,
        "profile_match": matches,
        "employment": f.L[r].sum() / scale,
    }


def target_table(measures: list[dict]) -> pd.DataFrame:
    """Rows of ``ROWS`` with the model value averaged over seeds."""
    rows = []
    for key, target, data_text, _value, lo, hi, src in ROWS:
        vals = [m[key] for m in measures if key in m]
        v = float(np.mean(vals)) if vals else np.nan
        checked = lo is not None
        rows.append(
            {
                "key": key,
                "target": target,
                "data": data_text,
                "model": v,
                "band": f"[{lo:g}, {hi:g}]" if checked else "context",
                "pass": bool(lo <= v <= hi) if checked else None,
                "source": src,
            }
        )
    return pd.DataFrame(rows)
