"""Every public page of the site, one example address each, for the checks that sweep them all: the
Nu HTML checker (tests/checks/test_html_valid.py), the browser sweep at phone and desktop sizes
(tests/e2e/test_every_page.py) and `make screenshots` (scripts/screenshots.py).

The list follows the URL resolver: `uncovered_routes()` names any public route that has no example
here, and a test fails on it, so a new page cannot be left out of the sweeps. Addresses that need a
record (a jurisdiction's slug, a statement's id) are looked up when asked for, in a database holding
the founding article (`load_seed`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

# Routes that answer something other than an HTML page a reader browses (feeds, data files, JSON,
# redirects) or that belong to the editors' admin.
NOT_PAGES = {
    "statements:feed",
    "statements:changes_feed",
    "statements:bulk_file",
    "maps:geojson",
    "maps:fragment",  # the map's part that its script swaps in, not a document
    "api:schema",
    "set_language",
    "switch_language",  # a redirect to the same page in the other language
    "javascript-catalog",
}
NOT_PAGE_NAMESPACES = ("admin:",)
# Under /api/ only the documentation is a page; the rest is JSON.
API_PAGES = {"api:docs"}

# Sizes of the browser sweeps: a common phone and a common laptop.
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def _jurisdiction():
    return {"slug": "chicago-il"}


def _official():
    return {"slug": "lori-lightfoot"}


def _statement():
    from statements.models import Statement

    return {"pk": Statement.objects.filter(official__slug="lori-lightfoot").values("pk")[0]["pk"]}


def _event():
    from statements.models import Event

    return {"slug": Event.objects.values("slug")[0]["slug"]}


def _alert(token: str) -> str:
    from tests.alerts.pages import alert_tokens

    return alert_tokens()[token]


# How to fill a route's parameters when the route is found only by the resolver (a page added
# since this list was written): by the parameter's name and the route's first word.
GUESSED_KWARGS = {
    ("embed", "slug"): _jurisdiction,
    ("cities", "slug"): _jurisdiction,
    ("officials", "slug"): _official,
    ("statements", "pk"): _statement,
    ("events", "slug"): _event,
}


@dataclass(frozen=True)
class PublicPage:
    """One page to check: `name` is short and file-safe ("statement-list-filtered")."""

    name: str
    url_name: str
    kwargs: Callable[[], dict] | None = None
    query: str = ""
    status: int = 200
    language: str | None = None
    # A list page: its result count and first result must show on a phone's first screen.
    is_list: bool = False
    tags: tuple[str, ...] = field(default=())
    # axe rules a third-party widget on the page breaks in its own markup, which is not ours to
    # change (each named with the reason where the page is listed).
    axe_rules_not_ours: tuple[str, ...] = ()
    # A page drawn by script is checked once this selector shows, so every run sees the same page.
    drawn_when: str = ""

    def path(self) -> str:
        """The page's address; looks records up, so it needs the database."""
        with translation.override(self.language or settings.LANGUAGE_CODE):
            path = reverse(self.url_name, kwargs=self.kwargs() if self.kwargs else None)
        return f"{path}?{self.query}" if self.query else path

    def __str__(self) -> str:
        return self.name


def public_routes() -> dict[str, str]:
    """Every named route of the site a reader may browse, as {"cities:list": "cities/"}."""
    routes: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            # i18n_patterns' prefix reads "es/" or "" by the language active at the time.
            part = "" if isinstance(pattern.pattern, LocalePrefixPattern) else str(pattern.pattern)
            route = prefix + part
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                routes.setdefault(f"{namespace}{pattern.name}", route)

    walk(get_resolver().url_patterns, "", "")
    return {
        name: route
        for name, route in routes.items()
        if name not in NOT_PAGES
        and not name.endswith("feed")  # Atom feeds: statements:feed, :jurisdiction_feed, ...
        and not name.startswith(NOT_PAGE_NAMESPACES)
        and (not name.startswith("api:") or name in API_PAGES)
    }


def _spanish_prefix() -> bool:
    """Whether the site answers in Spanish under /es/ (i18n_patterns with "es" in LANGUAGES)."""
    if "es" not in dict(getattr(settings, "LANGUAGES", ())):
        return False
    with translation.override("es"):
        return reverse("cities:home").startswith("/es/")


