"""The SVG map's markup: the layers every map shares (built once per process) and the few a
request colours.

Drawing order, bottom to top: inset frames, state fills, states with a statewide stance (a light
wash), the county outlines, the counties with a stance (hatched), the state borders, the selected
states, the markers. Unknown counties are left unfilled, so a statewide stance shows through
them. Colours and hatching come from classes in static/css/map.css: no style attribute, for
the Content-Security-Policy.

Markers and areas are written by Python, not by a template loop, so that thousands of them
render in a few milliseconds; each is `<a href><title>…</title><use …/></a>`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cities.models import StanceLevel
from public.places.querysets import NOT_RECORDED

from .areas import LABELS, Area
from .markers import Marker
from .outlines import Detail, counties, county_fips, inset_frames, states
from .projection import HEIGHT, WIDTH

# Legend and drawing order; each stance has a shape and a hatching as well as a colour. "Not
# recorded" (no stance on record that day) is not a stance: a hollow ring, an unfilled area.
LEVELS = [
    StanceLevel.REFUSES.value,
    StanceLevel.LIMITED.value,
    StanceLevel.COOPERATES.value,
    StanceLevel.UNKNOWN.value,
    NOT_RECORDED,
]
SHAPE_BY_LEVEL = {
    StanceLevel.REFUSES: "circle",
    StanceLevel.LIMITED: "square",
    StanceLevel.COOPERATES: "triangle",
    StanceLevel.UNKNOWN: "diamond",
    NOT_RECORDED: "ring",
}
SHAPE_NAMES = {
    "circle": _("circle"),
    "square": _("square"),
    "triangle": _("triangle"),
    "diamond": _("diamond"),
    "ring": _("hollow ring"),
}
# What an area of each stance is filled with, besides its colour: readable in black and white.
HATCH_BY_LEVEL = {
    StanceLevel.REFUSES: _("diagonal lines"),
    StanceLevel.LIMITED: _("dots"),
    StanceLevel.COOPERATES: _("crossed lines"),
    StanceLevel.UNKNOWN: _("grey, dashed lines"),
    NOT_RECORDED: _("no fill"),
}
# One-letter symbol ids keep each marker short: #m-r, #m-l, #m-c, #m-u, #m-n.
CODE_BY_LEVEL = {level: level[0] for level in LEVELS}

VIEW_BOX = f"0 0 {WIDTH} {HEIGHT}"
MARKER_SIZE = 10
# Hatching, in canvas pixels: wide enough to tell the patterns apart on a county 5 px across.
HATCH_SIZE = 3.2


def shape_path(shape: str, size: float) -> str:
    """SVG path data for a marker shape centred on (0, 0), `size` pixels across."""
    r = round(size / 2, 3)
    if shape == "circle":
        return f"M{-r:g},0a{r:g},{r:g} 0 1,0 {2 * r:g},0a{r:g},{r:g} 0 1,0 {-2 * r:g},0Z"
    if shape == "square":
        s = round(r * 0.9, 3)
        return f"M{-s:g},{-s:g}h{2 * s:g}v{2 * s:g}h{-2 * s:g}Z"
    if shape == "triangle":
        t = round(r * 1.2, 3)
        return f"M0,{-t:g}L{t:g},{round(t * 0.8, 3):g}L{-t:g},{round(t * 0.8, 3):g}Z"
    if shape == "diamond":
        d = round(r * 1.2, 3)
        return f"M0,{-d:g}L{d:g},0L0,{d:g}L{-d:g},0Z"
    if shape == "ring":  # two circles, the inner one a hole (fill-rule: evenodd in map.css)
        h = round(r * 0.5, 3)
        outer = f"M{-r:g},0a{r:g},{r:g} 0 1,0 {2 * r:g},0a{r:g},{r:g} 0 1,0 {-2 * r:g},0Z"
        return f"{outer}M{-h:g},0a{h:g},{h:g} 0 1,0 {2 * h:g},0a{h:g},{h:g} 0 1,0 {-2 * h:g},0Z"
    raise ValueError(f"no marker shape {shape!r}")


def _url_pattern() -> tuple[str, str]:
    """The jurisdiction page URL split around the slug, so that a link costs no reverse()."""
    placeholder = "slug-placeholder"
    url = reverse("cities:detail", kwargs={"slug": placeholder})
    before, after = url.split(placeholder)
    return before, after


def render_markers(markers: Iterable[Marker], *, prefix: str = "m") -> SafeString:
    """The markers as SVG links, each keyboard-focusable with its description as the title."""
    before, after = _url_pattern()
    parts = []
    for marker in markers:
        parts.append(
            f'<a href="{before}{marker.slug}{after}"><title>{escape(marker.description)}</title>'
            f'<use href="#{prefix}-{CODE_BY_LEVEL[marker.stance]}" '
            f'x="{marker.x:g}" y="{marker.y:g}"/></a>'
        )
    return mark_safe("\n".join(parts))


def render_areas(areas: Iterable[Area]) -> SafeString:
    """The areas with a stance, one group per stance (the group's class colours and hatches
    it), each a link to its page that reuses the outline drawn once in the page."""
    before, after = _url_pattern()
    by_level: dict[str, list[str]] = {level: [] for level in LEVELS}
    labels = {level: str(label) for level, label in LABELS.items()}  # translated once, not per area
    for area in areas:
        label = labels[area.stance]
        if len(area.fips) == 2:
            shape, title = f"st-{area.state}", f"{area.name}: {label} (statewide)"
        else:
            shape, title = f"c{area.fips}", f"{area.name}, {area.state}: {label}"
        by_level[area.stance].append(
            f'<a href="{before}{area.slug}{after}"><title>{escape(title)}</title>'
            f'<use href="#{shape}"/></a>'
        )
    groups = [
        f'<g class="area area--{level}">{"".join(links)}</g>'
        for level, links in by_level.items()
        if links
    ]
    return mark_safe("".join(groups))


def render_symbols(*, prefix: str = "m", size: float = MARKER_SIZE) -> SafeString:
    """The `<defs>`: the marker shapes the markers `<use>`, one per stance, and the hatching
    the areas are filled with."""
    paths = "".join(
        f'<path id="{prefix}-{CODE_BY_LEVEL[level]}" class="mk mk--{level} mk-symbol" '
        f'd="{shape_path(SHAPE_BY_LEVEL[level], size)}"/>'
        for level in LEVELS
    )
    return mark_safe(f"<defs>{paths}{_patterns()}</defs>")


@functools.cache
def _patterns() -> str:
    """One pattern per recorded stance (`#hatch-refuses`...): a tint with lines or dots on it.
    "Not recorded" has none: its areas are left unfilled."""
    s = HATCH_SIZE
    marks = {
        StanceLevel.REFUSES: f'<path d="M0 0v{s:g}"/>',
        StanceLevel.LIMITED: f'<circle cx="{s / 2:g}" cy="{s / 2:g}" r="{s / 5:g}"/>',
        StanceLevel.COOPERATES: f'<path d="M0 0v{s:g}M0 0h{s:g}"/>',
        StanceLevel.UNKNOWN: f'<path d="M0 {s / 2:g}h{s / 2:g}"/>',
    }
    return "".join(
        f'<pattern id="hatch-{level.value}" class="hatch hatch--{level.value}" '
        f'width="{s:g}" height="{s:g}" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="{s:g}" height="{s:g}"/>{mark}</pattern>'
        for level, mark in marks.items()
    )


@functools.cache
def render_outlines(detail: Detail = Detail.FULL) -> SafeString:
    """Inset frames and state fills: the same for every map, built once per detail."""
    frames = "".join(
        f'<rect class="map-inset" x="{frame.x:g}" y="{frame.y:g}" '
        f'width="{frame.width:g}" height="{frame.height:g}"/>'
        for frame in inset_frames().values()
    )
    paths = "".join(
        f'<path id="st-{shape.usps}" d="{shape.path}"><title>{escape(shape.name)}</title></path>'
        for shape in states(detail)
    )
    return mark_safe(
        f'<g class="map-frames" aria-hidden="true">{frames}</g>'
        f'<g class="map-states" aria-hidden="true">{paths}</g>'
    )


@functools.cache
def render_counties(detail: Detail = Detail.FULL) -> SafeString:
    """Every county's outline (`#c01001`...), unfilled: the same for every map, built once
    per detail; about 120 KB of the page once gzipped."""
    paths = "".join(f'<path id="c{shape.fips}" d="{shape.path}"/>' for shape in counties(detail))
    return mark_safe(f'<g class="map-counties" aria-hidden="true">{paths}</g>')


@functools.cache
def render_borders(detail: Detail = Detail.FULL) -> SafeString:
    """The state borders above the counties, reusing the state outlines."""
    uses = "".join(f'<use href="#st-{shape.usps}"/>' for shape in states(detail))
    return mark_safe(f'<g class="map-borders" aria-hidden="true">{uses}</g>')


def prepare_outlines() -> None:
    """Build every outline this module keeps, at both details: gunicorn calls it in its master
    process before forking the workers (gunicorn.conf.py), so that no worker spends its first
    map or home page (about 1.5 s) on what never changes."""
    for detail in Detail:
        render_outlines(detail)
        render_counties(detail)
        render_borders(detail)
    county_fips()
