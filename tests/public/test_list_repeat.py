"""A list asked again while nothing it shows has changed is answered from what its first
reader left: the page's rows by their ids and digests, the filters with their counts, without a
query, with the page cache off. A change it can show is there on the next request; the reader
never sees a list older than the page cache would give."""

import re

import django_filters
import pytest
from django.db import connection
from django.http import QueryDict
from django.template import Context, engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public.claims.filters import StatementFilter
from public.facets import FacetedFilterSet
from statements.models import Statement
from tracker.fragments import KnownRows, by_pk, rendered_rows, row_key
from tracker.local_first import versioned_cache
from tracker.models import Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]

STATEMENTS = reverse("statements:list")
PLACES = reverse("cities:list")
FILTERS = "includes/filter_details.html"


def get(client, drawn, url, status=200) -> str:
    del drawn[:]
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def facet_count(page: str, facet: str, value: str) -> int:
    """The count drawn beside one option of a facet in the filters."""
    found = re.search(
        rf'name="{facet}" value="{value}"[^>]*>[^<]*<span class="count">\((\d+)\)', page
    )
    assert found, f"no {facet}={value} option in the filters"
    return int(found.group(1))


@pytest.mark.parametrize("url", [STATEMENTS + "?state=WA", PLACES + "?state=WA"])
def test_a_second_reader_of_a_list_costs_no_query(
    client, drawn, three_said, django_assert_num_queries, url
):
    first = get(client, drawn, url)

    with django_assert_num_queries(0):
        again = get(client, drawn, url)

    assert again == first
    assert "Tacoma" in again


def test_the_filters_are_drawn_once_until_a_change_the_list_shows(
    client, drawn, three_said, statement_factory
):
    url = STATEMENTS + "?state=WA"
    get(client, drawn, url)
    assert FILTERS in drawn
    page = get(client, drawn, url)
    assert FILTERS not in drawn
    assert 'value="WA" checked' in page
    assert facet_count(page, "state", "WA") == 3

    statement_factory(jurisdiction=three_said[0].jurisdiction, quote="A fourth word.")

    page = get(client, drawn, url)
    assert FILTERS in drawn
    assert "A fourth word." in page
    assert facet_count(page, "state", "WA") == 4


def test_the_filters_are_kept_per_filters_sort_and_language(client, drawn, three_said):
    get(client, drawn, STATEMENTS)
    for other in ("?state=WA", "?sort=oldest", "?state=WA&sort=oldest"):
        get(client, drawn, STATEMENTS + other)
        assert FILTERS in drawn, other
    page = get(client, drawn, "/es" + STATEMENTS)
    assert FILTERS in drawn
    assert "Filtrar declaraciones" in page
    assert get(client, drawn, STATEMENTS + "?sort=oldest").count('value="oldest" selected') == 1


def test_filters_in_error_are_drawn_every_time(client, drawn, three_said):
    for _ in range(2):
        page = get(client, drawn, STATEMENTS + "?said_after=2025-02-30", status=400)
        assert FILTERS in drawn
        assert '<details class="filter-disclosure" open>' in page


def test_an_unpublished_statement_leaves_a_list_its_first_reader_kept(client, drawn, three_said):
    get(client, drawn, STATEMENTS)
    withdrawn = three_said[1]
    withdrawn.status = Status.DRAFT
    withdrawn.save()

    page = get(client, drawn, STATEMENTS)

    assert "Quote number 2." not in page
    assert "Quote number 1." in page and "Quote number 3." in page


QUOTE = engines["django"].from_string("<p>{{ statement.quote }}</p>").template


def test_known_rows_load_only_the_records_whose_rows_are_not_stored(three_said):
    records = list(Statement.objects.order_by("pk"))
    first = KnownRows.of(records, load=lambda pks: pytest.fail("every record is loaded"))
    rendered_rows(QUOTE, Context(), first, "statement")
    versioned_cache.delete(row_key(QUOTE.origin.template_name, first.digests[1], {}))
    asked = []

    def load(pks):
        asked.append(pks)
        return {r.pk: r for r in Statement.objects.filter(pk__in=pks)}

    html = rendered_rows(QUOTE, Context(), KnownRows(first.pks, first.digests, load), "statement")

    assert asked == [[records[1].pk]]
    assert html == "<p>Quote number 1.</p><p>Quote number 2.</p><p>Quote number 3.</p>"


