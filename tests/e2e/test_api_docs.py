"""In a real browser: the API's documentation page renders Swagger UI from the app's own files
under the site's strict Content-Security-Policy (the page fixture fails on any CSP violation,
console error or failed file), and a developer can try an operation from it."""

import pytest
from playwright.sync_api import expect

from .conftest import visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_a_developer_reads_the_api_docs_and_tries_the_statements_list(page, seeded_live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    visit(page, f"{seeded_live_server.url}/api/docs/")

    # The schema is generated on the first request (then cached): give it time on a busy machine.
    title = page.locator(".swagger-ui .info .title")
    expect(title).to_contain_text("Sanctuary Tracker API", timeout=30_000)
    operations = page.locator(".opblock-get")
    expect(operations.first).to_be_visible()
    assert operations.count() == 21
    # Everything came from the app itself: no CDN, no font service, no validator badge.
    assert all(url.startswith(seeded_live_server.url) for url in requested), requested

    statements = page.locator("#operations-statements-statements_list")
    statements.locator(".opblock-summary").click()
    statements.get_by_role("button", name="Try it out").click()
    # The form starts from the schema's examples (city=chicago-il, q=raids...); change one.
    statements.locator('input[placeholder="said_after"]').fill("2019-01-01")
    statements.get_by_role("button", name="Execute").click()
    status = statements.locator(".live-responses-table .response .response-col_status")
    expect(status.first).to_have_text("200")
    request_url = statements.locator(".request-url pre").first
    expect(request_url).to_contain_text("/api/v1/statements/?")
    expect(request_url).to_contain_text("said_after=2019-01-01")
    body = statements.locator(".live-responses-table .response-col_description pre").first
    expect(body).to_contain_text('"results"')
    expect(body).to_contain_text('"next"')
    page._browser_problems.assert_none("/api/docs/ after trying an operation")
