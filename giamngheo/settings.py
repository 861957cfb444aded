"""Settings for giamngheo: one file, every deployment difference is an environment variable.

Every variable is listed in `.env.example`. The defaults are safe for development
(SQLite, DEBUG on); production sets DEBUG=False, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL
and must pass `manage.py check --deploy`.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from giamngheo.history import RECORDING

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-giamngheo"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "simple_history",
    "axes",
    # The project package: start-up wiring (giamngheo.apps), no models.
    "giamngheo.apps.GiamngheoConfig",
    "households",
    "programs",
    "reports",
    "audit",
    # The demo and synthetic data sets and their commands (`seed_demo`, `generate_synthetic`).
    "demo",
    # Before django_tasks_db: its `db_worker` command is the library's, with Vietnamese lines.
    "jobs",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files (compressed, hashed names) when DEBUG is off.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "giamngheo.middleware.content_security_policy_middleware",
    # Before the session is read: a NUL byte in a cookie or the address is refused (400).
    "giamngheo.input_guard.input_guard_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "giamngheo.middleware.chosen_language_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # `request.scope`: whose records the user sees, built once (when first read).
    "giamngheo.access.scope_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "giamngheo.middleware.session_idle_timeout_middleware",
    "giamngheo.middleware.private_pages_middleware",
    "giamngheo.middleware.friendly_404_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the audit trail (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The audit trail records every change, except in a thread or task inside
# `giamngheo.history.without_history()` (a bulk loader that writes its own entries).
SIMPLE_HISTORY_ENABLED = RECORDING

ROOT_URLCONF = "giamngheo.urls"
WSGI_APPLICATION = "giamngheo.wsgi.application"
ASGI_APPLICATION = "giamngheo.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # `may`: what the user may do, the one place templates read it.
                "giamngheo.access.permissions",
            ],
        },
    },
]

# SQLite is the embedded development default; CI and production use PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A covering index (Assessment.Meta) keeps its extra columns on PostgreSQL only; SQLite,
    # the development default, builds it without them, which is all `make run` needs: no
    # warning for the newcomer on every start.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # PostgreSQL's JIT compiles each big aggregate before running it: at 300,000 households
    # it spent 0.2 s of a 0.7 s report count compiling (docs/PERFORMANCE.md). The app's
    # queries are short, so JIT is off unless PG_JIT=on.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=" + env.str("PG_JIT", default="off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "households.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes), counted by username and by address separately:
# - a username is locked after AXES_FAILURE_LIMIT wrong passwords, from whatever addresses;
# - an address is locked after AXES_IP_FAILURE_LIMIT wrong passwords, for whatever usernames
#   (higher, because a ward office's computers share one address behind its router).
# The lock lasts AXES_COOLOFF_MINUTES after the last failure. A successful sign-in clears that
# username's failures only (giamngheo.security.LoginAttemptHandler).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "giamngheo.security.LoginAttemptHandler"
AXES_RESET_ON_SUCCESS = True
# The client's address: REMOTE_ADDR, or with PROXY_COUNT reverse proxies in front, the address
# the outermost of them saw (X-Forwarded-For is only read then; clients can forge it).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "giamngheo.security.client_ip"
# Renders registration/lockout.html with the cool-off in minutes, status 429.
AXES_LOCKOUT_CALLABLE = "giamngheo.views.lockout"

# Uploaded meeting minutes: at most this many megabytes.
UPLOAD_MAX_MEGABYTES = env.int("UPLOAD_MAX_MEGABYTES", default=10)
# Largest Excel file the household import takes, in MB (refused before the body is read).
IMPORT_MAX_MEGABYTES = env.int("IMPORT_MAX_MEGABYTES", default=10)
# Where `manage.py backup` writes its archives.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")

# Vietnamese first; English msgids, so English is always available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "giamngheo" / "locale"]
FORMAT_MODULE_PATH = ["giamngheo.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# With DEBUG off, `collectstatic` writes hashed, gzip- and brotli-compressed copies that
# WhiteNoise serves with a one-year cache; in development files come straight from static/.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Development and tests look files up on each request; production indexes STATIC_ROOT once.
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Background jobs (jobs app; docs/deploy.md "Background jobs"): django-tasks with its database
# backend, run by `manage.py db_worker` (`make run` starts one). Results live in JOBS_DIR, a
# private folder served only through the job's scoped download, for JOBS_KEEP_HOURS.
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}
JOBS_DIR = env.path("JOBS_DIR", default=Path(str(MEDIA_ROOT)) / "jobs")
JOBS_KEEP_HOURS = env.int("JOBS_KEEP_HOURS", default=24)
JOBS_MAX_PER_USER = env.int("JOBS_MAX_PER_USER", default=3)
# A job still running this long after it started lost its worker: shown as not completed.
JOBS_RUNNING_HOURS = env.int("JOBS_RUNNING_HOURS", default=2)
# Above these sizes the work goes to a job: the household list's Excel export (households),
# the household import (member rows of the checked file). The list PDF goes to a job above the
# size its view makes while the officer waits (reports.views.pdf).
JOBS_XLSX_MIN_HOUSEHOLDS = env.int("JOBS_XLSX_MIN_HOUSEHOLDS", default=5000)
JOBS_IMPORT_MIN_ROWS = env.int("JOBS_IMPORT_MIN_ROWS", default=1000)
# The import's check (nothing saved) goes to a job for files of this many KB or more (a member
# row takes about 80 bytes: 100 KB is some 1,200 rows).
JOBS_IMPORT_CHECK_MIN_KB = env.int("JOBS_IMPORT_CHECK_MIN_KB", default=100)
# The longest household-list PDF a job lays out (WeasyPrint holds the whole document in memory).
JOBS_PDF_MAX_HOUSEHOLDS = env.int("JOBS_PDF_MAX_HOUSEHOLDS", default=10000)

# Production hardening: on by default whenever DEBUG is off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# X-Forwarded-Proto says whether the visitor used HTTPS, but any client can send it: trust it
# only behind a reverse proxy that sets it (nginx: proxy_set_header X-Forwarded-Proto $scheme).
TRUST_X_FORWARDED_PROTO = env.bool("TRUST_X_FORWARDED_PROTO", default=PROXY_COUNT > 0)
if TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sign-ins: the session ends after SESSION_IDLE_MINUTES without a request
# (giamngheo.middleware.session_idle_timeout_middleware), after SESSION_COOKIE_HOURS in any
# case, and when the browser closes: office and shared computers.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
# The last request's time is written to the session at most this often (seconds), not on
# every request: a page costs no session write within a minute of the last one that did.
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_HOURS", default=12) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sent on every response (giamngheo.middleware.content_security_policy_middleware): only the
# app's own scripts, styles, fonts and images run, all vendored under static/; no inline script,
# no inline style attribute, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
