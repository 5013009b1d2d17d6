"""The Solara UI without a browser: components rendered with ``solara.render`` and driven
through their widgets (Solara's recommended way to test components), on the real model."""

from __future__ import annotations

import io
import socket
import time

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from longjiang_abm import cli, params
from longjiang_abm.ui import boundaries, charts, levers, maps
from longjiang_abm.ui.app import App, serve
from longjiang_abm.ui.kpis import kpi_cards
from longjiang_abm.ui.session import RunSettings, Session
from longjiang_abm.ui.snapshot import quarter_label

pytestmark = pytest.mark.timeout(300)
FIRMS = 1500  # a miniature province keeps each test at a second or two


@pytest.fixture
def session():
    return Session(RunSettings(n_firms=FIRMS, seed=3))


@pytest.fixture
def page(session):
    box, rc = solara.render(App(session=session), handle_error=False)
    yield rc, session
    rc.close()


def _quarter(rc) -> str:
    return rc.find(class_="lj-quarter").widget.children[0]


def _kpi_values(rc) -> list[str]:
    return [w.children[0] for w in rc.find(class_="lj-kpi-value").widgets]


def _all_widgets(rc):
    """Every widget on the page (depth first)."""
    todo, seen = [rc.find().widgets[0]], set()
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        yield w
        for attr in ("children", "v_slots"):
            for c in getattr(w, attr, None) or []:
                c = c.get("children") if isinstance(c, dict) else c
                if hasattr(c, "keys") and hasattr(c, "comm"):
                    todo.append(c)


def _with_class(rc, cls: str) -> list:
    return [w for w in _all_widgets(rc) if cls in (getattr(w, "class_", None) or "").split()]


def _tables(rc) -> list:
    return [w for w in _all_widgets(rc) if "DataTable" in type(w).__name__]


def _click(rc, cls: str) -> None:
    rc.find(v.Btn, class_=cls).widget.click()


def _step(rc, session) -> None:
    """Press Step and wait until the quarter it runs (in a task thread) is shown."""
    q = session.model.quarter
    _click(rc, "lj-step")
    deadline = time.time() + 120
    while not _idle(rc) or not _quarter(rc).endswith(f"quarter {q + 1}"):
        assert time.time() < deadline, "the step did not finish"
        time.sleep(0.02)
    assert session.model.quarter == q + 1


def _idle(rc) -> bool:
    """No step running: the busy bar gone and the Step button enabled again."""
    return (
        not rc.find(class_="lj-busy").widgets
        and not rc.find(v.Btn, class_="lj-step").widget.disabled
    )


def _lever_slider(rc, name: str):
    return rc.find(class_=f"lj-lever lj-lever-{name}").find(v.Slider).widget


# --- the page -----------------------------------------------------------------------------------
def test_page_renders_every_panel(page):
    rc, session = page
    assert _quarter(rc) == "2018Q4 · quarter 0"
    assert len(_kpi_values(rc)) == len(kpi_cards(session.snapshot)) == 8
    for name in ("Play", "Step", "Reset"):
        assert rc.find(v.Btn, class_=f"lj-{name.lower()}").widget.children[-1] == name
    # one slider per lever of the schema, plus "quarters per frame"
    assert len(rc.find(v.Slider)) == len(params.PolicyLevers.model_fields) + 1
    rc.find(class_="lj-chart lj-map").assert_single()
    tabs = rc.find(v.Tabs).widget
    _step(rc, session)  # so that the comparison has something to show
    for i in range(5):  # each tab renders (lazily) without error and shows its charts
        tabs.v_model = i
        assert _with_class(rc, "lj-chart") or _tables(rc), f"tab {i} is empty"
        if i == 3:
            assert len(_with_class(rc, "lj-compare")) == 1


def test_step_advances_time_and_updates_the_kpis(page):
    rc, session = page
    before = _kpi_values(rc)
    _step(rc, session)
    assert session.model.quarter == 1
    assert _quarter(rc) == "2019Q1 · quarter 1"
    after = _kpi_values(rc)
    assert after != before
    share = session.model.records[-1]["secondary_share"]
    assert after[0] == f"{share:.1%}"  # no trailing year yet: the quarter's share
    assert after[6] == f"{session.model.records[-1]['employment']:,.0f}"
    _step(rc, session)
    assert _quarter(rc) == "2019Q2 · quarter 2"
    assert _kpi_values(rc) != after


