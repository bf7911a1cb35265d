"""Sinergi's settings: one file, everything read from the environment.

SQLite (WAL, IMMEDIATE transactions, a busy timeout) is the embedded default so a fresh clone
runs with nothing installed; PostgreSQL is the production path through ``DATABASE_URL``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP  # type: ignore[import-untyped,unused-ignore]

from sinergi.config import scaleout
from sinergi.config.env import env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(env_str("SINERGI_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "sinergi.core",
    "sinergi.accounts",
    "sinergi.audit",
    "sinergi.registry",
    "sinergi.citizens",
    "sinergi.catalog",
    "sinergi.cases",
    "sinergi.coordination",
    "sinergi.documents",
    "sinergi.web",
    "sinergi.voice",
    "sinergi.portal",
    "sinergi.backoffice",
    "sinergi.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "sinergi.core.middleware.RequestIdMiddleware",
    "sinergi.core.nul.RefuseNulMiddleware",
    "sinergi.core.memo.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sinergi.web.middleware.LanguageMiddleware",  # LocaleMiddleware, Bahasa Indonesia first
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sinergi.config.urls"
WSGI_APPLICATION = "sinergi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sinergi.core.idempotency.once_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sinergi.sqlite3'}")
_db: dict[str, Any] = dict(
    dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _busy_ms = env_int("SQLITE_BUSY_TIMEOUT_MS", 20_000)
    _db["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN
        # so concurrent writers wait (busy timeout) instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={_busy_ms}; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": _busy_ms / 1000,
    }
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _db, **scaleout.replica_databases(_db)}
# Reads go to a replica only where a view asks for it (sinergi.core.routers.replica_reads).
DATABASE_ROUTERS = ["sinergi.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, lockout -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    # Argon2id with OWASP's parameters (m=19 MiB, t=2, p=1): strong, and a login burst fits
    # on two cores (DESIGN rule 11).
    "sinergi.accounts.hashers.Argon2idOwaspHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
LOGIN_URL = "web:sign_in"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    # Served over TLS: browsers keep to HTTPS (HSTS), and a TLS-terminating proxy in front says
    # so with X-Forwarded-Proto (it must overwrite any such header a client sends).
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parents[1] / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from it (and finders)
STORAGES = {
    "default": scaleout.media_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# --- E-mail (Django 6.1 MAILERS) ---------------------------------------------------------
# Development writes mails as files under var/mail; production sets EMAIL_BACKEND=smtp.
_EMAIL_BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = env_str("EMAIL_BACKEND", "file")
_email_options: dict[str, Any] = {}
if _email_backend == "file":
    _email_options = {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
elif _email_backend == "smtp":
    _email_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKENDS.get(_email_backend, _email_backend),
        "OPTIONS": _email_options,
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sinergi <noreply@sinergi.localhost>")

# --- Background tasks -----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": scaleout.tasks_backend(), "QUEUES": ["default"]}}
if TASKS["default"]["BACKEND"] == scaleout.RQ_BACKEND:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = scaleout.rq_queues()

# --- Logging: one JSON object per line, with the request id, NIKs scrubbed --------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "sinergi.core.logging.RequestIdFilter"},
        "scrub": {"()": "sinergi.core.logging.PersonalDataFilter"},
    },
    "formatters": {"json": {"()": "sinergi.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "scrub"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Sinergi --------------------------------------------------------------------------------
# Unconfirmed legal points ([U] in the domain brief) are settings, not constants.
SINERGI: dict[str, Any] = {
    # UU 30/2014 Pasal 13 ayat (3) dan (4): a delegatee passes authority on only when the grant
    # says so; whether an attribution may be delegated unless its law forbids it is [U].
    "ATTRIBUTION_DELEGABLE_BY_DEFAULT": env_bool("SINERGI_ATTRIBUTION_DELEGABLE", True),
    "DEMO_PASSWORD": env_str("SINERGI_DEMO_PASSWORD", "sinergi-demo-2026"),
    # Whether cuti bersama counts as a working day for service deadlines is [U]: off by default.
    "CUTI_BERSAMA_IS_WORKING": env_bool("SINERGI_CUTI_BERSAMA_IS_WORKING", False),
    # After a reminder or an escalation, how long before the next level (working days).
    "ESCALATION_GRACE_WORKING_DAYS": env_int("SINERGI_ESCALATION_GRACE_DAYS", 1),
    # Keberatan (objection) window after a decision: 21 working days (UU 30/2014; MA 2021).
    "OBJECTION_WINDOW_WORKING_DAYS": env_int("SINERGI_OBJECTION_WINDOW_DAYS", 21),
    # How long a citizen has to revise a returned application (working days): [U].
    "REVISION_WINDOW_WORKING_DAYS": env_int("SINERGI_REVISION_WINDOW_DAYS", 14),
    # --- Decisions and their signed documents (documents app) ---
    # The address printed in QR codes and documents: where the public verification page is.
    "PUBLIC_URL": env_str("SINERGI_PUBLIC_URL", "http://127.0.0.1:8000"),
    # Who signs: the local key store by default; a certified provider (BSrE) is another class.
    "DOCUMENT_SIGNER": env_str(
        "SINERGI_DOCUMENT_SIGNER", "sinergi.documents.signing.LocalKeySigner"
    ),
    "SIGNING_KEYS_DIR": env_str("SINERGI_SIGNING_KEYS_DIR", str(VAR_DIR / "keys")),
    "SIGNING_CA_NAME": env_str("SINERGI_SIGNING_CA_NAME", "Sinergi Local Signing CA"),
    # Make an agency's key on first use (development, demo); production makes keys up front.
    "SIGNING_CREATE_KEYS": env_bool("SINERGI_SIGNING_CREATE_KEYS", True),
    # Further PEM files of roots a document signature may chain to (e.g. BSrE's).
    "SIGNING_TRUST_ROOTS": env_list("SINERGI_SIGNING_TRUST_ROOTS", []),
    # A PDF given to the public verification (page and API): at most this many bytes.
    "VERIFY_PDF_MAX_BYTES": env_int("SINERGI_VERIFY_PDF_MAX_BYTES", 5 * 1024 * 1024),
    # Every upload (documents, attachments, PDFs to verify): compressed content may expand to
    # at most this many bytes when read, and an archive may hold at most this many members.
    "UPLOAD_MAX_EXPANDED_BYTES": env_int("SINERGI_UPLOAD_MAX_EXPANDED_BYTES", 50_000_000),
    "UPLOAD_MAX_ARCHIVE_MEMBERS": env_int("SINERGI_UPLOAD_MAX_ARCHIVE_MEMBERS", 200),
    # How long the answer to a request sent with an Idempotency-Key (or a page's one-time
    # token) is kept for its retries, in hours; then it is deleted (a receipt's PIN among it).
    "IDEMPOTENCY_KEEP_HOURS": env_int("SINERGI_IDEMPOTENCY_KEEP_HOURS", 24),
}

# --- Web pages (sinergi.web) ----------------------------------------------------------------
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
# The language switch is kept a year; Bahasa Indonesia until the visitor chooses otherwise.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Citizens' voice: complaints and IKM surveys (sinergi.voice).
SINERGI_VOICE: dict[str, Any] = {
    # Agencies whose coordinators verify and dispose complaints (SP4N-LAPOR!: KemenPANRB).
    "COORDINATOR_AGENCIES": env_list("SINERGI_VOICE_COORDINATOR_AGENCIES", ["kemenpanrb"]),
    # Attachments: at most this many bytes each, of these kinds (checked by content).
    "ATTACHMENT_MAX_BYTES": env_int("SINERGI_VOICE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024),
    "ATTACHMENTS_PER_COMPLAINT": env_int("SINERGI_VOICE_ATTACHMENTS_PER_COMPLAINT", 5),
    # IKM weighting: "exact" (1/9) or "printed" (0.111); see voice/ikm.py.
    "IKM_WEIGHTING": env_str("SINERGI_VOICE_IKM_WEIGHTING", "exact"),
}
# --- Citizen portal (sinergi.portal) ----------------------------------------------------------
SINERGI_PORTAL: dict[str, Any] = {
    # Uploaded documents (PDF, JPG, PNG, recognised by their first bytes).
    "UPLOAD_MAX_BYTES": env_int("SINERGI_UPLOAD_MAX_BYTES", 5_000_000),
    # Tracking by receipt number and PIN: after this many wrong PINs for one receipt number, or
    # from one address, within the window, no PIN is checked until the window has passed.
    "PIN_FAILURES_PER_RECEIPT": env_int("SINERGI_PIN_FAILURES_PER_RECEIPT", 5),
    "PIN_FAILURES_PER_ADDRESS": env_int("SINERGI_PIN_FAILURES_PER_ADDRESS", 20),
    "PIN_WINDOW_MINUTES": env_int("SINERGI_PIN_WINDOW_MINUTES", 15),
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 6_000_000
