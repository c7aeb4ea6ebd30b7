"""Sisnaker settings: everything comes from environment variables, with safe defaults for the
embedded (SQLite, one machine) mode. ``SISNAKER_ENV=production`` refuses to start on defaults.

Variables: SISNAKER_ENV, SECRET_KEY, SISNAKER_DATA_KEYS, DATABASE_URL, DEBUG, ALLOWED_HOSTS,
EMAIL_BACKEND / EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS,
DEFAULT_FROM_EMAIL, SISNAKER_TASK_BACKEND, SISNAKER_DATA_DIR, CSRF_TRUSTED_ORIGINS; many machines:
SISNAKER_DB_POOL, DATABASE_REPLICA_URL, SISNAKER_REDIS_URL, SISNAKER_S3_BUCKET (and _ENDPOINT_URL, _REGION, _PREFIX).
See docs/operations.md.
"""

import datetime
import ipaddress
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

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
    # The admin site with Sisnaker's log-in (password + TOTP) and role check (accounts/admin_site.py).
    "sisnaker.accounts.admin_apps.SisnakerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
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
    "sisnaker.payments",
    "sisnaker.privacy",
    "sisnaker.integration",
    "sisnaker.prakerja",
    "sisnaker.reporting",
    "sisnaker.posko",
    "sisnaker.planning",
    "sisnaker.exports",
    "sisnaker.accountability",
    "sisnaker.web",
    "sisnaker.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy headers on every response (settings below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "sisnaker.core.security_headers.PermissionsPolicyMiddleware",
    # Early, so that everything after it knows the client address (request.client_ip) and request id.
    "sisnaker.core.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sisnaker.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A NUL character in the path, query, cookies or a page's form is a clear 400, never a 500 (core/nul.py);
    # before the two below, which read request.user (a NUL session cookie would crash that look-up).
    "sisnaker.core.middleware.NulGuardMiddleware",
    # Right after django-otp: a password-only session of an account with two-factor on (or one that
    # must enrol) reaches only the code / enrolment page and log-out (accounts/middleware.py).
    "sisnaker.accounts.middleware.TwoFactorMiddleware",
    "sisnaker.core.uploads.UploadGuardMiddleware",  # sizes bodies and checks log-in before CSRF reads them
    # A refusal (core.errors.SisnakerError) that a page view lets rise becomes the error page (core/pages.py).
    "sisnaker.core.pages.RefusalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sisnaker.accounts.middleware.TimeZoneMiddleware",
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
                "django.template.context_processors.csp",
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
    # The folder of the SQLite file is created at start-up (core.apps), not when settings are read.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web process read while the task worker writes. IMMEDIATE: a transaction takes the write lock when
    # it begins, so a second one waits for it (up to the timeout). Deferred, a transaction that read first and writes
    # after another committed fails at once with "database is locked" (SQLite cannot wait there): a double tap on
    # "Daftar" gave the second tap a 503.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SISNAKER_TEST_SQLITE", "")} if os.environ.get(
        "SISNAKER_TEST_SQLITE"
    ) else {}


def _pool_options() -> dict | None:
    """SISNAKER_DB_POOL="min,max" (e.g. "2,20"): Django's native psycopg pool per process, on PostgreSQL.
    Each process holds up to max connections: size it so processes × max stays under the server's
    max_connections (docs/operations.md "Many machines")."""
    raw = os.environ.get("SISNAKER_DB_POOL", "").strip()
    if not raw:
        return None
    try:
        low, high = (int(part) for part in raw.split(","))
        if not 0 <= low <= high or high < 1:
            raise ValueError(raw)
    except ValueError as exc:
        raise ImproperlyConfigured('SISNAKER_DB_POOL must be "min,max" connections, e.g. "2,20".') from exc
    return {"min_size": low, "max_size": high, "timeout": int(os.environ.get("SISNAKER_DB_POOL_TIMEOUT", "10"))}


def _use_pool(db: dict, pool: dict | None) -> None:
    if pool is None:
        return
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("SISNAKER_DB_POOL needs PostgreSQL (DATABASE_URL=postgres://...).")
    # A pooled connection goes back to the pool at the end of each request: persistent connections
    # (CONN_MAX_AGE) and pooling exclude each other.
    db["CONN_MAX_AGE"] = 0
    db.setdefault("OPTIONS", {})["pool"] = dict(pool)


_POOL = _pool_options()
_use_pool(DATABASES["default"], _POOL)

