import bisect
import datetime
import functools

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import json_script
from django.utils.translation import gettext

from cities.models import Jurisdiction
from public.filter_errors import filter_errors
from tracker.page_tags import PLACE_LISTS, SITE, STANCES, AtVersions, depends_on
from tracker.text import day_label, day_labels

from .drawing import DRAWN_SECONDS, draw
from .filters import EARLIEST_AS_OF, MapFilter
from .geojson import feature_collection
from .stances import stance_change_dates, with_published_records

# Above this many rows the page links to the list and the GeoJSON instead of tabling them.
TABLE_MAX_ROWS = 300
# The national view (no filter but the day) draws the most populous places only: at 975 px
# across, more would bury the counties and one another. A filter or a state draws them all.
NATIONAL_MARKERS = 250
GEOJSON_CONTENT_TYPE = "application/geo+json"


def map_queryset():
    """The jurisdictions the map can show: those with a published statement or stance."""
    return with_published_records(Jurisdiction.objects.all())


def neighbouring_changes(
    changes: list[datetime.date], day: datetime.date, today: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    """The days to show for "the map before this" and "the next change", or None; `changes`
    in order (a few thousand at the national view: found by bisection, not read through).

    The map on `day` is the one that began on the last change on or before it; the view before
    it began on the change before that (or, before the first change, the day before it).
    """
    on_or_before = bisect.bisect_right(changes, day)
    started = changes[on_or_before - 1] if on_or_before else None
    previous = None
    if started is not None:
        previous = changes[on_or_before - 2] if on_or_before > 1 else None
        if previous is None and started - datetime.timedelta(days=1) >= EARLIEST_AS_OF:
            previous = started - datetime.timedelta(days=1)
    following = changes[on_or_before] if on_or_before < len(changes) else None
    if following is not None and following > today:
        following = None
    return previous, following


def slider_stops(change_dates: list[datetime.date], today: datetime.date) -> list[list[str]]:
    """The date slider's stops, [as_of value, label] each: every day on which something on the
    map changed, then today (an empty as_of)."""
    days = [day for day in change_dates if day < today]
    stops = [[day.isoformat(), label] for day, label in zip(days, day_labels(days), strict=True)]
    return [*stops, ["", gettext("today (%(day)s)") % {"day": day_label(today)}]]


def map_page(request, *, fragment: bool = False):
    """The map of /cities/'s filtered jurisdictions, by stance as of a day: counties and states
    as areas, the other places as markers, zoomed into the states chosen.

    A bounded number of queries whatever the number of jurisdictions: the markers (one, and
    one to count those not drawn at the national view), the areas (one), the stance change
    dates (one), one per facet and the event choices of the form.

    `fragment`: only the parts a day changes (maps/_fragment.html: filters, heading, map and
    tables), which the date slider fetches and swaps in (/map/fragment/).
    """
    depends_on(request, *PLACE_LISTS)
    template = "maps/_fragment.html" if fragment else "maps/map.html"
    filterset = MapFilter(request.GET, queryset=map_queryset(), request=request)
    # Before any query, as a list's (FacetedListView.get): what is kept at them is never older.
    versions = filterset.read_versions()
    today = timezone.localdate()
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "today": today,
        "earliest": EARLIEST_AS_OF,
        # The filters post to /map/, also when the slider fetched them from /map/fragment/.
        "map_action": reverse("maps:map"),
    }
    if not filterset.is_valid():
        context |= {"errors": filter_errors(filterset.form), "facets": filterset.facet_list()}
        return render(request, template, context, status=400)

    as_of = filterset.as_of_day()
    jurisdictions = filterset.qs
    # The markers and the slider's days are computed once per filters, sort and versions of the
    # records, as the lists' counts are; per day too, since a stance can begin at midnight.
    remember = functools.partial(_cached, filterset, f"{filterset.sort_value()}:{today}")
    drawing = draw(
        places=jurisdictions,
        areas=filterset.areas(),
        sort=filterset.sort,
        limit=None if filterset.narrows() else NATIONAL_MARKERS,
        selected_states=filterset.selected_values("state"),
        remember=remember,
    )
    markers, coloured = drawing.places.markers, drawing.areas.coloured
    shown_day = as_of or today
    if filterset.narrows():
        changes = remember("change-days", lambda: stance_change_dates(jurisdictions))
    else:
        # The nation's days follow the stances and the federal records (SITE) alone, so they
        # are kept while statements are published: a query of 15 ms on each publish otherwise.
        stance_versions = AtVersions.of({tag: versions[tag] for tag in (SITE, STANCES)})
        changes = stance_versions.computed(f"map:change-days:{today}", stance_change_dates)
    change_dates = changes[: bisect.bisect_right(changes, today)]
    previous_change, next_change = neighbouring_changes(change_dates, shown_day, today)
    without_as_of = request.GET.copy()
    without_as_of.pop("as_of", None)
    # Per day as well, as the markers: a stance can begin at midnight.
    context |= filterset.filters_fragment(f"{request.path}:{today}") | {
        # Read only if drawn: the filters are mostly a stored fragment (filter_disclosure).
        "facets": SimpleLazyObject(filterset.facet_list),
        "chips": filterset.chips(request.GET),
        "carried": [(k, v) for k, values in request.GET.lists() if k != "as_of" for v in values],
        "map": drawing,
        "as_of": as_of,
        "shown_day": shown_day,
        "previous_change": previous_change,
        "next_change": next_change,
        # Labelled in the reader's language, which the key names; kept as the page shows them.
        "slider_stops_script": remember(
            "slider-stops",
            lambda: json_script(slider_stops(change_dates, today), "map-slider-stops"),
        ),
        "fragment_url": reverse("maps:fragment"),
        # At the national view the list, not a table of the largest few, stands in for them.
        "table": None if drawing.places.thinned or len(markers) > TABLE_MAX_ROWS else markers,
        "area_table": coloured if len(coloured) <= TABLE_MAX_ROWS else None,
        "state_table": drawing.areas.by_state(),
        "table_max_rows": TABLE_MAX_ROWS,
        "list_url": _with_query(reverse("cities:list"), without_as_of.urlencode()),
        "geojson_url": _with_query(reverse("maps:geojson"), request.GET.urlencode()),
    }
    context |= {"drawn_key": drawn_key(context), "drawn_seconds": DRAWN_SECONDS}
    return render(request, template, context)


