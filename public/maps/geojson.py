"""The map's jurisdictions as an RFC 7946 GeoJSON FeatureCollection."""

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from cities.models import JurisdictionLevel
from federal.models import Designation
from public.places.querysets import SHOWN_STANCE_LABELS

from .stances import MAP_STANCE, with_latest_statement


def feature_collection(
    queryset: QuerySet, *, absolute: Callable[[str], str], as_of: datetime.date | None
) -> dict:
    """A FeatureCollection of the jurisdictions that have coordinates, as Points ([lon, lat]).

    Two queries: the jurisdictions, and the outside designations in force that day (each
    feature lists them under `designations`, kept apart from our `stance`). `as_of` and the number
    left out for want of coordinates are foreign members of the collection, so a reader of the
    file knows which day's stances it holds.
    """
    rows = (
        with_latest_statement(queryset)
        .order_by("name", "state", "pk")
        .values_list(
            "pk",
            "slug",
            "name",
            "state",
            "level",
            MAP_STANCE,
            "latest_statement_on",
            "longitude",
            "latitude",
        )
    )
    placeholder = "slug-placeholder"
    before, after = absolute(reverse("cities:detail", kwargs={"slug": placeholder})).split(
        placeholder
    )
    stance_labels = SHOWN_STANCE_LABELS
    level_labels = dict(JurisdictionLevel.choices)
    features, without_coordinates = [], 0
    rows = list(rows)
    designations = designations_by_jurisdiction([row[0] for row in rows], as_of)
    for pk, slug, name, state, level, stance, latest, longitude, latitude in rows:
        if longitude is None or latitude is None:
            without_coordinates += 1
            continue
        features.append(
            {
                "type": "Feature",
                "id": slug,
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": {
                    "name": name,
                    "slug": slug,
                    "state": state,
                    "level": level,
                    "level_label": level_labels.get(level, level),
                    "stance": stance,
                    "stance_label": str(stance_labels.get(stance, stance)),
                    "url": f"{before}{slug}{after}",
                    "latest_statement": latest.isoformat() if latest else None,
                    "designations": designations.get(pk, []),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "as_of": (as_of or timezone.localdate()).isoformat(),
        "stances": "in force on as_of" if as_of else "current",
        "without_coordinates": without_coordinates,
        "features": features,
    }


def designations_by_jurisdiction(
    jurisdiction_ids: list[int], day: datetime.date | None
) -> dict[int, list[dict]]:
    """{jurisdiction id: its outside designations in force on `day` (today when None)}: one query."""
    return Designation.objects.in_force_on(day).summaries_by_jurisdiction(jurisdiction_ids)
