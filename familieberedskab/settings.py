"""Settings for Familieberedskab, read from the environment (12-factor).

Without any variables set, the app runs on the embedded default: an SQLite file, tasks run
in-process, demo mode. Production sets ``DEBUG=false`` and the secrets below; a missing
secret then stops the process at start instead of running with a guessable default.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))

DEBUG = env.bool("DEBUG", default=True)
# Demo mode: the README's run command. Sign-in skips the one-time code and the login page
# says so. It can never be on together with production settings.
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)
TESTING = env.bool("FB_TESTING", default=False)


def _secret(name: str, *, dev_default: str) -> str:
    """A secret from the environment; in production a missing one is a start-up error."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is false")


SECRET_KEY = _secret("SECRET_KEY", dev_default="dev-only-insecure-secret-key-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# CPR numbers: encrypted at rest with Fernet (comma-separated keys, newest first, allow
# rotation) and found by exact match through a keyed HMAC-SHA256 hash.
# CPR_ENCRYPTION_KEY (one key) is only needed when CPR_ENCRYPTION_KEYS is not set.
CPR_ENCRYPTION_KEYS = env.list("CPR_ENCRYPTION_KEYS", default=[]) or [
    _secret("CPR_ENCRYPTION_KEY", dev_default="ZGV2LW9ubHktY3ByLWtleS0wMDAwMDAwMDAwMDAwMDA=")
]
CPR_HMAC_KEY = _secret("CPR_HMAC_KEY", dev_default="dev-only-cpr-hmac-key")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "familieberedskab.apps.KernelConfig",
    "staffing",
    "cases",
    "visitation",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "familieberedskab.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "familieberedskab.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "familieberedskab.middleware.SessionLimitMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "familieberedskab.middleware.OTPRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "familieberedskab.middleware.NoStoreMiddleware",
    # Last, so that a locked-out login gets axes' response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "familieberedskab.urls"
WSGI_APPLICATION = "familieberedskab.wsgi.application"

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
                "familieberedskab.context_processors.navigation",
            ],
            "string_if_invalid": "",
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "staffing.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staffing:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "staffing:login"

# One-time codes: required for every account unless in demo mode.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEMO_MODE)
OTP_TOTP_ISSUER = "Familieberedskab"
if OTP_REQUIRED is False and not DEBUG and not TESTING:
    raise ImproperlyConfigured("OTP_REQUIRED cannot be switched off in production")

# Lockout after repeated failures, keyed on username and IP together, so nobody can lock a
# colleague out from another machine.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staffing/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_VERBOSE = False

# Sessions: 30 minutes idle (renewed on each request), and an absolute limit from sign-in.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: only sent over HTTPS, to this host, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# A strict Content-Security-Policy: no inline scripts or styles, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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

