"""Equal treatment of all ownership types (一视同仁): its effect and its channel.

    uv run python experiments/neutrality.py [--seeds 10] [--years 10] [--firms N] [--out DIR]
        [--set section.key=value ...]   (applied to both scenarios: a sensitivity run)

Runs the baseline and the baseline with full ownership neutrality (`policy.ownership_neutrality
= 1` from 2019: the state firms' soft budget, their cheaper and easier credit, the private
firms' exclusion from programmes and their entry barrier all removed) over the same seeds, and
reports, for the final year:
  - the effect on real industrial value added (2018 prices), nominal value added, the secondary
    share, employment and capital: mean of the paired (same seed) differences, its 90%
    confidence interval (t), and the 5th-95th percentiles of the paired differences;
  - the effect on industry's total factor productivity, the measure of the misallocation
    literature (Hsieh & Klenow 2009; Brandt, Tombe & Zhu 2013): the paired difference of
        ln TFP = ln Y - alpha ln K - (1 - alpha) ln L
    (Y the year's real value added of the firms alive at its end, K their capital and L their
    employment at the year end) with the
    capital share alpha = 1/3 (the US-style share Hsieh & Klenow use) and 1/2 (closer to
    Chinese industry's); in percent;
  - the channel: capital, employment and real value added of state firms (central and local
    SOEs) and of non-state firms (private and foreign), the state firms' capital utilisation
    and their average product of capital relative to non-state firms of the same sector;
  - by sector: real value added in both scenarios, the paired effect and the state share.
Writes neutrality.md and neutrality_runs.csv to results/experiments/ (or --out DIR;
`--out docs/experiments` regenerates the document's table).
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from longjiang_abm import load_scenario
from longjiang_abm.calibrate.posterior import draw, with_values
from longjiang_abm.ensemble import ensemble_arguments, markdown_table, uncertainty
from longjiang_abm.model import LongjiangModel
from longjiang_abm.ownership import within_sector_apk
from longjiang_abm.state import CENTRAL_SOE, LOCAL_SOE
from longjiang_abm.strategy import above_scale

ROOT = Path(__file__).resolve().parents[1] / "params"
EFFECTS = {
    "industrial_va_real": "real industrial VA (%)",
    "industrial_va": "nominal industrial VA (%)",
    "secondary_share": "secondary share (points)",
    "employment": "industrial employment (%)",
    "capital": "industrial capital (%)",
}
PERCENT = {"industrial_va_real", "industrial_va", "employment", "capital"}
TFP_ALPHAS = {
    1 / 3: "industrial TFP, capital share 1/3 (%)",
    1 / 2: "industrial TFP, capital share 1/2 (%)",
}


def scenarios(overrides=None):
    base = load_scenario(ROOT / "baseline.toml", overrides)
    policy = base.policy.model_copy(update={"ownership_neutrality": 1.0})
    neutral = base.model_copy(update={"name": "neutrality", "policy": policy})
    return base, neutral


def one(args) -> dict:
    scenario, seed, years, n_firms, posterior = args
    if posterior is not None:  # the seed's draw, the same for both scenarios (paired)
        scenario = with_values(scenario, draw(posterior, seed)["parameters"])
    if n_firms:
        run_p = scenario.run.model_copy(update={"n_firms": n_firms})
        scenario = scenario.model_copy(update={"run": run_p})
    model = LongjiangModel(scenario, seed=seed)
    for _ in range(4 * years):
        model.step()
    k = model.kpis().iloc[-1]
    f = model.firms
    r = f.alive_rows()
    state = (f.owner[r] == CENTRAL_SOE) | (f.owner[r] == LOCAL_SOE)
    K, L, va = f.K[r], f.L[r], f.va_real_year[r]
    sector, rev = f.sector[r], f.rev_year[r]
    processing = ~model.sectors.raw[sector]
    used = np.minimum(1.0, f.Y[r] / np.maximum(f.cap[r], 1e-12))
    sp = state & processing
    debt, above = f.debt[r], above_scale(rev, model.rev_year_price_level())  # current yuan
    loses = f.profit[r] < 0.0
    return {
        "scenario": scenario.name,
        "seed": seed,
        "industrial_va_real": k["industrial_va_real"],
        "industrial_va": k["industrial_va"],
        "secondary_share": k["secondary_share"],
        "employment": L.sum() / model.scale,
        "capital": K.sum() / model.scale / 1e4,
        # the year's real value added of the firms alive at its end (10k yuan, 2018 prices):
        # the output that the year-end capital and employment produced
        "va_real_survivors": va.sum() / model.scale,
        "state_firms": int(state.sum() / model.scale),
        "state_K_share": K[state].sum() / K.sum(),
        "state_L_share": L[state].sum() / L.sum(),
        "state_va_share": va[state].sum() / va.sum(),
        "state_rev_share": rev[state].sum() / rev.sum(),
        "state_debt_share": debt[state].sum() / debt.sum(),
        "state_loss_share": loses[above & state].mean() if (above & state).any() else np.nan,
        "nonstate_loss_share": loses[above & ~state].mean(),
        "state_utilisation": float(np.average(used[sp], weights=K[sp])) if sp.any() else np.nan,
        "nonstate_utilisation": float(
            np.average(used[~state & processing], weights=K[~state & processing])
        ),
        "state_apk_rel": within_sector_apk(rev, K, sector, state, processing),
        # the year's real value added by sector (firms alive at the year end), 100m yuan
        **{
            f"va_{key}": v / model.scale / 1e4
            for key, v in zip(
                model.sectors.keys,
                np.bincount(sector, weights=va, minlength=len(model.sectors)),
                strict=True,
            )
        },
        **{
            f"state_va_{key}": float(
                va[state & (sector == j)].sum() / max(va[sector == j].sum(), 1e-12)
            )
            for j, key in enumerate(model.sectors.keys)
        },
    }


def paired_differences(base: pd.DataFrame, neut: pd.DataFrame) -> dict:
    """Per-seed effects (neutrality against baseline, same seed): percent for levels, points
    for shares, and the percent change of TFP = Y / (K^alpha L^(1 - alpha))."""
    out = {}
    for col, label in EFFECTS.items():
        if col in PERCENT:
            out[label] = 100.0 * (neut[col] / base[col] - 1.0)
        else:
            out[label] = 100.0 * (neut[col] - base[col])
    # TFP on the firms alive at the year end: their real value added over the year against
    # their year-end capital and employment (the KPI's value added also counts firms that
    # exited during the year, whose inputs the year-end stocks no longer hold)
    cols = ("va_real_survivors", "capital", "employment")
    dlog = {c: np.log(neut[c] / base[c]) for c in cols}
    for alpha, label in TFP_ALPHAS.items():
        tfp = dlog["va_real_survivors"] - alpha * dlog["capital"] - (1 - alpha) * dlog["employment"]
        out[label] = 100.0 * np.expm1(tfp)
    return out


def effects(runs: pd.DataFrame) -> pd.DataFrame:
    base = runs[runs.scenario == "baseline"].set_index("seed")
    neut = runs[runs.scenario == "neutrality"].set_index("seed")
    rows = {}
    for label, d in paired_differences(base, neut).items():
        n = len(d)
        half = stats.t.ppf(0.95, n - 1) * d.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
        rows[label] = {
            "mean": d.mean(),
            "90% CI low": d.mean() - half,
            "90% CI high": d.mean() + half,
            "p05 of seeds": d.quantile(0.05),
            "p95 of seeds": d.quantile(0.95),
        }
    return pd.DataFrame(rows).T.rename_axis("effect of full neutrality")


def channel(runs: pd.DataFrame) -> pd.DataFrame:
    cols = {
        "state_firms": "state firms (central and local SOEs)",
        "state_K_share": "state firms' share of capital",
        "state_L_share": "state firms' share of employment",
        "state_va_share": "state firms' share of real VA",
        "state_rev_share": "state firms' share of revenue",
        "state_debt_share": "state firms' share of bank debt",
        "state_loss_share": "loss-making share of above-scale state firms",
        "nonstate_loss_share": "loss-making share of above-scale non-state firms",
        "state_utilisation": "state firms' capacity utilisation (processing)",
        "nonstate_utilisation": "non-state firms' capacity utilisation (processing)",
        "state_apk_rel": "state APK / non-state APK, same sector",
        "capital": "industrial capital (100m yuan)",
        "employment": "industrial employment (persons)",
    }
    means = runs.groupby("scenario")[list(cols)].mean().T
    means.index = [cols[c] for c in means.index]
    return means[["baseline", "neutrality"]].rename_axis("final year, mean over seeds")


def by_sector(runs: pd.DataFrame) -> pd.DataFrame:
    """Real value added of each sector (firms alive at the year end) in the two scenarios (means
    over seeds), the effect of neutrality (% difference of the means) and the state firms'
    share of it."""
    base = runs[runs.scenario == "baseline"].set_index("seed")
    neut = runs[runs.scenario == "neutrality"].set_index("seed")
    keys = [c[3:] for c in runs.columns if c.startswith("va_") and c != "va_real_survivors"]
    rows = {}
    for key in keys:
        b, n = base[f"va_{key}"], neut[f"va_{key}"]
        rows[key] = {
            "baseline (100m yuan)": b.mean(),
            "neutrality (100m yuan)": n.mean(),
            # the ratio of the means: a small sector's one collapsing seed would dominate the
            # mean of per-seed ratios
            "effect (%)": 100.0 * (n.mean() / b.mean() - 1.0) if b.mean() > 0 else np.nan,
            "state share, baseline": base[f"state_va_{key}"].mean(),
            "state share, neutrality": neut[f"state_va_{key}"].mean(),
        }
    return pd.DataFrame(rows).T.rename_axis("sector: real VA of the final year")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ensemble_arguments(p, seeds=10)
    p.add_argument("--set", action="append", default=[], help="section.key=value, both runs")
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    seeds = range(args.seeds)
    for s in seeds:  # a bad posterior file stops here, before any run
        if args.posterior is not None:
            draw(args.posterior, s)
    jobs = [
        (sc, s, args.years, args.firms, args.posterior) for sc in scenarios(args.set) for s in seeds
    ]
    t0 = time.perf_counter()
    workers = args.workers or os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=workers) as pool:
        runs = pd.DataFrame(list(pool.map(one, jobs)))
    minutes = (time.perf_counter() - t0) / 60.0
    runs.to_csv(out / "neutrality_runs.csv", index=False)
    year = 2018 + args.years
    text = (
        f"Full ownership neutrality from 2019 against the baseline, {year} (year {args.years}), "
        f"{args.seeds} seeds, paired by seed; {minutes:.1f} minutes"
        + (f"; with {' '.join(args.set)}" if args.set else "")
        + (f"; {uncertainty(args.posterior)}" if args.posterior else "")
        + ".\n\n"
        + markdown_table(effects(runs), "{:,.2f}")
        + "\n\n"
        + markdown_table(channel(runs), "{:,.3f}")
        + "\n\n"
        + markdown_table(by_sector(runs), "{:,.2f}")
        + "\n"
    )
    (out / "neutrality.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
