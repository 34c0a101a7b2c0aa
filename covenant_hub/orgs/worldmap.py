"""A map of organisations as plain geometry for a server-drawn SVG: no tiles, no JavaScript.

Country borders come from the npm package world-atlas 2.0.2 (Natural Earth, public domain;
vendored in covenant_hub/data/world-atlas-2.0.2/countries-50m.json, a TopoJSON file). The
TopoJSON arcs are decoded once per process; a map frames the points it shows (or Central Asia
and Europe when it has none) in an equirectangular projection corrected for the middle latitude.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

ATLAS = Path(__file__).resolve().parent.parent / "data" / "world-atlas-2.0.2" / "countries-50m.json"
DEFAULT_FRAME = (20.0, 35.0, 90.0, 58.0)  # west, south, east, north: the Covenant's eastern region
MIN_SPAN = 6.0  # degrees of longitude: a single city still shows its country around it
WIDTH = 800

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class MapPoint:
    """One organisation on the map (`WorldMap.points_markup` escapes label and url)."""

    x: float
    y: float
    label: str
    url: str
    kind: str


@dataclass(frozen=True)
class WorldMap:
    width: int
    height: int
    borders: tuple[str, ...]  # SVG path data, one per country in the frame
    points: tuple[MapPoint, ...]

    def points_markup(self) -> Markup:
        """Each point as a link (out of the tab order) around its circle and title, escaped.
        Written here in one join: a template loop over the directory's 2,000 points was a third
        of the page's time."""
        return Markup("\n".join(  # noqa: S704 - every value below is escaped
            f'<a href="{escape(p.url)}" tabindex="-1" class="org-map-link">'
            f'<circle cx="{p.x}" cy="{p.y}" r="5" class="org-map-point kind-{escape(p.kind)}">'
            f"<title>{escape(p.label)}</title></circle></a>"
            for p in self.points
        ))  # fmt: skip


@lru_cache(maxsize=1)
def _countries() -> tuple[tuple[tuple[float, float, float, float], tuple[Ring, ...]], ...]:
    """(bounding box, rings in lon/lat) per country, decoded from the quantised TopoJSON arcs."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = tuple(_ring(arcs, indices) for polygon in polygons for indices in polygon)
        if rings:
            lons = [lon for ring in rings for lon, _lat in ring]
            lats = [lat for ring in rings for _lon, lat in ring]
            countries.append(((min(lons), min(lats), max(lons), max(lats)), rings))
    return tuple(countries)


def _ring(arcs: list[Ring], indices: list[int]) -> Ring:
    """Join a ring's arcs; a negative index (~i) is arc i reversed, and arcs share end points."""
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


def frame_for(coordinates: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """West, south, east, north around (lat, lon) pairs, padded; the default region without any."""
    if not coordinates:
        return DEFAULT_FRAME
    lats = [lat for lat, _lon in coordinates]
    lons = [lon for _lat, lon in coordinates]
    centre_lon, centre_lat = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    span_lon = max(max(lons) - min(lons), MIN_SPAN) * 1.2
    span_lat = max(max(lats) - min(lats), MIN_SPAN / 2) * 1.2
    south, north = max(centre_lat - span_lat / 2, -70.0), min(centre_lat + span_lat / 2, 80.0)
    return (centre_lon - span_lon / 2, south, centre_lon + span_lon / 2, north)


def _projection(frame: tuple[float, float, float, float]):
    west, south, east, north = frame
    stretch = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * stretch)
    height = max(200, min(round((north - south) * scale), 900))

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (round((lon - west) * stretch * scale, 1), round((north - lat) * scale, 1))

    return project, height


@lru_cache(maxsize=64)
def _borders(frame: tuple[float, float, float, float]) -> tuple[tuple[str, ...], int]:
    """Path data of every country ring that reaches into the frame, and the map's height."""
    project, height = _projection(frame)
    west, south, east, north = frame
    paths = []
    for (lo_lon, lo_lat, hi_lon, hi_lat), rings in _countries():
        if hi_lon < west or lo_lon > east or hi_lat < south or lo_lat > north:
            continue
        parts = []
        for ring in rings:
            kept = _thinned([project(lon, lat) for lon, lat in _clipped(ring, frame)])
            if len(kept) > 2:
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in kept) + "Z")
        if parts:
            paths.append("".join(parts))
    return tuple(paths), height


def _clipped(ring: Ring, frame: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman: the part of a ring inside the frame (a little beyond it, so no border
    shows at the map's edge), edge by edge."""
    west, south, east, north = frame
    margin = (east - west) * 0.02
    edges = (
        (lambda p: p[0] >= west - margin, 0, west - margin),
        (lambda p: p[0] <= east + margin, 0, east + margin),
        (lambda p: p[1] >= south - margin, 1, south - margin),
        (lambda p: p[1] <= north + margin, 1, north + margin),
    )
    for inside, axis, limit in edges:
        if not ring:
            break
        clipped: Ring = []
        for index, current in enumerate(ring):
            previous = ring[index - 1]
            if inside(current) != inside(previous):
                clipped.append(_crossing(previous, current, axis, limit))
            if inside(current):
                clipped.append(current)
        ring = clipped
    return ring


def _crossing(a: tuple[float, float], b: tuple[float, float], axis: int, limit: float) -> tuple[float, float]:
    share = (limit - a[axis]) / (b[axis] - a[axis])
    return (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)


def _thinned(points: list[tuple[float, float]], step: float = 1.0) -> list[tuple[float, float]]:
    """Drop points closer than `step` pixels to the last one kept: finer detail than a pixel."""
    kept: list[tuple[float, float]] = []
    for point in points:
        if not kept or abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= step:
            kept.append(point)
    return kept


def build_map(places: list[tuple[float, float, str, str, str]]) -> WorldMap:
    """A map framing `places`, each (lat, lon, label, url, kind)."""
    frame = tuple(round(value, 2) for value in frame_for([(lat, lon) for lat, lon, *_rest in places]))
    borders, height = _borders(frame)  # type: ignore[arg-type]
    project, _height = _projection(frame)  # type: ignore[arg-type]
    points = []
    for lat, lon, label, url, kind in places:
        x, y = project(lon, lat)
        points.append(MapPoint(x, y, label, url, kind))
    return WorldMap(WIDTH, height, borders, tuple(points))
