"""Planar geometry on the map canvas: simplify, clip and measure rings, and write SVG path data.

Rings here are open tuples of (x, y) canvas pixels (the closing point is not repeated), unlike
the closed longitude/latitude rings of ``cities.counties.topojson``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from .projection import Point, Rectangle

Ring = tuple[Point, ...]

COORDINATE_DECIMALS = 1
_TENTHS = 10**COORDINATE_DECIMALS


def distance_to_segment(point: Point, start: Point, end: Point) -> float:
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
            distance = distance_to_segment(points[index], points[first], points[last])
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


def ray_crossings(ring: Ring, x: float, y: float) -> int:
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


def rounded(ring: Iterable[Point]) -> Ring:
    """Return the ring rounded for SVG output, without repeated or closing duplicate points."""
    result: list[Point] = []
    for x, y in ring:
        point = (round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS))
        if not result or point != result[-1]:
            result.append(point)
    while len(result) > 1 and result[0] == result[-1]:
        result.pop()
    return tuple(result)


def bounding_box(rings: Iterable[Ring]) -> Rectangle:
    """Return (x0, y0, x1, y1) around every point of the rings."""
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def format_number(value: float) -> str:
    """Return ``value`` at one decimal, as short as SVG reads it: "2", "-0.5" as "-.5"."""
    text = f"{value:.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")
    if text in ("", "-0", "-"):
        return "0"
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def _joined(numbers: Iterable[str]) -> str:
    """Numbers run together as SVG path data allows: a space only where the next one needs it
    (it starts with a digit, or with "." after a number that already has its decimal point)."""
    text = ""
    previous = ""
    for number in numbers:
        needs_space = previous and not (
            number.startswith("-") or (number.startswith(".") and "." in previous)
        )
        text += (" " if needs_space else "") + number
        previous = number
    return text


def svg_path(rings: Iterable[Ring]) -> str:
    """Return SVG path data drawing each ring as a closed subpath: an absolute move, then
    relative lines (about half the bytes of absolute ones, gzipped or not).

    Each step is the difference of two rounded points, counted in tenths of a pixel, so the
    relative steps add up to the rounded absolute points exactly: no drift along a long ring.
    """
    parts = []
    for ring in rings:
        tenths = [(round(x * _TENTHS), round(y * _TENTHS)) for x, y in ring]
        start_x, start_y = tenths[0]
        steps = []
        previous_x, previous_y = start_x, start_y
        for x, y in tenths[1:]:
            steps += [
                format_number((x - previous_x) / _TENTHS),
                format_number((y - previous_y) / _TENTHS),
            ]
            previous_x, previous_y = x, y
        move = _joined([format_number(start_x / _TENTHS), format_number(start_y / _TENTHS)])
        parts.append(f"M{move}l{_joined(steps)}z")
    return "".join(parts)
