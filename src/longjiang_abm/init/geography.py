"""Prefectures and parks at the end of 2018, from the packaged tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..sectors import SectorTable, read_table
from ..state import ParkTable, PrefectureTable


def load_prefectures(average_wage: float, folder: str | Path | None = None) -> PrefectureTable:
    """The 13 prefectures with wages (10k yuan / year) whose industry-weighted mean is
    ``average_wage`` (weights: the table's industry_weight column)."""
    df = read_table("prefectures.csv", folder)
    weight = df["industry_weight"].to_numpy(dtype=np.float64)
    index = df["wage_index"].to_numpy(dtype=np.float64)
    wage = average_wage * index / np.sum(weight * index) * weight.sum()
    return PrefectureTable(
        keys=df["key"],
        names_zh=df["name_zh"],
        lat=df["lat"],
        lon=df["lon"],
        wage=wage,
        labour_supply=np.zeros(len(df)),
    )


def load_sector_prefecture(
    sectors: SectorTable, prefectures: PrefectureTable, folder: str | Path | None = None
) -> np.ndarray:
    """suit[s, p]: the share of sector s's 2018 activity in prefecture p (rows sum to 1)."""
    df = read_table("sector_prefecture.csv", folder).set_index("sector")
    suit = df.loc[list(sectors.keys), list(prefectures.keys)].to_numpy(dtype=np.float64)
    return suit / suit.sum(axis=1, keepdims=True)


def load_parks(
    sectors: SectorTable,
    prefectures: PrefectureTable,
    scale: float,
    folder: str | Path | None = None,
) -> ParkTable:
    """The parks table; land capacity (firm slots) scales with the population size."""
    df = read_table("parks.csv", folder)
    return ParkTable(
        keys=df["key"],
        names=df["name"],
        pref=[prefectures.keys.index(p) for p in df["prefecture"]],
        national=(df["level"] == "national").to_numpy(),
        chain=[sectors.chains.index(c) for c in df["chain"]],
        land_capacity=np.maximum(1.0, df["land_capacity"].to_numpy(dtype=np.float64) * scale),
        infrastructure=df["infrastructure"].to_numpy(dtype=np.float64),
    )
