"""Every scenario in params/ over an ensemble of seeds, against the strategy's targets.

    uv run python experiments/policy_comparison.py [--seeds 20] [--years 10] [--firms N]

Writes to results/experiments/ (or --out DIR; `--out docs/experiments` regenerates the
documents):
  policy_comparison_runs.csv      every KPI of every run (scenario, seed, year)
  policy_comparison_summary.md    KPIs at years 5 and 10: mean and 90% band
  policy_fiscal_cost.md           fiscal cost per point of secondary share gained
  fan_secondary_share.png, fan_above_scale.png   fan charts against the targets
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from longjiang_abm.ensemble import (  # noqa: E402
    bands,
    ensemble_arguments,
    fan_chart,
    markdown_table,
    run_ensemble,
    uncertainty,
)
from longjiang_abm.params import load_scenario  # noqa: E402
from longjiang_abm.strategy import TARGET_ABOVE_SCALE_FIRMS as TARGET_ABOVE_SCALE  # noqa: E402
from longjiang_abm.strategy import TARGET_SECONDARY_SHARE as TARGET_SHARE  # noqa: E402

SCENARIOS = [
    "baseline",
    "equal_treatment",
    "park_coconstruction",
    "hundred_thousand_project",
    "full_strategy",
    "full_strategy_contracted",
    "backbone_shock",
]
# the full strategy again, with big projects bringing pre-contracted national orders for all
# their planned output (an assumption the default scenarios no longer make)
CONTRACTED = {"full_strategy_contracted": ("full_strategy", "big_project_contracted_share=1.0")}
KPIS = [
    "secondary_share",
    "above_scale_firms",
    "gdp",
    "industrial_va",
    "industrial_va_real",
    "gdp_growth",
    "firms_total",
    "employment",
    "private_output_share",
    "fiscal_balance",
    "emissions",
]


def _scenario(root: Path, name: str):
    """A scenario of ``params/``, or a variant of one (``CONTRACTED``)."""
    if name not in CONTRACTED:
        return root / f"{name}.toml"
    base, setting = CONTRACTED[name]
    sc = load_scenario(root / f"{base}.toml", [f"instruments.{setting}"])
    return sc.model_copy(update={"name": name})


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ensemble_arguments(p, seeds=20)
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parents[1] / "params"

    t0 = time.perf_counter()
    runs = run_ensemble(
        [_scenario(root, s) for s in SCENARIOS],
        args.seeds,
        args.years,
        args.firms,
        args.workers,
        posterior=args.posterior,
    )
    elapsed = time.perf_counter() - t0
    runs.to_csv(out / "policy_comparison_runs.csv", index=False)

    first = runs["year"].min()
    checkpoints = [first + 4, first + args.years - 1] if args.years >= 5 else [first]
    b = bands(runs[runs["year"].isin(checkpoints)], KPIS)
    sections = []
    for year in checkpoints:
        rows = {}
        for name in SCENARIOS:
            r = b.loc[(name, year)]
            rows[name] = {
                "secondary share": _band(r, "secondary_share", 100, "{:.1f}%"),
                "above-scale firms": _band(r, "above_scale_firms", 1, "{:,.0f}"),
                "GDP (100m yuan)": _band(r, "gdp", 1, "{:,.0f}"),
                "industry VA": _band(r, "industrial_va", 1, "{:,.0f}"),
                "industry VA, 2018 prices": _band(r, "industrial_va_real", 1, "{:,.0f}"),
                "firms": _band(r, "firms_total", 1, "{:,.0f}"),
                "private output share": _band(r, "private_output_share", 100, "{:.1f}%"),
                "fiscal balance": _band(r, "fiscal_balance", 1, "{:+,.0f}"),
            }
        table = pd.DataFrame(rows).T
        table.index.name = "scenario"
        sections.append(f"### {year} (year {year - first + 1})\n\n" + markdown_table(table))
    header = (
        f"{args.seeds} seeds x {len(SCENARIOS)} scenarios, {args.years} years, "
        f"{'the whole population' if args.firms is None else f'{args.firms} firms'}; "
        f"mean [5th - 95th percentile] ({uncertainty(args.posterior)}); "
        f"{elapsed / 60:.1f} minutes.\n\n"
    )
    (out / "policy_comparison_summary.md").write_text(header + "\n\n".join(sections) + "\n")

    cost = fiscal_cost(runs, SCENARIOS)
    (out / "policy_fiscal_cost.md").write_text(markdown_table(cost, "{:,.2f}") + "\n")

    for col, target, scale, label, fname in (
        (
            "secondary_share",
            TARGET_SHARE,
            100,
            "secondary industry, % of GDP",
            "fan_secondary_share.png",
        ),
        (
            "above_scale_firms",
            TARGET_ABOVE_SCALE,
            1,
            "above-scale industrial firms",
            "fan_above_scale.png",
        ),
    ):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        fan_chart(runs, col, ax, target=target, scale=scale)
        ax.set_ylabel(label)
        ax.set_title(f"{label}: mean and 90% band over {args.seeds} seeds")
        ax.legend(fontsize=8, loc="upper left", ncol=2)
        fig.tight_layout()
        fig.savefig(out / fname, dpi=110)
        plt.close(fig)
    print(header + "\n\n".join(sections))
    print("\nFiscal cost per percentage point of secondary share gained (final year):")
    print(markdown_table(cost, "{:,.2f}"))
    print(f"\nwritten to {out}/")


def _band(row, col: str, scale: float, fmt: str) -> str:
    m, lo, hi = (row[(col, k)] * scale for k in ("mean", "p05", "p95"))
    return f"{fmt.format(m)} [{fmt.format(lo)} - {fmt.format(hi)}]"


def fiscal_cost(runs: pd.DataFrame, scenarios: list[str]) -> pd.DataFrame:
    """Per scenario against the baseline with the same seeds: the cumulative change of the
    industrial-policy fiscal balance (100m yuan), the gain in secondary share in the final
    year (percentage points) and their ratio, the fiscal cost per point gained."""
    last = runs["year"].max()
    cum = runs.groupby(["scenario", "seed"])["fiscal_balance"].sum()
    share = runs[runs["year"] == last].set_index(["scenario", "seed"])["secondary_share"]
    rows = {}
    for name in scenarios:
        if name == "baseline":
            continue
        cost = (cum["baseline"] - cum[name]).mean()
        gain = ((share[name] - share["baseline"]) * 100).mean()
        rows[name] = {
            "fiscal cost (100m yuan, cumulative)": cost,
            "secondary share gain (points)": gain,
            "cost per point": cost / gain if abs(gain) > 1e-9 else float("nan"),
        }
    table = pd.DataFrame(rows).T
    table.index.name = "scenario"
    return table


if __name__ == "__main__":
    main()
