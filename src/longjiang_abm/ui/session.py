"""One browser session's run: the model, its reference run, stepping and the levers.

``Session`` is plain Python (no Solara), so scripts and tests can drive it like the UI does:

    s = Session(RunSettings(n_firms=5000))
    s.set_levers(ownership_neutrality=1.0)   # in force from the next quarter
    snap = s.step(4)                           # four quarters; a Snapshot to draw

Levers reach the model only through ``model.hold_levers``: ``steps/policy.py: set_levers``
puts them in force at the start of the next quarter and records every change in
``model.government.policy_log`` (the run's history, shown in the UI). Once a lever has been
moved during a run, the levers shown are held from then on (a scenario's ``[[policy.schedule]]``
no longer applies to this run). ``reset`` rebuilds the model from the scenario file with the
levers as currently set.

The reference run is the reference scenario file as written (its own levers), with the same
seed and population; it only advances to the quarter the main run has reached and is kept
across resets that leave its file, seed and population unchanged (it does not depend on the
levers, so rerunning it would give the same numbers).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..model import LongjiangModel
from ..params import SEED_MAX, ScenarioError, load_scenario
from .guard import max_firms
from .levers import lever_values, with_levers
from .scenarios import scenario_files
from .snapshot import Snapshot, firm_views, frame_row, live_measures, quarter_label, run_frame

MAX_QUARTERS = 200  # the schema allows 50 years


@dataclass(frozen=True)
class RunSettings:
    """What ``reset`` builds: scenario file, seed, population and the levers at the start."""

    scenario: str = "baseline.toml"  # a key of scenario_files()
    seed: int = 0
    n_firms: int | None = None  # None: the scenario's run.n_firms
    levers: dict = field(default_factory=dict)  # lever -> value at the start (others: file)
    reference: str = "baseline.toml"  # scenario file of the reference run


def _load(name: str):
    files = scenario_files()
    if name not in files:
        raise ScenarioError(f"{name}: no such scenario file (have: {', '.join(files)})")
    return load_scenario(files[name])


class _Run:
    """A model with the live measures of each of its quarters."""

    def __init__(self, scenario, seed: int, n_firms: int):
        self.model = m = LongjiangModel(scenario, seed=seed, n_firms=n_firms)
        self.rows = [frame_row(live_measures(m), None, [], m.start_year)]

    def step(self) -> None:
        m = self.model
        m.step()
        self.rows.append(frame_row(live_measures(m), m.records[-1], self.rows, m.start_year))

    def frame(self, upto: int):
        return run_frame(self.rows[: upto + 1])


class Session:
    """A run the UI drives (thread-safe: the play loop steps while the page reads)."""

    def __init__(self, settings: RunSettings | None = None):
        self.lock = threading.RLock()
        self._ref: _Run | None = None
        self._ref_key: tuple | None = None
        self.reset(settings or RunSettings())

    # --- building ------------------------------------------------------------------------
    def reset(self, settings: RunSettings | None = None) -> Snapshot:
        """Rebuild the model (and, if its file, seed or population changed, the reference)."""
        settings = settings or self.settings
        scenario = _load(settings.scenario)
        if settings.levers:
            scenario = scenario.model_copy(
                update={"policy": with_levers(scenario.policy, **settings.levers)}
            )
        n_firms = int(settings.n_firms or scenario.run.n_firms)
        if not 1 <= n_firms <= max_firms():  # ui/guard.py
            raise ScenarioError(f"population {n_firms}: allowed range 1 to {max_firms()} firms")
        if not 0 <= settings.seed <= SEED_MAX:
            raise ScenarioError(f"seed {settings.seed}: allowed range 0 to {SEED_MAX}")
        with self.lock:
            run = _Run(scenario, settings.seed, n_firms)
            key = (settings.reference, settings.seed, n_firms)
            if self._ref_key != key:
                self._ref = _Run(_load(settings.reference), settings.seed, n_firms)
                self._ref_key = key
            self.run = run
            self.settings = dataclasses.replace(settings, n_firms=n_firms)
            self.scenario = scenario
            self.horizon = 4 * scenario.run.years
            start = firm_views(run.model)
            self._start = start
            self._size_max = 2.0 * max(float(start["parks"]["output_year"].max()), 1e-9)
            self._firms_max = 1.5 * max(float(start["prefectures"]["firms"].max()), 1.0)
            self.snapshot = self._take()
            return self.snapshot

    @property
    def model(self) -> LongjiangModel:
        return self.run.model

    @property
    def reference_model(self) -> LongjiangModel:
        assert self._ref is not None
        return self._ref.model

    # --- running -------------------------------------------------------------------------
    def step(self, n: int = 1, stop=None) -> Snapshot:
        """Advance ``n`` quarters (the reference run follows) and take a new snapshot;
        ``stop()``, checked before each quarter after the first, ends it early (Pause)."""
        with self.lock:
            for i in range(max(int(n), 0)):
                if self.model.quarter >= MAX_QUARTERS or (i and stop is not None and stop()):
                    break
                self.run.step()
            assert self._ref is not None
            while self._ref.model.quarter < self.model.quarter:
                self._ref.step()
            self.snapshot = self._take()
            return self.snapshot

    @property
    def done(self) -> bool:
        """True once the run has reached the horizon (the play button stops there)."""
        return self.model.quarter >= min(self.horizon, MAX_QUARTERS)

    def set_horizon(self, years: int) -> Snapshot:
        with self.lock:
            self.horizon = max(1, min(int(years), MAX_QUARTERS // 4)) * 4
            self.snapshot = dataclasses.replace(self.snapshot, horizon=self.horizon)
            return self.snapshot

    # --- levers --------------------------------------------------------------------------
    def pending_policy(self):
        """The levers that will be in force in the next quarter."""
        m = self.model
        if m.policy_override is not None:
            return m.policy_override
        return m.params.policy.at_year(m.start_year + m.quarter // 4)

    def set_levers(self, **values: float) -> Snapshot:
        """Change levers from the next quarter on (validated: raises ScenarioError)."""
        with self.lock:
            new = with_levers(self.pending_policy(), **values)
            self.model.hold_levers(new)
            self.snapshot = dataclasses.replace(self.snapshot, pending=lever_values(new))
            return self.snapshot

    def history(self) -> list[tuple[str, dict]]:
        """Lever changes of this run: (first quarter in force, {lever: (old, new)})."""
        out = []
        prev: dict | None = None
        for quarter, levers in self.model.government.policy_log:
            if prev is None:
                changed = {k: (None, v) for k, v in levers.items() if v}
            else:
                changed = {k: (prev[k], v) for k, v in levers.items() if prev.get(k) != v}
            if changed or prev is None:
                out.append((quarter_label(quarter, self.model.start_year), changed))
            prev = levers
        return out

    # --- snapshot ------------------------------------------------------------------------
    def _take(self) -> Snapshot:
        m = self.model
        q = m.quarter
        views = firm_views(m)
        prefs = views["prefectures"]
        start = self._start["prefectures"]
        prefs["firms0"] = start["firms"].to_numpy()
        prefs["va0"] = start["va_year"].to_numpy()
        prefs["va_growth"] = prefs["va_year"] / np.maximum(prefs["va0"], 1e-9) - 1.0
        prefs["firms_growth"] = prefs["firms"] / np.maximum(prefs["firms0"], 1) - 1.0
        parks = views["parks"]
        parks["output0"] = self._start["parks"]["output_year"].to_numpy()
        self._size_max = max(self._size_max, float(parks["output_year"].max()))
        self._firms_max = max(self._firms_max, float(prefs["firms"].max()))
        ccdf = views["ccdf"].assign(when="now")
        if q > 0:
            label0 = quarter_label(0, m.start_year) + " (start)"
            ccdf = ccdf.assign(when=quarter_label(q, m.start_year))
            start_ccdf = self._start["ccdf"].assign(when=label0)
            ccdf = pd.concat([ccdf, start_ccdf], ignore_index=True)
        assert self._ref is not None
        gov = m.government
        in_force = lever_values(gov.policy) if q > 0 else lever_values(self.pending_policy())
        return Snapshot(
            quarter=q,
            label=quarter_label(q, m.start_year),
            scale=float(m.scale),
            frame=self.run.frame(q),
            reference=self._ref.frame(q),
            prefectures=prefs,
            parks=parks,
            ccdf=ccdf,
            levers=in_force,
            pending=lever_values(self.pending_policy()),
            history=self.history(),
            scenario=self.settings.scenario,
            reference_name=self.settings.reference,
            seed=self.settings.seed,
            n_firms=int(self.settings.n_firms or 0),
            horizon=self.horizon,
            size_max=self._size_max,
            firms_max=self._firms_max,
        )
