"""Find text a reader would see in a template that is not marked for translation.

A template is read with Django's own lexer. Text inside {% translate %} and {% blocktranslate %}
is marked; {{ variables }} and other tags are not text. What is left, once HTML tags, comments,
scripts and styles are taken out, must hold no words, except the few names that stay as they are
in every language (ALLOWED). The text of attributes a reader hears or sees (aria-label, title,
alt, placeholder, a meta tag's content) is checked too.
"""

import re
from pathlib import Path

from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Editors' pages stay in English (the admin is not translated); the API's page is Swagger UI's.
SKIPPED = ("admin/", "api/")
# Names and codes that read the same in English and Spanish.
ALLOWED = [
    "Sanctuary Tracker",
    "287(g)",
    "GeoJSON",
    "JSON",
    "CSV",
    "ICE",
    "Atom",
    "GeoNames",
    "MOA",
    "SVG",
    "API",
    "OpenAPI",
    "FIPS",
    "USPS",
    "DC",
    "gzip",
    "Email",
]
# Attribute values that are instructions to browsers and robots, not text.
ALLOWED_RUNS = {"width=device-width, initial-scale=1", "noindex", "noindex, nofollow"}
PLACEHOLDER = "\x00"
ATTRIBUTE = re.compile(r'\s(?:aria-label|title|alt|placeholder|content|aria-description)="([^"]*)"')
TAG = re.compile(r"<[^>]*>")
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.DOTALL)
WORD = re.compile(r"[^\W\d_]{2,}")


def outside_text(source: str) -> str:
    """The template's text outside translation tags, each tag or variable replaced by PLACEHOLDER."""
    pieces = []
    skipping = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if skipping:
                if name == skipping:
                    skipping = None
            elif name in ("blocktranslate", "blocktrans"):
                skipping = "end" + name
            elif name == "comment":
                skipping = "endcomment"
            elif name == "verbatim":
                skipping = "endverbatim"
            pieces.append(PLACEHOLDER)
        elif skipping or token.token_type == TokenType.COMMENT:
            continue
        elif token.token_type == TokenType.VAR:
            pieces.append(PLACEHOLDER)
        else:
            pieces.append(token.contents)
    return "".join(pieces)


def unmarked_text(source: str) -> list[str]:
    """Each run of unmarked text with a word in it."""
    text = HIDDEN.sub(" ", outside_text(source))
    runs = list(ATTRIBUTE.findall(text))
    text = re.sub(
        r"\s(?:href|src|id|class|datetime|data-[\w-]+|rel|type|name|for|lang|hreflang|"
        r"method|action|value|role|viewBox|d|fill|stroke|points|transform|xmlns|"
        r'aria-[\w-]+|style|width|height|[\w-]+)="[^"]*"',
        " ",
        text,
    )
    runs += TAG.sub(PLACEHOLDER, text).split(PLACEHOLDER)
    found = []
    for run in runs:
        if run.strip() in ALLOWED_RUNS or run.lstrip().startswith("&lt;"):
            continue  # a browser instruction, or markup shown as code
        cleaned = run
        for allowed in ALLOWED:
            cleaned = cleaned.replace(allowed, " ")
        cleaned = re.sub(r"&\w+;", " ", cleaned)
        if WORD.search(cleaned):
            found.append(" ".join(run.split()))
    return found


def public_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if not name.startswith(SKIPPED):
            yield name, path
