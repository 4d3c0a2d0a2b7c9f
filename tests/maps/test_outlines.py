"""The county outlines: every county equivalent of the mapped states, on the same arcs as the
state borders, written compactly and built once per process."""

import gzip
import re

import pytest

from public.maps.geometry import format_number, svg_path
from public.maps.outlines import Detail, counties, state_containing, states
from public.maps.svg import render_counties

# The county layer of the map page, gzipped as the page is: measured 123 KB.
COUNTY_LAYER_GZIP_BUDGET = 135_000
SVG_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")


def decode_path(path: str) -> list[list[tuple[float, float]]]:
    """The rings of path data made of "M x y l dx dy ... z" subpaths, in absolute points."""
    rings = []
    for subpath in re.findall(r"M([^l]*)l([^z]*)z", path):
        start = [float(n) for n in SVG_NUMBER.findall(subpath[0])]
        steps = [float(n) for n in SVG_NUMBER.findall(subpath[1])]
        x, y = start
        ring = [(x, y)]
        for dx, dy in zip(steps[::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((round(x, 1), round(y, 1)))
        rings.append(ring)
    return rings


def shapes_by_fips(detail=Detail.FULL):
    return {shape.fips: shape for shape in counties(detail)}


def test_every_county_equivalent_of_the_mapped_states_has_an_outline():
    shapes = shapes_by_fips()

    assert 3200 < len(shapes) <= 3231
    assert all(re.fullmatch(r"\d{5}", fips) for fips in shapes)
    # Counties, parishes, boroughs, independent cities, DC and Puerto Rico's municipios.
    for fips in ("17031", "22071", "02020", "51760", "11001", "72127"):
        assert fips in shapes, fips
    # Territories the map does not draw have no outline.
    assert not any(fips[:2] in {"60", "66", "69", "78"} for fips in shapes)


@pytest.mark.parametrize(
    ("fips", "usps"), [("17031", "IL"), ("48201", "TX"), ("06075", "CA"), ("02020", "AK")]
)
def test_a_county_lies_in_its_state(fips, usps):
    shape = shapes_by_fips()[fips]
    x0, y0, x1, y1 = shape.bbox

    assert shape.usps == usps
    assert state_containing((x0 + x1) / 2, (y0 + y1) / 2) == usps


@pytest.mark.parametrize("usps", ["IL", "CO", "TX", "VA", "LA"])
def test_state_borders_run_along_county_edges_exactly(usps):
    """The states and counties share their arcs, simplified once: no gap or sliver at any zoom."""
    state = next(shape for shape in states() if shape.usps == usps)
    county_points = {
        point
        for shape in counties()
        if shape.usps == usps
        for ring in shape.rings
        for point in ring
    }

    border = [point for ring in state.rings for point in ring]
    assert border and all(point in county_points for point in border)


def test_path_data_is_relative_and_adds_up_to_the_rounded_points():
    for shape in [*states(), *counties()[::50]]:
        assert re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", shape.path), shape.fips
        assert decode_path(shape.path) == [list(ring) for ring in shape.rings], shape.fips


def test_numbers_are_written_as_short_as_svg_reads_them():
    assert [format_number(v) for v in (2.0, -0.5, 0.5, 0.04, -0.04, 12.3)] == [
        "2",
        "-.5",
        ".5",
        "0",
        "0",
        "12.3",
    ]
    square = ((0.0, 0.0), (1.5, 0.0), (1.5, 0.5), (0.0, 0.5))
    assert svg_path([square]) == "M0 0l1.5 0 0 .5-1.5 0z"


def test_the_county_layer_fits_its_budget_and_the_small_map_is_lighter():
    full = len(gzip.compress(render_counties(Detail.FULL).encode()))
    small = len(gzip.compress(render_counties(Detail.SMALL).encode()))

    assert full < COUNTY_LAYER_GZIP_BUDGET
    assert small < full * 0.8


def test_outlines_are_built_once_per_process():
    assert counties()[0] is counties()[0]
    assert render_counties() is render_counties()
