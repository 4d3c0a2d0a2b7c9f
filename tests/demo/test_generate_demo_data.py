"""A benchmarker fills an empty database with synthetic demo data, and never a real one."""

import datetime
from itertools import groupby

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from cities.models import Agency, Jurisdiction, Official, Role, StanceLevel
from demo.plans import WINDOW_FROM, WINDOW_TO
from demo.safety import SYNTHETIC_PUBLISHER, SYNTHETIC_URL_PREFIX, real_record_counts
from statements import services
from statements.models import Event, Source, Stance, Statement, Status

TINY = {"jurisdictions": 30, "officials": 40, "statements": 200, "seed": 1}


def generate(**options):
    call_command("generate_demo_data", **{**TINY, "verbosity": 0, **options})


@pytest.fixture
def demo_data(db):
    generate()
    # Foreign keys are deferred to commit, which a test never reaches: check them now.
    connection.check_constraints()


def snapshot() -> dict[str, list[tuple]]:
    """Every generated row, without the timestamps of when it was written."""

    def rows(queryset, *exclude):
        fields = [
            f.attname
            for f in queryset.model._meta.concrete_fields
            if f.attname not in {"created_at", "updated_at", "search_vector", *exclude}
        ]
        return list(queryset.order_by("pk").values_list(*fields))

    return {
        "jurisdictions": rows(Jurisdiction.objects.all()),
        "agencies": rows(Agency.objects.all()),
        "officials": rows(Official.objects.all()),
        "roles": rows(Role.objects.all()),
        "events": rows(Event.objects.all()),
        "sources": rows(Source.objects.all()),
        "statements": rows(Statement.objects.all()),
        "statement sources": rows(Statement.sources.through.objects.all()),
        "stances": rows(Stance.objects.all()),
        "stance sources": rows(Stance.sources.through.objects.all()),
    }


def test_a_tiny_run_writes_exactly_the_counts_asked_for(demo_data):
    assert Jurisdiction.objects.count() == 30
    assert Official.objects.count() == 40
    assert Statement.objects.count() == 200
    assert Agency.objects.filter(jurisdiction__isnull=False).count() >= 30
    assert Event.objects.filter(targeted_jurisdictions__isnull=False).exists()


def test_every_record_is_marked_synthetic(demo_data):
    assert real_record_counts() == {}
    assert not Source.objects.exclude(url__startswith=SYNTHETIC_URL_PREFIX).exists()
    assert set(Source.objects.values_list("publisher", flat=True)) == {SYNTHETIC_PUBLISHER}
    assert not Jurisdiction.objects.exclude(geoid__startswith="SYN").exists()
    assert not Official.objects.exclude(slug__startswith="synthetic-").exists()
    assert not Event.objects.exclude(slug__startswith="synthetic-").exists()


def test_places_are_real_and_spread_over_states(demo_data):
    new_york = Jurisdiction.objects.get(slug="new-york-city-ny")
    assert new_york.population > 8_000_000
    assert round(new_york.latitude) == 41
    assert Jurisdiction.objects.values("state").distinct().count() >= 10


def test_every_timeline_has_one_current_published_stance_and_ends_where_the_next_begins(
    demo_data,
):
    per_jurisdiction = Stance.objects.values("jurisdiction").annotate(n=Count("id"))
    assert {row["n"] for row in per_jurisdiction} <= {1, 2, 3, 4}
    assert per_jurisdiction.count() == 30

    published = Stance.objects.published().order_by("jurisdiction", "agency", "effective_from")
    for _, timeline in groupby(published, key=lambda s: (s.jurisdiction_id, s.agency_id)):
        timeline = list(timeline)
        assert [s.ended_on is None for s in timeline] == [False] * (len(timeline) - 1) + [True]
        for earlier, later in zip(timeline, timeline[1:], strict=False):
            assert earlier.ended_on == later.effective_from
            assert earlier.level != later.level
    # Drafts wait after the current stance, unpublished.
    for draft in Stance.objects.filter(status=Status.DRAFT):
        current = (
            Stance.objects.published()
            .current()
            .get(jurisdiction=draft.jurisdiction, agency=draft.agency)
        )
        assert draft.effective_from >= current.effective_from


def test_jurisdiction_stance_level_is_the_headline_stance(demo_data):
    stored = dict(Jurisdiction.objects.values_list("pk", "stance_level"))
    for jurisdiction in Jurisdiction.objects.all():
        assert (
            services.jurisdiction_refresh_stance(jurisdiction=jurisdiction)
            == stored[jurisdiction.pk]
        ), jurisdiction
    assert len(set(stored.values())) >= 2


