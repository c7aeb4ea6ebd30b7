"""Writing the audit trail. Services call ``record`` inside their transaction."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import json
import uuid
from typing import Any

from django.db import connections, models, transaction
from django.utils import timezone

from . import context
from .models import AuditEvent

_maintenance = contextvars.ContextVar("sisnaker_audit_maintenance", default=False)


def audit_locked() -> int:
    """Asked by the SQLite triggers: 1 (refuse UPDATE/DELETE) unless in ``maintenance()``."""
    return 0 if _maintenance.get() else 1


# The PostgreSQL trigger that refuses TRUNCATE (core/migrations/0005).
TRUNCATE_TRIGGER = "core_auditevent_no_truncate"


@contextlib.contextmanager
def maintenance(using: str = "default"):
    """Lets a test-database flush empty the audit table. Nothing else uses it.

    SQLite: the UPDATE/DELETE triggers ask ``audit_locked()``, which answers 0 here. PostgreSQL: the
    TRUNCATE trigger is disabled inside one transaction around the flush and enabled again before it
    commits; ALTER TABLE needs the table's owner, which the application role in production is not."""
    token = _maintenance.set(True)
    try:
        connection = connections[using]
        if connection.vendor != "postgresql":
            yield
            return
        table = AuditEvent._meta.db_table
        with transaction.atomic(using=using), connection.cursor() as cursor:
            # Identifiers are constants of this module, never user input.
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRUNCATE_TRIGGER}")
            yield
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRUNCATE_TRIGGER}")
    finally:
        _maintenance.reset(token)


# Values JSON writes as they are: not walked (exact types; a subclass, e.g. a choices enum, is walked).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    # Bulk paths snapshot hundreds of thousands of small dicts of plain values: those values are taken
    # as they are instead of one call each (same result).
    plain = _PLAIN
    if isinstance(value, dict):
        return {(k if type(k) is str else str(k)): (v if type(v) in plain else _jsonable(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [v if type(v) in plain else _jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON-ready values (FKs as ids)."""
    out = {}
    for name in fields:
        f = obj._meta.get_field(name)
        out[name] = _jsonable(getattr(obj, f.attname))
    return out


def record(*, actor, action: str, **details: Any) -> AuditEvent:
    """Append one audit row (``details`` as for ``event``: obj, object_type, object_id, before, after, reason, at).
    Must run inside the transaction of the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the transaction of the change")
    row = event(actor=actor, action=action, **details)
    row.save(force_insert=True)
    return row


def event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> AuditEvent:
    """The audit row ``record`` would append, unsaved: for a caller that writes it together with the rows it
    describes (``core.inserts.insert_linked``), inside the same transaction. ``object_id`` may be left for the
    caller to link to a row not yet written."""
    ctx = context.current()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        at=at or timezone.now(),
        actor=actor_obj,
        actor_label=_actor_label(actor_obj, actor)[:200],
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk if obj is not None and not object_id else object_id)[:64],
        object_label=(str(obj) if obj is not None else "")[:200],
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
        ip=ctx.ip,
        request_id=ctx.request_id or "",
    )


def record_many(
    *, actor, action: str, object_type: str, rows: list[tuple[Any, str, dict | None, dict | None]], reason: str = "",
    at: dt.datetime | None = None,
) -> int:
    """Append one audit row per changed object in one INSERT (bulk paths): rows are
    ``(object_id, object_label, before, after)``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must be called inside the transaction of the change")
    if not rows:
        return 0
    ctx = context.current()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    label = _actor_label(actor_obj, actor)[:200]
    when = at or timezone.now()
    connection = transaction.get_connection()
    columns = ("at", "actor_id", "actor_label", "action", "object_type", "object_id", "object_label", "before",
               "after", "reason", "ip", "request_id")
    encode = _JSON.encode  # one encoder for every row (json.dumps with options makes one per call)
    actor_id = actor_obj.pk if actor_obj else None
    ip, request_id = ctx.ip, ctx.request_id or ""

    def jsonb(value):
        return None if value is None else encode(_jsonable(value))

    # Bulk paths write tens of thousands of rows: plain tuples into COPY (PostgreSQL) or one
    # executemany (SQLite) instead of building model instances and per-value SQL.
    values = [
        (when, actor_id, label, action, object_type, str(object_id)[:64], (object_label or "")[:200], jsonb(before),
         jsonb(after), reason, ip, request_id)
        for object_id, object_label, before, after in rows
    ]
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            stamp = connection.ops.adapt_datetimefield_value(when)  # what Django itself would store
            values = [(stamp,) + row[1:] for row in values]
            placeholders = ", ".join(["%s"] * len(columns))
            # Table and column names are constants of this module, never user input.
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", values)  # noqa: S608
    return len(rows)


_JSON = json.JSONEncoder(ensure_ascii=False)


def _actor_label(actor_obj, actor) -> str:
    if actor_obj is None:
        return str(actor) if actor else "system"
    name = actor_obj.get_full_name()
    return f"{name} ({actor_obj.get_username()})" if name else actor_obj.get_username()


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
