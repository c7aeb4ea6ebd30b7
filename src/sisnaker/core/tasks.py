"""Background work of the shared kernel (django.tasks), and how every app queues its tasks: with its transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.tasks import Task, TaskResult, task


@task
def housekeeping() -> dict:
    """One housekeeping pass (``core.housekeeping``), then the next one is queued."""
    # Imported here: core.housekeeping imports this module (it queues this task): a cycle inside core.
    from . import housekeeping as jobs

    results = jobs.run()
    # The next pass, unless the backend cannot defer (it would run at once, for ever).
    jobs.ensure_scheduled(only_deferred=True)
    return {k: v if isinstance(v, (int, str, dict)) else str(v) for k, v in results.items()}


@task
def delete_stored_files(*, paths: list[str]) -> dict:
    """Delete files of the default storage that a committed change stopped referring to (a replaced photo). Queued with
    that change (``enqueue_with_transaction``): a process killed right after its COMMIT does not leave them behind for
    good. A file already gone is no error (S3 and the file system both say nothing)."""
    from django.core.files.storage import default_storage

    for path in paths:
        default_storage.delete(path)
    return {"deleted": len(paths)}


def enqueue_with_transaction(task: Task, /, *, then: Callable[[TaskResult], None] | None = None, **kwargs: Any) -> None:
    """Queue ``task(**kwargs)`` if, and only if, the caller's transaction commits; no worker starts it before.

    With the database backend (django-tasks-db, the default, on the primary database) the task's row is written now,
    inside the caller's transaction: it commits with the change that asks for it, or rolls back with it. No crash
    between the COMMIT and an after-commit hook can lose it (the server killed, a deploy's restart): the queue is a
    transactional outbox. With any other backend (Redis through django-tasks-rq; the immediate backend of the tests)
    it is queued once the transaction has committed, robustly (a queue that cannot be reached is logged, never a
    500 after the change was recorded); there a process dying between the COMMIT and the hook loses the task
    (docs/operations.md, "Many machines"). Outside any transaction it is queued at once. ``then(result)`` runs once
    it is queued (e.g. to write the task's id on the job it runs)."""

    def enqueue() -> None:
        result = task.enqueue(**kwargs)
        if then is not None:
            then(result)

    if in_the_database(task):
        enqueue()
    else:
        transaction.on_commit(enqueue, robust=True)


def in_the_database(task: Task) -> bool:
    """Whether ``task``'s backend queues it as a row of the primary database (so in the caller's transaction)."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return False
    return isinstance(task.get_backend(), DatabaseBackend) and router.db_for_write(DBTaskResult) == DEFAULT_DB_ALIAS
