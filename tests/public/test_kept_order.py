"""While editors publish, a search's first pages are not ranked again from every match on each
change: the order kept is brought up to date from the statements changed since (PostgreSQL,
where a statement's rank is its own). What a reader sees is what ranking every match gives, after
any run of publishes, edits and unpublishes; any other kind of change ranks them all again."""

import datetime
import random
import time
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public import kept_order
from statements import services
from statements.models import Statement
from tests import factories
from tracker.page_tags import LISTS, STANCES, STATEMENTS, records_changed, tag_versions
from tracker.page_tags import tag_versions as real_tag_versions

pytestmark = pytest.mark.django_db

SEARCH = reverse("statements:list") + "?q=police"


def shown(client, page: int = 1) -> list[int]:
    response = client.get(SEARCH + f"&page={page}")
    assert response.status_code == 200
    return [statement.pk for statement in response.context["object_list"]]


def ranked(page: int = 1) -> list[int]:
    """What ranking every match now gives for the page."""
    matches = Statement.objects.published().search("police").values_list("pk", flat=True)
    return list(matches[(page - 1) * 50 : page * 50])


def make_best_match(statement: Statement) -> Statement:
    statement.quote = "police police police police police police"
    statement.save()
    return statement


def police_quote(rng: random.Random) -> str:
    # The more often the word, the higher the rank: many ties on rank, broken by day and id.
    return " ".join(["police"] * rng.randint(1, 4) + ["will", "not", "help"] * rng.randint(0, 3))


@pytest.fixture
def sixty_matches(jurisdiction_factory, official_factory):
    rng = random.Random(3)
    place, speaker = jurisdiction_factory(), official_factory()
    return [
        factories.StatementFactory(
            jurisdiction=place,
            official=speaker,
            quote=police_quote(rng),
            said_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 5)),
        )
        for _ in range(60)
    ]


@pytest.fixture
def sorting_again():
    with mock.patch.object(
        kept_order, "sorted_again", wraps=kept_order.sorted_again
    ) as sorted_again:
        yield sorted_again


# -- which records each version changed (both databases) ------------------------------------------
def test_a_statements_publish_and_edit_are_noted_under_the_versions_they_make(
    statement_factory,
):
    before = tag_versions([STATEMENTS])
    statement = statement_factory()
    statement.quote = "Edited words."
    statement.save()

    changed = records_changed(before, tag_versions([STATEMENTS]))

    assert changed == {"statements.statement": {statement.pk}}


def test_a_change_of_a_relation_names_no_single_record_so_nothing_is_brought_up_to_date(
    statement_factory, source_factory
):
    statement = statement_factory()
    before = tag_versions(LISTS)

    statement.sources.add(source_factory())

    assert records_changed(before, tag_versions(LISTS)) is None


def test_a_run_of_versions_too_long_to_read_is_not_brought_up_to_date():
    now = tag_versions([STATEMENTS])

    assert records_changed({STATEMENTS: now[STATEMENTS] - 1000}, now) is None


def test_a_stance_is_noted_as_a_stance(stance_factory):
    before = tag_versions([STANCES])
    stance = stance_factory()
    services.stance_publish(stance=stance)

    changed = records_changed(before, tag_versions([STANCES]))

    assert set(changed) == {"statements.stance"}


def test_a_list_reads_its_versions_before_its_first_query(client, statement_factory):
    # A request reads from the replica only if it holds every change made before the request's
    # first query (tracker/db_router.py): versions read later could name a change it lacks.
    said = statement_factory(quote="The police will not help.")
    # Filters whose form checks their values against the records before the list is read.
    filters = {"city": said.jurisdiction.slug, "official": said.official.slug}
    queries_before = []

    def versions_read(tags):
        queries_before.append(len(queries.captured_queries))
        return real_tag_versions(tags)

    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch("public.facets.tag_versions", side_effect=versions_read),
    ):
        response = client.get(SEARCH, filters)

    assert response.status_code == 200
    assert queries_before == [0]


# -- the search's order (PostgreSQL) ----------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.usefixtures("page_cache_off")
def test_any_run_of_publishes_edits_and_unpublishes_shows_what_ranking_every_match_gives(
    client, sixty_matches, sorting_again
):
    rng = random.Random(11)
    place, speaker = sixty_matches[0].jurisdiction, sixty_matches[0].official
    assert shown(client, 1) == ranked(1) and shown(client, 2) == ranked(2)
    assert sorting_again.call_count == 1  # page 2 reads the same kept order

    for step in range(25):
        published = list(Statement.objects.published().filter(jurisdiction=place))
        action = step % 5
        if action in (0, 1):
            factories.StatementFactory(
                jurisdiction=place,
                official=speaker,
                quote=police_quote(rng),
                said_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 5)),
            )
        elif action == 2:
            statement = rng.choice(published)
            statement.quote = police_quote(rng)
            statement.save()
        elif action == 3:
            statement = rng.choice(published)
            statement.quote = "Nothing about the word now."  # no longer a match
            statement.save()
        else:
            services.statements_unpublish(statements=[rng.choice(published)])

        assert shown(client, 1) == ranked(1), f"page 1 after step {step}"
        assert shown(client, 2) == ranked(2), f"page 2 after step {step}"

    assert sorting_again.call_count == 1


