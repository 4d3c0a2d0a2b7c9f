"""Projected state and county outlines for the SVG map, from the Census boundaries us-atlas ships.

One TopoJSON file, ``cities/data/counties-10m.json`` (the file ``import_counties`` reads), holds
both the counties and the states, on one shared set of arcs. Each arc is projected in its inset
with :mod:`public.maps.projection` and simplified once, so a state border and the edges of the
counties along it are the very same points: no gap or sliver between the two layers, however far
the reader zooms. Decoding and stitching are ``cities.counties.topojson``'s.

Everything is computed once per process and per level of detail, then cached: a few tenths of
a second for the first map a process draws.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from cities.counties.census import DATA_FILE
from cities.counties.topojson import decode_arcs, geometry_polygons, load_topology

from .geometry import (
    Ring,
    bounding_box,
    clip_ring,
    ray_crossings,
    ring_area,
    rounded,
    simplify,
    svg_path,
)
from .projection import HEIGHT, INSETS, WIDTH, Inset, Point, Rectangle

TOPOJSON = DATA_FILE

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

# Islands smaller than this (in square pixels) are invisible at 975 px wide; a shape's largest
# ring is always kept, so DC and the smallest Virginia cities survive. Small enough that no
# piece of a state is left without the county that covers it.
MIN_RING_AREA_PX = 0.25


class Detail(Enum):
    """How closely outlines follow the boundary: the Douglas-Peucker tolerance, in pixels of
    the 975 px canvas, applied to each arc once."""

    FULL = 0.35  # the map page, which a reader can zoom into
    SMALL = 1.0  # the home page's small map, drawn about 640 px wide: a third fewer bytes


class Frame(NamedTuple):
    """A rectangle in canvas pixels, as SVG's ``<rect>`` takes it."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Shape:
    """A state (or DC, or Puerto Rico) or a county equivalent, projected onto the map canvas.

    ``fips`` is the Census code (2 digits for a state, 5 for a county); ``path`` is SVG path
    data; ``rings`` are the same polygons as tuples of (x, y) points (holes included, to be
    tested with the even-odd rule); ``bbox`` is (x0, y0, x1, y1) around all rings.
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
            if ray_crossings(ring, x, y) % 2:
                inside = not inside
        return inside


def _inset_name(fips: str) -> str | None:
    """The inset a state or county is drawn in, by the first two digits of its code; None for
    the territories the map does not draw (American Samoa, Guam, the Northern Marianas, the
    Virgin Islands)."""
    usps = USPS_BY_FIPS.get(fips[:2])
    if usps is None:
        return None
    return INSET_BY_USPS.get(usps, DEFAULT_INSET)


def _visible_rectangle(inset: Inset) -> Rectangle:
    """Return the inset's clip rectangle cut down to the canvas."""
    x0, y0, x1, y1 = inset.clip
    return max(x0, 0.0), max(y0, 0.0), min(x1, float(WIDTH)), min(y1, float(HEIGHT))


