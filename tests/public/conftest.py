import csv
import io
import json

import pytest

from tests import factories


def rows_of(response) -> list:
    """The rows of the list the reader sees on this page."""
    return list(response.context["object_list"])


def names(response) -> list[str]:
    return [j.name for j in rows_of(response)]


def text(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def json_rows(response) -> list[dict]:
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def many_places(db):
    """`many_places(n)`: n places in Texas, each with one published statement and a stance."""

    def make(n: int, *, state="TX"):
        places = []
        for i in range(n):
            place = factories.JurisdictionFactory(name=f"Town {i:03d}", state=state)
            factories.StatementFactory(jurisdiction=place)
            places.append(place)
        return places

    return make
