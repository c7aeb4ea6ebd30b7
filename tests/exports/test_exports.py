"""Exports at the service level: who may ask for which export, NIK masked per role, only the requester downloads,
progress moves, files read back with python-calamine, expiry and housekeeping, and the pages."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import python_calamine
from django.core.files.storage import default_storage
from django.urls import reverse

from sisnaker.accounts.models import RoleAssignment
from sisnaker.core.errors import Msg, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.exports import registry, services
from sisnaker.exports.models import ExportJob
from sisnaker.regions.nik import mask
from tests.factories import InstitutionFactory, course, staff

SOURCE = "training.participants"


def read_xlsx(data: bytes) -> list[list]:
    return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def run(job: ExportJob) -> ExportJob:
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def download(actor, job: ExportJob) -> bytes:
    _, fh = services.export_file(actor=actor, token=job.token)
    with fh:
        return fh.read()


@pytest.fixture
def c(regions):
    return course(participants=3, names=["Budi Santoso", "Siti Aminah", "=HYPERLINK(\"x\")"])


def niks(c) -> dict[str, str]:
    return {p.full_name: p.nik for p in (type(c.people[0]).objects.filter(pk__in=[p.pk for p in c.people]))}


def export(actor, c, fmt="xlsx", **params):
    job = services.export_request(actor=actor, source=SOURCE, params={"program": c.program.pk, **params}, fmt=fmt)
    return run(job)


# --- who sees what ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "full"), [("manager", True), ("officer", True), ("instructor", False), ("curator", False),
                                           ("officer_province", True)])
def test_nik_masked_unless_the_role_may_see_it(c, who, full):
    actor = {"manager": lambda: c.manager, "instructor": lambda: c.instructor,
             "officer": lambda: staff(Role.REGIONAL_OFFICER, region_code="32.73"),
             "officer_province": lambda: staff(Role.REGIONAL_OFFICER, region_code="32"),
             "curator": lambda: staff(Role.CURATOR)}[who]()
    job = export(actor, c)
    assert job.status == ExportJob.Status.DONE and job.done == 3 and job.nik_visible is full
    sheet = read_xlsx(download(actor, job))
    header = sheet[0]
    assert header[:3] == ["No", "Nama lengkap", "NIK"]
    shown = {r[1]: r[2] for r in sheet[1:]}
    for person in c.people:
        person.refresh_from_db()
        nik = crypto_nik(person)
        assert shown[person.full_name] == (nik if full else mask(nik))


def crypto_nik(person) -> str:
    from sisnaker.core import crypto

    return crypto.decrypt(person.nik_encrypted)


@pytest.mark.parametrize("who", ["manager_other", "citizen", "officer_out", "finance", "plain"])
def test_refused_for_outsiders_and_nothing_recorded(c, who):
    actor = {"manager_other": lambda: staff(Role.INSTITUTION_MANAGER, institution=InstitutionFactory()),
             "citizen": lambda: c.people[0].user, "officer_out": lambda: staff(Role.REGIONAL_OFFICER, region_code="35.78"),
             "finance": lambda: staff(Role.FINANCE_OFFICER), "plain": lambda: staff()}[who]()
    with pytest.raises(PermissionDenied):
        services.export_request(actor=actor, source=SOURCE, params={"program": c.program.pk}, fmt="xlsx")
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action="export.requested").exists()


def test_pending_institution_manager_is_refused(regions):
    c = course(participants=1)
    c.inst.status = "pending"
    c.inst.save(update_fields=["status"])
    manager = type(c.manager).objects.get(pk=c.manager.pk)  # grants loaded again
    with pytest.raises(PermissionDenied):
        services.export_request(actor=manager, source=SOURCE, params={"program": c.program.pk}, fmt="csv")


@pytest.mark.parametrize(("source", "params", "fmt", "error", "field"), [
    ("no.such", {}, "xlsx", ValidationFailed, "source"),
    (SOURCE, {"program": "1"}, "pdf", ValidationFailed, "format"),
    (SOURCE, {"program": "abc"}, "xlsx", ValidationFailed, "program"),
    (SOURCE, {"program": "1; DROP TABLE"}, "xlsx", ValidationFailed, "program"),
    (SOURCE, {"program": "1", "colour": "red"}, "xlsx", ValidationFailed, "colour"),
    (SOURCE, {"program": "999999999"}, "xlsx", NotFound, None),
    (SOURCE, {"program": "99999999999999"}, "xlsx", NotFound, None),
    (SOURCE, {"program": "{program}", "state": "nonsense"}, "xlsx", ValidationFailed, "state"),
    (SOURCE, {}, "xlsx", ValidationFailed, "program"),
])
def test_bad_input_is_a_clear_refusal(c, source, params, fmt, error, field):
    params = {k: (str(c.program.pk) if v == "{program}" else v) for k, v in params.items()}
    with pytest.raises(error) as caught:
        services.export_request(actor=c.manager, source=source, params=params, fmt=fmt)
    assert caught.value.message.id and caught.value.message.en
    if field:
        assert caught.value.field == field


# --- the request, the run, the file ---------------------------------------------------------------------------------

def test_request_is_recorded_and_queued_after_commit(c, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = services.export_request(actor=c.manager, source=SOURCE, params={"program": c.program.pk, "state": "participant"},
                                      fmt="csv")
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.task_id  # the immediate backend ran it on commit
    assert job.expected == 3 and job.done == 3 and job.file_name == f"peserta-program-{c.program.pk}-participant.csv"
    event = AuditEvent.objects.get(action="export.requested", object_id=str(job.pk))
    assert event.actor_id == c.manager.pk and event.after["nik_visible"] is True and event.after["params"]["state"] == "participant"


def test_csv_reads_back_and_never_holds_formulas(c):
    job = export(c.manager, c, fmt="csv")
    rows = read_csv(download(c.manager, job))
    assert rows[0][:3] == ["No", "Nama lengkap", "NIK"] and len(rows) == 4
    names = {r[1] for r in rows[1:]}
    assert "'=HYPERLINK(\"x\")" in names and "Budi Santoso" in names
    assert AuditEvent.objects.filter(action="export.downloaded", object_id=str(job.pk), after__nik_visible=True).exists()


def test_xlsx_keeps_nik_as_text_and_dates_as_dates(c):
    job = export(c.manager, c)
    sheet = read_xlsx(download(c.manager, job))
    header = sheet[0]
    row = sheet[1]
    assert isinstance(row[header.index("NIK")], str) and len(row[header.index("NIK")]) == 16
    assert isinstance(row[header.index("Tanggal lahir")], dt.date)
    assert row[header.index("Status")] == "Peserta"


def test_only_the_requester_downloads(c):
    job = export(c.manager, c)
    colleague = staff(Role.INSTITUTION_MANAGER, institution=c.inst)
    for other in (colleague, staff(Role.ADMIN), c.instructor):
        with pytest.raises(NotFound):
            services.export_file(actor=other, token=job.token)
    assert download(c.manager, job)


def test_download_refused_once_the_role_is_withdrawn(c):
    job = export(c.manager, c)
    RoleAssignment.objects.filter(user=c.manager).update(is_active=False)
    manager = type(c.manager).objects.get(pk=c.manager.pk)
    with pytest.raises(NotFound):
        services.export_file(actor=manager, token=job.token)


def test_run_refuses_when_the_permission_went_away_while_queued(c):
    job = services.export_request(actor=c.manager, source=SOURCE, params={"program": c.program.pk}, fmt="xlsx")
    RoleAssignment.objects.filter(user=c.manager).update(is_active=False)
    job = run(job)
    assert job.status == ExportJob.Status.REFUSED and job.error["en"] and not job.path


def test_unknown_or_malformed_tokens_are_not_found(c):
    for token in ("", "x" * 32, "0" * 32, "../../etc/passwd"):
        with pytest.raises(NotFound):
            services.export_file(actor=c.manager, token=token)


def test_expired_file_is_refused_and_housekeeping_deletes_it(c):
    job = export(c.manager, c)
    assert default_storage.exists(job.path)
    later = job.expires_at + dt.timedelta(seconds=1)
    with pytest.raises(NotFound) as caught:
        services.export_file(actor=c.manager, token=job.token, now=later)
    assert caught.value.code == "export_file_gone"
    assert services.exports_delete_expired(now=job.expires_at - dt.timedelta(seconds=1)) == 0
    assert services.exports_delete_expired(now=later) == 1
    job.refresh_from_db()
    assert job.deleted_at is not None and not default_storage.exists(job.path)
    assert services.exports_delete_expired(now=later) == 0  # once
    assert AuditEvent.objects.filter(action="export.file_deleted", object_id=str(job.pk)).exists()
    with pytest.raises(NotFound):
        services.export_file(actor=c.manager, token=job.token)


def test_housekeeping_runs_the_export_sweep(settings):
    assert "sisnaker.exports.services.exports_delete_expired" in settings.SISNAKER_HOUSEKEEPING


# --- progress ------------------------------------------------------------------------------------------------------

@pytest.fixture
def numbers_source():
    """A source of N generated rows that records, for each row it yields, the job's ``done`` as stored."""
    seen: list[int] = []

    def rows(ctx):
        for i in range(int(ctx.params.get("n", "10"))):
            if i % 5 == 0:
                seen.append(ExportJob.objects.values_list("done", flat=True).get(token=ctx.params["token"]))
            yield (i, f"baris {i}", dt.date(2026, 1, 1) + dt.timedelta(days=i % 300))

    registry.register("tests.numbers", title=Msg("Angka", "Numbers"), action="certificate.register_export",
                      params=("n", "token"), columns=("No", "Teks", "Tanggal"), target=lambda params: None, rows=rows,
                      count=lambda ctx: int(ctx.params.get("n", "10")))
    yield seen
    registry._sources.pop("tests.numbers", None)


