"""The import survives spreadsheets as training institutions really fill them: a running "No" column
numbered far past the data, pre-filled defaults and formulas in empty rows, headers in the office's own
words ("No. HP / WA", "Tgl Lahir", "L/P"), columns the import does not know (named in a warning, in
Indonesian and English, on the page and over the API), dates with Indonesian month names, education
as offices write it, and the Status column placing rows directly as participants within the quota.
Every file here is a real .xlsx written with XlsxWriter."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import xlsxwriter
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import Person
from sisnaker.core import crypto
from sisnaker.core.models import AuditEvent
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment
from tests.training.test_import import HEADERS, do_import, manager_and_institution, nik, program_for, row


def office_xlsx(headers: list[str], rows: list[list], *, formulas: dict[tuple[int, int], tuple[str, object]] | None = None) -> bytes:
    """An .xlsx as an office fills it: ``rows`` below ``headers`` (dates as date cells, numbers as numbers,
    text as text); ``formulas`` maps (data row, column) to (formula, cached result)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, headers)
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date_fmt)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            elif value is not None and value != "":
                sheet.write_string(r, c, value)
    for (r, c), (formula, result) in (formulas or {}).items():
        sheet.write_formula(r + 1, c, formula, None, result)
    book.close()
    return buffer.getvalue()




@pytest.fixture
def setup(regions):
    manager, institution = manager_and_institution()
    return manager, institution, program_for(institution)


def _person(value: str) -> Person:
    return Person.objects.get(nik_index=crypto.blind_index(value, label="nik"))


# --- empty rows -------------------------------------------------------------------------------------

def test_a_numbered_no_column_with_five_filled_rows_imports_five(setup):
    """Thirty numbered rows, five filled, the rest carrying the sheet's defaults: five enrollments, no error."""
    manager, _, program = setup
    filled = [[n, *row()] for n in range(1, 6)]
    defaults = [[n, "", "", "", "", "SMA", "", "", "", "", "tidak", "", "pendaftar"] for n in range(6, 31)]
    report = do_import(manager, program, office_xlsx(["No", *HEADERS], filled + defaults))  # all_or_nothing
    assert (report.total, report.created, report.errors, report.skipped, report.saved) == (5, 5, 0, 25, True)
    assert [r.row for r in report.rows] == [2, 3, 4, 5, 6]
    assert Enrollment.objects.filter(program=program).count() == 5
    summary = AuditEvent.objects.get(action="program.import", object_id=str(program.pk))
    assert summary.after["skipped"] == 25 and summary.after["created"] == 5


def test_formula_results_whitespace_and_a_prefilled_province_are_empty_rows(setup):
    manager, _, program = setup
    headers = ["No", *HEADERS, "Provinsi"]
    rows = [[1, *row(), "Jawa Barat"]]
    rows += [[n, *[""] * len(HEADERS), "Jawa Barat"] for n in range(2, 7)]
    rows[2][2] = "   "  # a name cell holding spaces
    rows[3][1] = "-"  # a dash where the NIK goes
    nik_col, name_col, born_col = 1, 2, 3
    formulas = {(1, nik_col): ("=IF(B2=\"\",0,B2)", 0), (1, name_col): ("=IF(C2=\"\",\"\",C2)", ""),
                (4, born_col): ("=IFERROR(VLOOKUP(B5,Data!B:D,3,0),\"\")", ""), (5, name_col): ("=NA()", "#N/A")}
    report = do_import(manager, program, office_xlsx(headers, rows, formulas=formulas))
    assert (report.created, report.errors, report.skipped) == (1, 0, 5)
    assert [n.code for n in report.notices] == ["import_columns_unknown"]  # the province column itself is named


def test_a_row_with_something_in_an_identifying_column_is_read_and_can_be_wrong(setup):
    """Only empty rows are skipped: a name without a NIK is still an error, naming its cell."""
    manager, _, program = setup
    rows = [[1, *row()], [2, *row(nik="", full_name="Rina Lestari")]]
    report = do_import(manager, program, office_xlsx(["No", *HEADERS], rows))
    assert report.errors == 1 and report.skipped == 0 and not report.saved
    (key, message), = report.rows[1].errors
    assert key == "nik" and "wajib" in message.id and "(sel B3)" in message.id and "(cell B3)" in message.en


# --- headers in the office's own words ---------------------------------------------------------------

