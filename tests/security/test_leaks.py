"""Leak audit: with draft, retracted and unpublished records present, no public URL shows any of
them or counts them, and a draft's page needs an editor's login.

The walk discovers the public URLs from the URLconf, so a new public page fails this test until
the walk covers it.
"""

import csv
import datetime
import gzip
import io
import json
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from cities.models import Jurisdiction, StanceLevel
from statements import services
from statements.models import Stance, Statement, Status
from tests import factories
from tests.alerts.pages import alert_walk

from .inert import assert_inert_html

# Each hidden record carries one of these in every text field it has; none may appear anywhere.
MARKERS = {
    "draft statement": "zqxdraftstatementmarker",
    "retracted statement": "zqxretractedstatementmarker",
    "unpublished statement": "zqxunpublishedstatementmarker",
    "draft stance": "zqxdraftstancemarker",
    "retracted stance": "zqxretractedstancemarker",
    "unpublished stance": "zqxunpublishedstancemarker",
    "draft-only source": "zqxdraftonlysourcemarker",
}


# The public record of changes lists retractions, by design: a retracted record is announced
# there (and keeps its permalink), while drafts and unpublished records appear nowhere.
RETRACTIONS = {"retracted statement", "retracted stance"}
ALLOWED = {"changes/": RETRACTIONS, "changes/feed/": RETRACTIONS}


def _route(pattern) -> str:
    return str(pattern.pattern)


def public_routes() -> set[str]:
    """Every route of the URLconf outside the admin, e.g. "cities/<slug:slug>/"."""
    routes = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if _route(pattern).startswith("admin/"):
                    continue
                walk(pattern.url_patterns, prefix + _route(pattern))
            elif isinstance(pattern, URLPattern):
                routes.add(prefix + _route(pattern))

    walk(get_resolver().url_patterns, "")
    return routes


@pytest.fixture
def newsroom(db):
    """Published records beside every kind of hidden one, each hidden one marked."""
    source = factories.SourceFactory(publisher="Daily Record")
    hidden_source = factories.SourceFactory(
        publisher=MARKERS["draft-only source"], title=MARKERS["draft-only source"]
    )
    event = factories.EventFactory(name="Operation Spring", slug="operation-spring")
    denver = factories.JurisdictionFactory(name="Denver", state="CO", slug="denver-co")
    chicago = factories.JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")
    # A place with nothing published: the map must not draw it.
    hidden_place = factories.JurisdictionFactory(name="Quiet Town", state="KS", slug="quiet-ks")
    event.targeted_jurisdictions.add(denver, chicago)
    mayor = factories.OfficialFactory(name="Mayor Ada", slug="mayor-ada")
    factories.RoleFactory(official=mayor, jurisdiction=denver, title="Mayor")

    published = [
        factories.StatementFactory(
            official=mayor,
            jurisdiction=denver,
            event=event,
            quote="We will not help with these raids.",
            sources=[source],
        ),
        factories.StatementFactory(jurisdiction=chicago, quote="Chicago stands firm."),
    ]

    def statement(marker, *, status, jurisdiction=denver, sources=None, **extra):
        return factories.StatementFactory(
            official=mayor,
            jurisdiction=jurisdiction,
            event=event,
            quote=f"{marker} said this",
            summary=f"{marker} summary",
            said_on=datetime.date(2025, 1, 1),  # newer than anything published
            status=status,
            sources=sources,
            **extra,
        )

    statement(MARKERS["draft statement"], status=Status.DRAFT, sources=[hidden_source])
    statement(
        MARKERS["retracted statement"],
        status=Status.RETRACTED,
        retraction_reason=f"{MARKERS['retracted statement']} reason",
        retracted_at=timezone.now(),
    )
    unpublished = statement(MARKERS["unpublished statement"], status=Status.PUBLISHED)
    services.statements_unpublish(statements=[unpublished])
    statement(MARKERS["draft statement"], status=Status.DRAFT, jurisdiction=hidden_place)

    # Denver limits cooperation since 2019; a newer draft stance would make it cooperate.
    limited = factories.StanceFactory(
        jurisdiction=denver, level=StanceLevel.LIMITED, effective_from=datetime.date(2019, 1, 1)
    )
    services.stance_publish(stance=limited)
    factories.StanceFactory(
        jurisdiction=denver,
        level=StanceLevel.COOPERATES,
        effective_from=datetime.date(2024, 1, 1),
        summary=MARKERS["draft stance"],
        status=Status.DRAFT,
        sources=[hidden_source],
    )
    # Chicago refuses since 2020; a retracted stance claimed it cooperated before then.
    refuses = factories.StanceFactory(
        jurisdiction=chicago, level=StanceLevel.REFUSES, effective_from=datetime.date(2020, 1, 1)
    )
    services.stance_publish(stance=refuses)
    factories.StanceFactory(
        jurisdiction=chicago,
        level=StanceLevel.COOPERATES,
        effective_from=datetime.date(2015, 1, 1),
        ended_on=datetime.date(2020, 1, 1),
        summary=MARKERS["retracted stance"],
        status=Status.RETRACTED,
        retraction_reason=MARKERS["retracted stance"],
        retracted_at=timezone.now(),
    )
    # A stance published, then taken back to draft: the headline returns to "refuses".
    taken_back = factories.StanceFactory(
        jurisdiction=chicago,
        level=StanceLevel.COOPERATES,
        effective_from=datetime.date(2024, 6, 1),
        summary=MARKERS["unpublished stance"],
    )
    services.stance_publish(stance=taken_back)
    services.stance_unpublish(stance=taken_back)
    hidden_place.refresh_from_db()
    return {
        "published": published,
        "denver": denver,
        "chicago": chicago,
        "hidden_place": hidden_place,
        "mayor": mayor,
        "event": event,
        "hidden": list(Statement.objects.exclude(status=Status.PUBLISHED)),
        "hidden_stances": list(Stance.objects.exclude(status=Status.PUBLISHED)),
    }


