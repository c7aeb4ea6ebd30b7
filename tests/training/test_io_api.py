"""The import/export API under /api/v1/training/programs/{id}/: report JSON, error file, refusals as
{code, message} with 400/403, export with masking."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from sisnaker.core.roles import Role
from sisnaker.regions.nik import mask
from sisnaker.training.models import Enrollment
from tests.factories import staff
from tests.training.test_import import manager_and_institution, program_for, read_xlsx, row, xlsx


@pytest.fixture
def setup(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution, today=timezone.localdate())
    return manager, institution, program


def _upload(data: bytes, name: str = "peserta.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_import_returns_the_report_and_error_file(client, setup):
    manager, _, program = setup
    client.force_login(manager)
    good = row(full_name="Budi Santoso")
    url = f"/api/v1/training/programs/{program.pk}/import"
    response = client.post(url, {"file": _upload(xlsx([good, row(education="TK")])), "mode": "valid_only"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["errors"], body["saved"], body["total"]) == (1, 1, True, 2)
    error_row = next(r for r in body["rows"] if r["status"] == "error")
    assert error_row["row"] == 3 and error_row["errors"][0]["column"] == "education"
    assert error_row["errors"][0]["header"] == "Pendidikan" and error_row["nik_masked"].count("*") == 8
    download = client.get(body["error_file_url"])
    assert download.status_code == 200 and read_xlsx(download.content)[0][-1] == "Alasan"
    # Re-import: nothing new; only problem rows listed when asked.
    again = client.post(url, {"file": _upload(xlsx([good])), "mode": "all_or_nothing", "rows": "problems"}).json()
    assert (again["created"], again["unchanged"], again["rows"], again["error_file_url"]) == (0, 1, [], None)
    assert Enrollment.objects.filter(program=program).count() == 1


def test_all_or_nothing_over_the_api_saves_nothing(client, setup):
    manager, _, program = setup
    client.force_login(manager)
    body = client.post(f"/api/v1/training/programs/{program.pk}/import",
                       {"file": _upload(xlsx([row(), row(sex="X")]))}).json()
    assert body["saved"] is False and body["created"] == 0 and body["errors"] == 1
    assert not Enrollment.objects.filter(program=program).exists()


def test_refused_file_is_400_with_code_and_message(client, setup):
    manager, _, program = setup
    client.force_login(manager)
    response = client.post(f"/api/v1/training/programs/{program.pk}/import",
                           {"file": _upload(b"NIK;Nama lengkap\n1;2\n", "x.csv"), "mode": "valid_only"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_columns_missing" and "Pendidikan" in body["message"]


def test_import_forbidden_for_instructor_and_404_for_missing_program(client, setup):
    _, institution, program = setup
    client.force_login(staff(Role.INSTRUCTOR, institution=institution))
    response = client.post(f"/api/v1/training/programs/{program.pk}/import", {"file": _upload(xlsx([row()]))})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert client.post("/api/v1/training/programs/999999/import", {"file": _upload(xlsx([row()]))}).status_code == 404


def test_anonymous_import_is_401(client, setup):
    _, _, program = setup
    assert client.post(f"/api/v1/training/programs/{program.pk}/import", {"file": _upload(xlsx([row()]))}).status_code == 401


def test_export_over_the_api_masks_for_instructor(client, setup):
    manager, institution, program = setup
    value = row()
    client.force_login(manager)
    client.post(f"/api/v1/training/programs/{program.pk}/import", {"file": _upload(xlsx([value]))})
    full = client.get(f"/api/v1/training/programs/{program.pk}/export?format=csv")
    assert full.status_code == 200 and value[0] in b"".join(full.streaming_content).decode("utf-8-sig")
    client.force_login(staff(Role.INSTRUCTOR, institution=institution))
    masked = client.get(f"/api/v1/training/programs/{program.pk}/export?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(masked.streaming_content).decode("utf-8-sig"))))
    assert rows[1][2] == mask(value[0])
    xlsx_response = client.get(f"/api/v1/training/programs/{program.pk}/export?format=xlsx")
    assert read_xlsx(b"".join(xlsx_response.streaming_content))[1][2] == mask(value[0])
    assert client.get(f"/api/v1/training/programs/{program.pk}/export?format=pdf").status_code in (400, 422)


# --- big files over the API: background jobs --------------------------------------------------------

def test_a_large_file_over_the_api_is_imported_in_the_background_and_followed(client, setup, settings,
                                                                               django_capture_on_commit_callbacks):
    manager, institution, program = setup
    settings.SISNAKER_SPREADSHEET_BACKGROUND_ROWS = 5
    client.force_login(manager)
    rows = [row() for _ in range(7)] + [row(education="TK")]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/api/v1/training/programs/{program.pk}/import", {"file": _upload(xlsx(rows)), "mode": "valid_only"})
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["kind"] == "import" and job["status"] == "queued" and job["report"] is None and job["expected"] >= 8
    assert not Enrollment.objects.filter(program=program).exists()
    assert client.get(job["url"]).json()["status"] == "queued"
    for callback in queued:  # the worker
        callback()
    done = client.get(job["url"]).json()
    assert done["status"] == "done" and done["report"]["created"] == 7 and done["report"]["errors"] == 1
    assert Enrollment.objects.filter(program=program).count() == 7
    errors = client.get(done["error_file_url"])
    assert errors.status_code == 200 and read_xlsx(errors.content)[0][-1] == "Alasan"
    # Only whoever started it sees it.
    client.force_login(staff(Role.INSTITUTION_MANAGER, institution=institution))
    assert client.get(job["url"]).status_code == 404


def test_a_large_file_refused_as_a_whole_says_why_over_the_api(client, setup, settings, django_capture_on_commit_callbacks):
    manager, _, program = setup
    settings.SISNAKER_SPREADSHEET_BACKGROUND_ROWS = 5
    client.force_login(manager)
    text = "NIK;Nama lengkap\n" + "\n".join(f"{i};Nama {i}" for i in range(10))
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post(f"/api/v1/training/programs/{program.pk}/import",
                          {"file": _upload(text.encode(), "x.csv"), "mode": "valid_only"}).json()
    client.cookies["sisnaker_lang"] = "en"
    refused = client.get(job["url"]).json()
    assert refused["status"] == "refused" and "Pendidikan" not in refused["refused"] and "column" in refused["refused"].lower()


def test_an_export_of_any_size_can_be_queued_over_the_api(client, setup, django_capture_on_commit_callbacks):
    manager, institution, program = setup
    client.force_login(manager)
    client.post(f"/api/v1/training/programs/{program.pk}/import", {"file": _upload(xlsx([row() for _ in range(3)])), "mode": "valid_only"})
    instructor = staff(Role.INSTRUCTOR, institution=institution)
    program.instructors.add(instructor)
    client.force_login(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/training/programs/{program.pk}/export-jobs?format=csv&sep=;")
    assert response.status_code == 202, response.content
    job = client.get(response.json()["url"]).json()
    assert job["status"] == "done" and job["report"]["rows"] == 3 and job["report"]["nik_visible"] is False
    text = b"".join(client.get(job["file_url"]).streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    niks = {e.person.nik for e in Enrollment.objects.filter(program=program).select_related("person")}
    assert len(lines) == 4 and {line[2] for line in lines[1:]} == {mask(n) for n in niks}
    assert client.post(f"/api/v1/training/programs/{program.pk}/export-jobs?state=nonsense").status_code == 400
    client.force_login(manager)
    assert client.get(job["url"]).status_code == 404 and client.get(job["file_url"]).status_code == 404
