"""Stored files that expire (import error files, background jobs' uploads and exports): the one sweep that deletes
them from the storage and marks their rows, used by each owner's housekeeping job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet

BATCH = 10_000  # rows claimed per pass; the next pass takes the rest


def delete_expired(expired: QuerySet, *, now: dt.datetime, record: Callable[[Any], None]) -> int:
    """Delete the files of the rows of ``expired`` (rows with ``path`` and ``deleted_at``, already filtered to
    what has expired and is not yet deleted), set their ``deleted_at`` to ``now`` and call ``record(row)`` (the
    owner's audit row) in the same transaction; returns how many. Each row is claimed under a lock, so running it
    again or concurrently deletes nothing twice; a file already missing is no error."""
    deleted = 0
    for pk in list(expired.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic(durable=True):
            row = expired.model.objects.select_for_update().filter(pk=pk, deleted_at__isnull=True).first()
            if row is None:
                continue
            default_storage.delete(row.path)
            row.deleted_at = now
            row.save(update_fields=["deleted_at"])
            record(row)
            deleted += 1
    return deleted
