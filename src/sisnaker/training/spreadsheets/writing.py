"""The spreadsheets Sisnaker writes: the import template, an import's error file (the refused rows,
re-importable once fixed) and the export of a program's enrollments (.xlsx streamed row by row, or CSV
that no spreadsheet runs as formulas). Pure: rows in, bytes out; the services read the database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import xlsxwriter

# The streamed writers are shared by every export (the exports app); csv_cell and FORMULA_STARTS stay importable
# from here for training's callers and tests.
from sisnaker.exports.writers import FORMULA_STARTS, SheetWriter, csv_cell, csv_chunks  # noqa: F401

from .reading import COLUMN_BY_KEY, COLUMNS, CONTENT_KEYS, REASON_HEADER, RowResult, reason_text


def _workbook(buffer, **options):
    return xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False, **options})


class _ExactNumber(float):
    """A float that XlsxWriter writes with all its digits: it formats numbers with 16 significant
    digits (``.16G``), which changes a value like 3273011705959398.5 (a NIK that is not a whole number
    must stay refused). ``repr`` is the shortest text that reads back as the same float."""

    def __format__(self, spec: str) -> str:
        return repr(float(self)) if spec in (".16g", ".16G") else super().__format__(spec)


def error_file_bytes(headers: list[str], columns: dict[str, int], rows: list[RowResult]) -> bytes:
    """The error rows with their original columns and an "Alasan" column; re-importable once fixed.

    Each cell is written exactly as it was read, with its type: text stays text, a number stays a number
    (all its digits), a date, time or duration stays one. So a NIK that Excel stored as a number (and
    that lost digits) is still a number in the error file and is refused again when re-imported, instead
    of becoming 16 digits of text that look like a valid, but wrong, NIK."""
    width = max(len(headers), max((len(r.cells) for r in rows), default=0))
    writer = ErrorFileWriter(headers, columns, width=width)
    for r in rows:
        writer.add(r)
    return writer.close()


class ErrorFileWriter:
    """``error_file_bytes`` one row at a time (the streaming import): XlsxWriter's constant-memory mode
    flushes each row to a temporary file, so a file of 100,000 refused rows costs no more memory than
    one of ten. ``width`` is the widest row of the file (the "Alasan" column comes after it)."""

    def __init__(self, headers: list[str], columns: dict[str, int], *, width: int) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._book = book = xlsxwriter.Workbook(self._file, {
            "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
        self._sheet = sheet = book.add_worksheet("Baris bermasalah")
        bold = book.add_format({"bold": True, "bg_color": "#FDE68A"})
        text = book.add_format({"num_format": "@"})
        self._kinds = {dt.datetime: book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
                       dt.date: book.add_format({"num_format": "yyyy-mm-dd"}), dt.time: book.add_format({"num_format": "hh:mm:ss"}),
                       dt.timedelta: book.add_format({"num_format": "[h]:mm:ss"})}
        self.width = width = max(width, len(headers))
        headers = list(headers) + [""] * (width - len(headers))
        headers = [h or f"Kolom {i + 1}" for i, h in enumerate(headers)]
        for c in {columns[k] for k in ("nik", "phone", "district") if k in columns}:
            sheet.set_column(c, c, 20, text)  # what the operator types there to fix a row stays text
        sheet.set_column(width, width, 80)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, headers + [REASON_HEADER], bold)
        self.rows = 0

    def add(self, r: RowResult) -> None:
        self.rows += 1
        i, sheet, kinds = self.rows, self._sheet, self._kinds
        for c, value in enumerate(r.cells[:self.width]):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(i, c, value)
            elif isinstance(value, float) and math.isfinite(value):
                sheet.write_number(i, c, _ExactNumber(value))
            elif isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**15:
                sheet.write_number(i, c, value)
            elif isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
                sheet.write_datetime(i, c, value, kinds[dt.datetime if isinstance(value, dt.datetime) else type(value)])
            else:
                sheet.write_string(i, c, value if isinstance(value, str) else str(value))
        sheet.write_string(i, self.width, reason_text(r, at_row=i + 1))

    def close(self) -> bytes:
        """The finished .xlsx (a compressed file: a few tens of bytes per refused row)."""
        self._book.close()
        self._file.seek(0)
        content = self._file.read()
        self._file.close()
        return content

    def discard(self) -> None:
        self._file.close()


EDUCATION_CHOICES = ["SD", "SMP", "SMA", "SMK", "D1", "D2", "D3", "D4", "S1", "S2", "S3"]
DISABILITY_CHOICES = ["Fisik", "Intelektual", "Mental", "Netra", "Rungu", "Wicara", "Ganda"]
EXAMPLE = {"nik": "3273015705950001", "full_name": "Siti Nurhaliza", "birth_date": "1995-05-17", "sex": "P", "education": "SMK",
           "phone": "081234567890", "email": "siti@contoh.id", "address": "Jl. Merdeka No. 10, Bandung", "district": "32.73.01",
           "disability": "tidak", "disability_kind": "", "status": "pendaftar"}
EXAMPLE_ROW = [EXAMPLE[c.key] for c in COLUMNS]


def _other_names(key: str) -> str:
    """Other header names the import recognises for a column (a few, as examples)."""
    col = COLUMN_BY_KEY[key]
    return ", ".join(dict.fromkeys(a.title() if len(a) > 3 else a.upper() for a in col.aliases[:6]))


def instructions() -> list[tuple[str, str]]:
    """The "Petunjuk" sheet: (Indonesian, English) paragraphs. The import's own rules, written out."""
    content = ", ".join(COLUMN_BY_KEY[k].header for k in CONTENT_KEYS)
    content_en = ", ".join(COLUMN_BY_KEY[k].header_en for k in CONTENT_KEYS)
    return [
        ("Petunjuk impor pendaftar/peserta", "How to import applicants/participants"),
        ("Isi satu baris per orang pada lembar \"Data\". Hanya lembar pertama yang tampak yang diimpor; lembar \"Contoh\" dan lembar ini "
         "tidak.", "Fill one row per person in the \"Data\" sheet. Only the first visible sheet is imported; \"Contoh\" and this sheet "
         "are not."),
        ("Kolom wajib: NIK, Nama lengkap, Pendidikan. Format kolom NIK sebagai Teks agar digit tidak hilang.",
         "Required columns: NIK, Full name, Education. Format the NIK column as Text so no digit is lost."),
        (f"Baris kosong: baris dibaca hanya bila salah satu kolom ini terisi: {content}. Baris yang hanya berisi nomor urut "
         "(kolom \"No\"), isian bawaan (Pendidikan, Status, \"tidak\", provinsi), hasil rumus 0 atau kosong, atau spasi "
         "dilewati tanpa pesan galat; jumlahnya disebutkan pada hasil impor.",
         f"Empty rows: a row is read only when one of these columns holds a value: {content_en}. A row holding only a running "
         "number (\"No\" column), pre-filled defaults (education, status, \"tidak\", a province), a formula's 0 or empty "
         "result, or spaces is skipped without an error; the import's result says how many."),
        ("Status: \"pendaftar\" (atau kosong) mencatat pendaftar. \"peserta\" langsung menerimanya sebagai peserta pelatihan, "
         "dengan aturan yang sama seperti menerima di halaman program: hanya selama kuota program masih ada (baris yang "
         "melebihi kuota ditolak). Kata bahasa Inggris juga dikenali: applicant, participant.",
         "Status: \"pendaftar\" (or empty) records an applicant. \"peserta\" accepts the person as a participant directly, "
         "by the same rule as accepting on the program's page: only while the program has seats left (rows beyond the quota "
         "are refused). English words work too: applicant, participant."),
        ("Judul kolom: huruf besar/kecil, tanda baca, spasi ganda, dan baris baru di dalam sel judul tidak berpengaruh. Selain "
         "judul templat, dikenali pula misalnya: No. HP / WA, No HP/WA, HP, WA, No. WhatsApp, No. Telp, Telepon, Nomor HP (No "
         f"HP); {_other_names('full_name')} (Nama lengkap); Tgl Lahir, TTL, Tempat, Tanggal Lahir (Tanggal lahir); "
         f"{_other_names('nik')} (NIK); {_other_names('education')} (Pendidikan); L/P (Jenis kelamin); Email, Surel "
         "(E-mail); Alamat Lengkap (Alamat).",
         "Column headers: case, punctuation, repeated spaces and line breaks inside a header cell do not matter. Besides the "
         "template's headers, for example these are recognised: No. HP / WA, No HP/WA, HP, WA, No. WhatsApp, No. Telp, "
         f"Telepon, Nomor HP (mobile number); {_other_names('full_name')} (full name); Tgl Lahir, TTL, Tempat, Tanggal Lahir "
         f"(birth date); {_other_names('nik')} (NIK); {_other_names('education')} (education); L/P (sex); Email, Surel "
         "(e-mail); Alamat Lengkap (address)."),
        ("Kolom lain (misalnya \"Keterangan\") diabaikan; hasil impor menyebutkan namanya sebagai peringatan, dan impor tetap "
         "berjalan. Kolom \"Tempat lahir\" dikenali tetapi tidak disimpan. Kolom \"No\" (nomor urut) diabaikan tanpa peringatan.",
         "Other columns (\"Keterangan\", say) are ignored; the import's result names them in a warning and the import goes "
         "through. A \"Tempat lahir\" (birth place) column is recognised but not stored. The \"No\" (running number) column "
         "is ignored without a warning."),
        ("Tanggal lahir: 17/08/1995, 17-08-1995, 17/8/1995, 1995-08-17, 17 Agustus 1995, 17 Agt 1995, 17-Agu-1995, 17 Ags 1995, "
         "nama bulan bahasa Inggris (17 August 1995), atau sel tanggal Excel. Tahun harus 4 digit. Tanggal yang mustahil atau "
         "ditulis bulan/hari/tahun ditolak dengan pesan yang menyebut selnya. Kosong: diambil dari NIK.",
         "Birth date: 17/08/1995, 17-08-1995, 17/8/1995, 1995-08-17, 17 Agustus 1995, 17 Agt 1995, 17-Agu-1995, 17 Ags 1995, "
         "English month names (17 August 1995), or an Excel date cell. The year needs 4 digits. An impossible date, or one "
         "written month/day/year, is refused with a message naming its cell. Empty: taken from the NIK."),
        ("Pendidikan: Tidak sekolah / Tidak tamat SD (dicatat \"Tidak/belum sekolah\"), SD, SMP, SMA, SMK, D1-D4, S1-S3; juga "
         "Paket A (SD), Paket B (SMP), Paket C (SMA), SLTP, SLTA, SMU, MA, MTs, MI, D-III, D III, DIII, Diploma III, S-1, S 1, "
         "Strata 1, Sarjana, Magister, Doktor. \"Tidak tamat SMA\" dicatat SMP (jenjang yang ditamatkan).",
         "Education: Tidak sekolah / Tidak tamat SD (recorded as no schooling), SD, SMP, SMA, SMK, D1-D4, S1-S3; also Paket A "
         "(SD), Paket B (SMP), Paket C (SMA), SLTP, SLTA, SMU, MA, MTs, MI, D-III, D III, DIII, Diploma III, S-1, S 1, Strata 1, "
         "Sarjana, Magister, Doktor. \"Tidak tamat SMA\" is recorded as SMP (the level finished)."),
        ("Orang yang sudah terdaftar di Sisnaker hanya dikenali bila nama dan tanggal lahirnya diisi dan cocok.",
         "A person already registered in Sisnaker is recognised only when the name and birth date are filled in and match."),
        ("Cara impor \"semua atau tidak sama sekali\" tidak menyimpan apa pun bila ada baris yang salah; \"hanya baris yang "
         "benar\" menyimpan baris yang benar dan memberikan berkas baris yang salah (dengan kolom Alasan) untuk diperbaiki dan "
         "diimpor ulang. Mengimpor berkas yang sama dua kali tidak mengubah apa pun.",
         "\"All or nothing\" saves nothing when a row is wrong; \"valid rows only\" saves the valid rows and gives back the "
         "wrong ones (with a Reason column) to fix and import again. Importing the same file twice changes nothing."),
    ]