FILTERS = {
    "/cities/": [
        {},
        {"stance": "cooperates"},
        {"stance": "limited"},
        {"state": "CO"},
        {"event": "operation-spring"},
        {"q": "zqx"},
        {"sort": "latest"},
        {"level": "city"},
        {"agreement": "listed"},
        {"agreement": "none"},
        {"designation": "any"},
        {"designation": "none", "stance": "refuses"},
    ],
    "/statements/": [
        {},
        {"city": "denver-co"},
        {"official": "mayor-ada"},
        {"event": "operation-spring"},
        {"said_after": "2024-01-01"},
        {"q": "zqxdraftstatement"},  # the page echoes the words, so not the whole marker
        {"q": "said this"},
        {"stance": "limited"},
        {"sort": "oldest"},
    ],
    "/map/": [{}, {"as_of": "2018-01-01"}, {"as_of": "2024-12-31"}, {"stance": "cooperates"}],
    "/map/data.geojson": [{}, {"as_of": "2018-01-01"}, {"as_of": "2024-12-31"}],
    "/map/fragment/": [{}, {"as_of": "2018-01-01"}, {"as_of": "2024-12-31"}],
    "/statements/feed/": [{}, {"city": "denver-co"}, {"official": "mayor-ada"}],
    "/": [{}],
    "/methodology/": [{}],
}


