"""In a real browser, in another time zone than the server's and on a phone: an editor's date-only
fields carry no time-zone note, the Publish button asks before it publishes, and Status is on
screen in the phone's list."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from statements.models import Status
from tests.factories import JurisdictionFactory, StatementFactory

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-editor-password"


@pytest.fixture
def newsroom(live_server, transactional_db, django_user_model):
    editor = django_user_model.objects.create_user("dana", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    gotham = JurisdictionFactory(name="Gotham", state="NJ", slug="gotham-nj")
    draft = StatementFactory(jurisdiction=gotham, quote="A draft quote.", status=Status.DRAFT)
    return live_server.url, draft


def _logged_in(browser, base, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def test_an_editor_abroad_sees_no_time_zone_note_on_a_date_and_publishes_from_the_form(
    browser, newsroom
):
    base, draft = newsroom
    # The server keeps New York time; the editor works from Berlin.
    page = _logged_in(browser, base, timezone_id="Europe/Berlin")
    page.goto(f"{base}/admin/statements/statement/{draft.pk}/change/")
    page.wait_for_load_state("load")

    expect(page.locator(".field-said_on .datetimeshortcuts")).to_be_visible()  # the shortcuts ran
    expect(page.locator(".field-said_on .timezonewarning")).to_be_hidden()

    page.get_by_role("button", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish this statement?")).to_be_visible()
    page.get_by_role("button", name="Yes, publish").click()
    expect(page.locator(".messagelist")).to_contain_text("is public now")
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_status_is_on_screen_in_the_phones_list(browser, newsroom):
    base, _ = newsroom
    page = _logged_in(browser, base, viewport={"width": 390, "height": 844})
    page.goto(f"{base}/admin/statements/statement/")

    status = page.locator("#result_list th.column-status")
    expect(status).to_be_visible()
    box = status.bounding_box()
    assert box["x"] + box["width"] <= 390
