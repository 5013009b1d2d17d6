"""The Longjiang UI page and its server.

``longjiang ui [--host 127.0.0.1] [--port 8765]`` calls ``serve``; ``solara run
longjiang_abm.ui.app`` serves ``Page`` too. Every browser tab gets its own ``Session`` (its own
model); the play loop runs in a Solara task thread and publishes a new ``Snapshot`` per frame.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import sys
import time
from types import SimpleNamespace

import solara
import solara.lab

from ..params import ScenarioError
from . import assets, guard
from .controls import LeverPanel, RunControls, RunSettingsPanel
from .downloads import CsvButton, kpi_table
from .kpis import KpiPanel, TargetsTab
from .panels import CompareTab, HistoryTab, MapTab, StructureTab
from .scenarios import PACKAGED, check_scenario_files, scenario_files
from .session import RunSettings, Session
from .snapshot import quarter_label
from .startup import PREPARED, Preparing, check_population, warm_up

FRAME_SECONDS = 0.25  # shortest time between two frames while playing (browser redraw)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

try:  # no usage statistics sent to a third party (solara's default), whoever starts us
    import solara.server.settings as _server_settings

    _server_settings.telemetry.mixpanel_enable = False
except Exception:  # pragma: no cover - solara internals moved
    pass


def _default_settings() -> RunSettings:
    first = next(iter(scenario_files()))  # baseline.toml if there is one
    firms = os.environ.get("LONGJIANG_UI_FIRMS")
    return RunSettings(
        scenario=first, reference=first, n_firms=int(firms) if firms else None, seed=0
    )


def _kernel_context():
    """Solara's context of this browser tab (None outside a Solara server)."""
    try:
        from solara.server import kernel_context

        if kernel_context.has_current_context():
            return kernel_context.get_current_context()
        return None
    except Exception:  # pragma: no cover - solara internals moved
        return None


def _page_gone(ctx) -> bool:
    """True once no page of this tab's kernel is connected (tab closed or connection lost)."""
    if ctx is None:
        return False
    if ctx.closed_event.is_set():
        return True
    status = [getattr(s, "value", s) for s in ctx.page_status.values()]
    return bool(status) and "connected" not in status


def _start(settings: RunSettings | None) -> tuple[Session, str | None]:
    """The first run of a page; if its scenario file does not load, the packaged baseline
    (with the error shown)."""
    settings = settings or _default_settings()
    try:
        return Session(settings), None
    except ScenarioError as exc:
        fallback = dataclasses.replace(settings, scenario=PACKAGED, reference=PACKAGED, levers={})
        return Session(fallback), f"{exc}\n(showing the packaged baseline instead)"


