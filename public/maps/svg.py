"""The SVG map: state outlines (built once per process), markers and the legend.

Markers are written by Python, not by a template loop, so that 20,000 of them render in a fraction
of a second; each is `<a href><title>…</title><use href="#m-r" x y/></a>`, a few dozen bytes.
"""

from __future__ import annotations

import datetime
import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from cities.models import StanceLevel

from .outlines import inset_frames, states
from .projection import HEIGHT, WIDTH, project
from .stances import MAP_STANCE, with_latest_statement

# Legend and drawing order; each stance has a shape as well as a colour.
LEVELS = [StanceLevel.REFUSES, StanceLevel.LIMITED, StanceLevel.COOPERATES, StanceLevel.UNKNOWN]
SHAPE_BY_LEVEL = {
    StanceLevel.REFUSES: "circle",
    StanceLevel.LIMITED: "square",
    StanceLevel.COOPERATES: "triangle",
    StanceLevel.UNKNOWN: "diamond",
}
# One-letter symbol ids keep each marker short: #m-r, #m-l, #m-c, #m-u.
CODE_BY_LEVEL = {level: level.value[0] for level in LEVELS}

VIEW_BOX = f"0 0 {WIDTH} {HEIGHT}"


def shape_path(shape: str, size: float) -> str:
    """SVG path data for a marker shape centred on (0, 0), `size` pixels across."""
    r = size / 2
    if shape == "circle":
        return f"M{-r:g},0a{r:g},{r:g} 0 1,0 {2 * r:g},0a{r:g},{r:g} 0 1,0 {-2 * r:g},0Z"
    if shape == "square":
        s = r * 0.9
        return f"M{-s:g},{-s:g}h{2 * s:g}v{2 * s:g}h{-2 * s:g}Z"
    if shape == "triangle":
        t = r * 1.2
        return f"M0,{-t:g}L{t:g},{t * 0.8:g}L{-t:g},{t * 0.8:g}Z"
    if shape == "diamond":
        d = r * 1.2
        return f"M0,{-d:g}L{d:g},0L0,{d:g}L{-d:g},0Z"
    raise ValueError(f"no marker shape {shape!r}")


@dataclass(frozen=True)
class Marker:
    slug: str
    name: str
    state: str
    stance: str
    current_stance: str
    latest_statement_on: datetime.date | None
    x: float
    y: float

    @property
    def current_stance_label(self) -> str:
        return StanceLevel(self.current_stance).label

    @property
    def changed_since(self) -> bool:
        """True when the stance shown (as of a past day) is not the current one."""
        return self.stance != self.current_stance

    @property
    def stance_label(self) -> str:
        return StanceLevel(self.stance).label

    @property
    def code(self) -> str:
        return CODE_BY_LEVEL[self.stance]

    @property
    def shape(self) -> str:
        return SHAPE_BY_LEVEL[self.stance]

    @property
    def description(self) -> str:
        """What hovering, focusing or a screen reader tells: name, state, stance, latest date."""
        if self.latest_statement_on:
            latest = f"latest statement {self.latest_statement_on:%-d %b %Y}"
        else:
            latest = "no published statement"
        return f"{self.name}, {self.state}: {self.stance_label}; {latest}"


@dataclass(frozen=True)
class Unplaced:
    """A jurisdiction the map cannot draw: no coordinates, or off the map (e.g. Guam)."""

    slug: str
    name: str
    state: str
    stance: str

    @property
    def stance_label(self) -> str:
        return StanceLevel(self.stance).label


@dataclass
class MapData:
    markers: list[Marker]
    unplaced: list[Unplaced]

    @property
    def counts(self) -> dict[str, int]:
        return Counter(marker.stance for marker in self.markers)

    @property
    def changed_count(self) -> int:
        return sum(marker.changed_since for marker in self.markers)

    def legend(self) -> list[dict]:
        counts = self.counts
        return [
            {
                "level": level.value,
                "label": level.label,
                "shape": SHAPE_BY_LEVEL[level],
                "path": shape_path(SHAPE_BY_LEVEL[level], 14),
                "count": counts.get(level, 0),
            }
            for level in LEVELS
        ]


@functools.lru_cache(maxsize=65536)
def _position(longitude: float, latitude: float) -> tuple[float, float] | None:
    point = project(longitude, latitude)
    if point is None:
        return None
    x, y = point
    if not (0 <= x <= WIDTH and 0 <= y <= HEIGHT):
        return None
    return round(x, 1), round(y, 1)


def map_data(queryset: QuerySet, *, sort=None) -> MapData:
    """Markers (and the places that cannot be drawn) for a queryset annotated by MapFilter.

    `sort` (e.g. MapFilter.sort) orders the markers, hence the keyboard's path through them;
    the default is by name. One query: values only, no model instances, so that 20,000 rows
    stay cheap.
    """
    queryset = with_latest_statement(queryset)
    queryset = sort(queryset) if sort else queryset.order_by("name", "state", "pk")
    rows = queryset.values_list(
        "slug",
        "name",
        "state",
        MAP_STANCE,
        "stance_level",
        "latest_statement_on",
        "longitude",
        "latitude",
    )
    markers, unplaced = [], []
    for slug, name, state, stance, current, latest, longitude, latitude in rows:
        position = None if longitude is None else _position(longitude, latitude)
        if position is None:
            unplaced.append(Unplaced(slug, name, state, stance))
        else:
            markers.append(Marker(slug, name, state, stance, current, latest, *position))
    return MapData(markers, unplaced)


def _url_pattern() -> tuple[str, str]:
    """The jurisdiction page URL split around the slug, so that a marker costs no reverse()."""
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
            f'<use href="#{prefix}-{marker.code}" x="{marker.x:g}" y="{marker.y:g}"/></a>'
        )
    return mark_safe("\n".join(parts))


def render_symbols(*, prefix: str = "m", size: float = 10) -> SafeString:
    """The `<defs>` marker shapes the markers `<use>`, one per stance."""
    paths = "".join(
        f'<path id="{prefix}-{CODE_BY_LEVEL[level]}" class="mk mk--{level.value}" '
        f'd="{shape_path(SHAPE_BY_LEVEL[level], size)}"/>'
        for level in LEVELS
    )
    return mark_safe(f"<defs>{paths}</defs>")


@functools.cache
def render_outlines() -> SafeString:
    """State outlines and inset frames: the same few tens of kilobytes for every map, built once."""
    frames = "".join(
        f'<rect class="map-inset" x="{frame.x:g}" y="{frame.y:g}" '
        f'width="{frame.width:g}" height="{frame.height:g}"/>'
        for frame in inset_frames().values()
    )
    paths = "".join(
        f'<path id="st-{shape.usps}" d="{shape.path}"><title>{escape(shape.name)}</title></path>'
        for shape in states()
    )
    return mark_safe(
        f'<g class="map-frames" aria-hidden="true">{frames}</g>'
        f'<g class="map-states" aria-hidden="true">{paths}</g>'
    )
