"""Lockouts target the attacker, not the newsroom.

The finding: django-axes locked by address, so five failed logins with made-up usernames locked
the editor out from that address (429 on the right password), and behind the README's load
balancer every staff member shares one address; PROXY_COUNT had no effect. Now a lockout is per
username and address, and the address is the client's, read past PROXY_COUNT proxies.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tracker.client_address import client_address

EDITOR_PASSWORD = "a-long-editor-password"


def log_in(client, username, password, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **headers,
    )


def fail_five_times(client, username, **headers):
    """Five failed logins: the fifth is the one that locks the pair out."""
    for _ in range(4):
        response = log_in(client, username, "wrong password", **headers)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    assert log_in(client, username, "wrong password", **headers).status_code == 429


def test_failures_with_made_up_usernames_do_not_lock_out_the_editor(client, editor):
    address = {"REMOTE_ADDR": "203.0.113.7"}
    for n in range(5):
        assert log_in(client, f"made-up-{n}", "guess", **address).status_code == 200

    response = log_in(client, "editor", EDITOR_PASSWORD, **address)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_failures_for_the_editor_lock_out_that_address_only(client, editor):
    fail_five_times(client, "editor", REMOTE_ADDR="203.0.113.7")

    locked = log_in(client, "editor", EDITOR_PASSWORD, REMOTE_ADDR="203.0.113.7")
    elsewhere = log_in(client, "editor", EDITOR_PASSWORD, REMOTE_ADDR="203.0.113.8")

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert elsewhere.status_code == 302


def test_behind_one_proxy_two_clients_are_told_apart(client, settings, editor):
    settings.PROXY_COUNT = 1
    # Both requests come from the proxy's address; only X-Forwarded-For tells them apart.
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    colleague = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    fail_five_times(client, "editor", **attacker)

    assert log_in(client, "editor", EDITOR_PASSWORD, **attacker).status_code == 429
    assert log_in(client, "editor", EDITOR_PASSWORD, **colleague).status_code == 302


def test_a_forged_left_most_forwarded_address_is_ignored(client, settings, editor):
    settings.PROXY_COUNT = 1
    # A proxy that appends puts the real address last; whatever the client wrote comes before.
    statuses = []
    for n in range(5):
        forged = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"10.0.0.{n}, 198.51.100.1"}
        statuses.append(log_in(client, "editor", "wrong password", **forged).status_code)
    # Each forged entry differs, yet all five count against the one real address.
    assert statuses == [200, 200, 200, 200, 429]

    # Forging the colleague's address does not get the attacker out of the lockout...
    posing = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.2, 198.51.100.1"}
    assert log_in(client, "editor", EDITOR_PASSWORD, **posing).status_code == 429
    # ...and the colleague, whose address was forged, was never locked out.
    colleague = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert log_in(client, "editor", EDITOR_PASSWORD, **colleague).status_code == 302


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # no proxy: the header is a lie
        (1, "127.0.0.1", "198.51.100.1", "198.51.100.1"),
        (1, "127.0.0.1", "10.0.0.1, 198.51.100.1", "198.51.100.1"),
        (2, "10.1.1.1", "6.6.6.6, 198.51.100.1, 10.2.2.2", "198.51.100.1"),
        (1, "127.0.0.1", " 2001:db8::1 ", "2001:db8::1"),
        (1, "127.0.0.1", "", "127.0.0.1"),  # the proxy did not say: its own address
        (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
        (1, "127.0.0.1", "198.51.100.1:4444", "127.0.0.1"),
        (2, "127.0.0.1", "198.51.100.1", "127.0.0.1"),  # fewer entries than proxies
    ],
)
def test_the_client_address_is_read_past_exactly_the_configured_proxies(
    settings, proxies, remote, forwarded, expected
):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_axes_reads_the_same_address(settings):
    from axes.helpers import get_client_ip_address

    settings.PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1"
    )
    assert get_client_ip_address(request) == "198.51.100.1"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
