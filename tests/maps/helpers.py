"""Reading the map page the way a test needs: its markers, shaded areas, legend and messages."""

import re
from dataclasses import dataclass

from public.maps.filters import MapFilter

MARKER = re.compile(
    r'<a href="/cities/(?P<slug>[^/"]+)/"><title>(?P<title>[^<]*)</title>'
    r'<use href="#(?P<prefix>\w+)-(?P<code>\w)" x="(?P<x>[-\d.]+)" y="(?P<y>[-\d.]+)"/></a>'
)
AREA_GROUP = re.compile(r'<g class="area area--(?P<stance>\w+)">(?P<links>.*?)</g>', re.DOTALL)
AREA = re.compile(
    r'<a href="/cities/(?P<slug>[^/"]+)/"><title>(?P<title>[^<]*)</title>'
    r'<use href="#(?P<shape>[\w-]+)"/></a>'
)
LEGEND_ROW = re.compile(
    r'<tr class="map-legend__item" data-stance="(?P<level>\w+)">(?P<row>.*?)</tr>', re.DOTALL
)
LEGEND_COUNT = re.compile(r'data-layer="(?P<layer>\w+)">(?P<count>[\d,]+)<')
STANCE_BY_CODE = {
    "r": "refuses",
    "l": "limited",
    "c": "cooperates",
    "u": "unknown",
    "n": "not_recorded",
}

# What the filter form beside the map costs, whatever the map: a count per facet, and one query
# for the designation choices. The map's own queries come on top.
FORM_QUERIES = len(MapFilter.facets) + 1
# The map's own: places to draw and, at the national view, places to count; areas; the days on
# which a stance changed.
NATIONAL_MAP_QUERIES = 4
NARROWED_MAP_QUERIES = 3


@dataclass(frozen=True)
class DrawnMarker:
    slug: str
    title: str
    stance: str
    x: float
    y: float


@dataclass(frozen=True)
class ShadedArea:
    slug: str
    title: str
    stance: str
    shape: str  # the id of the outline it reuses: "c17031" or "st-IL"


def page(response) -> str:
    return response.content.decode()


def markers(response) -> dict[str, DrawnMarker]:
    """{slug: marker} of the markers drawn in the page's SVG."""
    found = {}
    for match in MARKER.finditer(page(response)):
        found[match["slug"]] = DrawnMarker(
            match["slug"],
            match["title"],
            STANCE_BY_CODE[match["code"]],
            float(match["x"]),
            float(match["y"]),
        )
    return found


def areas(response) -> dict[str, ShadedArea]:
    """{slug: area} of the counties and states shaded by a stance in the page's SVG."""
    found = {}
    for group in AREA_GROUP.finditer(page(response)):
        for match in AREA.finditer(group["links"]):
            found[match["slug"]] = ShadedArea(
                match["slug"], match["title"], group["stance"], match["shape"]
            )
    return found


def legend_counts(response, layer: str = "places") -> dict[str, int]:
    """{stance: count} the legend gives for one layer: "places", "counties" or "states"."""
    html = page(response)
    start = html.index('class="map-legend"')
    legend = html[start : html.index("</table>", start)]
    counts = {}
    for row in LEGEND_ROW.finditer(legend):
        for cell in LEGEND_COUNT.finditer(row["row"]):
            if cell["layer"] == layer:
                counts[row["level"]] = int(cell["count"].replace(",", ""))
    return counts


def view_box(response) -> tuple[float, float, float, float]:
    """The main map's viewBox as (x, y, width, height)."""
    match = re.search(r'<svg class="map-svg[^"]*" id="us-map" viewBox="([^"]+)"', page(response))
    x, y, width, height = (float(value) for value in match[1].split())
    return x, y, width, height
