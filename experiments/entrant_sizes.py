"""Entrants against incumbents, by sector: the ordinary entrants of the first year against the
2018 population (docs/assumptions.md, "Entry and young firms").

For each sector: living firms of 2018 with revenue (n, median and mean annual revenue, 10k
yuan, sd of log revenue, share above scale) and the year's ordinary entrants (their drawn
annual revenue: the same columns but the sd), then the ratios of medians and of means.
Entrants are the rows born in each quarter with a customer base below 1 (big and promoted
projects, and raw-sector firms, start at 1 and are left out).

    uv run python experiments/entrant_sizes.py [--seed 0] [--firms 35000] [--set KEY=VALUE]
"""

from __future__ import annotations

import argparse

import numpy as np

from longjiang_abm import LongjiangModel, load_scenario

ABOVE_SCALE = 2000.0  # 20m yuan of annual revenue, 10k yuan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--firms", type=int, default=35_000)
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    a = ap.parse_args()
    m = LongjiangModel(
        scenario=load_scenario(None, a.set), seed=a.seed, n_firms=a.firms, check_accounts=False
    )
    f = m.firms
    n0 = f.n
    live0 = f.alive[:n0] & (f.rev_year[:n0] > 0)
    rev0, sec0 = f.rev_year[:n0][live0], f.sector[:n0][live0]
    sec_e, rev_e, level_e = [], [], []
    for _ in range(4):
        m.step()
        n = f.n
        born = f.born[:n]
        new = np.flatnonzero(f.alive[:n] & (born == m.quarter) & (f.cbase[:n] < 1.0))
        sec_e.append(f.sector[new].copy())
        rev_e.append(f.rev_year[new].copy())
        level_e.append(np.full(new.size, m.env.price_level))
    sec_e, rev_e = np.concatenate(sec_e), np.concatenate(rev_e)
    # above scale in current yuan (NBS's rule): revenue times the year's national price level
    above_e = rev_e * np.concatenate(level_e) >= ABOVE_SCALE
    head = (
        "| sector | firms | median | mean | sd of log | above scale | entrants | median | mean "
        "| above scale | median ratio | mean ratio |"
    )
    print(head)
    print("|" + " --- |" * head.count(" | ") + " --- |")
    for s, name in enumerate(m.sectors.keys):
        ri, re_, ab = rev0[sec0 == s], rev_e[sec_e == s], above_e[sec_e == s]
        if ri.size < 3 or re_.size < 3:
            continue
        print(
            f"| {name} | {ri.size} | {np.median(ri):,.0f} | {ri.mean():,.0f} "
            f"| {np.log(ri).std():.2f} | {np.mean(ri >= ABOVE_SCALE):.2f} | {re_.size} "
            f"| {np.median(re_):,.0f} "
            f"| {re_.mean():,.0f} | {np.mean(ab):.2f} "
            f"| {np.median(re_) / np.median(ri):.2f} | {re_.mean() / ri.mean():.2f} |"
        )
    print(
        f"\nall sectors: {rev_e.size} entrants, {np.mean(above_e):.3f} above scale "
        f"(2018 firms: {np.mean(rev0 >= ABOVE_SCALE):.3f}); seed {a.seed}, {a.firms:,} firms"
    )


if __name__ == "__main__":
    main()