# Generated reports live here, never under STATIC_ROOT or a served media root.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
# Report files are deleted this many days after they were made (the run stays, marked expired).
REPORT_FILE_DAYS = env.int("REPORT_FILE_DAYS", default=90)
# Pseudonyms in the evaluator's dataset: HMAC-SHA256 with this key (stable across runs; not
# derivable without it). Required in production.
PSEUDONYM_KEY = _secret("PSEUDONYM_KEY", dev_default="dev-only-pseudonym-key")
# For tests and demonstrations only: every progress step of a report build waits this many
# seconds, so a run can be watched (or its worker killed) mid-way. 0 in real use.
REPORT_STEP_DELAY_SECONDS = env.float("REPORT_STEP_DELAY_SECONDS", default=0.0)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="familieberedskab@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis as broker and result store when REDIS_URL is set; otherwise tasks run
# in-process (the embedded default) so nothing needs a broker.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With acks_late, a message whose worker died unacknowledged is delivered again after this
# many seconds (Redis transport). Longer than the longest task; tests shorten it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Hourly; scripts/stack_smoke.sh shortens it to see beat send a task within seconds.
BEAT_HOUSEKEEPING_SECONDS = env.int("BEAT_HOUSEKEEPING_SECONDS", default=60 * 60)
CELERY_BEAT_SCHEDULE = {
    "visitation-reminders": {
        "task": "visitation.tasks.reminders_send",
        "schedule": 15 * 60,
    },
    "courses-activate-due": {
        "task": "visitation.tasks.courses_activate_due",
        "schedule": 60 * 60,
    },
    "sessions-clear-expired": {
        "task": "familieberedskab.tasks.sessions_clear_expired",
        "schedule": BEAT_HOUSEKEEPING_SECONDS,
    },
    # Idempotent (one notification per meeting and due date), so hourly is safe and a day
    # with the beat down is caught up.
    "cases-meeting-reminders": {
        "task": "cases.tasks.meeting_reminders_send",
        "schedule": 60 * 60,
    },
    "cases-post-closure-reminders": {
        "task": "cases.tasks.post_closure_reminders_send",
        "schedule": 60 * 60,
    },
    "reporting-schedules": {"task": "reporting.tasks.schedules_run_due", "schedule": 60 * 60},
    "reporting-expire": {"task": "reporting.tasks.reports_expire", "schedule": 6 * 60 * 60},
    "lockouts-clear-expired": {
        "task": "familieberedskab.tasks.lockouts_clear_expired",
        "schedule": BEAT_HOUSEKEEPING_SECONDS,
    },
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "familieberedskab.requestid.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django logs the URL of every 4xx/5xx; URLs here carry only ids, never CPR numbers.
        "django.request": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Lists show this many rows a page.
PAGE_SIZE = env.int("PAGE_SIZE", default=25)
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in our own audit trail
HEALTHZ_TASK_TIMEOUT = env.float("HEALTHZ_TASK_TIMEOUT", default=5.0)
# Counts from 1 up to this threshold are suppressed in aggregates (disclosure control).
SMALL_NUMBER_THRESHOLD = env.int("SMALL_NUMBER_THRESHOLD", default=5)
# Notifications are e-mailed (without personal data) when this is on.
NOTIFICATION_EMAIL = env.bool("NOTIFICATION_EMAIL", default=False)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Take the request id from the proxy's X-Request-ID header (only behind a proxy that sets it);
# otherwise every request gets a fresh id, so clients cannot choose what the audit trail says.
TRUST_REQUEST_ID_HEADER = env.bool("TRUST_REQUEST_ID_HEADER", default=False)
# Follow-up meetings: every N months after the first (3 months after start); reminders this
# many days ahead and again on the day a meeting becomes overdue.
FOLLOW_UP_CADENCE_MONTHS = env.int("FOLLOW_UP_CADENCE_MONTHS", default=6)
MEETING_REMINDER_DAYS = env.int("MEETING_REMINDER_DAYS", default=14)
# FIT (ORS/SRS) rules, as data (DOMAIN.md, "Instruments — FIT"); override with FIT_RULES_JSON.
FIT_RULES = {
    "adult_from_age": 13,  # ORS/SRS from 13; CORS/CSRS 6–12; YCORS/YCSRS up to 5
    "child_from_age": 6,
    "cutoffs": [[18, 25], [13, 28], [6, 32]],  # (from age, ORS clinical cut-off)
    "reliable_change": 5,
    "alliance_total_below": 36,
    "alliance_item_below": 9,
    "alliance_drop": 1,
    "progress_amber_session": 3,
    "progress_red_session": 6,
} | env.json("FIT_RULES_JSON", default={})
# Item labels shown in the FIT forms (the licensed item wording is never shown).
FIT_ITEM_LABELS = {
    "ors": ["Mig selv", "Nære relationer", "Socialt (skole, arbejde, venner)", "Alt i alt"],
    "srs": ["Relationen", "Mål og emner", "Måden vi arbejdede på", "Alt i alt"],
}
# A visit can be corrected by its author this many hours after it was recorded; after that
# only by a leader.
VISIT_CORRECTION_HOURS = env.int("VISIT_CORRECTION_HOURS", default=72)
# Hours delivered more than this many percent below or above the hours granted (or a team
# member's agreed hours) in a week are flagged as under- or over-delivery.
HOURS_TOLERANCE_PERCENT = env.int("HOURS_TOLERANCE_PERCENT", default=10)
# After a course is closed its team keeps read access this many days (closing summary).
CLOSED_COURSE_TEAM_ACCESS_DAYS = env.int("CLOSED_COURSE_TEAM_ACCESS_DAYS", default=30)
HEALTHZ_CACHE_SECONDS = env.float("HEALTHZ_CACHE_SECONDS", default=5.0)