def _arc_indexes(geometry: dict) -> Iterable[int]:
    """Every arc a Polygon or MultiPolygon geometry uses, as a non-negative index."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return
    for polygon in polygons:
        for ring in polygon:
            for index in ring:
                yield index if index >= 0 else ~index


class _Atlas(NamedTuple):
    geometries: dict[str, list[dict]]  # "states" and "counties", as the file has them
    arcs: tuple[tuple[Point, ...], ...]  # projected, not yet simplified


@functools.cache
def _atlas() -> _Atlas:
    """The file's state and county geometries, and each arc projected (unclipped) in the inset
    of the shapes that use it; unused arcs are empty. Raises ValueError if two insets would
    share an arc. The parsed file itself is not kept."""
    topology = load_topology(TOPOJSON)
    geometries = {name: topology["objects"][name]["geometries"] for name in ("states", "counties")}
    inset_by_arc: dict[int, str] = {}
    for group in geometries.values():
        for geometry in group:
            inset_name = _inset_name(geometry["id"])
            if inset_name is None:
                continue
            for arc in _arc_indexes(geometry):
                if inset_by_arc.setdefault(arc, inset_name) != inset_name:
                    raise ValueError(f"arc {arc} is shared by two insets")
    projected = []
    for index, arc in enumerate(decode_arcs(topology)):
        inset_name = inset_by_arc.get(index)
        if inset_name is None:
            projected.append(())
            continue
        projection = INSETS[inset_name].projection
        projected.append(tuple(projection(lon, lat) for lon, lat in arc))
    return _Atlas(geometries, tuple(projected))


@functools.cache
def _simplified_arcs(detail: Detail) -> tuple[list[Point], ...]:
    return tuple(simplify(arc, detail.value) for arc in _atlas().arcs)


def _shape(geometry: dict, arcs: Sequence[Sequence[Point]], usps: str, name: str) -> Shape | None:
    """The geometry's rings, clipped to its inset, rounded, without specks; None if nothing of
    it is left on the canvas."""
    visible = _visible_rectangle(INSETS[_inset_name(geometry["id"])])
    rings = []
    for polygon in geometry_polygons(geometry, arcs):
        for closed_ring in polygon:
            ring = rounded(clip_ring(closed_ring, visible))
            if len(ring) >= 3:
                rings.append(ring)
    if not rings:
        return None
    largest = max(rings, key=ring_area)
    rings = [ring for ring in rings if ring is largest or ring_area(ring) >= MIN_RING_AREA_PX]
    return Shape(
        fips=geometry["id"],
        usps=usps,
        name=name,
        path=svg_path(rings),
        rings=tuple(rings),
        bbox=bounding_box(rings),
    )


@functools.cache
def _state_shapes(detail: Detail) -> tuple[Shape, ...]:
    """Every mapped state's shape, sorted by USPS code."""
    arcs = _simplified_arcs(detail)
    shapes = []
    for geometry in _atlas().geometries["states"]:
        usps = USPS_BY_FIPS.get(geometry["id"])
        if usps is None:
            continue
        shape = _shape(geometry, arcs, usps, geometry["properties"]["name"])
        if shape is not None:
            shapes.append(shape)
    return tuple(sorted(shapes, key=lambda shape: shape.usps))


@functools.cache
def _county_shapes(detail: Detail) -> tuple[Shape, ...]:
    """Every mapped county equivalent's shape, sorted by its 5-digit code."""
    arcs = _simplified_arcs(detail)
    shapes = []
    for geometry in _atlas().geometries["counties"]:
        usps = USPS_BY_FIPS.get(geometry["id"][:2])
        if usps is None:
            continue
        shape = _shape(geometry, arcs, usps, geometry["properties"]["name"])
        if shape is not None:
            shapes.append(shape)
    return tuple(sorted(shapes, key=lambda shape: shape.fips))


def states(detail: Detail = Detail.FULL) -> list[Shape]:
    """Return the shapes of the 50 states, DC and Puerto Rico, sorted by USPS code."""
    return list(_state_shapes(detail))


def counties(detail: Detail = Detail.FULL) -> list[Shape]:
    """Return the shapes of the county equivalents of the mapped states (3,200 or so, including
    DC's and Puerto Rico's municipios), sorted by their 5-digit FIPS code."""
    return list(_county_shapes(detail))


@functools.cache
def county_fips() -> frozenset[str]:
    """The 5-digit codes of the counties the map draws."""
    return frozenset(shape.fips for shape in _county_shapes(Detail.FULL))


def state_containing(x: float, y: float) -> str | None:
    """Return the USPS code of the state whose outline contains canvas point (x, y), or None."""
    for shape in _state_shapes(Detail.FULL):
        if shape.contains(x, y):
            return shape.usps
    return None


def state_boxes() -> dict[str, Rectangle]:
    """{USPS code: (x0, y0, x1, y1)} around each mapped state's outline."""
    return {shape.usps: shape.bbox for shape in _state_shapes(Detail.FULL)}


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
