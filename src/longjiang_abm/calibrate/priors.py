"""The candidate behavioural parameters of the estimation, each with its prior and the source of
that prior.

A prior is uniform on the schema's range where no study measures the parameter (the range is
then the prior: docs/calibration.md says so), or a normal truncated to that range, centred on a
published estimate with a spread that covers the literature's range of estimates. National
drivers and initial-state targets (the oil field's depletion, primary growth, the 2018 levels)
are not candidates: they are read from the record or solved at initialisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..params import Scenario


@dataclass(frozen=True)
class Prior:
    """The prior of parameter ``key`` ('section.key'): uniform on [lower, upper], or (when
    ``mean`` is given) normal(mean, sd) truncated to [lower, upper]."""

    key: str
    lower: float
    upper: float
    source: str
    mean: float | None = None
    sd: float | None = None

    @property
    def name(self) -> str:
        """The parameter's name inside pyabc (no dots): 'section__key'."""
        return self.key.replace(".", "__")

    def rv(self):
        """The prior as a pyabc random variable."""
        import pyabc

        if self.mean is None:
            return pyabc.RV("uniform", self.lower, self.upper - self.lower)
        a, b = (self.lower - self.mean) / self.sd, (self.upper - self.mean) / self.sd
        return pyabc.RV("truncnorm", a, b, loc=self.mean, scale=self.sd)

    def describe(self) -> str:
        if self.mean is None:
            return f"uniform [{self.lower:g}, {self.upper:g}]"
        return f"normal({self.mean:g}, {self.sd:g}) on [{self.lower:g}, {self.upper:g}]"


_NONE = "no study measures it for the province: uniform on the schema's range"

CANDIDATES = [
    Prior(
        "environment.national_competitiveness_growth",
        0.0,
        0.08,
        "the competitors' quality-adjusted productivity trend; " + _NONE,
    ),
    Prior(
        "environment.tertiary_trend_growth",
        -0.05,
        0.15,
        "services the model does not derive from local spending; " + _NONE,
    ),
    Prior("environment.migration_response", 0.0, 0.5, _NONE),
    Prior(
        "firms.provincial_demand_elasticity",
        1.0,
        6.0,
        "a trade elasticity: about 4 (Simonovska & Waugh 2014, J. Int. Econ. 92); their "
        "Eaton-Kortum estimate about 8 lies outside the range; sd 1.5 spans 2-6",
        mean=4.0,
        sd=1.5,
    ),
    Prior("firms.replicator_speed", 0.02, 0.3, _NONE),
    Prior("firms.rd_success", 10.0, 80.0, _NONE),
    Prior("firms.productivity_shock_sd", 0.01, 0.06, _NONE),
    Prior(
        "firms.cost_passthrough",
        0.3,
        1.0,
        "Amiti, Itskhoki & Konings (2019, REStud 86): 0.6 for the typical firm, about 0.5 for "
        "large and 1 for small firms; sd 0.15",
        mean=0.6,
        sd=0.15,
    ),
    Prior("firms.exit_hazard_floor_q", 0.005, 0.012, _NONE),
    Prior("firms.exit_hazard_q", 0.03, 0.09, _NONE),
    Prior("entry.entry_rate_q", 0.02, 0.045, _NONE),
    Prior(
        "entry.entrant_size_rel",
        0.05,
        1.0,
        "Geroski (1995, IJIO 13): entrants average 33-50% of the average incumbent; "
        "normal(0.4, 0.1)",
        mean=0.4,
        sd=0.1,
    ),
    Prior(
        "finance.soft_budget_overcapacity",
        0.0,
        2.0,
        "the state firms' excess capital; identified by the state/non-state capital "
        "productivity gap (observed.state_apk_rel); " + _NONE,
    ),
    Prior("environment.construction_trend_growth", -0.05, 0.1, _NONE),
]

BY_KEY = {p.key: p for p in CANDIDATES}
BY_NAME = {p.name: p for p in CANDIDATES}


def baseline_value(key: str, scenario: Scenario | None = None) -> float:
    """The packaged baseline's value of ``key`` (or ``scenario``'s)."""
    sc = Scenario() if scenario is None else scenario
    section, name = key.split(".")
    return float(getattr(getattr(sc, section), name))


def distribution(priors: list[Prior]):
    """The joint prior (independent marginals) as a pyabc Distribution."""
    import pyabc

    return pyabc.Distribution(**{p.name: p.rv() for p in priors})


def check_schema() -> None:
    """Every prior's range lies inside the schema's bounds (raises AssertionError)."""
    sc = Scenario()
    for p in CANDIDATES:
        section, name = p.key.split(".")
        field = type(getattr(sc, section)).model_fields[name]
        lo = next(m.ge for m in field.metadata if getattr(m, "ge", None) is not None)
        hi = next(m.le for m in field.metadata if getattr(m, "le", None) is not None)
        assert lo <= p.lower < p.upper <= hi, p.key