def test_lever_applies_from_the_next_quarter_and_is_recorded(page):
    rc, session = page
    model = session.model
    _step(rc, session)
    _step(rc, session)
    _lever_slider(rc, "ownership_neutrality").v_model = 1.0
    assert model.policy_override is not None
    assert model.policy_override.ownership_neutrality == 1.0
    assert model.government.policy.ownership_neutrality == 0.0  # not yet in force
    _step(rc, session)
    assert model.government.policy.ownership_neutrality == 1.0
    quarter, logged = model.government.policy_log[-1]
    assert quarter == 3 and logged["ownership_neutrality"] == 1.0
    in_force = [r["ownership_neutrality"] for r in model.records]
    assert in_force == [0.0, 0.0, 1.0]
    assert session.snapshot.history[-1] == ("2019Q3", {"ownership_neutrality": (0.0, 1.0)})
    rc.find(v.Tabs).widget.v_model = 4  # History tab lists the change
    items = [row for t in _tables(rc) for row in getattr(t, "items", [])]
    assert any(row.get("lever") == "ownership_neutrality" for row in items)


def test_reference_run_ignores_the_levers_and_comparison_shows_differences(session):
    session.set_levers(ownership_neutrality=1.0, park_coconstruction=1.0)
    snap = session.step(6)
    ref = session.reference_model
    assert ref.quarter == session.model.quarter == 6
    assert ref.government.policy.ownership_neutrality == 0.0
    assert session.model.government.policy.ownership_neutrality == 1.0
    assert {r["ownership_neutrality"] for r in ref.records} == {0.0}
    # the reference is the same seed and population without the lever changes
    assert ref.records[0]["gdp"] != session.model.records[0]["gdp"]
    table = charts.comparison_table(snap)
    assert (table["difference"].str.strip("+0.%,") != "").any()


def test_play_runs_and_pause_stops(page):
    rc, session = page
    _click(rc, "lj-play")
    deadline = time.time() + 60
    while session.model.quarter < 3 and time.time() < deadline:
        time.sleep(0.05)
    assert session.model.quarter >= 3, "play did not advance the model"
    _click(rc, "lj-play")  # pause
    time.sleep(1.0)  # a frame that was running completes
    stopped = session.model.quarter
    time.sleep(1.0)
    assert session.model.quarter == stopped
    # the page shows the last quarter once its redraw has landed (slower on a loaded machine)
    want = f"{quarter_label(stopped)} · quarter {stopped}"
    deadline = time.time() + 30
    while _quarter(rc) != want and time.time() < deadline:
        time.sleep(0.1)
    assert _quarter(rc) == want


def test_closing_the_page_stops_the_play_loop(session):
    box, rc = solara.render(App(session=session), handle_error=False)
    _click(rc, "lj-play")
    deadline = time.time() + 60
    while session.model.quarter < 2 and time.time() < deadline:
        time.sleep(0.05)
    rc.close()  # the browser tab goes away
    time.sleep(1.0)
    stopped = session.model.quarter
    time.sleep(1.0)
    assert session.model.quarter == stopped
    assert 2 <= stopped < session.horizon


def test_play_stops_at_the_horizon(session):
    session.set_horizon(1)
    box, rc = solara.render(App(session=session), handle_error=False)
    try:
        rc.find(v.Slider, label="quarters per frame").widget.v_model = 2
        _click(rc, "lj-play")
        deadline = time.time() + 60
        while not session.done and time.time() < deadline:
            time.sleep(0.05)
        play = rc.find(v.Btn, class_="lj-play")
        while not play.widget.disabled:  # the loop notices the horizon at its next frame
            assert time.time() < deadline, "play did not stop at the horizon"
            time.sleep(0.05)
        assert session.model.quarter == 4
    finally:
        rc.close()


def test_reset_rebuilds_the_model_with_the_new_settings(page):
    rc, session = page
    _step(rc, session)
    old = session.model
    seed = rc.find(v.TextField, label="seed").widget
    seed.v_model = "11"
    seed.fire_event("focusout", None)
    assert rc.find(v.Alert).widgets, "a pending-reset notice is shown"
    _lever_slider(rc, "park_coconstruction").v_model = 0.5
    _click(rc, "lj-reset")
    assert session.model is not old
    assert session.model.quarter == 0 and session.settings.seed == 11
    assert _quarter(rc) == "2018Q4 · quarter 0"
    # the levers as set become the run's levers from its first quarter
    assert session.scenario.policy.park_coconstruction == 0.5
    _step(rc, session)
    assert session.model.government.policy.park_coconstruction == 0.5


def test_bad_lever_value_is_refused_with_a_message(page):
    rc, session = page
    before = session.model.policy_override
    _lever_slider(rc, "ownership_neutrality").v_model = 7.0  # beyond the schema's range
    assert session.model.policy_override is before
    assert "ownership_neutrality" in rc.find(class_="lj-error").widget.children[0]


# --- levers from the schema -----------------------------------------------------------------
def test_lever_controls_follow_the_schema(monkeypatch):
    specs = levers.lever_specs()
    assert [s.name for s in specs] == list(params.PolicyLevers.model_fields)
    for s in specs:
        field = params.PolicyLevers.model_fields[s.name]
        assert (s.lo, s.hi) == levers._bounds(field)
        assert s.active == (s.name in params.ACTIVE_LEVERS)
    # a lever without a mechanism is shown, but disabled
    monkeypatch.setattr(params, "ACTIVE_LEVERS", ("ownership_neutrality",))
    session = Session(RunSettings(n_firms=FIRMS))
    box, rc = solara.render(App(session=session), handle_error=False)
    try:
        assert not _lever_slider(rc, "ownership_neutrality").disabled
        assert _lever_slider(rc, "park_coconstruction").disabled
    finally:
        rc.close()


# --- the map and the charts -------------------------------------------------------------------
def test_map_has_the_13_real_prefectures_and_parks_in_place():
    from shapely.geometry import Point, shape
    from shapely.ops import unary_union

    geo = boundaries.boundaries()
    model = Session(RunSettings(n_firms=FIRMS)).model
    prefs = model.prefectures
    assert sorted(geo["prefectures"]) == sorted(prefs.keys)  # Daxing'anling included
    shapes = {k: shape(g) for k, g in geo["prefectures"].items()}
    for k, g in shapes.items():
        assert g.is_valid and g.area > 0.1, k
    # together they make the province (simplified: within a fraction of a percent)
    province = shape({"type": "Polygon", "coordinates": geo["outline"]["coordinates"][:1]})
    union = unary_union(list(shapes.values()))
    assert union.area == pytest.approx(province.area, rel=0.01)
    assert sum(g.area for g in shapes.values()) == pytest.approx(union.area, rel=0.005)
    # each seat lies in its own prefecture (Jiagedaqi, Daxing'anling's seat, is on land that
    # the boundary data give to Inner Mongolia: only near its prefecture)
    for k, lat, lon in zip(prefs.keys, prefs.lat, prefs.lon, strict=True):
        x, y = boundaries.project(lon, lat)
        d = shapes[k].distance(Point(x, y))
        assert d < (0.5 if k == "Daxing'anling" else 1e-9), k
    # every park has a place of its own, in (or by) its prefecture
    locs = boundaries.park_locations()
    assert set(locs) == set(model.parks.keys)
    for key, pref in zip(model.parks.keys, model.parks.pref, strict=True):
        lat, lon = locs[key]
        x, y = boundaries.project(lon, lat)
        assert shapes[prefs.keys[pref]].distance(Point(x, y)) < 0.5, key


def test_map_labels_are_clear_of_the_bubbles():
    prefs = Session(RunSettings(n_firms=FIRMS)).model.prefectures
    locs = boundaries.park_locations()
    xy = np.array([boundaries.project(lon, lat) for lat, lon in locs.values()])
    labels = boundaries.label_positions(prefs.keys, xy)
    need = boundaries.CLEAR_PX / boundaries.UNIT_PX
    boxes = []
    for lb in labels:
        w, h = boundaries._half(lb.name)
        dx = np.maximum(np.abs(lb.x - xy[:, 0]) - w, 0.0)
        dy = np.maximum(np.abs(lb.y - xy[:, 1]) - h, 0.0)
        assert np.hypot(dx, dy).min() >= need * 0.99, lb  # no park centre under a label
        for x, y, bw, bh in boxes:  # and labels do not overlap
            assert abs(lb.x - x) > w + bw or abs(lb.y - y) > h + bh, lb
        boxes.append((lb.x, lb.y, w, h))


def _valid(spec: dict) -> None:
    validate_jsonschema(spec, load_schema())


