"""Hostile text in every free-text field shows inert everywhere it appears: on every public page,
in the map's SVG, the feed, the downloads and the GeoJSON, and in the admin. What cannot be stored
(NUL) or must not be linked (javascript: URLs) is refused at input with a message."""

from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from statements.models import Source

from .corpus import (
    HOSTILE,
    JAVASCRIPT_URLS,
    LONG_WORD,
    NULL_BYTE,
    build_worlds,
    covered_fields,
    free_text_fields,
)
from .inert import (
    assert_csv_neutralised,
    assert_inert_atom,
    assert_inert_html,
    csv_cells,
    json_strings,
    parse_atom,
    parse_json,
)

MARKUP_KEYS = [
    "script tag",
    "attribute breakout",
    "single-quote breakout",
    "svg payload",
    "closing tags",
    "cdata end",
]


@pytest.fixture
def worlds(db):
    return build_worlds()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def get_ok(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, f"{url} {params}: {response.status_code}"
    return response


def test_the_corpus_fills_every_free_text_field_of_every_model():
    fields = {(model.__name__, name) for model, name in free_text_fields()}
    assert fields - covered_fields() == set(), "a new text field needs a hostile value"


def test_hostile_text_is_stored_as_given(worlds):
    for world in worlds:
        world.statement.refresh_from_db()
        assert world.statement.quote == world.text
        world.jurisdiction.refresh_from_db()
        assert world.jurisdiction.name == world.name


def test_home_and_lists_show_hostile_text_inert(worlds):
    client = Client()
    pages = {
        "home": get_ok(client, reverse("cities:home")),
        "cities": get_ok(client, reverse("cities:list")),
        "cities, second page of names": get_ok(client, reverse("cities:list"), {"sort": "state"}),
        "statements": get_ok(client, reverse("statements:list")),
        "map": get_ok(client, reverse("maps:map")),
    }
    for name, response in pages.items():
        page = assert_inert_html(response.content.decode(), where=name)
        assert page.title, name
    # The lists show every name as text, markup and all.
    cities_text = assert_inert_html(pages["cities"].content.decode()).all_text
    for world in worlds:
        assert world.name in cities_text, world.key


def test_map_svg_shows_names_as_text_in_marker_titles(worlds):
    response = get_ok(Client(), reverse("maps:map"))
    page = assert_inert_html(response.content.decode(), where="map")
    tags = [tag for tag, _ in page.tags]
    # Only the app's own SVG elements: no <svg> from content, no <animate>, no <x>.
    assert "animate" not in tags
    assert "x" not in tags
    assert "img" not in tags
    for world in worlds:
        assert f"{world.name}, {world.jurisdiction.state}: Refuses cooperation" in page.all_text


def test_detail_pages_show_hostile_text_inert(worlds):
    client = Client()
    for world in worlds:
        pages = {
            "jurisdiction": (
                world.jurisdiction.get_absolute_url(),
                [world.name, world.text],  # name, and the stance summary in full
            ),
            "official": (
                world.official.get_absolute_url(),
                [world.official.name, world.role.title],
            ),
            "statement": (
                world.statement.get_absolute_url(),
                [world.text, world.source.publisher, world.source.title],
            ),
            "event": (world.event.get_absolute_url(), [world.event.name, world.text]),
        }
        for kind, (url, shown) in pages.items():
            response = get_ok(client, url)
            assert_inert_html(response.content.decode(), shown=shown, where=f"{kind} {world.key}")


def test_hostile_text_in_filters_is_echoed_inert(worlds):
    client = Client()
    for key in MARKUP_KEYS:
        text = HOSTILE[key]
        for url, params in [
            (reverse("cities:list"), {"q": text}),
            (reverse("statements:list"), {"q": text}),
            (reverse("maps:map"), {"q": text}),
            (reverse("statements:list"), {"city": text}),
            (reverse("statements:list"), {"said_after": text}),
            (reverse("cities:list"), {"state": text}),
            (reverse("maps:map"), {"as_of": text}),
        ]:
            response = client.get(url, params)
            assert response.status_code in (200, 400), (url, params)
            assert_inert_html(response.content.decode(), where=f"{url} {params}")


def test_csv_downloads_neutralise_formulas_and_keep_the_text(worlds):
    client = Client()
    for url in (reverse("statements:list"), reverse("cities:list")):
        rows = csv_cells(body(get_ok(client, url, {"format": "csv"})))
        assert len(rows) == len(worlds) + 1
        assert_csv_neutralised(rows, where=url)
    statements = csv_cells(body(get_ok(client, reverse("statements:list"), {"format": "csv"})))
    quote = statements[0].index("quote")
    quotes = {row[quote] for row in statements[1:]}
    for world in worlds:
        formula = world.text.startswith(("=", "+", "-", "@", "\t"))
        assert (f"'{world.text}" if formula else world.text) in quotes, world.key


def test_json_downloads_and_geojson_carry_the_text_exactly(worlds):
    client = Client()
    statements = parse_json(body(get_ok(client, reverse("statements:list"), {"format": "json"})))
    assert {s["quote"] for s in statements} == {w.text for w in worlds}
    cities = parse_json(body(get_ok(client, reverse("cities:list"), {"format": "json"})))
    assert {c["name"] for c in cities} == {w.name for w in worlds}
    response = get_ok(client, reverse("maps:geojson"))
    assert response["Content-Type"] == "application/geo+json"
    geojson = parse_json(response.content)
    assert {f["properties"]["name"] for f in geojson["features"]} == {w.name for w in worlds}
    # Strings round-trip: no escaping bug doubles or drops anything.
    assert set(json_strings(statements)) >= {w.source.publisher for w in worlds}


def test_feed_is_well_formed_and_its_html_content_inert(worlds):
    response = get_ok(Client(), reverse("statements:feed"))
    root = parse_atom(response.content)
    assert_inert_atom(root, where="feed")
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == len(worlds)


def test_error_pages_show_hostile_addresses_inert(db):
    client = Client()
    for key in MARKUP_KEYS:
        response = client.get("/cities/" + HOSTILE[key].replace("/", "%2F") + "/")
        assert response.status_code == 404
        assert_inert_html(response.content.decode(), where=f"404 {key}")


@pytest.fixture
def admin_client_(db, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "x-long-pass")
    client = Client()
    client.force_login(user)
    return client


def _admin_url(record, view):
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[record.pk])


