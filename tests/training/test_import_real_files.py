"""Spreadsheets as offices really send them, found wanting by a review with files made by openpyxl, xlwt,
msoffcrypto and by hand: the KK's own education categories ("DIPLOMA I/II" was saved as D3), a year typed
in the birth-date column (saved as 1905), "-" in every optional cell (refused, the phone as "required"),
invisible characters copied from chats, a CSV with a title line, a row numbering the columns under the
header, a hidden first sheet of dropdown values, an instructions sheet first, and a password-protected
workbook (called "damaged"). Each test fails with its fix removed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import xlsxwriter

from sisnaker.accounts.models import Person
from sisnaker.training.models import Enrollment
from sisnaker.training.spreadsheets import reading
from tests.training.spreadsheets import _dir_entry, xls_bytes
from tests.training.test_import import (
    HEADERS,
    csv_bytes,
    do_import,
    errors_of,
    manager_and_institution,
    nik,
    program_for,
    row,
    xlsx,
)
from tests.training.test_import_office_files import _person

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(regions):
    manager, institution = manager_and_institution()
    return manager, institution, program_for(institution)


COL = {c.key: i for i, c in enumerate(reading.COLUMNS)}


# --- education as the KK (Dukcapil) writes it ------------------------------------------------------

@pytest.mark.parametrize(("written", "level"), [
    ("TIDAK/BELUM SEKOLAH", "none"), ("BELUM TAMAT SD/SEDERAJAT", "none"), ("TAMAT SD/SEDERAJAT", "sd"),
    ("SLTP/SEDERAJAT", "smp"), ("SLTA/SEDERAJAT", "sma"),
    ("DIPLOMA I/II", "d1"),  # D1 or D2: the lower, never D3 as "diplomaiii" read
    ("D-I/II", "d1"), ("D1/D2", "d1"), ("Diploma 2/3", "d2"),
    ("AKADEMI/DIPLOMA III/S. MUDA", "d3"), ("DIPLOMA IV/STRATA I", "d4"), ("STRATA II", "s2"), ("STRATA III", "s3"),
    ("Madrasah Aliyah", "sma"), ("MAN 1", "sma"), ("MTsN 3", "smp"), ("MIN 12", "sd"), ("D3/S1", "d3"),
])
def test_the_kk_education_categories_read_as_their_level(written, level):
    assert reading.parse_education(written) == level


def test_a_manajemen_major_alone_is_not_read_as_a_madrasah():
    with pytest.raises(reading.CellError):
        reading.parse_education("Manajemen")


def test_an_import_with_diploma_i_ii_saves_d1(setup):
    manager, _, program = setup
    r = row(education="DIPLOMA I/II")
    report = do_import(manager, program, xlsx([r]))
    assert report.created == 1
    assert _person(r[COL["nik"]]).education == "d1"


# --- a number in the birth-date column --------------------------------------------------------------

@pytest.mark.parametrize("number", [1995, 28, 1995.0])
def test_a_year_or_an_age_in_the_birth_date_column_is_refused_not_saved_as_1905(setup, number):
    manager, _, program = setup
    report = do_import(manager, program, xlsx([row(birth_date=number)]), mode="valid_only")
    assert report.created == 0
    message = errors_of(report, 2)["birth_date"]
    assert "bukan tanggal lengkap" in message and str(int(number)) in message and ".0" not in message
    assert not Person.objects.exists()


def test_a_date_cell_and_a_serial_from_1920_on_still_read():
    assert reading.parse_date(34928.0) == dt.date(1995, 8, 17)
    assert reading.parse_date(reading.EXCEL_SERIAL_1920) == dt.date(1920, 1, 1)


# --- "-" and other "nothing here" marks in optional cells ---------------------------------------------

@pytest.mark.parametrize("mark", ["-", "—", "N/A", "#N/A", "tidak ada", "Nihil", "."])
def test_nothing_marks_in_the_optional_columns_are_empty_cells(setup, mark):
    manager, _, program = setup
    optional = {c.key: mark for c in reading.COLUMNS if not c.required}
    r = row(female=True, **optional)
    report = do_import(manager, program, xlsx([r]))
    assert report.errors == 0, report.rows[0].errors
    person = _person(r[COL["nik"]])
    # Empty: the phone, e-mail and address; the sex and birth date from the NIK; no disability; an applicant.
    assert (person.phone, person.email, person.address, person.sex, person.has_disability) == ("", "", "", "F", False)
    assert person.birth_date == dt.date(1995, 5, 17)
    assert Enrollment.objects.get(person=person).state == "registered"


def test_a_nothing_mark_in_a_required_column_is_still_an_error(setup):
    manager, _, program = setup
    report = do_import(manager, program, xlsx([row(education="-")]), mode="valid_only")
    assert report.created == 0 and "education" in errors_of(report, 2)


# --- invisible characters ---------------------------------------------------------------------------

def test_invisible_characters_are_dropped_and_names_composed(setup):
    manager, _, program = setup
    value = nik()
    r = row(full_name="Jose\u0301 Ma\u200bruf", birth_date="17 agustus 1995\u200b", birth=dt.date(1995, 8, 17))
    r[COL["nik"]] = "\u200b" + value + "\ufeff"
    report = do_import(manager, program, xlsx([r]))
    assert report.errors == 0, report.rows[0].errors
    assert _person(value).full_name == "José Maruf"  # one "é" (NFC), no zero-width space


# --- CSV with a title line --------------------------------------------------------------------------

@pytest.mark.parametrize("before", ["DAFTAR PESERTA PELATIHAN MENJAHIT, ANGKATAN I", "", "PELATIHAN TEKNIK LAS, MEKANIK, ANGKATAN I"])
def test_a_csv_with_a_title_or_blank_line_before_the_header_is_read_with_its_own_delimiter(setup, before):
    manager, _, program = setup
    r = row(full_name="Budi, S.Kom")
    data = (before + "\r\n").encode() + csv_bytes([r], delimiter=";")
    report = do_import(manager, program, data, name="peserta.csv")
    assert report.created == 1
    assert _person(r[COL["nik"]]).full_name == "Budi, S.Kom"


# --- a row numbering the columns ---------------------------------------------------------------------

@pytest.mark.parametrize("numbers", [[f"({i})" for i in range(1, 13)], list(range(1, 13))])
def test_a_row_numbering_the_columns_under_the_header_is_skipped(setup, numbers):
    manager, _, program = setup
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, numbers)
    sheet.write_row(2, 0, row())
    book.close()
    report = do_import(manager, program, buffer.getvalue())
    assert (report.created, report.errors, report.total) == (1, 0, 1)


def test_numbers_in_a_person_row_are_not_taken_for_column_numbers():
    assert not reading.numbers_the_columns(["1", "3273015705950001", "Budi", "SMA"])
    assert not reading.numbers_the_columns([1, 2])  # two cells: too few to tell
    assert reading.numbers_the_columns(["No", None, None]) is False


# --- which sheet ------------------------------------------------------------------------------------

def _book(first: str, *, hidden: bool, first_rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    ref = book.add_worksheet(first)
    for i, values in enumerate(first_rows):
        ref.write_row(i, 0, values)
    data = book.add_worksheet("Data")
    data.write_row(0, 0, HEADERS)
    data.write_row(1, 0, row())
    data.activate()
    if hidden:
        ref.hide()
    book.close()
    return buffer.getvalue()


def test_a_hidden_first_sheet_of_dropdown_values_is_passed_over(setup):
    manager, _, program = setup
    data = _book("Ref", hidden=True, first_rows=[["SD"], ["SMP"], ["SMA"]])
    assert do_import(manager, program, data).created == 1


def test_an_instructions_sheet_first_is_named_in_the_refusal(setup):
    manager, _, program = setup
    data = _book("Petunjuk", hidden=False, first_rows=[["Isi lembar Data, satu baris per orang."]])
    with pytest.raises(reading.ImportRefused) as refused:
        do_import(manager, program, data)
    assert 'lembar "Petunjuk"' in refused.value.message.id
    assert 'sheet read was "Petunjuk"' in refused.value.message.en


# --- a password --------------------------------------------------------------------------------------

def test_a_password_protected_xlsx_is_said_to_be_protected_not_damaged(setup):
    manager, _, program = setup
    # What Excel's "Encrypt with Password" writes: a compound file holding EncryptionInfo and EncryptedPackage.
    data = bytearray(xls_bytes([HEADERS, row()]))
    directory = 1024  # the directory sector of the test file
    data[directory + 256:directory + 384] = _dir_entry("EncryptionInfo", 2)
    data[directory + 384:directory + 512] = _dir_entry("EncryptedPackage", 2)
    with pytest.raises(reading.ImportRefused) as refused:
        do_import(manager, program, bytes(data), name="peserta.xlsx")
    assert refused.value.code == "import_file_protected"
    assert "kata sandi" in refused.value.message.id


# --- a signature block under the table ---------------------------------------------------------------

def test_a_signature_block_under_the_table_gets_one_clear_message_per_line(setup):
    manager, _, program = setup
    footer = [["", "Bandung, 1 Desember 2026"], ["", "Kepala UPTD BLK Kota Bandung"], ["", "Drs. H. Asep Sunandar, M.Si"]]
    report = do_import(manager, program, xlsx([row(), *footer]), mode="valid_only")
    assert (report.created, report.errors) == (1, 3)
    errors = errors_of(report, 3)
    assert list(errors) == ["nik"]  # one message, not "required" for the NIK, the name and the education
    assert '"Bandung, 1 Desember 2026" (sel B3)' in errors["nik"] and "hapus barisnya" in errors["nik"]


def test_a_person_row_without_its_nik_still_names_each_missing_cell(setup):
    manager, _, program = setup
    report = do_import(manager, program, xlsx([row(nik="")]), mode="valid_only")
    assert "nik" in errors_of(report, 2) and "tanpa NIK" not in errors_of(report, 2)["nik"]


# --- a header split over two rows ---------------------------------------------------------------------

def _two_level(rows: list[list], *, header: list, under: list) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["DAFTAR CALON PESERTA PELATIHAN"])
    sheet.write_row(1, 0, header)
    sheet.write_row(2, 0, under)
    for r, values in enumerate(rows, start=3):
        sheet.write_row(r, 0, values)
    book.close()
    return buffer.getvalue()


def test_tempat_tanggal_lahir_split_over_two_rows_reads_the_date_from_its_own_column(setup):
    manager, _, program = setup
    value = nik(birth=dt.date(1995, 8, 17))
    data = _two_level([[1, value, "Budi Santoso", "Bandung", "17-08-1995", "SMA"]],
                      header=["No", "NIK", "Nama", "Tempat/Tanggal Lahir", "", "Pendidikan"],
                      under=["", "", "", "Tempat", "Tanggal", ""])
    report = do_import(manager, program, data)
    assert (report.created, report.errors) == (1, 0), report.rows[0].errors
    assert _person(value).birth_date == dt.date(1995, 8, 17)
    assert report.rows[0].row == 4  # the sheet's own row number


def test_titles_merged_down_a_two_row_header_are_read_from_its_top_row(setup):
    """Found by trying an official form: "No" and "Pendidikan" merged over two rows beside "Identitas Peserta" over
    "NIK | Nama | Tanggal Lahir" was refused with "Kolom wajib tidak ada: Pendidikan" though the column was there."""
    manager, _, program = setup
    value = nik(birth=dt.date(1995, 8, 17))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Data")
    sheet.merge_range(0, 0, 1, 0, "No")
    sheet.merge_range(0, 1, 0, 3, "Identitas Peserta")
    sheet.merge_range(0, 4, 1, 4, "Pendidikan")
    sheet.merge_range(0, 5, 1, 5, "No HP")
    sheet.write_row(1, 1, ["NIK", "Nama", "Tanggal Lahir"])
    sheet.write_row(2, 0, [1, value, "Budi Santoso", "17-08-1995", "SMK", "081234567890"])
    book.close()
    report = do_import(manager, program, buffer.getvalue())
    assert (report.created, report.errors) == (1, 0), report.rows[0].errors
    person = _person(value)
    assert (person.education, person.birth_date) == ("smk", dt.date(1995, 8, 17))
    assert person.phone == "+6281234567890"
    # Text above a header cell that names no column (a group title) is not taken for one.
    assert reading._with_headers_above(["NIK", "Nama", ""], ["Identitas Peserta", "", "Catatan petugas"]) is None


def test_tick_box_columns_under_a_header_are_left_as_they_were():
    header = ["NIK", "Nama", "Jenis Kelamin", "", "Pendidikan"]
    assert reading._with_subheaders(header, ["", "", "L", "P", ""]) is not None  # each names the sex column…
    with pytest.raises(reading.ImportRefused):
        reading.map_headers(reading._with_subheaders(header, ["", "", "L", "P", ""]))  # …twice: the import keeps the header


def test_a_first_data_row_is_not_taken_for_sub_headers():
    header = ["NIK", "Nama", "Tempat/Tanggal Lahir", "", "Pendidikan"]
    assert reading._with_subheaders(header, ["3273015705950001", "Budi", "Bandung", "17-08-1995", "SMA"]) is None
    assert reading._with_subheaders(header, ["", "Budi Santoso", "Bandung", "", "SMA"]) is None


def test_a_day_that_is_not_in_its_month_says_so():
    with pytest.raises(reading.CellError) as refused:
        reading.parse_date("31/02/1999")
    assert "tidak ada" in refused.value.message.id and "28" in refused.value.message.id
    assert "does not exist" in refused.value.message.en
    with pytest.raises(reading.CellError) as leap:
        reading.parse_date("29-02-2001")
    assert "28" in leap.value.message.id
