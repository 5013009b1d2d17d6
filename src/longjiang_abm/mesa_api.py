"""Mesa's conventions on ``LongjiangModel``: seed, constructor parameters, DataCollector.

What Mesa's own tools (``mesa.batch_run``, ``mesa.visualization.SolaraViz``, a script's
``while model.running: model.step()``) expect of a model, and how this model provides it:

- **seed**: ``LongjiangModel(seed=7)`` or ``LongjiangModel(rng=7)`` (Mesa 3.5's name);
  ``None`` (the default) draws a fresh seed from the operating system's entropy, which is
  recorded as ``model.seed`` so the run can be repeated. The command line keeps its explicit
  default (``longjiang run --seed 0``) and ``longjiang_abm.run(..., seed=0)`` too.
- **scenario keys as keyword arguments**: ``LongjiangModel(policy_ownership_neutrality=1.0)``
  sets ``[policy] ownership_neutrality`` (``section_key=value``, as ``--set section.key=value``
  on the command line), so ``batch_run(LongjiangModel, parameters={...})`` can sweep any key.
  They are applied on top of the ``scenario`` argument and checked like a scenario file.
- **DataCollector**: ``model.datacollector`` is a ``mesa.DataCollector`` whose model
  reporters are the KPI columns (``metrics.KPI_COLUMNS``), collected at the end of every
  quarter from the record the model keeps anyway (``model.records[-1]``): no second pass over
  the firms. Per quarter: money flows in 100m yuan *in that quarter*; year-end KPIs (firm
  counts by threshold, concentration, ownership shares, ROI) hold the last completed year's
  value (None before the first year ends); ``gdp_growth`` is over the same quarter a year
  before. The annual table of ``longjiang run`` is ``model.kpis()``.
- **running**: True until the scenario's horizon (``[run] years``) is reached, so
  ``batch_run`` and ``Model.run_model`` stop there; ``step()`` still works after it.

- **many models in one process** (estimation, sweeps, ensembles): Mesa 3.3 keeps each
  model's agent-id counter in a class attribute, ``Agent._ids``, a ``defaultdict`` keyed by
  the model, so no model that made an agent was ever freed (about 20 MB per 35,000-firm run of
  5 years; an SMM worker reached 5.5 GB). ``free_models_from_agent_ids`` gives ``Agent`` a
  weakly keyed registry with the same counters (Mesa issue #3179, fixed upstream in PR #3180;
  applied only where ``Agent._ids`` is still a ``defaultdict``; it replaces a class attribute of
  Mesa's, so it holds for every Mesa model in the process, with the same ids as before).

Mesa 3.5's ``Model`` has an attribute ``scenario`` of its own (a Mesa ``Scenario``: a frozen
bag of parameters linked to the model, becoming the home of parameters and rng in Mesa 4).
The model's pydantic scenario is therefore ``model.params`` (docs/mesa.md says why).
"""

from __future__ import annotations

import collections
import copy
import itertools
import types
import weakref
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from . import metrics
from .params import Scenario, ScenarioError, load_scenario, validate_scenario


class _AgentIdCounters(weakref.WeakKeyDictionary):
    """Mesa's per-model agent-id counters (``Agent._ids``: ``next(Agent._ids[model])`` gives
    the next ``unique_id``, from 1), weakly keyed: a counter is created on first use, as by the
    ``defaultdict`` it replaces, and dropped with its model."""

    def __getitem__(self, model):
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = itertools.count(1)
            self[model] = counter
            return counter


def free_models_from_agent_ids() -> None:
    """Replace Mesa 3.3's strongly keyed ``Agent._ids`` by ``_AgentIdCounters`` (existing
    counters kept), so that a finished model can be garbage-collected (Mesa issue #3179).
    Idempotent; a no-op where Mesa no longer has the ``defaultdict``."""
    ids = mesa.Agent.__dict__.get("_ids")
    if isinstance(ids, collections.defaultdict):
        counters = _AgentIdCounters()
        counters.update(ids)
        mesa.Agent._ids = counters


free_models_from_agent_ids()

FLOWS = frozenset(metrics.FLOW_COLUMNS) - {"year"}
SECTIONS = tuple(
    sorted(
        (k for k in Scenario.model_fields if k not in ("name", "description")),
        key=len,
        reverse=True,
    )
)  # longest first: a prefix match is unambiguous


