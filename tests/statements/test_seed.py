"""The founding article's facts, as `manage.py load_seed` records them."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cities.models import Jurisdiction, Role
from statements.models import Event, Source, Stance, Statement, Status
from statements.seed import SeedError, read_seed

ARTICLE_URL = (
    "https://www.huffpost.com/entry/"
    "cities-nationwide-refuse-cooperate-ice-deportation-raid_n_5d0d7e80e4b07ae90d9d500e"
)
TARGETED = [
    "atlanta-ga",
    "baltimore-md",
    "chicago-il",
    "denver-co",
    "houston-tx",
    "los-angeles-ca",
    "miami-fl",
    "new-orleans-la",
    "new-york-ny",
    "san-francisco-ca",
]
CURRENT_STANCE = {
    "chicago-il": "refuses",
    "los-angeles-ca": "refuses",
    "san-francisco-ca": "refuses",
    "denver-co": "limited",
    "atlanta-ga": "unknown",
    "baltimore-md": "unknown",
    "houston-tx": "unknown",
    "miami-fl": "unknown",
    "new-orleans-la": "unknown",
    "new-york-ny": "unknown",
    "washington-dc": "unknown",
}
JUNE_21 = datetime.date(2019, 6, 21)


def history_rows() -> int:
    from django.apps import apps

    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


def test_the_raids_event_targets_the_ten_cities_the_article_names_and_not_washington(seeded):
    event = Event.objects.get(slug="ice-family-raids-2019-06-23")
    assert event.starts_on == datetime.date(2019, 6, 23)
    assert sorted(event.targeted_jurisdictions.values_list("slug", flat=True)) == TARGETED
    assert "washington-dc" not in event.targeted_jurisdictions.values_list("slug", flat=True)
    assert {source.publisher for source in event.sources.all()} == {
        "HuffPost",
        "The Washington Post",
        "Miami Herald",
    }


def test_the_seed_holds_the_ten_cities_and_washington_with_their_slugs(seeded):
    assert sorted(Jurisdiction.objects.values_list("slug", flat=True)) == sorted(
        [*TARGETED, "washington-dc"]
    )
    assert Jurisdiction.objects.get(slug="chicago-il").name == "Chicago"
    assert Jurisdiction.objects.get(slug="new-york-ny").name == "New York"
    washington = Jurisdiction.objects.get(slug="washington-dc")
    assert (washington.state, washington.level) == ("DC", "federal_district")


def test_every_seeded_place_is_on_the_map_with_a_population(seeded):
    for place in Jurisdiction.objects.all():
        assert place.has_coordinates, place
        assert place.population and place.population > 100_000, place
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    assert round(chicago.latitude) == 42 and round(chicago.longitude) == -88


@pytest.mark.parametrize(("slug", "level"), CURRENT_STANCE.items())
def test_each_places_current_stance_is_what_the_article_says(seeded, slug, level):
    place = Jurisdiction.objects.get(slug=slug)
    assert place.stance_level == level
    current = Stance.objects.published().current().filter(jurisdiction=place)
    assert list(current.values_list("level", flat=True)) == [level]


def test_chicago_police_refuse_ice_operations_and_database_access(seeded):
    stance = Stance.objects.get(jurisdiction__slug="chicago-il")
    assert stance.agency.name == "Chicago Police Department"
    assert (stance.joins_ice_operations, stance.shares_databases) == ("no", "no")
    assert stance.honours_detainers == "unknown"  # the article does not say
    assert stance.announced_by.official.name == "Lori Lightfoot"


def test_lightfoots_statement_shows_her_role_on_the_day(seeded):
    statement = Statement.objects.get(official__name="Lori Lightfoot")
    assert statement.quote == (
        "We are all aware of the threat from President Trump regarding raids by ICE, and in "
        "response, Chicago has taken concrete steps to support our immigrant communities"
    )
    assert statement.said_on == JUNE_21
    assert statement.medium == "press_statement"
    assert statement.jurisdiction.slug == "chicago-il"
    role = Role.objects.held_on(statement.said_on).get(official=statement.official)
    assert role.label == "Mayor, Chicago"
    assert (role.title, role.jurisdiction.name) == ("Mayor", "Chicago")


def test_breeds_quote_is_verbatim_in_its_two_pieces(seeded):
    statement = Statement.objects.get(official__name="London Breed")
    assert statement.quote.startswith("It is unconscionable that the Federal administration")
    assert statement.quote.endswith("stands up for all our residents and neighbors.")
    assert statement.jurisdiction.slug == "san-francisco-ca"
    role = Role.objects.get(official=statement.official)
    assert (role.title, role.jurisdiction.slug) == ("Mayor", "san-francisco-ca")


def test_the_denver_police_statement_cites_huffpost_and_the_denver_post_it_names(seeded):
    statement = Statement.objects.get(agency__name="Denver Police Department")
    assert statement.medium == "interview"
    assert statement.quote == ""
    assert "does not typically assist with any ICE operations" in statement.summary
    sources = {source.publisher: source for source in statement.sources.all()}
    assert set(sources) == {"HuffPost", "The Denver Post"}
    assert sources["HuffPost"].url == ARTICLE_URL
    assert sources["The Denver Post"].url == ""  # the article names the outlet, not a link
    assert sources["The Denver Post"].cited_in == sources["HuffPost"]


def test_young_told_cbs_baltimore_and_the_record_says_so(seeded):
    statement = Statement.objects.get(official__name="Jack Young")
    assert statement.medium == "interview"
    assert sorted(s.publisher for s in statement.sources.all()) == ["CBS Baltimore", "HuffPost"]
    assert statement.quote.startswith("I am proud that Baltimore is committed")


def test_a_paraphrase_is_a_summary_and_not_a_quote(seeded):
    garcetti = Statement.objects.get(official__name="Eric Garcetti")
    assert garcetti.quote == ""
    assert garcetti.said_on_basis == "reported"
    assert "immigrant community" in garcetti.summary


def test_every_seeded_statement_and_stance_is_published_and_sourced(seeded):
    assert Statement.objects.count() == 11
    assert Stance.objects.count() == 11
    for record in [*Statement.objects.all(), *Stance.objects.all()]:
        assert record.status == Status.PUBLISHED, record
        assert record.sources.filter(url=ARTICLE_URL).exists(), record
    assert Source.objects.filter(url=ARTICLE_URL).get().published_on == JUNE_21


def test_a_second_load_creates_nothing_and_writes_no_history(seeded):
    counts = {
        model: model.objects.count()
        for model in (Jurisdiction, Role, Event, Source, Statement, Stance)
    }
    before = history_rows()
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert out.getvalue().strip() == "Seed already loaded: nothing to change."
    assert history_rows() == before
    assert {model: model.objects.count() for model in counts} == counts


def test_a_second_load_keeps_what_an_editor_changed_in_between(seeded):
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    chicago.population = 2_700_000
    chicago.save()
    lightfoot = Statement.objects.get(official__name="Lori Lightfoot")
    lightfoot.summary = "Edited by an editor."
    lightfoot.save()
    Statement.objects.filter(official__name="Jack Young").update(status=Status.DRAFT)

    call_command("load_seed", stdout=StringIO())

    assert Jurisdiction.objects.get(slug="chicago-il").population == 2_700_000
    assert Statement.objects.get(official__name="Lori Lightfoot").summary == "Edited by an editor."
    assert Statement.objects.get(official__name="Jack Young").status == Status.DRAFT
    assert Statement.objects.count() == 11


def test_the_first_load_reports_what_it_created(db):
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert out.getvalue().startswith("Seed loaded: created 5 sources, 11 jurisdictions, ")
    assert "11 statements, 11 stances." in out.getvalue()


def test_a_seed_whose_quote_is_not_in_the_article_is_refused(db, tmp_path, settings):
    data = (settings.SEED_DIR / "founding_article.toml").read_text(encoding="utf-8")
    invented = data.replace(
        "Chicago has taken concrete steps", "Chicago has taken bold and concrete steps"
    )
    assert invented != data
    bad = tmp_path / "seed.toml"
    bad.write_text(invented, encoding="utf-8")
    article = settings.SEED_DIR / "article.txt"

    with pytest.raises(SeedError, match="'lightfoot': the quote .*bold and concrete.* is not in"):
        read_seed(bad, article)
    with pytest.raises(CommandError, match="is not in"):
        call_command("load_seed", data=bad, article=article, stdout=StringIO())
    assert not Statement.objects.exists()
    assert not Jurisdiction.objects.exists()


def test_a_missing_seed_file_is_a_clear_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_seed", data=tmp_path / "nowhere.toml", stdout=StringIO())