def test_stance_levels_are_what_the_one_headline_rule_computes(demo_data):
    """The generator keeps no copy of the rule: forget every level, refresh them all with the
    service, and the generated ones come back."""
    generated = dict(Jurisdiction.objects.values_list("pk", "stance_level"))

    Jurisdiction.objects.update(stance_level=StanceLevel.UNKNOWN)
    services.jurisdictions_refresh_stance(jurisdictions=Jurisdiction.objects.all())

    assert dict(Jurisdiction.objects.values_list("pk", "stance_level")) == generated
    # The data holds the cases a copy of the rule could get wrong, so the equality means something:
    # a police or sheriff's newer stance that outranks the jurisdiction-wide one...
    current = Stance.objects.published().current()
    headed_by_an_agency = [
        jurisdiction
        for jurisdiction in Jurisdiction.objects.filter(stances__agency__isnull=False).distinct()
        if generated[jurisdiction.pk]
        != current.get(jurisdiction=jurisdiction, agency__isnull=True).level
    ]
    assert headed_by_an_agency
    # ...and drafts, newer than the current stance, that must not count.
    assert Stance.objects.filter(status=Status.DRAFT).exists()
    assert len(set(generated.values())) >= 3


def test_statements_are_sourced_dated_and_spoken_by_someone_in_office(demo_data):
    assert not Statement.objects.filter(sources__isnull=True).exists()
    statuses = dict(Statement.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[Status.PUBLISHED] > 0.8 * 200
    assert statuses.get(Status.DRAFT, 0) > 0
    assert Statement.objects.values("medium").distinct().count() >= 4
    for statement in Statement.objects.prefetch_related("sources"):
        assert WINDOW_FROM <= statement.said_on <= WINDOW_TO
        assert statement.quote or statement.summary
        assert all(s.published_on >= statement.said_on for s in statement.sources.all())
        if statement.official_id:
            assert (
                statement.official.roles.filter(jurisdiction=statement.jurisdiction_id)
                .held_on(statement.said_on)
                .exists()
            ), statement
        if statement.agency_id:
            assert statement.agency.jurisdiction_id == statement.jurisdiction_id


def test_announcing_statements_belong_to_the_stance_they_announce(demo_data):
    announced = Stance.objects.filter(announced_by__isnull=False).select_related("announced_by")
    assert announced.exists()
    for stance in announced:
        assert stance.announced_by.jurisdiction_id == stance.jurisdiction_id
        assert stance.announced_by.said_on <= stance.effective_from


def test_the_same_seed_writes_the_same_records(db):
    generate()
    first = snapshot()
    generate(replace=True)
    assert snapshot() == first
    generate(seed=2, replace=True)
    assert snapshot()["statements"] != first["statements"]


def test_a_database_with_real_records_is_refused_and_left_untouched(seeded):
    before = {model: model.objects.count() for model in (Jurisdiction, Statement, Source)}

    with pytest.raises(CommandError, match=r"real records \(11 jurisdictions, .*empty database"):
        generate()

    assert {model: model.objects.count() for model in before} == before
    assert not Jurisdiction.objects.filter(is_synthetic=True).exists()


def test_replace_never_deletes_real_records(seeded):
    with pytest.raises(CommandError, match="real records"):
        generate(replace=True)
    assert Jurisdiction.objects.count() == 11


def test_a_second_run_asks_before_replacing_synthetic_data(demo_data):
    with pytest.raises(CommandError, match="already holds synthetic demo data.*--replace"):
        generate()
    assert Statement.objects.count() == 200


def test_ids_continue_after_the_generated_rows(demo_data):
    source = Source.objects.create(publisher="Editor", url="https://example.org/new")
    assert source.pk == Source.objects.order_by("-pk").values_list("pk", flat=True)[1] + 1


@pytest.mark.postgres
def test_full_text_search_finds_generated_quotes(demo_data):
    from django.contrib.postgres.search import SearchQuery

    assert Statement.objects.filter(search_vector__isnull=True).count() == 0
    found = Statement.objects.filter(search_vector=SearchQuery("detainer", search_type="websearch"))
    assert found.exists()
    assert all("detainer" in (s.quote + s.summary).lower() for s in found)


def test_bad_sizes_get_a_clear_message(db):
    with pytest.raises(CommandError, match="at least 1"):
        generate(jurisdictions=0)
    assert not Jurisdiction.objects.exists()


def test_dates_are_fixed_so_a_seed_does_not_depend_on_today():
    assert datetime.date(2026, 11, 27) > WINDOW_TO
