"""Import error files hold NIKs (issue 7 §5): only managers of the importing institution download them,
a download after 7 days is refused even if the file is still there, and a scheduled task (django.tasks,
``run_after``) plus a sweep delete them — no cron line."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sisnaker.core.errors import NotFound
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.training import tasks
from sisnaker.training.models import ImportErrorFile
from sisnaker.training.spreadsheets import services as spreadsheets
from tests.factories import staff
from tests.training.test_import import manager_and_institution, program_for, read_xlsx, row, xlsx

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def setup(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution, today=timezone.localdate())
    return manager, institution, program


def _upload(data: bytes, name: str = "peserta.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return f


def api_import(client, program) -> str:
    response = client.post(f"/api/v1/training/programs/{program.pk}/import",
                           {"file": _upload(xlsx([row(), row(education="TK")])), "mode": "valid_only"})
    assert response.status_code == 200, response.content
    return response.json()["error_file_url"]


def test_only_managers_of_the_importing_institution_download_it(client, setup):
    manager, institution, program = setup
    client.force_login(manager)
    url = api_import(client, program)
    record = ImportErrorFile.objects.get()
    assert (record.institution_id, record.created_by_id) == (institution.pk, manager.pk)
    assert record.expires_at - record.created_at == dt.timedelta(days=7)
    assert read_xlsx(client.get(url).content)[0][-1] == "Alasan"
    colleague = staff(Role.INSTITUTION_MANAGER, institution=institution)
    client.force_login(colleague)
    assert client.get(url).status_code == 200
    for outsider in (manager_and_institution()[0], staff(Role.INSTRUCTOR, institution=institution), staff(Role.CITIZEN)):
        client.force_login(outsider)
        response = client.get(url)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
        assert b"Alasan" not in response.content
    client.logout()
    assert client.get(url).status_code == 401
    # Another program's address with the right token finds nothing.
    other = program_for(institution, title="Program Lain", today=timezone.localdate())
    client.force_login(manager)
    assert client.get(url.replace(f"/programs/{program.pk}/", f"/programs/{other.pk}/")).status_code == 404
    assert AuditEvent.objects.filter(action="program.import_error_file_downloaded").count() == 2


def test_the_page_link_is_for_the_importing_manager_only(client, setup):
    manager, institution, program = setup
    client.force_login(manager)
    page = client.post(reverse("training:import", args=[program.pk]),
                       {"file": _upload(xlsx([row(), row(sex="?")])), "mode": "valid_only"}).content.decode()
    link = next(part.split('"')[0] for part in page.split('href="')[1:] if "/impor/galat/" in part)
    assert client.get(link).status_code == 200
    for outsider in (manager_and_institution()[0], staff(Role.INSTRUCTOR, institution=institution)):
        client.force_login(outsider)
        assert client.get(link).status_code == 403


def test_a_download_after_seven_days_is_refused_even_if_the_file_is_still_there(client, setup):
    manager, _, program = setup
    client.force_login(manager)
    url = api_import(client, program)
    record = ImportErrorFile.objects.get()
    token = record.token
    week_later = record.expires_at
    with pytest.raises(NotFound) as exc:
        spreadsheets.error_file_open(actor=manager, program=program, token=token, now=week_later)
    assert exc.value.code == "error_file_expired" and "kedaluwarsa" in exc.value.message.id
    assert spreadsheets.error_file_open(actor=manager, program=program, token=token, now=week_later - dt.timedelta(seconds=1))
    ImportErrorFile.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(days=8),
                                                         expires_at=timezone.now() - dt.timedelta(days=1))
    assert default_storage.exists(record.path)  # not deleted yet, still refused
    response = client.get(url)
    assert response.status_code == 404 and response.json()["code"] == "error_file_expired"


def test_each_error_file_schedules_its_own_deletion_and_a_sweep(client, setup, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DB_TASKS
    manager, _, program = setup
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):  # scheduled once the import is committed
        api_import(client, program)
    record = ImportErrorFile.objects.get()
    queued = {r.task_path: r for r in DBTaskResult.objects.all()}
    deletion = queued["sisnaker.training.tasks.delete_import_error_file"]
    assert deletion.run_after == record.expires_at and deletion.args_kwargs["kwargs"] == {"error_file_id": record.pk}
    assert "sisnaker.training.tasks.sweep_import_error_files" in queued
    # Run early, the deletion keeps the file; once it is due, it deletes it.
    assert tasks.delete_import_error_file.call(error_file_id=record.pk) == {"deleted": 0}
    assert default_storage.exists(record.path)
    ImportErrorFile.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(days=8),
                                                         expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert tasks.delete_import_error_file.call(error_file_id=record.pk) == {"deleted": 1}
    record.refresh_from_db()
    assert record.deleted_at is not None and not default_storage.exists(record.path)
    assert AuditEvent.objects.filter(action="program.import_error_file_deleted", actor_label="system").count() == 1
    assert tasks.delete_import_error_file.call(error_file_id=record.pk) == {"deleted": 0}  # done once


def test_the_worker_runs_the_sweep(client, setup, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.TASKS = DB_TASKS
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    manager, _, program = setup
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        api_import(client, program)
        api_import(client, program)
    old, new = ImportErrorFile.objects.order_by("pk")
    ImportErrorFile.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=9),
                                                      expires_at=timezone.now() - dt.timedelta(days=2))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.deleted_at is not None and not default_storage.exists(old.path)
    assert new.deleted_at is None and default_storage.exists(new.path)
    # The deferred deletions wait for their time.
    assert DBTaskResult.objects.filter(task_path__endswith="delete_import_error_file", status="READY").count() == 2


def test_without_a_deferring_backend_the_store_still_works(client, setup):
    manager, _, program = setup  # tests run tasks with the immediate backend, which cannot defer
    client.force_login(manager)
    assert client.get(api_import(client, program)).status_code == 200