def test_admin_changelists_show_hostile_text_inert(worlds, admin_client_):
    for model in admin.site._registry:
        if model._meta.app_label not in ("cities", "statements"):
            continue
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = admin_client_.get(url)
        assert response.status_code == 200, url
        assert_inert_html(response.content.decode(), where=url)
        searched = admin_client_.get(url, {"q": HOSTILE["attribute breakout"]})
        assert searched.status_code == 200, url
        assert_inert_html(searched.content.decode(), where=f"{url} search")


def test_admin_change_and_history_pages_show_hostile_text_inert(worlds, admin_client_):
    for world in worlds:
        if world.key not in MARKUP_KEYS:
            continue
        for record in world.records():
            if type(record) not in admin.site._registry:
                continue
            for view in ("change", "history"):
                url = _admin_url(record, view)
                response = admin_client_.get(url)
                assert response.status_code == 200, url
                assert_inert_html(response.content.decode(), where=f"{url} {world.key}")


def test_null_bytes_are_refused_by_the_admin_form_with_a_message(admin_client_):
    response = admin_client_.post(
        reverse("admin:cities_official_add"), {"name": NULL_BYTE, "slug": "null-byte"}
    )
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    from cities.models import Official

    assert not Official.objects.filter(slug="null-byte").exists()


@pytest.mark.parametrize(
    "url, params",
    [
        ("cities:list", {"q": NULL_BYTE}),
        ("statements:list", {"q": NULL_BYTE}),
        ("maps:map", {"q": NULL_BYTE}),
        ("statements:list", {"city": NULL_BYTE}),
        ("statements:list", {"official": NULL_BYTE}),
        ("statements:list", {"event": NULL_BYTE}),
        ("cities:list", {"event": NULL_BYTE}),
    ],
)
def test_null_bytes_in_filters_get_a_400_with_a_message(db, url, params):
    response = Client().get(reverse(url), params)
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