def _guessed(name: str, route: str) -> PublicPage:
    """An example for a route this list does not know, its parameters guessed from its address."""
    first_word = route.split("/", 1)[0]
    params = [part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]]
    getters = [GUESSED_KWARGS.get((first_word, param)) for param in params]
    if params and None in getters:
        raise LookupError(f"no example for the route {name!r} ({route}): add one to PAGES")

    def kwargs():
        merged = {}
        for getter in getters:
            merged.update(getter())
        return merged

    return PublicPage(name.replace(":", "-").replace("_", "-"), name, kwargs if params else None)


PAGES = [
    PublicPage("home", "cities:home"),
    PublicPage("jurisdiction-list", "cities:list", is_list=True),
    PublicPage(
        "jurisdiction-list-filtered", "cities:list", query="stance=refuses&state=CA", is_list=True
    ),
    # No place matches (the founding article's home page linked to such a list: "Cooperates: 0").
    PublicPage("jurisdiction-list-zero", "cities:list", query="q=zebra", is_list=True),
    PublicPage("jurisdiction", "cities:detail", _jurisdiction),
    PublicPage("official", "cities:official", _official),
    PublicPage("statement-list", "statements:list", is_list=True),
    PublicPage(
        "statement-list-filtered", "statements:list", query="q=sanctuary&state=IL", is_list=True
    ),
    PublicPage("statement-list-zero", "statements:list", query="q=zebra", is_list=True),
    PublicPage("statement", "statements:detail", _statement),
    PublicPage("event", "statements:event", _event),
    PublicPage("changes", "statements:changes"),
    PublicPage("map", "maps:map"),
    PublicPage("methodology", "pages:methodology"),
    # Swagger UI nests its copy button inside the operation's summary button and labels a bare
    # <div>: its markup, fixed upstream or not at all. Its colours are ours (swagger_ui.html).
    PublicPage(
        "api-docs",
        "api:docs",
        axe_rules_not_ours=("nested-interactive", "aria-prohibited-attr"),
        drawn_when=".swagger-ui .opblock",
    ),
    PublicPage("not-found", "cities:detail", lambda: {"slug": "nowhere-zz"}, status=404),
    PublicPage(
        "statement-list-bad-filters",
        "statements:list",
        query="said_after=2019-13-45&stance=maybe",
        status=400,
    ),
    # BadInputMiddleware's own page: text that is not UTF-8.
    PublicPage("bad-request", "statements:list", query="q=%FF", status=400),
    # Following by e-mail (alerts/): the links in the mails need a subscription, made on demand.
    PublicPage("alerts-follow", "alerts:follow", query="jurisdiction=chicago-il"),
    PublicPage("alerts-follow-search", "alerts:follow", query="search=state%3DIL"),
    PublicPage("alerts-follow-bad", "alerts:follow", query="search=state%3DZZ", status=400),
    PublicPage("alerts-check-mail", "alerts:check_mail"),
    PublicPage("alerts-confirm", "alerts:confirm", lambda: {"token": _alert("subscription")}),
    PublicPage("alerts-stop", "alerts:stop", lambda: {"token": _alert("subscription")}),
    PublicPage(
        "alerts-unsubscribe", "alerts:unsubscribe", lambda: {"token": _alert("unsubscribe")}
    ),
    PublicPage("alerts-manage", "alerts:manage", lambda: {"token": _alert("manage")}),
    PublicPage("alerts-bad-link", "alerts:manage", lambda: {"token": "no-such-link"}, status=404),
]

# The Spanish pages, once the site has them: the reader's main paths through the site.
SPANISH = ("home", "jurisdiction-list", "jurisdiction", "statement-list", "statement", "map")


def public_pages() -> list[PublicPage]:
    """PAGES, plus a page for each public route found only by the resolver (an embed card, ...)
    and the Spanish versions of the main pages when the site has them."""
    pages = list(PAGES)
    covered = {page.url_name for page in pages}
    for name, route in public_routes().items():
        if name not in covered:
            pages.append(_guessed(name, route))
    if _spanish_prefix():
        pages += [
            PublicPage(
                f"es-{page.name}",
                page.url_name,
                page.kwargs,
                page.query,
                page.status,
                "es",
                page.is_list,
            )
            for page in PAGES
            if page.name in SPANISH
        ]
    return pages


def uncovered_routes() -> list[str]:
    """Public routes no page in PAGES covers and whose parameters cannot be guessed."""
    covered = {page.url_name for page in PAGES}
    missing = []
    for name, route in public_routes().items():
        if name in covered:
            continue
        try:
            _guessed(name, route)
        except LookupError as error:
            missing.append(str(error))
    return missing
