"""A list draws each row once and reuses it on every page that lists it, until something the row
shows changes: an edited quote, a renamed speaker, a new source, a place's new stance. Measured
with the page cache off, so that every request renders its page."""

import datetime

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities.models import StanceLevel
from statements.models import Statement
from tracker import fragments
from tracker.models import Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]


def rows_drawn(client, drawn, url, row="statements/_row.html") -> tuple[int, str]:
    del drawn[:]
    response = client.get(url)
    assert response.status_code == 200
    return drawn.count(row), response.content.decode()


STATEMENTS = reverse("statements:list")


def test_a_second_reader_gets_every_row_without_drawing_it(client, drawn, three_said):
    assert rows_drawn(client, drawn, STATEMENTS)[0] == 3
    count, page = rows_drawn(client, drawn, STATEMENTS)
    assert count == 0
    assert all(f"Quote number {n}." in page for n in (1, 2, 3))


def test_a_filtered_list_reuses_the_rows_of_the_whole_list(client, drawn, three_said):
    rows_drawn(client, drawn, STATEMENTS)
    count, page = rows_drawn(client, drawn, STATEMENTS + "?state=WA")
    assert count == 0
    assert "Quote number 2." in page


def test_an_edited_quote_redraws_that_row_only(client, drawn, three_said):
    rows_drawn(client, drawn, STATEMENTS)
    statement = three_said[1]
    statement.quote = "An edited quote."
    statement.save()

    count, page = rows_drawn(client, drawn, STATEMENTS)
    assert count == 1
    assert "An edited quote." in page
    assert "Quote number 2." not in page


def test_a_renamed_speaker_shows_in_the_rows_of_their_statements(client, drawn, three_said):
    rows_drawn(client, drawn, STATEMENTS)
    official = three_said[0].official
    official.name = "Renamed Speaker"
    official.save()

    count, page = rows_drawn(client, drawn, STATEMENTS)
    assert count == 1
    assert "Renamed Speaker" in page


def test_a_source_added_to_a_statement_shows_in_its_row(client, drawn, three_said, source_factory):
    rows_drawn(client, drawn, STATEMENTS)
    three_said[2].sources.add(source_factory(publisher="A Newly Cited Paper"))

    count, page = rows_drawn(client, drawn, STATEMENTS)
    assert count == 1
    assert "A Newly Cited Paper" in page


def test_an_unpublished_statement_leaves_the_list_and_the_others_are_reused(
    client, drawn, three_said
):
    rows_drawn(client, drawn, STATEMENTS)
    unpublished = three_said[0]
    unpublished.status = Status.DRAFT
    unpublished.save()

    count, page = rows_drawn(client, drawn, STATEMENTS)
    assert count == 0
    assert "Quote number 1." not in page


def test_rows_are_kept_per_language(client, drawn, three_said):
    rows_drawn(client, drawn, STATEMENTS)
    count, page = rows_drawn(client, drawn, "/es" + STATEMENTS)
    assert count == 3
    assert 'data-label="Fecha"' in page
    assert rows_drawn(client, drawn, STATEMENTS)[0] == 0


def test_a_place_page_and_the_list_keep_their_own_rows(client, drawn, three_said):
    """The list shows each statement's sources and the place page does not: not one row."""
    rows_drawn(client, drawn, STATEMENTS)
    count, page = rows_drawn(client, drawn, three_said[0].jurisdiction.get_absolute_url())
    assert count == 3
    assert "Publisher 1" not in page


def test_a_place_with_a_new_stance_is_redrawn_in_the_list_of_places(
    client, drawn, jurisdiction_factory, stance_factory, source_factory
):
    tacoma = jurisdiction_factory(name="Tacoma", state="WA")
    jurisdiction_factory(name="Spokane", state="WA")
    places = reverse("cities:list")
    assert rows_drawn(client, drawn, places, "cities/_row.html")[0] == 2

    # The stance level of the place is kept by an UPDATE that leaves its version alone.
    stance_factory(
        jurisdiction=tacoma,
        level=StanceLevel.REFUSES,
        effective_from=datetime.date(2025, 1, 20),
        sources=[source_factory()],
        status=Status.PUBLISHED,
    )

    count, page = rows_drawn(client, drawn, places, "cities/_row.html")
    assert count == 1
    assert "stance--refuses" in page


