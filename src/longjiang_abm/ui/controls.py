"""The control column: play / step / reset, steps per frame, the levers and the run settings."""

from __future__ import annotations

from collections.abc import Callable

import solara

from .levers import lever_specs
from .snapshot import Snapshot, quarter_label

SMALL = {"font-size": "11px", "color": "#666", "line-height": "1.25"}


@solara.component
def RunControls(
    snap: Snapshot,
    playing: bool,
    done: bool,
    steps_per_frame: solara.Reactive[int],
    horizon_years: int,
    on_play: Callable[[], None],
    on_step: Callable[[], None],
    on_reset: Callable[[], None],
    on_horizon: Callable[[int], None],
    busy: bool = False,
):
    with solara.Card("Run", margin=0, style={"margin-bottom": "8px"}):
        solara.Text(
            f"{snap.label} · quarter {snap.quarter}",
            classes=["lj-quarter"],
            style={"font-size": "20px", "font-weight": "600", "display": "block"},
        )
        solara.Text(
            f"{snap.scenario} · seed {snap.seed} · {snap.n_firms:,} firms · "
            f"plays until {quarter_label(snap.horizon)}",
            style={**SMALL, "display": "block"},
        )
        with solara.Row(gap="6px", style={"margin": "6px 0"}):
            solara.Button(
                "Pause" if playing else "Play",
                icon_name="mdi-pause" if playing else "mdi-play",
                on_click=on_play,
                color="primary",
                disabled=busy or (done and not playing),
                classes=["lj-play"],
            )
            solara.Button(
                "Step",
                icon_name="mdi-step-forward",
                on_click=on_step,
                disabled=playing or busy,
                color="primary",
                outlined=True,
                classes=["lj-step"],
            )
            solara.Button(
                "Reset",
                icon_name="mdi-restore",
                on_click=on_reset,
                disabled=busy,
                outlined=True,
                classes=["lj-reset"],
            )
        solara.SliderInt(
            "quarters per frame", value=steps_per_frame, min=1, max=8, tick_labels=False
        )
        solara.InputInt(
            "play until (years from 2019)",
            value=horizon_years,
            on_value=lambda v: on_horizon(int(v or 1)),
            dense=True,
        )
        if done:
            solara.Text("Reached the end of the horizon: raise it to play on.", style=SMALL)


@solara.component
def LeverPanel(
    pending: dict[str, float],
    changed: dict[str, tuple[float, float]],
    next_label: str,
    on_lever: Callable[[str, float], None],
):
    """A slider per lever of the schema (hover for its meaning); levers without a mechanism
    yet (not in ``params.ACTIVE_LEVERS``) are shown disabled. ``pending``: the values in force
    next quarter; ``changed``: levers whose value changes then (in force now, next)."""
    specs = lever_specs()
    active = [s for s in specs if s.active]
    inactive = [s for s in specs if not s.active]

    def lever(s):
        fmt = "{:.0f}" if s.step >= 1 else "{:.2f}"
        value = fmt.format(pending[s.name])
        if s.name in changed:
            value = f"{fmt.format(changed[s.name][0])} → {value} from {next_label}"
        with solara.Tooltip(s.description + ("" if s.active else " (no mechanism yet)")):
            with solara.Div(classes=["lj-lever", f"lj-lever-{s.name}"]):
                with solara.Row(justify="space-between", style={"margin-bottom": "-14px"}):
                    solara.Text(f"{s.label} {s.zh}", style={"font-size": "13px"})
                    solara.Text(
                        value,
                        style={"font-size": "12px", "font-weight": "600", "color": "#1565c0"},
                    )
                solara.SliderFloat(
                    "",
                    value=pending[s.name],
                    min=s.lo,
                    max=s.hi,
                    step=s.step,
                    on_value=lambda v, name=s.name: on_lever(name, v),
                    disabled=not s.active,
                    thumb_label=False,
                )

    with solara.Card("Policy levers", margin=0, style={"margin-bottom": "8px"}):
        solara.Text(
            "Changes apply from the next quarter and are recorded in the run's history "
            "(History tab). Hover a lever for its meaning.",
            style=SMALL,
        )
        with solara.Div(classes=["lj-levers"]):
            for s in active:
                lever(s)
        if inactive:
            with solara.Details(f"{len(inactive)} levers without a mechanism yet"):
                for s in inactive:
                    lever(s)


@solara.component
def RunSettingsPanel(
    scenarios: list[str],
    scenario: str,
    on_scenario: Callable[[str], None],
    reference: solara.Reactive[str],
    seed: solara.Reactive[int],
    n_firms: solara.Reactive[int],
    pending_reset: bool,
    problem: str | None = None,
):
    with solara.Card("Scenario and population", margin=0, style={"margin-bottom": "8px"}):
        solara.Select(
            "scenario (params/)", values=scenarios, value=scenario, on_value=on_scenario, dense=True
        )
        solara.Select("compare against", values=scenarios, value=reference, dense=True)
        solara.InputInt("seed", value=seed)
        solara.InputInt("firms (35,000 = whole province)", value=n_firms)
        if problem:
            solara.Error(problem, dense=True, classes=["lj-settings-error"])
        elif pending_reset:
            solara.Warning("Press Reset to apply these settings.", dense=True)
        else:
            solara.Text("Applied by Reset, which rebuilds the model.", style=SMALL)