TEMPLATE_ROWS = 5000  # rows prepared with validation and text format


def template_bytes(fmt: str) -> tuple[bytes, str, str]:
    """The import template: (content, content type, file name)."""
    headers = [c.header for c in COLUMNS]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerow(headers)
        return ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", "templat-impor-peserta.csv"
    buffer = io.BytesIO()
    book = _workbook(buffer)
    sheet = book.add_worksheet("Data")
    example = book.add_worksheet("Contoh")
    guide = book.add_worksheet("Petunjuk")
    head = book.add_format({"bold": True, "bg_color": "#DBEAFE", "border": 1, "text_wrap": True, "valign": "top"})
    note = book.add_format({"italic": True, "font_color": "#4B5563", "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    key_col = {c.key: i for i, c in enumerate(COLUMNS)}
    for i, c in enumerate(COLUMNS):
        sheet.write_string(0, i, c.header + (" *" if c.required else ""), head)
        sheet.write_comment(0, i, f"{c.note.id}\n{c.note.en}", {"x_scale": 2, "y_scale": 1.5})
    widths = {"nik": 20, "full_name": 28, "birth_date": 14, "sex": 8, "education": 11, "phone": 16, "email": 24, "address": 32,
              "district": 14, "disability": 11, "disability_kind": 16, "status": 12}
    for key, i in key_col.items():
        fmt_ = text if key in ("nik", "phone", "district") else (date_fmt if key == "birth_date" else None)
        sheet.set_column(i, i, widths[key], fmt_)
    last = TEMPLATE_ROWS
    lists = {"sex": ["L", "P"], "education": EDUCATION_CHOICES, "disability": ["ya", "tidak"],
             "disability_kind": DISABILITY_CHOICES, "status": ["pendaftar", "peserta"]}
    for key, values in lists.items():
        i = key_col[key]
        sheet.data_validation(1, i, last, i, {
            "validate": "list", "source": values, "error_type": "warning",
            "input_title": COLUMNS[i].header[:32], "input_message": COLUMNS[i].note.id[:255],
        })
    i = key_col["nik"]
    sheet.data_validation(1, i, last, i, {"validate": "length", "criteria": "==", "value": 16, "error_type": "warning",
                                          "input_title": "NIK", "input_message": "16 digit, format Teks.",
                                          "error_message": "NIK harus 16 digit."})
    i = key_col["birth_date"]
    sheet.data_validation(1, i, last, i, {"validate": "date", "criteria": "between", "minimum": dt.date(1900, 1, 1),
                                          "maximum": dt.date(2100, 12, 31), "error_type": "warning",
                                          "input_title": "Tanggal lahir", "input_message": "YYYY-MM-DD atau DD/MM/YYYY."})
    sheet.freeze_panes(1, 0)
    # The example sheet: never read by the import (only the first visible sheet is).
    example.write_string(0, 0, "Contoh pengisian (lembar ini tidak diimpor; isi data di lembar \"Data\"). "
                               "Example (this sheet is not imported; fill in the \"Data\" sheet).", note)
    for i, c in enumerate(COLUMNS):
        example.write_string(2, i, c.header + (" *" if c.required else ""), head)
        example.write_string(3, i, EXAMPLE_ROW[i], text)
        example.write_string(4, i, f"{c.note.id}\n{c.note.en}", note)
        example.set_column(i, i, max(widths[c.key], 22))
    example.set_row(4, 90)
    example.write_string(6, 0, "* wajib diisi / required", note)
    # The instructions sheet: Indonesian beside English, one rule per row.
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 13})
    guide.set_column(0, 1, 80, wrap)
    for r, (id_, en) in enumerate(instructions()):
        guide.write_string(r, 0, id_, title if r == 0 else wrap)
        guide.write_string(r, 1, en, title if r == 0 else wrap)
    book.close()
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "templat-impor-peserta.xlsx"


