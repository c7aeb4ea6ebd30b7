"""Big files without big memory (issue 14 §4), as a user sees it: a large file is imported by the background
worker and its page ends with the right counts and the error file; a large export is written by the worker
and downloaded from its page, NIK masked as for a small one; the streaming import keeps both modes' promises
across its chunks. (How much memory and time it takes is the benchmarks' business: bench/bench_import.py,
bench/bench_export.py.)"""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import Person
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.regions.nik import mask
from sisnaker.training.models import Enrollment, SpreadsheetJob
from sisnaker.training.spreadsheets import jobs
from sisnaker.training.spreadsheets import services as spreadsheets
from tests.factories import staff
from tests.training.test_import import (
    do_import,
    manager_and_institution,
    nik,
    program_for,
    read_xlsx,
    row,
    xlsx,
)

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture
def small_threshold(settings):
    settings.SISNAKER_SPREADSHEET_BACKGROUND_ROWS = 5


@pytest.fixture
def live(regions):
    manager, institution = manager_and_institution()
    return manager, institution, program_for(institution, today=timezone.localdate(), quota=100)


def _upload(data: bytes, name: str = "peserta.xlsx") -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_a_large_file_is_imported_in_the_background_and_its_page_shows_counts_and_the_error_file(
        client, live, small_threshold, django_capture_on_commit_callbacks):
    manager, _, program = live
    client.force_login(manager)
    bad_nik = nik()
    rows = [row() for _ in range(7)] + [row(nik=bad_nik, education="TK", full_name="Rina Salah")] + [row() for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training:import", args=[program.pk]), {"file": _upload(xlsx(rows)), "mode": "valid_only"})
    job = SpreadsheetJob.objects.get(program=program)
    assert response.status_code == 302 and response.url == reverse("training:spreadsheet_job", args=[program.pk, job.token])
    job.refresh_from_db()
    assert job.kind == "import" and job.status == "done" and job.outcome["created"] == 9 and job.outcome["errors"] == 1
    assert Enrollment.objects.filter(program=program).count() == 9
    assert not default_storage.exists(job.path), "the upload (NIKs) is deleted once imported"
    assert AuditEvent.objects.filter(action="program.import_queued", after__job=job.token).exists()
    assert AuditEvent.objects.get(action="program.import", object_id=str(program.pk)).after["job"] == job.token

    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200 and 'data-finished="1"' in body and "9 pendaftaran disimpan" in body
    link = next(part.split('"')[0] for part in body.split('href="')[1:] if "/impor/galat/" in part)
    sheet = read_xlsx(client.get(link).content)
    assert sheet[0][-1] == "Alasan" and len(sheet) == 2 and sheet[1][0] == bad_nik and "Pendidikan" in sheet[1][-1]


def test_a_large_file_with_a_wrong_row_in_all_or_nothing_mode_saves_nothing(client, live, small_threshold,
                                                                              django_capture_on_commit_callbacks):
    manager, _, program = live
    client.force_login(manager)
    before = (Person.objects.count(), Enrollment.objects.count())
    rows = [row() for _ in range(8)] + [row(sex="?")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training:import", args=[program.pk]), {"file": _upload(xlsx(rows)), "mode": "all_or_nothing"})
    job = SpreadsheetJob.objects.get(program=program)
    assert job.outcome["saved"] is False and job.outcome["errors"] == 1 and job.outcome["valid_not_saved"] == 8
    assert (Person.objects.count(), Enrollment.objects.count()) == before
    assert "Tidak ada yang disimpan" in client.get(response.url).content.decode()


def test_a_large_file_refused_as_a_whole_says_why_on_its_page(client, live, small_threshold, django_capture_on_commit_callbacks):
    manager, _, program = live
    client.force_login(manager)
    headers = ["Nama lengkap", "Pendidikan"] + ["x"] * 3
    csv_text = "NIK;" + ";".join(headers) + "\n" + "\n".join(";;;;;" for _ in range(10))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training:import", args=[program.pk]),
                               {"file": _upload(csv_text.encode(), "peserta.csv"), "mode": "valid_only"})
    job = SpreadsheetJob.objects.get(program=program)
    assert job.status == "refused" and job.outcome["refused"]["code"] == "import_no_rows"
    assert "tidak berisi baris data" in client.get(response.url).content.decode()


def test_a_job_is_shown_only_to_whoever_started_it(client, live, small_threshold, django_capture_on_commit_callbacks):
    manager, institution, program = live
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enrollments_import_start(actor=manager, program=program, file_name="p.xlsx", data=xlsx([row() for _ in range(6)]),
                                            mode="valid_only", today=timezone.localdate())
    url = reverse("training:spreadsheet_job", args=[program.pk, job.token])
    client.force_login(ManagerOfSame(institution))
    assert client.get(url).status_code == 404
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert client.get(reverse("training:spreadsheet_job", args=[program.pk, "0" * 32])).status_code == 404


def ManagerOfSame(institution):  # noqa: N802 - reads as a noun in the test above
    return staff(Role.INSTITUTION_MANAGER, institution=institution)


def test_a_large_export_is_written_in_the_background_and_downloaded_from_its_page_with_niks_masked(
        client, live, settings, django_capture_on_commit_callbacks):
    manager, institution, program = live
    do_import(manager, program, xlsx([row() for _ in range(12)]), mode="valid_only", today=timezone.localdate())
    settings.SISNAKER_SPREADSHEET_BACKGROUND_ROWS = 10
    instructor = staff(Role.INSTRUCTOR, institution=institution)
    program.instructors.add(instructor)
    client.force_login(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("training:export", args=[program.pk]) + "?format=xlsx")
    job = SpreadsheetJob.objects.get(program=program, kind="export")
    assert response.status_code == 302 and job.status == "done" and job.outcome["rows"] == 12
    page = client.get(response.url).content.decode()
    assert "Ekspor selesai: 12 baris" in page
    download = client.get(reverse("training:spreadsheet_job_download", args=[program.pk, job.token]))
    sheet = read_xlsx(b"".join(download.streaming_content))
    assert len(sheet) == 13 and sheet[0][2] == "NIK"
    niks = {p.nik for p in Person.objects.filter(enrollments__program=program)}
    assert {r[2] for r in sheet[1:]} == {mask(n) for n in niks} != niks
    assert AuditEvent.objects.filter(action="program.export_downloaded", after__job=job.token).exists()
    # Past its hours the file is refused (and the sweep deletes it).
    SpreadsheetJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timezone.timedelta(seconds=1),
                                                    created_at=timezone.now() - timezone.timedelta(days=2))
    assert client.get(reverse("training:spreadsheet_job_download", args=[program.pk, job.token])).status_code == 404
    assert jobs.spreadsheet_jobs_delete_expired() == 1 and not default_storage.exists(job.path)


