"""Tests for the Albers USA projection and the state and county outlines drawn with it.

``D3_ALBERS_USA`` holds what d3-geo 3.1's
``geoAlbersUsa().scale(1300).translate([487.5, 305])`` returns for each
(longitude, latitude); ``None`` is d3's ``null``.
"""

import math
import re
from collections import Counter
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
import us

from cities.counties.topojson import decode_arcs, geometry_polygons, load_topology, stitch_ring
from public.maps.geometry import clip_ring, ring_area, simplify
from public.maps.outlines import (
    TOPOJSON,
    USPS_BY_FIPS,
    inset_frames,
    state_containing,
    states,
)
from public.maps.projection import HEIGHT, INSETS, WIDTH, project

STATES_ALBERS_TOPOJSON = (
    Path(__file__).resolve().parents[2] / "public/maps/data/states-albers-10m.json"
)

D3_ALBERS_USA = {
    (-87.65, 41.85): (637.9384956887503, 226.78178216146898),
    (-74.01, 40.71): (869.6670691880797, 215.81853225313023),
    (-118.24, 34.05): (86.86761574608869, 363.1838130556713),
    (-122.42, 37.77): (34.80003839932533, 261.5405760847491),
    (-95.37, 29.76): (510.42380202670756, 509.24021791161704),
    (-80.19, 25.76): (822.78127218592, 572.5722962548817),
    (-122.33, 47.61): (97.67949886898674, 46.24513613145882),
    (-68.77, 44.80): (929.6566549768818, 103.41511839410009),
    (-81.78, 24.56): (794.3895390724817, 604.3440461811662),
    (-149.9, 61.218): (112.27861738749284, 544.2786412676403),
    (-134.42, 58.30): (176.94022706007547, 556.0986322590634),
    (173.2, 52.9): (-54.624522554529975, 572.782856534051),
    (-157.858, 21.307): (266.9663401709888, 549.1881412171533),
    (-155.09, 19.72): (326.1539126500044, 584.8943357753406),
    (2.35, 48.85): None,
    (-99.13, 19.43): None,
}

CITIES = {
    "Chicago": (41.85, -87.65, "IL"),
    "New York": (40.71, -74.01, "NY"),
    "Los Angeles": (34.05, -118.24, "CA"),
    "San Francisco": (37.76, -122.44, "CA"),
    "Houston": (29.76, -95.37, "TX"),
    "Miami": (25.77, -80.21, "FL"),
    "Atlanta": (33.75, -84.39, "GA"),
    "Baltimore": (39.30, -76.62, "MD"),
    "Denver": (39.74, -104.99, "CO"),
    "New Orleans": (29.95, -90.07, "LA"),
    "Anchorage": (61.19, -149.85, "AK"),
    "Honolulu": (21.32, -157.84, "HI"),
    "San Juan": (18.41, -66.06, "PR"),
}

WASHINGTON_DC = (38.895, -77.036)
PATH_BUDGET_BYTES = 120_000


def distance_to_segment(point, start, end):
    dx, dy = end[0] - start[0], end[1] - start[1]
    length_squared = dx * dx + dy * dy
    t = 0.0
    if length_squared:
        t = ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / length_squared
        t = max(0.0, min(1.0, t))
    return math.dist(point, (start[0] + t * dx, start[1] + t * dy))


def distance_to_outline(point, rings):
    return min(
        distance_to_segment(point, ring[index - 1], ring[index])
        for ring in rings
        for index in range(len(ring))
    )


def arc_polygons(geometry):
    """A Polygon or MultiPolygon geometry as polygons of rings of arc indexes."""
    return [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]


def shapes_by_usps():
    return {shape.usps: shape for shape in states()}


def frame_corners(frame):
    x, y, width, height = frame
    return x, y, x + width, y + height


def test_canvas_is_975_by_610():
    assert (WIDTH, HEIGHT) == (975, 610)


