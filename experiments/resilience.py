"""Resilience to a backbone shock: the oil-and-gas complex slumps, under 2018 practice and
under the diversified full strategy.

    uv run python experiments/resilience.py [--seeds 20] [--years 10] [--firms N]

For each seed it runs four scenarios: baseline and full strategy, each without and with the
shock of params/backbone_shock.toml (same seeds, so the difference is the shock's effect).
Writes to results/experiments/ (or --out DIR; `--out docs/experiments` regenerates the
documents):
  resilience_runs.csv    every KPI of every run
  resilience.md          GDP and industrial value added lost, time to recover, concentration
  resilience_paths.png   industrial value added with and without the shock
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from longjiang_abm import load_scenario  # noqa: E402
from longjiang_abm.ensemble import (  # noqa: E402
    ensemble_arguments,
    fan_chart,
    markdown_table,
    run_ensemble,
    uncertainty,
)

ROOT = Path(__file__).resolve().parents[1] / "params"


def scenarios():
    """Baseline and full strategy, each without and with the backbone shock."""
    shock = load_scenario(ROOT / "backbone_shock.toml").environment
    out = []
    for name in ("baseline", "full_strategy"):
        sc = load_scenario(ROOT / f"{name}.toml")
        shocked = sc.model_copy(update={"name": f"{name}+shock", "environment": shock})
        out += [sc, shocked]
    return out, shock


def recovery_years(path: pd.Series, start: int) -> float:
    """Years from the shock's start until industrial value added is back at its level of the
    year before the shock (NaN if it does not recover within the horizon)."""
    before = path.loc[start - 1]
    after = path.loc[start:]
    back = after[after >= before]
    return float(back.index[0] - start) if len(back) else float("nan")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ensemble_arguments(p, seeds=20)
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    scs, shock = scenarios()
    start = shock.backbone_shock_year
    t0 = time.perf_counter()
    runs = run_ensemble(
        scs, args.seeds, args.years, args.firms, args.workers, posterior=args.posterior
    )
    elapsed = time.perf_counter() - t0
    runs.to_csv(out / "resilience_runs.csv", index=False)

    rows = {}
    last = runs["year"].max()
    for name in ("baseline", "full_strategy"):
        calm = runs[runs["scenario"] == name].set_index(["seed", "year"])
        hit = runs[runs["scenario"] == f"{name}+shock"].set_index(["seed", "year"])
        window = (slice(None), slice(start, last))
        gdp_lost = (calm["gdp"] - hit["gdp"]).loc[window].groupby("seed").sum()
        iva_lost = (calm["industrial_va"] - hit["industrial_va"]).loc[window].groupby("seed").sum()
        gdp_base = calm["gdp"].loc[window].groupby("seed").sum()
        rec = [recovery_years(hit.loc[s, "industrial_va"], start) for s in range(args.seeds)]
        rows[name] = {
            "GDP lost (100m yuan)": gdp_lost.mean(),
            "GDP lost (%)": 100 * (gdp_lost / gdp_base).mean(),
            "industry VA lost (100m yuan)": iva_lost.mean(),
            "years to regain pre-shock industry VA": np.nanmean(rec)
            if not np.isnan(rec).all()
            else np.nan,
            "runs that regain it (%)": 100 * np.mean(~np.isnan(rec)),
            f"industry VA gap to no-shock path {last} (%)": 100
            * (
                1
                - hit["industrial_va"].loc[(slice(None), last)]
                / calm["industrial_va"].loc[(slice(None), last)]
            ).mean(),
            f"top-5 share {start - 1}": hit["top5_share"].loc[(slice(None), start - 1)].mean(),
            f"top-5 share {last}": hit["top5_share"].loc[(slice(None), last)].mean(),
            f"HHI {start - 1}": hit["hhi_output"].loc[(slice(None), start - 1)].mean(),
            f"HHI {last}": hit["hhi_output"].loc[(slice(None), last)].mean(),
        }
    table = pd.DataFrame(rows).T
    table.index.name = "policy"
    header = (
        f"Shock: the oil-and-gas complex loses {shock.backbone_shock_size:.0%} of its capacity "
        f"over {start}-{start + shock.backbone_shock_years - 1}. {args.seeds} seeds "
        f"({uncertainty(args.posterior)}), "
        f"{'the whole population' if args.firms is None else f'{args.firms} firms'}; losses "
        f"are summed over {start}-{last} against the same policy and seed without the shock; "
        f"{elapsed / 60:.1f} minutes.\n\n"
    )
    (out / "resilience.md").write_text(header + markdown_table(table, "{:,.3f}") + "\n")

    fig, ax = plt.subplots(figsize=(8, 4.5))
    fan_chart(runs, "industrial_va", ax)
    ax.axvline(start - 0.5, color="grey", ls=":", lw=1)
    ax.set_ylabel("industrial value added, 100m yuan")
    ax.set_title(f"Backbone shock from {start}: mean and 90% band over {args.seeds} seeds")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "resilience_paths.png", dpi=110)
    plt.close(fig)
    print(header + markdown_table(table, "{:,.3f}"))
    print(f"\nwritten to {out}/")


if __name__ == "__main__":
    main()
