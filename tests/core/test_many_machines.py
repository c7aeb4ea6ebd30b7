"""Many machines (docs/operations.md "Many machines"): the connection pool, the read-replica router, tasks on
Redis through RQ, and files on a storage that is not the local disk. Each is exercised for real where this
machine has the service (PostgreSQL, Redis); a missing service skips its test with the reason."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import InMemoryStorage, Storage
from django.db import connection, transaction
from django.utils import timezone

from sisnaker import settings as sisnaker_settings
from sisnaker.accounts.models import Person
from sisnaker.core import replica
from sisnaker.notifications.models import Notification

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "SISNAKER_DB_POOL")}
    full.update(env, DJANGO_SETTINGS_MODULE="sisnaker.settings", PYTHONPATH=os.path.join(REPO, "src"))
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120)


# --- the connection pool ----------------------------------------------------------------------------------


def test_pool_setting_is_parsed_and_refused_when_malformed(monkeypatch):
    monkeypatch.setenv("SISNAKER_DB_POOL", "2,20")
    assert sisnaker_settings._pool_options() == {"min_size": 2, "max_size": 20, "timeout": 10}
    for bad in ("20", "a,b", "5,2", "0,0", "1,2,3"):
        monkeypatch.setenv("SISNAKER_DB_POOL", bad)
        with pytest.raises(ImproperlyConfigured, match="min,max"):
            sisnaker_settings._pool_options()
    monkeypatch.delenv("SISNAKER_DB_POOL")
    assert sisnaker_settings._pool_options() is None


def test_pool_needs_postgresql():
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        sisnaker_settings._use_pool({"ENGINE": "django.db.backends.sqlite3"}, {"min_size": 1, "max_size": 2})


@pytest.mark.django_db
def test_pooled_processes_share_a_few_connections_between_many_threads():
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's (run with DATABASE_URL=postgres://…)")
    s = connection.settings_dict
    url = f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/postgres"
    # Eight threads each run queries through Django at once; the pool of at most 3 serves them all, and the
    # server never sees more than 3 connections from this process.
    code = """
import threading, django
django.setup()
from django.db import connection, connections
seen = set()
errors = []
def work():
    try:
        for _ in range(5):
            with connection.cursor() as c:
                c.execute("select pg_backend_pid()")
                seen.add(c.fetchone()[0])
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connections.close_all()
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
print(connection.pool is not None, connection.pool.max_size, len(seen) <= 3, errors)
"""
    done = _run(code, DATABASE_URL=url, SISNAKER_DB_POOL="1,3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "True 3 True []"


# --- the read replica -------------------------------------------------------------------------------------


def test_reads_go_to_the_replica_only_when_asked_and_one_is_configured(monkeypatch):
    router = replica.ReplicaRouter()
    assert router.db_for_read(Person) is None  # no replica configured in the test settings
    monkeypatch.setattr(replica, "configured", lambda: True)
    assert router.db_for_read(Person) is None  # not asked
    with replica.reads():
        assert router.db_for_read(Person) == "replica"
        assert router.db_for_write(Person) == "default"
    assert router.db_for_read(Person) is None
    assert router.allow_migrate("replica", "accounts") is False and router.allow_migrate("default", "accounts") is True


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_stay_on_the_primary(monkeypatch):
    # Whatever a transaction wrote must be read back from where it was written (a replica lags).
    monkeypatch.setattr(replica, "configured", lambda: True)
    router = replica.ReplicaRouter()
    with replica.reads():
        with transaction.atomic():
            assert router.db_for_read(Person) is None
        assert router.db_for_read(Person) == "replica"


def test_a_decorated_view_asks_for_the_replica_in_each_thread_separately(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: True)
    inside, release, seen = threading.Event(), threading.Event(), {}

    @replica.reads()
    def view(name):
        seen[name] = replica.active()
        if name == "first":
            inside.set()
            release.wait(5)
        seen[name + " after wait"] = replica.active()

    first = threading.Thread(target=view, args=("first",))
    first.start()
    inside.wait(5)
    view("second")  # enters and leaves while the first call is still inside
    seen["between"] = replica.active()
    release.set()
    first.join()
    assert seen == {"first": True, "second": True, "second after wait": True, "between": False,
                    "first after wait": True}


def test_a_configured_replica_is_a_real_second_connection(tmp_path):
    db = tmp_path / "one.sqlite3"
    code = """
import django
django.setup()
from django.db import connections
from sisnaker.accounts.models import Person
from sisnaker.core import replica
with replica.reads():
    qs = Person.objects.all()
    print(qs.db)
