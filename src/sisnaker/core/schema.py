"""Migration helpers for changes whose plain Django form would rebuild more than it changes.

Django alters a field's index by dropping and re-adding the field's foreign key (which PostgreSQL then
validates over every row, under a lock that stops writes) and by rebuilding unique indexes. For a table of
millions of persons or enrolments that is minutes of a stopped service for what is, in the database, an
index renamed or dropped. ``DatabaseByVendor`` keeps Django's state change as written and lets PostgreSQL do
only the small statements; other databases (SQLite: small, demo and tests) run Django's operations as usual.
"""

from __future__ import annotations

import re

from django.db.migrations.operations import SeparateDatabaseAndState


class DatabaseByVendor(SeparateDatabaseAndState):
    """``state_operations`` change the migration state everywhere; in the database they run as they are,
    except on PostgreSQL, where ``postgresql`` (RunSQL / RunPython operations) runs instead."""

    def __init__(self, *, state_operations, postgresql):
        super().__init__(state_operations=state_operations)
        self.postgresql = list(postgresql)

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"state_operations": self.state_operations, "postgresql": self.postgresql})

    def _database(self, schema_editor) -> SeparateDatabaseAndState:
        ops = self.postgresql if schema_editor.connection.vendor == "postgresql" else self.state_operations
        return SeparateDatabaseAndState(database_operations=ops)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._database(schema_editor).database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._database(schema_editor).database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return "State change, with lighter statements on PostgreSQL"


def pg_indexes(schema_editor, table: str) -> list[tuple[str, str, str]]:
    """(index name, its definition, the constraint it backs or "") of ``table`` on PostgreSQL."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.relname, pg_get_indexdef(x.indexrelid), coalesce(c.conname, '')
               FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
               LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype <> 'f'
               WHERE t.relname = %s AND pg_table_is_visible(t.oid) AND NOT x.indisprimary ORDER BY 1""",
            [table],
        )
        return cursor.fetchall()


def _on(indexdef: str, column: str, *, like: bool) -> bool:
    """Whether ``indexdef`` is a btree index on exactly ``column`` (with ``varchar_pattern_ops`` when ``like``)."""
    ops = r'\s+varchar_pattern_ops' if like else ""
    return re.search(rf'USING btree \("?{re.escape(column)}"?{ops}\)$', indexdef) is not None


def pg_drop_index_on(schema_editor, table: str, column: str, *, like: bool) -> None:
    """Drop the plain (not unique, no constraint) btree index on ``table.column`` (its LIKE index with ``like``)."""
    quote = schema_editor.quote_name
    for name, indexdef, constraint in pg_indexes(schema_editor, table):
        if not constraint and " UNIQUE " not in indexdef and _on(indexdef, column, like=like):
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")


def pg_name_index_on(schema_editor, table: str, column: str, name: str) -> None:
    """Give the plain btree index on ``table.column`` the name ``name`` (creating it when there is none)."""
    quote = schema_editor.quote_name
    for existing, indexdef, constraint in pg_indexes(schema_editor, table):
        if not constraint and " UNIQUE " not in indexdef and _on(indexdef, column, like=False):
            if existing != name:
                schema_editor.execute(f"ALTER INDEX {quote(existing)} RENAME TO {quote(name)}")
            return
    schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")


def pg_name_unique_on(schema_editor, table: str, column: str, name: str) -> None:
    """Give the unique constraint on exactly ``table.column`` the name ``name`` (adding it when there is none)."""
    quote = schema_editor.quote_name
    for _index, indexdef, constraint in pg_indexes(schema_editor, table):
        if constraint and " UNIQUE " in indexdef and _on(indexdef, column, like=False):
            if constraint != name:
                schema_editor.execute(f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {quote(constraint)} TO {quote(name)}")
            return
    schema_editor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} UNIQUE ({quote(column)})")
