"""Spreadsheets are sized before any cell is loaded (issue 7 §5): hostile .xlsx files written by hand
(a far cell, a declared dimension, a zip bomb, a lying size...) are refused quickly with a clear
message, and the reader is never called; an .xls is read in a limited child process, so one that asks
for billions of cells kills the child, not the worker. Legitimate files still import.

Every refusal test installs a spy in place of the reader: without the limits the spy is reached and the
test fails with its AssertionError (instead of the reader allocating ~100 GB and killing the run)."""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile

import pytest
import python_calamine
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import Person
from sisnaker.core import crypto
from sisnaker.training.models import Enrollment
from sisnaker.training.spreadsheets import reading, sizing
from tests.training.spreadsheets import (
    inline,
    set_declared_size,
    sheet_xml,
    xls_bytes,
    xlsx_package,
)
from tests.training.test_import import (
    HEADERS,
    do_import,
    manager_and_institution,
    nik,
    program_for,
    row,
    xlsx,
)

HEADER_ROW = '<row r="1">' + "".join(inline(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADERS)) + "</row>"


@pytest.fixture
def setup(regions):
    manager, institution = manager_and_institution()
    return manager, institution, program_for(institution)


@pytest.fixture
def no_reader(monkeypatch):
    """The reader must not be reached: it would build the whole declared range in memory."""

    def refuse(*args, **kwargs):
        raise AssertionError("the spreadsheet reached the reader before it was sized")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)


def refused(manager, program, data: bytes, name: str = "bom.xlsx") -> reading.ImportRefused:
    started = time.monotonic()
    with pytest.raises(reading.ImportRefused) as exc:
        do_import(manager, program, data, name=name)
    assert time.monotonic() - started < 5, "refused quickly"
    assert exc.value.message.id and exc.value.message.en
    return exc.value


# --- .xlsx: the sheet's structure ------------------------------------------------------------------

FAR = {
    "a value at XFD200000": sheet_xml(HEADER_ROW + '<row r="200000"><c r="XFD200000"><v>1</v></c></row>'),
    "the same in lower case": sheet_xml(HEADER_ROW + '<row r="200000"><c r="xfd200000"><v>1</v></c></row>'),
    "an empty cell there": sheet_xml(HEADER_ROW + '<row r="200000"><c r="XFD200000"/></row>'),
    "a declared dimension only": sheet_xml(HEADER_ROW, dimension="A1:XFD200000"),
    "a far row, its cell placed without a reference": sheet_xml(HEADER_ROW + '<row r="900000"><c><v>1</v></c></row>'),
    "300 cells without references in one row": sheet_xml(HEADER_ROW + "<row>" + "<c><v>1</v></c>" * 300 + "</row>"),
    "a prefixed element": sheet_xml(HEADER_ROW).replace("</sheetData>", '<x:c xmlns:x="urn:x" r="XFD9"><x:v>1</x:v></x:c></sheetData>'),
    "a reference quoted with apostrophes": sheet_xml(HEADER_ROW + "<row r='2'><c r='ZZ2' foo='a&gt;b'><v>1</v></c></row>"),
    "far too many rows": sheet_xml(HEADER_ROW + '<row r="250000"><c r="A250000"><v>1</v></c></row>'),
}


@pytest.mark.parametrize("sheet", FAR.values(), ids=FAR.keys())
def test_a_sheet_whose_range_is_too_large_is_refused_before_the_reader(setup, no_reader, sheet):
    manager, _, program = setup
    data = xlsx_package(sheet)
    assert len(data) < 5 * 1024  # a few kilobytes that would ask for up to ~3 billion cells
    exc = refused(manager, program, data)
    assert exc.code == "import_sheet_too_large"
    assert "terlalu besar" in exc.message.id and "too large" in exc.message.en
    assert not Enrollment.objects.exists()


def test_too_many_cells_in_a_small_range_are_refused(setup, no_reader, monkeypatch):
    manager, _, program = setup
    monkeypatch.setattr(sizing, "MAX_CELLS", 1000)
    # 1,500 cells written at the same place: the reader keeps each of them.
    exc = refused(manager, program, xlsx_package(sheet_xml(HEADER_ROW + '<row r="2">' + '<c r="A2"><v>1</v></c>' * 1500 + "</row>")))
    assert exc.code == "import_sheet_too_large"