# --- export -------------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "No", "Nama lengkap", "NIK", "Jenis kelamin", "Tanggal lahir", "Pendidikan", "No HP", "E-mail", "Kecamatan domisili",
    "Kabupaten/Kota domisili", "Status", "Hasil", "Susulan", "Alasan susulan", "Sumber", "Terdaftar (WIB)",
]
EXPORT_FORMATS = ("xlsx", "csv")


@dataclass
class Export:
    headers: list[str]
    rows: Iterable[list[Any]]
    file_stem: str
    nik_visible: bool


EXPORT_WIDTHS = [6, 28, 20, 12, 12, 22, 16, 24, 20, 24, 16, 14, 9, 30, 18, 17]


def export_xlsx(export: Export, fileobj) -> None:
    """Write the export to ``fileobj`` (seekable) as an .xlsx, streaming: each row becomes its XML and goes
    straight into the zip's deflate stream (``sisnaker.exports.writers.SheetWriter``, shared by every export),
    so memory stays flat however many rows there are. NIK and phone stay text; dates are Excel dates; nothing
    is ever a formula."""
    with SheetWriter(fileobj, sheet_name="Peserta", widths=EXPORT_WIDTHS) as sheet:
        sheet.header(export.headers)
        for row in export.rows:
            sheet.row(row)


def export_csv_chunks(export: Export, delimiter: str = ",") -> Iterator[str]:
    """CSV text in chunks (for a streaming response), UTF-8 with BOM so Excel reads it right; no cell can
    become a formula (``csv_cell``)."""
    return csv_chunks(export.headers, export.rows, delimiter=delimiter)
