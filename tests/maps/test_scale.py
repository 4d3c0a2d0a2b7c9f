"""With 20,000 jurisdictions the map stays a bounded number of queries and a small download."""

import datetime
import gzip
import random
import re

import pytest
from django.urls import reverse

from cities.models import Jurisdiction, Official, StanceLevel, State
from statements.models import Stance, Statement, Status

from .helpers import legend_counts, markers

pytestmark = pytest.mark.django_db

JURISDICTIONS = 20_000
# The gzipped page, 20,000 markers each a link with its description: measured 338 KB.
GZIP_BUDGET_BYTES = 450_000
LEVELS = [StanceLevel.REFUSES, StanceLevel.LIMITED, StanceLevel.COOPERATES, StanceLevel.UNKNOWN]


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


def test_map_of_20000_places_is_bounded_in_queries_and_small_gzipped_on_any_day(
    client, django_assert_max_num_queries
):
    build(JURISDICTIONS)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("maps:map"), headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    compressed = len(response.content)
    html = gzip.decompress(response.content)
    print(f"/map/ with {JURISDICTIONS:,} places: {len(html):,} bytes, {compressed:,} gzipped")
    assert compressed < GZIP_BUDGET_BYTES
    response.content = html  # for the helpers, which read the page
    assert len(markers(response)) == JURISDICTIONS
    assert legend_counts(response) == dict.fromkeys(LEVELS, JURISDICTIONS // 4)
    # Each marker: a one-letter symbol and coordinates to one decimal.
    uses = re.findall(rb'<use href="#m-\w" x="([-\d.]+)" y="([-\d.]+)"/>', html)
    assert len(uses) == JURISDICTIONS
    assert all(re.fullmatch(rb"-?\d+(\.\d)?", c) for pair in uses for c in pair)

    # As of a day: the timeline is read in the same one query as the markers.
    with django_assert_max_num_queries(7):
        before = client.get(reverse("maps:map"), {"as_of": "2018-12-31"})
    with django_assert_max_num_queries(7):
        after = client.get(reverse("maps:map"), {"as_of": "2019-01-01"})

    assert legend_counts(before) == {
        "refuses": 0,
        "limited": 0,
        "cooperates": 0,
        "unknown": JURISDICTIONS,
    }
    assert legend_counts(after) == dict.fromkeys(LEVELS, JURISDICTIONS // 4)
