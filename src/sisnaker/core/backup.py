"""Backups of the database and their restore (``sisnaker backup`` / ``sisnaker restore``).

A backup is two files side by side:

* the dump: ``pg_dump --format=custom`` on PostgreSQL (``.dump``), or a copy made with SQLite's online backup
  API (``.sqlite3``) — consistent while the system keeps running;
* its manifest (``<dump>.json``): when and from which database it was made, the migrations it holds, and for
  every table its row count and a SHA-256 of its rows in primary-key order.

``restore`` replaces the whole database with the dump and then recomputes the manifest of what it restored: the
restore is reported good only when every table's count and checksum equal the manifest's. To test a backup,
restore it into a scratch database (docs/operations.md, "Backups").

What a backup does not hold: the encryption keys (``SISNAKER_DATA_KEYS``; without them the NIKs, phones and bank
accounts in a backup cannot be read — keep them apart, never next to the dumps) and the media folder (keep it with
the file-level backup of the server)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

MANIFEST_VERSION = 1


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


@dataclass
class TableSum:
    rows: int
    sha256: str


@dataclass
class Manifest:
    vendor: str
    database: str
    created_at: str
    migrations: list[str]
    tables: dict[str, TableSum] = field(default_factory=dict)
    version: int = MANIFEST_VERSION

    def to_json(self) -> str:
        return json.dumps({
            "version": self.version, "vendor": self.vendor, "database": self.database, "created_at": self.created_at,
            "migrations": self.migrations,
            "tables": {name: {"rows": t.rows, "sha256": t.sha256} for name, t in sorted(self.tables.items())},
        }, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("version") != MANIFEST_VERSION:
            raise BackupError(f"Unknown manifest version {data.get('version')!r} (this Sisnaker reads {MANIFEST_VERSION}).")
        return cls(vendor=data["vendor"], database=data["database"], created_at=data["created_at"],
                   migrations=list(data["migrations"]),
                   tables={name: TableSum(rows=t["rows"], sha256=t["sha256"]) for name, t in data["tables"].items()})


def differences(expected: Manifest, actual: Manifest) -> list[str]:
    """What differs between two manifests' tables, one line per table (empty when they agree)."""
    out = []
    for name in sorted(set(expected.tables) | set(actual.tables)):
        e, a = expected.tables.get(name), actual.tables.get(name)
        if e is None:
            out.append(f"{name}: not in the backup")
        elif a is None:
            out.append(f"{name}: missing after the restore")
        elif e.rows != a.rows:
            out.append(f"{name}: {a.rows} rows, the backup holds {e.rows}")
        elif e.sha256 != a.sha256:
            out.append(f"{name}: {a.rows} rows as in the backup, but their contents differ")
    return out


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def _order_by(connection: BaseDatabaseWrapper, cursor, table: str) -> str:
    pk = connection.introspection.get_primary_key_columns(cursor, table) or []
    if pk:
        return ", ".join(_quote(connection, c) for c in pk)
    columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    return ", ".join(_quote(connection, c) for c in columns)


def _digest(cursor, sql: str) -> TableSum:
    digest, rows = hashlib.sha256(), 0
    cursor.execute(sql)
    while chunk := cursor.fetchmany(2000):
        for row in chunk:
            digest.update(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode())
            digest.update(b"\n")
        rows += len(chunk)
    return TableSum(rows=rows, sha256=digest.hexdigest())


def table_sum(connection: BaseDatabaseWrapper, table: str) -> TableSum:
    """Row count and SHA-256 of ``table``'s rows in primary-key order, streamed (memory stays flat)."""
    with connection.cursor() as cursor:
        order = _order_by(connection, cursor, table)
    # A server-side cursor on PostgreSQL: a table of millions of rows is read in chunks.
    with connection.chunked_cursor() as cursor:
        return _digest(cursor, f"SELECT * FROM {_quote(connection, table)} ORDER BY {order}")  # noqa: S608 - names from introspection


def manifest_of(alias: str = "default", *, now: dt.datetime | None = None) -> Manifest:
    """The manifest of the database as it is now."""
    connection = connections[alias]
    tables = sorted(connection.introspection.table_names(include_views=False))
    applied = MigrationRecorder(connection).applied_migrations()
    return Manifest(
        vendor=connection.vendor, database=str(connection.settings_dict["NAME"]),
        created_at=(now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        migrations=sorted(f"{app}.{name}" for app, name in applied),
        tables={t: table_sum(connection, t) for t in tables},
    )


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".json")


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq environment for the pg_dump/pg_restore programs (the password never on the command line)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _pg_program(name: str) -> str:
    program = shutil.which(name)
    if not program:
        raise BackupError(f"{name} was not found: install the PostgreSQL client programs "
                          f"(Debian: apt-get install postgresql-client) of the server's major version or newer.")
    return program


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed programs
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()[:2000]}")


