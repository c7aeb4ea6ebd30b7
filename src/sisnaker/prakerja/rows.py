"""Set-based writes of per-application outcomes (closing a wave, the draw): millions of rows, never a query per row.

Closing (``set_rows``), PostgreSQL: the rows go by ``COPY`` into a temporary table dropped at commit, then one
``UPDATE … FROM`` joins it (5,000,000 applications in one statement; see ``bench/bench_prakerja_draw.py``).
Elsewhere (SQLite: tests, the demo): rows with the same values are grouped and updated by ``pk IN (…)`` in chunks.
The draw (``insert_selections``) writes new narrow rows only: ``COPY`` straight into ``prakerja_selection``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db import connection

from sisnaker.core.bulk import chunks

from .models import Application, Selection

CHUNK = 5000
# The columns these writes may set, with their PostgreSQL types (a fixed list: the SQL below is built from it).
COLUMNS = {"status": "varchar(12)", "reason": "varchar(40)", "household": "integer", "household_prior": "smallint"}


def set_rows(columns: Sequence[str], rows: Sequence[tuple]) -> int:
    """Set ``columns`` of each application: ``rows`` are ``(pk, value, …)`` in the order of ``columns``."""
    if not rows:
        return 0
    unknown = set(columns) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not a column these writes set: {sorted(unknown)}")
    if connection.vendor == "postgresql":
        return _postgres(columns, rows)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk, *values in rows:
        groups[tuple(values)].append(pk)
    for values, pks in groups.items():
        for chunk in chunks(pks, CHUNK):
            Application.objects.filter(pk__in=chunk).update(**dict(zip(columns, values, strict=True)))
    return len(rows)


def _postgres(columns: Sequence[str], rows: Sequence[tuple]) -> int:
    table = Application._meta.db_table
    defs = ", ".join(f"{c} {COLUMNS[c]}" for c in columns)
    names = ", ".join(columns)
    sets = ", ".join(f"{c} = r.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS prakerja_rows")
        cursor.execute(f"CREATE TEMPORARY TABLE prakerja_rows (id bigint PRIMARY KEY, {defs}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY prakerja_rows (id, {names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("ANALYZE prakerja_rows")
        # Names come from COLUMNS (a constant), never from input.
        cursor.execute(f"UPDATE {table} a SET {sets} FROM prakerja_rows r WHERE a.id = r.id")  # noqa: S608
        n = cursor.rowcount
        cursor.execute("DROP TABLE prakerja_rows")
    return n


def insert_selections(*, wave_id: int, selected: Sequence[int], provinces: Sequence[str]) -> int:
    """The draw's ``Selection`` rows: ``selected`` application ids in the order drawn (rank 1 first) and their
    ``provinces``, in one ``COPY`` on PostgreSQL, in bulk inserts elsewhere."""
    rows = [(pk, wave_id, province, rank) for rank, (pk, province) in enumerate(zip(selected, provinces, strict=True), start=1)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {Selection._meta.db_table} (application_id, wave_id, province_id, rank) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        with connection.cursor() as cursor:
            # Check the rows' foreign keys now (Django makes them DEFERRABLE INITIALLY DEFERRED), so that the draw's
            # cost is paid, and any error raised, here rather than at commit; then back to Django's default.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        Selection.objects.bulk_create([Selection(application_id=pk, wave_id=wave, province_id=province, rank=rank)
                                       for pk, wave, province, rank in rows], batch_size=CHUNK)
    return len(rows)
