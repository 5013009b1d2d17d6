"""The policy levers, their schedule by year, and the ``[policy]`` section."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, create_model, field_validator, model_validator

from ..errors import ScenarioError
from .base import _f, _Section


class PolicyLevers(_Section):
    """The strategy's policy levers. Every lever's neutral value (the default) is 2018 practice."""

    ownership_neutrality: float = _f(
        0.0,
        0.0,
        1.0,
        "一视同仁: 0 = 2018 practice, 1 = equal treatment of all ownership types in credit terms, "
        "entry barriers and bail-outs",
    )
    park_coconstruction: float = _f(
        0.0,
        0.0,
        1.0,
        "省市县共建: share of the provincial co-construction fund deployed (0 = none) and strength "
        "of joint investment attraction across co-built parks",
    )
    pillar_support: float = _f(
        0.0, 0.0, 0.1, "百千万: subsidy to the four new pillars' firms, share of their revenue"
    )
    chain_support: float = _f(
        0.0, 0.0, 1.0, "五头五尾: share of the gap to full local sourcing of raw materials closed"
    )
    sme_support: float = _f(
        0.0, 0.0, 1.0, "扶持中小: government credit-guarantee coverage for small and micro firms"
    )
    leading_firm_support: float = _f(
        0.0,
        0.0,
        1.0,
        "稳住龙头: probability that a distressed large firm of any ownership is rescued",
    )
    big_projects_per_year: float = _f(
        0.0, 0.0, 20.0, "大抓项目: large investment projects entering per year (firms)"
    )
    business_environment: float = _f(
        0.0,
        0.0,
        1.0,
        "营商环境: cut in entry cost and delay, raising the entry rate (0 = 2018 practice)",
    )
    digital_integration: float = _f(
        0.0, 0.0, 1.0, "两化融合: support for digital adoption (0 = none, 1 = maximal)"
    )
    technology_integration: float = _f(
        0.0, 0.0, 1.0, "科技+产业: R&D support (refund of rd_subsidy_max and more R&D at 1)"
    )
    civil_military_integration: float = _f(
        0.0, 0.0, 1.0, "军民融合: share of defence-related demand opened to non-state firms"
    )
    large_small_integration: float = _f(
        0.0,
        0.0,
        1.0,
        "大中小融合: strength of supplier links through which SMEs learn from large firms",
    )
    green_transition: float = _f(
        0.0, 0.0, 1.0, "绿色: emissions cut required (share of intensity), with its abatement cost"
    )


# every lever acts through a mechanism (instruments.py); kept for the UI's lever panel
ACTIVE_LEVERS = tuple(PolicyLevers.model_fields)


def _schedule_fields() -> dict:
    """Every lever as an optional field with the lever's own bounds."""
    out: dict[str, Any] = {
        "year": (
            int,
            Field(..., ge=2019, le=2100, strict=True, description="year from which values apply"),
        )
    }
    for name, fld in PolicyLevers.model_fields.items():
        lo = next(m.ge for m in fld.metadata if hasattr(m, "ge"))
        hi = next(m.le for m in fld.metadata if hasattr(m, "le"))
        out[name] = (
            Annotated[float, Field(ge=lo, le=hi, strict=True)] | None,
            Field(None, description=fld.description),
        )
    return out


ScheduleEntry = create_model(
    "ScheduleEntry",
    __base__=_Section,
    **_schedule_fields(),
)
ScheduleEntry.__doc__ = "From ``year`` on, the levers given take these values."


class PolicyParams(PolicyLevers):
    schedule: tuple[ScheduleEntry, ...] = Field(
        (), description="changes of levers from a given year on, in increasing year order"
    )

    @field_validator("schedule")
    @classmethod
    def _years_increase(cls, schedule: tuple) -> tuple:
        years = [e.year for e in schedule]
        if years != sorted(years) or len(set(years)) != len(years):
            raise ValueError(
                f"the entries' years must increase strictly from one entry to the next, got {years}"
            )
        return schedule

    def at_year(self, year: int) -> PolicyParams:
        """The levers in force in ``year``: the base values overridden by schedule entries."""
        values = self.model_dump(exclude={"schedule"})
        for entry in self.schedule:
            if entry.year <= year:
                values.update(entry.model_dump(exclude={"year"}, exclude_none=True))
        return PolicyParams(**values)


class ParkTreatment(_Section):
    """Co-construction of the parks of chosen prefectures from chosen years (staggered), so
    that treated and untreated prefectures coexist in one run (a difference-in-differences
    design, experiments/replications/). Empty (the default): no targeted treatment."""

    prefectures: tuple[str, ...] = Field(
        (),
        max_length=50,
        description="prefecture keys (prefectures.csv) whose parks are co-built from their year",
    )
    years: tuple[Annotated[int, Field(ge=2019, le=2100, strict=True)], ...] = Field(
        (),
        max_length=50,
        description="the year from which each listed prefecture's parks are co-built (same order)",
    )
    coconstruction: float = _f(
        1.0,
        0.0,
        1.0,
        "co-construction intensity of the treated parks (as the park_coconstruction lever, "
        "but only for them; a park takes the larger of this and the lever)",
    )

    @field_validator("prefectures")
    @classmethod
    def _unique(cls, prefs: tuple) -> tuple:
        if len(set(prefs)) != len(prefs):
            raise ValueError(f"each prefecture may be listed once, got {list(prefs)}")
        return prefs

    @model_validator(mode="after")
    def _same_length(self) -> ParkTreatment:
        if len(self.years) != len(self.prefectures):
            raise ValueError(
                f"years needs one year per prefecture: {len(self.prefectures)} prefectures, "
                f"{len(self.years)} years"
            )
        return self

    def intensity(self, park_pref, pref_keys, year: int, lever: float):
        """Co-construction intensity of every park in ``year``: the lever, raised to
        ``coconstruction`` for the parks of prefectures treated by then."""
        import numpy as np

        start = {k: y for k, y in zip(self.prefectures, self.years, strict=True)}
        unknown = set(start) - set(pref_keys)
        if unknown:
            raise ScenarioError(
                f"key 'park_treatment.prefectures': unknown prefecture(s) {sorted(unknown)}; "
                f"allowed: {', '.join(pref_keys)}"
            )
        on = np.array([start.get(pref_keys[p], 10**6) <= year for p in park_pref], dtype=bool)
        return np.where(on, max(lever, self.coconstruction), lever).astype(np.float64)
