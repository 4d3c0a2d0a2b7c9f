"""A real SMTP server for the alerts' tests: aiosmtpd on a free local port, Django's SMTP backend
pointed at it, and every message it receives kept as parsed e-mail."""

import email
import email.policy
import importlib.util
import re
import socket
import sys
import sysconfig
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import translation

SITE_URL = "https://tracker.example.org"


def _import_aiosmtpd_controller():
    """aiosmtpd imports `public` from the atpublic package, whose import name is this project's
    `public` app. Import aiosmtpd with atpublic standing in for a moment, then put the app back:
    aiosmtpd keeps the decorator it took, and nothing else sees atpublic."""
    atpublic_dir = Path(sysconfig.get_paths()["purelib"]) / "public"
    spec = importlib.util.spec_from_file_location(
        "public", atpublic_dir / "__init__.py", submodule_search_locations=[str(atpublic_dir)]
    )
    atpublic = importlib.util.module_from_spec(spec)
    app = sys.modules.get("public")
    sys.modules["public"] = atpublic
    try:
        spec.loader.exec_module(atpublic)
        from aiosmtpd.controller import Controller
    finally:
        for name, module in list(sys.modules.items()):
            if name.startswith("public.") and str(getattr(module, "__file__", "")).startswith(
                str(atpublic_dir)
            ):
                del sys.modules[name]
        if app is not None:
            sys.modules["public"] = app
        else:
            del sys.modules["public"]
    return Controller


Controller = _import_aiosmtpd_controller()


class Inbox:
    """What the server received: (envelope recipients, raw bytes, parsed message), in order."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        self.refusing = False  # True: answer every message with a permanent failure

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "554 Transaction failed: refused by the test"
        with self.lock:
            raw = envelope.original_content or envelope.content
            message = email.message_from_bytes(raw, policy=email.policy.default)
            self.received.append((list(envelope.rcpt_tos), raw, message))
        return "250 Message accepted for delivery"

    def messages(self, to: str | None = None) -> list:
        with self.lock:
            return [m for rcpt, _, m in self.received if to is None or to in rcpt]

    def raw(self, index: int = -1) -> bytes:
        return self.received[index][1]

    def clear(self) -> None:
        with self.lock:
            self.received.clear()


@pytest.fixture(autouse=True)
def _english_between_tests():
    # A request to /es/ leaves Spanish active in the thread (LocaleMiddleware activates it and
    # nothing resets it), so a later reverse() would build /es/ addresses.
    translation.activate("en")
    yield
    translation.activate("en")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    # The test environment swaps in the in-memory backend for every test: put real SMTP back.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": controller.hostname, "port": controller.port, "timeout": 10},
        }
    }
    settings.DEFAULT_FROM_EMAIL = "alerts@tracker.example.org"
    settings.SITE_URL = SITE_URL
    yield inbox
    controller.stop()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links(text: str, *, containing: str = "") -> list[str]:
    """The site's absolute links in a mail's text, as paths the test client can open."""
    found = re.findall(re.escape(SITE_URL) + r"/[^\s<>\"]*", text)
    return [
        urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        for url in found
        if containing in url
    ]


def link(text: str, containing: str) -> str:
    (found,) = set(links(text, containing=containing))
    return found