def test_the_manager_export_keeps_full_niks_in_the_background_too(live, settings, django_capture_on_commit_callbacks):
    manager, _, program = live
    do_import(manager, program, xlsx([row() for _ in range(3)]), mode="valid_only", today=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enrollments_export_start(actor=manager, program=program, fmt="csv")
    job.refresh_from_db()
    with default_storage.open(job.path, "rb") as fh:
        text = fh.read().decode("utf-8-sig")
    niks = {p.nik for p in Person.objects.filter(enrollments__program=program)}
    assert job.outcome["nik_visible"] is True and all(n in text for n in niks)


# --- the streaming import across its chunks ----------------------------------------------------------

@pytest.fixture
def chunks_of_two(monkeypatch):
    monkeypatch.setattr(spreadsheets, "IMPORT_CHUNK", 2)


def test_all_or_nothing_with_a_wrong_row_in_a_later_chunk_saves_nothing_but_keeps_the_lookups(live, chunks_of_two):
    manager, _, program = live
    before = (Person.objects.count(), Enrollment.objects.count())
    report = do_import(manager, program, xlsx([row() for _ in range(5)] + [row(sex="?")]), today=timezone.localdate())
    assert not report.saved and report.created == 0 and report.errors == 1 and report.valid_not_saved == 5
    assert [r.status for r in report.rows] == ["valid"] * 5 + ["error"]
    assert (Person.objects.count(), Enrollment.objects.count()) == before
    assert AuditEvent.objects.filter(action="person.looked_up", after__outcome="not_found").count() == 5
    assert not AuditEvent.objects.filter(action__startswith="enrollment.").exists()
    assert AuditEvent.objects.filter(action="program.import_refused").count() == 1
    program.refresh_from_db()
    assert program.enrollment_count == 0


def test_valid_only_across_chunks_finds_duplicates_and_counts_match(live, chunks_of_two):
    manager, _, program = live
    first = nik()
    rows = [row(nik=first), row(), row(), row(nik=first, full_name="Orang Lain"), row(education="TK"), row()]
    report = do_import(manager, program, xlsx(rows), mode="valid_only", today=timezone.localdate())
    assert (report.total, report.created, report.errors) == (6, 4, 2)
    assert "baris 2" in dict((k, m.id) for k, m in next(r for r in report.rows if r.row == 5).errors)["nik"]
    assert [r[-1][:3] for r in read_xlsx(report.error_file)[1:]] == ["NIK", "Pen"]
    program.refresh_from_db()
    assert program.enrollment_count == Enrollment.objects.filter(program=program).count() == 4
    again = do_import(manager, program, xlsx(rows[:3]), mode="valid_only", today=timezone.localdate())
    assert (again.created, again.unchanged) == (0, 3)
