"""Export of a program's enrollments (.xlsx and .csv): NIK masked unless the role may see it,
state filter, WIB times, and clear refusals (403/400 pages, never a 500)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.regions.nik import mask
from sisnaker.training.spreadsheets import writing
from tests.factories import staff
from tests.training.test_import import do_import, manager_and_institution, program_for, read_xlsx, row, xlsx


@pytest.fixture
def program_with_people(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution, today=timezone.localdate())
    rows = [row(full_name="Budi Santoso"), row(full_name="Siti Aminah", female=True, status="peserta")]
    report = do_import(manager, program, xlsx(rows), today=timezone.localdate())
    assert report.created == 2
    return manager, institution, program, {r[1]: r[0] for r in rows}


def _url(program, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("training:export", args=[program.pk]) + (f"?{query}" if query else "")


def _stream(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_manager_sees_full_nik_in_xlsx(client, program_with_people):
    manager, _, program, niks = program_with_people
    client.force_login(manager)
    response = client.get(_url(program, format="xlsx"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = read_xlsx(b"".join(response.streaming_content))
    header = sheet[0]
    assert header[:3] == ["No", "Nama lengkap", "NIK"] and header[-1] == "Terdaftar (WIB)"
    by_name = {r[1]: r for r in sheet[1:]}
    assert by_name["Budi Santoso"][2] == niks["Budi Santoso"]  # text, all 16 digits
    assert by_name["Siti Aminah"][header.index("Status")] == "Peserta"
    assert by_name["Siti Aminah"][header.index("Jenis kelamin")] == "Perempuan"
    assert by_name["Budi Santoso"][header.index("Kecamatan domisili")]
    assert AuditEvent.objects.filter(action="program.export", object_id=str(program.pk), after__nik_visible=True).exists()


def test_instructor_gets_masked_nik_in_csv_and_xlsx(client, program_with_people):
    _, institution, program, niks = program_with_people
    client.force_login(staff(Role.INSTRUCTOR, institution=institution))
    response = client.get(_url(program, format="csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_stream(response))))
    nik_col = rows[0].index("NIK")
    shown = {r[1]: r[nik_col] for r in rows[1:]}
    assert shown == {name: mask(value) for name, value in niks.items()}
    assert all(value not in _stream(client.get(_url(program, format="csv"))) for value in niks.values())
    sheet = read_xlsx(b"".join(client.get(_url(program, format="xlsx")).streaming_content))
    assert {r[2] for r in sheet[1:]} == {mask(v) for v in niks.values()}


def test_state_filter_and_semicolon_csv(client, program_with_people):
    manager, _, program, _ = program_with_people
    client.force_login(manager)
    rows = list(csv.reader(io.StringIO(_stream(client.get(_url(program, format="csv", state="participant", sep=";")))), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["Siti Aminah"]


def test_unknown_state_is_a_clear_400(client, program_with_people):
    manager, _, program, _ = program_with_people
    client.force_login(manager)
    response = client.get(_url(program, format="csv", state="bogus"))
    assert response.status_code == 400 and "tidak dikenal" in response.content.decode()


@pytest.mark.parametrize("who", ["citizen", "other_manager"])
def test_export_is_forbidden_outside_the_institution(client, program_with_people, who):
    _, _, program, _ = program_with_people
    user = staff(Role.CITIZEN) if who == "citizen" else manager_and_institution()[0]
    client.force_login(user)
    response = client.get(_url(program, format="xlsx"))
    assert response.status_code == 403 and "Akses ditolak" in response.content.decode()


def test_anonymous_is_sent_to_login_and_missing_program_is_404(client, program_with_people):
    manager, _, program, _ = program_with_people
    assert client.get(_url(program)).status_code == 302
    client.force_login(manager)
    assert client.get(reverse("training:export", args=[999999])).status_code == 404


DANGEROUS = ['=HYPERLINK("http://contoh.id/x","klik")', "@SUM(A1:A9)", "-2+3*cmd", "+62 812 formula"]


@pytest.fixture
def dangerous_names(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution, today=timezone.localdate())
    report = do_import(manager, program, xlsx([row(full_name=name) for name in DANGEROUS]), today=timezone.localdate())
    assert report.created == len(DANGEROUS)
    return manager, program


def test_csv_cells_never_become_formulas(client, dangerous_names):
    manager, program = dangerous_names
    client.force_login(manager)
    rows = list(csv.reader(io.StringIO(_stream(client.get(_url(program, format="csv"))))))
    names = [r[1] for r in rows[1:]]
    assert sorted(names) == sorted("'" + name for name in DANGEROUS)  # still the names, never formulas
    phones = [r[rows[0].index("No HP")] for r in rows[1:]]
    assert all(not p or p.startswith("'+62") for p in phones)
    for cell in (cell for r in rows for cell in r):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Budi", "Budi"), ("a=b", "a=b"), ("", ""), (7, 7),
])
def test_csv_cell_rule(value, written):
    assert writing.csv_cell(value) == written


def test_the_xlsx_export_writes_such_names_as_text(client, dangerous_names):
    manager, program = dangerous_names
    client.force_login(manager)
    content = b"".join(client.get(_url(program, format="xlsx")).streaming_content)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
    names = [r[1] for r in read_xlsx(content)[1:]]
    assert sorted(names) == sorted(DANGEROUS)  # as they are: text cells
