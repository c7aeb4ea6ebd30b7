"""The background worker survives a database restart (issue 7 §7): django-tasks-db's db_worker exits on
the first OperationalError and queued tasks then wait for a human; ``sisnaker worker`` waits with a
growing delay, reconnects and runs what was queued meanwhile. The outage is simulated at Django's
query layer (both databases) and, on PostgreSQL, by killing the worker's connection and refusing new
ones as a restarting server does."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.tasks import task
from django.tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from sisnaker.core.worker import ResilientWorker

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task
def double(value: int) -> int:
    return value * 2


class Outage:
    """The database 'goes down' when ``down`` is set: every query fails as after a server restart,
    until ``restart_after`` waits of the worker have passed; then it is back and ``on_back`` runs."""

    def __init__(self, *, restart_after: int, on_back=None):
        self.down = False
        self.restart_after = restart_after
        self.on_back = on_back
        self.waits: list[float] = []
        self.refused = 0

    def __call__(self, execute, sql, params, many, context):
        if self.down:
            self.refused += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.down and len(self.waits) >= self.restart_after:
            self.down = False
            if self.on_back:
                self.on_back()


OUTAGE: Outage | None = None


@task
def lose_the_database() -> None:
    OUTAGE.down = True  # the server goes away in the middle of this task
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def make_worker(cls, outage: Outage, **kwargs):
    options = dict(queue_names=["default"], interval=0, batch=False, backend_name="default", startup_delay=False,
                   max_tasks=2, worker_id="test-worker", excluded_queue_names=[])
    options.update(kwargs)
    if cls is ResilientWorker:
        options.setdefault("sleep", outage.sleep)
    worker = cls(**options)
    # A test that goes wrong stops (and fails its assertions) instead of polling for ever.
    stop = threading.Timer(60, lambda: setattr(worker, "running", False))
    stop.daemon = True
    stop.start()
    return worker


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def _go_down_after_first_task(outage):
    def handler(sender, task_result, **kwargs):
        if list(task_result.args) == [1]:
            outage.down = True

    task_finished.connect(handler, dispatch_uid="test-outage", weak=False)
    return handler


def test_a_task_enqueued_after_the_database_restart_runs(db_tasks):
    first = double.enqueue(1)
    later = {}
    outage = Outage(restart_after=3, on_back=lambda: later.setdefault("result", double.enqueue(21)))
    _go_down_after_first_task(outage)
    try:
        with connection.execute_wrapper(outage):
            # django-tasks-db's own Worker raises OperationalError here and the process exits.
            worker = make_worker(ResilientWorker, outage)
            worker.run()
    finally:
        task_finished.disconnect(dispatch_uid="test-outage")
    assert outage.refused >= 3 and worker.outages == 1
    assert outage.waits == [1.0, 2.0, 4.0]  # a growing delay between checks while the database is down
    assert DBTaskResult.objects.get(id=first.id).status == "SUCCESSFUL"
    second = DBTaskResult.objects.get(id=later["result"].id)
    assert second.status == "SUCCESSFUL" and second.return_value == 42


def test_a_task_cut_off_by_outages_is_run_again_then_marked_failed_not_left_running(db_tasks):
    # This task takes the database down every time it runs: it goes back in the queue after each outage
    # and is marked failed after its third run, while the task behind it still runs.
    global OUTAGE
    OUTAGE = Outage(restart_after=2)
    cut = lose_the_database.enqueue()
    after = double.enqueue(5)
    try:
        with connection.execute_wrapper(OUTAGE):
            worker = make_worker(ResilientWorker, OUTAGE, max_tasks=2)
            worker.run()
    finally:
        OUTAGE = None
    cut = DBTaskResult.objects.get(id=cut.id)
    assert cut.status == "FAILED" and cut.exception_class_path.endswith("DatabaseConnectionLost")
    assert cut.worker_ids == ["test-worker"] * 3 and "ran 3 times" in cut.traceback
    assert DBTaskResult.objects.get(id=after.id).status == "SUCCESSFUL"


def test_the_retry_delay_is_capped(db_tasks):
    outage = Outage(restart_after=8)
    outage.down = True
    double.enqueue(2)
    outage.down = True
    with connection.execute_wrapper(outage):
        worker = make_worker(ResilientWorker, outage, max_tasks=1, retry_min=0.5, retry_max=3)
        worker.run()
    assert outage.waits == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0, 3.0, 3.0]


def test_the_command_runs_queued_tasks(db_tasks):
    result = double.enqueue(4)
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.get(id=result.id).return_value == 8


@pytest.mark.postgres
def test_postgresql_connection_killed_and_refused_while_the_server_restarts(db_tasks, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import psycopg

    first = double.enqueue(1)
    later = {}
    outage = Outage(restart_after=3, on_back=lambda: later.setdefault("result", double.enqueue(21)))
    wrapper_class = type(connections["default"])
    real_connect = wrapper_class.get_new_connection

    def refusing_connect(self, params):
        if outage.down:
            outage.refused += 1
            raise psycopg.OperationalError("connection failed: Connection refused (server restarting)")
        return real_connect(self, params)

    def kill_after_first(sender, task_result, **kwargs):
        if list(task_result.args) == [1]:
            pid = connection.connection.info.backend_pid
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            finally:
                other.close()
            outage.down = True

    monkeypatch.setattr(wrapper_class, "get_new_connection", refusing_connect)
    task_finished.connect(kill_after_first, dispatch_uid="test-kill", weak=False)
    try:
        worker = make_worker(ResilientWorker, outage)
        worker.run()
    finally:
        task_finished.disconnect(dispatch_uid="test-kill")
    assert outage.refused >= 1 and worker.outages == 1
    assert DBTaskResult.objects.get(id=first.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(id=later["result"].id).return_value == 42


def _running(result, *, workers: list[str], started_at):
    DBTaskResult.objects.filter(id=result.id).update(status="RUNNING", worker_ids=workers, started_at=started_at)
    return DBTaskResult.objects.get(id=result.id)


def test_tasks_of_a_worker_that_stopped_beating_go_back_in_the_queue_then_fail(db_tasks, settings):
    import datetime as dt

    from django.utils import timezone

    from sisnaker.core.models import WorkerBeat
    from sisnaker.core.worker import recover_abandoned_tasks

    settings.SISNAKER_WORKER_DEAD_AFTER = 60
    now = timezone.now()
    long_ago = now - dt.timedelta(minutes=10)
    WorkerBeat.objects.create(worker_id="alive", host="h", pid=1, started_at=long_ago, seen_at=now - dt.timedelta(seconds=5))
    WorkerBeat.objects.create(worker_id="killed", host="h", pid=2, started_at=long_ago, seen_at=now - dt.timedelta(minutes=3))
    busy = _running(double.enqueue(1), workers=["alive"], started_at=long_ago)
    orphan = _running(double.enqueue(2), workers=["killed"], started_at=long_ago)
    no_beat = _running(double.enqueue(3), workers=["gone-before-beats"], started_at=long_ago)
    tired = _running(double.enqueue(4), workers=["killed", "killed", "killed"], started_at=long_ago)
    just_claimed = _running(double.enqueue(5), workers=["killed"], started_at=now - dt.timedelta(seconds=10))

    outcome = recover_abandoned_tasks(now=now)
    assert sorted(outcome["requeued"]) == sorted([str(orphan.id), str(no_beat.id)])
    assert outcome["failed"] == [str(tired.id)]
    status = dict(DBTaskResult.objects.values_list("id", "status"))
    assert status[busy.id] == "RUNNING" and status[just_claimed.id] == "RUNNING"
    assert status[orphan.id] == status[no_beat.id] == "READY"
    tired = DBTaskResult.objects.get(id=tired.id)
    assert tired.status == "FAILED" and tired.exception_class_path.endswith("WorkerDied") and "ran 3 times" in tired.traceback
    # Recovering again (another worker at the same moment) changes nothing more.
    assert recover_abandoned_tasks(now=now) == {"requeued": [], "failed": []}

    # A worker that starts runs what the dead one left, and beats while it lives.
    worker = make_worker(ResilientWorker, Outage(restart_after=1), max_tasks=2, batch=True)
    worker.run()
    assert DBTaskResult.objects.get(id=orphan.id).return_value == 4
    assert DBTaskResult.objects.get(id=orphan.id).worker_ids == ["killed", "test-worker"]
    assert not WorkerBeat.objects.filter(worker_id="test-worker").exists()  # removed as it stopped