@solara.component
def App(
    settings: RunSettings | None = None,
    session: Session | None = None,
    start_error: str | None = None,
):
    """The whole page. ``settings``: the run built on first load (default: the first scenario
    file, seed 0, its population); or pass a ``session`` to drive (scripts and tests)."""
    given = session
    session, start_error = solara.use_memo(
        lambda: (given, start_error) if given is not None else _start(settings),
        dependencies=[],
    )
    snap = solara.use_reactive(session.snapshot)
    playing = solara.use_reactive(False)
    steps = solara.use_reactive(1)
    error = solara.use_reactive(start_error)
    fill = solara.use_reactive("firms")
    tab = solara.use_reactive(0)
    # run settings as edited (applied by reset) and the levers moved since the last reset
    s0 = session.settings
    scenario = solara.use_reactive(s0.scenario)
    reference = solara.use_reactive(s0.reference)
    seed = solara.use_reactive(s0.seed)
    n_firms = solara.use_reactive(int(s0.n_firms or 0))
    lever_edits = solara.use_reactive(dict(s0.levers))
    files = solara.use_memo(lambda: list(scenario_files()), dependencies=[])
    sector_names = solara.use_memo(
        lambda: dict(zip(session.model.sectors.keys, session.model.sectors.names, strict=True)),
        dependencies=[],
    )

    def play_loop():
        """Step and publish frames while playing (a Solara task thread). A new call (play
        toggled, reset) or the page closing makes this call stale: it stops and shows the
        session's latest snapshot, so the page always ends on the quarter the run reached.
        Play also stops at the horizon and when the browser tab is gone (Solara keeps a tab's
        kernel for a while, to allow reconnecting)."""
        if not playing.value:
            return

        def current() -> bool:
            return alive.current and task.current is not None and task.current.is_current()

        while playing.value and current():
            if session.done or _page_gone(kernel):
                playing.value = False
                break
            t0 = time.perf_counter()
            try:
                new = session.step(steps.value, stop=lambda: not playing.value)
            except Exception as exc:  # shown in the page; the run stays where it was
                error.value = f"step failed: {exc}"
                playing.value = False
                break
            if not current():
                break
            snap.value = new
            time.sleep(max(FRAME_SECONDS - (time.perf_counter() - t0), 0.02))
        if alive.current:  # show where the run stopped (a frame computed while pausing)
            snap.value = session.snapshot

    busy = solara.use_reactive(False)  # a Step is running: the controls wait
    step_request = solara.use_reactive(0)

    def step_once():
        """One quarter in a task thread, so the page shows it is busy meanwhile."""
        if not step_request.value:
            return
        try:
            new = session.step(1)
            if alive.current:
                snap.value = new
        except Exception as exc:  # shown in the page; the run stays where it was
            error.value = f"step failed: {exc}"
        finally:
            busy.value = False

    solara.lab.use_task(step_once, dependencies=[step_request.value], prefer_threaded=True)
    task = solara.use_ref(None)
    kernel = solara.use_memo(_kernel_context, dependencies=[])
    alive = solara.use_ref(True)  # False once the page is gone (tab closed)

    def on_mount():
        alive.current = True

        def on_unmount():
            alive.current = False

        return on_unmount

    solara.use_effect(on_mount, dependencies=[])
    task.current = solara.lab.use_task(
        play_loop, dependencies=[playing.value], prefer_threaded=True
    )

    def handlers() -> SimpleNamespace:
        """Event handlers; they only touch objects that live as long as the page (session,
        reactive values), so they are made once and the panels that receive them re-render
        only when their data changes."""

        def on_play():
            playing.value = not playing.value

        def on_step():
            if busy.value or playing.value:
                return  # a click while a step runs is dropped, not queued
            error.value = None
            busy.value = True
            step_request.value += 1

        def on_reset():
            if busy.value:
                return
            problem = check_population(int(n_firms.value or 0), int(seed.value or 0))
            if problem:
                error.value = problem
                return
            playing.value = False
            error.value = None
            try:
                new = session.reset(
                    RunSettings(
                        scenario=scenario.value,
                        seed=int(seed.value or 0),
                        n_firms=int(n_firms.value) if n_firms.value else None,
                        levers=dict(lever_edits.value),
                        reference=reference.value,
                    )
                )
            except Exception as exc:  # a bad scenario file, seed or population
                error.value = f"reset failed: {exc}"
                return
            n_firms.value = int(session.settings.n_firms or 0)
            snap.value = new

        def on_lever(name: str, value: float):
            try:
                snap.value = session.set_levers(**{name: value})
            except Exception as exc:
                error.value = str(exc)
                return
            lever_edits.value = {**lever_edits.value, name: float(value)}

        def on_scenario(name: str):
            scenario.value = name
            lever_edits.value = {}  # a new scenario starts from its own levers

        def on_horizon(years: int):
            snap.value = session.set_horizon(years)

        return SimpleNamespace(**{k: v for k, v in locals().items() if k.startswith("on_")})

    h = solara.use_memo(handlers, dependencies=[])

    cur = session.settings
    pending_reset = (
        scenario.value != cur.scenario
        or reference.value != cur.reference
        or int(seed.value or 0) != cur.seed
        or int(n_firms.value or 0) != int(cur.n_firms or 0)
    )
    s = snap.value

    solara.Title("Longjiang ABM")
    with solara.AppBar():
        solara.AppBarTitle("Longjiang ABM · 工业强省: clusters, parks and targets")
    with solara.Row(style={"align-items": "flex-start", "flex-wrap": "nowrap"}, classes=["lj-app"]):
        with solara.Column(style={"width": "330px", "min-width": "330px", "flex": "0 0 330px"}):
            RunControls(
                s,
                playing.value,
                session.done,
                steps,
                s.horizon // 4,
                h.on_play,
                h.on_step,
                h.on_reset,
                h.on_horizon,
                busy.value,
            )
            if busy.value:
                solara.ProgressLinear(True, classes=["lj-busy"])
            if error.value:
                solara.Error(error.value, classes=["lj-error"])
            changed = {k: (s.levers[k], v) for k, v in s.pending.items() if s.levers[k] != v}
            LeverPanel(
                s.pending,
                changed if s.quarter > 0 else {},
                quarter_label(s.quarter + 1) if changed else "",
                h.on_lever,
            )
            RunSettingsPanel(
                files,
                scenario.value,
                h.on_scenario,
                reference,
                seed,
                n_firms,
                pending_reset,
                check_population(int(n_firms.value or 0), int(seed.value or 0)),
            )
        with solara.Column(style={"flex": "1 1 auto", "min-width": "0"}):
            KpiPanel(s)
            with solara.Row(gap="4px", style={"margin": "-4px 0 4px 0"}):
                CsvButton("kpis", s, lambda: kpi_table(session), "KPI table (CSV)")
            with solara.lab.Tabs(value=tab, lazy=True):
                with solara.lab.Tab("Map"):
                    MapTab(s, fill)
                with solara.lab.Tab("Targets"):
                    TargetsTab(s)
                with solara.lab.Tab("Structure"):
                    StructureTab(s, sector_names)
                with solara.lab.Tab("Compare"):
                    CompareTab(s, session)
                with solara.lab.Tab("History"):
                    HistoryTab(s)


