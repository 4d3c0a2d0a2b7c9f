"""`{% load maps %}{% us_map %}`: the small map for other pages (the home page)."""

import functools

from django import template
from django.urls import reverse
from django.utils import timezone

from public.maps.areas import area_jurisdictions
from public.maps.drawing import DRAWN_SECONDS, draw
from public.maps.outlines import Detail
from public.maps.stances import with_published_records, with_stance_on
from tracker.page_tags import PLACE_LISTS, computed_at_versions
from tracker.text import day_label

register = template.Library()


@register.filter
def day(value) -> str:
    """The `date` filter's default format, remembered per day and language (tracker/text.py)."""
    return day_label(value) if value else ""


# The small map is about 640 px wide: fewer markers than the map page's national view, each
# drawn larger on the canvas so that it is about as large on screen.
SMALL_MAP_MARKERS = 100
SMALL_MARKER_SIZE = 14


@register.inclusion_tag("maps/_small_map.html", takes_context=True)
def us_map(context, jurisdictions=None, *, map_id: str = "home-map"):
    """The country today: counties and states by their current stance, and the most populous
    places with published records (`jurisdictions`, default all) as markers.

    Three queries (markers, the count of those not drawn, areas). The outlines are the
    coarser ones (Detail.SMALL), a third lighter. The figure links to the full map at /map/.
    """
    from cities.models import Jurisdiction

    queryset = Jurisdiction.objects.all() if jurisdictions is None else jurisdictions
    # Every place's markers are the same for every page and reader until a record changes.
    remember = None
    if jurisdictions is None:
        remember = functools.partial(_every_place_remembered, context.get("request"))
    drawing = draw(
        places=with_stance_on(with_published_records(queryset), None),
        areas=with_stance_on(area_jurisdictions(), None),
        limit=SMALL_MAP_MARKERS,
        detail=Detail.SMALL,
        prefix="h",
        map_id=map_id,
        marker_size=SMALL_MARKER_SIZE,
        remember=remember,
    )
    return {
        "map": drawing,
        "small": True,
        "map_url": reverse("maps:map"),
        "drawn_key": drawing.digest(),
        "drawn_seconds": DRAWN_SECONDS,
    }


def _every_place_remembered(request, kind: str, compute, *, may_lag: bool = False):
    # Per day too: a stance can begin at midnight.
    name = f"small-map:{kind}:{timezone.localdate()}"
    return computed_at_versions(name, PLACE_LISTS, compute, may_lag=may_lag, request=request)