@pytest.mark.postgres
@pytest.mark.usefixtures("page_cache_off")
def test_a_brought_up_to_date_page_ranks_only_the_changed_statements(
    client, sixty_matches, sorting_again
):
    shown(client)
    statement = make_best_match(sixty_matches[-1])

    page = shown(client)

    assert page[0] == statement.pk
    assert sorting_again.call_count == 1


@pytest.mark.postgres
@pytest.mark.usefixtures("page_cache_off")
def test_any_other_change_ranks_every_match_again(
    client, sixty_matches, stance_factory, sorting_again
):
    shown(client)
    stance = stance_factory(jurisdiction=sixty_matches[0].jurisdiction)
    services.stance_publish(stance=stance)

    assert shown(client) == ranked()
    assert sorting_again.call_count == 2


@pytest.mark.postgres
@pytest.mark.usefixtures("page_cache_off")
def test_a_page_past_those_kept_is_ranked_as_before(client, sixty_matches, sorting_again):
    with mock.patch.object(kept_order, "KEPT_ROWS", 50):
        assert shown(client, 2) == ranked(2)

    assert sorting_again.call_count == 0


@pytest.mark.postgres
@pytest.mark.usefixtures("page_cache_off")
def test_when_fewer_rows_are_kept_than_match_a_change_near_the_end_sorts_again(
    client, sixty_matches, sorting_again
):
    with mock.patch.object(kept_order, "KEPT_ROWS", 55):
        shown(client, 1)
        # Every kept row but a few drops out of the search: the kept order no longer covers
        # the page, and what was never kept may now belong on it.
        for statement in Statement.objects.published().search("police")[5:55]:
            services.statements_unpublish(statements=[statement])

        assert shown(client, 1) == ranked(1)

    assert sorting_again.call_count == 2


@pytest.mark.postgres
@pytest.mark.usefixtures("page_cache_off")
def test_an_order_is_sorted_from_every_match_again_a_minute_after_it_last_was(
    client, sixty_matches, sorting_again
):
    shown(client)
    make_best_match(sixty_matches[0])
    now = time.time()

    with mock.patch("time.time", return_value=now + kept_order.SORTED_AGAIN_AFTER_SECONDS):
        assert shown(client) == ranked()

    assert sorting_again.call_count == 2


@pytest.mark.postgres
def test_an_order_kept_at_newer_versions_serves_a_request_that_read_older_ones(sixty_matches):
    rows = Statement.objects.published().search("police").order_by("-rank", "-said_on", "-id")
    ordering = kept_order.Ordering(("-rank", "-said_on", "-id"))
    versions = tag_versions(LISTS)
    newer = kept_order.sorted_again(rows, ordering, {t: v + 1 for t, v in versions.items()})

    order = kept_order.brought_up_to_date(newer, rows, ordering, versions, Statement)

    assert order is newer


# -- the filters as the form reads them ------------------------------------------------------------
@pytest.mark.usefixtures("page_cache_off")
def test_a_repeated_search_word_searches_the_last_as_the_form_does_in_either_order(
    client, statement_factory
):
    statement_factory(quote="The police will not help.")
    statement_factory(quote="These raids are cruel.")
    url = reverse("statements:list")

    police_last = client.get(url + "?q=raids&q=police")
    raids_last = client.get(url + "?q=police&q=raids")

    assert [s.quote for s in police_last.context["object_list"]] == ["The police will not help."]
    assert [s.quote for s in raids_last.context["object_list"]] == ["These raids are cruel."]


@pytest.mark.usefixtures("page_cache_off")
def test_stances_chosen_in_any_order_are_one_list_and_a_repeated_state_is_the_last(
    client, statement_factory, jurisdiction_factory
):
    for state in ("CA", "TX"):
        statement_factory(jurisdiction=jurisdiction_factory(state=state))
    url = reverse("statements:list")

    def keyed(query):
        response = client.get(url + query)
        return response.context["filterset"].cache_key("rows"), response.context["object_list"]

    stances, _ = keyed("?stance=refuses&stance=limited")
    assert keyed("?stance=limited&stance=refuses")[0] == stances
    texas_key, texas = keyed("?state=CA&state=TX")
    california_key, california = keyed("?state=TX&state=CA")
    assert texas_key != california_key
    assert [s.jurisdiction.state for s in texas] == ["TX"]
    assert [s.jurisdiction.state for s in california] == ["CA"]