def test_charts_are_valid_vega_lite_and_aggregate_first():
    sizes = []
    for n in (FIRMS, 4 * FIRMS):
        s = Session(RunSettings(n_firms=n, seed=1))
        snap = s.step(5)
        names = dict(zip(s.model.sectors.keys, s.model.sectors.names, strict=True))
        specs = [maps.map_spec(snap, fill) for fill in maps.FILL_OPTIONS] + [
            charts.lines_spec(snap.frame, {"a": "secondary_share"}, "x", ".0%", band=True),
            charts.above_scale_spec(snap),
            charts.parks_spec(snap),
            charts.sector_spec(snap, names),
            charts.ccdf_spec(snap),
            charts.comparison_spec(snap),
            charts.prefecture_difference_spec(snap),
        ]
        for spec in specs:
            _valid(spec)
        rows = [sum(len(d) for d in spec["datasets"].values()) for spec in specs]
        sizes.append(rows)
        assert max(rows) < 1000  # never one mark per firm
    # the data sent does not grow with the population (the CCDF drops empty bins of its fixed
    # grid, and backbone revenues scale with the population: a few top bins may differ)
    ccdf = 8
    assert sizes[0][:ccdf] + sizes[0][ccdf + 1 :] == sizes[1][:ccdf] + sizes[1][ccdf + 1 :]
    assert abs(sizes[0][ccdf] - sizes[1][ccdf]) <= 4
    # bubble sizes and fills use scales fixed for the run: growth shows between frames
    spec = maps.map_spec(snap)
    assert spec["layer"][maps.BUBBLES]["encoding"]["size"]["scale"]["domain"] == [0, snap.size_max]
    assert snap.size_max >= 2 * float(snap.parks["output0"].max())


def test_park_classes_follow_the_thresholds(session):
    snap = session.step(1)
    parks = snap.parks
    ten, hundred = 100 * snap.scale, 1000 * snap.scale
    expect = np.where(
        parks["output_year"] >= hundred,
        "100 bn",
        np.where(parks["output_year"] >= ten, "10 bn", "smaller"),
    )
    assert list(parks["class"]) == list(expect)
    f = session.model.firms
    r = f.alive_rows()
    inside = r[f.park[r] >= 0]
    assert parks["output_year"].sum() == pytest.approx(f.rev[inside].sum() * 4 / 1e4)
    assert parks["firms"].sum() == inside.size
    assert snap.latest["parks_10bn_rr"] == int((parks["output_year"] >= ten).sum())


# --- steps in the background ------------------------------------------------------------------
def test_step_runs_in_the_background_with_the_controls_disabled(page):
    """While a Step runs (in a task thread) the page shows it is busy, its buttons are
    disabled and a second click is dropped rather than queued."""
    rc, session = page
    session.lock.acquire()  # hold the session, as a long quarter would
    try:
        _click(rc, "lj-step")
        assert rc.find(v.Btn, class_="lj-step").widget.disabled
        assert rc.find(v.Btn, class_="lj-play").widget.disabled
        assert rc.find(v.Btn, class_="lj-reset").widget.disabled
        rc.find(class_="lj-busy").assert_single()
        rc.find(v.Btn, class_="lj-step").widget.click()  # ignored: a step is running
    finally:
        session.lock.release()
    deadline = time.time() + 120
    while not _idle(rc):
        assert time.time() < deadline
        time.sleep(0.02)
    assert session.model.quarter == 1 and _quarter(rc) == "2019Q1 · quarter 1"


def test_page_says_preparing_until_the_kernels_are_ready(monkeypatch):
    from longjiang_abm.ui import app, startup

    monkeypatch.setenv("LONGJIANG_UI_FIRMS", str(FIRMS))
    startup.PREPARED.clear()  # as while serve()'s warm-up compiles the kernels
    box, rc = solara.render(app.Page(), handle_error=False)
    try:
        time.sleep(0.5)  # the page does not wait for the warm-up to render
        assert len(_with_class(rc, "lj-preparing")) == 1
        assert not rc.find(class_="lj-quarter").widgets
        startup.PREPARED.set()
        deadline = time.time() + 120
        while not rc.find(class_="lj-quarter").widgets:
            assert time.time() < deadline, "the page did not appear once prepared"
            time.sleep(0.05)
        assert not _with_class(rc, "lj-preparing")
        assert _quarter(rc) == "2018Q4 · quarter 0"
    finally:
        startup.PREPARED.set()
        rc.close()


