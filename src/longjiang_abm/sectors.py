"""The sector table: the province's industries grouped into chains, with input-output links.

Each processing sector may buy one raw material (``raw_input``: another sector, or ``primary``
for farm products) at ``raw_input_coef`` units per unit of output, of which ``local_sourcing``
comes from the province ("five heads, five tails": local processing of local raw materials).
``stage`` is ``raw`` (extraction: price takers on national commodity markets), ``processing``
(the province's share of its market follows its competitiveness against national competitors)
or ``local`` (processing whose market is the province itself: power and heat are sold on the
provincial grid and heat networks, so no competitor outside takes the market of a firm that
leaves; its firms still compete with each other).
The table is ``tables/sectors.csv``; its columns are documented in docs/ODD.md.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

PRIMARY = -2  # raw_input code for the (exogenous) primary sector
NO_INPUT = -1


def read_table(name: str, folder: str | Path | None = None) -> pd.DataFrame:
    """A CSV table: ``folder/name`` if ``folder`` holds it (a scenario's ``[tables] dir``),
    else the packaged one from ``longjiang_abm/tables``. Check tables first
    (``table_checks.check_tables``): this only reads them."""
    if folder and (Path(folder) / name).is_file():
        return pd.read_csv(io.BytesIO((Path(folder) / name).read_bytes()), keep_default_na=False)
    with resources.files("longjiang_abm.tables").joinpath(name).open("rb") as fh:
        return pd.read_csv(fh, keep_default_na=False)


@dataclass(frozen=True)
class SectorTable:
    keys: tuple[str, ...]
    names: tuple[str, ...]
    chains: tuple[str, ...]  # chain names; ``chain`` indexes into it
    chain: np.ndarray
    raw: np.ndarray  # bool: extraction stage (price taker on national markets)
    local: np.ndarray  # bool: a processing sector whose market is the province (non-traded)
    pillar: tuple[str, ...]
    va_share: np.ndarray  # share of 2018 industrial value added
    firm_share: np.ndarray  # share of the firm population
    va_ratio: np.ndarray  # value added / revenue at 2018 prices
    rev_per_worker: np.ndarray  # annual revenue per worker, 10k yuan
    capital_output: np.ndarray  # capital / annual revenue
    elasticity: np.ndarray  # elasticity of national demand to national industrial growth
    rd: np.ndarray  # R&D spending / revenue
    emission: np.ndarray  # t CO2 per 10k yuan of output at A = 1
    raw_input: np.ndarray  # index of the raw-material sector, PRIMARY or NO_INPUT
    input_coef: np.ndarray  # units of raw material per unit of output
    local_sourcing: np.ndarray  # share of the raw material bought in the province
    household_share: np.ndarray  # share of 2018 sales bought by the province's households
    utilization: np.ndarray  # capacity utilisation at the end of 2018

    def __len__(self) -> int:
        return len(self.keys)

    def index(self, key: str) -> int:
        return self.keys.index(key)


def load_sectors(folder: str | Path | None = None) -> SectorTable:
    df = read_table("sectors.csv", folder)
    keys = tuple(df["key"])
    chains = tuple(dict.fromkeys(df["chain"]))

    def input_code(v: str) -> int:
        if v == "":
            return NO_INPUT
        return PRIMARY if v == "primary" else keys.index(v)

    f = lambda c: df[c].to_numpy(dtype=np.float64)  # noqa: E731
    return SectorTable(
        keys=keys,
        names=tuple(df["name"]),
        chains=chains,
        chain=np.array([chains.index(c) for c in df["chain"]], dtype=np.int64),
        raw=(df["stage"] == "raw").to_numpy(dtype=np.bool_),
        local=(df["stage"] == "local").to_numpy(dtype=np.bool_),
        pillar=tuple(df["pillar"]),
        va_share=f("va_share_2018"),
        firm_share=f("firm_share"),
        va_ratio=f("va_ratio"),
        rev_per_worker=f("rev_per_worker"),
        capital_output=f("capital_output"),
        elasticity=f("demand_elasticity"),
        rd=f("rd_intensity"),
        emission=f("emission_intensity"),
        raw_input=np.array([input_code(v) for v in df["raw_input"]], dtype=np.int64),
        input_coef=f("raw_input_coef"),
        local_sourcing=f("local_sourcing"),
        utilization=f("utilization_2018"),
        household_share=f("household_share"),
    )
