"""One map, put together: which part of the country it shows, its areas and markers, its legend.

`draw()` is what the map page and the home page's small map share; templates/maps/_svg.html
and _legend.html render the `Drawing` it returns.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from tracker.fragments import release

from .areas import LABELS, AreaData, area_data
from .markers import MapData, Remember, compute_now, map_data
from .outlines import Detail, state_boxes
from .projection import HEIGHT, WIDTH
from .svg import (
    HATCH_BY_LEVEL,
    LEVELS,
    MARKER_SIZE,
    SHAPE_BY_LEVEL,
    SHAPE_NAMES,
    render_areas,
    render_borders,
    render_counties,
    render_markers,
    render_outlines,
    render_symbols,
    shape_path,
)

# Room left around a state the map zooms into, as a share of its size.
ZOOM_MARGIN = 0.06
LEGEND_SYMBOL_SIZE = 14


@dataclass(frozen=True)
class ViewBox:
    """The part of the 975 x 610 canvas shown, in canvas pixels, always in the canvas's shape."""

    x: float
    y: float
    width: float
    height: float

    def __str__(self) -> str:
        return f"{self.x:g} {self.y:g} {self.width:g} {self.height:g}"

    @property
    def zoom(self) -> float:
        return WIDTH / self.width

    @property
    def is_whole(self) -> bool:
        return self.width >= WIDTH


WHOLE = ViewBox(0, 0, WIDTH, HEIGHT)


def view_box_for(usps_codes: Iterable[str]) -> ViewBox:
    """The view around the given states (the whole map when none is drawn): their outlines'
    bounding box with a margin, widened to the canvas's proportions and kept on it."""
    boxes = state_boxes()
    chosen = [boxes[code] for code in usps_codes if code in boxes]
    if not chosen:
        return WHOLE
    x0 = min(box[0] for box in chosen)
    y0 = min(box[1] for box in chosen)
    x1 = max(box[2] for box in chosen)
    y1 = max(box[3] for box in chosen)
    margin = ZOOM_MARGIN * max(x1 - x0, y1 - y0)
    width = x1 - x0 + 2 * margin
    height = y1 - y0 + 2 * margin
    width = max(width, height * WIDTH / HEIGHT)
    if width >= WIDTH:
        return WHOLE
    height = width * HEIGHT / WIDTH
    x = min(max((x0 + x1 - width) / 2, 0), WIDTH - width)
    y = min(max((y0 + y1 - height) / 2, 0), HEIGHT - height)
    return ViewBox(round(x, 1), round(y, 1), round(width, 1), round(height, 1))


@dataclass(frozen=True)
class LegendRow:
    """One stance: its marker shape, its area hatching, and how many of each layer have it."""

    level: str
    label: str
    shape: str
    hatch: str
    path: str
    places: int
    counties: int
    states: int


# How long a map's drawn parts are kept under the digest of what they show (Drawing.digest).
DRAWN_SECONDS = 3600


@dataclass
class Drawing:
    """Everything a map template needs, rendered on first use."""

    places: MapData
    areas: AreaData
    view_box: ViewBox
    detail: Detail
    prefix: str
    map_id: str
    selected_states: list[str]
    marker_size: float = MARKER_SIZE

    @functools.cached_property
    def legend(self) -> list[LegendRow]:
        return [
            LegendRow(
                level=level,
                label=LABELS[level],
                shape=SHAPE_NAMES[SHAPE_BY_LEVEL[level]],
                hatch=HATCH_BY_LEVEL[level],
                path=shape_path(SHAPE_BY_LEVEL[level], LEGEND_SYMBOL_SIZE),
                places=self.places.counts.get(level, 0),
                counties=self.areas.county_counts.get(level, 0),
                states=self.areas.state_counts.get(level, 0),
            )
            for level in LEVELS
        ]

    def digest(self, *also) -> str:
        """A key for what this drawing shows, and `also` (what a template draws beside it), in
        the reader's language and this release: the key its drawn parts are kept under
        (maps/_drawn.html), so that a change the map does not show leaves them drawn."""
        shown = (
            self.places,
            self.areas,
            self.view_box,
            self.detail,
            self.prefix,
            self.map_id,
            self.selected_states,
            self.marker_size,
            *also,
        )
        digest = hashlib.sha256(pickle.dumps(shown, protocol=pickle.HIGHEST_PROTOCOL))
        return f"{release()}:{get_language()}:{digest.hexdigest()[:40]}"

    @property
    def link_count(self) -> int:
        """The links in the map: markers and coloured areas."""
        return len(self.places.markers) + len(self.areas.coloured)

    @property
    def symbols(self) -> SafeString:
        # Zoomed into a state, markers keep their size on screen, so its places spread apart.
        size = self.marker_size / self.view_box.zoom
        return render_symbols(prefix=self.prefix, size=round(size, 2))

    @property
    def outlines(self) -> SafeString:
        return render_outlines(self.detail)

    @property
    def state_areas(self) -> SafeString:
        return render_areas(self.areas.states)

    @property
    def counties(self) -> SafeString:
        return render_counties(self.detail)

    @property
    def county_areas(self) -> SafeString:
        return render_areas(self.areas.counties)

    @property
    def borders(self) -> SafeString:
        return render_borders(self.detail)

    @property
    def markers(self) -> SafeString:
        return render_markers(self.places.markers, prefix=self.prefix)


def draw(
    *,
    places: QuerySet,
    areas: QuerySet,
    sort=None,
    limit: int | None = None,
    selected_states: Iterable[str] = (),
    detail: Detail = Detail.FULL,
    prefix: str = "m",
    map_id: str = "us-map",
    marker_size: float = MARKER_SIZE,
    remember: Remember | None = None,
) -> Drawing:
    """The map of `places` (markers) and `areas` (counties and states), both annotated with
    `map_stance`. Without a `limit` every place is drawn; with one, the most populous few.
    Zoomed into `selected_states` when given; `marker_size` in canvas pixels at the national
    view. Two queries, three with a limit. `remember(name, compute, may_lag=...)`, when given,
    may give the markers, the areas or the census computed before instead of computing them
    (the pages' caches: markers.map_data).
    """
    selected = sorted(selected_states)
    remember = remember or compute_now
    return Drawing(
        places=map_data(places, sort=sort, limit=limit, remember=remember),
        areas=remember("areas", lambda: area_data(areas)),
        view_box=view_box_for(selected),
        detail=detail,
        prefix=prefix,
        map_id=map_id,
        selected_states=selected,
        marker_size=marker_size,
    )