def test_office_headers_are_recognised_and_the_phones_of_no_hp_wa_are_kept(setup):
    manager, _, program = setup
    headers = ["No.", "NIK KTP", "Nama\nLengkap", "Tgl. Lahir", "L/P", "Pendidikan Terakhir", "No. HP / WA", "Surel", "Alamat Lengkap"]
    people = [(nik(), "Budi Santoso", "17/05/1995", "L", "SLTA", "0812-3456-7890", "budi@contoh.id", "Jl. Merdeka 10, Bandung"),
              (nik(female=True), "Siti Aminah", "17 Mei 1995", "P", "Paket C", "+62 813 1111 2222", "", "")]
    report = do_import(manager, program, office_xlsx(headers, [[i, *p] for i, p in enumerate(people, start=1)]))
    assert (report.created, report.errors, report.notices) == (2, 0, [])
    budi, siti = _person(people[0][0]), _person(people[1][0])
    assert (budi.phone, budi.email, budi.address, budi.education) == ("+6281234567890", "budi@contoh.id", "Jl. Merdeka 10, Bandung", "sma")
    assert (siti.phone, siti.birth_date, siti.education) == ("+6281311112222", dt.date(1995, 5, 17), "sma")


@pytest.mark.parametrize("header", ["No. HP / WA", "No HP/WA", "HP", "WA", "No. WhatsApp", "No. Telp", "Telepon", "Nomor HP",
                                    "NOMOR  HP\n(aktif)"])
def test_every_common_phone_header_keeps_the_phone(setup, header):
    manager, _, program = setup
    value = nik()
    headers = ["NIK", "Nama Peserta", "Tanggal Lahir", "Jenis Kelamin", "Pendidikan", header]
    report = do_import(manager, program, office_xlsx(headers, [[value, "Budi Santoso", "1995-05-17", "L", "SMA", "081234567890"]]))
    assert report.created == 1 and report.notices == []
    assert _person(value).phone == "+6281234567890"


def test_an_unknown_column_is_named_in_a_warning_and_the_import_goes_through(setup):
    manager, _, program = setup
    headers = [*HEADERS, "Keterangan", "Tempat Lahir", "No"]
    report = do_import(manager, program, office_xlsx(headers, [[*row(), "pindahan", "Bandung", 1]]))
    assert report.saved and report.created == 1 and report.errors == 0
    unknown, not_stored = report.notices
    letter = chr(ord("A") + len(HEADERS))
    assert unknown.code == "import_columns_unknown" and unknown.columns == ["Keterangan"]
    assert f"\"Keterangan\" ({letter})" in unknown.message.id and "tidak dikenali diabaikan" in unknown.message.id
    assert unknown.message.en.startswith("Unrecognised columns were ignored") and f"\"Keterangan\" ({letter})" in unknown.message.en
    assert not_stored.code == "import_columns_not_stored" and not_stored.columns == ["Tempat Lahir"]
    assert "not stored" in not_stored.message.en and "tidak disimpan" in not_stored.message.id
    summary = AuditEvent.objects.get(action="program.import", object_id=str(program.pk))
    assert summary.after["ignored_columns"] == ["Keterangan", "Tempat Lahir"]


# --- dates and education as offices write them --------------------------------------------------------

@pytest.mark.parametrize("written", ["17 Agustus 1995", "17 Agt 1995", "17-Agu-1995", "17 Ags 1995", "17-08-1995", "17/8/1995",
                                     "1995-08-17", "August 17, 1995", "Jakarta, 17 Agustus 1995", dt.date(1995, 8, 17),
                                     float((dt.date(1995, 8, 17) - dt.date(1899, 12, 30)).days)])
def test_birth_dates_as_offices_write_them(setup, written):
    manager, _, program = setup
    value = nik(birth=dt.date(1995, 8, 17))
    report = do_import(manager, program, office_xlsx(HEADERS, [row(nik=value, birth_date=written, birth=dt.date(1995, 8, 17))]))
    assert report.created == 1 and report.warnings == 0, report.rows[0].errors
    assert _person(value).birth_date == dt.date(1995, 8, 17)


@pytest.mark.parametrize(("written", "code", "fragment"), [
    ("31 Februari 1995", "date_invalid", "hanya sampai tanggal 28"), ("8/17/1995", "date_ambiguous", "bulan/hari/tahun"),
    ("17-08-95", "date_invalid", "tahun 4 digit"),
])
def test_impossible_or_ambiguous_dates_name_the_cell(setup, written, fragment, code):
    manager, _, program = setup
    report = do_import(manager, program, office_xlsx(HEADERS, [row(), row(birth_date=written)]))
    assert report.errors == 1 and not report.saved
    message = dict(report.rows[1].errors)["birth_date"]
    assert fragment in message.id and "(sel C3)" in message.id and "(cell C3)" in message.en and written in message.en


