"""Anonymous readers get cached pages; an editor's change shows at once."""

import pytest
from django.urls import reverse

from statements import services
from statements.models import Statement


@pytest.fixture
def home():
    return reverse("cities:home")


def test_a_repeat_visit_is_served_from_the_cache_without_queries(
    client, seeded, home, django_assert_num_queries
):
    first = client.get(home)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(home)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_publishing_a_statement_invalidates_the_cached_page_at_once(
    client, seeded, statement_factory, jurisdiction_factory
):
    from statements.models import Status

    tacoma = jurisdiction_factory(name="Tacoma", state="WA", slug="tacoma-wa")
    draft = statement_factory(
        jurisdiction=tacoma, quote="Tacoma police will not join.", status=Status.DRAFT
    )
    url = reverse("statements:detail", kwargs={"pk": draft.pk})
    assert client.get(url).status_code == 404
    services.statements_publish(statements=Statement.objects.filter(pk=draft.pk))
    response = client.get(url)
    assert response.status_code == 200
    assert "Tacoma police will not join." in response.content.decode()


def test_an_edit_shows_on_the_next_request(client, seeded):
    from cities.models import Jurisdiction

    page = reverse("cities:detail", kwargs={"slug": "chicago-il"})
    client.get(page)
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    chicago.name = "Chicago (renamed in a test)"
    chicago.save()
    response = client.get(page)
    assert response["X-Page-Cache"] == "miss"
    assert "Chicago (renamed in a test)" in response.content.decode()


def test_a_conditional_get_with_the_etag_gets_304(client, seeded, home):
    etag = client.get(home)["ETag"]
    response = client.get(home, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_pages_are_compressed_for_clients_that_accept_gzip(client, seeded, home):
    response = client.get(home, headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"


def test_logged_in_editors_bypass_the_cache(editor_client, seeded, home):
    editor_client.get(home)
    assert "X-Page-Cache" not in editor_client.get(home)