def test_a_null_byte_in_a_date_filter_gets_the_date_message(db):
    response = Client().get(reverse("statements:list"), {"said_after": NULL_BYTE})
    assert response.status_code == 400
    assert "Enter a real date as YYYY-MM-DD" in response.content.decode()


def test_null_bytes_in_downloads_and_the_feed_get_a_400(db):
    client = Client()
    for url, params in [
        (reverse("statements:list"), {"q": NULL_BYTE, "format": "csv"}),
        (reverse("statements:feed"), {"city": NULL_BYTE}),
        (reverse("maps:geojson"), {"q": NULL_BYTE}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 400, (url, params)
        assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("bad", JAVASCRIPT_URLS)
def test_source_urls_refuse_script_schemes(db, bad):
    source = Source(publisher="Daily", url=bad, archived_url="")
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert "url" in refused.value.message_dict
    archived = Source(publisher="Daily", url="https://news.example.org/a", archived_url=bad)
    with pytest.raises(ValidationError) as refused:
        archived.full_clean()
    assert "archived_url" in refused.value.message_dict


def test_the_source_admin_refuses_a_javascript_url_with_a_message(admin_client_):
    response = admin_client_.post(
        reverse("admin:statements_source_add"),
        {"publisher": "Daily", "url": "javascript:alert(1)", "title": "x"},
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Source.objects.filter(publisher="Daily").exists()


@pytest.mark.parametrize("path", ["/cities/x-il/", "/statements/"])
def test_invalid_utf8_in_the_address_gets_a_400_with_a_message(db, path):
    response = Client().get(path + "?q=%ED%A0%80%FF")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()


def test_a_long_word_cannot_widen_the_page_the_stylesheet_wraps_anywhere(worlds):
    """The layout holds a 10,000-character word: the site's stylesheet lets any text wrap."""
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    squashed = "".join(css.split())
    # break-word, not anywhere: "anywhere" also let table columns shrink and break "Atla|nta".
    assert "overflow-wrap:break-word" in squashed
    rule_start = squashed.index("overflow-wrap:break-word")
    selector = squashed[:rule_start].rsplit("}", 1)[-1]
    assert "body" in selector or "main" in selector, selector
    response = get_ok(Client(), reverse("statements:list"))
    assert LONG_WORD[:2000] in response.content.decode()


@pytest.mark.parametrize("text", ["\x01", "bell\x07", "\x1b[31m", "\x0b", "\ufffe"])
def test_control_characters_in_the_address_get_a_400_with_a_message(db, text):
    for url in (reverse("statements:feed"), reverse("statements:list"), reverse("cities:list")):
        response = Client().get(url, {"q": text})
        assert response.status_code == 400, url
        assert "control characters" in response.content.decode()


def test_a_stored_control_character_does_not_break_the_feed(db):
    from django.utils import timezone

    from statements.models import Correction
    from tests import factories

    statement = factories.StatementFactory(
        quote="Pasted from a word processor:\x0b a vertical tab\x07."
    )
    Correction.objects.create(
        statement=statement, corrected_at=timezone.now(), note="Fixed\x0c a form feed."
    )
    for url, text in [
        (reverse("statements:feed"), "a vertical tab"),
        ("/changes/feed/", "a form feed"),
    ]:
        response = Client().get(url)
        assert response.status_code == 200, url
        root = parse_atom(response.content)
        assert text in "".join(root.itertext()), url


def test_the_xml_safe_feed_writes_control_characters_out():
    from xml.etree import ElementTree

    from tracker.text import XmlSafeAtom1Feed

    feed = XmlSafeAtom1Feed(title="Title\x0b", link="/", description="d\x07")
    feed.add_item(
        title="quote\x1b[31m", link="/s/1/", description="<p>a\x0cb</p>", categories=["x\x01"]
    )
    root = ElementTree.fromstring(feed.writeString("utf-8"))
    text = "".join(root.itertext())
    assert "Title" in text and "quote[31m" in text and "<p>ab</p>" in text
