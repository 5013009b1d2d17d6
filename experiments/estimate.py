"""Screen the behavioural parameters (Morris, SALib) and estimate the most influential ones by
the simulated method of moments against the 2015-2019 record; writes
results/estimation/{morris,estimates,fit}.md, or with ``--out docs/estimation`` the tables
included in docs/calibration.md.

    uv run python experiments/estimate.py [--firms 3000] [--top 4] [--seeds 4] [--out DIR]

About 3-5 minutes on 2 cores at the defaults.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from longjiang_abm.ensemble import markdown_table
from longjiang_abm.estimate.smm import CANDIDATES, morris_screen, simulate, smm


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=3000)
    ap.add_argument("--top", type=int, default=4)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--trajectories", type=int, default=6)
    ap.add_argument(
        "--out",
        default="results/estimation",
        help="output folder (--out docs/estimation regenerates docs/calibration.md's tables)",
    )
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    sd = np.array([simulate({}, s, a.firms) for s in range(50, 56)]).std(axis=0, ddof=1)
    morris, n_runs = morris_screen(a.firms, a.trajectories, sd=sd)
    morris.index.name = "parameter"
    (out / "morris.md").write_text(
        f"Morris screening (SALib, {a.trajectories} trajectories, 4 levels, {n_runs} runs of "
        f"{a.firms} firms): mu* of each moment divided by the moment's sd across seeds.\n\n"
        + markdown_table(morris, "{:.2f}")
        + "\n"
    )
    print(morris)
    top = [c for c in CANDIDATES if c[0] in list(morris.index[: a.top])]
    est, fit, res = smm(top, seeds=tuple(range(a.seeds)), n_firms=a.firms)
    runtime = time.perf_counter() - t0
    est = est.set_index("parameter")
    (out / "estimates.md").write_text(
        f"SMM estimates ({a.seeds} seeds of {a.firms} firms per evaluation, Nelder-Mead, "
        f"{res.nfev} evaluations, objective {res.fun:.2f} at the optimum; total runtime "
        f"{runtime:.0f} s).\n\n" + markdown_table(est, "{:.4f}") + "\n"
    )
    fit = fit.set_index("moment")
    (out / "fit.md").write_text(
        "Moments: data, model at the baseline values, model at the estimates (mean over the "
        "estimation seeds), and one run's sd at the estimates.\n\n"
        + markdown_table(fit, "{:.4f}")
        + "\n"
    )
    print(est, fit, sep="\n")


if __name__ == "__main__":
    main()
