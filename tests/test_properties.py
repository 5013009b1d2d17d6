"""Property-based tests over the whole valid parameter space (hypothesis).

Every numeric parameter of every scenario section and every policy lever is drawn within the
bounds the schema declares (``ge`` / ``le`` in params.py: the strategy reads them from the
schema, so a new parameter is covered automatically), with a small population (60-300 firms).
Each example runs 40 quarters with the accounting identities checked every quarter
(``check_accounts=True``) and, after every quarter, tests/model_invariants.py: no NaN or
infinity in any firm column, quarterly record or KPI; shares within [0, 1]; the Mesa Firm agents
exactly the living rows of the firm table.

Reproducible: ``derandomize=True`` and no example database, so CI runs the same examples every
time. EXAMPLES examples (docs/reliability.md records the number). A run whose population passes
200 times its start (a known open problem, docs/reliability.md) stops early.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from model_invariants import check_kpis, check_quarter
from pydantic import BaseModel

from longjiang_abm import LongjiangModel
from longjiang_abm.params import PolicyLevers, Scenario

EXAMPLES = 200
QUARTERS = 40
POPULATION_LIMIT_FACTOR = 200  # see the test: a population 200 times its start stops a run
SKIPPED_SECTIONS = ("run", "tables", "policy")  # run: drawn below; policy: PolicyLevers


def bounds(field) -> tuple[float, float]:
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
    assert lo is not None and hi is not None, "every number has bounds (test_params.py)"
    return lo, hi


def section_strategy(model: type[BaseModel]) -> st.SearchStrategy[dict]:
    """A dict drawing every numeric field of ``model`` within its declared bounds."""
    fields = {}
    for name, field in model.model_fields.items():
        if field.annotation is float:
            lo, hi = bounds(field)
            fields[name] = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        elif field.annotation is int:
            lo, hi = bounds(field)
            fields[name] = st.integers(int(lo), int(hi))
        elif name == "drivers":
            fields[name] = st.sampled_from(["trend", "history"])
    return st.fixed_dictionaries(fields)


def scenario_strategy() -> st.SearchStrategy[dict]:
    sections = {
        name: section_strategy(field.annotation)
        for name, field in Scenario.model_fields.items()
        if isinstance(field.annotation, type)
        and issubclass(field.annotation, BaseModel)
        and name not in SKIPPED_SECTIONS
    }
    sections["policy"] = section_strategy(PolicyLevers)
    sections["run"] = st.fixed_dictionaries(
        {"n_firms": st.integers(60, 300), "years": st.just(QUARTERS // 4)}
    )
    return st.fixed_dictionaries(sections)


def test_the_strategy_covers_every_numeric_parameter():
    """Every float or int of every section (and every lever) is drawn: none is left fixed."""
    drawn = scenario_strategy().example()
    for name, field in Scenario.model_fields.items():
        ann = field.annotation
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)) or name == "tables":
            continue
        model = PolicyLevers if name == "policy" else ann
        numeric = {k for k, f in model.model_fields.items() if f.annotation in (int, float)}
        if name == "run":
            numeric -= {"years"}  # fixed at 10 years = 40 quarters
        assert numeric <= set(drawn[name]), f"{name}: {numeric - set(drawn[name])} not drawn"


@pytest.mark.slow  # 200 examples: about 30 s alone, minutes on a busy machine
@pytest.mark.timeout(1800)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
@given(data=scenario_strategy(), seed=st.integers(0, 2**31 - 1))
def test_any_valid_scenario_runs_40_quarters_with_finite_closed_accounts(data, seed):
    scenario = Scenario.model_validate(data)  # valid by construction
    model = LongjiangModel(scenario, seed=seed, check_accounts=True)
    limit = POPULATION_LIMIT_FACTOR * scenario.run.n_firms
    for _ in range(QUARTERS):
        model.step()
        check_quarter(model)
        if model.firms.n_alive > limit:
            # a known open problem (docs/reliability.md): a nominal wage-price-entry spiral
            # doubles the population every quarter at some extreme parameter combinations.
            # Stop here (memory), with every invariant checked so far.
            event("population explosion: stopped early")
            break
    check_kpis(model)
