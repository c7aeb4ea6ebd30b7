"""What ``sisnaker checkdeploy`` checks: a production install as docs/operations.md describes it.

Each check gives findings ``(level, topic, text)``; ``fail`` means the install is not ready (the
command exits non-zero), ``warn`` asks an operator's decision, ``ok`` says what holds. The audit-trail
checks ask PostgreSQL what the *connected* role may do to ``core_auditevent``: the application must
connect with a role that does not own the table, so that it can neither ALTER it, DISABLE its
append-only triggers nor TRUNCATE it (a separate owner role runs the migrations)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

from sisnaker.core import crypto

OK, WARN, FAIL = "ok", "warn", "fail"

AUDIT_TABLE = "core_auditevent"
AUDIT_TRIGGERS = ("core_auditevent_no_update", "core_auditevent_no_truncate")
# Public development defaults of settings.py: production must never run on them.
_DEV_SECRET_KEY = "sisnaker-development-only-secret-key-do-not-use-in-production"
_DEV_DATA_KEY = "c2lzbmFrZXItZGV2LWRhdGEta2V5LW5vdC1zZWNyZXQ="


@dataclass(frozen=True)
class Finding:
    level: str
    topic: str
    text: str


def run(using: str = "default", *, now: dt.datetime | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for check in (_environment, _keys, _django_deploy_checks, _headers, _frontend, _messaging):
        findings.extend(check())
    findings.extend(_database(using))
    findings.extend(_worker(using, now=now))
    return findings


def _environment() -> Iterator[Finding]:
    if settings.PRODUCTION:
        yield Finding(OK, "environment", "SISNAKER_ENV=production")
    else:
        yield Finding(FAIL, "environment", f"SISNAKER_ENV={settings.SISNAKER_ENV}: development defaults (public keys, DEBUG) are allowed")
    if settings.DEBUG:
        yield Finding(FAIL, "environment", "DEBUG is on: error pages would show settings and code")
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("testserver",)]
    if not hosts or "*" in hosts:
        yield Finding(FAIL, "environment", f"ALLOWED_HOSTS={','.join(settings.ALLOWED_HOSTS) or '(empty)'}: name the public host(s)")
    else:
        yield Finding(OK, "environment", f"ALLOWED_HOSTS={','.join(hosts)}")


LOGGING_GATEWAY = "sisnaker.notifications.gateways.LoggingGateway"


def _messaging() -> Iterator[Finding]:
    """SMS/WhatsApp carry one-time codes and reminders: the logging gateway only writes them to the
    server log (codes included), which is fine for a demo and wrong in production."""
    for channel in ("SMS", "WHATSAPP"):
        path = getattr(settings, f"SISNAKER_{channel}_GATEWAY", "") or LOGGING_GATEWAY
        if path == LOGGING_GATEWAY:
            yield Finding(FAIL if channel == "SMS" else WARN, "messaging",
                          f"SISNAKER_{channel}_GATEWAY is the logging gateway: messages (one-time codes too) only reach "
                          "the server log; configure the provider's gateway class")
        else:
            yield Finding(OK, "messaging", f"SISNAKER_{channel}_GATEWAY={path}")


def _keys() -> Iterator[Finding]:
    secret = settings.SECRET_KEY
    if secret == _DEV_SECRET_KEY or len(secret) < 50:
        yield Finding(FAIL, "keys", "SECRET_KEY is the development key or shorter than 50 characters")
    else:
        yield Finding(OK, "keys", "SECRET_KEY set")
    data_keys = list(settings.SISNAKER_DATA_KEYS)
    if not data_keys or _DEV_DATA_KEY in data_keys:
        yield Finding(FAIL, "keys", "SISNAKER_DATA_KEYS is the public development key")
    else:
        try:
            sealed = crypto.encrypt("sisnaker-checkdeploy")
            assert crypto.decrypt(sealed) == "sisnaker-checkdeploy"  # noqa: S101 - a round trip, not a test
        except Exception as exc:  # noqa: BLE001 - any failure is reported as such
            yield Finding(FAIL, "keys", f"SISNAKER_DATA_KEYS unusable: {exc}")
        else:
            yield Finding(OK, "keys", f"SISNAKER_DATA_KEYS set ({len(data_keys)} key(s); the first encrypts)")
    index_key = settings.SISNAKER_INDEX_KEY
    if not index_key:
        yield Finding(FAIL, "keys", "SISNAKER_INDEX_KEY not set (the NIK look-up index would depend on the first data key)")
    else:
        yield Finding(OK, "keys", "SISNAKER_INDEX_KEY set")
    # The certificate signing key is certification's deployment check (``check --deploy``, below).
    signing = settings.SISNAKER_SIGNING_KEY
    values = [v for v in [secret, index_key, signing, *data_keys] if v]
    if len(values) != len(set(values)):
        yield Finding(WARN, "keys", "the same value is used for two keys: generate each with `sisnaker genkey`")


def _django_deploy_checks() -> Iterator[Finding]:
    from django.core import checks

    messages = checks.run_checks(include_deployment_checks=True)
    problems = [m for m in messages if not m.is_silenced()]
    if not problems:
        yield Finding(OK, "django", "`check --deploy` finds nothing")
    for m in problems:
        level = FAIL if m.level >= checks.ERROR else WARN
        yield Finding(level, "django", f"{m.id}: {m.msg}")


def _headers() -> Iterator[Finding]:
    middleware = settings.MIDDLEWARE
    policy = getattr(settings, "SECURE_CSP", None) or {}
    if "django.middleware.csp.ContentSecurityPolicyMiddleware" not in middleware or not policy:
        yield Finding(FAIL, "headers", "Content-Security-Policy is off (middleware or SECURE_CSP missing)")
    else:
        unsafe = sorted({f"{d} {v}" for d, values in policy.items() for v in (values or [])
                         if isinstance(values, (list, tuple, set)) and v in ("'unsafe-inline'", "'unsafe-eval'")})
        if unsafe:
            yield Finding(FAIL, "headers", "Content-Security-Policy allows " + ", ".join(unsafe))
        else:
            yield Finding(OK, "headers", "Content-Security-Policy on, without 'unsafe-inline' or 'unsafe-eval'")
    if "sisnaker.core.security_headers.PermissionsPolicyMiddleware" in middleware and settings.SISNAKER_PERMISSIONS_POLICY:
        yield Finding(OK, "headers", "Permissions-Policy on")
    else:
        yield Finding(FAIL, "headers", "Permissions-Policy off")
    cookies = {
        "session": settings.SESSION_COOKIE_SECURE, "CSRF": settings.CSRF_COOKIE_SECURE,
        "language": getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    }
    insecure = [name for name, secure in cookies.items() if not secure]
    if insecure:
        yield Finding(FAIL, "headers", f"cookies sent over plain HTTP too: {', '.join(insecure)}")
    else:
        yield Finding(OK, "headers", "session, CSRF and language cookies are HTTPS-only")


def _frontend() -> Iterator[Finding]:
    from django.contrib.staticfiles import finders

    wanted = {"htmx": "vendor/htmx/htmx.min.js", "Swagger UI": "vendor/swagger-ui/swagger-ui-bundle.js"}
    missing = [name for name, path in wanted.items() if not finders.find(path)]
    if missing:
        yield Finding(
            FAIL, "static",
            f"front-end packages not found ({', '.join(missing)}): run `npm ci` in the source tree and set "
            f"SISNAKER_NODE_MODULES to its node_modules (now {settings.NODE_MODULES})",
        )
    else:
        yield Finding(OK, "static", "htmx and Swagger UI found (from the npm lock file)")


def _database(using: str) -> Iterator[Finding]:
    connection = connections[using]
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        yield Finding(FAIL, "database", f"cannot connect: {exc}")
        return
    if connection.vendor != "postgresql":
        yield Finding(WARN, "database", f"{connection.vendor}: the embedded database is for one machine and demos; "
                                        "production uses PostgreSQL")
    try:
        from django.db.migrations.executor import MigrationExecutor

        plan = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
    except DatabaseError as exc:
        yield Finding(FAIL, "database", f"cannot read the migrations: {exc}")
        plan = None
    if plan:
        yield Finding(FAIL, "database", f"{len(plan)} migration(s) not applied: run `sisnaker migrate` as the owner role")
    elif plan is not None:
        yield Finding(OK, "database", "all migrations applied")
    if connection.vendor == "postgresql":
        yield from _audit_privileges(connection)


def _audit_privileges(connection) -> Iterator[Finding]:
    """What the connected role may do to the audit table (PostgreSQL)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT current_user, r.rolsuper, pg_get_userbyid(c.relowner),
                       pg_has_role(current_user, c.relowner, 'MEMBER'),
                       has_table_privilege(current_user, c.oid, 'TRUNCATE'),
                       has_table_privilege(current_user, c.oid, 'UPDATE'),
                       has_table_privilege(current_user, c.oid, 'DELETE'),
                       has_table_privilege(current_user, c.oid, 'INSERT')
                FROM pg_class c JOIN pg_roles r ON r.rolname = current_user
                WHERE c.oid = to_regclass(%s)
                """,
                [AUDIT_TABLE],
            )
            row = cursor.fetchone()
            if row is None:
                yield Finding(FAIL, "audit", f"table {AUDIT_TABLE} not found: run `sisnaker migrate`")
                return
            cursor.execute(
                "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal",
                [AUDIT_TABLE],
            )
            triggers = dict(cursor.fetchall())
            can_set_replication_role = False
            if connection.pg_version >= 150000:
                cursor.execute("SELECT has_parameter_privilege(current_user, 'session_replication_role', 'SET')")
                can_set_replication_role = bool(cursor.fetchone()[0])
    except DatabaseError as exc:
        yield Finding(FAIL, "audit", f"cannot read the privileges on {AUDIT_TABLE}: {exc}")
        return
    role, superuser, owner, owner_member, truncate, update, delete, insert = row
    for name in AUDIT_TRIGGERS:
        state = triggers.get(name)
        if state is None:
            yield Finding(FAIL, "audit", f"trigger {name} missing: the audit trail can be rewritten")
        elif state == "D":
            yield Finding(FAIL, "audit", f"trigger {name} is DISABLED: the audit trail can be rewritten")
        else:
            yield Finding(OK, "audit", f"trigger {name} enabled")
    who = f"role {role}" + (" (superuser)" if superuser else "") + f", table owner {owner}"
    owns = superuser or owner_member
    if owns:
        yield Finding(FAIL, "audit", f"{who}: the application role can ALTER {AUDIT_TABLE} — connect with a role "
                                     "that does not own it (docs/operations.md)")
        yield Finding(FAIL, "audit", f"{who}: the application role can DISABLE TRIGGER on {AUDIT_TABLE} "
                                     "and then rewrite history")
    else:
        yield Finding(OK, "audit", f"{who}: cannot ALTER {AUDIT_TABLE}")
        yield Finding(OK, "audit", f"{who}: cannot DISABLE TRIGGER on {AUDIT_TABLE}")
    if truncate or owns:
        yield Finding(FAIL, "audit", f"{who}: can TRUNCATE {AUDIT_TABLE} — REVOKE TRUNCATE from it")
    else:
        yield Finding(OK, "audit", f"{who}: cannot TRUNCATE {AUDIT_TABLE}")
    if can_set_replication_role and not superuser:
        yield Finding(FAIL, "audit", f"{who}: may SET session_replication_role, which silences the triggers")
    if (update or delete) and not owns:
        yield Finding(WARN, "audit", f"{who}: has UPDATE/DELETE on {AUDIT_TABLE} (the triggers refuse them; "
                                     "REVOKE them too)")
    if not insert:
        yield Finding(FAIL, "audit", f"{who}: cannot INSERT into {AUDIT_TABLE}: every change would fail")


def _worker(using: str, *, now: dt.datetime | None = None) -> Iterator[Finding]:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend == "django_tasks_rq.RQBackend":
        yield from _rq_worker(now=now)
        return
    if backend != "django_tasks_db.DatabaseBackend":
        yield Finding(OK, "worker", f"task backend {backend}")
        return
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    try:
        waiting = DBTaskResult.objects.using(using).ready().filter(enqueued_at__lt=now - dt.timedelta(minutes=10))
        count = waiting.count()
    except DatabaseError as exc:
        yield Finding(WARN, "worker", f"cannot read the task queue: {exc}")
        return
    if count:
        yield Finding(WARN, "worker", f"{count} task(s) queued for more than 10 minutes: is `sisnaker worker` running?")
    else:
        yield Finding(OK, "worker", "no task waiting for more than 10 minutes")


def _rq_worker(*, now: dt.datetime | None = None) -> Iterator[Finding]:
    """The RQ backend (many machines): Redis answers, and nothing has waited in a queue for 10 minutes."""
    import django_rq
    from redis.exceptions import RedisError

    now = now or dt.datetime.now(dt.UTC)
    try:
        for name in settings.RQ_QUEUES:
            queue = django_rq.get_queue(name)
            queue.connection.ping()
            oldest = next(iter(queue.get_jobs(0, 1)), None)
            enqueued = oldest.enqueued_at if oldest is not None else None
            if enqueued is not None and enqueued.tzinfo is None:
                enqueued = enqueued.replace(tzinfo=dt.UTC)
            if enqueued is not None and enqueued < now - dt.timedelta(minutes=10):
                yield Finding(WARN, "worker", f"RQ queue {name!r}: {queue.count} task(s), the oldest queued for more "
                                              "than 10 minutes: is `sisnaker rqworker` running?")
            else:
                yield Finding(OK, "worker", f"RQ queue {name!r}: Redis answers, {queue.count} task(s) waiting")
    except RedisError as exc:
        yield Finding(FAIL, "worker", f"Redis (SISNAKER_REDIS_URL) does not answer: {exc}")
