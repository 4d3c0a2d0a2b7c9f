"""In a real browser, an editor logs in to the admin, adds a draft statement citing a new source,
publishes it, finds it on the public site, corrects it with a note readers see, and reverts the
correction from the record's history; the public page follows each step."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from playwright.sync_api import expect

from statements.models import Statement

from .conftest import visit

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-editor-password"
QUOTE = "Denver will not use its police to help with the deportation raids."
CORRECTED = "Denver will not use its police or jail to help with the deportation raids."


@pytest.fixture
def newsroom(live_server, transactional_db, django_user_model):
    """The seed, and an editor in the Editors group (a transactional test may have emptied it)."""
    call_command("load_seed", verbosity=0)
    editors, _ = Group.objects.get_or_create(name="Editors")
    if not editors.permissions.exists():
        editors.permissions.set(
            Permission.objects.filter(content_type__app_label__in=["cities", "statements"])
        )
    editor = django_user_model.objects.create_user(
        "dana", password=PASSWORD, is_staff=True, first_name="Dana"
    )
    editor.groups.add(editors)
    return live_server.url


ABORTED_SEARCH = re.compile(r"^request failed: \S+/admin/autocomplete/\?\S+ \(net::ERR_ABORTED\)$")


def choose(page, field: str, typed: str, option: str):
    """Pick `option` in the admin's autocomplete (select2) for `field`, after typing `typed`.

    select2 cancels the search it started on opening when the typed one begins; the browser
    reports that cancelled request, which is no defect of the page. Anything else still fails.
    """
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()
    page.keyboard.press("Escape")  # a multiple choice stays open
    page.wait_for_load_state("networkidle")
    problems = page._browser_problems
    for problem in problems.take():
        if not ABORTED_SEARCH.match(problem):
            problems.add(problem)
    problems.assert_none(f"choosing {option}")


def test_editor_adds_publishes_corrects_and_reverts_a_statement(page, newsroom):
    base = newsroom

    # Log in through the admin's own form.
    visit(page, f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("heading", name="Curate jurisdictions, statements and stances")
    ).to_be_visible()

    # The new source first.
    visit(page, f"{base}/admin/statements/source/add/")
    page.get_by_label("Publisher").fill("Denver Gazette")
    page.get_by_label("Title").fill("Mayor: no police help for ICE raids")
    page.get_by_label("URL:", exact=True).fill("https://gazette.example.org/denver-raids")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # The draft statement, citing it.
    visit(page, f"{base}/admin/statements/statement/add/")
    choose(page, "official", "Hancock", "Michael B. Hancock")
    choose(page, "jurisdiction", "Denver", "Denver, CO")
    page.get_by_label("Date said").fill("2019-06-22")
    page.get_by_label("Medium").select_option(label="Press statement")
    page.get_by_label("Verbatim quote").fill(QUOTE)
    choose(page, "sources", "Gazette", "Denver Gazette")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    statement = Statement.objects.get(quote=QUOTE)
    assert statement.status == "draft"
    # The editor previews the draft's public page, marked as a draft (readers get a 404).
    visit(page, f"{base}/statements/{statement.pk}/")
    expect(page.locator(".draft-banner")).to_contain_text("Draft, not public.")

    # Publish it from the list.
    visit(page, f"{base}/admin/statements/statement/?status__exact=draft")
    page.locator(f"input[name=_selected_action][value='{statement.pk}']").check()
    page.get_by_label("Action:").select_option(label="Publish selected statements")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 statement(s) published.")

    # Find it on the public site: the list, then its permalink.
    visit(page, f"{base}/statements/?q=deportation+raids+police")
    row = page.locator("table.statements tbody tr", has_text="Michael B. Hancock")
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile("Statement and sources")).click()
    expect(page).to_have_url(f"{base}/statements/{statement.pk}/")
    expect(page.locator("blockquote.quote")).to_have_text(QUOTE)
    expect(page.locator("ul.sources")).to_contain_text("Denver Gazette")

    # Correct it: the published record's form asks what changed.
    visit(page, f"{base}/admin/statements/statement/{statement.pk}/change/")
    page.get_by_label("Verbatim quote").fill(CORRECTED)
    page.get_by_role("button", name="Save correction", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("say what you corrected")
    page.get_by_label("Correction note").fill("The mayor also ruled out help from the jail.")
    page.get_by_role("button", name="Save correction", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    visit(page, f"{base}/statements/{statement.pk}/")
    expect(page.locator("blockquote.quote")).to_have_text(CORRECTED)
    expect(page.locator(".corrections")).to_contain_text(
        re.compile(r"Corrected on \w+ \d+, \d{4}: The mayor also ruled out help from the jail\.")
    )

    # Revert the correction from the history: the version as published.
    visit(page, f"{base}/admin/statements/statement/{statement.pk}/history/")
    changes = page.locator("#change-history tbody tr").first
    expect(changes).to_contain_text("Verbatim quote")
    expect(changes).to_contain_text(CORRECTED)
    page.locator("#change-history tbody tr").nth(1).get_by_role("link").first.click()
    expect(page.get_by_label("Verbatim quote")).to_have_value(QUOTE)
    page.get_by_label("Correction note").fill("Reverted: the jail was not mentioned after all.")
    page.get_by_role("button", name="Revert").last.click()
    expect(page.locator(".messagelist")).to_contain_text("Reverted “")

    visit(page, f"{base}/statements/{statement.pk}/")
    expect(page.locator("blockquote.quote")).to_have_text(QUOTE)
    expect(page.locator(".corrections")).to_contain_text(
        "Reverted: the jail was not mentioned after all."
    )
    statement.refresh_from_db()
    assert (statement.quote, statement.status) == (QUOTE, "published")
