"""Production refuses to start without a real secret key, and says what to set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def manage_check(**env) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""), **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("debug", [None, "false", "0"], ids=["unset", "false", "zero"])
def test_with_debug_off_and_no_secret_key_the_app_refuses_to_start(debug):
    result = manage_check(**({"DEBUG": debug} if debug is not None else {}))
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set." in result.stderr
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_an_empty_secret_key_counts_as_none():
    result = manage_check(SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set." in result.stderr


def test_with_a_secret_key_the_app_starts():
    result = manage_check(SECRET_KEY="a-long-random-production-key")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_in_development_the_app_starts_without_a_secret_key():
    result = manage_check(DEBUG="true")
    assert result.returncode == 0, result.stderr
