"""Settings shared by every environment. Secrets come only from the environment."""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("RENKEI_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("RENKEI_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("RENKEI_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "renkei.core",
    "renkei.directory",
    "renkei.indicators",
    "renkei.pdca",
    "renkei.careteams",
    "renkei.provision",
    "renkei.handoff",
    "renkei.consult",
    "renkei.training",
    "renkei.region",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "renkei.core.middleware.SecurityHeadersMiddleware",
    "renkei.core.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Renkei's gates come after messages and htmx: they add messages and answer htmx with HX-Redirect.
    "renkei.core.middleware.IdleTimeoutMiddleware",
    "renkei.core.middleware.MembershipMiddleware",
    "renkei.core.middleware.TwoFactorMiddleware",
    "renkei.core.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "renkei.urls"
WSGI_APPLICATION = "renkei.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "renkei.core.context_processors.shell",
                "renkei.careteams.context_processors.break_glass",
            ],
        },
    },
]


def database_from_environment(default_sqlite: Path) -> dict:
    """SQLite file by default; DATABASE_URL (postgres://…) selects PostgreSQL."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        # Several people at once on the embedded default: WAL lets readers go on while one writes; a busy
        # timeout makes a writer wait (20 s) instead of failing; IMMEDIATE takes the write lock when a
        # transaction begins, so a transaction that read first never fails to upgrade ("database is locked"
        # at once, the busy timeout does not apply to that); synchronous=NORMAL is safe with WAL.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": database_from_environment(DATA_DIR / "renkei.sqlite3")}


def cache_from_environment() -> dict:
    """The cache shared by every worker process: the database by default, Redis when RENKEI_REDIS_URL is set.

    Login throttling, the account lockout and the survey-link throttle count in it, so they must not live
    in one process's memory. The database cache's table is created by `renkei migrate`.
    """
    redis_url = os.environ.get("RENKEI_REDIS_URL", "")
    if redis_url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
                "KEY_PREFIX": "renkei"}
    return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "renkei_cache"}


CACHES = {"default": cache_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# 安全管理ガイドライン: long passphrases, mixed character classes, not a common or personal word.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "renkei.core.passwords.CharacterClassValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Renkei's own settings (each overridable from the environment).
RENKEI_IDLE_TIMEOUT_SECONDS = int(os.environ.get("RENKEI_IDLE_TIMEOUT_SECONDS", 30 * 60))
RENKEI_LOGIN_MAX_FAILURES = int(os.environ.get("RENKEI_LOGIN_MAX_FAILURES", 5))
RENKEI_LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("RENKEI_LOGIN_MAX_FAILURES_PER_IP", 30))
RENKEI_LOGIN_LOCK_SECONDS = int(os.environ.get("RENKEI_LOGIN_LOCK_SECONDS", 15 * 60))
RENKEI_INVITATION_DAYS = int(os.environ.get("RENKEI_INVITATION_DAYS", 7))
# Counts of people from 1 to threshold−1 are shown as "<N" to viewers outside the municipality they describe.
RENKEI_SMALL_NUMBER_THRESHOLD = int(os.environ.get("RENKEI_SMALL_NUMBER_THRESHOLD", 10))
# An administrator's one-time code to set up a new authenticator (after a reset) is valid this long.
RENKEI_ENROLMENT_CODE_HOURS = int(os.environ.get("RENKEI_ENROLMENT_CODE_HOURS", 72))
# Sensitive actions (memberships and roles, exports) ask for the second factor again after this long.
RENKEI_SECOND_FACTOR_FRESH_SECONDS = int(os.environ.get("RENKEI_SECOND_FACTOR_FRESH_SECONDS", 15 * 60))
RENKEI_TILE_URL = os.environ.get(
    "RENKEI_TILE_URL", "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
)
RENKEI_TILE_ATTRIBUTION = os.environ.get("RENKEI_TILE_ATTRIBUTION", "地理院タイル")
RENKEI_TILE_ATTRIBUTION_URL = os.environ.get("RENKEI_TILE_ATTRIBUTION_URL",
                                             "https://maps.gsi.go.jp/development/ichiran.html")
# Patients' files (timeline photos and PDFs, scanned consent forms): outside the web root, served only after
# the policy check (renkei/careteams/storage.py). Back this folder up with the database.
RENKEI_PATIENT_FILES_ROOT = Path(os.environ.get("RENKEI_PATIENT_FILES_ROOT", DATA_DIR / "patient-files"))
RENKEI_PATIENT_FILE_MAX_BYTES = int(os.environ.get("RENKEI_PATIENT_FILE_MAX_BYTES", 20 * 1024 * 1024))
RENKEI_SITE_NAME = os.environ.get("RENKEI_SITE_NAME", "Renkei")
# The address links in e-mails point to (survey links sent by cron have no request to take it from).
RENKEI_BASE_URL = os.environ.get("RENKEI_BASE_URL", "")
# Background jobs (coverage gaps after imports, …): see renkei/core/tasks.py and docs/operations.md.
RENKEI_RUN_JOBS_INLINE = os.environ.get("RENKEI_RUN_JOBS_INLINE", "") == "1"
RENKEI_REDIS_URL = os.environ.get("RENKEI_REDIS_URL", "")
RENKEI_TASK_BACKEND = (os.environ.get("RENKEI_TASK_BACKEND", "")
                       or ("immediate" if RENKEI_RUN_JOBS_INLINE else "rq" if RENKEI_REDIS_URL else "database"))
RENKEI_JOB_RETRY_SECONDS = int(os.environ.get("RENKEI_JOB_RETRY_SECONDS", 60))
RENKEI_JOB_STALE_SECONDS = int(os.environ.get("RENKEI_JOB_STALE_SECONDS", 3600))
# Upload limits and how long an upload not applied is kept (renkei/core/files.py), as JSON:
# RENKEI_UPLOAD_LIMITS='{"rows": 500000, "columns": 200, "retention_days": 7}'
RENKEI_UPLOAD_LIMITS = json.loads(os.environ.get("RENKEI_UPLOAD_LIMITS", "") or "{}")

IMMEDIATE_TASKS = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}


def task_settings(backend: str, redis_url: str = "") -> tuple[dict, dict]:
    """TASKS (django-tasks) and RQ_QUEUES (django-rq) for `database`, `rq` or `immediate`.

    The alias "inline" is always the immediate backend: commands that print a result run their job there.
    """
    if backend == "database":
        default = {"BACKEND": "django_tasks_db.DatabaseBackend"}
    elif backend == "immediate":
        default = IMMEDIATE_TASKS
    elif backend == "rq":
        if not redis_url:
            raise ImproperlyConfigured("RENKEI_TASK_BACKEND=rq needs RENKEI_REDIS_URL (redis://host:6379/0).")
        return ({"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
                 "inline": IMMEDIATE_TASKS},
                {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 3 * 60 * 60}})
    else:
        raise ImproperlyConfigured(f"RENKEI_TASK_BACKEND must be database, rq or immediate, not {backend!r}.")
    return {"default": default, "inline": IMMEDIATE_TASKS}, {}


TASKS, RQ_QUEUES = task_settings(RENKEI_TASK_BACKEND, RENKEI_REDIS_URL)
if RENKEI_TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]  # pip install "renkei[redis]"

EMAIL_BACKEND = os.environ.get("RENKEI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("RENKEI_FROM_EMAIL", "renkei@localhost")
EMAIL_HOST = os.environ.get("RENKEI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("RENKEI_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("RENKEI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("RENKEI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("RENKEI_EMAIL_TLS", "") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RENKEI_LOG_LEVEL", "WARNING")},
}