print(Person.objects.all().db)
with connections["replica"].cursor() as c:
    c.execute("select 1")
    print(c.fetchone()[0])
"""
    done = _run(code, DATABASE_URL=f"sqlite:///{db}", DATABASE_REPLICA_URL=f"sqlite:///{db}",
                SISNAKER_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["replica", "default", "1"]


# --- tasks on Redis (RQ) ----------------------------------------------------------------------------------

REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_a_notification_is_sent_by_an_rq_worker(settings, mailoutbox):
    """The whole path of a background task on the RQ backend: the service queues the notification, the task
    is enqueued after commit into Redis, an RQ worker (as `sisnaker rqworker` runs it) takes it and sends."""
    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    db = 15 if not os.environ.get("PYTEST_XDIST_WORKER") else 14 - int(os.environ["PYTEST_XDIST_WORKER"].lstrip("gw") or 0)
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:6379/{db}"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    from sisnaker.notifications import services as notifications

    with transaction.atomic():
        sent = notifications.notify_address(channel="email", to="warga@example.test", topic="rq-check",
                                            subject="Uji", text="Pesan lewat antrean Redis")
    assert Notification.objects.get(pk=sent.pk).status == Notification.Status.QUEUED
    assert queue.count == 1
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True)
    notification = Notification.objects.get(pk=sent.pk)
    assert notification.status == Notification.Status.SENT and notification.sent_at <= timezone.now()
    assert [m.to for m in mailoutbox] == [["warga@example.test"]]
    queue.empty()


def test_the_rq_backend_is_wired_by_the_setting(tmp_path):
    code = """
import django
django.setup()
from django.conf import settings
from django.tasks import task_backends
print(type(task_backends["default"]).__name__, "django_rq" in settings.INSTALLED_APPS, settings.RQ_QUEUES["default"]["URL"])
"""
    done = _run(code, SISNAKER_TASK_BACKEND="django_tasks_rq.RQBackend", SISNAKER_REDIS_URL="redis://10.0.0.5:6379/2",
                SISNAKER_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["RQBackend", "True", "redis://10.0.0.5:6379/2"]


# --- files not on the local disk --------------------------------------------------------------------------


class NoLocalPaths(Storage):
    """Like S3: files exist only behind the storage API, and path() is refused (an in-memory storage inside)."""

    def __init__(self):
        self._inner = InMemoryStorage()

    def _save(self, name, content):
        return self._inner._save(name, content)

    def _open(self, name, mode="rb"):
        return self._inner._open(name, mode)

    def exists(self, name):
        return self._inner.exists(name)

    def delete(self, name):
        self._inner.delete(name)

    def size(self, name):
        return self._inner.size(name)

    def listdir(self, path):
        return self._inner.listdir(path)

    def url(self, name):
        return self._inner.url(name)


def test_s3_storage_is_chosen_by_the_bucket_setting(tmp_path):
    code = """
import django
django.setup()
from django.core.files.storage import storages
s = storages["default"]
print(type(s).__name__, s.bucket_name, s.default_acl, s.file_overwrite)
"""
    done = _run(code, SISNAKER_S3_BUCKET="sisnaker-berkas", SISNAKER_S3_ENDPOINT_URL="http://127.0.0.1:9000",
                SISNAKER_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["S3Storage", "sisnaker-berkas", "private", "False"]


@pytest.mark.django_db
def test_error_files_work_on_a_storage_without_local_paths(settings, client, regions):
    """S3 and other object stores have no local path: the error file of an import is written, offered and
    read back through the storage API alone."""
    from django.core.files.storage import storages

    from tests.training.test_error_files import api_import, read_xlsx, row, xlsx  # noqa: F401
    from tests.training.test_import import manager_and_institution, program_for

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.core.test_many_machines.NoLocalPaths"}}
    with pytest.raises(NotImplementedError):
        storages["default"].path("x")
    manager, institution = manager_and_institution()
    program = program_for(institution, today=timezone.localdate())
    client.force_login(manager)
    url = api_import(client, program)
    assert read_xlsx(client.get(url).content)[0][-1] == "Alasan"


def test_checkdeploy_tells_whether_redis_answers(settings):
    from sisnaker.core import deploycheck

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "SOCKET_CONNECT_TIMEOUT": 1}}
    (down,) = list(deploycheck._worker("default"))
    assert down.level == deploycheck.FAIL and "Redis" in down.text
    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/13"}}
    (up,) = list(deploycheck._worker("default"))
    assert up.level == deploycheck.OK and "Redis answers" in up.text
