"""The links in the mails and the owner's page: bad links get a clear 404, a link opened by a
mail scanner changes nothing, the address never shows, and its owner can delete it."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from alerts.models import Kind, Subscriber, Subscription
from tests.factories import PublishedStatementFactory

from .conftest import link, text_of
from .test_alert_story import READER, confirm_from_mail, follow

pytestmark = pytest.mark.django_db

BAD_TOKEN = "this-token-was-never-issued-by-the-tracker-00"


@pytest.mark.parametrize("name", ["confirm", "stop", "unsubscribe", "manage"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_with_an_unknown_token_gets_a_404_that_says_why(client, name, method):
    for token in (BAD_TOKEN, "x" * 500):
        response = getattr(client, method)(reverse(f"alerts:{name}", args=[token]))
        assert response.status_code == 404
        page = response.content.decode()
        assert "This link does not work" in page
        assert "This link is not valid" in page or "not valid, or was already used" in page


def test_opening_the_confirmation_link_confirms_nothing_until_the_button(
    client, smtp_inbox, jurisdiction
):
    follow(client, {"jurisdiction": jurisdiction.slug})
    confirm_path = link(text_of(smtp_inbox.messages()[0]), "/alerts/confirm/")
    client.get(confirm_path)
    client.head(confirm_path)
    assert Subscription.objects.get().confirmed_at is None
    client.post(confirm_path)
    assert Subscription.objects.get().confirmed_at is not None


def test_the_address_never_appears_on_any_page(client, smtp_inbox, jurisdiction):
    follow_path = f"{reverse('alerts:follow')}?jurisdiction={jurisdiction.slug}"
    pages = [client.get(follow_path), client.post(follow_path, {"email": READER}, follow=True)]
    text = text_of(smtp_inbox.messages()[0])
    confirm_path = link(text, "/alerts/confirm/")
    manage_path = link(text, "/alerts/manage/")
    pages += [client.get(confirm_path), client.post(confirm_path), client.get(manage_path)]
    subscriber = Subscriber.objects.get()
    subscription = Subscription.objects.get()
    pages += [
        client.get(subscription.get_stop_url()),
        client.get(subscriber.get_unsubscribe_url()),
        # A bad address typed in the form is shown back to its typist only, in the field.
        client.get(jurisdiction.get_absolute_url()),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode().lower()
        assert "reader@example.org" not in html
        assert "reader%40example.org" not in html
    # Each page is private to the holder of its link: never kept by the page cache.
    for page in pages[:-1]:
        assert "private" in page["Cache-Control"] or "no-store" in page["Cache-Control"]


def test_the_owner_sees_what_the_address_follows_and_deletes_it_all(
    client, smtp_inbox, jurisdiction, official
):
    follow(client, {"jurisdiction": jurisdiction.slug})
    confirm_from_mail(client, smtp_inbox)
    follow(client, {"official": official.slug})
    manage_path = link(text_of(smtp_inbox.messages()[0]), "/alerts/manage/")
    follow(client, {"official": official.slug}, address="someone.else@example.org")

    page = client.get(manage_path).content.decode()
    assert str(jurisdiction) in page and official.name in page
    assert "Waiting for confirmation" in page and ">On<" in page
    assert "Delete my address and every alert" in page

    response = client.post(manage_path)
    assert "Your data is deleted" in response.content.decode()
    # Only the other reader's address is left.
    assert Subscriber.objects.count() == 1
    assert Subscription.objects.get().subscriber.email == "someone.else@example.org"
    assert client.get(manage_path).status_code == 404


def test_stopping_one_alert_keeps_the_others(client, smtp_inbox, jurisdiction, official):
    follow(client, {"jurisdiction": jurisdiction.slug})
    confirm_from_mail(client, smtp_inbox)
    follow(client, {"official": official.slug})
    confirm_from_mail(client, smtp_inbox)
    stop_path = Subscription.objects.get(kind=Kind.OFFICIAL).get_stop_url()
    assert "Stop this alert" in client.get(stop_path).content.decode()
    assert Subscription.objects.count() == 2  # a GET stops nothing
    assert "Alert stopped" in client.post(stop_path).content.decode()
    assert list(Subscription.objects.values_list("kind", flat=True)) == [Kind.JURISDICTION]


def test_the_unsubscribe_link_opened_in_a_browser_asks_first(client, smtp_inbox, jurisdiction):
    follow(client, {"jurisdiction": jurisdiction.slug})
    path = Subscriber.objects.get().get_unsubscribe_url()
    page = client.get(path).content.decode()
    assert "Unsubscribe and delete my address" in page
    assert Subscriber.objects.exists()


def test_a_failed_send_is_tried_again_next_run(client, smtp_inbox, jurisdiction):
    follow(client, {"jurisdiction": jurisdiction.slug})
    confirm_from_mail(client, smtp_inbox)
    PublishedStatementFactory(jurisdiction=jurisdiction, quote="News that must not be lost.")
    smtp_inbox.refusing = True
    with pytest.raises(CommandError, match="1 digest"):
        call_command("send_alert_digests", verbosity=0)
    assert Subscription.objects.get().last_digest_at is None

    smtp_inbox.refusing = False
    call_command("send_alert_digests", verbosity=0)
    (digest,) = smtp_inbox.messages()
    assert "News that must not be lost." in text_of(digest)
    assert Subscription.objects.get().last_digest_at is not None


def test_subscribing_is_rate_limited_per_client(client, settings, smtp_inbox, jurisdiction):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMIT_ALERTS = "2/h"
    for number in range(2):
        response = follow(client, {"jurisdiction": jurisdiction.slug}, f"r{number}@example.org")
        assert response.status_code == 302
    response = follow(client, {"jurisdiction": jurisdiction.slug}, "r3@example.org")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "at most 2 alert subscriptions" in response.content.decode()
    assert len(smtp_inbox.messages()) == 2


def test_the_statement_list_offers_to_follow_its_filters(client, jurisdiction):
    response = client.get(reverse("statements:list"), {"state": "IL", "page": "1"})
    assert "/alerts/follow/?search=state%3DIL%26page%3D1" in response.content.decode()


def test_the_database_holds_one_target_per_subscription(jurisdiction, official):
    subscriber = Subscriber.objects.create(email="a@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(
            subscriber=subscriber,
            kind=Kind.JURISDICTION,
            jurisdiction=jurisdiction,
            official=official,
        )
    Subscription.objects.create(subscriber=subscriber, kind=Kind.SEARCH, search="state=IL")
    twice = Subscription(subscriber=subscriber, kind=Kind.SEARCH, search="state=IL")
    with pytest.raises(Exception, match="already follows this search"):
        twice.validate_constraints()
