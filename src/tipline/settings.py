"""Django settings for Tipline, all read from the environment (see `environment`).

| variable                  | default                         |
| ------------------------- | ------------------------------- |
| TIPLINE_DATA_DIR          | ./data                          |
| DATABASE_URL              | SQLite (WAL) in the data folder |
| TIPLINE_SECRET_KEY[_FILE] | generated into the data folder  |
| TIPLINE_DEBUG             | false                           |
| TIPLINE_ALLOWED_HOSTS     | 127.0.0.1,localhost,[::1]       |
| TIPLINE_HTTPS             | false (true behind a TLS proxy) |
| TIPLINE_WEB_WORKERS       | 1                               |
| TIPLINE_WEB_THREADS       | 64                              |
| TIPLINE_DERIVATION_PROCESSES | one per core (0: in threads) |
| TIPLINE_STATIC_ROOT       | static/ in the data folder      |
"""

import os
import wsgiref.headers
from pathlib import Path

import dj_database_url
from django.conf import global_settings
from django.conf.locale import LANG_INFO

from tipline import environment as env

SOURCE_DIR = Path(__file__).resolve().parent
DATA_DIR = env.data_dir("TIPLINE_DATA_DIR", "./data")
FILES_DIR = DATA_DIR / "files"

SECRET_KEY = env.secret("TIPLINE_SECRET_KEY") or env.secret_in_data_dir(DATA_DIR, "secret_key")
DEBUG = env.flag("TIPLINE_DEBUG")
ALLOWED_HOSTS = env.words("TIPLINE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
HTTPS = env.flag("TIPLINE_HTTPS")

WEB_WORKERS = env.integer("TIPLINE_WEB_WORKERS", 1, minimum=1)
WEB_THREADS = env.integer("TIPLINE_WEB_THREADS", 64, minimum=1)
# Argon2id derivations at once per process: one per core across all workers (Argon2id
# fills 64 MiB and is bound by memory bandwidth; bench/vault.py measured 4 at once on 2
# cores slower than 2). See tipline.reports.receipts.
CORES = len(os.sched_getaffinity(0))  # the cores this process may run on
ARGON2_CONCURRENCY = max(1, CORES // WEB_WORKERS)
# `tipline serve` runs receipt derivations in a service of this many single-threaded
# processes, shared by all its workers (tipline.vault.derivations); 0 keeps them in threads.
DERIVATION_PROCESSES = env.integer("TIPLINE_DERIVATION_PROCESSES", CORES, minimum=0)
# Where the service's private socket folder is made: a runtime folder that nothing ages
# (systemd: RuntimeDirectory=tipline, /run/tipline); empty: the system's temporary folder.
RUNTIME_DIR = env.text("TIPLINE_RUNTIME_DIR", "")
# Requests that cost an Argon2id derivation, admitted at once on a host, and how long one
# may wait for a slot before it is answered 503 (see tipline.throttling.gate). Twice the
# cores: while one admitted request parses, queries, commits or renders, another is ready to
# take its core, so Argon2id never waits for the rest of a request; and few enough that an
# admitted request waits at most about one derivation for its turn. More threads than slots,
# so that a surge reaches the gate and is answered instead of queueing. Without Redis each
# process holds twice its share of the cores, and never fewer than two: gunicorn hands
# connections to workers unevenly, and a single slot per worker turned clients away while
# other workers idled (bench/submit.py --workers 8 on 2 cores). With Redis the host's slots
# are counted together, exactly twice the cores.
EXPENSIVE_CONCURRENCY = env.integer(
    "TIPLINE_EXPENSIVE_CONCURRENCY", 2 * ARGON2_CONCURRENCY, minimum=1
)
ADMITTED_PER_HOST = (
    EXPENSIVE_CONCURRENCY * WEB_WORKERS
    if "TIPLINE_EXPENSIVE_CONCURRENCY" in os.environ
    else 2 * CORES
)
# Short: the wait for a slot adds to the latency of every admitted request under a surge.
ADMISSION_WAIT_SECONDS = env.integer("TIPLINE_ADMISSION_WAIT_SECONDS", 1, minimum=0)
# Expensive requests allowed to wait for a slot, per slot; past that, 503 before the body.
ADMISSION_QUEUE_PER_SLOT = env.integer("TIPLINE_ADMISSION_QUEUE_PER_SLOT", 8, minimum=0)
# A request body must keep coming (no pause longer than the first) and be complete within
# the second plus one second per BODY_MIN_BYTES_PER_SECOND; else 408 (tipline.throttling.body).
BODY_IDLE_SECONDS = env.integer("TIPLINE_BODY_IDLE_SECONDS", 10, minimum=1)
BODY_SECONDS = env.integer("TIPLINE_BODY_SECONDS", 20, minimum=1)
BODY_MIN_BYTES_PER_SECOND = env.integer("TIPLINE_BODY_MIN_BYTES_PER_SECOND", 16384, minimum=1)
# Throttles and gate slots shared by every process and host (else kept in memory).
REDIS_URL = env.text("TIPLINE_REDIS_URL", "")
# A header set by our own reverse proxy naming the client's address (else the socket's peer).
PROXY_ADDRESS_HEADER = env.text("TIPLINE_PROXY_ADDRESS_HEADER", "")
# The PROXY protocol (v1 or v2) on `tipline serve`'s socket, from these addresses only: each
# connection says whom it carries. Behind Tor's `HiddenServiceExportCircuitID haproxy`, that
# is the circuit, so each circuit is its own source for the throttles (docs/deploy.md).
PROXY_PROTOCOL = env.flag("TIPLINE_PROXY_PROTOCOL")
PROXY_ALLOW_IPS = [
    address.strip()
    for address in env.text("TIPLINE_PROXY_ALLOW_IPS", "127.0.0.1,::1").split(",")
    if address.strip()
]
# Log how long each submission spent in Argon2id, encryption and the database
# (bench/submit.py reads these lines; they name no report and no client).
PHASE_TIMINGS = env.flag("TIPLINE_PHASE_TIMINGS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tipline.web",
    "tipline.server",
    "tipline.audit",
    "tipline.accounts",
    "tipline.desks",
    "tipline.reports",
    "tipline.reporter",
    "tipline.casework",
    "tipline.outcomes",
    "tipline.sharing",
    "tipline.triage",
    "tipline.backups",
    "tipline.notifications",
]

MIDDLEWARE = [
    "tipline.web.middleware.forget_client_identity",
    "tipline.web.middleware.CompressPages",  # outside everything that writes a page
    "tipline.throttling.gate.AdmissionControl",
    "django.middleware.security.SecurityMiddleware",
    "tipline.web.middleware.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "tipline.web.middleware.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tipline.accounts.middleware.staff_session_limits",
    "tipline.accounts.middleware.staff_language",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tipline.urls"
WSGI_APPLICATION = "tipline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tipline.web.context_processors.language_links",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers work while one writer commits; FULL makes every commit
            # durable before it returns, which guarantee 4 (nothing acknowledged is lost)
            # needs. IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait
            # (up to `timeout` seconds) instead of failing on a lock upgrade.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Keep each thread's connection: opening one (and its PRAGMAs) cost every request
        # a few milliseconds of CPU (bench/submit.py's profile).
        config["CONN_MAX_AGE"] = None
    else:
        # A bounded pool per process: threads wait for a connection (up to `timeout` s, then
        # a 503) instead of each opening its own until PostgreSQL refuses more clients.
        config["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": env.integer("TIPLINE_DB_POOL_SIZE", 20, minimum=1),
            "timeout": 10,
        }
    return config


DATABASES = {
    "default": _database(env.text("DATABASE_URL", f"sqlite:///{DATA_DIR / 'tipline.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.StaffUser"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:signin"

# Staff sessions: server-side, strict cookies, a hard limit on their life.
SESSION_COOKIE_NAME = "tipline_staff"
SESSION_COOKIE_AGE = env.integer("TIPLINE_SESSION_HOURS", 8, minimum=1) * 3600
SESSION_IDLE_SECONDS = env.integer("TIPLINE_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_AGE = None  # a session cookie: gone when the browser closes, no lasting trace
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "tipline.web.views.csrf_failure"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Headers (the CSP is set by tipline.web.middleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# Attachments are cleaned in a separate process (tipline.reports.isolation) with these limits,
# in a private folder on a memory-backed file system.
CLEANING_SECONDS = env.integer("TIPLINE_CLEANING_SECONDS", 120, minimum=1)
# CPU seconds one cleaning may use: far above what real files take (docs/deploy.md, "Capacity",
# bench/cleaning.py); a hostile file is stopped here, well before a reporter gives up waiting.
CLEANING_CPU_SECONDS = env.integer("TIPLINE_CLEANING_CPU_SECONDS", 20, minimum=1)
# Cleanings at once per process, apart from the admission gate's slots (half this process's
# share of the cores): hostile files never take the cores sign-in and receipts need.
CLEANING_CONCURRENCY = env.integer(
    "TIPLINE_CLEANING_CONCURRENCY", max(1, ARGON2_CONCURRENCY // 2), minimum=1
)
# How long a file waits for a cleaning slot before it is refused as "busy".
CLEANING_WAIT_SECONDS = env.integer("TIPLINE_CLEANING_WAIT_SECONDS", 60, minimum=0)
CLEANING_MEMORY_MB = env.integer("TIPLINE_CLEANING_MEMORY_MB", 1536, minimum=256)
CLEANING_SCRATCH_DIR = env.text("TIPLINE_CLEANING_SCRATCH_DIR", "")

# Uploads never go through memory whole; limits per desk come with the reporter side.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
# A file part of a form that does not take files stays in memory (the gate's size limits
# keep it small): nothing unencrypted is ever spooled to a temporary file.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ur", "اردو"),
    ("zh-hans", "简体中文"),
    ("ps", "پښتو"),
    ("fa", "فارسی"),
]
# The staff side speaks fewer languages than reporters (its catalogue entries exist in these).
STAFF_LANGUAGES = LANGUAGES[:3]
# Pashto is not among Django's locales: tell it the name and that it runs right to left.
# An agency adds a language the same way (docs/design.md, "Languages").
EXTRA_LANG_INFO = {
    "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
}
LANG_INFO.update(EXTRA_LANG_INFO)
LANGUAGES_BIDI = [*global_settings.LANGUAGES_BIDI, "ps"]
LOCALE_PATHS = [SOURCE_DIR / "locale"]
USE_I18N = True
# One date style per language that its readers cannot misread, and ISO date inputs
# (tipline/formats/__init__.py).
FORMAT_MODULE_PATH = ["tipline.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
# Collected by `tipline serve` when the sources changed (tipline.server.static_files): names
# with a hash of their content, cached for a year (immutable); stylesheets and scripts also
# gzipped and brotli-compressed. Only DEBUG serves the sources themselves, as they change.
STATIC_ROOT = Path(env.text("TIPLINE_STATIC_ROOT", "") or DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    **global_settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG


def _no_cross_origin_headers(headers: "wsgiref.headers.Headers", path: str, url: str) -> None:
    """Our static files are for our own pages: no CORS header (whitenoise adds one)."""
    del headers["Access-Control-Allow-Origin"]  # removes every one; none is no error


WHITENOISE_ADD_HEADERS_FUNCTION = _no_cross_origin_headers

# No error e-mails: Django's include the request's headers and the client's address.
ADMINS: list[tuple[str, str]] = []
MANAGERS: list[tuple[str, str]] = []
# Logs carry messages only, never a request: no client address, user agent or referrer.
# The development server's and gunicorn's access logs would, so they go nowhere.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"forget_paths": {"()": "tipline.web.logs.ForgetPaths"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["forget_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # 4xx responses are logged with their path; an invitation link holds its token
        # there. Only server errors are worth a line.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
        "tipline": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# django-otp's own delay after wrong codes doubles without end; Tipline's throttle
# (accounts.signin.CODES) slows wrong codes instead, never for longer than a minute.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = env.text("TIPLINE_TOTP_ISSUER", "Tipline")

# Background work: Celery on Redis when a broker is given; otherwise in-process (tipline.jobs).
BROKER_URL = env.text("TIPLINE_BROKER_URL", "")
CELERY_BROKER_URL = BROKER_URL
if not REDIS_URL and BROKER_URL.startswith(("redis://", "rediss://")):
    REDIS_URL = BROKER_URL
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task for another
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# E-mail to staff (notifications carry no content). Off until a host is given.
EMAIL_HOST = env.text("TIPLINE_EMAIL_HOST", "")
EMAIL_ENABLED = bool(EMAIL_HOST)
EMAIL_PORT = env.integer("TIPLINE_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.text("TIPLINE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.secret("TIPLINE_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = env.flag("TIPLINE_EMAIL_STARTTLS")
EMAIL_USE_SSL = env.flag("TIPLINE_EMAIL_TLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.text("TIPLINE_EMAIL_FROM", "tipline@localhost")
SITE_URL = env.text("TIPLINE_SITE_URL", "http://127.0.0.1:8000")

# Sharing with partner installations (tipline.sharing, docs/sharing.md).
INSTALLATION_NAME = env.text("TIPLINE_INSTALLATION_NAME", "Tipline")
SHARING_MAX_PACKAGE_BYTES = env.integer("TIPLINE_SHARING_MAX_PACKAGE_MB", 64, minimum=1) * 2**20
# The first retry of an undelivered package waits this long, each next one twice as long
# (at most an hour).
SHARING_RETRY_SECONDS = env.integer("TIPLINE_SHARING_RETRY_SECONDS", 15, minimum=1)
# A package neither taken nor refused by the partner's signed word (unreachable, an answer
# that is not the partner's) is given up this long after it was queued, and its share shown
# as "could not be delivered" with the last reason: never retried for ever.
SHARING_GIVE_UP_HOURS = env.integer("TIPLINE_SHARING_GIVE_UP_HOURS", 72, minimum=1)