def walk_urls(newsroom) -> dict[str, list[str]]:
    """{route: the URLs that visit it}, every public route, with and without filters."""
    published = newsroom["published"]
    places = [newsroom["denver"], newsroom["chicago"], newsroom["hidden_place"]]

    def with_filters(path, *, downloads=False):
        urls = []
        for params in FILTERS[path]:
            urls.append(path + ("?" + urlencode(params) if params else ""))
            if downloads:
                for fmt in ("csv", "json"):
                    urls.append(path + "?" + urlencode({**params, "format": fmt}))
        return urls

    return {
        "": with_filters("/"),
        "cities/": with_filters("/cities/", downloads=True),
        "cities/<slug:slug>/": [p.get_absolute_url() for p in places],
        "officials/<slug:slug>/": [newsroom["mayor"].get_absolute_url()],
        "cities/<slug:slug>/feed/": [f"{p.get_absolute_url()}feed/" for p in places],
        "officials/<slug:slug>/feed/": [f"{newsroom['mayor'].get_absolute_url()}feed/"],
        "embed/<slug:slug>/": [f"/embed/{p.slug}/" for p in places],
        "statements/": with_filters("/statements/", downloads=True)
        + [
            f"/statements/?{urlencode({**p, 'format': 'sources_csv'})}"
            for p in FILTERS["/statements/"]
        ],
        "statements/feed/": with_filters("/statements/feed/"),
        "statements/<int:pk>/": [s.get_absolute_url() for s in published],
        "events/<slug:slug>/": [newsroom["event"].get_absolute_url()],
        "map/": with_filters("/map/"),
        "map/data.geojson": with_filters("/map/data.geojson"),
        "map/fragment/": with_filters("/map/fragment/"),
        "changes/": ["/changes/", "/changes/?page=1"],
        "changes/feed/": ["/changes/feed/"],
        "favicon.ico": ["/favicon.ico"],
        "methodology/": with_filters("/methodology/"),
        "downloads/<str:name>": [
            f"/downloads/sanctuary-tracker-{kind}.{fmt}.gz"
            for kind in ("statements", "cities")
            for fmt in ("csv", "json")
        ]
        + ["/downloads/sanctuary-tracker-statements.sources.csv.gz"]
        + ["/downloads/manifest.json"],
        **alert_walk(jurisdiction_slug="denver-co", official_slug="mayor-ada"),
        # The language switcher leads to the Spanish pages, which are walked through it.
        "language/<str:language>/": [
            f"/language/es/?next={path}"
            for path in ("/", "/statements/", "/cities/", "/map/", "/changes/")
        ]
        + ["/language/en/?next=/es/statements/"],
    }


