"""Reading the map page the way a test needs: its markers, legend and messages."""

import re
from dataclasses import dataclass

MARKER = re.compile(
    r'<a href="/cities/(?P<slug>[^/"]+)/"><title>(?P<title>[^<]*)</title>'
    r'<use href="#(?P<prefix>\w+)-(?P<code>\w)" x="(?P<x>[-\d.]+)" y="(?P<y>[-\d.]+)"/></a>'
)
LEGEND_ITEM = re.compile(
    r'data-stance="(?P<level>\w+)".*?map-legend__count">(?P<count>\d+)<', re.DOTALL
)
STANCE_BY_CODE = {"r": "refuses", "l": "limited", "c": "cooperates", "u": "unknown"}


@dataclass(frozen=True)
class DrawnMarker:
    slug: str
    title: str
    stance: str
    x: float
    y: float


def markers(response) -> dict[str, DrawnMarker]:
    """{slug: marker} of the markers drawn in the page's SVG."""
    html = response.content.decode()
    found = {}
    for match in MARKER.finditer(html):
        found[match["slug"]] = DrawnMarker(
            match["slug"],
            match["title"],
            STANCE_BY_CODE[match["code"]],
            float(match["x"]),
            float(match["y"]),
        )
    return found


def legend_counts(response) -> dict[str, int]:
    html = response.content.decode()
    start = html.index('class="map-legend"')
    legend = html[start : html.index("</ul>", start)]
    return {m["level"]: int(m["count"]) for m in LEGEND_ITEM.finditer(legend)}
