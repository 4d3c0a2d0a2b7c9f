"""An editor sees a draft's public page before publishing it, marked as a draft; nobody else
learns it exists, and no cache keeps the preview."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from statements.models import Statement


def _public_url(statement) -> str:
    return reverse("statements:detail", kwargs={"pk": statement.pk})


def test_an_editor_opens_view_on_site_for_a_draft_and_sees_it_bannered(
    client, login, draft_statement
):
    login("editor")
    content_type = ContentType.objects.get_for_model(Statement)
    # "View on site" on the edit form goes through the admin's shortcut to the public page.
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, draft_statement.pk])
    page = client.get(view_on_site, follow=True)

    assert page.redirect_chain[-1][0].endswith(_public_url(draft_statement))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Draft, not public." in html
    assert "A draft quote." in html
    assert reverse("admin:statements_statement_change", args=[draft_statement.pk]) in html
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "noindex" in page["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex">' in html


def test_a_reader_gets_the_ordinary_404_for_a_draft(client, draft_statement):
    page = client.get(_public_url(draft_statement))

    assert page.status_code == 404
    assert "A draft quote." not in page.content.decode()
    assert "Draft" not in page.content.decode()


def test_a_staff_member_who_may_not_edit_statements_gets_the_404_too(
    client, django_user_model, draft_statement
):
    # Staff, but in no newsroom role: may not change statements, so may not preview them.
    outsider = django_user_model.objects.create_user("outsider", is_staff=True)
    client.force_login(outsider)

    page = client.get(_public_url(draft_statement))

    assert page.status_code == 404
    assert "A draft quote." not in page.content.decode()


def test_a_contributor_who_writes_drafts_may_preview_them(client, login, draft_statement):
    login("contributor")

    page = client.get(_public_url(draft_statement))

    assert page.status_code == 200
    assert "Draft, not public." in page.content.decode()


def test_the_page_cache_never_serves_the_preview_to_a_reader(
    client, login, draft_statement, django_user_model
):
    url = _public_url(draft_statement)
    assert client.get(url).status_code == 404  # a reader first: nothing to cache

    login("editor")
    preview = client.get(url)
    assert preview.status_code == 200
    assert "X-Page-Cache" not in preview  # the cache was not even consulted

    client.logout()
    reader = client.get(url)
    assert reader.status_code == 404
    assert "A draft quote." not in reader.content.decode()


def test_a_published_statement_has_no_banner_for_the_editor(client, login, published_statement):
    login("editor")

    page = client.get(_public_url(published_statement))

    assert page.status_code == 200
    assert "Draft, not public." not in page.content.decode()


def test_view_on_site_of_a_draft_stance_shows_the_editor_what_waits_on_the_place_page(
    client, login, gotham
):
    from tests.factories import StanceFactory

    draft = StanceFactory(jurisdiction=gotham, level="cooperates")
    place_url = draft.get_absolute_url()

    reader = client.get(place_url)
    assert "Drafts, not public." not in reader.content.decode()
    assert reader["X-Page-Cache"] == "miss"  # a reader's page, cached as usual

    login("editor")
    page = client.get(place_url)
    html = page.content.decode()
    assert "Drafts, not public." in html
    assert reverse("admin:statements_stance_change", args=[draft.pk]) in html
    assert "no-store" in page["Cache-Control"]
    assert "noindex" in page["X-Robots-Tag"]

    client.logout()
    again = client.get(place_url)
    assert "Drafts, not public." not in again.content.decode()
