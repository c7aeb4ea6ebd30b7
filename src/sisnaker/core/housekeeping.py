"""Housekeeping: deleting what must not be kept (expired rate-limit windows and log-in counters,
unfinished sign-up claims that hold a password hash, import error files that hold NIKs) on a schedule
run by the task worker — no cron line to forget.

The jobs are named in ``settings.SISNAKER_HOUSEKEEPING`` (dotted paths to callables taking
``now=``), so this kernel module knows no app. ``core.tasks.housekeeping`` runs them all and queues
its own next run ``SISNAKER_HOUSEKEEPING_INTERVAL`` seconds later; ``sisnaker worker`` makes sure one
is queued when it starts, and ``sisnaker housekeeping`` runs a pass by hand."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("sisnaker.housekeeping")
TASK_PATH = "sisnaker.core.tasks.housekeeping"


def interval() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "SISNAKER_HOUSEKEEPING_INTERVAL", 3600)))


def run(*, now: dt.datetime | None = None) -> dict[str, object]:
    """Run every configured job once; a failing job is logged and reported, the others still run."""
    now = now or timezone.now()
    results: dict[str, object] = {}
    for path in getattr(settings, "SISNAKER_HOUSEKEEPING", ()):
        try:
            results[path] = import_string(path)(now=now)
        except Exception as exc:  # one broken job must not stop the others (it is retried next run)
            logger.exception("Housekeeping job %s failed", path)
            results[path] = f"failed: {type(exc).__name__}: {exc}"[:500]
    return results


def _already_queued() -> bool:
    """Whether a future housekeeping run is waiting (database backend only; other backends cannot
    be asked, and an extra run is harmless)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return False
    return DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()


def ensure_scheduled(*, now: dt.datetime | None = None, after: dt.timedelta | None = None,
                     only_deferred: bool = False) -> bool:
    """Queue the next housekeeping run unless one is already waiting. Returns whether it queued.
    ``only_deferred``: do nothing when the backend cannot run tasks later (the pass itself calls it)."""
    # Imported here: core.tasks imports this module (the task runs the jobs): a cycle inside core.
    from .tasks import housekeeping

    backend = housekeeping.get_backend()
    if only_deferred and not backend.supports_defer:
        return False
    uses_db = type(backend).__module__.startswith("django_tasks_db")
    if uses_db and _already_queued():
        return False
    task = housekeeping
    if backend.supports_defer:
        task = housekeeping.using(run_after=(now or timezone.now()) + (after if after is not None else interval()))
    task.enqueue()
    return True