@pytest.mark.parametrize(("written", "level"), [
    ("Paket A", "sd"), ("Paket B", "smp"), ("Paket C", "sma"), ("SLTA", "sma"), ("SMU", "sma"), ("MA", "sma"), ("SMK", "smk"),
    ("D-III", "d3"), ("D III", "d3"), ("DIII", "d3"), ("Diploma III", "d3"), ("S-1", "s1"), ("S 1", "s1"), ("Strata 1", "s1"),
    ("Sarjana", "s1"), ("Tidak sekolah", "none"), ("Tidak tamat SD", "none"),
])
def test_education_as_offices_write_it(setup, written, level):
    manager, _, program = setup
    value = nik()
    report = do_import(manager, program, office_xlsx(HEADERS, [row(nik=value, education=written)]))
    assert report.created == 1, report.rows[0].errors
    assert _person(value).education == level


# --- the Status column places rows directly as participants, within the quota ---------------------------

def test_status_words_in_both_languages_place_participants_within_the_quota(regions):
    manager, institution = manager_and_institution()
    program = program_for(institution, quota=2)
    rows = [row(status="Participant"), row(status="Applicant"), row(status="PESERTA"), row(status="peserta")]
    report = do_import(manager, program, office_xlsx(HEADERS, rows), mode="valid_only")
    assert (report.created, report.errors) == (3, 1)
    assert "Kuota" in dict(report.rows[3].errors)["status"].id
    states = sorted(Enrollment.objects.filter(program=program).values_list("state", flat=True))
    assert states == sorted([E.PARTICIPANT, E.PARTICIPANT, E.REGISTERED])


# --- the warning on the page and over the API, in both languages ------------------------------------------

@pytest.fixture
def live(regions):
    manager, institution = manager_and_institution()
    return manager, program_for(institution, today=timezone.localdate())


def _upload(data: bytes):
    f = io.BytesIO(data)
    f.name = "peserta.xlsx"
    return f


def test_the_result_page_shows_the_warning_the_skipped_rows_and_links_back_to_the_program(client, live):
    manager, program = live
    client.force_login(manager)
    url = reverse("training:import", args=[program.pk])
    manage = reverse("training:manage", args=[program.pk])
    assert f'href="{manage}"' in client.get(url).content.decode()
    data = office_xlsx(["No", *HEADERS, "Keterangan"], [[1, *row(), "baru"], [2, *[""] * len(HEADERS), ""]])
    body = client.post(url, {"file": _upload(data), "mode": "all_or_nothing"}).content.decode()
    assert "Kolom yang tidak dikenali diabaikan" in body and "&quot;Keterangan&quot;" in body
    assert "Baris tanpa data peserta dilewati" in body and f'href="{manage}"' in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.post(url, {"file": _upload(data), "mode": "all_or_nothing"}).content.decode()
    assert "Unrecognised columns were ignored" in body and "Import another file" in body


def test_the_api_names_ignored_columns_in_the_callers_language(client, live):
    manager, program = live
    client.force_login(manager)
    url = f"/api/v1/training/programs/{program.pk}/import"
    data = office_xlsx(["No", *HEADERS, "Keterangan"], [[1, *row(), "x"], [2, *[""] * len(HEADERS), ""], [3]])
    body = client.post(url, {"file": _upload(data)}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["created"], body["skipped"]) == (1, 2)  # "No" 2 and 3 hold nothing else
    (warning,) = body["file_warnings"]
    assert warning["code"] == "import_columns_unknown" and warning["columns"] == ["Keterangan"]
    assert warning["message"].startswith("Unrecognised columns were ignored") and "\"Keterangan\"" in warning["message"]
    body = client.post(url, {"file": _upload(data)}, HTTP_ACCEPT_LANGUAGE="id").json()
    assert body["file_warnings"][0]["message"].startswith("Kolom yang tidak dikenali diabaikan")


def test_an_unknown_column_without_data_in_the_rows_read_loses_nothing_and_warns_nothing(setup):
    manager, _, program = setup
    rows = [[*row(), ""], [*[""] * len(HEADERS), "catatan di baris kosong"]]
    report = do_import(manager, program, office_xlsx([*HEADERS, "Catatan"], rows))
    assert (report.created, report.skipped, report.notices) == (1, 1, [])


def test_the_error_file_names_each_cell_where_it_now_is(setup):
    """Row 5 of the upload is row 2 of the error file: its reason names the cell there."""
    from tests.training.test_import import read_xlsx

    manager, _, program = setup
    rows = [row(), row(), row(), row(birth_date="31/02/1995")]
    report = do_import(manager, program, office_xlsx(HEADERS, rows), mode="valid_only")
    assert "(sel C5)" in dict(report.rows[3].errors)["birth_date"].id
    reason = read_xlsx(report.error_file)[1][-1]
    assert "(sel C2)" in reason and "C5" not in reason
