"""A reader reads the site in Spanish at /es/, in English where it always was."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cities.models import StanceLevel
from statements.models import QuoteLanguage, Statement, TranslationLanguage

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_english_stays_at_its_addresses_and_spanish_is_under_es(client):
    english = client.get("/methodology/")
    spanish = client.get("/es/methodology/")
    assert english.status_code == spanish.status_code == 200
    assert '<html lang="en">' in english.text and "<h1>Methodology</h1>" in english.text
    assert '<html lang="es">' in spanish.text and "<h1>Metodología</h1>" in spanish.text
    assert spanish["Content-Language"] == "es"


def test_admin_and_api_have_no_spanish_address(client):
    assert client.get("/es/admin/").status_code == 404
    assert client.get("/es/api/v1/").status_code == 404


def test_every_page_links_its_other_language_and_keeps_the_filters(client):
    page = client.get("/statements/?medium=interview&q=raids")
    switch = reverse("switch_language", args=["es"])
    assert f'href="{switch}?next=%2Fstatements%2F%3Fmedium%3Dinterview%26q%3Draids"' in page.text
    assert (
        '<link rel="alternate" hreflang="es" href="http://testserver/es/statements/">' in page.text
    )
    assert '<link rel="alternate" hreflang="en" href="http://testserver/statements/">' in page.text
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/statements/">' in (
        page.text
    )


def test_the_switcher_remembers_the_choice_and_lands_on_the_same_filtered_page(client):
    response = client.get("/language/es/", {"next": "/statements/?medium=interview"})
    assert response.status_code == 302
    assert response["Location"] == "/es/statements/?medium=interview"
    assert response.cookies["django_language"].value == "es"
    assert "no-cache" in response["Cache-Control"]
    back = client.get("/language/en/", {"next": "/es/statements/?medium=interview"})
    assert back["Location"] == "/statements/?medium=interview"
    assert back.cookies["django_language"].value == "en"


def test_the_switcher_goes_nowhere_outside_the_site(client):
    response = client.get("/language/es/", {"next": "https://evil.example/"})
    assert response["Location"] == "/es/"
    assert client.get("/language/fr/", {"next": "/"}).status_code == 400


def test_a_first_visit_in_spanish_is_sent_to_the_spanish_page_once(client):
    response = client.get(
        "/statements/?medium=interview", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5", **BROWSER
    )
    assert response.status_code == 302
    assert response["Location"] == "/es/statements/?medium=interview"
    assert response.cookies["django_language"].value == "es"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    # The cookie now holds the choice: the English address shows English (the switcher is there).
    again = client.get("/statements/", HTTP_ACCEPT_LANGUAGE="es", **BROWSER)
    assert again.status_code == 200 and '<html lang="en">' in again.text


def test_english_readers_feeds_and_the_api_are_never_redirected(client):
    english = client.get("/statements/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9,es;q=0.5", **BROWSER)
    assert english.status_code == 200
    assert "Accept-Language" in english["Vary"]
    feed = Client().get(reverse("statements:feed"), HTTP_ACCEPT_LANGUAGE="es")
    assert feed.status_code == 200
    api = Client().get("/api/v1/jurisdictions/", HTTP_ACCEPT_LANGUAGE="es", **BROWSER)
    assert api.status_code != 302


def test_a_cached_english_page_never_answers_a_spanish_first_visit(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = Client().get("/methodology/", **BROWSER)
    assert first.status_code == 200
    cached = Client().get("/methodology/", **BROWSER)
    assert cached["X-Page-Cache"] == "hit"
    spanish_reader = Client().get("/methodology/", HTTP_ACCEPT_LANGUAGE="es", **BROWSER)
    assert spanish_reader.status_code == 302
    assert spanish_reader["Location"] == "/es/methodology/"
    Client().get("/es/methodology/")
    again = Client().get("/es/methodology/")
    assert again["X-Page-Cache"] == "hit" and "Metodología" in again.text
    assert "Metodología" not in Client().get("/methodology/").text


def test_spanish_pages_write_dates_and_numbers_the_spanish_way(client, statement_factory):
    statement = statement_factory(said_on=datetime.date(2026, 11, 29))
    english = client.get(statement.get_absolute_url())
    spanish = client.get(f"/es{statement.get_absolute_url()}")
    assert "November 29, 2026" in english.text
    assert "29 de noviembre de 2026" in spanish.text
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    with translation.override("es"):
        assert intcomma(1234) == "1.234"
    with translation.override("en"):
        assert intcomma(1234) == "1,234"


def test_choices_read_in_the_readers_language(jurisdiction_factory):
    from django.utils import translation

    with translation.override("es"):
        assert str(StanceLevel.REFUSES.label) != "Refuses cooperation"
    with translation.override("en"):
        assert str(StanceLevel.REFUSES.label) == "Refuses cooperation"


def test_a_quote_keeps_its_language_and_an_editors_translation_is_labelled(
    client, statement_factory
):
    statement = statement_factory(
        quote="No vamos a colaborar con estas redadas.",
        language=QuoteLanguage.SPANISH,
        translation="We will not cooperate with these raids.",
        translation_language=TranslationLanguage.ENGLISH,
    )
    english = client.get(statement.get_absolute_url()).text
    spanish = client.get(f"/es{statement.get_absolute_url()}").text
    assert '<blockquote class="quote" lang="es"><p>No vamos a colaborar' in english
    assert "Editor's translation from Spanish, not the speaker's words:" in english
    assert '<p lang="en">We will not cooperate with these raids.</p>' in english
    # Spanish readers read the quote as said, with no translation to show.
    assert '<blockquote class="quote" lang="es"><p>No vamos a colaborar' in spanish
    assert "We will not cooperate" not in spanish


def test_a_translation_needs_a_language_other_than_the_quotes(statement_factory):
    from django.core.exceptions import ValidationError

    statement = statement_factory()
    statement.translation = "No vamos a ayudar."
    with pytest.raises(ValidationError, match="translation needs its language"):
        statement.full_clean()
    statement.translation_language = TranslationLanguage.ENGLISH
    with pytest.raises(ValidationError, match="must differ"):
        statement.full_clean()
    statement.translation_language = TranslationLanguage.SPANISH
    statement.full_clean()
    assert Statement.objects.filter(pk=statement.pk).exists()


def test_spanish_error_pages(client):
    response = client.get("/es/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="es">' in response.text
    assert "No encontrada" in response.text


def test_spanish_filters_list_the_states_in_spanish_alphabetical_order(
    client, jurisdiction_factory
):
    for state in ("NY", "NC", "CA"):
        jurisdiction_factory(state=state)
    english = client.get("/cities/").context["facets"]["state"].options
    spanish = client.get("/es/cities/").context["facets"]["state"].options
    assert [option.label for option in english] == ["California", "New York", "North Carolina"]
    assert [option.label for option in spanish] == [
        "California",
        "Carolina del Norte",
        "Nueva York",
    ]
