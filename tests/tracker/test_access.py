"""Admin access: lockout after repeated failures, expiring sessions, validated passwords.

A flood over many usernames from one address meets the login rate limit, not the lockout:
tests/security/test_edges.py and tests/security/test_lockout.py."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse


def _try_login(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )


def test_repeated_failed_logins_lock_that_username_out_from_that_address_with_a_429(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _try_login(client, "editor", "wrong password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = _try_login(client, "editor", "wrong password")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Even the right password is refused while locked out.
    still_locked = _try_login(client, "editor", "a-long-editor-password")
    assert still_locked.status_code == 429


def test_a_correct_login_gets_in(client, editor):
    response = _try_login(client, "editor", "a-long-editor-password")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_sessions_expire_after_a_working_day_and_with_the_browser():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("weak", ["password", "12345678", "short"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)
