"""The background worker that survives its database: django-tasks-db's ``db_worker`` loop, restarted
after a lost database connection (a PostgreSQL restart, a fail-over, a network cut) instead of
exiting and leaving queued tasks for a human. ``sisnaker worker`` runs it (core/management/commands).

While the database is unreachable the worker waits with a growing delay (``retry_min`` doubling up to
``retry_max`` seconds), probing with a cheap query; once it answers, the loop goes on. A task that was
running when the connection dropped cannot be finished (its transaction is gone): it is marked failed
with ``DatabaseConnectionLost``, visible in the admin, rather than left "running" for ever.

With ``parent_pid`` the worker also stops when that process (the one that started it: ``sisnaker demo``
starts one next to its web server) is gone, even if it was killed before it could stop the worker."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("sisnaker.worker")

# What a lost or refused connection raises (Django wraps the driver's errors in these).
CONNECTION_ERRORS = (OperationalError, InterfaceError)


class DatabaseConnectionLost(Exception):
    """Recorded on a task that was running when the worker lost its database connection."""


class ResilientWorker(Worker):
    def __init__(self, *, retry_min: float = 1.0, retry_max: float = 60.0, parent_pid: int | None = None,
                 sleep: Callable[[float], None] = time.sleep, **kwargs):
        super().__init__(**kwargs)
        self.retry_min = max(retry_min, 0.0)
        self.retry_max = max(retry_max, self.retry_min)
        self.parent_pid = parent_pid
        self.sleep = sleep
        self.outages = 0

    def run(self) -> None:
        if self.parent_pid:
            self._watch_parent(self.parent_pid)
        while True:
            try:
                super().run()
                return  # --batch or --max-tasks: finished normally
            except CONNECTION_ERRORS as exc:
                if not self.running:
                    return
                self.outages += 1
                self._wait_for_database(exc)
                if not self.running:
                    return

    def _wait_for_database(self, exc: BaseException) -> None:
        delay = self.retry_min
        logger.warning("Database connection lost (%s): the worker waits for the database and goes on.",
                       str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        while self.running:
            _close_connections()
            logger.info("Next database check in %.0f s.", delay)
            self.sleep(delay)
            try:
                with connections[DBTaskResult.objects.db].cursor() as cursor:
                    cursor.execute("SELECT 1")
            except CONNECTION_ERRORS as again:
                logger.warning("Database still unreachable (%s).", str(again).strip().splitlines()[0] if str(again).strip() else type(again).__name__)
                delay = min(max(delay * 2, self.retry_min or 1.0), self.retry_max)
                continue
            logger.warning("Database reachable again: the worker resumes.")
            self._fail_interrupted_tasks()
            return

    def _fail_interrupted_tasks(self) -> None:
        """Tasks this worker was running when the connection dropped: their work was rolled back with
        the connection, so they are marked failed (visible) instead of staying RUNNING for ever."""
        try:
            for result in DBTaskResult.objects.running().filter(backend_name=self.backend_name):
                if result.worker_ids and result.worker_ids[-1] == self.worker_id:
                    result.set_failed(DatabaseConnectionLost(
                        "The worker lost its database connection while running this task; enqueue it again."
                    ))
                    logger.warning("Task id=%s was interrupted by the lost connection: marked failed.", result.id)
        except DatabaseError:
            logger.exception("Could not mark the interrupted tasks as failed.")

    def _watch_parent(self, parent: int) -> None:
        # Compared with getppid() (not "is that pid alive"): an orphan is re-parented at once, while a
        # dead parent's pid may be reused. Checked from the start, so a parent that died while the
        # worker was still starting is noticed too.
        def watch():
            while self.running:
                if os.getppid() != parent:
                    logger.warning("The process that started the worker is gone: stopping.")
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
                time.sleep(1)

        threading.Thread(target=watch, name="sisnaker-worker-parent-watch", daemon=True).start()


def _close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):  # already broken: Django forgets it either way
            connection.close()