def test_a_new_statement_redraws_its_place_in_the_list_of_places(
    client, drawn, three_said, statement_factory
):
    places = reverse("cities:list")
    rows_drawn(client, drawn, places, "cities/_row.html")
    statement_factory(jurisdiction=three_said[0].jurisdiction, quote="A fourth.")

    count, page = rows_drawn(client, drawn, places, "cities/_row.html")
    assert count == 1
    assert ">4<" in page.replace(" ", "")


def test_the_state_of_a_listed_statement_is_read_without_a_query(
    three_said, django_assert_num_queries
):
    statement = Statement.objects.for_list().with_sources().get(pk=three_said[0].pk)
    with django_assert_num_queries(0):
        state = fragments.loaded_state(statement)
    assert "Quote number 1." in state
    assert any("Publisher 1" in repr(part) for part in state)


def test_a_new_release_draws_every_row_again(client, drawn, three_said, monkeypatch):
    rows_drawn(client, drawn, STATEMENTS)
    monkeypatch.setattr(fragments, "release", lambda: "the-next-release")
    assert rows_drawn(client, drawn, STATEMENTS)[0] == 3


def test_the_release_changes_with_a_template(settings, tmp_path):
    (tmp_path / "row.html").write_text("<tr><td>{{ one }}</td></tr>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    fragments.release.cache_clear()
    try:
        before = fragments.release()
        (tmp_path / "row.html").write_text("<tr><td>{{ two }}</td></tr>")
        fragments.release.cache_clear()
        assert fragments.release() != before
    finally:
        fragments.release.cache_clear()


def test_without_a_cache_every_row_is_drawn_and_shown(client, drawn, three_said, monkeypatch):
    # The shared cache finds nothing (Redis is gone) and this process keeps nothing either.
    monkeypatch.setattr(cache, "get_many", lambda keys, version=None: {})
    monkeypatch.setattr(caches["versioned"], "max_bytes", 0)
    rows_drawn(client, drawn, STATEMENTS)
    count, page = rows_drawn(client, drawn, STATEMENTS)
    assert count == 3
    assert "Quote number 3." in page


def test_a_place_pages_officials_are_drawn_once_until_one_is_renamed(
    client, drawn, jurisdiction_factory, official_factory, role_factory
):
    tacoma = jurisdiction_factory(name="Tacoma", state="WA")
    mayor = official_factory(name="Victoria Woodards")
    role_factory(official=mayor, jurisdiction=tacoma, title="Mayor")
    role_factory(official=official_factory(name="Avery Moore"), jurisdiction=tacoma, title="Chief")
    url = tacoma.get_absolute_url()
    assert rows_drawn(client, drawn, url, "cities/_role_item.html")[0] == 2
    assert rows_drawn(client, drawn, url, "cities/_role_item.html")[0] == 0

    mayor.name = "Victoria R. Woodards"
    mayor.save()

    count, page = rows_drawn(client, drawn, url, "cities/_role_item.html")
    assert count == 1
    assert "Victoria R. Woodards</a>, Mayor" in page
    assert "Avery Moore</a>, Chief" in page


def test_a_place_page_asked_again_reads_no_role_until_one_is_added(
    client, jurisdiction_factory, official_factory, role_factory
):
    tacoma = jurisdiction_factory(name="Tacoma", state="WA")
    role_factory(official=official_factory(name="Victoria Woodards"), jurisdiction=tacoma)
    url = tacoma.get_absolute_url()

    def roles_read() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        return sum('FROM "cities_role"' in q["sql"] for q in queries), page

    assert roles_read()[0] == 1
    assert roles_read()[0] == 0

    role_factory(official=official_factory(name="Avery Moore"), jurisdiction=tacoma, title="Chief")

    read, page = roles_read()
    assert read == 1
    assert "Avery Moore</a>, Chief" in page
    assert "Victoria Woodards</a>" in page
