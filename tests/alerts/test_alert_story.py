"""A reader follows a place by e-mail, through a real SMTP server: subscribe, confirm from the
mail, get a digest of what was published, unsubscribe in one click, get nothing more."""

import datetime
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alerts.models import Subscriber, Subscription
from statements import services
from statements.models import Status
from tests.factories import (
    PublishedStanceFactory,
    PublishedStatementFactory,
    StanceFactory,
    StatementFactory,
)

from .conftest import SITE_URL, html_of, link, text_of

pytestmark = pytest.mark.django_db

READER = "Reader@Example.org"


def follow(client, query: dict, address: str = READER):
    """Post the follow form for `query` (already encoded values)."""
    target = "&".join(f"{name}={value}" for name, value in query.items())
    return client.post(f"{reverse('alerts:follow')}?{target}", {"email": address})


def confirm_from_mail(client, inbox) -> None:
    (message,) = inbox.messages()
    confirm_path = link(text_of(message), "/alerts/confirm/")
    page = client.get(confirm_path)
    assert "Yes, start the alert" in page.content.decode()
    confirmed = client.post(confirm_path)
    assert "Alert confirmed" in confirmed.content.decode()
    inbox.clear()


def test_reader_follows_a_place_from_subscription_to_one_click_unsubscribe(
    client, smtp_inbox, jurisdiction_factory
):
    chicago = jurisdiction_factory(name="Chicago", slug="chicago-il")
    PublishedStatementFactory(jurisdiction=chicago, quote="Said long before anyone followed.")

    page = client.get(chicago.get_absolute_url())
    follow_path = reverse("alerts:follow") + "?jurisdiction=chicago-il"
    assert follow_path in page.content.decode()
    form = client.get(follow_path)
    assert "Follow Chicago, IL by e-mail" in form.content.decode()

    response = follow(client, {"jurisdiction": "chicago-il"})
    assert response.status_code == 302
    check = client.get(response["Location"])
    assert "Check your e-mail" in check.content.decode()

    # The confirmation mail arrives; nothing is followed until its link is used.
    (message,) = smtp_inbox.messages()
    assert message["To"] == "reader@example.org"
    assert message["From"] == "alerts@tracker.example.org"
    assert message["Subject"] == "Confirm your Sanctuary Tracker alert: Chicago, IL"
    assert f"{SITE_URL}/cities/chicago-il/" in text_of(message)
    call_command("send_alert_digests", verbosity=0)
    assert len(smtp_inbox.messages()) == 1  # unconfirmed: no digest

    confirm_from_mail(client, smtp_inbox)
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is not None

    # Nothing new since the confirmation: no mail (the old statement is not news).
    call_command("send_alert_digests", verbosity=0)
    assert smtp_inbox.messages() == []

    # An editor publishes a statement from Chicago; a draft and another city's stay out.
    new = PublishedStatementFactory(jurisdiction=chicago, quote="Chicago will not help ICE.")
    StatementFactory(jurisdiction=chicago, status=Status.DRAFT, quote="An unpublished draft.")
    PublishedStatementFactory(quote="Somewhere else entirely.")
    call_command("send_alert_digests", verbosity=0)

    (digest,) = smtp_inbox.messages()
    body = text_of(digest)
    assert digest["Subject"] == "Sanctuary Tracker: 1 update on Chicago, IL"
    assert "“Chicago will not help ICE.”" in body
    assert f"{SITE_URL}{new.get_absolute_url()}" in body
    assert "An unpublished draft." not in body
    assert "Somewhere else entirely." not in body
    assert "Said long before" not in body
    assert "Chicago will not help ICE." in html_of(digest)
    subscriber = Subscriber.objects.get()
    unsubscribe_url = f"{SITE_URL}/alerts/unsubscribe/{subscriber.unsubscribe_token}/"
    assert digest["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in body
    # On one line as sent, not folded into encoded words a mail program would not read.
    assert f"\r\nList-Unsubscribe: <{unsubscribe_url}>\r\n".encode() in smtp_inbox.raw()

    # A rerun has nothing new to say.
    smtp_inbox.clear()
    call_command("send_alert_digests", verbosity=0)
    assert smtp_inbox.messages() == []

    # The mail program's one-click unsubscribe: a POST with no cookie and no CSRF token.
    one_click = client.__class__(enforce_csrf_checks=True)
    response = one_click.post(
        digest["List-Unsubscribe"].strip("<>").removeprefix(SITE_URL),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Unsubscribed" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()

    PublishedStatementFactory(jurisdiction=chicago, quote="Said after the reader left.")
    call_command("send_alert_digests", verbosity=0)
    assert smtp_inbox.messages() == []


def test_an_official_and_a_saved_search_are_followed_in_one_mail(
    client, smtp_inbox, official_factory, jurisdiction_factory
):
    mayor = official_factory(name="Mayor Ada Diaz", slug="ada-diaz")
    denver = jurisdiction_factory(name="Denver", state="CO", slug="denver-co")
    follow(client, {"official": "ada-diaz"})
    confirm_from_mail(client, smtp_inbox)
    follow(client, {"search": "state%3DCO%26page%3D3"})
    (message,) = smtp_inbox.messages()
    assert "Statements (State: Colorado)" in message["Subject"]
    confirm_from_mail(client, smtp_inbox)
    assert Subscription.objects.get(kind="search").search == "state=CO"

    PublishedStatementFactory(official=mayor, quote="Ada Diaz speaks.")
    PublishedStatementFactory(jurisdiction=denver, quote="Denver speaks.")
    call_command("send_alert_digests", verbosity=0)

    (digest,) = smtp_inbox.messages()
    body = text_of(digest)
    assert digest["Subject"] == "Sanctuary Tracker: 2 updates on what you follow"
    assert "== Mayor Ada Diaz ==" in body
    assert "== Statements (State: Colorado) ==" in body
    assert "“Ada Diaz speaks.”" in body and "“Denver speaks.”" in body
    assert body.count("/alerts/stop/") == 2


def test_a_saved_search_with_a_bad_filter_is_refused(client, smtp_inbox):
    response = client.get(reverse("alerts:follow") + "?search=state%3DZZ")
    assert response.status_code == 400
    assert "“ZZ” is not a state" in response.content.decode()
    response = client.post(
        reverse("alerts:follow") + "?search=said_after%3Dsoon", {"email": READER}
    )
    assert response.status_code == 400
    assert "Enter a real date" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert smtp_inbox.messages() == []


def test_following_nothing_or_an_unknown_place_is_refused(client):
    assert client.get(reverse("alerts:follow")).status_code == 400
    response = client.get(reverse("alerts:follow") + "?jurisdiction=atlantis")
    assert response.status_code == 400
    assert "No jurisdiction has this address name." in response.content.decode()


def test_a_bad_address_gets_the_form_again_with_the_reason(client, jurisdiction):
    response = client.post(
        reverse("alerts:follow") + f"?jurisdiction={jurisdiction.slug}", {"email": "not-an-address"}
    )
    assert response.status_code == 400
    assert "Enter a whole e-mail address" in response.content.decode()


def test_asking_twice_looks_the_same_and_stores_the_address_once(client, smtp_inbox, jurisdiction):
    query = {"jurisdiction": jurisdiction.slug}
    first = follow(client, query)
    confirm_from_mail(client, smtp_inbox)
    second = follow(client, query, address="reader@EXAMPLE.org")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    # Already following: no second confirmation mail to learn anything from.
    assert smtp_inbox.messages() == []
    assert Subscriber.objects.count() == Subscription.objects.count() == 1


def test_a_draft_or_retracted_statement_is_never_mailed(client, smtp_inbox, jurisdiction):
    follow(client, {"jurisdiction": jurisdiction.slug})
    confirm_from_mail(client, smtp_inbox)
    StatementFactory(jurisdiction=jurisdiction, status=Status.DRAFT, quote="Draft words.")
    call_command("send_alert_digests", verbosity=0)
    assert smtp_inbox.messages() == []

    said = PublishedStatementFactory(jurisdiction=jurisdiction, quote="Words later withdrawn.")
    services.statement_retract(statement=said, reason="The source misquoted the mayor.")
    call_command("send_alert_digests", verbosity=0)
    (digest,) = smtp_inbox.messages()
    body = text_of(digest)
    assert "Words later withdrawn." not in body
    assert "Draft words." not in body
    assert "was retracted: The source misquoted the mayor." in body


def test_an_expired_confirmation_link_is_refused_and_purged(client, smtp_inbox, jurisdiction):
    follow(client, {"jurisdiction": jurisdiction.slug})
    (message,) = smtp_inbox.messages()
    Subscription.objects.update(created_at=timezone.now() - timedelta(days=8))
    response = client.post(link(text_of(message), "/alerts/confirm/"))
    assert response.status_code == 404
    assert "This confirmation link has expired" in response.content.decode()
    assert Subscription.objects.get().confirmed_at is None
    call_command("send_alert_digests", verbosity=0)
    assert not Subscriber.objects.exists()


def test_a_correction_is_news_with_its_note(client, smtp_inbox, jurisdiction):
    said = PublishedStatementFactory(jurisdiction=jurisdiction, quote="We will not help.")
    follow(client, {"jurisdiction": jurisdiction.slug})
    confirm_from_mail(client, smtp_inbox)
    services.statement_correct(
        statement=said, changes={"quote": "We will not help ICE."}, note="The quote was cut short."
    )
    call_command("send_alert_digests", verbosity=0)
    (digest,) = smtp_inbox.messages()
    body = text_of(digest)
    assert "“We will not help ICE.”" in body
    assert "Corrected: The quote was cut short." in body


def test_a_new_stance_of_a_followed_place_is_news(client, smtp_inbox, jurisdiction_factory):
    chicago = jurisdiction_factory(name="Chicago", slug="chicago-il")
    follow(client, {"jurisdiction": chicago.slug})
    confirm_from_mail(client, smtp_inbox)
    PublishedStanceFactory(jurisdiction=chicago, effective_from=datetime.date(2025, 1, 20))
    StanceFactory(
        jurisdiction=chicago, level="cooperates", effective_from=datetime.date(2025, 3, 1)
    )
    call_command("send_alert_digests", verbosity=0)
    (digest,) = smtp_inbox.messages()
    body = text_of(digest)
    assert "* Chicago, IL: Refuses cooperation, from January 20, 2025" in body
    assert "Cooperates" not in body  # the draft stance


def test_a_line_break_in_a_saved_search_cannot_break_the_mail(client, smtp_inbox):
    response = follow(client, {"search": "q%3Dsanctuary%250D%250ABcc%253A%2520x%40example.org"})
    assert response.status_code == 302
    (message,) = smtp_inbox.messages()
    assert message["Subject"] == (
        "Confirm your Sanctuary Tracker alert: Statements (Words: sanctuary Bcc: x@example.org)"
    )
    assert message["Bcc"] is None
    assert Subscription.objects.get().search == "q=sanctuary+Bcc%3A+x%40example.org"
