"""Sisnaker settings: everything comes from environment variables, with safe defaults for the
embedded (SQLite, one machine) mode. ``SISNAKER_ENV=production`` refuses to start on defaults.

Variables: SISNAKER_ENV, SECRET_KEY, SISNAKER_DATA_KEYS, DATABASE_URL, DEBUG, ALLOWED_HOSTS,
EMAIL_BACKEND / EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS,
DEFAULT_FROM_EMAIL, SISNAKER_TASK_BACKEND, SISNAKER_DATA_DIR, CSRF_TRUSTED_ORIGINS.
See docs/operations.md.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SISNAKER_ENV = os.environ.get("SISNAKER_ENV", "development").strip().lower()
PRODUCTION = SISNAKER_ENV == "production"
DATA_DIR = Path(os.environ.get("SISNAKER_DATA_DIR", Path.cwd() / "sisnaker-data"))

# Development defaults are public, so production refuses them (and refuses their absence).
_DEV_SECRET_KEY = "sisnaker-development-only-secret-key-do-not-use-in-production"
_DEV_DATA_KEY = "c2lzbmFrZXItZGV2LWRhdGEta2V5LW5vdC1zZWNyZXQ="
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY)
# Comma-separated base64 keys (32 bytes each); the first encrypts, all decrypt (rotation).
SISNAKER_DATA_KEYS = env_list("SISNAKER_DATA_KEYS", _DEV_DATA_KEY)
# Key of the blind indexes (unique NIK look-up), separate so that data keys can rotate without
# touching the indexes. Required in production; in development it is derived from the first data key.
SISNAKER_INDEX_KEY = os.environ.get("SISNAKER_INDEX_KEY", "")
if PRODUCTION:
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SISNAKER_ENV=production needs SECRET_KEY set to a long random value (50+ characters)."
        )
    if not SISNAKER_DATA_KEYS or _DEV_DATA_KEY in SISNAKER_DATA_KEYS:
        raise ImproperlyConfigured(
            "SISNAKER_ENV=production needs SISNAKER_DATA_KEYS (generate one with `sisnaker genkey`)."
        )
    if not SISNAKER_INDEX_KEY:
        raise ImproperlyConfigured("SISNAKER_ENV=production needs SISNAKER_INDEX_KEY (generate one with `sisnaker genkey`).")

# Certificates: Ed25519 signing key, PEM (PKCS#8, unencrypted) or a base64 32-byte seed
# (`sisnaker genkey` prints a suitable seed). Empty in development = a DEVELOPMENT-ONLY key derived
# from a fixed public seed (certification/signing.py). Old public keys (PEM, separated by "||") keep
# old certificates verifiable after a rotation.
SISNAKER_SIGNING_KEY = os.environ.get("SISNAKER_SIGNING_KEY", "")
SISNAKER_SIGNING_RETIRED_PUBLIC_KEYS = [
    k for k in os.environ.get("SISNAKER_SIGNING_RETIRED_PUBLIC_KEYS", "").split("||") if k.strip()
]
if PRODUCTION and not SISNAKER_SIGNING_KEY:
    raise ImproperlyConfigured(
        "SISNAKER_ENV=production needs SISNAKER_SIGNING_KEY (Ed25519 private key for certificates, PEM or base64 seed)."
    )

DEBUG = env_bool("DEBUG", not PRODUCTION)
# Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed (core/net.py).
SISNAKER_TRUSTED_PROXIES = tuple(env_list("SISNAKER_TRUSTED_PROXIES"))
for _proxy in SISNAKER_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"SISNAKER_TRUSTED_PROXIES: {_proxy!r} is not an address or network (e.g. 10.0.0.0/8).") from _exc
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    "sisnaker.core",
    "sisnaker.regions",
    "sisnaker.accounts",
    "sisnaker.institutions",
    "sisnaker.training",
    "sisnaker.surveys",
    "sisnaker.certification",
    "sisnaker.notifications",
    "sisnaker.placement",
    "sisnaker.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that everything after it knows the client address (request.client_ip) and request id.
    "sisnaker.core.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sisnaker.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A NUL character in the path, query, cookies or a page's form is a clear 400, never a 500 (core/nul.py).
    "sisnaker.core.middleware.NulGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sisnaker.core.middleware.TimeZoneMiddleware",
    # Last, so that it sees the final response of a failed log-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sisnaker.urls"
WSGI_APPLICATION = "sisnaker.wsgi.application"

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
                "sisnaker.web.context_processors.sisnaker",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'sisnaker.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SISNAKER_TEST_SQLITE", "")} if os.environ.get(
        "SISNAKER_TEST_SQLITE"
    ) else {}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "sisnaker.accounts.backends.IdentifierBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("SISNAKER_FAST_HASHER", False) and not PRODUCTION
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Log-in protection (django-axes): lock an identifier + IP after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "sisnaker.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sisnaker.accounts.views.locked_out"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = "Sisnaker"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "sisnaker_lang"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = []
_htmx = REPO_DIR / "node_modules" / "htmx.org" / "dist"
if _htmx.is_dir():
    STATICFILES_DIRS.append(("vendor/htmx", _htmx))
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# E-mail (Django 6.1 MAILERS). SMTP in production; the console in development.
_mail_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": (
            {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            }
            if _mail_backend.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sisnaker <noreply@sisnaker.localhost>")

# Background work: django.tasks with the database backend on one machine; set
# SISNAKER_TASK_BACKEND=django_tasks_rq.RQBackend (plus its settings) to scale out on Redis.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SISNAKER_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# SMS/WhatsApp providers for notifications: a class with send(*, to, text) -> provider id
# (sisnaker.notifications.gateways.Gateway). The logging gateway only writes to the log.
SISNAKER_SMS_GATEWAY = os.environ.get("SISNAKER_SMS_GATEWAY", "sisnaker.notifications.gateways.LoggingGateway")
SISNAKER_WHATSAPP_GATEWAY = os.environ.get("SISNAKER_WHATSAPP_GATEWAY", "sisnaker.notifications.gateways.LoggingGateway")
# Public base URL used in links sent by e-mail/SMS and in certificate QR codes.
SISNAKER_PUBLIC_URL = os.environ.get("SISNAKER_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Links in reminders: the public URL when set, else the host of the request that sent them.
SISNAKER_SITE_URL = os.environ.get("SISNAKER_PUBLIC_URL", "").rstrip("/")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "sisnaker.notifications": {"level": "INFO"}},
}