# What the map's figure and what lies below it (maps/_figure.html, maps/_below.html) show
# beside the drawing; the rest of their context is derived from these.
DRAWN_FROM = ("as_of", "table", "area_table", "list_url", "geojson_url")


def drawn_key(context: dict) -> str:
    """The key the map and its tables are kept under once drawn. Drawing the markers, the
    counties and the tables took half the page's time without the page cache."""
    return context["map"].digest(*(context[name] for name in DRAWN_FROM))


def _cached(filterset: MapFilter, context: str, kind: str, compute, *, may_lag: bool = False):
    return filterset.cached(f"map:{kind}:{context}", compute, may_lag=may_lag)


def map_fragment(request):
    """/map/fragment/: the filters and the map of /map/ with the same query, for the slider."""
    return map_page(request, fragment=True)


def map_geojson(request):
    """/map/data.geojson: the map's jurisdictions, same filters; bad filters give a JSON 400."""
    depends_on(request, *PLACE_LISTS)
    filterset = MapFilter(request.GET, queryset=map_queryset(), request=request)
    if not filterset.is_valid():
        return JsonResponse(
            {"errors": [error.as_json() for error in filter_errors(filterset.form)]},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    collection = feature_collection(
        filterset.qs, absolute=request.build_absolute_uri, as_of=filterset.as_of_day()
    )
    response = JsonResponse(
        collection, content_type=GEOJSON_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = 'inline; filename="sanctuary-tracker-map.geojson"'
    return response


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path
