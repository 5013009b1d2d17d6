"""One model run turned into the summary statistics of ``observed`` (the simulator of the
estimation).

The run: the packaged baseline with the given parameter values, ``n_firms`` firms (the whole
population, 35,000, by default) for five years under trend national drivers, accounting checks
off (they do not change results). Year 1 (2019) gives the levels of 2019, years 2-5 the rates and
trends compared with 2015-2018 (``observed``). Real against real, nominal against nominal.
"""

from __future__ import annotations

import gc
import itertools
import zlib

import numpy as np

from ..model import LongjiangModel
from ..ownership import within_sector_apk
from ..params import load_scenario
from ..params.base import SEED_MAX
from ..state import CENTRAL_SOE, LOCAL_SOE
from ..validate.targets import measure

N_FIRMS = 35_000
YEARS = 5
# a finished model is freed only by the cyclic garbage collector, which a process running model
# after model triggers too rarely (a pyabc worker reached 2.5 GB in 80 s); a collection costs
# about 0.16 s, so it runs after every COLLECT_EVERY runs
COLLECT_EVERY = 20
_runs = itertools.count(1)


def parameter_seed(values: dict) -> int:
    """The model seed of a parameter set: a hash of its values, so that a particle's run is
    reproduced from its parameters alone (and two particles do not share random numbers)."""
    text = ";".join(f"{k}={float(values[k])!r}" for k in sorted(values))
    return zlib.crc32(text.encode()) % (SEED_MAX + 1)


def overrides(values: dict) -> list[str]:
    """``--set`` strings of a parameter set {'section.key': value}."""
    return [f"{k}={float(v)!r}" for k, v in sorted(values.items())]


def _year1(model: LongjiangModel) -> dict:
    """The 2019 statistics, measured at the end of year 1."""
    m = measure(model, "year1")
    f = model.firms
    r = f.alive_rows()
    state = (f.owner[r] == CENTRAL_SOE) | (f.owner[r] == LOCAL_SOE)
    sector = f.sector[r]
    apk = within_sector_apk(f.rev_year[r], f.K[r], sector, state, ~model.sectors.raw[sector])
    return {
        "sec_2019": m["secondary_share_2019"],
        "as_2019": m["above_scale_2019"],
        "margin_2019": m["margin_2019"],
        "loss_share_2019": m["loss_share_2019"],
        "state_apk_rel": apk,
    }


def run_statistics(
    values: dict,
    seed: int | None = None,
    n_firms: int = N_FIRMS,
    years: int = YEARS,
    sets: tuple[str, ...] = (),
) -> dict[str, float]:
    """The statistics of one run with parameters ``values`` ({'section.key': value}; the
    others at the baseline, or as ``sets``, further ``--set`` strings, e.g. the drivers);
    ``seed`` None: ``parameter_seed(values)``. Rates and trends are over years 2 to ``years``.
    Non-finite statistics (a population too small to measure one) are returned as NaN."""
    seed = parameter_seed(values) if seed is None else seed
    sc = load_scenario(None, [*overrides(values), *sets])
    model = LongjiangModel(sc, seed=seed, n_firms=n_firms, check_accounts=False)
    pools = [model.prefectures.labour_pool.sum()]
    out: dict[str, float] = {}
    for q in range(4 * years):
        model.step()
        if q % 4 == 3:
            pools.append(model.prefectures.labour_pool.sum())
        if q == 3:
            out.update(_year1(model))
    k = model.kpis()
    model.discard_firms()  # the firm table and agents go now, not at the next cyclic collection
    first_as = float(k.above_scale_firms.iloc[0])
    # nominal growth: the KPI is in yuan of 2018 purchasing power; times the price level's rise
    price = k.national_price_level.to_numpy()
    nominal = (1.0 + k.gdp_growth.to_numpy()[1:]) * price[1:] / price[:-1] - 1.0
    k = k[k.year >= 2020]
    yrs = np.arange(len(k))
    out.update(
        {
            "ind_growth": k.above_scale_va_real_growth.mean(),
            "gdp_growth": k.gdp_real_growth.mean(),
            "sec_trend": np.polyfit(yrs, k.secondary_share.to_numpy(), 1)[0],
            "pop_growth": (pools[-1] / pools[1]) ** (1 / (len(pools) - 2)) - 1,
            "as_growth": (k.above_scale_firms.iloc[-1] / first_as) ** (1 / len(k)) - 1,
            "gdp_nominal_growth": float(np.mean(nominal)),
        }
    )
    if next(_runs) % COLLECT_EVERY == 0:
        gc.collect()
    return {name: float(v) for name, v in out.items()}