def default_name(alias: str = "default", *, now: dt.datetime | None = None) -> str:
    connection = connections[alias]
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    return f"sisnaker-{stamp}{suffix}"


def backup(dump: Path, alias: str = "default") -> Manifest:
    """Write the dump of database ``alias`` to ``dump`` and its manifest beside it; returns the manifest.

    The manifest describes exactly what the dump holds, even while people write: on SQLite it is read from
    the copy; on PostgreSQL pg_dump and the manifest read the same exported snapshot."""
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("A backup runs outside any transaction (it opens its own snapshot).")
    dump.parent.mkdir(parents=True, exist_ok=True)
    if dump.exists():
        raise BackupError(f"{dump} exists already: choose another name (backups are never overwritten).")
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        # pg_dump takes one consistent snapshot; the manifest is then computed from that same snapshot
        # by exporting it, so that rows written meanwhile do not make a good backup look bad.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            try:
                _run([_pg_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                      f"--snapshot={snapshot}", "--file", str(dump), settings_dict["NAME"]], _pg_env(settings_dict))
                manifest = manifest_of(alias)
            finally:
                cursor.execute("ROLLBACK")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(dump)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        manifest = _sqlite_manifest(dump)
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    manifest_path(dump).write_text(manifest.to_json())
    return manifest


def _sqlite_manifest(path: Path) -> Manifest:
    """The manifest of an SQLite copy. Read with the type conversions Django's SQLite connections use (the
    converters are registered module-wide by Django), so that it equals ``manifest_of`` after a restore."""
    copy = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        cursor = copy.cursor()
        tables = [r[0] for r in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        sums = {}
        for table in tables:
            info = cursor.execute(f"PRAGMA table_info({_sqlite_quote(table)})").fetchall()
            pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]] or [r[1] for r in info]
            order = ", ".join(_sqlite_quote(c) for c in pk)
            sums[table] = _digest(copy.cursor(), f"SELECT * FROM {_sqlite_quote(table)} ORDER BY {order}")  # noqa: S608
        migrations = sorted(f"{app}.{name}" for app, name in cursor.execute("SELECT app, name FROM django_migrations"))
    finally:
        copy.close()
    return Manifest(vendor="sqlite", database=str(connections["default"].settings_dict["NAME"]),
                    created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), migrations=migrations, tables=sums)


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_manifest(dump: Path) -> Manifest:
    path = manifest_path(dump)
    if not dump.exists():
        raise BackupError(f"{dump} does not exist.")
    if not path.exists():
        raise BackupError(f"{path} (the backup's manifest) does not exist: a backup is the dump and its manifest.")
    try:
        return Manifest.from_json(path.read_text())
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} is not a Sisnaker backup manifest ({exc}).") from exc


def unknown_migrations(manifest: Manifest, known: set[str]) -> list[str]:
    """Migrations in the backup that this version of Sisnaker does not have: restoring it under this
    code would run an older program on a newer schema."""
    return sorted(set(manifest.migrations) - known)


def restore(dump: Path, alias: str = "default") -> list[str]:
    """Replace database ``alias`` with ``dump``; return the differences between the restored database and the
    backup's manifest (empty: the restore is exact). Stop the web and worker processes first."""
    manifest = read_manifest(dump)
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("A restore runs outside any transaction.")
    if manifest.vendor != connection.vendor:
        raise BackupError(f"This backup is of a {manifest.vendor} database; the configured database is {connection.vendor}.")
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        connection.close()
        _run([_pg_program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--dbname", settings_dict["NAME"], str(dump)], _pg_env(settings_dict))
        # Tables created after the backup are not in it and survive --clean: drop them, or the restored
        # database would hold rows the backup never had.
        _drop_tables_not_in(connection, set(manifest.tables))
    else:
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    return differences(manifest, manifest_of(alias))


def _drop_tables_not_in(connection: BaseDatabaseWrapper, keep: set[str]) -> None:
    extra = [t for t in connection.introspection.table_names(include_views=False) if t not in keep]
    if extra:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(_quote(connection, t) for t in extra) + " CASCADE")
