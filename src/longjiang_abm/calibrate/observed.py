"""The record's summary statistics of 2015-2019, each with its standard error and source.

The model starts at the end of 2018; growth rates and trends of 2015-2018 are compared with the
model's years 2-5 under trend national drivers, the 2019 levels with its year 1
(``statistics.run_statistics``). Real is compared with real: NBS's growth rates are at comparable
prices. A standard error is the data's own uncertainty (the standard error of a multi-year mean
from the spread of its annual rates; for a figure read from a band or of another period, a
quarter of the band's width). ``used``: whether the estimation conditions on the statistic; the
others are checked out of sample (posterior predictive checks, docs/calibration.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_IND = [0.4, 2.0, 2.7, 2.8]  # above-scale industrial VA, real growth 2015-2018, %
_GDP = [5.7, 6.1, 6.4, 4.7]  # GDP, real growth 2015-2018, %
_GDP_NOMINAL = [15084.0, 15386.0, 16199.9, 16361.6]  # GDP 2015-2018, original vintage


@dataclass(frozen=True)
class Statistic:
    """One summary statistic of the record: ``value`` with standard error ``se`` (same unit)."""

    name: str
    label: str
    value: float
    se: float
    used: bool
    source: str


def _mean_se(rates: list[float]) -> tuple[float, float]:
    """Mean of annual rates (in %) and the standard error of that mean, as fractions."""
    x = np.asarray(rates) / 100
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


_nominal = [b / a - 1 for a, b in zip(_GDP_NOMINAL, _GDP_NOMINAL[1:], strict=False)]

STATISTICS = [
    Statistic(
        "ind_growth",
        "real growth of above-scale industrial VA (NBS basis), mean 2015-18",
        *_mean_se(_IND),
        True,
        "province_macro_2015_2019.csv (0.4, 2.0, 2.7, 2.8%)",
    ),
    Statistic(
        "gdp_growth",
        "real GDP growth, mean 2015-18",
        *_mean_se(_GDP),
        True,
        "province_macro_2015_2019.csv (5.7, 6.1, 6.4, 4.7%)",
    ),
    Statistic(
        "sec_trend",
        "change of the secondary share per year (original series 2015-18)",
        (0.246 - 0.318) / 3,
        0.003,
        True,
        "province_macro_2015_2019.csv (31.8% to 24.6%)",
    ),
    Statistic(
        "pop_growth",
        "growth of the resident population per year, 2015-19 (revised series)",
        (3255 / 3529) ** (1 / 4) - 1,
        0.002,
        True,
        "population_labour.csv (3529 to 3255 ten thousand)",
    ),
    Statistic(
        "sec_2019",
        "secondary share of GDP, 2019 (post-census)",
        0.266,
        0.01,
        True,
        "2019 bulletin (grade C); se: the two circulating 2019 GDP figures and revision risk",
    ),
    Statistic(
        "as_growth",
        "growth of the above-scale count per year, 2019-23 in the model",
        -0.01,
        0.015,
        True,
        "about 4000 in 2015, below 4000 each year 2016-19 (industry_structure.csv)",
    ),
    Statistic(
        "as_2019",
        "above-scale firms, 2019 (per 35,000 firms)",
        3500.0,
        1000.0 / np.sqrt(12),
        True,
        "'below 4000' (provincial statement 2022): uniform on 3000-3999",
    ),
    Statistic(
        "margin_2019",
        "revenue-profit margin of above-scale industry, 2019",
        0.0693,
        0.01,
        True,
        "Heilongjiang Daily, 2018 H1 (6.93%); se: a quarter of the band 5-9%",
    ),
    Statistic(
        "loss_share_2019",
        "share of loss-making above-scale firms, 2019",
        0.292,
        0.05,
        True,
        "qianzhan 2012, Jan-Feb 2012 (29.2%; another period); se: a quarter of 15-35%",
    ),
    Statistic(
        "state_apk_rel",
        "state firms' revenue per unit of capital over non-state firms', same sector, 2019",
        2 / 3,
        0.1,
        True,
        "Hsieh & Song (2015), Dollar & Wei (2007): a gap, read as two thirds "
        "(docs/assumptions.md, ownership wedges); se wide",
    ),
    Statistic(
        "gdp_nominal_growth",
        "nominal GDP growth, mean 2016-18 (original vintage)",
        float(np.mean(_nominal)),
        float(np.std(_nominal, ddof=1) / np.sqrt(len(_nominal))),
        False,
        "province_macro_2015_2019.csv; not used: under trend drivers the model's prices follow "
        "the national deflator, while the province's fell with oil and coal prices in 2015-16",
    ),
]

BY_NAME = {s.name: s for s in STATISTICS}
USED = [s.name for s in STATISTICS if s.used]


def observed() -> dict[str, float]:
    """The statistics the estimation conditions on, {name: value}."""
    return {s.name: s.value for s in STATISTICS if s.used}
