"""The audit table refuses TRUNCATE on PostgreSQL (a statement trigger), test flushes still empty it
(maintenance mode, which needs the table's owner), and ``sisnaker checkdeploy`` tells whether the
application's database role could ALTER, DISABLE TRIGGER on or TRUNCATE it — checked with a separate,
non-owner role set up as docs/operations.md says."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from sisnaker.core import audit, deploycheck
from sisnaker.core.models import AuditEvent

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")


def _event():
    with transaction.atomic():
        event = audit.record(actor=None, action="test.event", object_type="test", object_id="1")
    # Foreign keys are checked at commit; this test's transaction never commits, and PostgreSQL
    # refuses TRUNCATE/ALTER on a table with pending checks: run them now.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return event


def _checkdeploy() -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("checkdeploy", stdout=out, no_color=True)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def _line(output: str, text: str) -> str:
    lines = [line for line in output.splitlines() if text in line]
    assert lines, f"no line with {text!r} in:\n{output}"
    return lines[0]


@postgres_only
@pytest.mark.postgres
def test_truncate_of_the_audit_table_is_refused():
    _event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.filter(action="test.event").exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent CASCADE")


@postgres_only
@pytest.mark.postgres
def test_maintenance_lets_a_flush_truncate_and_switches_the_trigger_back_on():
    _event()
    with transaction.atomic():  # undone afterwards, like the rest of this test
        with audit.maintenance(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE core_auditevent")
        assert not AuditEvent.objects.exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'core_auditevent_no_truncate'")
            assert cursor.fetchone()[0] == "O"  # enabled again
        transaction.set_rollback(True)


@pytest.fixture
def production(settings):
    """Settings as a production install has them (keys generated, HTTPS cookies, mail over SMTP)."""
    from sisnaker.core.crypto import generate_key

    settings.SISNAKER_ENV, settings.PRODUCTION, settings.DEBUG = "production", True, False
    settings.ALLOWED_HOSTS = ["sisnaker.example.go.id"]
    settings.SECRET_KEY = "k" * 20 + uuid.uuid4().hex + uuid.uuid4().hex
    settings.SISNAKER_DATA_KEYS = [generate_key()]
    settings.SISNAKER_INDEX_KEY = generate_key()
    settings.SISNAKER_SIGNING_KEY = generate_key()
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.LANGUAGE_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {}}}
    return settings


def test_development_settings_are_not_ready_for_production():
    output, ready = _checkdeploy()
    assert not ready
    assert "FAIL" in _line(output, "SISNAKER_ENV=development")
    assert "FAIL" in _line(output, "SISNAKER_SIGNING_KEY")
    assert "ok" in _line(output, "Content-Security-Policy on")


def test_production_settings_pass_the_environment_and_key_checks(production):
    findings = deploycheck.run()
    failed = {(f.topic, f.text) for f in findings if f.level == deploycheck.FAIL}
    assert not [t for t in failed if t[0] in ("environment", "keys", "headers", "static")], failed
    production.SECURE_CSP = {**production.SECURE_CSP, "script-src": ["'self'", "'unsafe-inline'"]}
    assert any(f.level == deploycheck.FAIL and "script-src 'unsafe-inline'" in f.text for f in deploycheck.run())


def test_a_reused_key_is_reported(production):
    production.SISNAKER_INDEX_KEY = production.SISNAKER_DATA_KEYS[0]
    assert any(f.level == deploycheck.WARN and "same value" in f.text for f in deploycheck.run())


@postgres_only
@pytest.mark.postgres
def test_the_owner_role_is_reported_as_able_to_rewrite_the_audit_trail(production):
    # The tests connect as the owner (a superuser): exactly what production must not do.
    output, ready = _checkdeploy()
    assert not ready
    for what in ("can ALTER", "can DISABLE TRIGGER", "can TRUNCATE"):
        assert "FAIL" in _line(output, what)
    assert "ok" in _line(output, "trigger core_auditevent_no_truncate enabled")


@postgres_only
@pytest.mark.postgres
def test_a_separate_application_role_cannot_alter_disable_or_truncate(production):
    """The roles of docs/operations.md: the owner runs migrations; the application role gets data
    privileges on every table, minus UPDATE, DELETE and TRUNCATE on the audit trail."""
    app = f"sisnaker_app_{uuid.uuid4().hex[:8]}"  # created inside this test's transaction: rolled back
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {app} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {app}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}")
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON core_auditevent FROM {app}")
        cursor.execute(f"SET ROLE {app}")
    try:
        output, ready = _checkdeploy()
        assert f"role {app}" in output
        for what in ("cannot ALTER", "cannot DISABLE TRIGGER", "cannot TRUNCATE"):
            assert "ok" in _line(output, what)
        assert "FAIL" not in "\n".join(line for line in output.splitlines() if " audit " in line), output
        # ...and what checkdeploy says holds: the role really cannot.
        for statement in ("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update",
                          "TRUNCATE core_auditevent", "SET session_replication_role = replica"):
            with pytest.raises(DatabaseError, match="permission denied|must be owner"), transaction.atomic(), \
                    connection.cursor() as cursor:
                cursor.execute(statement)
        _event()  # while it can still write the trail
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@postgres_only
@pytest.mark.postgres
def test_an_application_role_with_truncate_is_reported(production):
    app = f"sisnaker_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {app} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {app}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {app}")
        cursor.execute(f"SET ROLE {app}")
    try:
        output, ready = _checkdeploy()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert not ready
    assert "FAIL" in _line(output, "can TRUNCATE") and "ok" in _line(output, "cannot ALTER")
    assert "warn" in _line(output, "has UPDATE/DELETE")


def test_the_logging_sms_gateway_is_not_ready_for_production(production):
    # One-time codes travel by SMS: the logging gateway would put them in the server log.
    production.SISNAKER_SMS_GATEWAY = "sisnaker.notifications.gateways.LoggingGateway"
    assert any(f.level == deploycheck.FAIL and f.topic == "messaging" for f in deploycheck.run())
    production.SISNAKER_SMS_GATEWAY = "provider.gateways.ZenzivaGateway"
    production.SISNAKER_WHATSAPP_GATEWAY = "provider.gateways.WhatsAppGateway"
    assert all(f.level == deploycheck.OK for f in deploycheck.run() if f.topic == "messaging")
