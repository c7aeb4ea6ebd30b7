"""Progress of a long transaction, visible to every process before it commits.

A background job that does its work in ONE transaction (the enrolment import, a big program's lifecycle step)
writes nothing anyone else can see until it commits. ``side_updater`` gives it a second connection in autocommit
on which it updates its own job row as it goes (``done`` of ``expected``), so the job's page can show how far it
is. PostgreSQL only: SQLite has one writer at a time, so there the page shows the job's start and end alone.

The job's own transaction must not update the row before its last progress write (the side connection would wait
for its lock until it commits)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models

logger = logging.getLogger("sisnaker.core")


def side_updater(model: type[models.Model], pk: int) -> tuple[Callable[..., None], Callable[[], None]]:
    """(``update(**values)``, ``close()``): ``update`` sets these fields of the row ``pk`` of ``model`` at once,
    committed, through a second connection. A failure is logged once and further updates are skipped: progress is
    a courtesy and never stops the job. ``close`` closes the connection (call it in a ``finally``)."""
    if connection.vendor != "postgresql":
        return (lambda **values: None), (lambda: None)
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = connection.ops.quote_name(model._meta.db_table)
    broken: list[bool] = []

    def update(**values: Any) -> None:
        if broken:
            return
        columns = ", ".join(f"{connection.ops.quote_name(model._meta.get_field(name).column)} = %s" for name in values)
        try:
            with side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [*values.values(), pk])  # noqa: S608 - the model's own table and fields, quoted
        except DatabaseError:
            logger.warning("%s %s: progress not written", model._meta.label, pk, exc_info=True)
            broken.append(True)

    return update, side.close
