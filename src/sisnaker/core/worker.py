"""The background worker that survives its database: django-tasks-db's ``db_worker`` loop, restarted
after a lost database connection (a PostgreSQL restart, a fail-over, a network cut) instead of
exiting and leaving queued tasks for a human. ``sisnaker worker`` runs it (core/management/commands).

While the database is unreachable the worker waits with a growing delay (``retry_min`` doubling up to
``retry_max`` seconds), probing with a cheap query; once it answers, the loop goes on. A task that was
running when the connection dropped cannot be finished (its transaction is gone): it goes back in the queue
(after ``MAX_ATTEMPTS`` runs it is marked failed with ``DatabaseConnectionLost``, visible in the admin) rather
than left "running" for ever.

Every worker beats (``core.models.WorkerBeat``: a row it updates from a thread six times per dead-after time).
A task left RUNNING by a worker whose beat stopped for ``SISNAKER_WORKER_DEAD_AFTER`` seconds (default 60) —
the worker was killed with -9, its machine died — is abandoned: any live worker puts it back in the queue, up to
``MAX_ATTEMPTS`` runs in all, then marks it failed (``recover_abandoned_tasks``). Its work was never half-written:
each task's writes are transactions (the enrolment import is one; "issue all eligible" issues each certificate
in its own, so a rerun issues the rest), and a task must be safe to run again.

With ``parent_pid`` the worker also stops when that process (the one that started it: ``sisnaker demo``
starts one next to its web server) is gone, even if it was killed before it could stop the worker."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import WorkerBeat

logger = logging.getLogger("sisnaker.worker")

# What a lost or refused connection raises (Django wraps the driver's errors in these).
CONNECTION_ERRORS = (OperationalError, InterfaceError)


# Runs of one task in all (the first and the reruns after its worker died or lost the database).
MAX_ATTEMPTS = 3


class DatabaseConnectionLost(Exception):
    """Recorded on a task that was running when the worker lost its database connection."""


class WorkerDied(Exception):
    """Recorded on a task whose worker died while running it, once it has been tried ``MAX_ATTEMPTS`` times."""


def dead_after() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "SISNAKER_WORKER_DEAD_AFTER", 60)))


def _requeue_or_fail(result: DBTaskResult, *, now: dt.datetime, why: str, max_attempts: int,
                     error: type[Exception] = WorkerDied) -> str | None:
    """Put an interrupted task back in the queue, or fail it when it ran ``max_attempts`` times. Conditional
    on the task still being the same RUNNING run (``started_at``), so two workers recovering it at once, or a
    worker that comes back, change it once. Returns "requeued", "failed" or None (someone else did)."""
    still = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at)
    if len(result.worker_ids) < max_attempts:
        return "requeued" if still.update(status=TaskResultStatus.READY) else None
    message = f"{why} It ran {len(result.worker_ids)} times without finishing; enqueue it again once the cause is fixed."
    changed = still.update(status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                           exception_class_path=f"{error.__module__}.{error.__qualname__}",
                           traceback=f"{error.__qualname__}: {message}\n")
    return "failed" if changed else None


def recover_abandoned_tasks(*, now: dt.datetime | None = None, backend_name: str | None = None,
                            max_attempts: int = MAX_ATTEMPTS) -> dict[str, list[str]]:
    """Tasks RUNNING on a worker that stopped beating (``dead_after``): requeued, or failed after
    ``max_attempts`` runs. Returns their ids by outcome. Run by every worker as it starts and with each beat."""
    now = now or timezone.now()
    limit = now - dead_after()
    alive = set(WorkerBeat.objects.filter(seen_at__gte=limit).values_list("worker_id", flat=True))
    running = DBTaskResult.objects.running().filter(started_at__lt=limit)
    if backend_name:
        running = running.filter(backend_name=backend_name)
    outcome: dict[str, list[str]] = {"requeued": [], "failed": []}
    for result in running:
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        done = _requeue_or_fail(result, now=now, why="Its worker stopped (killed, or its machine was lost).",
                                max_attempts=max_attempts)
        if done:
            outcome[done].append(str(result.id))
            logger.warning("Task id=%s (%s) was abandoned by worker %s: %s.", result.id, result.task_path,
                           result.worker_ids[-1] if result.worker_ids else "?", done)
    # Beats of workers gone for a day say nothing more.
    WorkerBeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return outcome


class ResilientWorker(Worker):
    def __init__(self, *, retry_min: float = 1.0, retry_max: float = 60.0, parent_pid: int | None = None,
                 sleep: Callable[[float], None] = time.sleep, beat_every: float | None = None, **kwargs):
        super().__init__(**kwargs)
        self.retry_min = max(retry_min, 0.0)
        self.retry_max = max(retry_max, self.retry_min)
        self.parent_pid = parent_pid
        self.sleep = sleep
        self.outages = 0
        # Six beats in the time after which a worker counts as dead: a live one is never taken for dead.
        self.beat_every = beat_every or dead_after().total_seconds() / 6
        self._stopped = threading.Event()

    def run(self) -> None:
        if self.parent_pid:
            self._watch_parent(self.parent_pid)
        self._beat()  # before the first task: a worker that starts takes over what a dead one left
        beats = threading.Thread(target=self._beat_loop, name="sisnaker-worker-beat", daemon=True)
        beats.start()
        try:
            self._run()
        finally:
            self._stopped.set()
            beats.join(timeout=5)
            with contextlib.suppress(DatabaseError):
                WorkerBeat.objects.filter(worker_id=self.worker_id).delete()

    def _beat(self) -> None:
        now = timezone.now()
        try:
            WorkerBeat.objects.update_or_create(worker_id=self.worker_id, defaults={"seen_at": now}, create_defaults={
                "seen_at": now, "started_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()})
            recover_abandoned_tasks(now=now, backend_name=self.backend_name)
        except DatabaseError as exc:  # the database is down: the main loop waits for it; beat again later
            logger.info("Worker beat not recorded (%s).", type(exc).__name__)

    def _beat_loop(self) -> None:
        while not self._stopped.wait(self.beat_every):
            self._beat()
            _close_connections()  # this thread's own connection; the next beat opens a fresh one

    def _run(self) -> None:
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
        """Tasks this worker was running when the connection dropped: their work was rolled back with the
        connection, so they go back in the queue (or fail after ``MAX_ATTEMPTS`` runs) instead of staying
        RUNNING for ever."""
        try:
            for result in DBTaskResult.objects.running().filter(backend_name=self.backend_name):
                if result.worker_ids and result.worker_ids[-1] == self.worker_id:
                    done = _requeue_or_fail(result, now=timezone.now(), max_attempts=MAX_ATTEMPTS,
                                            why="The worker lost its database connection while running it.",
                                            error=DatabaseConnectionLost)
                    logger.warning("Task id=%s was interrupted by the lost connection: %s.", result.id, done or "taken over")
        except DatabaseError:
            logger.exception("Could not put the interrupted tasks back in the queue.")

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