def test_the_first_sheet_is_found_the_way_the_reader_finds_it(setup, no_reader):
    """The bomb is the first sheet under an unusual part name, after an innocent sheet in a comment."""
    manager, _, program = setup
    workbook = ('<?xml version="1.0"?><workbook xmlns:r="urn:r"><!-- <sheet name="x" r:id="rId2"/> --><sheets>'
                '<sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="Kecil" sheetId="2" r:id="rId2"/></sheets></workbook>')
    rels = ('<?xml version="1.0"?><Relationships><Relationship Id="rId1" Target="/xl/worksheets/data.bin"/>'
            '<Relationship Id="rId2" Target="worksheets/sheet1.xml"/></Relationships>')
    data = xlsx_package(sheet_xml(HEADER_ROW), extra={
        "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels,
        "xl/worksheets/data.bin": sheet_xml('<row r="200000"><c r="XFD200000"><v>1</v></c></row>'),
    })
    assert refused(manager, program, data).code == "import_sheet_too_large"


def test_a_doctype_is_refused(setup, no_reader):
    manager, _, program = setup
    sheet = sheet_xml(HEADER_ROW).replace("<worksheet", '<!DOCTYPE w [<!ENTITY a "b">]><worksheet', 1)
    assert refused(manager, program, xlsx_package(sheet)).code == "import_file_corrupt"


# --- .xlsx: the zip --------------------------------------------------------------------------------

def test_a_part_that_inflates_too_much_is_refused(setup, no_reader):
    manager, _, program = setup
    bomb = b"<sst>" + b" " * (40 * 1024 * 1024) + b"</sst>"  # 40 MB that compress to ~40 KB
    data = xlsx_package(sheet_xml(HEADER_ROW), extra={"xl/sharedStrings.xml": bomb})
    assert len(data) < 100 * 1024
    exc = refused(manager, program, data)
    assert exc.code == "import_sheet_too_large" and "mengembang" in exc.message.id


def test_too_much_uncompressed_data_is_refused(setup, no_reader, monkeypatch):
    manager, _, program = setup
    monkeypatch.setattr(sizing, "MAX_UNCOMPRESSED", 1024 * 1024)
    data = xlsx_package(sheet_xml(HEADER_ROW), extra={"xl/media/image1.png": os.urandom(2 * 1024 * 1024)})
    exc = refused(manager, program, data)
    assert exc.code == "import_sheet_too_large" and "MB" in exc.message.id


def test_too_many_parts_are_refused(setup, no_reader, monkeypatch):
    manager, _, program = setup
    monkeypatch.setattr(sizing, "MAX_ZIP_ENTRIES", 10)
    data = xlsx_package(sheet_xml(HEADER_ROW), extra={f"xl/media/p{i}.xml": "<x/>" for i in range(20)})
    assert refused(manager, program, data).code == "import_sheet_too_large"


def test_a_part_bigger_than_it_declares_is_refused(setup, no_reader):
    """A lying size: the directory says 200 bytes, the stream inflates to the far cell."""
    manager, _, program = setup
    sheet = sheet_xml(HEADER_ROW + '<row r="200000"><c r="XFD200000"><v>1</v></c></row>')
    data = set_declared_size(xlsx_package(sheet), "xl/worksheets/sheet1.xml", 200)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size == 200
    assert refused(manager, program, data).code == "import_file_corrupt"


def test_names_equal_but_for_case_and_overlapping_parts_are_refused(setup, no_reader):
    manager, _, program = setup
    twins = xlsx_package(sheet_xml(HEADER_ROW), extra={"XL/WORKSHEETS/SHEET1.XML": sheet_xml("")})
    assert refused(manager, program, twins).code == "import_file_corrupt"
    # Two directory entries pointing at the same compressed bytes.
    data = bytearray(xlsx_package(sheet_xml(HEADER_ROW), extra={"xl/extra.xml": "<x/>"}))
    entries = []
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:
        entries.append(at)
        at += 4
    first_offset = struct.unpack("<I", data[entries[0] + 42:entries[0] + 46])[0]
    data[entries[-1] + 42:entries[-1] + 46] = struct.pack("<I", first_offset)
    assert refused(manager, program, bytes(data)).code == "import_file_corrupt"


