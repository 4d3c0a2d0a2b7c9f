"""TopoJSON polygons in plain Python: decode the arcs, stitch the rings, and find a point that
lies inside a shape, for placing a county or state on the map.

Coordinates stay as the file gives them, (longitude, latitude) in degrees; area and centroid
are planar in those degrees, which is enough to pick the largest piece of a shape and a point
within it (no geographic library is needed or used).

Specification: https://github.com/topojson/topojson-specification
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

Point = tuple[float, float]  # (longitude, latitude)
Ring = list[Point]  # closed: the last point repeats the first
Polygon = list[Ring]  # the exterior ring first, then its holes


def load_topology(path: Path) -> dict:
    """The parsed TopoJSON document at `path`."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The topology's arcs as lists of absolute (x, y) positions.

    A quantized topology stores each arc as integer deltas from the previous position, which
    its `transform` scales and translates back.
    """
    transform = topology.get("transform")
    if transform is None:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (scale_x, scale_y), (offset_x, offset_y) = transform["scale"], transform["translate"]
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


def stitch_ring(arc_indexes: Sequence[int], arcs: Sequence[Sequence[Point]]) -> Ring:
    """The closed ring made by joining the arcs; a negative index `~i` means arc i reversed."""
    ring: Ring = []
    for index in arc_indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        if ring:
            ring.pop()  # consecutive arcs share their junction point
        ring.extend(points)
    return ring


def geometry_polygons(geometry: dict, arcs: Sequence[Sequence[Point]]) -> list[Polygon]:
    """A Polygon or MultiPolygon geometry as polygons of point rings; other types give []."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    return [[stitch_ring(ring, arcs) for ring in polygon] for polygon in polygons]


def ring_area(ring: Sequence[Point]) -> float:
    """Signed area by the shoelace formula (positive when counter-clockwise)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def polygon_area(polygon: Polygon) -> float:
    """Area of the exterior ring less its holes, whatever the rings' orientation."""
    exterior, *holes = polygon
    return abs(ring_area(exterior)) - sum(abs(ring_area(hole)) for hole in holes)


def polygon_centroid(polygon: Polygon) -> Point:
    """Centre of mass of the exterior ring less its holes (may lie outside a concave shape)."""
    total = mx = my = 0.0
    for position, ring in enumerate(polygon):
        area = ring_area(ring)
        if area == 0:
            continue
        cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        # cx / (6 * area) is the ring's centroid; holes subtract their weight.
        weight = abs(area) if position == 0 else -abs(area)
        mx += weight * cx / (6 * area)
        my += weight * cy / (6 * area)
        total += weight
    if total <= 0:
        xs, ys = zip(*polygon[0], strict=True)
        return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return mx / total, my / total


def polygon_contains(polygon: Polygon, point: Point) -> bool:
    """Whether `point` lies inside the polygon (even-odd rule, so inside a hole is outside)."""
    x, y = point
    inside = False
    for ring in polygon:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def _widest_span_midpoint(polygon: Polygon, y: float) -> Point | None:
    """The middle of the widest stretch of the horizontal line at `y` that lies inside."""
    crossings = sorted(
        x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        for ring in polygon
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)
        if (y0 > y) != (y1 > y)
    )
    spans = list(zip(crossings[::2], crossings[1::2], strict=False))
    if not spans:
        return None
    left, right = max(spans, key=lambda span: span[1] - span[0])
    return (left + right) / 2, y


def representative_point(polygons: Sequence[Polygon]) -> Point:
    """A point inside the largest polygon: its centroid, or, when the centroid falls outside
    (a crescent, a bay), the middle of the widest inside stretch of the centroid's parallel."""
    if not polygons:
        raise ValueError("A shape without polygons has no point.")
    largest = max(polygons, key=polygon_area)
    centroid = polygon_centroid(largest)
    if polygon_contains(largest, centroid):
        return centroid
    return _widest_span_midpoint(largest, centroid[1]) or centroid


def bounding_box(polygons: Sequence[Polygon]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of every point of the polygons."""
    xs = [x for polygon in polygons for ring in polygon for x, _ in ring]
    ys = [y for polygon in polygons for ring in polygon for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)
