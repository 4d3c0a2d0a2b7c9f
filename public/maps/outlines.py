"""Projected state outlines for the SVG map, decoded from us-atlas TopoJSON.

``states()`` decodes ``data/states-10m.json``, projects every state (plus DC and
Puerto Rico) with :func:`public.maps.projection.project`'s insets, simplifies the
borders and returns SVG path data and polygon rings in canvas pixels. The work
is done once per process and cached.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .projection import HEIGHT, INSETS, WIDTH, Inset, Point, Rectangle

DATA_DIR = Path(__file__).resolve().parent / "data"
STATES_TOPOJSON = DATA_DIR / "states-10m.json"
STATES_ALBERS_TOPOJSON = DATA_DIR / "states-albers-10m.json"

USPS_BY_FIPS: dict[str, str] = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "72": "PR",
}  # fmt: skip

INSET_BY_USPS: dict[str, str] = {"AK": "alaska", "HI": "hawaii", "PR": "puerto_rico"}
DEFAULT_INSET = "lower48"

# Douglas-Peucker tolerance, in pixels, applied to each TopoJSON arc once, so
# that neighbouring states keep identical shared borders (no gaps or slivers).
SIMPLIFY_TOLERANCE_PX = 0.35
# Islands smaller than this (in square pixels) are invisible at 975 px wide;
# a state's largest ring is always kept, so DC survives.
MIN_RING_AREA_PX = 1.0
COORDINATE_DECIMALS = 1

Ring = tuple[Point, ...]


class Frame(NamedTuple):
    """A rectangle in canvas pixels, as SVG's ``<rect>`` takes it."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class StateShape:
    """A state (or DC, or Puerto Rico) projected onto the map canvas.

    ``path`` is SVG path data; ``rings`` are the same polygons as tuples of
    (x, y) points (holes included, to be tested with the even-odd rule);
    ``bbox`` is (x0, y0, x1, y1) around all rings.
    """

    fips: str
    usps: str
    name: str
    path: str
    rings: tuple[Ring, ...]
    bbox: Rectangle

    def contains(self, x: float, y: float) -> bool:
        """Return True when canvas point (x, y) is inside the outline (even-odd rule)."""
        x0, y0, x1, y1 = self.bbox
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return False
        inside = False
        for ring in self.rings:
            if _ray_crossings(ring, x, y) % 2:
                inside = not inside
        return inside


def load_topology(path: Path = STATES_TOPOJSON) -> dict:
    """Return the parsed TopoJSON document stored at ``path``."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Return the topology's arcs as lists of absolute (x, y) positions.

    Quantized topologies store each arc as integer deltas from the previous
    position; the ``transform`` scales and translates them back.
    """
    transform = topology.get("transform")
    if transform is None:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    scale_x, scale_y = transform["scale"]
    offset_x, offset_y = transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        positions = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            positions.append((x * scale_x + offset_x, y * scale_y + offset_y))
        arcs.append(positions)
    return arcs


def geometry_polygons(geometry: dict) -> list[list[list[int]]]:
    """Return a Polygon or MultiPolygon geometry as polygons of rings of arc indexes."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def stitch_ring(arc_indexes: Sequence[int], arcs: Sequence[Sequence[Point]]) -> list[Point]:
    """Return the closed ring made by joining the arcs; a negative index ``~i`` means arc i reversed."""
    ring: list[Point] = []
    for index in arc_indexes:
        points = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        if ring:
            # Consecutive arcs share their junction point.
            ring.pop()
        ring.extend(points)
    return ring


def _ray_crossings(ring: Ring, x: float, y: float) -> int:
    """Return how many ring edges a ray from (x, y) towards +x crosses."""
    crossings = 0
    previous_x, previous_y = ring[-1]
    for current_x, current_y in ring:
        if (current_y > y) != (previous_y > y):
            edge_x = current_x + (y - current_y) * (previous_x - current_x) / (
                previous_y - current_y
            )
            if x < edge_x:
                crossings += 1
        previous_x, previous_y = current_x, current_y
    return crossings


def _distance_to_segment(point: Point, start: Point, end: Point) -> float:
    """Return the distance from ``point`` to the segment ``start``-``end``."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length_squared = dx * dx + dy * dy
    if length_squared == 0:
        return math.dist(point, start)
    t = ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / length_squared
    t = max(0.0, min(1.0, t))
    return math.dist(point, (start[0] + t * dx, start[1] + t * dy))


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Return ``points`` simplified with Douglas-Peucker, always keeping both ends."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, farthest_distance = 0, tolerance
        for index in range(first + 1, last):
            distance = _distance_to_segment(points[index], points[first], points[last])
            if distance > farthest_distance:
                farthest, farthest_distance = index, distance
        if farthest:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def clip_ring(ring: Sequence[Point], rectangle: Rectangle) -> list[Point]:
    """Return the part of a closed ring inside ``rectangle`` (Sutherland-Hodgman)."""
    x0, y0, x1, y1 = rectangle
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    )
    output = list(ring)
    for inside, intersect in edges:
        if not output:
            break
        if all(inside(point) for point in output):
            continue
        points, output = output, []
        previous = points[-1]
        for current in points:
            if inside(current):
                if not inside(previous):
                    output.append(intersect(previous, current))
                output.append(current)
            elif inside(previous):
                output.append(intersect(previous, current))
            previous = current
    return output


