"""Checks that a response shows text as text: parsed, not pattern-matched.

A page is parsed with the standard library's HTML parser; what the parser sees as elements and
attributes is what a browser would build, so a payload that escaped its escaping shows up as a
tag or an attribute here, and a payload shown inert shows up in the text.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

# Attributes a browser follows or loads: a javascript: or vbscript: value in one runs code.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ParsedPage:
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def all_text(self) -> str:
        return "".join(self.text)

    def attribute_values(self) -> str:
        return "\n".join(v or "" for _, attrs in self.tags for v in attrs.values())


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.page.tags.append((tag, dict(attrs)))
        if tag == "title" and not self.page.title:
            self._in_title = True

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        self.page.text.append(data)
        if self._in_title:
            self.page.title += data


def parse_html(body: str) -> ParsedPage:
    parser = _Parser()
    parser.feed(body)
    parser.close()
    return parser.page


def live_problems(page: ParsedPage) -> list[str]:
    """Every element or attribute in the page that could run script, described for a message."""
    problems = []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value:
                squashed = "".join(value.split()).lower()
                if squashed.startswith(DANGEROUS_SCHEMES):
                    problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            src = attrs.get("src") or ""
            json_data = attrs.get("type") == "application/json"
            same_origin = src.startswith("/") and not src.startswith("//")
            if not (same_origin or json_data):
                problems.append(f"<script {attrs}>")
        if tag in {"iframe", "object", "embed", "base", "frame", "applet"}:
            problems.append(f"<{tag}>")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
        if tag == "img" and attrs.get("src") == "x":
            problems.append("<img src=x>")
    return problems


def assert_inert_html(body: str, *, shown: list[str] = (), where: str = "") -> ParsedPage:
    """The page has no live script of anyone else's making, and shows each of `shown` as text."""
    page = parse_html(body)
    problems = live_problems(page)
    assert problems == [], f"{where}: live markup from content: {problems[:5]}"
    text = page.all_text
    missing = [s[:60] for s in shown if s not in text]
    assert missing == [], f"{where}: not shown as text: {missing}"
    return page


def csv_cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_csv_neutralised(rows: list[list[str]], *, where: str = "") -> None:
    """No cell a spreadsheet would run: a cell starting with a trigger must be a plain number."""
    live = [
        cell[:40]
        for row in rows
        for cell in row
        if cell.startswith(FORMULA_TRIGGERS) and not _is_number(cell)
    ]
    assert live == [], f"{where}: formula cells: {live[:5]}"


def json_strings(value) -> list[str]:
    """Every string anywhere in a parsed JSON document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


def parse_json(body: bytes):
    return json.loads(body.decode("utf-8"))


ATOM = "{http://www.w3.org/2005/Atom}"


def parse_atom(body: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(body)


def assert_inert_atom(root: ElementTree.Element, *, where: str = "") -> None:
    """Entries whose content is typed as HTML hold HTML that is itself inert."""
    for element in root.iter():
        if element.get("type") == "html" and element.text:
            assert_inert_html(element.text, where=f"{where} <{element.tag}>")
            assert "<" not in element.text.replace("<p>", "").replace("</p>", "").replace(
                "<br>", ""
            ), f"{where}: markup in {element.tag}: {element.text[:80]!r}"
