"""Admin access: lockout after repeated failures, expiring sessions, validated passwords."""

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


def test_repeated_failed_logins_lock_the_address_out_with_a_429(client, editor):
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


def test_a_flood_over_many_usernames_from_one_address_is_locked_out(client, db):
    statuses = [_try_login(client, f"user{n}", "guess").status_code for n in range(10)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}


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
