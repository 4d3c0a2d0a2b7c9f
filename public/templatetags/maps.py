"""`{% load maps %}{% us_map %}`: the small map for other pages (the home page)."""

from django import template
from django.urls import reverse

from public.maps.stances import with_published_records, with_stance_on
from public.maps.svg import VIEW_BOX, map_data, render_markers, render_outlines, render_symbols

register = template.Library()

SMALL_MARKER_SIZE = 16


@register.inclusion_tag("maps/_small_map.html")
def us_map(jurisdictions=None, *, small: bool = True, map_id: str = "home-map"):
    """The map of `jurisdictions` (default: every one with published records), current stances.

    One query. Each marker links to its place; the legend counts each stance and the figure
    links to the full map at /map/. Only places with published records are drawn.
    """
    from cities.models import Jurisdiction

    queryset = Jurisdiction.objects.all() if jurisdictions is None else jurisdictions
    data = map_data(with_stance_on(with_published_records(queryset), None))
    prefix = "h" if small else "m"
    return {
        "map": data,
        "legend": data.legend(),
        "view_box": VIEW_BOX,
        "outlines": render_outlines(),
        "symbols": render_symbols(prefix=prefix, size=SMALL_MARKER_SIZE if small else 10),
        "markers": render_markers(data.markers, prefix=prefix),
        "marker_count": len(data.markers),
        "map_id": map_id,
        "small": small,
        "map_url": reverse("maps:map"),
    }
