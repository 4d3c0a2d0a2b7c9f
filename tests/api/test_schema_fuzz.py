"""Schemathesis against the API's own schema, in process (the WSGI app): for every operation,
generated and edge-case requests never get a 5xx, every response conforms to the schema (status,
content type, body, headers), and every 400 names a parameter the request carried.

`make test` runs a few examples per operation; HYPOTHESIS_PROFILE=fuzz (as `make fuzz` sets)
runs many more.
"""

import os
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tracker.wsgi import application

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


def refusal_names_a_sent_parameter(ctx, response, case):
    """A 400 in JSON lists errors, each naming a parameter the request carried (or none, for
    the request as a whole), each with a message a person can act on."""
    content_type = response.headers.get("content-type", [""])[0]
    if response.status_code != 400 or not content_type.startswith("application/json"):
        return None
    sent = set(case.query or {})
    errors = response.json()["errors"]
    assert errors, "a 400 with no error"
    for error in errors:
        assert error["field"] is None or error["field"] in sent, (error, sorted(sent))
        assert error["message"].strip(), error
    return True


# (operation, status) of every request the run sent, summed up at the end of the module.
SENT: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def figures(pytestconfig):
    """Prints how many requests each operation got, by status, after the run."""
    yield
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not SENT:
        return
    operations = sorted({operation for operation, _ in SENT})
    statuses = Counter()
    for (_, status), n in SENT.items():
        statuses[status] += n
    with capture.global_and_fixture_disabled():
        reporter.write_line(
            f"\nschemathesis: {len(operations)} operations, {sum(SENT.values())} requests "
            f"({', '.join(f'{n} x {s}' for s, n in sorted(statuses.items()))})"
        )


@pytest.fixture
def connections_kept_open():
    """Requests go straight to the WSGI app, which closes the database connection after each
    one when it finds the test's transaction open (on PostgreSQL): keep it, as Django's test
    client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def many_requests(settings):
    """The fuzzer sends hundreds of requests a minute from one address."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute"},
    }


@schema.parametrize()
@settings(
    max_examples=1000 if FUZZ else 10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_conforms_to_its_schema(case, desk, many_requests, connections_kept_open):
    # A well-formed slug, date or cursor may still name nothing: the API then refuses it with
    # 400 and the parameter at fault, as the pages do, which the custom check verifies instead.
    # The WSGI transport hands over the body as sent: ask for it uncompressed, as a real client
    # would after decoding gzip.
    response = case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        excluded_checks=[positive_data_acceptance],
        additional_checks=[refusal_names_a_sent_parameter],
    )
    SENT[(case.operation.label, response.status_code)] += 1
