"""The audit trail also refuses TRUNCATE on PostgreSQL: a statement trigger (row triggers do not see
TRUNCATE), raising through the same function as UPDATE/DELETE (core/migrations/0002).

Test databases are still flushed between tests: ``core.audit.maintenance()`` disables this trigger
inside the flush's transaction, which only the table's owner can do. In production the application
connects with a role that does not own the table (docs/operations.md), so it can neither TRUNCATE nor
disable the trigger; ``sisnaker checkdeploy`` reports whether that holds. SQLite has no TRUNCATE."""

from django.db import migrations

POSTGRES_UP = """
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION sisnaker_audit_append_only();
"""
POSTGRES_DOWN = "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;"


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_ratecounter")]
    operations = [migrations.RunPython(up, down)]
