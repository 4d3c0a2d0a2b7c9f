"""What readers see after publication: correction notes, retraction notices, the changes page and
its feed; retracted records in no list, count, download or feed."""

import csv
import io
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from statements import services
from tests.factories import PublishedStanceFactory, StatementFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_a_retracted_statements_permalink_shows_the_notice_and_the_struck_quote(
    client, published_statement
):
    services.statement_retract(
        statement=published_statement, reason="The mayor never said this; we misattributed it."
    )
    response = client.get(published_statement.get_absolute_url())

    assert response.status_code == 200
    html = text(response)
    assert '<meta name="robots" content="noindex">' in html
    day = timezone.localtime(published_statement.retracted_at)
    assert f'Retracted on <time datetime="{day:%Y-%m-%d}">{day:%B %-d, %Y}</time>' in html
    assert "The mayor never said this; we misattributed it." in html
    assert "<del>We will not help with these raids.</del>" in html
    assert "<p>We will not help with these raids.</p>" not in html


def test_a_draft_statements_permalink_is_still_not_found(client, draft_statement):
    assert client.get(draft_statement.get_absolute_url()).status_code == 404


def test_a_published_statements_permalink_is_indexed_and_shows_its_corrections(
    client, published_statement
):
    services.statement_correct(
        statement=published_statement,
        changes={"quote": "We will not help with any raids."},
        note="The quote read “these raids”.",
    )
    html = text(client.get(published_statement.get_absolute_url()))
    assert "noindex" not in html
    assert "<p>We will not help with any raids.</p>" in html
    correction = published_statement.corrections.get()
    day = timezone.localtime(correction.corrected_at)
    assert (
        f'Corrected on <time datetime="{day:%Y-%m-%d}">{day:%B %-d, %Y}</time>:</strong> ' in html
    )
    assert "The quote read “these raids”." in html


def test_the_jurisdiction_page_shows_a_stances_correction(client, gotham, published_stance):
    services.stance_correct(
        stance=published_stance,
        changes={"summary": "No detainers honoured."},
        note="Summary added.",
    )
    html = text(client.get(gotham.get_absolute_url()))
    assert "Corrected on" in html and "Summary added." in html
    assert "No detainers honoured." in html


def test_retracted_records_leave_every_list_count_download_and_feed(
    client, gotham, published_statement, published_stance
):
    kept = StatementFactory(jurisdiction=gotham, quote="A statement that stands.")
    services.statement_retract(statement=published_statement, reason="Misattributed.")
    services.stance_retract(stance=published_stance, reason="Wrong city.")
    quote = "We will not help with these raids."

    statements = client.get(reverse("statements:list"))
    assert [s.pk for s in statements.context["object_list"]] == [kept.pk]
    assert quote not in text(client.get(reverse("statements:list"), {"format": "csv"}))
    assert quote not in text(client.get(reverse("statements:list"), {"format": "json"}))
    assert quote not in text(client.get(reverse("statements:feed")))
    assert quote not in text(client.get(reverse("cities:home")))

    city = client.get(gotham.get_absolute_url())
    assert quote not in text(city)
    assert list(city.context["timeline"]) == []
    gotham.refresh_from_db()
    assert gotham.stance_level == "unknown"
    cities = client.get(reverse("cities:list"), {"format": "csv"})
    rows = csv.DictReader(io.StringIO(text(cities).lstrip("\ufeff")))
    assert [r["statement_count"] for r in rows if r["slug"] == "gotham-nj"] == ["1"]
    listed = client.get(reverse("cities:list"))
    assert [j.statement_count for j in listed.context["object_list"] if j.pk == gotham.pk] == [1]


@pytest.fixture
def history_of_changes(gotham, published_statement, published_stance):
    """A correction (oldest), a stance retraction, then a statement retraction (newest)."""
    services.statement_correct(
        statement=StatementFactory(jurisdiction=gotham, quote="Kept, corrected."),
        changes={"summary": "With a summary."},
        note="Added the summary.",
    )
    services.stance_retract(stance=published_stance, reason="The policy was never adopted.")
    services.statement_retract(statement=published_statement, reason="Misattributed.")
    # A correction of a record now back in draft is no longer public.
    hidden = StatementFactory(jurisdiction=gotham, quote="Later unpublished.")
    services.statement_correct(statement=hidden, changes={"summary": "x"}, note="Hidden note.")
    services.statements_unpublish(statements=[hidden])


def test_the_changes_page_lists_corrections_and_retractions_newest_first(
    client, history_of_changes, published_statement, gotham
):
    response = client.get(reverse("statements:changes"))
    entries = response.context["changes"]

    assert [(c.kind, c.note) for c in entries] == [
        ("Retraction", "Misattributed."),
        ("Retraction", "The policy was never adopted."),
        ("Correction", "Added the summary."),
    ]
    assert entries[0].url == published_statement.get_absolute_url()
    assert entries[1].url == gotham.get_absolute_url()
    html = text(response)
    assert "Hidden note." not in html
    assert 'type="application/atom+xml"' in html


def test_the_changes_page_is_paginated_and_a_bad_page_is_not_found(client, gotham, settings):
    for n in range(3):
        services.statement_correct(
            statement=StatementFactory(jurisdiction=gotham, quote=f"Quote {n}"),
            changes={"summary": f"Summary {n}"},
            note=f"Note {n}",
        )
    from public.claims import views

    views.CHANGES_PER_PAGE, saved = 2, views.CHANGES_PER_PAGE
    try:
        first = client.get(reverse("statements:changes"))
        second = client.get(reverse("statements:changes"), {"page": 2})
        bad = client.get(reverse("statements:changes"), {"page": "nine"})
    finally:
        views.CHANGES_PER_PAGE = saved
    assert [c.note for c in first.context["changes"]] == ["Note 2", "Note 1"]
    assert [c.note for c in second.context["changes"]] == ["Note 0"]
    assert "Next page" in text(first)
    assert bad.status_code == 404 and "There is no page “nine” of changes" in text(bad)


def test_the_changes_feed_is_atom_with_the_same_entries(client, history_of_changes):
    response = client.get(reverse("statements:changes_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")]
    assert len(titles) == 3
    assert titles[0].startswith("Retraction: ")
    assert titles[2].startswith("Correction: ")
    summaries = [e.find(f"{ATOM}summary").text for e in feed.iter(f"{ATOM}entry")]
    assert summaries[2].endswith(": Added the summary.")
    assert "Hidden note." not in response.content.decode()


def test_the_changes_page_says_when_there_is_nothing_yet(client, db):
    response = client.get(reverse("statements:changes"))
    assert "No published record has been corrected or retracted yet." in text(response)


@pytest.mark.parametrize("n", [2, 12])
def test_the_changes_page_reads_a_bounded_number_of_queries(
    client, gotham, n, django_assert_max_num_queries
):
    for i in range(n):
        statement = StatementFactory(jurisdiction=gotham, quote=f"Quote {i}")
        services.statement_correct(statement=statement, changes={"summary": "s"}, note=f"N{i}")
        services.stance_retract(
            stance=PublishedStanceFactory(
                jurisdiction=gotham, effective_from=f"2019-01-{i + 1:02d}"
            ),
            reason=f"R{i}",
        )
    # The page's count, the page, corrections, retracted stances (statements: none retracted).
    with django_assert_max_num_queries(5):
        response = client.get(reverse("statements:changes"))
    assert len(response.context["changes"]) == 2 * n
