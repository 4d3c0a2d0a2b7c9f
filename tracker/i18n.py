"""Languages in the address: English where it always was, Spanish under /es/.

The public pages are the same in both languages (tracker/urls.py wraps them in `i18n_patterns`
without a prefix for English), so a page's other-language address is its path with "/es" put on
or taken off. The admin, the API and the complete downloads stay in English at one address each.

A reader's choice is the `django_language` cookie, set only by the language switcher's link
(`switch_language`) or by the one redirect a first visit can get (`FirstVisitLanguageMiddleware`).
"""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import get_urlconf, is_valid_path, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def split_language(path: str) -> tuple[str, str]:
    """The language of a path and its English path: "/es/cities/" is ("es", "/cities/")."""
    for code in OTHER_LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return code, path[len(code) + 1 :] or "/"
    return settings.LANGUAGE_CODE, path


def localized_path(path: str, language: str) -> str:
    """The same page in `language`; a query string, if any, is kept as it is."""
    _current, english = split_language(path)
    if language == settings.LANGUAGE_CODE:
        return english
    return f"/{language}{english}"


def has_translation(english_path: str, language: str) -> bool:
    """Whether the page exists under the language's prefix (the admin and the API do not)."""
    return _has_translation(english_path, language, get_urlconf() or settings.ROOT_URLCONF)


# Asked on every English page request, a cached one included, where resolving the address was a
# fifth of the time a hit takes; the addresses are the readers', so only the most recent are kept.
@functools.lru_cache(maxsize=4096)
def _has_translation(english_path: str, language: str, urlconf: str) -> bool:
    with translation.override(language):
        return is_valid_path(f"/{language}{english_path}", urlconf)


def languages(request):
    """Template context: the switcher's links (keeping the query string) and hreflang alternates."""
    current = translation.get_language()
    try:
        origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        origin = ""  # the 400 page for a forged Host header: relative links only
    links = []
    for code, name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                "name": name,
                "current": code == current,
                "switch_url": f"{reverse('switch_language', args=[code])}?"
                + urlencode({"next": request.get_full_path()}),
                "alternate_url": origin + localized_path(request.path, code),
            }
        )
    return {"language_links": links}


def switch_language(request, language: str):
    """/language/<code>/?next=<path>: remember the reader's choice and show `next` in that language.

    A plain link (no form, no CSRF token), so a cached page can carry it; the redirect itself is
    never cached.
    """
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest("Unknown language.")
    next_path = request.GET.get("next", "/")
    if not next_path.startswith("/") or not url_has_allowed_host_and_scheme(
        next_path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_path = "/"
    response = HttpResponseRedirect(localized_path(next_path, language))
    set_language_cookie(response, language)
    add_never_cache_headers(response)
    return response


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 60 * 60,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or settings.SESSION_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )


class FirstVisitLanguageMiddleware:
    """Send a first visit whose browser prefers Spanish from an English page to its /es/ address.

    "First" means no language cookie: the redirect sets one, so it happens once, and after that
    (or after the reader picks a language in the switcher) the address alone decides. Only a
    browser's page request (Accept: text/html) to a page that exists in Spanish is redirected;
    feeds, downloads, the API and the admin never are. It runs outside the page cache, so a cached
    English page can never answer a Spanish reader's first visit, and the redirect itself is
    never cached. English pages say they vary by Accept-Language and Cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.respond(request)
        finally:
            # LocaleMiddleware leaves the page's language active in this thread; whatever the
            # thread does next (another request's outer middleware, a test's reverse()) starts
            # from the default again.
            translation.deactivate()

    def respond(self, request):
        language, english_path = split_language(request.path_info)
        english_page = (
            language == settings.LANGUAGE_CODE
            and request.method in ("GET", "HEAD")
            and any(has_translation(english_path, code) for code in OTHER_LANGUAGES)
        )
        if not english_page:
            return self.get_response(request)
        preferred = self.first_visit_language(request)
        if preferred != settings.LANGUAGE_CODE and has_translation(english_path, preferred):
            response = HttpResponseRedirect(localized_path(request.get_full_path(), preferred))
            set_language_cookie(response, preferred)
            add_never_cache_headers(response)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    @staticmethod
    def first_visit_language(request) -> str:
        """The browser's preferred language among ours, on a first visit; English otherwise."""
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return settings.LANGUAGE_CODE
        if "text/html" not in request.headers.get("Accept", ""):
            return settings.LANGUAGE_CODE
        for accepted, _quality in translation.trans_real.parse_accept_lang_header(
            request.headers.get("Accept-Language", "")
        ):
            if accepted == "*":
                break
            try:
                return translation.get_supported_language_variant(accepted)
            except LookupError:
                continue
        return settings.LANGUAGE_CODE
