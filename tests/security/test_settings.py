"""Deploy-safe settings: the production environment passes `check --deploy`, and every response
carries the security headers a browser needs to refuse injected script, framing and sniffing."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "tracker.example.org",
}


# The test run's own switches (conftest allows sync code in async contexts for Playwright).
NOT_PRODUCTION = ("DEBUG", "HTTPS", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")


def production_env(**overrides: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_PRODUCTION}
    return {**clean, **PRODUCTION_ENV, **overrides}


def run_manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_in_the_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_complain_without_https_so_the_check_above_means_something():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(HTTPS="false")
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W008" in result.stderr  # no SSL redirect


def test_https_environment_turns_on_hsts_redirects_and_secure_cookies():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', 'DEBUG')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=production_env(DJANGO_SETTINGS_MODULE="tracker.settings"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "DEBUG": False,
    }


def public_responses(client) -> dict:
    return {
        "home": client.get(reverse("cities:home")),
        "cities": client.get(reverse("cities:list")),
        "statements": client.get(reverse("statements:list")),
        "download": client.get(reverse("statements:list"), {"format": "csv"}),
        "geojson": client.get(reverse("maps:geojson")),
        "feed": client.get(reverse("statements:feed")),
        "admin login": client.get(reverse("admin:login")),
        "not found": client.get("/no-such-page/"),
    }


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_response_carries_a_strict_content_security_policy(seeded):
    for name, response in public_responses(Client()).items():
        assert response.status_code in (200, 404), name
        policy = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy, name
        assert "'unsafe-eval'" not in policy, name
        directives = csp_directives(policy)
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["object-src"] == ["'none'"], name
        assert directives["default-src"] == ["'self'"], name
        # Scripts come from this site only, or carry this response's nonce.
        assert all(s == "'self'" or s.startswith("'nonce-") for s in directives["script-src"])


def test_every_response_carries_the_other_security_headers(seeded):
    for name, response in public_responses(Client()).items():
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "interest-cohort=()"):
            assert feature in permissions, name
        assert len(response["X-Request-ID"]) >= 8, name


def test_the_admin_nonce_changes_with_every_response(db):
    client = Client()
    first = csp_directives(client.get(reverse("admin:login"))["Content-Security-Policy"])
    second = csp_directives(client.get(reverse("admin:login"))["Content-Security-Policy"])
    nonces = [[s for s in d["script-src"] if s.startswith("'nonce-")] for d in (first, second)]
    assert nonces[0] and nonces[1] and nonces[0] != nonces[1]


HTTPS_ON = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@override_settings(**HTTPS_ON)
def test_with_https_plain_http_is_redirected_to_https(db):
    response = Client().get("/cities/?state=IL")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/cities/?state=IL"


@override_settings(**HTTPS_ON)
def test_with_https_responses_carry_hsts(seeded):
    response = Client().get(reverse("cities:list"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@override_settings(**HTTPS_ON)
def test_with_https_the_session_and_csrf_cookies_are_secure_and_http_only(editor):
    client = Client()
    login_page = client.get(reverse("admin:login"), secure=True)
    assert login_page.cookies["csrftoken"]["secure"]
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "a-long-editor-password", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.parametrize("path", ["/", "/cities/", "/statements/", "/map/"])
def test_pages_use_no_inline_script_or_style_without_a_nonce(seeded, path):
    from html.parser import HTMLParser

    found = []

    class Inline(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            # A JSON data block (json_script) is never run, so CSP does not govern it.
            data_block = attrs.get("type") == "application/json"
            if tag == "script" and "src" not in attrs and "nonce" not in attrs and not data_block:
                found.append(("script", attrs))
            if tag == "style" and "nonce" not in attrs:
                found.append(("style", attrs))
            if "style" in attrs:
                found.append(("style attribute", tag))

    response = Client().get(path)
    assert response.status_code == 200
    Inline().feed(response.content.decode())
    assert found == []