def _prepare() -> tuple[Session, str | None]:
    PREPARED.wait()
    return _start(None)


@solara.component
def Page():
    """The page ``solara run longjiang_abm.ui.app`` serves: "preparing the model" while the
    kernels compile and the first run is built (in a task thread), then the page."""
    task = solara.lab.use_task(_prepare, dependencies=[], prefer_threaded=True)
    if task.finished and task.value is not None:
        session, error = task.value
        App(session=session, start_error=error)
    elif task.error:
        solara.Error(f"could not build the model: {task.exception}", classes=["lj-error"])
    else:
        Preparing()


def _check_port(host: str, port: int) -> str | None:
    """None if ``host:port`` can be bound, else why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def serve(host: str = "127.0.0.1", port: int = 8765) -> int:
    """Start the Solara server for ``Page``; blocks until interrupted. Returns an exit status
    (2 when the address cannot be used)."""
    if not 0 <= port <= 65535:
        print(f"error: --port {port}: must be between 0 and 65535", file=sys.stderr)
        return 2
    try:  # a bad scenario file would only show up when chosen: refuse it now, by name
        check_scenario_files()
        guard.check_settings()  # $LONGJIANG_UI_* values
    except ValueError as exc:  # ScenarioError included
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if port == 0:
        from solara.server.threaded import get_free_port

        port = get_free_port()
    if host not in LOCAL_HOSTS:
        print(
            f"warning: binding to {host} makes the UI reachable from other machines; it has no "
            "authentication and each visitor runs models on this machine",
            file=sys.stderr,
        )
    problem = _check_port(host, port)
    if problem:
        print(f"error: cannot listen on {host}:{port}: {problem}", file=sys.stderr)
        return 2
    warm_up()  # kernels and map in the background; the page says "preparing" meanwhile
    missing = assets.prepare()  # the page's JavaScript, offline from solara-assets
    if missing:
        print(
            "warning: some of the page's JavaScript is neither packaged nor reachable "
            f"({', '.join(missing)}): parts of the page may stay blank (docs/ui.md)",
            file=sys.stderr,
        )
    shown = f"[{host}]" if ":" in host else host
    print(f"Longjiang UI: open http://{shown}:{port}/ in a browser (Ctrl-C stops it)", flush=True)
    from solara.__main__ import run as solara_run

    guard.install(host, port)  # Host/Origin checks, sessions per client, idle sessions freed

    args = [
        "longjiang_abm.ui.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--theme-variant",
        "light",
    ]
    try:
        solara_run.main(args=args, prog_name="longjiang ui", standalone_mode=False)
    except KeyboardInterrupt:
        return 130
    return 0
