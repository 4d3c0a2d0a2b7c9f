"""Arbitrary query strings and path segments on every public URL: never a 5xx, always a response
its format can parse (HTML with a title, JSON, CSV, Atom).

`make test` runs a few examples per test (profile "ci"); `make fuzz` runs many more.
"""

import csv
import io
import json
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from public.claims.filters import StatementFilter
from public.maps.filters import MapFilter
from public.places.filters import JurisdictionFilter
from tests.security.inert import live_problems, parse_html

FILTER_NAMES = sorted(
    {*JurisdictionFilter.base_filters, *StatementFilter.base_filters, *MapFilter.base_filters}
    | {"page", "format"}
)

LIST_URLS = ["/", "/cities/", "/statements/", "/statements/feed/", "/map/", "/map/data.geojson"]

# Values that have broken parsers before: huge and negative numbers, odd dates, control
# characters, lone surrogates' UTF-8 look-alikes, very long text.
EDGE_VALUES = [
    "",
    "0",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2019-02-30",
    "0000-00-00",
    "9999-12-31",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "%",
    "%%",
    "' OR 1=1 --",
    '"',
    "a" * 5000,
    "csv",
    "json",
    "html",
    "relevance",
    "IL",
    "refuses",
    "chicago-il",
]

values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(EDGE_VALUES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
keys = st.one_of(st.sampled_from(FILTER_NAMES), st.text(max_size=12))
query_pairs = st.lists(st.tuples(keys, values), max_size=8)
raw_query = st.binary(max_size=80).map(lambda b: quote(b, safe="=&+;"))


def assert_well_formed(response, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if response.status_code in (301, 302, 304):
        return
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8")
    content_type = response["Content-Type"].split(";")[0]
    if content_type == "text/html":
        page = parse_html(body)
        assert page.title.strip(), f"{where}: no <title>"
        assert live_problems(page) == [], where
    elif content_type in ("application/json", "application/geo+json"):
        json.loads(body)
    elif content_type == "text/csv":
        rows = list(csv.reader(io.StringIO(body)))
        assert rows and rows[0], f"{where}: CSV without a header"
    elif content_type == "application/atom+xml":
        root = ElementTree.fromstring(body)
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    elif content_type == "text/plain":
        assert response.status_code == 400 and body.strip(), where
    else:
        pytest.fail(f"{where}: unexpected content type {content_type}")


@pytest.fixture
def site(seeded):
    """The seed's records, and a client made here (Hypothesis calls the test many times)."""
    return Client()


@pytest.mark.parametrize("url", LIST_URLS)
@given(pairs=query_pairs)
@example(pairs=[("page", "99999999999999999999")])
@example(pairs=[("q", "\x00"), ("city", "\x00")])
@example(pairs=[("as_of", "0001-01-01"), ("said_after", "9999-12-31")])
def test_any_query_string_gets_a_well_formed_answer(site, url, pairs):
    query = urlencode(pairs)
    response = site.get(f"{url}?{query}")
    assert_well_formed(response, f"{url}?{query}")


@pytest.mark.parametrize("url", ["/cities/", "/statements/", "/map/data.geojson"])
@given(raw=raw_query)
def test_any_raw_bytes_in_the_query_string_get_a_well_formed_answer(site, url, raw):
    response = site.get(f"{url}?{raw}")
    assert_well_formed(response, f"{url}?{raw}")


@pytest.mark.parametrize("url", ["/cities/", "/statements/"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
@given(pairs=query_pairs)
def test_any_filters_on_a_download_get_a_file_or_a_400(site, url, fmt, pairs):
    query = urlencode([*pairs, ("format", fmt)])
    response = site.get(f"{url}?{query}")
    assert_well_formed(response, f"{url}?{query}")


segments = st.one_of(
    st.text(min_size=1, max_size=40),
    st.from_regex(r"\A[-a-z0-9_]{1,60}\Z"),
    st.integers(min_value=0, max_value=10**30).map(str),
    st.sampled_from(["chicago-il", "1", "0", "-1", "..", ".", "%00", "a" * 3000]),
)

DETAIL_PATTERNS = [
    "/cities/{}/",
    "/officials/{}/",
    "/statements/{}/",
    "/events/{}/",
    "/map/{}",
    "/{}/",
    "/statements/feed/{}",
]


@pytest.mark.parametrize("pattern", DETAIL_PATTERNS)
@given(segment=segments)
def test_any_path_segment_gets_a_well_formed_answer(site, pattern, segment):
    path = pattern.format(quote(segment, safe=""))
    response = site.get(path)
    assert_well_formed(response, path)


def test_the_fuzzed_filter_names_are_the_real_ones():
    assert {"q", "city", "state", "stance", "as_of", "said_after", "page", "format"} <= set(
        FILTER_NAMES
    )
    assert reverse("maps:geojson") in LIST_URLS