def test_a_row_gone_since_its_page_was_kept_is_left_out(three_said):
    records = list(Statement.objects.order_by("pk"))
    first = KnownRows.of(records, load=lambda pks: {})
    rendered_rows(QUOTE, Context(), first, "statement")
    versioned_cache.delete(row_key(QUOTE.origin.template_name, first.digests[0], {}))

    html = rendered_rows(
        QUOTE, Context(), KnownRows(first.pks, first.digests, lambda pks: {}), "statement"
    )

    assert html == "<p>Quote number 2.</p><p>Quote number 3.</p>"


def test_a_row_read_again_is_stored_under_what_it_shows_now(three_said):
    records = list(Statement.objects.order_by("pk"))
    kept = KnownRows.of(records)
    Statement.objects.filter(pk=records[0].pk).update(quote="Edited since.")

    html = rendered_rows(
        QUOTE, Context(), KnownRows(kept.pks, kept.digests, by_pk(Statement.objects)), "statement"
    )

    assert html.startswith("<p>Edited since.</p>")
    now = KnownRows.of(list(Statement.objects.order_by("pk")))
    assert now.digests[0] != kept.digests[0]
    stored = versioned_cache.get(row_key(QUOTE.origin.template_name, now.digests[0], {}))
    assert stored == "<p>Edited since.</p>"


def statement_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    read = [q["sql"] for q in queries if 'FROM "statements_statement"' in q["sql"]]
    return len(read), response.content.decode()


@pytest.mark.parametrize("page", ["place", "speaker"])
def test_a_page_asked_again_shows_its_statements_without_reading_them(
    client, three_said, statement_factory, page
):
    said = three_said[0]
    url = (said.jurisdiction if page == "place" else said.official).get_absolute_url()
    assert statement_queries(client, url)[0] >= 1

    read, html = statement_queries(client, url)
    assert read == 0
    assert "Quote number 1." in html

    statement_factory(jurisdiction=said.jurisdiction, official=said.official, quote="Fourth.")
    read, html = statement_queries(client, url)
    assert read >= 1
    assert "Fourth." in html and "Quote number 1." in html


def test_a_second_reader_of_a_list_does_not_read_its_facets(client, drawn, three_said, monkeypatch):
    """The facets are read only to draw the filters, which the first reader left drawn."""
    get(client, drawn, STATEMENTS)
    read = []
    facet_list = FacetedFilterSet.facet_list
    monkeypatch.setattr(
        FacetedFilterSet, "facet_list", lambda self: read.append(self) or facet_list(self)
    )

    page = get(client, drawn, STATEMENTS)

    assert read == []
    assert "3 statements" in page
    assert '<span class="count">(3)</span>' in page


def test_a_list_with_no_place_chosen_filters_by_none(db, monkeypatch):
    """The places left out are an empty queryset: asking it whether it is empty would compile
    its SQL on every request, so it is not asked to filter at all."""
    monkeypatch.setattr(
        django_filters.ModelMultipleChoiceFilter,
        "filter",
        lambda *args: pytest.fail("the empty choice of places was asked to filter"),
    )
    filterset = StatementFilter(QueryDict("state=CA"), queryset=Statement.objects.all())

    assert "jurisdiction" in str(filterset.qs.query)  # filtered by state, not by place
    assert not filterset.form.cleaned_data["city"]


def test_every_request_builds_its_form_from_one_class_with_its_own_choices(db, role_factory):
    """The form class of a filter set is built once; the offices each request reads are its
    own, so an office first held since the last request is a choice at once."""
    role_factory(title="Mayor")
    before = StatementFilter(QueryDict("office=mayor"), queryset=Statement.objects.all())
    assert before.is_valid()
    assert not StatementFilter(
        QueryDict("office=sheriff"), queryset=Statement.objects.all()
    ).is_valid()

    role_factory(title="Sheriff")
    after = StatementFilter(QueryDict("office=sheriff"), queryset=Statement.objects.all())

    assert after.is_valid()
    assert type(after.form) is type(before.form)
    assert after.form.fields["office"] is not before.form.fields["office"]
    offices = [value for value, _ in after.form.fields["office"].choices if value]  # "" is any
    assert offices == ["mayor", "sheriff"]


@pytest.mark.parametrize("url", [STATEMENTS + "?state=WA", PLACES + "?state=WA&page=1"])
def test_a_second_reader_of_a_list_does_not_build_its_query(
    client, drawn, three_said, monkeypatch, url
):
    """Nor its filters' and annotations' query, which only reading the rows would need."""
    first = get(client, drawn, url)
    built = []
    qs = FacetedFilterSet.qs
    monkeypatch.setattr(
        FacetedFilterSet, "qs", property(lambda self: built.append(self) or qs.fget(self))
    )

    again = get(client, drawn, url)

    assert built == []
    assert again == first
