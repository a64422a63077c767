"""Settings shared by every environment. Values that differ per deployment come
from the environment (see the configuration table in README.md)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    # Django's admin with a site that also requires a verified second factor.
    "accounts.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "accounts",
    "notifications",
    "directory",
    "planning",
    "indicators",
    "meetings",
    "projects",
    "network",
    "rounds",
    "reports",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    # Before anything reads the body: an oversized upload is refused unread.
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Open datasets already written for the current data version are sent from
    # their files here, like static files (core.opendata).
    "core.opendata.OpenDataMiddleware",
    # Anonymous readers of public pages are answered from the cache here, before
    # sessions, CSRF and auth run (core.pagecache).
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.CzechFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified when the session passed a TOTP code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    # After the headers middleware, so that its redirects carry CSP and HSTS too.
    "accounts.middleware.RequireSecondFactorMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.portal",
                "directory.context_processors.city",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A persistent connection broken by a database restart is replaced, not reused.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Staff single sign-on; answers nothing unless OpenID Connect is configured.
    "accounts.oidc.PortalOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:desk"
LOGOUT_REDIRECT_URL = "core:home"

# --- Internationalisation: Czech first, English available -------------------
LANGUAGE_CODE = "cs"
LANGUAGES = [("cs", _("Czech")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Prague"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# Django's renderer, with <select>s printed without a template per option.
FORM_RENDERER = "core.renderers.FastSelectRenderer"

# A list filter left empty shows everything: its empty choice says so (not
# django-filter's "---------"). Forms get theirs from core.forms.
FILTERS_EMPTY_CHOICE_LABEL = _("(all)")
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files ----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders when collectstatic has not run (tests, runserver).
WHITENOISE_USE_FINDERS = True
# Uploaded and generated files live outside the static path and are served only
# through views that check permissions.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Cache, Celery: Redis when REDIS_URL is set, embedded otherwise ----------
REDIS_URL = env("REDIS_URL", default="")
# A Redis outage must cost a page milliseconds, not seconds: short socket
# timeouts, and after a failure the cache is skipped for a while (core.cache).
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.2)
CACHE_BREAKER_SECONDS = env.int("CACHE_BREAKER_SECONDS", default=30)


def redis_cache(url, timeout=CACHE_SOCKET_TIMEOUT):
    return {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "portal",
        "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
    }


if REDIS_URL:
    CACHE_URL = env("CACHE_URL", default=REDIS_URL)
    CACHES = {"default": redis_cache(CACHE_URL)}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # A file-based cache is shared by the web and worker processes of the
    # embedded default; the filesystem transport lets a real worker consume
    # tasks without any broker server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # A host name (ignored by the transport) keeps kombu from warning "No
    # hostname was supplied" at every start of the web and worker processes.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery' / 'results'}"

CELERY_TIMEZONE = TIME_ZONE
# Report runs (and imports) of different plans run side by side: every worker
# process reserves one message at a time (prefetch 1, so a long render does not
# hold a second run back from an idle process) and acknowledges it after it
# ran (a lost worker's run comes back; reports.tasks renders a finished job
# never again). Processes per worker: CELERY_WORKER_CONCURRENCY (default 2; a
# WeasyPrint render of the 10x report peaks near 200 MB per process, and a
# process that grew past CELERY_WORKER_MAX_MEMORY_MB is replaced after its task).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_MB", default=500) * 1024
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Static entries; django-celery-beat copies them into its tables, where officers'
# own schedules (reports) live too.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.worker_heartbeat", "schedule": 60.0},
    # Report runs the broker could not take (Redis was down) are sent again.
    "report-requeue": {"task": "reports.requeue_waiting_jobs", "schedule": 60.0},
    # So are confirmed imports.
    "import-requeue": {"task": "core.requeue_waiting_imports", "schedule": 60.0},
    # Personal data past its retention period is removed once a day (core.retention).
    "retention": {"task": "core.enforce_retention", "schedule": 24 * 3600.0},
    # E-mails the worker could not send yet (mail server or broker down).
    "outbox": {"task": "notifications.deliver_due_mails", "schedule": 60.0},
    # The public's subscriptions: daily ones every morning, weekly ones on their seventh day.
    "public-digests": {"task": "notifications.send_digests",
                       "schedule": crontab(hour=6, minute=30)},
    # Task owners are reminded TASK_REMINDER_DAYS before the deadline, in the morning.
    "task-deadline-reminders": {"task": "meetings.send_task_deadline_reminders",
                                "schedule": crontab(hour=7, minute=0)},
    "round-reminders": {"task": "rounds.send_round_reminders",
                        "schedule": crontab(hour=7, minute=10)},
}
# How many days before a meeting task's deadline its owner is reminded (once).
TASK_REMINDER_DAYS = env.int("TASK_REMINDER_DAYS", default=7)
# Retention per kind of data, in days (core.retention; a kind not named keeps its
# registered default; None keeps it for ever). Set as RETENTION_DAYS=kind=days,...
RETENTION_DAYS = {
    kind: (None if days in ("", "none") else int(days))
    for kind, days in (item.split("=", 1) for item in env.list("RETENTION_DAYS", default=[]))
}
# Links in e-mails point here.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- E-mail -----------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
ADMINS = [("Admin", a) for a in env.list("ADMINS", default=[])]
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security that holds in every environment --------------------------------
# Strict CSP: only the portal's own scripts and styles, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Login brute-force protection: 5 failures lock the user+IP pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
# Beyond axes' lock of a user name from one address (accounts.lockout): an
# account guessed from many addresses, and one address guessing many accounts.
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_LOCK_WINDOW = timedelta(hours=1)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
# Second factor (TOTP, django-otp): required for administrators and staff
# accounts, for city officers when OTP_REQUIRED_FOR_OFFICERS (on in
# production), optional for everyone else (accounts.middleware). django-otp throttles guessing per
# device: after n wrong codes in a row the next attempt is refused for
# FACTOR * 2^(n-1) seconds (1, 2, 4, 8 … s; 10 wrong codes = 8.5 min); a right
# code resets the count. `manage.py otp_reset USER` clears a lost device.


def _city_totp_issuer(device):
    """The name authenticator apps list the portal under: `OTP_TOTP_ISSUER`
    when set, otherwise built from the city's name (read when a device is set
    up, not when settings load)."""
    from directory.selectors import totp_issuer

    return totp_issuer()


OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="") or _city_totp_issuer
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_REQUIRED_FOR_OFFICERS = env.bool("OTP_REQUIRED_FOR_OFFICERS", default=False)
# Another administrator sees a device in the admin, never its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Staff single sign-on: OpenID Connect (mozilla-django-oidc; accounts.oidc) ---
# Off unless OIDC_ISSUER and OIDC_CLIENT_ID are set (docs/deployment.md). The
# endpoints come from the issuer's discovery document
# (ISSUER/.well-known/openid-configuration, or OIDC_DISCOVERY_URL), read when
# first needed and cached for an hour; each may be set explicitly instead.
# A staff member is matched by e-mail (case-insensitive) or created without
# any role; local accounts keep working beside it.
OIDC_OP_ISSUER = env("OIDC_ISSUER", default="")
OIDC_OP_DISCOVERY_URL = env("OIDC_DISCOVERY_URL", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_URI", default="")
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", default="RS256")
# Client authentication at the token endpoint: in the form body, or HTTP Basic.
OIDC_TOKEN_USE_BASIC_AUTH = env.bool("OIDC_TOKEN_USE_BASIC_AUTH", default=False)
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# Clock difference allowed when checking an ID token's exp/iat, in seconds.
OIDC_LEEWAY = env.int("OIDC_LEEWAY", default=60)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_REDIRECT_FIELD_NAME = "next"
# Values of the ID token's `amr` claim (RFC 8176) that count as the second
# factor of an administrator: when one is present the portal does not ask for
# its own TOTP code. AD FS names multi-factor sign-in with a URI.
OIDC_MFA_AMR = env.list("OIDC_MFA_AMR", default=[
    "mfa", "otp", "hwk", "swk", "sc", "sms", "tel", "fpt", "face", "iris", "retina",
    "vbm", "mca", "http://schemas.microsoft.com/claims/multipleauthn",
])

# Number of reverse proxies in front of the portal that append to X-Forwarded-For.
# Reverse proxies (CIDRs) whose X-Forwarded-For is believed; none by default,
# so that a client reaching gunicorn directly cannot pick its own address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# --- Whole-page cache of public pages (core.pagecache) --------------------------
# How long a stored page lives at most; a change makes every page stale at once.
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=600)
# Cache-Control of a cached page: browsers revalidate every time (a 304 from the
# cache), a shared cache (reverse proxy, CDN) may keep it this many seconds
# without asking - so a proxy may show a change that much later.
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=0)
PAGE_CACHE_SHARED_MAX_AGE = env.int("PAGE_CACHE_SHARED_MAX_AGE", default=60)
# Each web process keeps the pages it served lately (bytes of bodies, per
# process; 0: none): a hit then reads only the generation from Redis, not the
# page, and a copy is answered only while that is its generation.
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_BYTES", default=32 * 1024 * 1024)
# ... and holds the generation itself while Redis promises to tell it of any
# change (client tracking, Redis 6.0+; core.keywatch): a hit of a page the
# process holds then reads nothing from Redis. Off: the generation is read
# from Redis for every hit (for a Redis that refuses CLIENT TRACKING).
PAGE_CACHE_WATCH_GENERATION = env.bool("PAGE_CACHE_WATCH_GENERATION", default=True)
# A save, delete or m2m change of a model of these apps makes the pages stale.
PAGE_CACHE_APPS = ["directory", "planning", "indicators", "meetings", "projects", "network",
                   "reports"]
PAGE_CACHE_IGNORED_MODELS = []
# The language cookie lives a year: the choice of English is kept.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Tables and lists --------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "components/table.html"
LIST_PAGE_SIZE = 25

# The largest request body the portal accepts: the largest upload (an
# attendance scan, 10 MiB) and the form around it. Anything longer is refused
# with 413 before a byte is read or written to disk. The proxy's
# client_max_body_size (docs/deployment.md) should say the same.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=12 * 1024 * 1024)
# Non-file form data, and the size above which an uploaded file goes to a
# temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Meetings ----------------------------------------------------------------
# Open tasks of a group's earlier meetings are listed in a meeting's minutes
# ("Nesplněné úkoly") only when agreed at most this many days before it.
MEETINGS_TASK_CARRY_OVER_DAYS = 365

# --- Logging: one line per record, with the request id ----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.middleware.RequestIdLogFilter"},
        "refusal_without_traceback": {"()": "core.logging.RefusalWithoutTraceback"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s "
            "[req=%(request_id)s ip=%(client_ip)s] %(message)s"
        },
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="plain"),
            "filters": ["request_id"],
        },
        # As in Django's default: errors to ADMINS, when there are any.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print every record a
        # second time beside the root's: the root handler alone writes them.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["refusal_without_traceback"]},
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs every login attempt at INFO; failures still show as WARNING.
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every layout step at INFO; refused URLs stay WARNING.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SEEDS_DIR = Path(env("SEEDS_DIR", default=str(BASE_DIR.parent / "shared" / "seeds")))
