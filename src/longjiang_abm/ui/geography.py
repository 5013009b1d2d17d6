"""A schematic map of Heilongjiang's 13 prefectures, built without any GIS package.

No installable package in this project's dependencies ships prefecture outlines, so the map
is a *schematic*: the province is a hand-made outline polygon (about 60 well-known boundary
points along the Amur, the Ussuri, Lake Khanka and the borders with Jilin and Inner Mongolia,
accurate to roughly 0.2 degrees), divided into Voronoi cells around each prefecture's seat and
its main county towns. A prefecture is the union of the cells of its towns, so its shape
follows the real one to within the spacing of the towns. Cells are computed in a locally
equidistant plane (x = longitude * cos 47.5 degrees, y = latitude), in which the map is also
drawn, by clipping the outline with the perpendicular bisectors between towns
(Sutherland-Hodgman clipping of the outline by half-planes).

Everything here is static and computed once (``schematic()`` is cached).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

LAT0 = 47.5  # reference latitude of the plane
KX = math.cos(math.radians(LAT0))

# The province's outline, (lon, lat), clockwise from the western end of the Amur. The
# administered Daxing'anling region (with Jiagedaqi and Songling) is included.
OUTLINE: tuple[tuple[float, float], ...] = (
    (121.20, 53.28),
    (121.75, 53.42),
    (122.40, 53.47),
    (123.25, 53.56),
    (124.20, 53.35),
    (125.10, 53.18),
    (125.90, 52.95),
    (126.35, 52.45),
    (126.55, 52.05),
    (126.70, 51.60),
    (127.05, 51.10),
    (127.30, 50.70),
    (127.55, 50.25),
    (127.95, 49.85),
    (128.70, 49.60),
    (129.40, 49.40),
    (130.00, 49.10),
    (130.50, 48.88),
    (130.75, 48.40),
    (130.70, 48.00),
    (130.85, 47.65),
    (131.60, 47.68),
    (132.50, 47.75),
    (133.40, 48.10),
    (134.30, 48.40),
    (134.75, 48.30),
    (134.60, 47.75),
    (134.15, 47.25),
    (134.05, 46.80),
    (133.85, 46.25),
    (133.65, 45.95),
    (133.40, 45.60),
    (133.10, 45.35),
    (132.85, 45.05),
    (132.00, 44.90),
    (131.60, 44.65),
    (131.25, 44.40),
    (131.20, 44.00),
    (130.90, 43.45),
    (130.45, 43.75),
    (129.70, 43.85),
    (128.90, 43.75),
    (128.30, 43.95),
    (127.60, 44.25),
    (127.10, 44.55),
    (126.70, 44.80),
    (126.30, 45.05),
    (125.80, 45.15),
    (125.20, 45.30),
    (124.80, 45.50),
    (124.30, 45.80),
    (123.90, 46.05),
    (123.50, 46.15),
    (123.05, 46.20),
    (122.60, 46.55),
    (122.30, 46.90),
    (122.20, 47.30),
    (122.40, 47.75),
    (123.00, 48.05),
    (123.60, 48.15),
    (124.60, 48.45),
    (125.00, 49.20),
    (125.40, 50.05),
    (124.80, 50.05),
    (124.20, 50.05),
    (123.60, 50.30),
    (122.60, 50.80),
    (121.80, 51.30),
    (121.50, 52.00),
    (121.20, 52.60),
)

# Towns that anchor each prefecture's cells: the seat first (as in tables/prefectures.csv),
# then county-level towns, (lat, lon).
TOWNS: dict[str, tuple[tuple[float, float], ...]] = {
    "Harbin": (
        (45.80, 126.53),
        (44.93, 127.16),  # Wuchang
        (45.21, 127.96),  # Shangzhi
        (46.32, 129.56),  # Yilan
        (45.83, 128.83),  # Fangzheng
        (46.08, 127.40),  # Bayan
        (45.38, 126.31),  # Shuangcheng
    ),
    "Qiqihar": (
        (47.35, 123.92),
        (48.48, 124.87),  # Nehe
        (47.34, 123.19),  # Longjiang
        (46.39, 123.42),  # Tailai
        (48.03, 125.88),  # Keshan
        (47.60, 126.10),  # Baiquan
        (47.89, 125.31),  # Yi'an
        (47.92, 123.50),  # Gannan
    ),
    "Mudanjiang": (
        (44.55, 129.63),
        (44.40, 131.15),  # Suifenhe
        (44.06, 131.12),  # Dongning
        (44.34, 129.48),  # Ning'an
        (44.59, 129.38),  # Hailin
        (44.92, 130.52),  # Muling
        (45.28, 130.25),  # Linkou
    ),
    "Jiamusi": (
        (46.80, 130.32),
        (47.25, 132.04),  # Fujin
        (47.65, 132.51),  # Tongjiang
        (48.36, 134.29),  # Fuyuan
        (47.02, 130.72),  # Huachuan
        (46.24, 130.55),  # Huanan
    ),
    "Daqing": (
        (46.59, 125.10),
        (45.70, 125.27),  # Zhaozhou
        (45.52, 125.08),  # Zhaoyuan
        (47.19, 124.87),  # Lindian
        (46.87, 124.44),  # Durbet
    ),
    "Jixi": (
        (45.30, 130.97),
        (45.77, 132.94),  # Hulin
        (45.55, 131.87),  # Mishan
        (45.25, 131.12),  # Jidong
    ),
    "Shuangyashan": (
        (46.65, 131.16),
        (46.80, 134.01),  # Raohe
        (46.33, 132.20),  # Baoqing
        (46.77, 131.81),  # Youyi
    ),
    "Yichun": (
        (47.73, 128.84),
        (46.98, 128.03),  # Tieli
        (48.89, 130.40),  # Jiayin
        (47.14, 129.28),  # Nancha
        (48.59, 129.42),  # Wuyiling
    ),
    "Qitaihe": (
        (45.77, 131.00),
        (45.75, 130.59),  # Boli
    ),
    "Hegang": (
        (47.35, 130.30),
        (47.58, 130.83),  # Luobei
        (47.29, 131.85),  # Suibin
    ),
    "Heihe": (
        (50.25, 127.53),
        (49.18, 125.22),  # Nenjiang
        (48.24, 126.49),  # Bei'an
        (48.52, 126.20),  # Wudalianchi
        (49.42, 127.33),  # Sunwu
        (49.58, 128.48),  # Xunke
    ),
    "Suihua": (
        (46.65, 126.97),
        (47.46, 126.97),  # Hailun
        (46.05, 125.98),  # Zhaodong
        (46.42, 125.33),  # Anda
        (47.24, 127.11),  # Suileng
        (46.88, 127.51),  # Qing'an
        (47.17, 125.91),  # Mingshui
    ),
    "Daxing'anling": (
        (50.42, 124.12),
        (52.97, 122.54),  # Mohe
        (52.33, 124.71),  # Tahe
        (51.73, 126.65),  # Huma
        (51.67, 124.33),  # Xinlin
    ),
}

# Parks that do not sit at their prefecture's seat, (lat, lon); the others are placed on a
# small ring around the seat so that their bubbles do not hide each other.
PARK_TOWNS: dict[str, tuple[float, float]] = {
    "suifenhe_border": (44.40, 131.15),
    "hailun_etdz": (47.46, 126.97),
    "harbin_limin": (45.98, 126.62),  # Hulan, north of the Songhua
    "harbin_binxi": (45.75, 127.48),  # Bin county
}
RING_RADIUS = 0.38  # degrees of latitude


def project(lon, lat):
    """Plane coordinates (x, y) of (lon, lat): x = lon cos(47.5 deg), y = lat."""
    return np.asarray(lon, dtype=float) * KX, np.asarray(lat, dtype=float)


@dataclass(frozen=True)
class Schematic:
    """Static geometry of the schematic map, in plane coordinates."""

    prefectures: tuple[str, ...]
    cells: tuple[tuple[int, np.ndarray], ...]  # (prefecture index, polygon (n, 2))
    borders: tuple[np.ndarray, ...]  # segments (2, 2) between different prefectures
    outline: np.ndarray  # (n, 2)
    seats: np.ndarray  # (13, 2)


def _clip(poly: list, ax: float, ay: float, b: float, label: int) -> list:
    """Clip a polygon to the half-plane ax*x + ay*y <= b.

    ``poly`` is a list of (x, y, label) vertices, where label names the edge arriving at the
    vertex (-1: the outline; j: the bisector with town j). Plain floats: this runs ~400k times.
    """
    out = []
    sx, sy, _ = poly[-1]
    ds = ax * sx + ay * sy - b
    for ex, ey, lab in poly:
        de = ax * ex + ay * ey - b
        if de <= 0:
            if ds > 0:
                t = ds / (ds - de)
                out.append((sx + (ex - sx) * t, sy + (ey - sy) * t, label))
            out.append((ex, ey, lab))
        elif ds <= 0:
            t = ds / (ds - de)
            out.append((sx + (ex - sx) * t, sy + (ey - sy) * t, lab))
        sx, sy, ds = ex, ey, de
    return out


def _inside(pt: np.ndarray, poly: np.ndarray) -> bool:
    x, y = pt
    inside = False
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i - 1]
        x2, y2 = poly[i]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _inside_parts(p: np.ndarray, q: np.ndarray, poly: np.ndarray) -> list[np.ndarray]:
    """The pieces of segment p-q that lie inside polygon ``poly``."""
    ts = [0.0, 1.0]
    d = q - p
    n = len(poly)
    for i in range(n):
        a, b = poly[i - 1], poly[i]
        e = b - a
        den = d[0] * e[1] - d[1] * e[0]
        if abs(den) < 1e-15:
            continue
        w = a - p
        t = (w[0] * e[1] - w[1] * e[0]) / den
        u = (w[0] * d[1] - w[1] * d[0]) / den
        if 0.0 < t < 1.0 and 0.0 <= u <= 1.0:
            ts.append(t)
    ts.sort()
    out = []
    for t0, t1 in zip(ts[:-1], ts[1:], strict=True):
        if t1 - t0 < 1e-9:
            continue
        if _inside(p + d * (t0 + t1) / 2, poly):
            out.append(np.array([p + d * t0, p + d * t1]))
    return out


@lru_cache(maxsize=1)
def schematic() -> Schematic:
    """Cells of every town clipped to the outline, and the borders between prefectures."""
    names = tuple(TOWNS)
    ox, oy = project([p[0] for p in OUTLINE], [p[1] for p in OUTLINE])
    outline = np.column_stack([ox, oy])
    towns, owner = [], []
    for i, name in enumerate(names):
        for lat, lon in TOWNS[name]:
            towns.append((lon * KX, lat))
            owner.append(i)
    cells, borders = [], []
    for i, (gx, gy) in enumerate(towns):
        poly = [(float(x), float(y), -1) for x, y in outline]
        for j, (hx, hy) in enumerate(towns):
            if j == i:
                continue
            ax, ay = hx - gx, hy - gy  # keep points closer to g than to h
            poly = _clip(poly, ax, ay, (ax * (gx + hx) + ay * (gy + hy)) / 2.0, j)
            if not poly:
                break
        if len(poly) < 3:
            continue
        cells.append((owner[i], np.array([(x, y) for x, y, _ in poly])))
        for k, (x, y, lab) in enumerate(poly):
            if lab >= 0 and lab > i and owner[lab] != owner[i]:
                p0 = np.array(poly[k - 1][:2])
                borders.extend(_inside_parts(p0, np.array([x, y]), outline))
    seats = np.array([[TOWNS[n][0][1] * KX, TOWNS[n][0][0]] for n in names])
    return Schematic(names, tuple(cells), tuple(borders), outline, seats)


def park_positions(park_keys, park_pref, seats: np.ndarray) -> np.ndarray:
    """Plane positions of the parks: their own town if known, else a ring around the seat."""
    pos = np.zeros((len(park_keys), 2))
    counts: dict[int, int] = {}
    for k, key in enumerate(park_keys):
        p = int(park_pref[k])
        if key in PARK_TOWNS:
            lat, lon = PARK_TOWNS[key]
            pos[k] = (lon * KX, lat)
            continue
        counts[p] = counts.get(p, 0) + 1
    placed: dict[int, int] = {}
    for k, key in enumerate(park_keys):
        if key in PARK_TOWNS:
            continue
        p = int(park_pref[k])
        n = counts[p]
        if n == 1:
            pos[k] = seats[p]
            continue
        j = placed.get(p, 0)
        placed[p] = j + 1
        ang = math.pi / 2 + 2 * math.pi * j / n
        pos[k] = seats[p] + RING_RADIUS * np.array([math.cos(ang), math.sin(ang)])
    return pos
