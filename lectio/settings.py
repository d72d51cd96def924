"""Lectio settings: one module, read from the environment with safe defaults.

Every knob is listed in the README's configuration table. Secrets may also be given as
files: ``SECRET_KEY_FILE=/run/secrets/key`` is read when ``SECRET_KEY`` is not set.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A setting from the environment, or from the file named by ``NAME_FILE``."""
    if name in os.environ:
        return os.environ[name]
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text(encoding="utf-8").strip()
    return default


def envbool(name: str, default: bool) -> bool:
    value = env(name, "")
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = env(name, "")
    return int(value) if value else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = env(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DATA_DIR = Path(env("LECTIO_DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once into the data folder."""
    if key := env("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        # O_EXCL: when two processes start at once, the first one's key wins.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key)
        return key


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", "Lectio")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # django-ninja: its static files serve the API's docs page locally.
    "ninja",
    "lectio",
    "lectio.accounts",
    "lectio.catalog",
    "lectio.assets",
    "lectio.learning",
    "lectio.assessments",
    "lectio.notifications",
    "lectio.certificates",
    "lectio.assignments",
    "lectio.reports",
    "lectio.scorm",
    "lectio.xapi",
    "lectio.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The content origin answers package URLs only, without cookies (scorm/middleware.py).
    "lectio.scorm.middleware.ContentOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Default deny: every view needs a signed-in person unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "lectio.accounts.middleware.PersonalLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must come last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The benchmark suite's hooks (lectio/benchmarking.py): /bench/baseline and a count of SQL
# queries in every response's X-Lectio-Queries header. Never on in production.
LECTIO_BENCH = envbool("LECTIO_BENCH", False)
if LECTIO_BENCH:
    MIDDLEWARE.insert(0, "lectio.benchmarking.QueryCountMiddleware")

ROOT_URLCONF = "lectio.urls"
WSGI_APPLICATION = "lectio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "lectio.accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: embedded SQLite in WAL mode by default; DATABASE_URL selects PostgreSQL.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0))
    # DATABASE_POOL_MAX=0 turns the pool off (docs/performance.md measured both).
    if _db["ENGINE"] == "django.db.backends.postgresql" and envint("DATABASE_POOL_MAX", 10):
        # psycopg 3's connection pool; one pool per process.
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": envint("DATABASE_POOL_MIN", 2),
            "max_size": envint("DATABASE_POOL_MAX", 10),
            "timeout": 10,
        }
    DATABASES = {"default": _db}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "lectio.sqlite3"),
            "OPTIONS": {
                # Writers queue for the lock instead of failing; readers never block.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
            # Tests use a file too (not Django's in-memory default), so the browser tests'
            # live server and the test itself wait for each other's locks as in production.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
            # Each server thread keeps its connection for this many seconds instead of
            # opening one (and running the PRAGMAs) per request: a quarter less CPU per
            # learner request (docs/performance.md). 0 opens one per request.
            "CONN_MAX_AGE": envint("DATABASE_CONN_MAX_AGE", 600),
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Advanced: another session engine (docs/performance.md measured them).
if _session_engine := env("SESSION_ENGINE"):
    SESSION_ENGINE = _session_engine

# Background work: Django's tasks interface on the database; `lectio worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Jobs the worker's scheduler enqueues at a fixed interval (seconds); see lectio/schedule.py.
LECTIO_PERIODIC_TASKS: dict[str, dict[str, str | int]] = {
    "accounts.prune_sign_in_failures": {
        "task": "lectio.accounts.tasks.prune_sign_in_failures",
        "every": 3600,
    },
    "scorm.cmi5_abandoned": {"task": "lectio.scorm.tasks.abandon_cmi5_sessions", "every": 900},
    "assets.sweep_stuck": {"task": "lectio.assets.tasks.sweep_stuck_assets", "every": 600},
    "assets.prune_uploads": {"task": "lectio.assets.tasks.prune_stale_uploads", "every": 3600},
    "learning.video_engagement": {
        "task": "lectio.learning.tasks.aggregate_video_engagement",
        "every": 900,
    },
    "assignments.statuses": {"task": "lectio.assignments.tasks.refresh_statuses", "every": 900},
    "assignments.reconcile": {
        "task": "lectio.assignments.tasks.reconcile_assignments",
        "every": 3600,
    },
    "assignments.reminders": {"task": "lectio.assignments.tasks.send_reminders", "every": 3600},
    "assignments.digests": {"task": "lectio.assignments.tasks.send_digests", "every": 86400},
    "reports.scheduled": {"task": "lectio.reports.tasks.send_reports", "every": 86400},
    "assessments.expired_attempts": {
        "task": "lectio.assessments.tasks.submit_expired_attempts",
        "every": 60,
    },
    "accounts.hr_sync": {
        "task": "lectio.accounts.tasks.hr_sync_drop",
        "every": envint("LECTIO_HR_SYNC_SECONDS", 300),
    },
    "notifications.send_due": {
        "task": "lectio.notifications.tasks.send_due_messages",
        "every": 60,
    },
    "api.webhooks": {"task": "lectio.api.tasks.send_due_webhooks", "every": 60},
    "api.idempotency": {"task": "lectio.api.tasks.prune_idempotency_records", "every": 3600},
    "xapi.forward": {"task": "lectio.xapi.tasks.forward_statements", "every": 60},
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, refusing passwords for SSO-only domains (admin sign-in too).
    "lectio.accounts.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "learning:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Sign-in throttling (django-axes): after this many failures for one e-mail address from
# one IP address, sign-in is refused for the cool-off period.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "lectio.accounts.throttling.username_from_request"
AXES_LOCKOUT_CALLABLE = "lectio.accounts.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("tr", _("Turkish"))]
LOCALE_PATHS = [BASE_DIR / "lectio" / "locale"]
LANGUAGE_COOKIE_NAME = "lectio_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible object storage (AWS, MinIO, Ceph, …) when a bucket is named.
# Files stay private: Lectio authorises every delivery and streams it (or hands it to a
# front proxy), so the bucket needs no public access at all.
if S3_BUCKET := env("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
            "access_key": env("S3_ACCESS_KEY_ID") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
            "location": env("S3_PREFIX"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
WHITENOISE_MAX_AGE = 3600

# E-mail: SMTP when EMAIL_HOST is set, else printed to the console (demo mode).
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Lectio <lectio@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Behind HTTPS (directly or through a proxy that sets X-Forwarded-Proto) cookies are
# secure-only and browsers are told to stay on HTTPS.
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000)
SESSION_COOKIE_AGE = envint("SESSION_HOURS", 12) * 3600
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Media uploads arrive in chunks; larger files are refused before anything is stored.
LECTIO_UPLOAD_MAX_BYTES = envint("LECTIO_UPLOAD_MAX_BYTES", 5 * 1024**3)
# Where resumable uploads gather their chunks: per process by default; a shared volume lets
# any web process behind a load balancer take any chunk (docs/deploy.md).
LECTIO_UPLOAD_DIR = Path(env("LECTIO_UPLOAD_DIR", str(DATA_DIR / "uploads")))
# The ffmpeg program used for transcoding; empty means the one from the imageio-ffmpeg wheel.
LECTIO_FFMPEG = env("LECTIO_FFMPEG")
# LibreOffice's soffice, to convert PowerPoint decks to PDF; empty means "soffice" on PATH
# if there is one (without it, PowerPoint uploads get a message to export a PDF).
LECTIO_SOFFICE = env("LECTIO_SOFFICE")
# How long a signed media address works (seconds).
LECTIO_MEDIA_URL_SECONDS = envint("LECTIO_MEDIA_URL_SECONDS", 4 * 3600)
# Behind nginx: hand file delivery to it with X-Accel-Redirect under this internal prefix.
LECTIO_MEDIA_ACCEL_PREFIX = env("LECTIO_MEDIA_ACCEL_PREFIX")
# SCORM packages: their own origin (another host name, e.g. http://localhost:8000 when
# the site is http://127.0.0.1:8000), so package scripts never see the site's cookies.
# Unset, package lessons do not launch (the learner is told the site is not configured).
LECTIO_CONTENT_ORIGIN = env("LECTIO_CONTENT_ORIGIN").rstrip("/")
if LECTIO_CONTENT_ORIGIN and (_content_host := urlsplit(LECTIO_CONTENT_ORIGIN).hostname):
    ALLOWED_HOSTS.append(_content_host)
LECTIO_PACKAGE_MAX_BYTES = envint("LECTIO_PACKAGE_MAX_BYTES", 500 * 1024**2)
LECTIO_PACKAGE_MAX_FILES = envint("LECTIO_PACKAGE_MAX_FILES", 20000)
LECTIO_PACKAGE_MAX_UNPACKED_BYTES = envint("LECTIO_PACKAGE_MAX_UNPACKED_BYTES", 2 * 1024**3)
LECTIO_PACKAGE_TOKEN_SECONDS = envint("LECTIO_PACKAGE_TOKEN_SECONDS", 8 * 3600)
# A cmi5 AU session with no statement for this long and no "terminated" is abandoned.
LECTIO_CMI5_ABANDON_SECONDS = envint("LECTIO_CMI5_ABANDON_SECONDS", 3 * 3600)
# People and department imports larger than this are refused with a message.
LECTIO_IMPORT_MAX_BYTES = envint("LECTIO_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
LECTIO_DEMO_PASSWORD = env("LECTIO_DEMO_PASSWORD", "demo")
# Single sign-on: the identity providers, a JSON list (usually LECTIO_SSO_PROVIDERS_FILE);
# see README "Single sign-on". People at these e-mail domains sign in through SSO only.
LECTIO_SSO_PROVIDERS: list[dict[str, Any]] = json.loads(env("LECTIO_SSO_PROVIDERS") or "[]")
LECTIO_SSO_ONLY_DOMAINS = [d.lower().lstrip("@") for d in envlist("LECTIO_SSO_ONLY_DOMAINS", [])]
# HR sync: the folder an HR system drops people*.csv / departments*.csv into (off when
# empty), and who receives each run's report by e-mail.
LECTIO_HR_DROP_DIR = env("LECTIO_HR_DROP_DIR")
LECTIO_HR_REPORT_EMAILS = envlist("LECTIO_HR_REPORT_EMAILS", [])
# A full people file that would deactivate more than this many people and more than this
# share of the people HR sync manages is refused (a truncated export); `--force` applies it.
LECTIO_HR_MAX_DEACTIVATIONS = envint("LECTIO_HR_MAX_DEACTIVATIONS", 10)
LECTIO_HR_MAX_DEACTIVATION_PERCENT = envint("LECTIO_HR_MAX_DEACTIVATION_PERCENT", 10)
# Assigned training's e-mails: reminders this many days before the due date; escalation
# to the manager this many days overdue; a warning this many days before a completion
# expires.
LECTIO_REMINDER_DAYS = [int(d) for d in env("LECTIO_REMINDER_DAYS", "7,1").split(",") if d.strip()]
LECTIO_ESCALATION_DAYS = envint("LECTIO_ESCALATION_DAYS", 7)
LECTIO_EXPIRY_WARNING_DAYS = envint("LECTIO_EXPIRY_WARNING_DAYS", 30)
# Recertification: a completion about to expire (or a major revision) assigns the course
# again, due this many days ahead.
LECTIO_RENEWAL_DAYS = envint("LECTIO_RENEWAL_DAYS", 30)
# Certificates: the organisation that issues them and its logo (a PNG or JPEG file; none
# when unset or unreadable). Their QR codes lead to SITE_URL.
LECTIO_ORGANISATION_NAME = env("LECTIO_ORGANISATION_NAME", "Lectio")
LECTIO_ORGANISATION_LOGO = env("LECTIO_ORGANISATION_LOGO")

# The REST API: requests a minute per token (then 429 with Retry-After).
LECTIO_API_RATE_LIMIT = envint("LECTIO_API_RATE_LIMIT", 600)
# Webhooks: allow targets on loopback, private and link-local addresses (off: only public
# addresses, so the server cannot be used to reach its own network); an endpoint failing
# this many deliveries in a row is disabled and the administrators told.
LECTIO_WEBHOOK_ALLOW_PRIVATE = envbool("LECTIO_WEBHOOK_ALLOW_PRIVATE", False)
LECTIO_WEBHOOK_FAILURE_LIMIT = envint("LECTIO_WEBHOOK_FAILURE_LIMIT", 15)
# Error reports never show the Authorization header (API tokens).
DEFAULT_EXCEPTION_REPORTER_FILTER = "lectio.api.logs.ReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # every sign-in at INFO is noise; lockouts are warnings
    },
}
