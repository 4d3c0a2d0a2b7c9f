"""With every county loaded and shaded and 20,000 places, the map stays a bounded number of
queries and a download within its budget."""

import datetime
import gzip
import random
import re

import pytest
from django.urls import reverse

from cities.counties import atlas_rows, jurisdictions_import_counties
from cities.models import Jurisdiction, JurisdictionLevel, Official, StanceLevel, State
from public.maps.outlines import counties, county_fips
from public.maps.views import NATIONAL_MARKERS
from statements.models import Stance, Statement, Status

from .helpers import (
    FORM_QUERIES,
    NARROWED_MAP_QUERIES,
    NATIONAL_MAP_QUERIES,
    areas,
    legend_counts,
    markers,
)

pytestmark = pytest.mark.django_db

JURISDICTIONS = 20_000
# The budget of /map/ gzipped, with every county drawn and shaded: measured 200 KB (the county
# outlines 123 KB, the shaded counties' links 50 KB, 250 markers, the filters and the legend).
GZIP_BUDGET_BYTES = 400 * 1024
LEVELS = [StanceLevel.REFUSES, StanceLevel.LIMITED, StanceLevel.COOPERATES, StanceLevel.UNKNOWN]
SHADED = LEVELS[:3]
# The places built "unknown" have no stance on record: the map says "not recorded".
LEGEND = {
    **dict.fromkeys(SHADED, JURISDICTIONS // 4),
    "unknown": 0,
    "not_recorded": JURISDICTIONS // 4,
}


def build(count: int) -> None:
    """`count` jurisdictions across the lower 48, each with a published statement and stance."""
    rng = random.Random(4)
    states = [s for s in State.values if s not in {"AK", "HI", "PR", "GU", "VI", "AS", "MP"}]
    jurisdictions = Jurisdiction.objects.bulk_create(
        Jurisdiction(
            name=f"Town {index}",
            state=rng.choice(states),
            slug=f"town-{index}",
            latitude=round(rng.uniform(30, 47), 5),
            longitude=round(rng.uniform(-120, -75), 5),
            population=rng.randint(1_000, 100_000),
            stance_level=LEVELS[index % 4],
        )
        for index in range(count)
    )
    official = Official.objects.create(name="Spokesperson")
    Statement.objects.bulk_create(
        Statement(
            jurisdiction=j,
            official=official,
            said_on=datetime.date(2019, 6, 21),
            medium="press_statement",
            quote="We will not help.",
            status=Status.PUBLISHED,
        )
        for j in jurisdictions
    )
    Stance.objects.bulk_create(
        Stance(
            jurisdiction=j,
            level=j.stance_level,
            effective_from=datetime.date(2019, 1, 1),
            status=Status.PUBLISHED,
        )
        for j in jurisdictions
        if j.stance_level != StanceLevel.UNKNOWN
    )


def shade_every_county() -> int:
    """Load every state and county and give each county a published stance: the heaviest map.
    Returns the number of those the map draws (not American Samoa's, the Northern Marianas' or
    the Virgin Islands')."""
    jurisdictions_import_counties(rows=atlas_rows())
    county_list = list(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY))
    for index, county in enumerate(county_list):
        county.stance_level = SHADED[index % 3]
    Jurisdiction.objects.bulk_update(county_list, ["stance_level"], batch_size=1000)
    Stance.objects.bulk_create(
        Stance(
            jurisdiction=county,
            level=county.stance_level,
            effective_from=datetime.date(2019, 1, 1),
            status=Status.PUBLISHED,
        )
        for county in county_list
    )
    return sum(county.geoid in county_fips() for county in county_list)


def test_the_national_map_with_every_county_shaded_is_within_budget_on_any_day(
    client, django_assert_max_num_queries
):
    build(JURISDICTIONS)
    shaded = shade_every_county()

    with django_assert_max_num_queries(NATIONAL_MAP_QUERIES + FORM_QUERIES):
        response = client.get(reverse("maps:map"), headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    compressed = len(response.content)
    html = gzip.decompress(response.content)
    print(
        f"/map/ with every county and {JURISDICTIONS:,} places: {len(html):,} bytes, "
        f"{compressed:,} gzipped"
    )
    assert compressed <= GZIP_BUDGET_BYTES
    response.content = html  # for the helpers, which read the page
    # Every county drawn, every one with a stance shaded; the places thinned out.
    assert html.count(b'<path id="c') == len(counties())
    county_counts = legend_counts(response, "counties")
    assert sum(county_counts[level] for level in SHADED) == shaded
    assert sum(area.shape.startswith("c") for area in areas(response).values()) == shaded
    assert len(markers(response)) == NATIONAL_MARKERS
    assert legend_counts(response) == LEGEND
    # Each marker: a one-letter symbol and coordinates to one decimal.
    uses = re.findall(rb'<use href="#m-\w" x="([-\d.]+)" y="([-\d.]+)"/>', html)
    assert len(uses) == NATIONAL_MARKERS
    assert all(re.fullmatch(rb"-?\d+(\.\d)?", c) for pair in uses for c in pair)

    # As of a day: the timeline is read in the same queries as today's stances.
    with django_assert_max_num_queries(NATIONAL_MAP_QUERIES + FORM_QUERIES):
        before = client.get(reverse("maps:map"), {"as_of": "2018-12-31"})
    with django_assert_max_num_queries(NATIONAL_MAP_QUERIES + FORM_QUERIES):
        after = client.get(reverse("maps:map"), {"as_of": "2019-01-01"})

    assert legend_counts(before) == {
        "refuses": 0,
        "limited": 0,
        "cooperates": 0,
        "unknown": 0,
        "not_recorded": JURISDICTIONS,
    }
    assert areas(before) == {}
    assert legend_counts(after) == LEGEND
    assert len(areas(after)) == shaded


def test_a_state_of_the_20000_places_marks_every_one_of_them(client, django_assert_max_num_queries):
    build(JURISDICTIONS)

    with django_assert_max_num_queries(NARROWED_MAP_QUERIES + FORM_QUERIES):
        response = client.get(reverse("maps:map"), {"state": "IL"})

    expected = Jurisdiction.objects.filter(state="IL").count()
    assert len(markers(response)) == expected > NATIONAL_MARKERS
