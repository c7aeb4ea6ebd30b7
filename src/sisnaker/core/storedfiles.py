"""Stored files that expire (import error files, background jobs' uploads and exports): the one sweep that deletes
them from the storage and marks their rows, used by each owner's housekeeping job; and files written ahead of the
transaction that refers to them (``WrittenAhead``), whose leftovers a killed process cannot leave for good."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet

from .models import PendingFile

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


# How long a transaction may take between writing its file and committing: a pending file older than this is a
# leftover (the transaction died), never one still in use.
PENDING_GRACE = dt.timedelta(hours=1)


class WrittenAhead:
    """Files written to the default storage before the transaction that refers to them, so that neither a rollback
    nor a killed process leaves one behind. Used outside any transaction::

        with storedfiles.WrittenAhead(now=now) as files:
            path = files.save(name, content)       # its PendingFile row committed first, then the file
            with transaction.atomic(durable=True):
                ...                                 # refer to ``path``
                files.keep(path)                    # in the transaction: the row goes with its COMMIT

    A block that raises deletes the files it did not keep; one whose process dies before the COMMIT leaves its
    PendingFile row, and housekeeping deletes the file once ``PENDING_GRACE`` has passed."""

    def __init__(self, *, now: dt.datetime) -> None:
        self.now = now
        self.paths: list[str] = []

    def save(self, name: str, content: File) -> str:
        pending = PendingFile.objects.create(path=default_storage.generate_filename(name)[:255], created_at=self.now)
        try:
            path = default_storage.save(pending.path, content)
        except BaseException:
            pending.delete()  # nothing was written (a full disk, the bucket unreachable): nothing is pending
            raise
        if path != pending.path:  # the storage chose another name (the first one was taken): follow it
            PendingFile.objects.filter(pk=pending.pk).update(path=path)
        self.paths.append(path)
        return path

    def keep(self, path: str) -> None:
        """``path`` is now referred to, in the caller's transaction: its pending row goes when that commits."""
        PendingFile.objects.filter(path=path).delete()

    def __enter__(self) -> WrittenAhead:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            return
        for path in self.paths:
            # Kept by a transaction that committed before the error: its row is gone and the file stays.
            if PendingFile.objects.filter(path=path).exists():
                default_storage.delete(path)
                PendingFile.objects.filter(path=path).delete()


def pending_files_delete(*, now: dt.datetime) -> int:
    """Housekeeping: delete the files written ahead of transactions that never committed (``WrittenAhead``: their
    PendingFile row is older than ``PENDING_GRACE``) and their rows; returns how many. At most ``BATCH`` a run; a
    file already gone is no error, a row claimed by a concurrent run is skipped."""
    deleted = 0
    old = PendingFile.objects.filter(created_at__lte=now - PENDING_GRACE).order_by("created_at")
    for pk in list(old.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic(durable=True):
            row = PendingFile.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue
            default_storage.delete(row.path)
            row.delete()
            deleted += 1
    return deleted