@pytest.mark.parametrize(("lonlat", "expected"), D3_ALBERS_USA.items())
def test_project_matches_d3_geo_albers_usa(lonlat, expected):
    result = project(*lonlat)

    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "lonlat",
    [(2.35, 48.85), (13.4, 52.52), (-0.13, 51.51), (139.69, 35.69), (151.21, -33.87)],
    ids=["Paris", "Berlin", "London", "Tokyo", "Sydney"],
)
def test_project_returns_none_far_outside_the_united_states(lonlat):
    assert project(*lonlat) is None


def test_project_agrees_with_d3_preprojected_junctions():
    """Points where three or more state borders meet land within 1 px of d3's own projection."""
    topology = load_topology(TOPOJSON)
    arcs = decode_arcs(topology)
    albers = load_topology(STATES_ALBERS_TOPOJSON)
    albers_arcs = decode_arcs(albers)
    albers_points = [point for arc in albers_arcs for point in arc]
    in_d3_file = {geometry["id"] for geometry in albers["objects"]["states"]["geometries"]}
    # The file's state borders are cut wherever a county line meets them: count distinct arcs,
    # so that only a point where three borders meet counts as a junction.
    state_arcs = {
        index if index >= 0 else ~index
        for geometry in topology["objects"]["states"]["geometries"]
        if geometry["id"] in in_d3_file
        for polygon in arc_polygons(geometry)
        for ring in polygon
        for index in ring
    }
    arc_ends = Counter()
    for index in state_arcs:
        arc_ends[arcs[index][0]] += 1
        arc_ends[arcs[index][-1]] += 1
    junctions = [lonlat for lonlat, count in arc_ends.items() if count >= 3]

    assert len(junctions) > 100
    for lonlat in junctions:
        projected = project(*lonlat)
        assert projected is not None, lonlat
        nearest = min(math.dist(projected, point) for point in albers_points)
        assert nearest < 1.0, (lonlat, projected, nearest)


def test_outlines_follow_d3_preprojected_outlines():
    """Every vertex of each state's main ring in d3's file lies within 1 px of our outline."""
    albers = load_topology(STATES_ALBERS_TOPOJSON)
    albers_arcs = decode_arcs(albers)
    ours = {shape.fips: shape for shape in states()}

    for geometry in albers["objects"]["states"]["geometries"]:
        shape = ours[geometry["id"]]
        rings = [ring for polygon in geometry_polygons(geometry, albers_arcs) for ring in polygon]
        main_ring = max(rings, key=ring_area)
        for point in main_ring:
            if point[0] < 0:
                continue
            distance = distance_to_outline(point, shape.rings)
            assert distance < 1.0, (shape.usps, point, distance)


@pytest.mark.parametrize(("name", "lat", "lon", "usps"), [(n, *c) for n, c in CITIES.items()])
def test_city_lands_inside_its_own_state(name, lat, lon, usps):
    point = project(lon, lat)

    assert point is not None
    assert state_containing(*point) == usps
    assert shapes_by_usps()[usps].contains(*point)


def test_washington_dc_lands_in_or_beside_the_district():
    lat, lon = WASHINGTON_DC
    point = project(lon, lat)
    district = shapes_by_usps()["DC"]

    assert district.contains(*point) or distance_to_outline(point, district.rings) <= 3


@pytest.mark.parametrize("point", [(950, 400), (600, 580), (20, 150), (500, 20)])
def test_state_containing_returns_none_over_sea_and_foreign_land(point):
    assert state_containing(*point) is None


def test_states_are_the_fifty_states_dc_and_puerto_rico():
    shapes = states()
    codes = [shape.usps for shape in shapes]

    assert len(shapes) == 52
    assert codes == sorted(codes)
    assert set(codes) == set(USPS_BY_FIPS.values())
    assert {"DC", "PR", "AK", "HI"} <= set(codes)
    for shape in shapes:
        assert re.fullmatch(r"\d\d", shape.fips)
        assert USPS_BY_FIPS[shape.fips] == shape.usps
        assert shape.name
        assert shape.rings


@pytest.mark.parametrize(("fips", "usps"), USPS_BY_FIPS.items())
def test_fips_to_usps_table_agrees_with_the_us_package(fips, usps):
    assert us.states.lookup(fips).abbr == usps