def test_comparison_over_seeds_replays_the_run_and_gives_a_band(session):
    from longjiang_abm.ui import seed_band

    session.step(2)
    session.set_levers(ownership_neutrality=1.0)
    session.step(3)
    # the replay of the page's own seed is the page's run, lever change included
    this, ref = seed_band.replay(session, session.settings.seed)
    assert this.model.records == session.model.records
    assert ref.model.records == session.reference_model.records
    band = seed_band.seed_band(session, seeds=3)
    share = band[band["metric"] == "secondary share of GDP"]
    assert len(share) == 5 and (share["n"] == 3).all()
    assert (share["lo"] <= share["median"]).all() and (share["median"] <= share["hi"]).all()
    a, b = session.run.frame(5), session._ref.frame(5)
    own = (a["secondary_share"] - b["secondary_share"]).iloc[-1] * 100
    assert share["lo"].iloc[-1] <= own <= share["hi"].iloc[-1]  # pp
    assert (share["hi"] > share["lo"]).any()  # other seeds, other draws
    table = seed_band.band_table(band)
    assert table.set_index("KPI").loc["secondary share of GDP", "median difference"].endswith("pp")
    specs = seed_band.band_specs(band)
    assert len(specs) == len({m for m in band["metric"]})
    for spec in specs:
        _valid(spec)


def test_compare_tab_runs_the_seeds_in_the_background(page):
    rc, session = page
    _step(rc, session)
    _step(rc, session)
    rc.find(v.Tabs).widget.v_model = 3  # Compare
    _click(rc, "lj-seeds")
    deadline = time.time() + 180
    button = rc.find(v.Btn, class_="lj-seeds")
    while not _with_class(rc, "lj-seed-band") or button.widget.disabled:
        assert time.time() < deadline, "the comparison over seeds did not finish"
        time.sleep(0.1)
    assert session.model.quarter == 2  # the page's run did not move


def test_population_and_seed_are_checked_in_the_page(page):
    rc, session = page
    firms = rc.find(v.TextField, label="firms (35,000 = whole province)").widget
    firms.v_model = "10"
    firms.fire_event("focusout", None)
    msg = rc.find(class_="lj-settings-error").widget.children[0]
    assert "firms 10" in msg and "1,000" in msg
    old = session.model
    _click(rc, "lj-reset")
    assert session.model is old  # refused: the run is unchanged
    assert "firms 10" in rc.find(class_="lj-error").widget.children[0]


def test_csv_downloads_hold_the_tables(page):
    from longjiang_abm.ui import downloads

    rc, session = page
    for _ in range(4):
        _step(rc, session)
    session.set_levers(ownership_neutrality=1.0)
    _step(rc, session)
    snap = session.snapshot
    kpis = pd.read_csv(io.StringIO(downloads.csv_text(downloads.kpi_table(session))))
    assert list(kpis["year"]) == [2019]
    assert kpis["gdp"].iloc[0] == pytest.approx(session.model.kpis()["gdp"].iloc[0])
    comp = pd.read_csv(io.StringIO(downloads.csv_text(charts.comparison_table(snap))))
    assert "secondary share of GDP" in set(comp["KPI"])
    assert comp.set_index("KPI").loc["secondary share of GDP", "difference"].endswith("pp")
    hist = pd.read_csv(io.StringIO(downloads.csv_text(downloads.history_table(snap))))
    assert ((hist["lever"] == "ownership_neutrality") & (hist["new"] == 1)).any()
    # the page's download buttons are there
    rc.find(class_="lj-download-kpis").assert_single()


# --- the command ------------------------------------------------------------------------------
def test_cli_has_a_ui_command():
    args = cli._parser().parse_args(["ui"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    args = cli._parser().parse_args(["ui", "--host", "0.0.0.0", "--port", "9001"])
    assert (args.host, args.port) == ("0.0.0.0", 9001)


def test_serve_warns_for_other_hosts_and_refuses_a_busy_port(capsys):
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve("0.0.0.0", port) == 2
    err = capsys.readouterr().err
    assert "warning: binding to 0.0.0.0" in err
    assert f"cannot listen on 0.0.0.0:{port}" in err
    assert cli.main(["ui", "--port", "70000"]) == 2