def test_progress_moves_while_the_file_is_written(regions, numbers_source, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 5)
    curator = staff(Role.CURATOR)
    job = services.export_request(actor=curator, source="tests.numbers", params={"n": "30", "token": "t"}, fmt="xlsx")
    ExportJob.objects.filter(pk=job.pk).update(params={"n": "30", "token": job.token})
    job = run(job)
    assert numbers_source == [0, 5, 10, 15, 20, 25]  # written every 5 rows, visible while it runs
    assert job.done == 30 and job.expected == 30 and job.percent == 100
    assert len(read_xlsx(download(curator, job))) == 31


# --- pages ---------------------------------------------------------------------------------------------------------

def test_pages_request_progress_download_and_mine(client, c, django_capture_on_commit_callbacks):
    client.force_login(c.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:request"), {"source": SOURCE, "p_program": c.program.pk, "format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:job", args=[job.token])
    page = client.get(reverse("exports:job", args=[job.token]))
    assert page.status_code == 200 and b'id="export-download"' in page.content and b"3 dari 3" in page.content
    fragment = client.get(reverse("exports:job", args=[job.token]), headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b'id="export-job"' in fragment.content
    file = client.get(reverse("exports:download", args=[job.token]))
    assert file.status_code == 200 and file["Content-Disposition"].endswith(f'peserta-program-{c.program.pk}.xlsx"')
    assert len(read_xlsx(b"".join(file.streaming_content))) == 4
    mine = client.get(reverse("exports:mine"))
    assert mine.status_code == 200 and c.program.title.encode() in mine.content


def test_pages_refuse_bad_input_with_a_message_not_a_500(client, c):
    client.force_login(c.manager)
    assert client.post(reverse("exports:request"), {"source": "nope", "format": "xlsx"}).status_code == 400
    assert client.post(reverse("exports:request"), {"source": SOURCE, "p_program": "x", "format": "xlsx"}).status_code == 400
    assert client.post(reverse("exports:request"), {"source": SOURCE, "p_program": c.program.pk, "format": "doc"}).status_code == 400
    assert client.get(reverse("exports:job", args=["nope"])).status_code == 404
    assert client.get(reverse("exports:download", args=["f" * 32])).status_code == 404


def test_manage_page_offers_background_export_and_lpj(client, c):
    client.force_login(c.manager)
    page = client.get(reverse("training:manage", args=[c.program.pk]))
    assert b'data-source="training.participants"' in page.content and b'id="lpj-link"' in page.content
    client.force_login(c.instructor)
    page = client.get(reverse("training:manage", args=[c.program.pk]))
    assert b'data-source="training.participants"' in page.content and b'id="lpj-link"' not in page.content


def test_job_page_is_not_found_for_anyone_else(client, c):
    job = export(c.manager, c)
    client.force_login(staff(Role.INSTITUTION_MANAGER, institution=c.inst))
    assert client.get(reverse("exports:job", args=[job.token])).status_code == 404
    assert client.get(reverse("exports:download", args=[job.token])).status_code == 404
