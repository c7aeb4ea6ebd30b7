"""Several new rows that refer to each other, written in one round trip to the database (hot paths such as sign-up).

``insert_linked`` takes unsaved model instances in order, each with the foreign keys that point at an earlier one
of them. On PostgreSQL they become one statement of data-modifying CTEs::

    WITH s0 AS (INSERT INTO accounts_user (…) SELECT %s, … RETURNING id),
         s1 AS (INSERT INTO accounts_person (user_id, …) SELECT (SELECT id FROM s0), %s, … RETURNING id)
    SELECT (SELECT id FROM s0), (SELECT id FROM s1)

one round trip instead of one per row (a sign-up writes four rows: at the Prakerja peak the round trips, not
PostgreSQL's work, are most of the path). The foreign keys are checked at the end of the statement, so a row may
refer to one written earlier in it. Elsewhere (SQLite) each instance is saved in turn with ``Model.save`` — the same
rows. Values go through the fields exactly as ``save`` sends them (``pre_save``, ``get_db_prep_save``), so
``auto_now_add`` stamps, JSON and encrypted fields are written the same either way; tests of the callers run on both
databases.

All or none: the one statement is a transaction by itself (inside a caller's transaction it is part of that one);
elsewhere the saves run in a transaction (a savepoint inside the caller's). It writes no audit row of its own: give
it the audit row (``audit.event``) as one of the rows, so that it is written with the change it describes. No
signals are sent (the project uses none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models, transaction


@dataclass(frozen=True)
class Row:
    """An unsaved instance, and which of its foreign keys (attname, e.g. ``user_id``) take the primary key of an
    earlier row of the same call (its position); ``as_text`` casts that key to text (an audit row's ``object_id``)."""

    obj: models.Model
    links: dict[str, int] = field(default_factory=dict)
    as_text: frozenset[str] = frozenset()


def insert_linked(rows: Sequence[Row], *, using: str = "default") -> None:
    """Insert ``rows`` in order; afterwards every instance has its primary key, as after ``save()``."""
    for i, row in enumerate(rows):
        for attname, target in row.links.items():
            if not 0 <= target < i:
                raise ValueError(f"row {i}: {attname} must point at an earlier row, not {target}")
    connection = transaction.get_connection(using)
    if connection.vendor != "postgresql" or len(rows) < 2:
        with transaction.atomic(using=using):  # all or none, as the one statement below
            for row in rows:
                _link(row, [r.obj.pk for r in rows])
                row.obj.save(force_insert=True, using=using)
        return
    parts, params = [], []
    for i, row in enumerate(rows):
        meta = row.obj._meta
        columns, values = [], []
        for f in meta.concrete_fields:
            if f is meta.auto_field and f.attname not in row.links and getattr(row.obj, f.attname) is None:
                continue  # the database numbers it (identity column)
            if getattr(f, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED or f.generated:
                raise ValueError(f"{meta.label}.{f.name}: database defaults and generated fields are not supported here")
            columns.append(connection.ops.quote_name(f.column))
            if f.attname in row.links:
                target = row.links[f.attname]
                key = connection.ops.quote_name(rows[target].obj._meta.pk.column)
                cast = "::text" if f.attname in row.as_text else ""
                values.append(f"(SELECT {key}{cast} FROM s{target})")  # noqa: S608 (names from the models)
                continue
            value = f.get_db_prep_save(f.pre_save(row.obj, add=True), connection)
            values.append(f.get_placeholder(value, None, connection) if hasattr(f, "get_placeholder") else "%s")
            params.append(value)
        pk = connection.ops.quote_name(meta.pk.column)
        parts.append(f"s{i} AS (INSERT INTO {connection.ops.quote_name(meta.db_table)} ({', '.join(columns)})"
                     f" SELECT {', '.join(values)} RETURNING {pk})")
    keys = ", ".join(f"(SELECT {connection.ops.quote_name(r.obj._meta.pk.column)} FROM s{i})"  # noqa: S608
                     for i, r in enumerate(rows))
    with connection.cursor() as cursor:
        # Table and column names come from the models; every value is a parameter.
        cursor.execute(f"WITH {', '.join(parts)} SELECT {keys}", params)  # noqa: S608
        pks = cursor.fetchone()
    for row, pk in zip(rows, pks, strict=True):
        _link(row, pks)
        row.obj.pk = pk
        row.obj._state.adding = False
        row.obj._state.db = using


def _link(row: Row, pks: Sequence) -> None:
    for attname, target in row.links.items():
        setattr(row.obj, attname, str(pks[target]) if attname in row.as_text else pks[target])
