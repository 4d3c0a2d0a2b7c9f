"""Sanctuary Tracker settings: one file, every difference between machines an environment variable."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "axes",
    "import_export",
    "tracker.apps.TrackerConfig",
    "cities",
    "statements",
    "federal",
    "public",
    "alerts",
    "demo",
]

MIDDLEWARE = [
    "tracker.middleware.RequestIdMiddleware",
    # Outside the page cache and the conditional GET, so cached pages and 304s carry it too.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tracker.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache: a first visit whose Accept-Language prefers Spanish is sent to /es/
    # before any cached English page could answer it (tracker/i18n.py).
    "tracker.i18n.FirstVisitLanguageMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "tracker.cache.AnonymousPageCacheMiddleware",
    "tracker.compression.GZipMiddleware",
    # Inside the page cache (a hit keeps the headers it was stored with) and before the 400/503
    # pages are rendered, so /es/ addresses get Spanish error pages.
    "django.middleware.locale.LocaleMiddleware",
    # Inside the page cache, so a cached page keeps the policy it was rendered with.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Refuses unusable input (too many parameters, bad UTF-8, oversized forms) with a 400 page.
    "tracker.middleware.BadInputMiddleware",
    "tracker.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: anonymous GETs may read from the replica, signed-in users may not.
    "tracker.db_router.ReadRoutingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and locks out a flood before the password check runs.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "tracker.i18n.languages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# A streaming read replica of the primary (deploy/cluster/): anonymous readers' queries go to it,
# everything else to the primary (tracker/db_router.py). Unset, there is one database.
REPLICA_DATABASE_URL = os.environ.get("REPLICA_DATABASE_URL", "")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # A replica that does not answer is skipped after 2 s; tests read the primary's test database.
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["tracker.db_router.PrimaryReplicaRouter"]

# PostgreSQL's JIT compiles any query the planner costs high, which a count over every place
# with published records is: on the national data the map's stance count spent 367 ms compiling
# and 137 ms running. A web page's queries are short; compiling never pays for itself here.
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("postgresql"):
        _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at the addresses it always had, Spanish under /es/ (tracker/urls.py, docs/glossary.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language ("June 21, 2019", "21 de junio de 2019") and Spanish numbers
# ("1.234"): tracker/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The benchmark collects into a temporary directory of its own.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# Where the founding article lives; load_seed reads it and cites it.
SEED_DIR = Path(os.environ.get("SEED_DIR", BASE_DIR / "seed"))

# One JSON object per line, each with the request id that the response carries in X-Request-ID.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "tracker.middleware.RequestIdLogFilter"},
        "not_logged_by_django": {"()": "tracker.logs.OnlyResponsesDjangoDidNotLog"},
    },
    "formatters": {
        "json": {
            "format": '{"time": "%(asctime)s", "level": "%(levelname)s", "logger": "%(name)s", '
            '"request_id": "%(request_id)s", "message": %(message_json)s}',
            "()": "tracker.logs.JsonFormatter",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django gives its own loggers handlers of their own (plain text on the console under DEBUG,
    # runserver's request lines); each record then also reached the root's handler and was printed
    # twice. Without them every record is printed once, by the root, as JSON; runserver's line for
    # a 4xx or 5xx is left out, as `django.request` has logged that response (gunicorn.conf.py
    # does the converse: its access line stays, Django's 4xx warning goes).
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "filters": ["not_logged_by_django"], "propagate": True},
    },
}

# Security. HTTPS=true (behind TLS in production) turns on redirects, HSTS and secure cookies.
HTTPS = env_bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Admin login lockout: five failures for one username from one address lock that pair out for
# fifteen minutes, answered with 429 and a page that says so. Never by address alone: a newsroom
# behind one address must not be locked out by a stranger guessing names (a flood over many
# usernames meets the login rate limit, RATE_LIMIT_LOGINS, instead). The address is the client's
# behind PROXY_COUNT proxies (tracker/client_address.py).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "tracker.client_address.client_address"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Bulk import in the admin (docs/import.md): one transaction per file, so one bad row imports
# nothing; uploads above FILE_UPLOAD_MAX_MEMORY_SIZE wait on disk, not in memory.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Each row is validated, saved and recorded in the history one by one (about 15 to 30 ms on
# PostgreSQL): 1,000 rows keep a preview or a confirmation within the request timeout.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1000"))
IMPORT_MAX_FILE_SIZE = int(os.environ.get("IMPORT_MAX_FILE_SIZE", str(5 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

# No inline script or style anywhere: every script and stylesheet is a file the app serves.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Cache: Redis when REDIS_URL is set (shared by every app server), else this process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tracker",
            # A cache outage must slow the site down, not take it down.
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# What never changes under its key (rows by digest, counts and row ids at versions), read from
# each process's memory before the shared cache (tracker/local_first.py), up to this many bytes
# per process. 0 reads every one from the shared cache.
LOCAL_CACHE_MAX_BYTES = int(os.environ.get("LOCAL_CACHE_MAX_BYTES", str(32 * 1024 * 1024)))
CACHES["versioned"] = {
    "BACKEND": "tracker.local_first.LocalFirstCache",
    "LOCATION": "default",
    "OPTIONS": {"MAX_BYTES": LOCAL_CACHE_MAX_BYTES},
}
DJANGO_REDIS_IGNORE_EXCEPTIONS = True

# Seconds an anonymous page stays cached; an edit invalidates the pages that show it at once
# (tracker/page_tags.py). 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Larger pages (gzipped, as stored) are served but not cached, so no address can fill the cache.
PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_BYTES", str(1024 * 1024)))
# Cached pages larger than this (the downloads, the map) are kept as files on each app server too
# and sent from there by the operating system (sendfile), not copied through Python from the
# cache on each hit (tracker/page_bodies.py); PAGE_BODY_DIR holds them.
PAGE_BODY_FILE_BYTES = int(os.environ.get("PAGE_BODY_FILE_BYTES", str(64 * 1024)))
PAGE_BODY_DIR = Path(os.environ.get("PAGE_BODY_DIR") or BASE_DIR / "var" / "page-bodies")
# After a public change a cached page younger than this is still served while it is rebuilt at
# most once in that time (tracker/cache.py); a publish is visible within it plus one render.
PAGE_CACHE_STALE_SECONDS = float(os.environ.get("PAGE_CACHE_STALE_SECONDS", "1"))
# While editors publish faster than this, counts (a list's total and facets, the map's census)
# are computed again at most once in this many seconds per filter combination; rows (a search's
# too), the place pages and the map's colours are never held back. A page that shows counts from
# before the latest change is kept already stale, so it is drawn again (tracker/page_tags.py).
# 0: always recount.
COUNTS_LAG_SECONDS = float(os.environ.get("COUNTS_LAG_SECONDS", "15"))

# The public API (/api/v1/, docs/api.md): read-only JSON, paged by cursor, open to any origin for
# GET, rate limited per client address: RATE_LIMIT_API, "120/m" is 120 a minute ("s", "m", "h",
# "d"); an empty value lifts it, as RATE_LIMITS=false lifts every limit (public/api/errors.py).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Anonymous and read-only: no session, so no CSRF, and every reader is throttled alike.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["public.api.filters.PageFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "public.api.pagination.IdCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["public.api.errors.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("RATE_LIMIT_API", "120/m") or None},
    "EXCEPTION_HANDLER": "public.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One representation per address: the page cache keys pages by address, not by Accept.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanctuary Tracker API",
    "DESCRIPTION": "Read-only JSON of the published records of the Sanctuary Tracker. "
    "Versioning, paging, errors and limits: docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI's files come from drf-spectacular-sidecar, served by the app (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "ENUM_NAME_OVERRIDES": {
        "State": "cities.models.State",
        "StanceLevel": "cities.models.StanceLevel",
        "JurisdictionLevel": "cities.models.JurisdictionLevel",
        "Practice": "statements.models.Practice",
        "AgencyKind": "cities.models.AgencyKind",
        "AgreementStatus": "federal.models.AgreementStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "public.api.schema.describe_api",
    ],
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "X-Request-ID"]
CORS_PREFLIGHT_MAX_AGE = 86400

# -- Clients behind proxies, rate limits, downloads (docs/downloads.md) --------------------------
# How many proxies the site runs in front of the app: 1 behind deploy/nginx.conf, which replaces
# X-Forwarded-For with the address it sees. Lockouts and rate limits read the client's address
# past exactly that many (tracker/client_address.py); 0 reads REMOTE_ADDR.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

# Rate limits per client address (tracker/ratelimit.py), counted in the cache (Redis, shared by
# every app server); pages served from the page cache are never counted. "60/m" is 60 a minute
# ("s", "m", "h", "d"); an empty value lifts that limit; RATE_LIMITS=false lifts them all.
RATELIMIT_ENABLE = env_bool("RATE_LIMITS", default=True)
RATE_LIMIT_PAGES = os.environ.get("RATE_LIMIT_PAGES", "60/m")  # lists, searches, feeds, /map/
RATE_LIMIT_DOWNLOADS = os.environ.get("RATE_LIMIT_DOWNLOADS", "10/m")  # ?format=csv|json
RATE_LIMIT_MAP_DATES = os.environ.get("RATE_LIMIT_MAP_DATES", "20/m")  # /map/?as_of=
RATE_LIMIT_LOGINS = os.environ.get("RATE_LIMIT_LOGINS", "10/m")  # admin login attempts
RATELIMIT_IP_META_KEY = "tracker.client_address.client_address"
# A cache outage must slow the site down, not refuse every reader.
RATELIMIT_FAIL_OPEN = True
# Inside the page cache (hits are free) and after authentication (editors are not limited).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "tracker.ratelimit.RateLimitMiddleware",
)

# A download made on request holds at most this many rows; a larger one is refused with 422
# before its first byte and pointed to the complete files, which `manage.py
# build_bulk_downloads` writes into BULK_DOWNLOADS_ROOT, served at BULK_DOWNLOADS_URL. Statements
# stream at roughly 500 to 1,500 rows a second, so 10,000 finish well within gunicorn's 30 s.
DOWNLOAD_MAX_ROWS = int(os.environ.get("DOWNLOAD_MAX_ROWS", "10000"))
BULK_DOWNLOADS_ROOT = Path(os.environ.get("BULK_DOWNLOADS_ROOT") or BASE_DIR / "var" / "downloads")
BULK_DOWNLOADS_URL = "/downloads/"
# The site's public address, for absolute links made outside a request (the complete files).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

# Where readers report an error (the methodology page's mailto link).
CORRECTIONS_EMAIL = os.environ.get("CORRECTIONS_EMAIL", "corrections@example.org")

# E-mail alerts (docs/alerts.md): mail leaves through SMTP at EMAIL_HOST:EMAIL_PORT; with DEBUG and
# no EMAIL_BACKEND it is printed on the console instead. `send_alert_digests` runs from cron.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND_PATH = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else SMTP_BACKEND
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH == SMTP_BACKEND:
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "alerts@localhost")
# Days a confirmation link works; unconfirmed subscriptions older than that are deleted.
ALERTS_CONFIRM_DAYS = int(os.environ.get("ALERTS_CONFIRM_DAYS", "7"))
# Subscription requests per client address (tracker/ratelimit.py's format; empty lifts it).
RATE_LIMIT_ALERTS = os.environ.get("RATE_LIMIT_ALERTS", "10/h")
