"""Tasks are queued with the transaction of the change that asks for them (``core.tasks.enqueue_with_transaction``,
issue 14 §5): a rolled-back change queues nothing, and a committed one cannot lose its task when the process dies
between the COMMIT and its after-commit hooks — tried for real with a process killed at that instant."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from sisnaker.core.tasks import enqueue_with_transaction, in_the_database
from sisnaker.notifications.models import Notification

ROOT = Path(__file__).resolve().parents[2]
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ran: list[int] = []


@task
def remember(*, n: int) -> int:
    ran.append(n)
    return n


@pytest.fixture(autouse=True)
def _nothing_ran():
    ran.clear()


@pytest.mark.django_db
def test_with_the_database_backend_the_task_is_written_in_the_transaction_and_rolls_back_with_it(settings):
    settings.TASKS = DB_BACKEND
    assert in_the_database(remember)
    noted = []
    with transaction.atomic():
        enqueue_with_transaction(remember, n=1, then=noted.append)
        # Already a row, inside the change's transaction (a worker sees it only once this commits).
        assert DBTaskResult.objects.filter(task_path__endswith=".remember", status="READY").count() == 1
        assert [r.id for r in noted] == [str(DBTaskResult.objects.get().id)]
    assert DBTaskResult.objects.count() == 1

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        enqueue_with_transaction(remember, n=2)
        assert DBTaskResult.objects.count() == 2
        raise Undone
    assert DBTaskResult.objects.count() == 1  # the refused change queued nothing
    assert ran == []  # queued, not run


@pytest.mark.django_db
def test_with_another_backend_the_task_is_queued_after_the_commit_and_not_on_rollback(settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    assert not in_the_database(remember)
    noted = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue_with_transaction(remember, n=3, then=noted.append)
        assert ran == []  # not before the commit: the task would not see the change
    assert len(callbacks) == 1
    assert ran == [3] and noted[0].return_value == 3

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                enqueue_with_transaction(remember, n=4)
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == [] and ran == [3]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


# A process that writes one message and dies (SIGKILL, no clean-up of any kind) the instant its transaction has
# committed, before Django runs the after-commit hooks: what a deploy's hard restart or the OOM killer can do.
CHILD = textwrap.dedent("""
    import os, signal
    import django
    django.setup()
    from django.db import transaction
    from django.db.backends.base.base import BaseDatabaseWrapper
    from sisnaker.notifications import services

    BaseDatabaseWrapper.run_and_clear_commit_hooks = lambda self: os.kill(os.getpid(), signal.SIGKILL)
    with transaction.atomic():
        services.notify_address(channel="email", to="budi@example.com", topic="killed-after-commit",
                                subject="Jadwal", text="Pelatihan dimulai Senin.")
""")


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_right_after_its_commit_loses_no_task_and_a_worker_sends_the_message(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the processes share the database: PostgreSQL (run with DATABASE_URL=postgres://…)")
    settings.TASKS = DB_BACKEND
    env = dict(os.environ, DATABASE_URL=_database_url(), DJANGO_SETTINGS_MODULE="sisnaker.settings",
               SISNAKER_TASK_BACKEND="django_tasks_db.DatabaseBackend",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]), SISNAKER_FAST_HASHER="1")
    child = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert child.returncode == -9, child.stderr.decode()[-2000:]  # it died at the COMMIT, as meant

    message = Notification.objects.get(topic="killed-after-commit")
    assert message.status == Notification.Status.QUEUED
    queued = DBTaskResult.objects.get(task_path__endswith="send_notification")
    assert queued.status == "READY" and queued.args_kwargs["kwargs"] == {"notification_id": message.pk}

    # A worker started afterwards finds the task and sends the message.
    worker = subprocess.run([sys.executable, "-m", "sisnaker", "worker", "--batch", "--interval", "0.1"], cwd=ROOT, env=env,
                            capture_output=True, timeout=120)
    assert worker.returncode == 0, worker.stderr.decode()[-2000:]
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT
