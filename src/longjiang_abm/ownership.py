"""Gaps between state and non-state firms measured on the firm arrays (used by the estimation,
docs/calibration.md, and by experiments/neutrality.py)."""

from __future__ import annotations

import numpy as np


def within_sector_apk(rev, K, sector, state, processing) -> float:
    """Revenue-weighted mean over processing sectors of the state firms' revenue per unit of
    capital relative to the non-state firms' of the same sector (sectors with at least three
    firms of each kind).

    rev: annual revenue per firm; K: capital per firm (same unit); sector: sector index;
    state, processing: boolean masks (state-owned; firm in a processing sector).
    """
    num = den = 0.0
    for s in np.unique(sector[processing]):
        a, b = (sector == s) & state, (sector == s) & ~state
        if a.sum() < 3 or b.sum() < 3:
            continue
        ratio = (rev[a].sum() / K[a].sum()) / (rev[b].sum() / K[b].sum())
        num += ratio * rev[a].sum()
        den += rev[a].sum()
    return num / den if den else float("nan")
