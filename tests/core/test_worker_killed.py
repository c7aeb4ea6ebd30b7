"""A worker killed with -9 in the middle of "issue all eligible" (issue 14 §5), for real: a `sisnaker worker`
process issues certificates, is killed while it works, and leaves only whole certificates (each with its
number, its signed payload and its audit row; numbers gap-free); a second worker takes the abandoned task over
and issues the rest — every eligible participant exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sisnaker.certification import services
from sisnaker.certification.models import Certificate
from sisnaker.core.models import AuditEvent
from sisnaker.training import domain as training
from tests.certification.test_certificates import World, readiness_questionnaire

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions")]

ROOT = Path(__file__).resolve().parents[2]
PARTICIPANTS = 120


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(*extra: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=_database_url(), SISNAKER_WORKER_DEAD_AFTER="3",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]), SISNAKER_FAST_HASHER="1")
    return subprocess.Popen([sys.executable, "-m", "sisnaker", "worker", "--interval", "0.1", *extra],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _someone_else_writes(table: str) -> bool:
    """Another session holds rows of ``table`` it has written and not committed (a worker's transaction, mid-way)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                       "WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()", [table])
        return cursor.fetchone()[0] > 0


def _kill_once(condition, *, timeout: float, what: str):
    """A worker started and killed with -9 as soon as ``condition()`` holds; returns what it returned."""
    worker = _worker()
    try:
        value = _wait_for(condition, timeout=timeout, what=what)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        return value
    finally:
        if worker.poll() is None:
            worker.kill()


def _run_until(condition, *, timeout: float, what: str):
    """A worker started and stopped (SIGTERM) once ``condition()`` holds; returns what it returned."""
    worker = _worker()
    try:
        return _wait_for(condition, timeout=timeout, what=what)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_a_worker_killed_mid_issue_leaves_whole_certificates_and_another_finishes(settings):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes share the database: PostgreSQL (run with DATABASE_URL=postgres://…)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    readiness_questionnaire()
    world = World(participants=PARTICIPANTS)
    world.program.status = training.ProgramStatus.CLOSED
    world.program.save(update_fields=["status"])
    type(world.enrollments[0]).objects.filter(program=world.program).update(state=training.EnrollmentState.GRADUATED)
    started = services.certificates_issue_all_start(actor=world.manager, program=world.program, now=timezone.now())
    assert started.total == PARTICIPANTS

    issued = _kill_once(lambda: (n := Certificate.objects.filter(enrollment__program=world.program).count()) >= 5 and n,
                        timeout=120, what="the first certificates")
    killed_at = Certificate.objects.filter(enrollment__program=world.program).count()
    assert issued <= killed_at < PARTICIPANTS, "the worker finished before it could be killed: raise PARTICIPANTS"
    task = DBTaskResult.objects.get(task_path__endswith="issue_all_eligible")
    assert task.status == "RUNNING"  # as the killed worker left it

    # Nothing half-written: every certificate that exists is whole, numbers without a gap.
    certificates = list(Certificate.objects.filter(enrollment__program=world.program))
    assert all(c.number and c.payload and c.signature for c in certificates)
    assert sorted(c.sequence for c in certificates) == list(range(1, len(certificates) + 1))
    assert AuditEvent.objects.filter(action="certificate.issued").count() == len(certificates)

    # A worker already running (or started later) notices the silence within SISNAKER_WORKER_DEAD_AFTER.
    _run_until(lambda: DBTaskResult.objects.get(pk=task.pk).status in ("SUCCESSFUL", "FAILED"), timeout=180,
               what="the second worker to finish the abandoned task")
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
    certificates = list(Certificate.objects.filter(enrollment__program=world.program))
    assert len(certificates) == PARTICIPANTS
    assert len({c.enrollment_id for c in certificates}) == PARTICIPANTS  # each participant exactly once
    assert AuditEvent.objects.filter(action="certificate.issued").count() == PARTICIPANTS
    sequences = sorted(c.sequence for c in certificates)
    assert sequences == list(range(sequences[0], sequences[0] + PARTICIPANTS))  # gap-free across the kill