def test_svg_paths_fit_the_budget_and_use_one_decimal():
    shapes = states()
    total = sum(len(shape.path.encode()) for shape in shapes)

    assert total < PATH_BUDGET_BYTES
    for shape in shapes:
        assert re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", shape.path), shape.usps
        assert not re.search(r"\.\d\d", shape.path), shape.usps
        assert shape.path.count("M") == len(shape.rings)


def test_rings_stay_on_the_canvas():
    for shape in states():
        for ring in shape.rings:
            assert len(ring) >= 3
            for x, y in ring:
                assert 0 <= x <= WIDTH and 0 <= y <= HEIGHT, (shape.usps, x, y)


def test_states_are_computed_once_per_process():
    assert states()[0] is states()[0]


def test_inset_frames_enclose_their_states_and_stay_on_the_canvas():
    frames = inset_frames()
    shapes = shapes_by_usps()

    assert set(frames) == {"AK", "HI", "PR"}
    for usps, frame in frames.items():
        fx0, fy0, fx1, fy1 = frame_corners(frame)
        x0, y0, x1, y1 = shapes[usps].bbox
        assert 0 <= fx0 <= x0 and x1 <= fx1 <= WIDTH, usps
        assert 0 <= fy0 <= y0 and y1 <= fy1 <= HEIGHT, usps


def test_inset_frames_overlap_no_other_state_or_frame():
    frames = inset_frames()

    for usps, frame in frames.items():
        fx0, fy0, fx1, fy1 = frame_corners(frame)
        for shape in states():
            if shape.usps == usps:
                continue
            for ring in shape.rings:
                for x, y in ring:
                    assert not (fx0 < x < fx1 and fy0 < y < fy1), (usps, shape.usps, x, y)
        for other, other_frame in frames.items():
            if other == usps:
                continue
            ox0, oy0, ox1, oy1 = frame_corners(other_frame)
            assert fx1 <= ox0 or ox1 <= fx0 or fy1 <= oy0 or oy1 <= fy0, (usps, other)


def test_puerto_rico_sits_in_the_lower_right_below_florida():
    x, y, width, height = inset_frames()["PR"]
    florida = shapes_by_usps()["FL"]
    san_juan = project(-66.106, 18.466)

    assert x > florida.bbox[2]
    assert y > florida.bbox[1] + (florida.bbox[3] - florida.bbox[1]) / 2
    assert x + width <= WIDTH and y + height <= HEIGHT
    assert INSETS["puerto_rico"].contains(*san_juan)


def test_decode_arcs_undoes_quantization_and_delta_encoding():
    topology = {
        "transform": {"scale": [0.5, 2.0], "translate": [10.0, -1.0]},
        "arcs": [[[0, 0], [2, 1], [-1, 3]]],
    }

    assert decode_arcs(topology) == [[(10.0, -1.0), (11.0, 1.0), (10.5, 7.0)]]


def test_stitch_ring_joins_arcs_and_reverses_negative_indexes():
    arcs = [[(0, 0), (1, 0), (1, 1)], [(0, 0), (0, 1), (1, 1)]]

    assert stitch_ring([0, ~1], arcs) == [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]


def test_simplify_keeps_ends_and_corners_and_drops_near_collinear_points():
    points = [(0, 0), (1, 0.1), (2, 0), (2, 5), (2.05, 6), (2, 7)]

    assert simplify(points, 0.5) == [(0, 0), (2, 0), (2, 7)]


def test_clip_ring_cuts_a_ring_to_a_rectangle():
    square = [(-1, -1), (1, -1), (1, 1), (-1, 1)]

    clipped = clip_ring(square, (0, 0, 2, 2))

    assert ring_area(clipped) == pytest.approx(1.0)
    assert all(0 <= x <= 2 and 0 <= y <= 2 for x, y in clipped)


def test_clip_ring_drops_a_ring_entirely_outside():
    assert clip_ring([(5, 5), (6, 5), (6, 6)], (0, 0, 1, 1)) == []


def test_state_shapes_are_frozen():
    shape = states()[0]

    with pytest.raises(FrozenInstanceError):
        shape.usps = "XX"
