"""The admin's rough edges an editor met (issue 14): a literal "None" in the history, titles
cut mid-word, Status off-screen on a phone's list."""

import re

from statements.models import Statement
from tests.admin_helpers import admin_url
from tests.factories import StatementFactory

LONG_QUOTE = (
    "Our police department will not take part in immigration enforcement, whatever the "
    "federal government announces this week."
)


def test_the_history_shows_no_literal_none_for_a_missing_reason_or_user(
    client, login, draft_statement
):
    # The factory saved the draft with neither a user nor a reason, as a command would.
    assert draft_statement.history.filter(history_change_reason__isnull=True).exists()
    assert draft_statement.history.filter(history_user__isnull=True).exists()
    login("editor")

    page = client.get(admin_url(Statement, "history", draft_statement.pk))

    table = re.search(r'<table id="change-history".*?</table>', page.content.decode(), re.S)[0]
    assert "None" not in table
    assert "—" in table


def test_a_statements_title_is_cut_between_words_with_an_ellipsis(db):
    statement = StatementFactory(quote=LONG_QUOTE)

    title = str(statement)

    text = title.split(": ", 1)[1]
    assert text.endswith("…")
    kept = text.removesuffix("…")
    assert LONG_QUOTE.startswith(kept)
    assert LONG_QUOTE[len(kept)] == " "  # the cut falls between two words
    assert len(text) <= 60


def test_the_list_cuts_the_quote_between_words_and_shows_status_second(
    client, login, draft_statement
):
    StatementFactory(quote=LONG_QUOTE, jurisdiction=draft_statement.jurisdiction)
    login("editor")

    page = client.get(admin_url(Statement, "changelist"))

    html = page.content.decode()
    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', html)
    assert headers[:2] == ["said_on", "status"]  # after the checkbox: in view on a phone
    excerpt = re.search(r'<td class="field-excerpt">(.*?)</td>', html, re.S)[1]
    assert excerpt.endswith("…")
    assert LONG_QUOTE.startswith(excerpt.removesuffix("…"))
    assert LONG_QUOTE[len(excerpt) - 1] == " "


def test_every_admin_page_loads_the_trackers_admin_styles(client, login):
    login("editor")

    page = client.get(admin_url(Statement, "changelist"))

    assert re.search(r'href="/static/css/admin[^"]*\.css"', page.content.decode())
