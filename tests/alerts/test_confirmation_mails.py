"""Confirmation mails cannot be turned against a stranger's mailbox, and a server that is down
gets the reader a clear page, not an error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Subscription
from alerts.services import MAX_UNCONFIRMED
from tests.factories import JurisdictionFactory

from .conftest import SITE_URL, link, text_of
from .test_alert_story import READER, follow

pytestmark = pytest.mark.django_db


def test_asking_again_within_the_hour_sends_no_second_mail(client, smtp_inbox, jurisdiction):
    follow(client, {"jurisdiction": jurisdiction.slug})
    follow(client, {"jurisdiction": jurisdiction.slug})
    (first,) = smtp_inbox.messages()

    Subscription.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=2))
    response = follow(client, {"jurisdiction": jurisdiction.slug})
    assert response.status_code == 302
    first_mail, again = smtp_inbox.messages()
    # The same link again: the first mail keeps working.
    assert link(text_of(again), "/confirm/") == link(text_of(first), "/confirm/")


def test_an_address_waits_on_only_a_few_unconfirmed_alerts(client, smtp_inbox):
    places = JurisdictionFactory.create_batch(MAX_UNCONFIRMED + 2)
    for place in places:
        assert follow(client, {"jurisdiction": place.slug}).status_code == 302
    assert len(smtp_inbox.messages()) == MAX_UNCONFIRMED
    assert Subscription.objects.count() == MAX_UNCONFIRMED


def test_a_mail_server_that_is_down_gets_a_clear_page(client, smtp_inbox, jurisdiction):
    smtp_inbox.refusing = True
    response = follow(client, {"jurisdiction": jurisdiction.slug})
    assert response.status_code == 503
    page = response.content.decode()
    assert "The confirmation e-mail could not be sent" in page
    assert Subscription.objects.get().confirmation_sent_at is None

    # Asking again once the server is back sends the mail at once.
    smtp_inbox.refusing = False
    assert follow(client, {"jurisdiction": jurisdiction.slug}).status_code == 302
    assert len(smtp_inbox.messages()) == 1


def test_a_reader_who_subscribes_in_spanish_gets_spanish_links(client, smtp_inbox, jurisdiction):
    response = client.post(
        f"/es{reverse('alerts:follow')}?jurisdiction={jurisdiction.slug}", {"email": READER}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/es/alerts/")
    (message,) = smtp_inbox.messages()
    assert f"{SITE_URL}/es/alerts/confirm/" in text_of(message)
    assert f"{SITE_URL}/es/cities/{jurisdiction.slug}/" in text_of(message)