def read(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"] == "application/gzip":
        body = gzip.decompress(body)
    return body.decode("utf-8")


def route_of(location: str) -> str:
    """The route of an address on this site, whatever its language prefix."""
    path = urlsplit(location).path
    if path.startswith("/es/"):
        path = path[len("/es") :]
    return resolve(path).route


def test_no_public_url_shows_or_counts_a_hidden_record(newsroom, settings, tmp_path):
    # The complete files too, built from the same records.
    settings.BULK_DOWNLOADS_ROOT = tmp_path
    call_command("build_bulk_downloads", output=str(tmp_path), verbosity=0)
    walk = walk_urls(newsroom)
    routes = {r for r in public_routes() if not r.startswith("api/")}  # tests/api covers /api/
    assert routes - set(walk) == set(), "a public URL is missing from the leak walk"

    client = Client()
    seen = 0
    for route, urls in walk.items():
        if route not in routes:
            continue
        for url in urls:
            response = client.get(url)
            allowed = ALLOWED.get(route, ())
            if response.status_code in (301, 302):
                if response["Location"].startswith("/static/"):
                    continue  # a file of the app's own, not data
                # A redirect (the language switcher) is judged by the page it leads to.
                allowed = ALLOWED.get(route_of(response["Location"]), allowed)
                response = client.get(response["Location"])
            assert response.status_code == 200, f"{route}: {url} gave {response.status_code}"
            text = read(response).lower()
            leaked = [
                kind for kind, marker in MARKERS.items() if marker in text and kind not in allowed
            ]
            assert leaked == [], f"{url} shows {leaked}"
            if response["Content-Type"].startswith("text/html"):
                assert_inert_html(read(response), where=url)
            seen += 1
    assert seen > 40


def test_counts_are_of_published_records_only(newsroom):
    client = Client()
    published_count = Statement.objects.published().count()
    assert published_count == 2
    statements = client.get("/statements/")
    assert statements.context["result_count"] == published_count
    assert {s.pk for s in statements.context["object_list"]} == {
        s.pk for s in newsroom["published"]
    }
    for words in (MARKERS["draft statement"], MARKERS["unpublished statement"], "said this"):
        searched = client.get("/statements/", {"q": words})
        assert searched.context["result_count"] == 0, words
    # Facets count published statements only.
    officials = {o.value: o.count for o in statements.context["facets"]["official"].options}
    assert officials == {"mayor-ada": 1, newsroom["published"][1].official.slug: 1}
    events = {o.value: o.count for o in statements.context["facets"]["event"].options}
    assert events == {"operation-spring": 1}
    csv_rows = list(csv.DictReader(io.StringIO(read(client.get("/statements/?format=csv")))))
    assert len(csv_rows) == published_count
    assert len(json.loads(read(client.get("/statements/?format=json")))) == published_count

    # The draft and the unpublished stance move no headline.
    denver, chicago = newsroom["denver"], newsroom["chicago"]
    denver.refresh_from_db()
    chicago.refresh_from_db()
    assert (denver.stance_level, chicago.stance_level) == ("limited", "refuses")
    cities = client.get("/cities/")
    stances = {o.value: o.count for o in cities.context["facets"]["stance"].options}
    assert stances["cooperates"] == 0
    assert stances["limited"] == 1
    assert stances["refuses"] == 1
    rows = {j.slug: j for j in cities.context["object_list"]}
    assert rows["denver-co"].statement_count == 1
    assert rows["quiet-ks"].statement_count == 0
    assert rows["quiet-ks"].latest_statement_on is None
    assert rows["denver-co"].latest_statement_on == datetime.date(2019, 6, 21)

    home = client.get("/")
    chart = {bar["level"]: bar["count"] for bar in home.context["chart"]["bars"]}
    assert chart["cooperates"] == 0
    assert len(home.context["latest_statements"]) == published_count

    geojson = json.loads(read(client.get("/map/data.geojson")))
    features = {f["id"]: f["properties"] for f in geojson["features"]}
    assert set(features) == {"denver-co", "chicago-il"}  # not the place with drafts only
    assert features["denver-co"]["stance"] == "limited"
    assert features["denver-co"]["latest_statement"] == "2019-06-21"
    # Before 2020 Chicago had no published stance: the retracted one does not count.
    then = json.loads(read(client.get("/map/data.geojson?as_of=2018-01-01")))
    assert {f["id"]: f["properties"]["stance"] for f in then["features"]} == {
        "denver-co": "not_recorded",
        "chicago-il": "not_recorded",
    }
    # At the end of 2024 the draft and the unpublished stances would have been in force.
    later = json.loads(read(client.get("/map/data.geojson?as_of=2024-12-31")))
    assert {f["id"]: f["properties"]["stance"] for f in later["features"]} == {
        "denver-co": "limited",
        "chicago-il": "refuses",
    }
    assert Jurisdiction.objects.filter(stance_level="cooperates").count() == 0


def test_a_retracted_statement_keeps_only_its_permalink_which_says_so(newsroom):
    retracted = next(s for s in newsroom["hidden"] if s.status == Status.RETRACTED)
    response = Client().get(retracted.get_absolute_url())
    # Kept for the record: its own page may show it, marked as retracted, and nothing else.
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        text = response.content.decode()
        assert "Retracted" in text
        others = [k for k, m in MARKERS.items() if m in text and k != "retracted statement"]
        assert others == []


def test_hidden_records_have_no_public_page_and_need_a_login_to_preview(newsroom, editor):
    public = Client()
    for statement in newsroom["hidden"]:
        if statement.status == Status.RETRACTED:
            continue
        assert public.get(statement.get_absolute_url()).status_code == 404
        change = reverse("admin:statements_statement_change", args=[statement.pk])
        response = public.get(change)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    for stance in newsroom["hidden_stances"]:
        change = reverse("admin:statements_stance_change", args=[stance.pk])
        assert public.get(change).status_code == 302

    staff = Client()
    staff.force_login(editor)
    draft = next(s for s in newsroom["hidden"] if s.status == Status.DRAFT)
    preview = staff.get(reverse("admin:statements_statement_change", args=[draft.pk]))
    assert preview.status_code == 200
    assert MARKERS["draft statement"] in preview.content.decode()
    # Staff who may edit it preview the draft's page, marked as such and never stored by a cache;
    # for everyone else its permalink stays a 404 (above).
    own_preview = staff.get(draft.get_absolute_url())
    assert own_preview.status_code == 200
    assert "Draft, not public" in own_preview.content.decode()
    assert "no-store" in own_preview["Cache-Control"]
    assert public.get(draft.get_absolute_url()).status_code == 404
