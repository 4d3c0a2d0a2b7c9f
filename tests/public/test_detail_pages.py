import datetime

from django.urls import reverse

from cities.models import Jurisdiction, Official
from statements.models import Statement
from tests import factories

from .conftest import text


def test_city_page_shows_current_stance_practices_timeline_people_and_statements(client, seeded):
    response = client.get(reverse("cities:detail", kwargs={"slug": "chicago-il"}))

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Chicago, Illinois</h1>" in page
    assert "Chicago Police Department: Refuses cooperation, since" in page
    assert "Takes part in ICE enforcement operations" in page
    assert "Gives ICE access to police or jail databases" in page
    assert "HuffPost" in page and "Cities Nationwide Refuse To Cooperate" in page
    assert "Stance timeline" in page
    assert "June 21, 2019</time> to now" in page
    assert "Lori Lightfoot</a>, Mayor" in page
    assert "Chicago Police Department (police department)" in page
    assert "We are all aware of the threat" in page
    assert "ICE family deportation raids announced for June 23, 2019" in page


def test_city_timeline_lists_every_change_with_its_dates(
    client, stance_factory, jurisdiction_factory
):
    from statements import services

    place = jurisdiction_factory(name="Riverton", state="WY", slug="riverton-wy")
    first = stance_factory(
        jurisdiction=place, level="cooperates", effective_from=datetime.date(2018, 1, 1)
    )
    services.stance_publish(stance=first)
    second = stance_factory(
        jurisdiction=place, level="refuses", effective_from=datetime.date(2020, 5, 1)
    )
    services.stance_publish(stance=second)
    stance_factory(
        jurisdiction=place, level="limited", effective_from=datetime.date(2022, 1, 1)
    )  # draft

    response = client.get(reverse("cities:detail", kwargs={"slug": "riverton-wy"}))

    assert [(s.level, s.effective_from.year) for s in response.context["timeline"]] == [
        ("refuses", 2020),
        ("cooperates", 2018),
    ]
    page = text(response)
    assert 'January 1, 2018</time> to <time datetime="2020-05-01">May 1, 2020</time>' in page
    assert "Limited cooperation" not in page.split("Stance timeline")[1].split("Agencies")[0]


def test_city_page_omits_draft_statements(client, seeded):
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    factories.StatementFactory(jurisdiction=chicago, status="draft", quote="Draft quote, unseen.")

    page = text(client.get(reverse("cities:detail", kwargs={"slug": "chicago-il"})))

    assert "Draft quote, unseen." not in page


def test_unknown_city_is_not_found(client, db):
    assert client.get(reverse("cities:detail", kwargs={"slug": "atlantis-xx"})).status_code == 404


def test_official_page_shows_roles_and_statements(client, seeded):
    response = client.get(reverse("cities:official", kwargs={"slug": "michael-b-hancock"}))

    page = text(response)
    assert "<h1>Michael B. Hancock</h1>" in page
    assert 'Mayor, <a href="/cities/denver-co/">Denver, CO</a> (dates not recorded)' in page
    assert len(response.context["statements"]) == 2
    assert "won’t weaken our resolve" in page


def test_statement_permalink_gives_quote_speaker_role_date_basis_and_full_citation(client, seeded):
    statement = Statement.objects.get(official__slug="michael-b-hancock", medium="social_media")

    page = text(client.get(statement.get_absolute_url()))

    assert "Threats from this [White House]" in page
    assert "Michael B. Hancock</a>, Mayor, Denver at the time" in page
    assert "said on or before this date (the date it was reported)" in page
    assert "Social media post" in page
    assert "Denver, Colorado</a>" in page
    assert "ICE family deportation raids announced for June 23, 2019" in page
    assert 'HuffPost, “<a href="https://www.huffpost.com/' in page
    assert "June 21, 2019." in page


def test_statement_permalink_cites_a_source_known_through_another(client, seeded):
    statement = Statement.objects.get(agency__name="Denver Police Department")

    page = text(client.get(statement.get_absolute_url()))

    assert "The Denver Post." in page
    assert 'Cited in HuffPost, “<a href="https://www.huffpost.com/' in page


def test_statement_shows_the_role_held_that_day_not_today(client, db):
    official = factories.OfficialFactory(name="Pat Example")
    town = factories.JurisdictionFactory(name="Lakeside", slug="lakeside-il")
    factories.RoleFactory(
        official=official, jurisdiction=town, title="Council member",
        started_on=datetime.date(2015, 1, 1), ended_on=datetime.date(2018, 12, 31),
    )  # fmt: skip
    factories.RoleFactory(
        official=official, jurisdiction=town, title="Mayor", started_on=datetime.date(2019, 1, 1)
    )
    early = factories.StatementFactory(
        official=official, jurisdiction=town, said_on=datetime.date(2017, 5, 1)
    )
    late = factories.StatementFactory(
        official=official, jurisdiction=town, said_on=datetime.date(2020, 5, 1)
    )

    assert "Council member, Lakeside at the time" in text(client.get(early.get_absolute_url()))
    assert "Mayor, Lakeside at the time" in text(client.get(late.get_absolute_url()))


def test_draft_statement_permalink_is_not_found(client, db):
    draft = factories.StatementFactory(status="draft")

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_event_page_lists_targets_with_stances_and_responses(client, seeded):
    response = client.get(
        reverse("statements:event", kwargs={"slug": "ice-family-raids-2019-06-23"})
    )

    page = text(response)
    assert "<h1>ICE family deportation raids announced for June 23, 2019</h1>" in page
    targets = {j.name: j.stance_level for j in response.context["jurisdictions"]}
    assert len(targets) == 10
    assert targets["Chicago"] == "refuses"
    assert targets["Denver"] == "limited"
    assert "Washington" not in targets
    assert len(response.context["statements"]) == 11
    assert "The Washington Post" in page and "Miami Herald" in page


def test_event_page_omits_draft_statements(client, seeded):
    event_statement = Statement.objects.filter(event__isnull=False).first()
    event_statement.status = "draft"
    event_statement.save()

    response = client.get(
        reverse("statements:event", kwargs={"slug": "ice-family-raids-2019-06-23"})
    )

    assert len(response.context["statements"]) == 10


def test_unknown_official_and_event_are_not_found(client, db):
    assert client.get(reverse("cities:official", kwargs={"slug": "nobody"})).status_code == 404
    assert client.get(reverse("statements:event", kwargs={"slug": "nothing"})).status_code == 404
    assert not Official.objects.exists()
