"""The ledger's invariants in the database, whatever writes to it (the ORM, raw SQL, a shell session):

1. **Balanced entries.** The lines of an entry are inserted *before* the entry (foreign keys are checked at
   commit, DEFERRABLE INITIALLY DEFERRED on both databases). Inserting the entry checks that its lines number
   at least two and sum to zero; inserting a line for an entry that already exists is refused. So every
   posted entry had all of its lines checked, and none can be added later.
2. **Append-only.** UPDATE and DELETE of entries and lines are refused (corrections are new entries).

PostgreSQL: statement-level triggers with transition tables (one check per INSERT statement, fast for bulk
posting). SQLite: row triggers; the append-only ones ask ``sisnaker_audit_locked()`` like the audit trail
(core/migrations/0002), so that test flushes can empty the tables. TRUNCATE on PostgreSQL is left to
privileges, as for the audit trail before core/migrations/0005 (docs/operations.md: the application role
does not own the tables)."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION payments_ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only (' || TG_OP || ' refused): post a correcting entry';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_journalentry_append_only BEFORE UPDATE OR DELETE ON payments_journalentry
  FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
CREATE TRIGGER payments_ledgerline_append_only BEFORE UPDATE OR DELETE ON payments_ledgerline
  FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();

CREATE OR REPLACE FUNCTION payments_line_before_entry() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_lines n JOIN payments_journalentry e ON e.id = n.entry_id) THEN
    RAISE EXCEPTION USING MESSAGE = 'payments_ledgerline: a line cannot be added to a posted journal entry';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_ledgerline_before_entry AFTER INSERT ON payments_ledgerline
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION payments_line_before_entry();

CREATE OR REPLACE FUNCTION payments_entry_balanced() RETURNS trigger AS $$
DECLARE
  bad text;
BEGIN
  SELECT e.idempotency_key INTO bad
    FROM new_entries e
    LEFT JOIN (SELECT l.entry_id, SUM(l.amount) AS total, COUNT(*) AS n
                 FROM payments_ledgerline l
                WHERE l.entry_id IN (SELECT id FROM new_entries)
                GROUP BY l.entry_id) s ON s.entry_id = e.id
   WHERE COALESCE(s.n, 0) < 2 OR s.total <> 0
   LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION USING MESSAGE = 'payments_journalentry ' || bad || ' does not balance (at least two lines summing to zero)';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_journalentry_balanced AFTER INSERT ON payments_journalentry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION payments_entry_balanced();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS payments_journalentry_balanced ON payments_journalentry;
DROP TRIGGER IF EXISTS payments_ledgerline_before_entry ON payments_ledgerline;
DROP TRIGGER IF EXISTS payments_ledgerline_append_only ON payments_ledgerline;
DROP TRIGGER IF EXISTS payments_journalentry_append_only ON payments_journalentry;
DROP FUNCTION IF EXISTS payments_entry_balanced();
DROP FUNCTION IF EXISTS payments_line_before_entry();
DROP FUNCTION IF EXISTS payments_ledger_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER payments_journalentry_no_update BEFORE UPDATE ON payments_journalentry
       WHEN sisnaker_audit_locked() BEGIN SELECT RAISE(ABORT, 'payments_journalentry is append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER payments_journalentry_no_delete BEFORE DELETE ON payments_journalentry
       WHEN sisnaker_audit_locked() BEGIN SELECT RAISE(ABORT, 'payments_journalentry is append-only (DELETE refused)'); END;""",
    """CREATE TRIGGER payments_ledgerline_no_update BEFORE UPDATE ON payments_ledgerline
       WHEN sisnaker_audit_locked() BEGIN SELECT RAISE(ABORT, 'payments_ledgerline is append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER payments_ledgerline_no_delete BEFORE DELETE ON payments_ledgerline
       WHEN sisnaker_audit_locked() BEGIN SELECT RAISE(ABORT, 'payments_ledgerline is append-only (DELETE refused)'); END;""",
    """CREATE TRIGGER payments_ledgerline_before_entry BEFORE INSERT ON payments_ledgerline
       WHEN EXISTS (SELECT 1 FROM payments_journalentry WHERE id = NEW.entry_id)
       BEGIN SELECT RAISE(ABORT, 'payments_ledgerline: a line cannot be added to a posted journal entry'); END;""",
    """CREATE TRIGGER payments_journalentry_balanced AFTER INSERT ON payments_journalentry
       WHEN (SELECT COUNT(*) FROM payments_ledgerline WHERE entry_id = NEW.id) < 2
         OR (SELECT SUM(amount) FROM payments_ledgerline WHERE entry_id = NEW.id) <> 0
       BEGIN SELECT RAISE(ABORT, 'payments_journalentry does not balance (at least two lines summing to zero)'); END;""",
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name};" for name in (
        "payments_journalentry_no_update", "payments_journalentry_no_delete", "payments_ledgerline_no_update",
        "payments_ledgerline_no_delete", "payments_ledgerline_before_entry", "payments_journalentry_balanced")
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
    dependencies = [("payments", "0001_initial"), ("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(up, down)]
