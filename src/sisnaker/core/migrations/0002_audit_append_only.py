"""The audit trail is append-only at the database level: UPDATE and DELETE are refused by triggers,
so not even a bug or a shell session can rewrite history.

PostgreSQL: row triggers refuse UPDATE/DELETE; TRUNCATE is left to privileges (operations.md: the
application role gets no TRUNCATE in production) so that test databases can still be flushed.
SQLite: the triggers ask ``sisnaker_audit_locked()``, a function Sisnaker registers on each
connection (core.apps); it answers 1 except inside ``core.audit.maintenance()`` (test flushes).
A connection without the function (the sqlite3 shell) fails on it, so it cannot delete either."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION sisnaker_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'core_auditevent is append-only (' || TG_OP || ' refused)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE OR DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION sisnaker_audit_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;
DROP FUNCTION IF EXISTS sisnaker_audit_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       WHEN sisnaker_audit_locked() BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN sisnaker_audit_locked() BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only (DELETE refused)'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
