"""The record of the forecast evaluation: what is estimated on (2015-2017) and what is forecast
(2018-2019), with the national drivers the benchmarks may use.

Design (docs/validation.md, "Forecast evaluation"): the origin is the end of 2017. The model is
estimated on the statistics of 2015-2017 only (``window_statistics``), then run with the
recorded national drivers of 2017-2019 (``environment.history_start = 2017``): its year 1 stands
for 2017 (a burn-in year whose drivers are known at the origin), years 2 and 3 are the forecasts
of 2018 and 2019. Every series below is in percent. A forecast exists where the record has a
value on the same basis as the window's: 2019's real growth rates and secondary share are not in
data/ on the original basis (only post-census levels), so the 2019 forecasts are of population
and of nominal GDP (the two post-census GDP levels of 2018 and 2019 share one basis). Population
is the original series, as published before the 2020 census (the revised one back-casts what
the census found, after the origin).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..calibrate.observed import BY_NAME, Statistic, _mean_se

ORIGIN = 2017  # the last year of the estimation window
HORIZONS = (2018, 2019)

# province_macro_2015_2019.csv (original vintage) and population_labour.csv (revised series)
_GDP_REAL = {2015: 5.7, 2016: 6.1, 2017: 6.4, 2018: 4.7}
_IND_REAL = {2015: 0.4, 2016: 2.0, 2017: 2.7, 2018: 2.8}
_SEC_SHARE = {2015: 31.8, 2016: 28.9, 2017: 26.5, 2018: 24.6}
_GDP_ORIGINAL = {2015: 15084.0, 2016: 15386.0, 2017: 16199.9, 2018: 16361.6}
_GDP_POST_CENSUS = {2018: 12846.5, 2019: 13612.7}
# the resident population as published at the time (the original series): the series revised
# after the 2020 census (3529 in 2015 to 3255 in 2019, no 2016) was published in 2021 and
# back-casts the out-migration the census found, information from after the origin
_POP_ORIGINAL = {2015: 3812.0, 2016: 3799.0, 2017: 3789.0, 2018: 3773.0, 2019: 3751.0}


def _growth(levels: dict, year: int) -> float:
    return 100.0 * (levels[year] / levels[year - 1] - 1.0)


# national_drivers.csv: China's real GDP and industrial growth, GDP deflator growth, %
_CHINA_GDP = {2015: 7.0, 2016: 6.8, 2017: 6.9, 2018: 6.7, 2019: 6.0}
_CHINA_IND = {2015: 6.1, 2016: 6.0, 2017: 6.6, 2018: 6.2, 2019: 5.7}
_CHINA_DEFLATOR = {2015: 0.0, 2016: 1.41, 2017: 4.23, 2018: 3.50, 2019: 1.29}
_CHINA_NOMINAL = {
    y: 100.0 * ((1 + _CHINA_GDP[y] / 100) * (1 + _CHINA_DEFLATOR[y] / 100) - 1) for y in _CHINA_GDP
}


@dataclass(frozen=True)
class Series:
    """One forecast series: ``window`` {year: value} up to the origin (what the benchmarks may
    use), ``actual`` {year: value} of the forecast years the record has, ``national`` {year:
    value} China's counterpart where one exists (the national benchmark), ``kind`` 'rate' (a
    growth rate, %) or 'level' (the secondary share, %)."""

    name: str
    label: str
    kind: str
    window: dict
    actual: dict
    national: dict | None
    source: str


SERIES = [
    Series(
        "gdp_growth",
        "real GDP growth, %",
        "rate",
        {y: v for y, v in _GDP_REAL.items() if y <= ORIGIN},
        {2018: _GDP_REAL[2018]},
        _CHINA_GDP,
        "province_macro_2015_2019.csv; China: national_drivers.csv",
    ),
    Series(
        "ind_growth",
        "real growth of above-scale industrial value added, %",
        "rate",
        {y: v for y, v in _IND_REAL.items() if y <= ORIGIN},
        {2018: _IND_REAL[2018]},
        _CHINA_IND,
        "province_macro_2015_2019.csv; China: national_drivers.csv",
    ),
    Series(
        "sec_share",
        "secondary share of GDP (original series), %",
        "level",
        {y: v for y, v in _SEC_SHARE.items() if y <= ORIGIN},
        {2018: _SEC_SHARE[2018]},
        None,
        "province_macro_2015_2019.csv; no national counterpart is a forecast of it",
    ),
    Series(
        "pop_growth",
        "growth of the resident population (original series), %",
        "rate",
        {y: _growth(_POP_ORIGINAL, y) for y in (2016, 2017)},
        {y: _growth(_POP_ORIGINAL, y) for y in HORIZONS},
        None,
        "population_labour.csv (original series, as published before the 2020 census); "
        "national_drivers.csv has no population",
    ),
    Series(
        "gdp_nominal_growth",
        "nominal GDP growth, %",
        "rate",
        {y: _growth(_GDP_ORIGINAL, y) for y in (2016, 2017)},
        {2018: _growth(_GDP_ORIGINAL, 2018), 2019: _growth(_GDP_POST_CENSUS, 2019)},
        _CHINA_NOMINAL,
        "province_macro_2015_2019.csv (2016-18 original vintage, 2019 over 2018 post-census); "
        "China: real growth times its GDP deflator, national_drivers.csv",
    ),
]
BY_SERIES = {s.name: s for s in SERIES}


# the estimation's simulator (``calibrate.statistics.run_statistics``): four years, the first on
# the trend (national_drivers.csv starts in 2015) and 2015-2017's record in years 2-4, whose
# rates and trend are compared with the window's; the oil price moves from the initial state's
# 2018 price (the table lacks 2013)
ESTIMATION_YEARS = 4
ESTIMATION_SETS = ("environment.drivers=history", "environment.history_start=2014")


def window_statistics() -> list[Statistic]:
    """The statistics of the estimation on 2015-2017: the record's growth rates and trends
    over those years, and the level statistics whose source predates 2018. Left out: the 2019
    secondary share and the 2018 margin (dated in the forecast years), and the above-scale count
    and its growth (a 2022 statement about 2016-19)."""
    pop = (_POP_ORIGINAL[2017] / _POP_ORIGINAL[2015]) ** 0.5 - 1.0
    window = [
        Statistic(
            "ind_growth",
            "real growth of above-scale industrial VA, mean 2015-17",
            *_mean_se([_IND_REAL[y] for y in (2015, 2016, 2017)]),
            True,
            "province_macro_2015_2019.csv (0.4, 2.0, 2.7%)",
        ),
        Statistic(
            "gdp_growth",
            "real GDP growth, mean 2015-17",
            *_mean_se([_GDP_REAL[y] for y in (2015, 2016, 2017)]),
            True,
            "province_macro_2015_2019.csv (5.7, 6.1, 6.4%)",
        ),
        Statistic(
            "sec_trend",
            "change of the secondary share per year, 2015-17",
            (_SEC_SHARE[2017] - _SEC_SHARE[2015]) / 100.0 / 2.0,
            BY_NAME["sec_trend"].se,
            True,
            "province_macro_2015_2019.csv (31.8% to 26.5%)",
        ),
        Statistic(
            "pop_growth",
            "growth of the resident population per year, end-2015 to end-2017 (original series)",
            pop,
            BY_NAME["pop_growth"].se,
            True,
            "population_labour.csv (3812 to 3789 ten thousand, as published before the census)",
        ),
    ]
    return window + [BY_NAME["loss_share_2019"], BY_NAME["state_apk_rel"]]


def forecast_points() -> list[tuple[str, int, float]]:
    """(series, year, recorded value) of every forecast that is scored."""
    return [(s.name, y, float(v)) for s in SERIES for y, v in sorted(s.actual.items())]


def window_values(series: Series) -> np.ndarray:
    """The window's values of ``series`` in year order."""
    return np.array([series.window[y] for y in sorted(series.window)], dtype=float)