# A read replica (streaming replication) for reports and big lists: only reads that opt in go there
# (core/replica.py: `with replica.reads():`), never inside a transaction that wrote, so nobody misses
# their own write. The test run mirrors it onto the default database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    _use_pool(DATABASES["replica"], _POOL)
DATABASE_ROUTERS = ["sisnaker.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Failed log-ins are counted and slowed down by accounts/throttle.py (per account and per address).
AUTHENTICATION_BACKENDS = [
    "sisnaker.accounts.backends.IdentifierBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's reset-by-e-mail links (accounts: lupa kata sandi) live one hour; the SMS codes ten minutes.
PASSWORD_RESET_TIMEOUT = 3600
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("SISNAKER_FAST_HASHER", False) and not PRODUCTION
    else [
        # New passwords: Argon2id at OWASP's parameters (accounts/hashers.py). The older hashers below still
        # verify, and Django re-hashes a password made with them at its owner's next log-in.
        "sisnaker.accounts.hashers.Argon2idPasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Log-in protection (accounts/throttle.py). Failures are counted per ACCOUNT (all its identifiers
# together; an unknown identifier the same way) with a growing delay after the free ones, not a
# lock an attacker can trigger; a browser that logged in to the account before (device cookie) is
# not slowed by others' failures. Per client address and per network there is a ceiling per hour.
SISNAKER_LOGIN_FREE_FAILURES = int(os.environ.get("SISNAKER_LOGIN_FREE_FAILURES", "5"))
SISNAKER_LOGIN_MAX_DELAY = int(os.environ.get("SISNAKER_LOGIN_MAX_DELAY", "900"))  # seconds
SISNAKER_LOGIN_IP_FAILURES = int(os.environ.get("SISNAKER_LOGIN_IP_FAILURES", "30"))  # per address per hour
SISNAKER_LOGIN_NETWORK_FAILURES = int(os.environ.get("SISNAKER_LOGIN_NETWORK_FAILURES", "100"))  # per /24 or /64 per hour

# Two-factor log-in (TOTP). Roles that see personal data or move money must use it when
# SISNAKER_REQUIRE_2FA is on (default: on in production), with a grace period after their first
# log-in to enrol; afterwards they reach only the enrolment page. accounts/security.py.
SISNAKER_REQUIRE_2FA = env_bool("SISNAKER_REQUIRE_2FA", PRODUCTION)
SISNAKER_2FA_GRACE_DAYS = int(os.environ.get("SISNAKER_2FA_GRACE_DAYS", "7"))
SISNAKER_2FA_ROLES = tuple(env_list("SISNAKER_2FA_ROLES",
                                    "admin,regional_officer,pmo_officer,curator,institution_manager,finance_officer,"
                                    "data_protection_officer"))
_unknown_roles = set(SISNAKER_2FA_ROLES) - {
    "citizen", "institution_manager", "instructor", "regional_officer", "curator", "pmo_officer", "employer", "admin",
    "finance_officer", "data_protection_officer",
}
if _unknown_roles:
    raise ImproperlyConfigured(f"SISNAKER_2FA_ROLES: unknown role(s) {sorted(_unknown_roles)} (see core/roles.py).")

# Payout accounts (payments): holder-name match scores at which an account is verified / reviewed by an officer.
SISNAKER_PAYOUT_NAME_ACCEPT = int(os.environ.get("SISNAKER_PAYOUT_NAME_ACCEPT", "90"))
SISNAKER_PAYOUT_NAME_REVIEW = int(os.environ.get("SISNAKER_PAYOUT_NAME_REVIEW", "70"))

# Kartu Prakerja (prakerja): the identity verifier, a class with verify(claim) -> findings
# (sisnaker.prakerja.identity.IdentityVerifier; docs/prakerja.md says how to plug a Dukcapil adapter), and
# its keyword arguments. The shipped one checks the NIK's structure and region, the declared birth date and sex,
# and the KK's region; it asks no registry.
SISNAKER_PRAKERJA_IDENTITY_VERIFIER = os.environ.get("SISNAKER_PRAKERJA_IDENTITY_VERIFIER",
                                                     "sisnaker.prakerja.identity.NikStructureVerifier")
SISNAKER_PRAKERJA_IDENTITY_VERIFIER_OPTIONS: dict = {}

OTP_TOTP_ISSUER = "Sisnaker"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style in both languages ("30 Nov 2026"): sisnaker/formats/<lang>/formats.py.
FORMAT_MODULE_PATH = ["sisnaker.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "sisnaker_lang"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
# Front-end libraries come from the npm lock file (package-lock.json, `npm ci`), never from a CDN:
# htmx for the pages, Swagger UI for /api/v1/docs, Chart.js for the dashboards' charts (the map's shapes,
# @svg-maps/indonesia, are read by reporting/maps.py). They are looked up in the source tree's
# node_modules, or in SISNAKER_NODE_MODULES (an installed package has no source tree beside it).
NODE_MODULES = Path(os.environ.get("SISNAKER_NODE_MODULES") or REPO_DIR / "node_modules")
FRONTEND_PACKAGES = {"vendor/htmx": "htmx.org/dist", "vendor/swagger-ui": "swagger-ui-dist", "vendor/chartjs": "chart.js/dist"}
STATICFILES_DIRS = [
    (prefix, NODE_MODULES / folder) for prefix, folder in FRONTEND_PACKAGES.items() if (NODE_MODULES / folder).is_dir()
]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("SISNAKER_S3_BUCKET"):
    # Certificates, import error files and exports on S3-compatible storage (AWS, MinIO, Ceph...), so any
    # web or worker machine reads what another wrote. Private objects, reached only through Sisnaker's
    # own permission-checked views (never a public bucket URL). Credentials: AWS_ACCESS_KEY_ID /
    # AWS_SECRET_ACCESS_KEY in the environment, or the machine's role.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["SISNAKER_S3_BUCKET"],
            "endpoint_url": os.environ.get("SISNAKER_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("SISNAKER_S3_REGION") or None,
            "location": os.environ.get("SISNAKER_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

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
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    # Many workers on many machines: tasks wait in Redis; workers run `sisnaker rqworker --with-scheduler
    # --job-class django_tasks_rq.Job default` (docs/operations.md "Many machines").
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("SISNAKER_REDIS_URL", "redis://127.0.0.1:6379/0"),
                             "DEFAULT_TIMEOUT": int(os.environ.get("SISNAKER_RQ_TIMEOUT", "3600"))}}

# Rate limits (core/ratelimit.py): overrides of the named limits as JSON, e.g.
# SISNAKER_RATE_LIMITS='{"signup.ip": [30, 3600], "nik_answer.net": [40, 3600]}'.
try:
    SISNAKER_RATE_LIMITS = {
        str(name): (int(value[0]), int(value[1]))
        for name, value in json.loads(os.environ.get("SISNAKER_RATE_LIMITS", "") or "{}").items()
    }
except (ValueError, TypeError, IndexError, AttributeError) as _exc:
    raise ImproperlyConfigured(
        'SISNAKER_RATE_LIMITS must be JSON like {"signup.ip": [30, 3600]} (count, seconds per name).'
    ) from _exc

# The waiting room of the costly paths (core/gate.py): how many sign-ups / log-ins at once (on PostgreSQL for the
# whole site, else per machine; 0 = no gate), as JSON, e.g. SISNAKER_GATES='{"signup": 4, "login": 8}'; past it
# a request is answered 503 at once with Retry-After of SISNAKER_GATE_RETRY_AFTER seconds (plus jitter).
try:
    SISNAKER_GATES = {str(k): int(v) for k, v in json.loads(os.environ.get("SISNAKER_GATES", "") or "{}").items()}
except (ValueError, TypeError, AttributeError) as _exc:
    raise ImproperlyConfigured('SISNAKER_GATES must be JSON like {"signup": 4, "login": 8}.') from _exc
SISNAKER_GATE_RETRY_AFTER = int(os.environ.get("SISNAKER_GATE_RETRY_AFTER", "10"))
SISNAKER_GATE_DIR = os.environ.get("SISNAKER_GATE_DIR", "")

# Housekeeping run by the task worker every SISNAKER_HOUSEKEEPING_INTERVAL seconds (core/housekeeping.py):
# each job deletes what must not be kept. Dotted paths to callables taking now=.
SISNAKER_HOUSEKEEPING = [
    "sisnaker.core.ratelimit.purge",
    "sisnaker.accounts.throttle.purge",
    "sisnaker.accounts.services.signup_claims_purge",
    "sisnaker.accounts.services.password_reset_codes_purge",
    "sisnaker.training.spreadsheets.services.error_files_delete_expired",
    "sisnaker.training.spreadsheets.jobs.spreadsheet_jobs_delete_expired",
    # Files of exports past their ExportJob.KEEP_HOURS (they may hold NIKs; exports/services.py).
    "sisnaker.exports.services.exports_delete_expired",
    # Not a deletion: queues the day's employment-survey reminders once a day (certification/tasks.py).
    "sisnaker.certification.tasks.employment_reminders_due",
    # Not a deletion: returns the Kartu Prakerja balances not used by their purchase deadline (prakerja/tasks.py).
    "sisnaker.prakerja.tasks.balances_expire_due",
    # Not a deletion: makes the Kartu Prakerja incentive instalments whose day has come (prakerja/tasks.py).
    "sisnaker.prakerja.tasks.incentives_due",
    # Not a deletion: refuses partner purchases whose beneficiary did not confirm them in time (prakerja/tasks.py).
    "sisnaker.prakerja.tasks.consents_lapse_due",
    # Not a deletion: closes the waiting applications of vacancies filled when the closing after the filling commit
    # did not run (the process died in between; placement/services/applications.py).
    "sisnaker.placement.services.applications_close_for_filled_due",
    # Not a deletion: reminds AK/1 holders a week before each six-monthly report (placement/services.py).
    "sisnaker.placement.services.ak1_reminders_send",
    # The address and text of messages past SISNAKER_NOTIFICATION_KEEP_DAYS (notifications/services.py; privacy.md).
    "sisnaker.notifications.services.notifications_erase_old",
    # AK/1 card photos no longer kept: 30 days after a refusal, or after the card ended or expired (placement/photo.py).
    "sisnaker.placement.services.ak1_photos_delete_expired",
    # Files written ahead of a transaction that never committed (an AK/1 photo whose process was killed; core/storedfiles.py).
    "sisnaker.core.storedfiles.pending_files_delete",
    # Signatures of partner requests whose timestamps can no longer be accepted (the replay guard's table).
    "sisnaker.integration.services.seen_signatures_purge",
    # Not a deletion: brings the dashboards' figures up to date (the years whose rows changed; every year daily).
    "sisnaker.reporting.tasks.figures_refresh_due",
]
# Imports of files with more rows than this, and exports of more enrollments, run as background jobs
# (training/spreadsheets/jobs.py) with a progress page.
SISNAKER_SPREADSHEET_BACKGROUND_ROWS = int(os.environ.get("SISNAKER_SPREADSHEET_BACKGROUND_ROWS", "20000"))
# A program's start, close or cancel that moves more enrolments than this runs in the background (training.moves).
SISNAKER_PROGRAM_MOVE_BACKGROUND_ENROLLMENTS = int(os.environ.get("SISNAKER_PROGRAM_MOVE_BACKGROUND_ENROLLMENTS", "5000"))
SISNAKER_HOUSEKEEPING_INTERVAL = int(os.environ.get("SISNAKER_HOUSEKEEPING_INTERVAL", "3600"))
# A worker silent this long is dead; its running task goes back in the queue (core/worker.py).
SISNAKER_WORKER_DEAD_AFTER = float(os.environ.get("SISNAKER_WORKER_DEAD_AFTER", "60"))
if SISNAKER_WORKER_DEAD_AFTER < 3:
    raise ImproperlyConfigured("SISNAKER_WORKER_DEAD_AFTER must be at least 3 seconds (workers beat six times in it).")
# Signed partner requests (the Kartu Prakerja integration API, integration/auth.py): how far a request's timestamp
# may be from the server's clock, in seconds, and how long a rotated-out signing key keeps working, in days.
SISNAKER_PARTNER_TIMESTAMP_SKEW = int(os.environ.get("SISNAKER_PARTNER_TIMESTAMP_SKEW", "300"))
SISNAKER_PARTNER_KEY_OVERLAP_DAYS = float(os.environ.get("SISNAKER_PARTNER_KEY_OVERLAP_DAYS", "7"))
# Where `sisnaker backup` writes when given no file (core/backup.py).
SISNAKER_BACKUP_DIR = Path(os.environ.get("SISNAKER_BACKUP_DIR", DATA_DIR / "backups"))

# SMS/WhatsApp providers for notifications: a class with send(*, to, text) -> provider id
# (sisnaker.notifications.gateways.Gateway). The logging gateway only writes to the log.
SISNAKER_SMS_GATEWAY = os.environ.get("SISNAKER_SMS_GATEWAY", "sisnaker.notifications.gateways.LoggingGateway")
SISNAKER_WHATSAPP_GATEWAY = os.environ.get("SISNAKER_WHATSAPP_GATEWAY", "sisnaker.notifications.gateways.LoggingGateway")
# Public base URL of the site (links in e-mails/SMS, certificate QR codes): core.links.public_url().
# Empty: worked out from the request, else http://127.0.0.1:8000 (development).
SISNAKER_PUBLIC_URL = os.environ.get("SISNAKER_PUBLIC_URL", "").rstrip("/")

# Personal links in reminders and "certificate ready" messages (certification.PersonalLink): days until
# a link expires.
# Days a sent message's address and text are kept (then erased by housekeeping; the row itself stays).
SISNAKER_NOTIFICATION_KEEP_DAYS = int(os.environ.get("SISNAKER_NOTIFICATION_KEEP_DAYS", "90"))
if not 7 <= SISNAKER_NOTIFICATION_KEEP_DAYS <= 3660:
    raise ImproperlyConfigured("SISNAKER_NOTIFICATION_KEEP_DAYS must be a number of days from 7 to 3660.")
SISNAKER_PERSONAL_LINK_DAYS = int(os.environ.get("SISNAKER_PERSONAL_LINK_DAYS", "30"))
if not 1 <= SISNAKER_PERSONAL_LINK_DAYS <= 366:
    raise ImproperlyConfigured("SISNAKER_PERSONAL_LINK_DAYS must be a number of days from 1 to 366.")

# Training-needs planning (the planning app): regions submit next year's proposals by this day (month-day) of the
# year before; until then a region may reopen its submitted plan.
SISNAKER_PLANNING_DEADLINE = os.environ.get("SISNAKER_PLANNING_DEADLINE", "11-30").strip()
try:
    datetime.date(2001, *(int(part) for part in SISNAKER_PLANNING_DEADLINE.split("-")))
except (TypeError, ValueError) as exc:
    raise ImproperlyConfigured("SISNAKER_PLANNING_DEADLINE must be a month and day, e.g. 11-30.") from exc

# The post-training employment survey (survei kebekerjaan): it opens this many days after the training's
# completion (graduation) and stays open this many days; alumni are reminded once, with a personal link, from
# SISNAKER_EMPLOYMENT_SURVEY_HOUR (local time) on the first day they can fill it.
SISNAKER_EMPLOYMENT_SURVEY_OPENS_DAYS = int(os.environ.get("SISNAKER_EMPLOYMENT_SURVEY_OPENS_DAYS", "30"))
SISNAKER_EMPLOYMENT_SURVEY_WINDOW_DAYS = int(os.environ.get("SISNAKER_EMPLOYMENT_SURVEY_WINDOW_DAYS", "30"))
SISNAKER_EMPLOYMENT_SURVEY_HOUR = int(os.environ.get("SISNAKER_EMPLOYMENT_SURVEY_HOUR", "9"))
if not 0 <= SISNAKER_EMPLOYMENT_SURVEY_OPENS_DAYS <= 3660:
    raise ImproperlyConfigured("SISNAKER_EMPLOYMENT_SURVEY_OPENS_DAYS must be a number of days from 0 to 3660.")
if not 1 <= SISNAKER_EMPLOYMENT_SURVEY_WINDOW_DAYS <= 3660:
    raise ImproperlyConfigured("SISNAKER_EMPLOYMENT_SURVEY_WINDOW_DAYS must be a number of days from 1 to 3660.")
if not 0 <= SISNAKER_EMPLOYMENT_SURVEY_HOUR <= 23:
    raise ImproperlyConfigured("SISNAKER_EMPLOYMENT_SURVEY_HOUR must be an hour from 0 to 23.")

# Security headers and cookies. Cookies are HTTPS-only in production; the language cookie too
# (Django's set_language view reads LANGUAGE_COOKIE_*), and no script needs to read any of them.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# A refused CSRF check shows the product's page (Indonesian, says what to do), not Django's technical one.
CSRF_FAILURE_VIEW = "sisnaker.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # Behind the TLS proxy: it must send X-Forwarded-Proto (docs/operations.md); plain HTTP redirects.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Content-Security-Policy (django.middleware.csp): scripts and styles come only from our own static
# files (htmx and Swagger UI from the npm lock file, never a CDN); no inline script, style or event
# handler runs. A script that must stay inline carries {{ csp_nonce }} (context processor "csp").
# Data URIs are allowed for images only (Swagger UI's icons).
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
# Browser features no page of Sisnaker uses (sisnaker.core.security_headers adds the header).
SISNAKER_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), "
    "xr-spatial-tracking=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"sisnaker.notifications": {"level": "INFO"}},
}