def resolve_seed(seed: Any = None, rng: Any = None) -> int:
    """The run's integer seed from Mesa's ``seed``/``rng`` arguments (None: a fresh one)."""
    if seed is not None and rng is not None and seed != rng:
        raise ValueError("pass either seed or rng (Mesa's name), not both")
    value = seed if seed is not None else rng
    if value is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint32)[0])
    if isinstance(value, np.random.Generator):
        return int(value.integers(np.iinfo(np.uint32).max, dtype=np.uint32))
    if isinstance(value, np.random.SeedSequence):
        return int(value.generate_state(1, np.uint32)[0])
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"seed: expected a non-negative integer or None, not {value!r}")
    if value < 0:
        raise ValueError(f"seed: expected a non-negative integer or None, not {value}")
    return int(value)


def _key(name: str) -> tuple[str, str]:
    for section in SECTIONS:
        if name.startswith(section + "_") and len(name) > len(section) + 1:
            return section, name[len(section) + 1 :]
    if name in ("name", "description"):
        return "", name
    raise TypeError(
        f"LongjiangModel() got an unexpected keyword argument {name!r}: scenario keys are "
        f"given as section_key=value, the section one of {', '.join(sorted(SECTIONS))} "
        "(e.g. policy_ownership_neutrality=1.0 for [policy] ownership_neutrality)"
    )


def resolve_scenario(scenario: Scenario | str | Path | None, keys: dict[str, Any]) -> Scenario:
    """A ``Scenario`` from the constructor's ``scenario`` argument and ``section_key=value``
    keyword arguments (checked as a scenario file is: ``ScenarioError`` names the key)."""
    if isinstance(scenario, str | Path):
        scenario = load_scenario(scenario)  # a TOML file: checked, ScenarioError if wrong
    elif scenario is None:
        scenario = Scenario()
    elif not isinstance(scenario, Scenario):
        raise TypeError(
            f"scenario: expected a Scenario, a TOML file path or None, not {type(scenario)}"
        )
    if not keys:
        return scenario
    data = scenario.model_dump()
    for name, value in keys.items():
        section, key = _key(name)
        if isinstance(value, np.generic):
            value = value.item()  # numpy scalars from a batch's parameter lists
        node = data.setdefault(section, {}) if section else data
        if section and key not in node:
            raise ScenarioError(
                f"LongjiangModel({name}=...): [{section}] has no key {key!r}; its keys: "
                + ", ".join(k for k in node if k != "schedule")
            )
        node[key] = value
    given = ", ".join(f"{k}={v!r}" for k, v in keys.items())
    return validate_scenario(data, f"LongjiangModel({given})")


def _kpi(model, key: str):
    """A KPI of the quarter just closed, from ``model.records`` (see the module docstring)."""
    recs = model.records
    if not recs:
        return None
    rec = recs[-1]
    base = key.removesuffix("_growth")
    if base != key and base in rec:  # gdp_growth, gdp_real_growth, ...: over four quarters
        if len(recs) < 5 or recs[-5][base] <= 0:
            return None
        return rec[base] / recs[-5][base] - 1.0
    if key in FLOWS:
        return rec[key] / 1e4  # 10k yuan -> 100m yuan
    for r in reversed(recs[-4:]):  # year-end KPIs: the last completed year's value
        if key in r:
            return r[key]
    return None


def reporters() -> dict[str, partial]:
    """Model reporters: every KPI column (partials of a module function: picklable)."""
    return {k: partial(_kpi, key=k) for k in ["quarter", *metrics.KPI_COLUMNS]}


class KpiCollector(mesa.DataCollector):
    """Mesa's DataCollector, collecting its model reporters without Mesa's ``deepcopy`` of
    each value when the value is a number, a string or None (immutable: the copy equals it;
    the KPIs all are). Other values, reporters of other kinds (an attribute name, a
    ``[function, args]`` list) and agent reporters go through Mesa's own ``collect``."""

    def collect(self, model):
        reporters = self.model_reporters
        simple = (types.LambdaType, partial)
        if (
            not self._validated
            or self.agent_reporters
            or self.agenttype_reporters
            or not all(isinstance(r, simple) for r in reporters.values())
        ):
            return super().collect(model)
        if hasattr(self, "_collection_steps"):  # Mesa 3.5: batch_run reads rows by this time
            self._collection_steps.append(model.time)
        for var, reporter in reporters.items():
            value = reporter(model)
            if type(value) not in _IMMUTABLE:
                value = copy.deepcopy(value)
            self.model_vars[var].append(value)


_IMMUTABLE = frozenset({float, int, bool, str, type(None), np.float64, np.int64, np.bool_})


def datacollector() -> mesa.DataCollector:
    """The model's DataCollector: every KPI column, read from ``model.records``."""
    return KpiCollector(model_reporters=reporters())


def running(model) -> bool:
    """Mesa's ``running``: True until the scenario's horizon (``[run] years``)."""
    return model.quarter < model.params.run.years * 4
