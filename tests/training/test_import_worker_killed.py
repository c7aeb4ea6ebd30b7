"""A worker killed with -9 in the middle of a large import (issue 14 §4-5), for real: a `sisnaker worker` process
imports a file in the background, is killed once it has written some chunks (its progress is on the job row, its
rows are not yet visible), and leaves nothing: no person, no enrollment, no audit row of the import — its one
transaction died with it. A second worker takes the abandoned task over and imports the whole file once, from the
stored upload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from sisnaker.accounts.models import Person
from sisnaker.core.models import AuditEvent
from sisnaker.training.models import Enrollment, SpreadsheetJob
from sisnaker.training.spreadsheets import jobs
from tests.conftest import TODAY
from tests.core.test_worker_killed import _kill_once, _run_until, _someone_else_writes
from tests.training.test_import import manager_and_institution, program_for, row, xlsx

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions")]

ROWS = 8000  # four chunks of 2,000


def test_a_worker_killed_mid_import_leaves_nothing_and_another_imports_the_whole_file(settings):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes share the database: PostgreSQL (run with DATABASE_URL=postgres://…)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    manager, institution = manager_and_institution()
    program = program_for(institution, quota=10)
    rows = [row(birth=dt.date(1992, 1, 1) + dt.timedelta(days=i % 1800), female=i % 2 == 0) for i in range(ROWS)]
    job = jobs.enrollments_import_start(actor=manager, program=program, file_name="besar.xlsx", data=xlsx(rows),
                                        mode="all_or_nothing", today=TODAY)
    mine = Person.objects.filter(added_by_institution=institution)

    # Mid-import: the job's progress (written through its own connection) says chunks were read, and the import's
    # transaction holds inserted people nobody else can see yet.
    _kill_once(lambda: SpreadsheetJob.objects.get(pk=job.pk).done >= 2000 and _someone_else_writes("accounts_person"), timeout=300,
               what="the import to be half-way")
    job.refresh_from_db()
    assert job.status == "running" and 2000 <= job.done < ROWS, "the worker finished before it could be killed: raise ROWS"

    # Nothing half-written.
    assert not mine.exists() and not Enrollment.objects.filter(program=program).exists()
    assert not AuditEvent.objects.filter(action__in=["enrollment.imported", "person.looked_up", "program.import"]).exists()
    program.refresh_from_db()
    assert program.enrollment_count == 0

    _run_until(lambda: SpreadsheetJob.objects.get(pk=job.pk).finished, timeout=600, what="the second worker to finish the import")
    job.refresh_from_db()
    task = DBTaskResult.objects.get(task_path__endswith="run_spreadsheet_job")
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
    assert job.status == "done" and job.outcome["created"] == ROWS and job.outcome["errors"] == 0
    assert mine.count() == Enrollment.objects.filter(program=program).count() == ROWS  # the whole file, once
    assert AuditEvent.objects.filter(action="program.import", after__job=job.token).count() == 1
    program.refresh_from_db()
    assert program.enrollment_count == ROWS
