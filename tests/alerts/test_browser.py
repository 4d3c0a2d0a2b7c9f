"""The reader's path in a real browser: follow a place from its page, confirm from the mail."""

import os
from pathlib import Path

import pytest

from tests.factories import JurisdictionFactory

from .conftest import link, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("ALERT_SHOTS", "/tmp/shots-alerts"))


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_reader_follows_a_place_in_a_browser(live_server, page, smtp_inbox):
    JurisdictionFactory(name="Chicago", slug="chicago-il")
    page.goto(f"{live_server.url}/cities/chicago-il/")
    page.get_by_role("link", name="Follow by e-mail").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Follow Chicago, IL by e-mail"
    page.get_by_label("Your e-mail address").fill("reader@example.org")
    shoot(page, "follow")
    page.get_by_role("button", name="Send me the confirmation link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"
    shoot(page, "check-mail")

    text = text_of(smtp_inbox.messages()[0])
    page.goto(live_server.url + link(text, "/alerts/confirm/"))
    shoot(page, "confirm")
    page.get_by_role("button", name="Yes, start the alert").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alert confirmed"
    page.get_by_role("link", name="Manage your alerts").click()
    assert "Chicago, IL" in page.get_by_role("table").inner_text()
    assert "reader@example.org" not in page.content()
    shoot(page, "manage")