def test_an_opendocument_disguised_as_xlsx_is_refused(setup, no_reader):
    manager, _, program = setup
    data = xlsx_package(sheet_xml(HEADER_ROW), extra={"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                                                       "content.xml": "<office:document-content/>"})
    assert refused(manager, program, data).code == "import_file_format"


def test_stored_parts_and_a_real_workbook_still_import(setup):
    manager, _, program = setup
    value = nik()
    cells = "".join(inline(f"{chr(65 + i)}2", v) for i, v in enumerate(row(nik=value)) if v != "")
    data = xlsx_package(sheet_xml(HEADER_ROW + f'<row r="2">{cells}</row>', dimension="A1:K2"), compression=zipfile.ZIP_STORED)
    report = do_import(manager, program, data)
    assert report.created == 1 and Person.objects.filter(nik_index=crypto.blind_index(value, label="nik")).exists()
    assert do_import(manager, program, xlsx([row(), row()]), mode="valid_only").created == 2  # XlsxWriter's files


def test_a_file_at_the_limits_passes_the_checks():
    rows = 2000
    body = HEADER_ROW + "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="K{r}"><v>1</v></c></row>' for r in range(2, rows + 1))
    sizing.check_xlsx(xlsx_package(sheet_xml(body, dimension=f"A1:K{rows}")), limits=sizing.Limits(max_rows=rows))
    with pytest.raises(sizing.SheetRefused):
        sizing.check_xlsx(xlsx_package(sheet_xml(body, dimension=f"A1:K{rows}")), limits=sizing.Limits(max_rows=rows - 1))


# --- .xls: read in a limited child process ----------------------------------------------------------

def test_an_xls_imports_through_the_child_process(setup):
    manager, _, program = setup
    text_nik, number_nik = nik(), nik()
    data = xls_bytes([HEADERS, row(nik=text_nik, full_name="Budi Xls"), row(nik=float(number_nik), full_name="Siti Xls", female=True)])
    report = do_import(manager, program, data, name="lama.xls")
    assert report.created == 2, [(r.row, r.errors) for r in report.rows]
    assert set(Person.objects.filter(full_name__endswith="Xls").values_list("full_name", flat=True)) == {"Budi Xls", "Siti Xls"}


@pytest.mark.parametrize(("extra", "dimension"), [
    ([(65535, 65535, 1.0)], None),  # one value in the last row and column a record can name
    ([], (65536, 65535)),  # a declared dimension alone
])
def test_an_xls_bomb_is_refused_and_the_worker_survives(setup, extra, dimension, monkeypatch):
    manager, _, program = setup
    data = xls_bytes([HEADERS, row()], extra_cells=extra, dimension=dimension)
    assert len(data) < 10 * 1024
    exc = refused(manager, program, data, name="bom.xls")
    assert exc.code == "import_sheet_too_large" and "memori" in exc.message.id
    # This process is still here and reads the next file.
    assert do_import(manager, program, xls_bytes([HEADERS, row()]), name="baik.xls").created == 1


def test_an_xls_that_is_too_large_for_the_limits_is_refused_by_the_child(setup, monkeypatch):
    manager, _, program = setup
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    exc = refused(manager, program, xls_bytes([HEADERS] + [row() for _ in range(20)]), name="banyak.xls")
    assert exc.code == "import_sheet_too_large" and "baris" in exc.message.id


@pytest.mark.parametrize("data", [
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000,  # no valid header: refused without a child process
    xls_bytes([HEADERS])[:1536] + b"\x00" * 3000,  # a valid header over a damaged body: the child says so
])
def test_a_damaged_xls_is_refused(setup, data):
    manager, _, program = setup
    assert refused(manager, program, data, name="rusak.xls").code in ("import_file_corrupt", "import_header_missing", "import_no_rows")


def test_the_child_returns_only_cell_values():
    with pytest.raises(Exception):  # noqa: B017 - any refusal: a pickled object other than cells is never loaded
        sizing._CellsOnly(io.BytesIO(b"cos\nsystem\n(S'true'\ntR.")).load()


# --- CSV --------------------------------------------------------------------------------------------

def test_a_csv_with_too_many_columns_or_cells_is_refused(setup, monkeypatch):
    manager, _, program = setup
    wide = (",".join(HEADERS) + "\n" + "," * 400 + "\n").encode()
    assert refused(manager, program, wide, name="lebar.csv").code == "import_sheet_too_large"
    monkeypatch.setattr(sizing, "MAX_CELLS", 50)
    many = (",".join(HEADERS) + "\n" + "\n".join(",".join(row()) for _ in range(10))).encode()
    assert refused(manager, program, many, name="banyak.csv").code == "import_sheet_too_large"


# --- the page ---------------------------------------------------------------------------------------

def test_the_import_page_answers_a_bomb_with_a_clear_400(client, regions, no_reader):
    manager, institution = manager_and_institution()
    program = program_for(institution, today=timezone.localdate())
    client.force_login(manager)
    upload = io.BytesIO(xlsx_package(FAR["a value at XFD200000"]))
    upload.name = "peserta.xlsx"
    response = client.post(reverse("training:import", args=[program.pk]), {"file": upload, "mode": "valid_only"})
    assert response.status_code == 400 and "Lembar kerja terlalu besar untuk diimpor" in response.content.decode()
