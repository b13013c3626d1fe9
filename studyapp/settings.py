"""The one settings module. Everything that differs between machines comes from
the environment, parsed strictly by ``studyapp.env``."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from studyapp.env import env_bool, env_choice, env_int, env_int_range, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "dev-only-secret-key-not-for-production-7f3a9c1e5b2d4f6a8c0e"  # noqa: S105 - only used when DEBUG is on
SECRET_KEY = env_str("SECRET_KEY") or (_DEV_SECRET if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is false")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "studyapp.accounts",
    "studyapp.notes",
    "studyapp.study",
    "studyapp.exams",
    "studyapp.authoring",
    "studyapp.teams",
]

MIDDLEWARE = [
    # First: load balancers ask without a session, a host name or TLS.
    "studyapp.health.HealthCheckMiddleware",
    # Before anything reads the body: one too large is refused unread.
    "studyapp.request_size.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a posted form (the next one does).
    "studyapp.form_encoding.RejectUndecodableFormsMiddleware",
    # Before anything that reads the session, the user or a form from the database.
    "studyapp.middleware.RejectUnstorableCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "studyapp.accounts.middleware.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "studyapp.errors.NotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "studyapp.csp.CSPMiddleware",
]

ROOT_URLCONF = "studyapp.urls"
WSGI_APPLICATION = "studyapp.wsgi.application"

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
                "studyapp.authoring.context_processors.authoring",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
_DB = DATABASES["default"]
if _DB["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while an import writes; a busy timeout instead of
    # "database is locked" when two gunicorn workers write at once.
    _DB["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    _DB["CONN_MAX_AGE"] = 0
# PostgreSQL connections for several app servers (docs/scaling.md): either
# psycopg's pool in each process (DATABASE_POOL), or PgBouncer in front of the
# database in transaction mode (DATABASE_BEHIND_PGBOUNCER), never both.
DATABASE_POOL = env_bool("DATABASE_POOL", False)
DATABASE_BEHIND_PGBOUNCER = env_bool("DATABASE_BEHIND_PGBOUNCER", False)
if (DATABASE_POOL or DATABASE_BEHIND_PGBOUNCER) and _DB["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_POOL and DATABASE_BEHIND_PGBOUNCER are for PostgreSQL only")
if DATABASE_POOL and DATABASE_BEHIND_PGBOUNCER:
    raise ImproperlyConfigured("DATABASE_POOL and DATABASE_BEHIND_PGBOUNCER: choose one pool, not two")
if DATABASE_POOL:
    # A pool keeps the connections; Django must not keep them a second way.
    _DB["CONN_MAX_AGE"] = 0
    _DB.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int_range("DATABASE_POOL_MIN_SIZE", 1, 0, 100),
        "max_size": env_int_range("DATABASE_POOL_MAX_SIZE", 4, 1, 100),
        "timeout": env_int_range("DATABASE_POOL_TIMEOUT", 10, 1, 300),
    }
if DATABASE_BEHIND_PGBOUNCER:
    # In transaction mode a server connection serves another client after each
    # transaction: no cursor may outlive one (Django's server-side cursors do).
    _DB["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One backend: it throttles every password check (ours and the admin's) and
# loads the user and their profile in one query per request.
AUTHENTICATION_BACKENDS = ["studyapp.accounts.backends.ProfileBackend"]
LOGIN_URL = "login"
# Learners land on today's session unless `next` says otherwise.
LOGIN_REDIRECT_URL = "study"
LOGOUT_REDIRECT_URL = "note_list"
# Throttles (token buckets in the database, docs/accounts.md): (attempts allowed
# at once, seconds until one more is allowed). Logins spend only on wrong
# passwords. A classroom behind one NAT address shares the per-IP buckets; raise
# them there rather than drop them.
LOGIN_THROTTLE_PER_IP = (10, 30)
LOGIN_THROTTLE_PER_USERNAME_AND_IP = (5, 300)
# The brake on distributed guessing: once a username has had this many wrong
# passwords from anywhere, only addresses with no failures for it are heard.
LOGIN_BRAKE_PER_USERNAME = (20, 600)
SIGNUP_THROTTLE_PER_IP = (10, 60)
PASSWORD_RESET_THROTTLE_PER_IP = (5, 300)
PASSWORD_RESET_THROTTLE_PER_EMAIL = (3, 1200)
# The editor's check and preview (sent as the author types): a token per
# started EDITOR_CHECK_BYTES_PER_TOKEN of text, so that the budget bounds the
# rendering work (docs/authoring.md, "Limits").
EDITOR_CHECK_THROTTLE_PER_USER = (30, 1)
EDITOR_CHECK_BYTES_PER_TOKEN = 100_000
# Behind a proxy every request comes from the proxy's address: the throttles
# then key on the address the proxy appends to X-Forwarded-For.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)

# Several app servers (docs/scaling.md): with REDIS_URL, the cache and the
# sessions live in Redis (sessions backed by the database, so a flushed cache
# logs nobody out) and background tasks run on RQ. Without it, the embedded
# default: a per-process cache that nothing depends on, sessions in the
# database, tasks in the database. Nothing kept in a process's memory decides
# anything (throttles and day plans are rows), so any server may answer any request.
REDIS_URL = env_url("REDIS_URL", {"redis", "rediss", "unix"})
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Servers that share a Redis but not a database keep apart.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "studyapp"),
        }
    }
    SESSION_ENGINE = "studyapp.accounts.sessions.cached_db"
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
else:
    SESSION_ENGINE = "studyapp.accounts.sessions.db"

# Background tasks (django-tasks): RQ with Redis; else the database backend,
# so the embedded SQLite set-up needs no other server; "immediate" runs each
# task inline (tests).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS_BACKEND = env_choice("TASKS_BACKEND", list(TASK_BACKENDS), "rq" if REDIS_URL else "database")
if TASKS_BACKEND == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
if TASKS_BACKEND == "rq":
    TASKS["default"]["QUEUES"] = ["default"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files built by `collectstatic`; without
# that step (make run, tests) files come straight from the finders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATIC_ROOT = BASE_DIR / "staticfiles" if STATIC_MANIFEST else None
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# Upload caps: notes are small text files; a 2 MB request is already suspicious.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
# A body longer than this is answered 413 before it is read (studyapp/request_size.py),
# except by a view that declares its own limit with @body_limit (the note upload).
REQUEST_BODY_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE + 100_000

# Security. Production (DEBUG false) gets the full set that `check --deploy` asks for;
# each can be turned off explicitly behind a TLS-terminating proxy that does it instead.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_SAMESITE = "Lax"
# The language cookie goes where the session cookie goes.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = SESSION_COOKIE_SAMESITE
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# A refused form gets the site's 403 page, in the visitor's language.
CSRF_FAILURE_VIEW = "studyapp.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script anywhere: every script is a static file; htmx's own indicator
# styles are turned off in base.html so that style-src needs no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# E-mail (password resets): printed to the console under DEBUG; in production
# sent through the SMTP server the environment names (a local MTA by default).
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
if not 0 < EMAIL_PORT < 65536:
    raise ImproperlyConfigured(f"EMAIL_PORT must be a port number (1-65535), not {EMAIL_PORT}")
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true: STARTTLS or implicit TLS, not both"
    )
# A mail server that does not answer must not hold a worker (or a mail thread) for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "studyapp <noreply@localhost>")
# Reset mails leave from a thread, so the answer does not wait for the mail
# server and takes as long whether or not the address has an account.
PASSWORD_RESET_MAIL_IN_BACKGROUND = True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