def _cross_x(a: Point, b: Point, x: float) -> Point:
    return x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])


def _cross_y(a: Point, b: Point, y: float) -> Point:
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y


def ring_area(ring: Sequence[Point]) -> float:
    """Return the unsigned area of a ring, in square pixels (shoelace formula)."""
    twice_area = 0.0
    previous_x, previous_y = ring[-1]
    for x, y in ring:
        twice_area += previous_x * y - x * previous_y
        previous_x, previous_y = x, y
    return abs(twice_area) / 2


def _rounded(ring: Iterable[Point]) -> Ring:
    """Return the ring rounded for SVG output, without repeated or closing duplicate points."""
    rounded: list[Point] = []
    for x, y in ring:
        point = (round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS))
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    while len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    return tuple(rounded)


def _format_number(value: float) -> str:
    text = f"{value:.{COORDINATE_DECIMALS}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def svg_path(rings: Iterable[Ring]) -> str:
    """Return SVG path data drawing each ring as a closed subpath."""
    parts = []
    for ring in rings:
        coordinates = [f"{_format_number(x)},{_format_number(y)}" for x, y in ring]
        parts.append(f"M{coordinates[0]}L{' '.join(coordinates[1:])}Z")
    return "".join(parts)


def _visible_rectangle(inset: Inset) -> Rectangle:
    """Return the inset's clip rectangle cut down to the canvas."""
    x0, y0, x1, y1 = inset.clip
    return max(x0, 0.0), max(y0, 0.0), min(x1, float(WIDTH)), min(y1, float(HEIGHT))


def _bounding_box(rings: Iterable[Ring]) -> Rectangle:
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _arc_insets(geometries: Iterable[dict]) -> dict[int, str]:
    """Return, for every arc a mapped state uses, the name of the inset it is drawn in."""
    inset_by_arc: dict[int, str] = {}
    for geometry in geometries:
        usps = USPS_BY_FIPS.get(geometry["id"])
        if usps is None:
            continue
        inset_name = INSET_BY_USPS.get(usps, DEFAULT_INSET)
        for polygon in geometry_polygons(geometry):
            for arc_indexes in polygon:
                for index in arc_indexes:
                    arc = index if index >= 0 else ~index
                    if inset_by_arc.setdefault(arc, inset_name) != inset_name:
                        raise ValueError(f"arc {arc} is shared by two insets")
    return inset_by_arc


def _project_arcs(
    lonlat_arcs: Sequence[Sequence[Point]], inset_by_arc: dict[int, str]
) -> list[list[Point]]:
    """Return each arc projected (unclipped) in its inset and simplified; unused arcs are empty."""
    projected_arcs = []
    for index, arc in enumerate(lonlat_arcs):
        inset_name = inset_by_arc.get(index)
        if inset_name is None:
            projected_arcs.append([])
            continue
        projection = INSETS[inset_name].projection
        projected = [projection(lon, lat) for lon, lat in arc]
        projected_arcs.append(simplify(projected, SIMPLIFY_TOLERANCE_PX))
    return projected_arcs


@functools.cache
def _state_shapes() -> tuple[StateShape, ...]:
    """Return every mapped state's shape, sorted by USPS code."""
    topology = load_topology()
    geometries = topology["objects"]["states"]["geometries"]
    lonlat_arcs = decode_arcs(topology)
    inset_by_arc = _arc_insets(geometries)
    projected_arcs = _project_arcs(lonlat_arcs, inset_by_arc)

    shapes = []
    for geometry in geometries:
        usps = USPS_BY_FIPS.get(geometry["id"])
        if usps is None:
            continue
        visible = _visible_rectangle(INSETS[INSET_BY_USPS.get(usps, DEFAULT_INSET)])
        rings = []
        for polygon in geometry_polygons(geometry):
            for arc_indexes in polygon:
                ring = _rounded(clip_ring(stitch_ring(arc_indexes, projected_arcs), visible))
                if len(ring) >= 3:
                    rings.append(ring)
        if not rings:
            continue
        largest = max(rings, key=ring_area)
        rings = [ring for ring in rings if ring is largest or ring_area(ring) >= MIN_RING_AREA_PX]
        shapes.append(
            StateShape(
                fips=geometry["id"],
                usps=usps,
                name=geometry["properties"]["name"],
                path=svg_path(rings),
                rings=tuple(rings),
                bbox=_bounding_box(rings),
            )
        )
    return tuple(sorted(shapes, key=lambda shape: shape.usps))


def states() -> list[StateShape]:
    """Return the shapes of the 50 states, DC and Puerto Rico, sorted by USPS code."""
    return list(_state_shapes())


def state_containing(x: float, y: float) -> str | None:
    """Return the USPS code of the state whose outline contains canvas point (x, y), or None."""
    for shape in _state_shapes():
        if shape.contains(x, y):
            return shape.usps
    return None


def inset_frames() -> dict[str, Frame]:
    """Return frame rectangles (x, y, width, height) for the AK, HI and PR insets, by USPS code.

    Each is the inset's clip rectangle cut down to the canvas, so every drawn
    point of the inset lies inside its frame.
    """
    frames = {}
    for usps, inset_name in INSET_BY_USPS.items():
        x0, y0, x1, y1 = _visible_rectangle(INSETS[inset_name])
        frames[usps] = Frame(round(x0, 1), round(y0, 1), round(x1 - x0, 1), round(y1 - y0, 1))
    return frames
