"""Which levers move the province toward its targets: each lever of the full strategy alone.

    uv run python experiments/lever_effects.py [--seeds 10] [--years 10] [--firms N]

Every lever is set, on its own, to its value in params/full_strategy.toml (the value in force
at the end of its schedule) on top of the baseline, and compared with the baseline over the
same seeds. Writes to results/experiments/ (or --out DIR; `--out docs/experiments`
regenerates the documents):
  lever_effects.md    change in secondary share, above-scale firms, industry VA and the
                      cumulative fiscal cost, final year, mean over seeds
  lever_effects.png   the same as bars
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from longjiang_abm import load_scenario  # noqa: E402
from longjiang_abm.ensemble import (  # noqa: E402
    ensemble_arguments,
    markdown_table,
    run_ensemble,
    uncertainty,
)
from longjiang_abm.params import PolicyLevers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1] / "params"


def one_lever_scenarios():
    full = load_scenario(ROOT / "full_strategy.toml").policy.at_year(2100)
    base = load_scenario(ROOT / "baseline.toml")
    out = [base]
    for lever in PolicyLevers.model_fields:
        value = getattr(full, lever)
        if value == 0.0:
            continue
        policy = base.policy.model_copy(update={lever: value})
        out.append(base.model_copy(update={"name": f"{lever}={value:g}", "policy": policy}))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ensemble_arguments(p, seeds=10)
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    scs = one_lever_scenarios()
    t0 = time.perf_counter()
    runs = run_ensemble(
        scs, args.seeds, args.years, args.firms, args.workers, posterior=args.posterior
    )
    elapsed = time.perf_counter() - t0
    last = runs["year"].max()
    final = runs[runs["year"] == last].set_index(["scenario", "seed"])
    fiscal = runs.groupby(["scenario", "seed"])["fiscal_balance"].sum()
    rows = {}
    for sc in scs[1:]:
        d = final.loc[sc.name] - final.loc["baseline"]
        rows[sc.name] = {
            "secondary share (points)": 100 * d["secondary_share"].mean(),
            "above-scale firms": d["above_scale_firms"].mean(),
            "industry VA (%)": 100
            * (d["industrial_va"] / final.loc["baseline", "industrial_va"]).mean(),
            "firms": d["firms_total"].mean(),
            "fiscal cost (100m yuan)": (fiscal["baseline"] - fiscal[sc.name]).mean(),
        }
    table = pd.DataFrame(rows).T.sort_values("secondary share (points)", ascending=False)
    table.index.name = f"lever alone ({last} vs baseline)"
    header = (
        f"Each lever alone at its full-strategy value; differences from the baseline in {last} "
        f"(fiscal cost cumulated over all years), mean over {args.seeds} seeds "
        f"({uncertainty(args.posterior)}), "
        f"{'the whole population' if args.firms is None else f'{args.firms} firms'}; "
        f"{elapsed / 60:.1f} minutes.\n\n"
    )
    (out / "lever_effects.md").write_text(header + markdown_table(table, "{:,.2f}") + "\n")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), sharey=True)
    names = list(table.index)[::-1]
    axes[0].barh(names, table["secondary share (points)"][::-1], color="tab:blue")
    axes[0].set_xlabel(f"secondary share, points vs baseline ({last})")
    axes[1].barh(names, table["above-scale firms"][::-1], color="tab:orange")
    axes[1].set_xlabel(f"above-scale firms vs baseline ({last})")
    for ax in axes:
        ax.axvline(0, color="black", lw=0.8)
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(f"Each lever alone: mean over {args.seeds} seeds")
    fig.tight_layout()
    fig.savefig(out / "lever_effects.png", dpi=110)
    plt.close(fig)
    print(header + markdown_table(table, "{:,.2f}"))
    print(f"\nwritten to {out}/")


if __name__ == "__main__":
    main()
