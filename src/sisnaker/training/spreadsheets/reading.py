"""Reading and validating an applicant/participant file (.xlsx, .xls, .csv). Pure: no ORM, no clock
(``today`` is passed in); region codes come from the in-memory registry through ``nik.parse``.

The service (``spreadsizing.services.enrollments_import``) adds what needs the database: existing people,
existing enrollments, schedule clashes, districts, quota.

Decisions:

* **Formats** are recognised by their first bytes, not the file name: ``PK`` → .xlsx (zip),
  ``D0 CF 11 E0`` → .xls (OLE), anything else is read as CSV. An .xlsx as spreadsheet programs write it is
  read as it inflates (``streaming``: the same values as python-calamine, in memory that does not grow with the
  cells); any other .xlsx, and every .xls, by python-calamine. Only the first sheet that is not hidden is read
  (the template's example sheet comes second; a hidden first sheet usually holds a dropdown's values).
* **Size before cells** (``sizing``): an .xlsx is sized from its zip directory and its first sheet's
  XML (rows, columns, cells) before the reader sees it; an .xls is read in a child process with a
  memory limit; a CSV is bounded by its delimiters.
* **CSV**: UTF-8 with or without BOM, else cp1252 (which Excel "Save as CSV" writes on Windows),
  else latin-1 (never fails). The delimiter (``,`` ``;`` or tab) is the one most frequent in the
  header line.
* **Header**: the first of the first 10 rows that names the NIK column. Matching ignores case,
  spacing, line breaks, punctuation and anything in parentheses or after ``*``; Indonesian and English
  names are both known: exact names (``HEADER_ALIASES``), else the one column whose words a header is
  made of (``HEADER_WORDS``: "No. HP / WA" → phone, "Tempat, Tgl Lahir" → birth date). Unknown columns
  are ignored and named in a warning (``Table.notices``; kept in the error file); so is "Tempat lahir",
  recognised but with no field to store it in. The running number ("No") and "Alasan" pass silently.
* **Empty rows**: a row is read only when one of ``CONTENT_KEYS`` (NIK, name, birth date, phone,
  e-mail) holds something (not blank, not "-", not a formula's 0, FALSE or "#N/A"). A row holding only
  a running number or pre-filled defaults is skipped without an error (``Table.skipped`` counts them).
* **NIK as a number**: calamine returns every numeric cell as a float. A whole number of 16 digits
  below 2**53 is exact and is read back as its digits, unless its last digit is 0: Excel keeps only
  15 significant digits of a typed number, so a trailing 0 may be a lost digit and the row is
  refused with the advice to format the column as Text. A value in scientific notation (cell or
  text, "3,27302E+15") has lost digits for sure.
* **Dates** (``parse_date``): an Excel date cell or serial number, ``YYYY-MM-DD``, ``DD/MM/YYYY`` (also
  ``-``, ``.``), Indonesian or English month names and abbreviations ("17 Agustus 1995", "17-Agt-1995",
  "August 17, 1995"), an optional time part. A 2-digit year and a visible month/day/year order are
  refused. An empty birth date or sex is taken from the NIK. A cell's error names the cell ("sel C5").
* **Education** (``parse_education``): levels as offices write them ("Paket C", "SLTA", "D-III",
  "Strata 1", "SMKN 2 Bandung"); "Tidak sekolah"/"Tidak tamat SD" is the record's lowest level, ``none``.
* Every cell parser raises only :class:`CellError`; file-level refusals are :class:`ImportRefused`.
  Both are :class:`ImportProblem` (a ``ValidationFailed``), so callers catch one type.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
import io
import itertools
import logging
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from sisnaker.accounts.codes import Code as AccountCode
from sisnaker.accounts.domain import normalize_phone
from sisnaker.core.errors import Msg, ValidationFailed
from sisnaker.regions import nik as nik_rules

from ..codes import Code
from . import sizing, streaming

logger = logging.getLogger(__name__)
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
HEADER_SEARCH_ROWS = 10


class ImportProblem(ValidationFailed):
    """Base of every refusal raised by this module."""


class ImportRefused(ImportProblem):
    """The whole file is refused (format, size, missing columns)."""


class CellError(ImportProblem):
    """One cell cannot be read; ``field`` is the column key."""


# --- columns ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str  # as written in the template (Indonesian)
    header_en: str
    required: bool
    note: Msg
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("nik", "NIK", "NIK", True,
           Msg("16 digit sesuai KTP/KK. Format kolom sebagai Teks agar digit tidak hilang.",
               "16 digits as on the KTP/KK. Format the column as Text so no digit is lost."),
           ("nomor induk kependudukan", "no nik", "nomor nik", "national id", "id number", "nik ktp")),
    Column("full_name", "Nama lengkap", "Full name", True,
           Msg("Sesuai KTP.", "As on the ID card."), ("nama", "nama peserta", "nama pendaftar", "name", "full name")),
    Column("birth_date", "Tanggal lahir", "Birth date", False,
           Msg("YYYY-MM-DD atau DD/MM/YYYY. Kosong: diambil dari NIK (orang yang sudah terdaftar hanya dikenali bila nama dan "
               "tanggal lahirnya diisi dan cocok).",
               "YYYY-MM-DD or DD/MM/YYYY. Empty: taken from the NIK (a person already registered is recognised only when the "
               "name and birth date are filled in and match)."),
           ("tgl lahir", "tanggal lahir", "birth date", "date of birth", "dob", "birthdate")),
    Column("sex", "Jenis kelamin", "Sex", False,
           Msg("L atau P. Kosong: diambil dari NIK.", "L (male) or P (female). Empty: taken from the NIK."),
           ("jk", "l p", "jenis kelamin", "kelamin", "sex", "gender")),
    Column("education", "Pendidikan", "Education", True,
           Msg("SD, SMP, SMA, SMK, D1-D4, S1-S3 (atau namanya).", "SD, SMP, SMA, SMK, D1-D4, S1-S3 (or the name)."),
           ("pendidikan terakhir", "pendidikan", "education", "education level", "jenjang pendidikan")),
    Column("phone", "No HP", "Mobile number", False,
           Msg("Boleh kosong; bila diisi harus nomor seluler Indonesia (08...).", "Optional; an Indonesian mobile number (08...)."),
           ("nomor hp", "no handphone", "hp", "telepon", "no telepon", "no telp", "phone", "mobile", "mobile number", "whatsapp", "no wa")),
    Column("email", "E-mail", "E-mail", False, Msg("Boleh kosong.", "Optional."), ("email", "surel", "alamat email", "e mail")),
    Column("address", "Alamat", "Address", False,
           Msg("Boleh kosong; paling panjang 300 karakter.", "Optional; at most 300 characters."),
           ("alamat", "alamat lengkap", "alamat rumah", "alamat domisili", "alamat ktp", "alamat sesuai ktp", "address",
            "home address", "alamat tempat tinggal")),
    Column("district", "Kode kecamatan domisili", "Domicile district code", False,
           Msg("Contoh 32.73.01 atau 327301. Kosong: kecamatan pada NIK.", "E.g. 32.73.01 or 327301. Empty: the NIK's district."),
           ("kode kecamatan", "kecamatan domisili", "kode kecamatan domisili", "domicile district", "district code",
            "domicile district code", "kode wilayah domisili")),
    Column("disability", "Disabilitas", "Disability", False, Msg("ya atau tidak (kosong = tidak).", "yes or no (empty = no)."),
           ("penyandang disabilitas", "disabilitas", "disability", "difabel")),
    Column("disability_kind", "Jenis disabilitas", "Disability kind", False,
           Msg("Fisik, Intelektual, Mental, Netra, Rungu, Wicara, Ganda.", "Physical, intellectual, mental, sight, hearing, speech, multiple."),
           ("jenis disabilitas", "disability kind", "disability type", "ragam disabilitas")),
    Column("status", "Status", "Status", False,
           Msg("pendaftar atau peserta (kosong = pendaftar).", "applicant or participant (empty = applicant)."),
           ("status", "state", "status pendaftaran")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REASON_HEADER = "Alasan"

# A row is read only when one of these columns holds a value: they say who the row is about. Every other
# column (the running number "No", Pendidikan, Jenis kelamin, Status, Disabilitas, the district code,
# the address, unknown columns) may be pre-filled down the whole sheet, and a row with nothing else is an
# empty row: skipped without a word (``row_has_content``).
CONTENT_KEYS: tuple[str, ...] = ("nik", "full_name", "birth_date", "phone", "email")

# Columns offices add that Sisnaker reads past on purpose: the running number and the error file's reason.
SILENT_HEADERS = frozenset({"no", "nomor", "nomer", "nmr", "nourut", "nomorurut", "urut", "number", "num", "nr", "alasan",
                            "reason"})
# Columns recognised but not stored (the person record has no such field): named in a warning of their own.
NOT_STORED: dict[str, Msg] = {"birth_place": Msg("Tempat lahir", "Birth place")}


def _norm_header(value: Any) -> str:
    """Letters and digits of a header cell, lower case, words separated by one space: case, punctuation,
    spaces and line breaks do not count; nor does anything in parentheses or after ``*`` (a hint or the
    template's "required" mark)."""
    text = "" if value is None else str(value)
    text = re.sub(r"\(.*?\)", " ", text, flags=re.DOTALL).split("*", 1)[0]
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


# Exact names (compared without spaces, so "No HP", "NoHP" and "No. HP" are one name).
HEADER_ALIASES: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.header, _c.header_en, _c.key, *_c.aliases):
        HEADER_ALIASES.setdefault(_norm_header(_name).replace(" ", ""), _c.key)
HEADER_ALIASES.update({"tgllhr": "birth_date", "ttl": "birth_date", "tempattanggallahir": "birth_date",
                       "tempattgllahir": "birth_date", "dob": "birth_date", "tempatlahir": "birth_place",
                       "tmptlahir": "birth_place", "tmplahir": "birth_place", "birthplace": "birth_place",
                       "placeofbirth": "birth_place"})


@dataclass(frozen=True, slots=True)
class _Words:
    """A header names the column when every word of it is one of ``words`` and it has a word of each
    set in ``required`` ("No. HP / WA aktif" → phone; "Nama ibu kandung" → nothing: "ibu" is no word
    of a name header)."""

    words: frozenset[str]
    required: tuple[frozenset[str], ...]


def _words(words: str, *required: str) -> _Words:
    needed = tuple(frozenset(r.split()) for r in required)
    return _Words(frozenset(words.split()).union(*needed), needed)


HEADER_WORDS: dict[str, _Words] = {
    "nik": _words("no nomor nomer e ektp induk kependudukan peserta national id number identitas", "nik ktp kependudukan"),
    "full_name": _words("full lengkap sesuai ktp peserta pendaftar calon siswa participant applicant", "nama name"),
    "birth_date": _words("tempat tmp tmpt dan of peserta", "tanggal tgl tangal date ttl dob", "lahir lhr birth ttl dob born"),
    "birth_place": _words("kota of peserta", "tempat tmp tmpt place kota", "lahir lhr birth kelahiran"),
    "sex": _words("jenis jns kel", "kelamin jk lp l p sex gender lk pr laki perempuan"),
    "education": _words("terakhir level tingkat formal last highest tertinggi", "pendidikan pend pddk education jenjang ijazah"),
    "phone": _words("no nomor nomer nmr aktif yang bisa dapat dihubungi peserta number nr",
                    "hp wa whatsapp telp telpon telepon tlp tel handphone ponsel phone mobile seluler hape telephone cell "
                    "cellphone kontak contact"),
    "email": _words("e alamat address surat elektronik peserta aktif", "email mail surel posel"),
    "address": _words("lengkap domisili tempat tinggal rumah ktp jalan jl sesuai home residential peserta", "alamat address"),
    "district": _words("domisili wilayah domicile", "kecamatan kec district", "kode code"),
    "disability": _words("penyandang status berkebutuhan khusus", "disabilitas difabel disability"),
    "disability_kind": _words("difabel", "jenis ragam kind type", "disabilitas disability difabel"),
    "status": _words("pendaftaran peserta enrollment registration", "status state kepesertaan"),
}


def match_header(value: Any) -> str | None:
    """The column key a header cell names (including ``NOT_STORED`` keys), or None (any value, never raises).
    An exact name first; else the one column whose words the header is made of (none when two are)."""
    name = _norm_header(value)
    if not name:
        return None
    exact = HEADER_ALIASES.get(name.replace(" ", ""))
    if exact is not None:
        return exact
    tokens = set(name.split())
    found = [key for key, w in HEADER_WORDS.items() if tokens <= w.words and all(tokens & r for r in w.required)]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True, slots=True)
class IgnoredColumn:
    index: int
    header: str  # as written

    @property
    def letter(self) -> str:
        return _col_letter(self.index)


def ignored_columns(cells: list[Any], columns: dict[str, int]) -> tuple[list[IgnoredColumn], list[IgnoredColumn]]:
    """The header cells that name no imported column: (unknown, recognised but not stored). Blank headers,
    the running number ("No") and the error file's "Alasan" are left out: nothing is lost there."""
    used = set(columns.values())
    unknown, not_stored = [], []
    for i, cell in enumerate(cells):
        name = _norm_header(cell)
        if i in used or not name or name.replace(" ", "") in SILENT_HEADERS:
            continue
        shown = " ".join(str(cell).split())[:60]
        (not_stored if match_header(cell) in NOT_STORED else unknown).append(IgnoredColumn(i, shown))
    return unknown, not_stored


def _header_keys(cells: list[Any]) -> list[tuple[int, str]]:
    """(index, column key) of every header cell that names an imported column."""
    keys = []
    for i, cell in enumerate(cells):
        key = match_header(cell)
        if key is not None and key not in NOT_STORED:
            keys.append((i, key))
    return keys


def map_headers(cells: list[Any]) -> dict[str, int]:
    """Column key → index for a header row; raises ImportRefused on a duplicated column."""
    found: dict[str, int] = {}
    for i, key in _header_keys(cells):
        if key in found:
            first, again = (" ".join(str(cells[j]).split())[:60] for j in (found[key], i))
            raise ImportRefused(
                Msg("Kolom \"{h}\" muncul dua kali di baris judul (kolom {a} \"{ha}\" dan {b} \"{hb}\"). Hapus atau ganti judul "
                    "salah satunya.",
                    "Column \"{h_en}\" appears twice in the header row (columns {a} \"{ha}\" and {b} \"{hb}\"). Remove or rename "
                    "one.").format(h=COLUMN_BY_KEY[key].header, h_en=COLUMN_BY_KEY[key].header_en, a=_col_letter(found[key]),
                                   b=_col_letter(i), ha=first, hb=again),
                code=Code.IMPORT_HEADER_DUPLICATE,
            )
        found[key] = i
    return found


def _col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


# --- reading ------------------------------------------------------------------------------------

@dataclass
class Table:
    headers: list[str]  # the header row as written (for the error file)
    columns: dict[str, int]  # key → index
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells)
    kind: str  # "xlsx" | "xls" | "csv"
    unknown_columns: list[IgnoredColumn] = field(default_factory=list)  # headers that name no column: a warning
    not_stored_columns: list[IgnoredColumn] = field(default_factory=list)  # recognised, nowhere to store them: a warning
    skipped: int = 0  # rows with cells filled but none of CONTENT_KEYS (a running number, defaults): not read

    def notices(self) -> list[FileNotice]:
        """The warnings about the whole file, in the reader's language at display time."""
        out = []
        if self.unknown_columns:
            out.append(FileNotice(Code.IMPORT_COLUMNS_UNKNOWN, Msg(
                "Kolom yang tidak dikenali diabaikan (isinya tidak diimpor): {cols}. Bila isinya perlu diimpor, ganti judulnya "
                "sesuai templat.",
                "Unrecognised columns were ignored (their contents were not imported): {cols}. If they should be imported, "
                "rename the headers as in the template.").format(cols=_listing(self.unknown_columns)),
                [c.header for c in self.unknown_columns]))
        if self.not_stored_columns:
            out.append(FileNotice(Code.IMPORT_COLUMNS_NOT_STORED, Msg(
                "Kolom ini dikenali tetapi tidak disimpan, karena data peserta di Sisnaker tidak memuatnya: {cols}.",
                "These columns were recognised but not stored, since Sisnaker's participant record has no such field: {cols}."
            ).format(cols=_listing(self.not_stored_columns)), [c.header for c in self.not_stored_columns]))
        return out


@dataclass(frozen=True, slots=True)
class FileNotice:
    """A warning about the whole file (not one row): the import goes through."""

    code: Code
    message: Msg
    columns: list[str]  # the headers concerned, as written


def _listing(columns: list[IgnoredColumn]) -> str:
    return ", ".join(f"\"{c.header}\" ({c.letter})" for c in columns)


def _refused(id_: str, en: str, code: Code, **params) -> ImportRefused:
    return ImportRefused(Msg(id_, en).format(**params), code=code)


def detect_kind(file_name: str, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    name = (file_name or "").lower()
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise _refused("Berkas {n} bukan berkas Excel yang sah (mungkin rusak atau hanya berganti nama). Simpan ulang dari Excel.",
                       "{n} is not a valid Excel file (damaged, or just renamed). Save it again from Excel.",
                       Code.IMPORT_FILE_CORRUPT, n=file_name)
    return "csv"


def read_table(file_name: str, data: bytes) -> Table:
    """Read the data sheet (the first not hidden; or the CSV) into a Table; ImportRefused with a clear message otherwise.
    Holds every row: for small files and tests. The import streams (``open_table``)."""
    stream = open_table(file_name, data)
    rows = list(stream.rows())
    return Table(headers=stream.headers, columns=stream.columns, rows=rows, kind=stream.kind,
                 unknown_columns=stream.unknown_columns, not_stored_columns=stream.not_stored_columns, skipped=stream.skipped)


def _check_upload(data: bytes) -> None:
    if not data:
        raise _refused("Berkas kosong.", "The file is empty.", Code.IMPORT_FILE_EMPTY)
    if len(data) > MAX_BYTES:
        raise _refused("Berkas terlalu besar ({mb} MB). Batasnya {lim} MB; pecah menjadi beberapa berkas.",
                       "The file is too large ({mb} MB). The limit is {lim} MB; split it into several files.",
                       Code.IMPORT_FILE_TOO_LARGE, mb=round(len(data) / 1048576, 1), lim=MAX_BYTES // 1048576)


def check_upload(file_name: str, data: bytes) -> str:
    """The checks of an upload that need no reading (empty, too large, a renamed non-Excel file); its kind."""
    _check_upload(data)
    return detect_kind(file_name, data)


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Za-z]{1,3}[0-9]{1,7}:[A-Za-z]{1,3}([0-9]{1,7})\"")


def estimate_rows(file_name: str, data: bytes) -> int:
    """About how many rows an upload has, without reading it (where to run the import, and the progress
    bar's length): a CSV's line breaks; an .xlsx's declared dimension (Excel and most writers put it at the
    top of the sheet), else its sheet's size; an .xls's size. Never trusted for anything else."""
    kind = detect_kind(file_name, data)
    if kind == "csv":
        return data.count(b"\n")
    if kind == "xls":
        return len(data) // 60
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        sheets = sorted((i for i in book.infolist() if i.filename.lower().startswith("xl/worksheets/sheet")),
                        key=lambda i: (len(i.filename), i.filename))
        if not sheets:
            return 0
        with book.open(sheets[0]) as fh:
            head = fh.read(4096)
        found = _DIMENSION.search(head)
        return int(found.group(1)) if found else sheets[0].file_size // 150
    except Exception:  # a damaged file: the import refuses it with the right message
        return 0


def open_table(file_name: str, data: bytes) -> TableStream:
    """Open the data sheet (the first not hidden; or the CSV) for reading row by row: the file-level checks (size, format,
    header row, required columns) are done here and refuse with ImportRefused; the data rows come from
    ``TableStream.rows()``, a generator that never holds more than one row as Python objects (an .xlsx is
    read as it inflates, its shared strings waiting packed on disk; calamine, for unusual workbooks and .xls, holds the
    sheet's cells in compact native memory; a CSV's text is held)."""
    _check_upload(data)
    kind = detect_kind(file_name, data)
    raw, width, height, *sheet = _sheet_rows(data, kind) if kind in ("xlsx", "xls") else _csv_rows(data)
    return _open_stream(raw, kind, width=width, height=height, sheet=sheet[0] if sheet else "")


def _sheet_rows(data: bytes, kind: str) -> tuple[Iterator[list[Any]], int, int, str]:
    """The data sheet's rows (as ``to_python(skip_empty_area=False)`` would give them, one at a time), its
    width, its height, and its name when the workbook has other sheets ("" otherwise). The data sheet is the
    first worksheet that is not hidden (a hidden first sheet usually holds a dropdown's list; ``sizing``
    picks the same one). Nothing reaches a reader before ``sizing`` has sized the file from its structure
    (an .xlsx), or the reading happens in a limited child process (an .xls). An .xlsx of the usual kind is
    read as it inflates (``streaming``: memory that does not grow with its cells); any other by calamine."""
    limits = sizing.Limits(max_rows=MAX_ROWS + HEADER_SEARCH_ROWS + 1, max_columns=sizing.MAX_COLUMNS, max_cells=sizing.MAX_CELLS)
    try:
        if kind == "xls":
            rows, name = sizing.read_xls_sandboxed(data, limits=limits)
            return iter(rows), max((len(r) for r in rows), default=0), len(rows), name
        sizing.check_xlsx(data, limits=limits)
    except sizing.SheetRefused as exc:
        raise ImportRefused(exc.message, code=exc.code) from exc
    sheet = streaming.open_sheet(data)
    if sheet is not None:
        return _streamed(sheet, data), sheet.width, sheet.height, sheet.name
    return _calamine_rows(data)


def _streamed(sheet: streaming.Sheet, data: bytes) -> Iterator[list[Any]]:
    """The streaming reader's rows; where it meets what it leaves to calamine, calamine's from the same row on."""
    given = 0
    try:
        for row in sheet.rows():
            yield row
            given += 1
    except Exception as exc:
        if not isinstance(exc, streaming.Unusual):  # a case the reader mishandles: logged, and calamine reads on
            logger.exception("the streaming .xlsx reader failed at row %s; calamine reads on", given + 1)
        rows = _calamine_rows(data)[0]
        for row in itertools.islice(rows, given, None):
            yield row + [""] * (sheet.width - len(row)) if len(row) < sheet.width else row


def _calamine_rows(data: bytes) -> tuple[Iterator[list[Any]], int, int, str]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            raise _refused("Berkas Excel tidak berisi lembar kerja.", "The Excel file has no worksheet.", Code.IMPORT_NO_SHEET)
        metadata = book.sheets_metadata
        index = next((i for i, m in enumerate(metadata) if m.visible == python_calamine.SheetVisibleEnum.Visible
                      and m.typ == python_calamine.SheetTypeEnum.WorkSheet), 0)
        sheet = book.get_sheet_by_index(index)
        name = metadata[index].name if len(metadata) > 1 else ""
        if sheet.height > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
            raise _too_many(sheet.height)
        start, end = sheet.start, sheet.end
    except ImportRefused:
        raise
    except Exception as exc:  # calamine raises several types (zip, xml, password, panics)
        raise _unreadable(exc) from exc
    if start is None or end is None:
        return iter(()), 0, 0, name
    # ``iter_rows`` starts at row 0 but at the first used column: the columns before it are put back, so
    # cells keep their letters (as ``to_python(skip_empty_area=False)`` gives them).
    pad = [""] * start[1]

    def rows() -> Iterator[list[Any]]:
        try:
            for cells in sheet.iter_rows():
                yield pad + cells if pad else cells
        except Exception as exc:
            raise _unreadable(exc) from exc

    return rows(), end[1] + 1, end[0] + 1, name


def _unreadable(exc: Exception) -> ImportRefused:
    if type(exc).__name__ == "PasswordError":
        return _refused("Berkas Excel dilindungi kata sandi. Buka proteksinya lalu unggah lagi.",
                        "The Excel file is password-protected. Remove the protection and upload again.",
                        Code.IMPORT_FILE_PROTECTED)
    return _refused("Berkas Excel tidak dapat dibaca (rusak atau bukan .xlsx/.xls). Simpan ulang dari Excel lalu unggah lagi.",
                    "The Excel file cannot be read (damaged, or not .xlsx/.xls). Save it again from Excel and upload again.",
                    Code.IMPORT_FILE_CORRUPT)


def _read_sheet(data: bytes, kind: str) -> list[list[Any]]:
    """The data sheet's cells, all of them (other apps' imports of small templates)."""
    return list(_sheet_rows(data, kind)[0])


def _too_many(n: int) -> ImportRefused:
    return _refused("Berkas berisi terlalu banyak baris (sekitar {n}). Batasnya {lim} baris per berkas; pecah menjadi beberapa berkas.",
                    "The file has too many rows (about {n}). The limit is {lim} rows per file; split it into several files.",
                    Code.IMPORT_TOO_MANY_ROWS, n=f"{n:,}".replace(",", "."), lim=f"{MAX_ROWS:,}".replace(",", "."))


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_line(text: str) -> str:
    """The line the delimiter is guessed from: the first of the first lines that names the NIK column (a title
    line, "DAFTAR PESERTA, ANGKATAN I", or a blank line may come before the header), else the first line that
    is not blank."""
    lines = text.split("\n", HEADER_SEARCH_ROWS + 1)[:HEADER_SEARCH_ROWS]
    # "NIK" as a word: a title such as "PELATIHAN TEKNIK LAS, MEKANIK" holds the letters too.
    return (next((line for line in lines if _NIK_WORD.search(line)), None)
            or next((line for line in lines if line.strip()), ""))


_NIK_WORD = re.compile(r"(?<![a-z])(?:nik|nomor induk|no\W{0,2}ktp)(?![a-z])", re.IGNORECASE)


def _csv_rows(data: bytes) -> tuple[Iterator[list[Any]], int, int]:
    """The CSV's rows (one at a time), its width and its number of lines. A first pass checks every line
    (columns, line count, quoting) without keeping any; the rows come from a second pass."""
    text = decode_text(data)
    if "\x00" in text:
        raise _refused("Berkas ini bukan CSV atau Excel (berisi data biner). Unggah .xlsx, .xls, atau .csv.",
                       "This file is neither CSV nor Excel (it holds binary data). Upload .xlsx, .xls or .csv.",
                       Code.IMPORT_FILE_FORMAT)
    delimiter = sniff_delimiter(_header_line(text))
    # Every field is a delimiter plus one: bounding the delimiters bounds the cells (and any one row).
    if text.count(delimiter) > sizing.MAX_CELLS:
        raise _refused("Berkas CSV terlalu besar: lebih dari {n} sel. Pecah menjadi beberapa berkas.",
                       "The CSV file is too large: more than {n} cells. Split it into several files.",
                       Code.IMPORT_SHEET_TOO_LARGE, n=f"{sizing.MAX_CELLS:,}".replace(",", "."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width = lines = 0
    try:
        for row in reader:
            if len(row) > sizing.MAX_COLUMNS:
                raise _refused("Baris {n} berisi {c} kolom; batasnya {lim}. Simpan hanya kolom templat lalu unggah lagi.",
                               "Line {n} has {c} columns; the limit is {lim}. Keep only the template's columns and upload again.",
                               Code.IMPORT_SHEET_TOO_LARGE, n=reader.line_num, c=len(row), lim=sizing.MAX_COLUMNS)
            width = max(width, len(row))
            lines += 1
            if lines > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
                raise _too_many(text.count("\n"))
    except csv.Error as exc:
        raise _refused("Berkas CSV tidak dapat dibaca di baris {n}: {e}.", "The CSV file cannot be read at line {n}: {e}.",
                       Code.IMPORT_CSV_INVALID, n=reader.line_num, e=str(exc)) from exc
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), width, lines


def _read_csv(data: bytes) -> list[list[Any]]:
    return list(_csv_rows(data)[0])


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


_PLACEHOLDERS = frozenset({"0", "#n/a", "#na", "n/a", "#value!", "#ref!", "#div/0!", "#name?", "#num!", "#null!", "#spill!",
                           "#calc!", "tidak ada", "tdk ada", "nihil", "kosong", "belum ada"})


def _is_filled(cell: Any) -> bool:
    """Whether a cell says something: not empty, not blank text, not text without a letter or digit
    ("-", "'"), not a formula's placeholder result (0, FALSE, "#N/A" and Excel's other error values)."""
    if cell is None or isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float)):
        return cell != 0 and not (isinstance(cell, float) and math.isnan(cell))
    if isinstance(cell, str):
        text = " ".join(cell.lower().split())
        return bool(text) and text not in _PLACEHOLDERS and any(ch.isalnum() for ch in text)
    return True  # a date, time or duration


_NOTHING_SIGNS = frozenset("-–—._/ ")


def says_nothing(cell: Any) -> bool:
    """An optional cell that says "nothing here": empty, 0, a dash or dot ("-", "—", "."), "N/A", "tidak ada",
    "nihil", or a formula's error value (#N/A). Not "?", which says the writer did not know (an error)."""
    if cell is None or _is_blank(cell):
        return True
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return cell == 0
    if isinstance(cell, str):
        text = " ".join(cell.lower().split())
        return text in _PLACEHOLDERS or set(text) <= _NOTHING_SIGNS
    return False


def row_has_content(cells: list[Any], columns: dict[str, int]) -> bool:
    """A row is read when one of ``CONTENT_KEYS`` (NIK, name, birth date, phone, e-mail) is filled; a row
    with nothing but a running number or pre-filled defaults (education, status, "tidak", a province in
    an unknown column, a formula's 0 or "") is an empty row."""
    return any(_is_filled(cells[i]) for key in CONTENT_KEYS if (i := columns.get(key)) is not None and i < len(cells))


_COLUMN_NUMBER = re.compile(r"\(?\s*([0-9]{1,3})\s*\)?\.?")


def numbers_the_columns(cells: list[Any]) -> bool:
    """A row that only numbers the columns: 1, 2, 3, … or (1), (2), (3), … (at least three, in order from 0 or 1,
    nothing else in the row). No row about a person looks like this: its NIK has 16 digits."""
    numbers = []
    for cell in cells:
        if _is_blank(cell):
            continue
        if isinstance(cell, (int, float)) and not isinstance(cell, bool) and math.isfinite(cell) and float(cell).is_integer():
            numbers.append(int(cell))
        elif isinstance(cell, str) and (m := _COLUMN_NUMBER.fullmatch(cell.strip())) is not None:
            numbers.append(int(m.group(1)))
        else:
            return False
    return len(numbers) >= 3 and numbers[0] in (0, 1) and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


class TableStream:
    """A sheet opened for reading: its header row found and its columns mapped (``open_table``); ``rows()``
    gives the data rows one at a time and counts, as it goes, the empty rows skipped and the ignored
    columns that held something (``notices()`` is complete once ``rows()`` is exhausted)."""

    def __init__(self, *, raw: Iterator[list[Any]], header_cells: list[Any], header_at: int, columns: dict[str, int], kind: str,
                 width: int, height: int) -> None:
        self.headers = ["" if h is None else str(h).strip() for h in header_cells]
        self.columns = columns
        self.kind = kind
        self.width = max(width, len(self.headers))
        self.expected = max(height - header_at - 1, 0)  # rows below the header (empty ones included): for progress
        self.skipped = 0
        self.read = 0
        self._raw = raw
        self._header_at = header_at
        self._unknown, self._not_stored = ignored_columns(header_cells, columns)
        self._filled: set[int] = set()

    @property
    def unknown_columns(self) -> list[IgnoredColumn]:
        return [c for c in self._unknown if c.index in self._filled]

    @property
    def not_stored_columns(self) -> list[IgnoredColumn]:
        return [c for c in self._not_stored if c.index in self._filled]

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(spreadsheet row number, cells) of every row that says who it is about; ImportRefused past
        ``MAX_ROWS`` such rows, or at the end when there was none."""
        columns = self.columns
        watched = [c.index for c in (*self._unknown, *self._not_stored)]
        first = self._header_at + 2
        for offset, row in enumerate(self._raw, start=first):
            if offset == first and numbers_the_columns(row):
                self.skipped += 1  # "(1) (2) (3) …" under the header, as official forms number their columns
                continue
            if row_has_content(row, columns):
                self.read += 1
                if self.read > MAX_ROWS:
                    raise _too_many(self.read)
                for i in watched:
                    if i not in self._filled and i < len(row) and _is_filled(row[i]):
                        self._filled.add(i)
                yield offset, row if isinstance(row, list) else list(row)
            elif not all(_is_blank(c) for c in row):
                self.skipped += 1
        if not self.read:
            raise _refused("Berkas tidak berisi baris data di bawah baris judul (baris yang tidak berisi NIK, nama, tanggal lahir, "
                           "No HP, maupun e-mail dihitung kosong).",
                           "The file has no data rows below the header (a row without NIK, name, birth date, mobile number or "
                           "e-mail counts as empty).",
                           Code.IMPORT_NO_ROWS)

    def notices(self) -> list[FileNotice]:
        return Table(headers=self.headers, columns=self.columns, rows=[], kind=self.kind, unknown_columns=self.unknown_columns,
                     not_stored_columns=self.not_stored_columns).notices()


_ALTERNATIVES = re.compile(r"([^\W\d_]+)\s*/\s*([^\W\d_]+)")


def _with_subheaders(header: list[Any], sub: list[Any]) -> list[Any] | None:
    """The header row named anew when the row under it splits a merged header cell into columns, as official forms
    do ("Tempat/Tanggal Lahir" over "Tempat" | "Tanggal"): each column of such a span named by what it holds
    ("Tempat Lahir", "Tanggal Lahir"); None when the row under the header is no such row (a data row: a NIK, digits,
    long text, or nothing that names a column). Only spans count: a header cell followed by blank header cells,
    with text under them."""
    texts = [c for c in sub if not _is_blank(c)]
    if not texts or not all(isinstance(c, str) and len(c.strip()) <= 40 and not any(ch.isdigit() for ch in c) for c in texts):
        return None
    width = max(len(header), len(sub))
    head = [header[i] if i < len(header) else None for i in range(width)]
    under = [sub[i] if i < len(sub) else None for i in range(width)]
    combined: list[Any] = list(head)
    changed = False
    i = 0
    while i < width:
        end = i + 1
        while end < width and _is_blank(head[end]) and not _is_blank(under[end]):
            end += 1
        if _is_blank(head[i]) or end - i < 2:
            i = end
            continue
        parent = " ".join(str(head[i]).split())
        alternatives = _ALTERNATIVES.search(parent)
        for j in range(i, end):
            if _is_blank(under[j]):
                continue
            part = " ".join(str(under[j]).split())
            candidates = [part, f"{parent} {part}"]
            if alternatives and part.lower() in (alternatives.group(1).lower(), alternatives.group(2).lower()):
                candidates.insert(0, parent[:alternatives.start()] + part + parent[alternatives.end():])
            name = next((c for c in candidates if match_header(c) is not None), None)
            if name is not None:
                combined[j], changed = name, True
        i = end
    return combined if changed else None


def _with_headers_above(header: list[Any], above: list[Any]) -> list[Any] | None:
    """The header row completed from the row above it, when a two-row header merges some titles down both rows (as
    official forms do: "No" and "Pendidikan" merged over two rows beside "Identitas Peserta" over "NIK | Nama |
    Tanggal Lahir"): a merged cell's text is in its top row only, so the row with the NIK is blank there. Only a
    blank header cell takes the text above it, and only when that text names a column; None when nothing does."""
    width = max(len(header), len(above))
    combined = [header[i] if i < len(header) else None for i in range(width)]
    changed = False
    for i in range(width):
        if _is_blank(combined[i]) and i < len(above) and not _is_blank(above[i]) and match_header(str(above[i])) is not None:
            combined[i], changed = above[i], True
    return combined if changed else None


def _open_stream(raw: Iterator[list[Any]], kind: str, *, width: int, height: int, sheet: str = "") -> TableStream:
    head = list(itertools.islice(raw, HEADER_SEARCH_ROWS))
    header_at = None
    for index, cells in enumerate(head):
        if any(key == "nik" for _, key in _header_keys(cells)):
            header_at = index
            break
    if header_at is None:
        where_id = where_en = ""
        if sheet:
            where_id = (" Yang dibaca adalah lembar \"{s}\" (lembar pertama yang tidak tersembunyi): bila data ada di lembar lain, "
                        "pindahkan lembar itu ke urutan pertama.")
            where_en = (" The sheet read was \"{s}\" (the first one not hidden): if the data is on another sheet, move that sheet "
                        "to the front.")
        raise _refused("Baris judul tidak ditemukan: salah satu dari {n} baris pertama harus berisi judul kolom, minimal \"NIK\". "
                       "Gunakan templat yang disediakan." + where_id,
                       "No header row found: one of the first {n} rows must name the columns, at least \"NIK\". Use the template."
                       + where_en, Code.IMPORT_HEADER_MISSING, n=HEADER_SEARCH_ROWS, s=sheet[:60])
    cells = head[header_at]
    if header_at > 0:
        completed = _with_headers_above(cells, head[header_at - 1])
        if completed is not None:
            try:
                map_headers(completed)
                cells = completed
            except ImportRefused:  # the text above names a column the header row names too: the header row alone
                pass
    if header_at + 1 < len(head):
        split = _with_subheaders(cells, head[header_at + 1])
        if split is not None:
            try:
                map_headers(split)
            except ImportRefused:  # "L" | "P" under "Jenis kelamin": tick boxes, not columns of their own
                split = None
        if split is not None:
            cells, header_at = split, header_at + 1
    columns = map_headers(cells)
    missing = [c for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        raise ImportRefused(
            Msg("Kolom wajib tidak ada: {cols}. Judul yang ditemukan: {found}. Gunakan templat yang disediakan.",
                "Required columns are missing: {cols_en}. Headers found: {found}. Use the template.").format(
                    cols=", ".join(c.header for c in missing), cols_en=", ".join(c.header_en for c in missing),
                    found=", ".join(" ".join(str(h).split()) for h in cells if not _is_blank(h)) or "-"),
            code=Code.IMPORT_COLUMNS_MISSING, details={"missing": [c.key for c in missing]},
        )
    rest = itertools.chain(head[header_at + 1:], raw)
    return TableStream(raw=rest, header_cells=list(cells), header_at=header_at, columns=columns, kind=kind, width=width,
                       height=height)


# --- cell parsers (any value in, CellError out) --------------------------------------------------

def _cell_error(key: str, id_: str, en: str, code: Code, **params) -> CellError:
    return CellError(Msg(id_, en).format(**params), code=code, field=key)


_SCI = re.compile(r"^\s*[0-9]+([.,][0-9]+)?\s*[eE]\s*\+?\s*[0-9]+\s*$")
_TRAILING_ZERO_DECIMAL = re.compile(r"^\s*([0-9]{16})[.,]0+\s*$")
_NIK_LOST = Msg(
    "NIK tersimpan sebagai angka dan kehilangan digit; format kolom NIK sebagai Teks lalu ketik ulang NIK persis seperti pada KTP/KK.",
    "The NIK was stored as a number and lost digits; format the NIK column as Text and retype the NIK exactly as on the KTP/KK.",
)


def nik_text(value: Any) -> str:
    """The NIK written in a cell, as text for ``nik.parse`` (which validates it)."""
    if value is None or isinstance(value, bool):
        if value is None:
            return ""
        raise CellError(_NIK_LOST, code=Code.NIK_NUMBER_LOST, field="nik")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer() or abs(value) >= 2**53:
            raise CellError(_NIK_LOST, code=Code.NIK_NUMBER_LOST, field="nik")
        text = str(int(value))
        if len(text) == 16 and text.endswith("0"):
            raise CellError(_NIK_LOST, code=Code.NIK_NUMBER_LOST, field="nik")
        return text
    if isinstance(value, str):
        value = _visible(value)
        if _SCI.match(value):
            raise CellError(_NIK_LOST, code=Code.NIK_NUMBER_LOST, field="nik")
        m = _TRAILING_ZERO_DECIMAL.match(value)
        if m:
            return m.group(1)
        return value.strip().lstrip("'")
    raise _cell_error("nik", "Isi kolom NIK bukan teks atau angka.", "The NIK cell holds neither text nor a number.", Code.NIK_CELL_TYPE)


EXCEL_EPOCH = dt.date(1899, 12, 30)
_SEP = r"[-/.]"
_DATE_PATTERNS = (
    (re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$"), ("y", "m", "d")),
    (re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2}) (\d{1,2}) (\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
)
# "17 Agustus 1995", "17-Agu-1995", "17 Agt. 1995", "17 August 1995"; and "August 17, 1995", "Aug 17 1995".
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:[-/. ]+)([a-z]+)\.?(?:[-/., ]+)(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?(?:[-/. ]+)(\d{1,2})(?:[,. ]+)(\d{4})$")
_TIME_PART = re.compile(r"(?:[ t]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:am|pm|wib|wita|wit|z)?)$")
_TWO_DIGIT_YEAR = re.compile(rf"^\d{{1,2}}(?:{_SEP}|\s+)(?:\d{{1,2}}|[a-z]+)\.?(?:{_SEP}|\s+)\d{{2}}$")
MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    "januari jan january", "februari pebruari feb peb february", "maret mar mrt march", "april apr",
    "mei may", "juni jun june", "juli jul july", "agustus agt agu ags agst agus aug august",
    "september sep sept spt", "oktober okt oct october", "november nov nop nopember", "desember des dec december",
), start=1):
    for _name in _names.split():
        MONTHS[_name] = _number
EXCEL_SERIAL_MAX = 2958466  # 10000-01-01


# Excel's serial number of 1 January 1920. A number below it in a date column is not a date anybody here
# means (nobody to be trained was born before 1920): it is a year typed alone ("1995" would be read as
# 17 June 1905) or an age ("28": 27 January 1900).
EXCEL_SERIAL_1920 = 7306


def _date_number_error(key: str, value: Any) -> CellError:
    return _cell_error(key, "Tanggal berisi angka {v}, bukan tanggal lengkap (tahun atau umur saja?). Tulis tanggal lengkap: "
                            "17/08/1995 atau 17 Agustus 1995.",
                       "The date holds the number {v}, not a whole date (only a year or an age?). Write the whole date: "
                       "17/08/1995 or 17 August 1995.",
                       Code.DATE_INVALID, v=_text(value)[:40])


def _date_error(key: str, value: Any) -> CellError:
    shown = _text(value)[:40] if isinstance(value, float) else str(value)[:40]
    return _cell_error(key, "Tanggal \"{v}\" tidak dikenali. Tulis tanggal/bulan/tahun dengan tahun 4 digit: 17/08/1995, "
                            "17-08-1995, 17 Agustus 1995, 17 Agt 1995, atau 1995-08-17.",
                       "Date \"{v}\" is not recognised. Write day/month/year with a 4-digit year: 17/08/1995, 17-08-1995, "
                       "17 Agustus 1995, 17 Aug 1995, or 1995-08-17.",
                       Code.DATE_INVALID, v=shown)


def _date_ambiguous(key: str, value: Any) -> CellError:
    return _cell_error(key, "Tanggal \"{v}\" tampaknya ditulis bulan/hari/tahun (format Amerika), sehingga tanggal lain di berkas "
                            "bisa terbaca keliru. Tulis hari/bulan/tahun (17/08/1995) atau nama bulannya (17 Agustus 1995).",
                       "Date \"{v}\" seems written month/day/year (US order), so other dates in the file may be misread. "
                       "Write day/month/year (17/08/1995) or the month's name (17 August 1995).",
                       Code.DATE_AMBIGUOUS, v=str(value)[:40])


def _make_date(key: str, value: Any, y: int, m: int, d: int) -> dt.date:
    try:
        day = dt.date(y, m, d)
    except ValueError:
        if 1 <= m <= 12 and 1900 <= y <= 9999 and 1 <= d <= 31:
            # The shape is right, the day is not in that month (31/02/1999): say so, not "not recognised".
            last = calendar.monthrange(y, m)[1]
            raise _cell_error(key, "Tanggal \"{v}\" tidak ada: bulan {m} tahun {y} hanya sampai tanggal {last}. Periksa tanggalnya.",
                              "Date \"{v}\" does not exist: month {m} of {y} has {last} days. Check the date.",
                              Code.DATE_INVALID, v=str(value)[:40], m=m, y=y, last=last) from None
        raise _date_error(key, value) from None
    if day.year < 1900:
        raise _date_error(key, value)
    return day


def _date_from_text(text: str, key: str, value: Any) -> dt.date | None:
    """The date written in ``text`` (lower case, single spaces, no time part), or None when it has none of
    the known shapes; CellError for a known shape that is no real date."""
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
            if order[0] == "d" and parts["m"] > 12 and parts["d"] <= 12:
                raise _date_ambiguous(key, value)
            return _make_date(key, value, parts["y"], parts["m"], parts["d"])
    m = _DAY_MONTH_YEAR.match(text)
    if m and m.group(2) in MONTHS:
        return _make_date(key, value, int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    m = _MONTH_DAY_YEAR.match(text)
    if m and m.group(1) in MONTHS:
        return _make_date(key, value, int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))
    if text.isascii() and text.isdigit() and len(text) == 5 and 1 <= int(text) < EXCEL_SERIAL_MAX:
        return EXCEL_EPOCH + dt.timedelta(days=int(text))  # an Excel serial saved as text (a CSV of a "General" column)
    return None


def parse_date(value: Any, key: str = "birth_date") -> dt.date | None:
    """A date cell: a date, an Excel serial number, or text: ``YYYY-MM-DD``, ``DD/MM/YYYY`` (also ``-``,
    ``.`` or spaces), a month's Indonesian or English name or abbreviation ("17 Agustus 1995", "17-Agt-1995",
    "17 Ags 1995", "August 17, 1995"), with an optional time part, or after a place or weekday and a comma
    ("Jakarta, 17 Agustus 1995": a "Tempat, tanggal lahir" column). None when empty.

    Refused: a 2-digit year (which century?), a month/day/year order that shows itself (a "month" above
    12 where the day would fit) since the file's other dates could be either, and impossible dates."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise _date_error(key, value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or not 1 <= value < EXCEL_SERIAL_MAX:
            raise _date_error(key, value)
        if value < EXCEL_SERIAL_1920:
            raise _date_number_error(key, value)
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    if not isinstance(value, str):
        raise _date_error(key, value)
    text = " ".join(_visible(value).strip().lstrip("'").lower().split())  # a leading ' is Excel's "keep as text" mark
    if not text:
        return None
    candidates = [text]
    # After a place or a weekday: try what follows each comma ("Jakarta, 17 Agustus 1995", "Kamis, 17-08-1995").
    candidates += [text[i + 1:].strip() for i, ch in enumerate(text) if ch == ","]
    for candidate in candidates:
        candidate = _TIME_PART.sub("", candidate).strip()
        if _TWO_DIGIT_YEAR.match(candidate):
            raise _date_error(key, value)
        day = _date_from_text(candidate, key, value)
        if day is not None:
            return day
    raise _date_error(key, value)


# Characters that show nothing (``regions.nik.INVISIBLE``, which the NIK drops too), removed from every text cell: left
# in, a name would be stored with them and a date refused for a character the operator cannot see.
_INVISIBLE = dict.fromkeys(map(ord, nik_rules.INVISIBLE))


def _visible(text: str) -> str:
    """``text`` without invisible characters, in Unicode's composed form (NFC: "é" typed as e + accent
    becomes one character, so equal names compare equal)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE))


def _text(value: Any) -> str:
    """A cell as plain text: whole numbers without ".0", dates as ISO, invisible characters removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return " ".join(_visible(str(value)).split())


_NOT_KEY = re.compile(r"[^0-9a-z]")


def _key(value: Any) -> str:
    """Letters and digits of a cell, lower case; "?" for a non-empty cell without any (so "?" or "-"
    is an unrecognised value, not an empty cell)."""
    text = _text(value)
    key = _NOT_KEY.sub("", text.lower())
    return key or ("?" if text.strip() else "")


SEX_VALUES = {"l": "M", "lk": "M", "m": "M", "lakilaki": "M", "laki": "M", "pria": "M", "male": "M",
              "p": "F", "pr": "F", "f": "F", "perempuan": "F", "wanita": "F", "female": "F", "w": "F"}


def _look_up(value: Any, table: dict[str, str], *, empty: str | None, key: str, id_: str, en: str, code: Code) -> str | None:
    """The value ``table`` gives for the cell's letters and digits (``_key``), ``empty`` for an empty cell,
    or a CellError on ``key`` whose messages may name the cell's text as ``{v}``."""
    k = _key(value)
    if not k:
        return empty
    if k in table:
        return table[k]
    raise _cell_error(key, id_, en, code, v=_text(value)[:30])


def parse_sex(value: Any) -> str | None:
    return _look_up(value, SEX_VALUES, empty=None, key="sex", code=Code.SEX_INVALID,
                    id_="Jenis kelamin \"{v}\" tidak dikenali: tulis L (laki-laki) atau P (perempuan).",
                    en="Sex \"{v}\" is not recognised: write L (male) or P (female).")


EDUCATION_VALUES = {
    # The lowest level the person record has is "none" (Tidak/belum sekolah): not attending, or not finishing, primary school.
    "none": "none", "tidaksekolah": "none", "belumsekolah": "none", "tidakbelumsekolah": "none", "belumtidaksekolah": "none",
    "tidakpernahsekolah": "none", "tidaktamatsd": "none", "belumtamatsd": "none", "tidaklulussd": "none", "tidakadaijazah": "none",
    "noschooling": "none", "noformaleducation": "none",
    "sd": "sd", "mi": "sd", "sekolahdasar": "sd", "sdmi": "sd", "sdlb": "sd", "paketa": "sd", "kejarpaketa": "sd",
    "primaryschool": "sd", "elementaryschool": "sd", "madrasahibtidaiyah": "sd",
    "min": "sd", "smp": "smp", "mts": "smp", "mtsn": "smp", "sltp": "smp", "smpmts": "smp", "smplb": "smp", "paketb": "smp", "kejarpaketb": "smp",
    "juniorhighschool": "smp", "sekolahmenengahpertama": "smp", "madrasahtsanawiyah": "smp",
    "sma": "sma", "ma": "sma", "man": "sma", "slta": "sma", "smu": "sma", "smama": "sma", "smalb": "sma", "paketc": "sma", "kejarpaketc": "sma",
    "smasmk": "sma", "smasmkma": "sma", "spg": "sma", "highschool": "sma", "seniorhighschool": "sma", "sekolahmenengahatas": "sma",
    "madrasahaliyah": "sma",
    "smk": "smk", "stm": "smk", "smea": "smk", "mak": "smk", "smkk": "smk", "smkmak": "smk", "vocationalhighschool": "smk",
    "sekolahmenengahkejuruan": "smk",
    "d1": "d1", "diplomai": "d1", "diploma1": "d1", "di": "d1", "diplomasatu": "d1",
    "d2": "d2", "diplomaii": "d2", "diploma2": "d2", "dii": "d2", "diplomadua": "d2",
    "d3": "d3", "diplomaiii": "d3", "diploma3": "d3", "diii": "d3", "diplomatiga": "d3", "ahlimadya": "d3", "sarjanamuda": "d3",
    "akademi": "d3", "smuda": "d3", "akademidiplomaiiismuda": "d3", "akademidiplomaiiisarjanamuda": "d3", "akademidiplomaiii": "d3",
    "d4": "d4", "diplomaiv": "d4", "diploma4": "d4", "div": "d4", "diplomaempat": "d4", "diplomaivsarjanaterapan": "d4",
    "sarjanaterapan": "d4", "d4sarjanaterapan": "d4", "strs1terapan": "d4", "s1terapan": "d4", "diplomaivstratai": "d4",
    "s1": "s1", "si": "s1", "sarjana": "s1", "sarjanas1": "s1", "s1sarjana": "s1", "strata1": "s1", "stratai": "s1",
    "stratasatu": "s1", "bachelor": "s1", "bachelors": "s1", "s1d4": "s1",
    "s2": "s2", "sii": "s2", "magister": "s2", "magisters2": "s2", "s2magister": "s2", "strata2": "s2", "strataii": "s2",
    "stratadua": "s2", "pascasarjana": "s2", "master": "s2", "masters": "s2",
    "s3": "s3", "siii": "s3", "doktor": "s3", "doktoral": "s3", "doktors3": "s3", "s3doktor": "s3", "strata3": "s3",
    "strataiii": "s3", "stratatiga": "s3", "doctor": "s3", "doctorate": "s3", "phd": "s3",
}
# Levels in order, for "tidak tamat X" (the last level finished is the one below X).
EDUCATION_BELOW = {"sd": "none", "smp": "sd", "sma": "smp", "smk": "smp", "d1": "sma", "d2": "sma", "d3": "sma", "d4": "sma",
                   "s1": "sma", "s2": "s1", "s3": "s2"}
_EDUCATION_PREFIXES = ("lulusan", "tamatan", "lulus", "tamat", "ijazah", "pendidikan", "jenjang")
_EDUCATION_SUFFIXES = ("sederajat", "setara", "atausederajat", "atausetara", "equivalent", "lulus", "tamat")
_NOT_FINISHED = ("tidaktamat", "belumtamat", "tidaklulus", "belumlulus", "putus", "dropout")
# A school's name or a major after the level ("SMKN 2 Bandung", "S1 Teknik Informatika"): the level it begins with.
_EDUCATION_STARTS = ("madrasahibtidaiyah", "madrasahtsanawiyah", "madrasahaliyah", "paketa", "paketb", "paketc", "diplomaiv", "diplomaiii", "diplomaii", "diplomai", "diploma4", "diploma3",
                     "diploma2", "diploma1", "d4", "d3", "d2", "d1", "s3", "s2", "s1", "smk", "sma", "smu", "smp", "sltp",
                     "slta", "stm", "smea", "mts", "diii", "sd")


# Two diploma levels with a slash: "Diploma I/II", "D-I/II", "D1/D2", "Diploma 1/2".
_DIPLOMA_RANGE = re.compile(r"\b(?:diploma|d)\s*[-.]?\s*(iv|i{1,3}|[1-4])\s*/\s*(?:(?:diploma|d)\s*[-.]?\s*)?(iv|i{1,3}|[1-4])\b")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_NUMBERED_MADRASAH = re.compile(r"(min|mi|mtsn|mts|man|ma)[0-9]{1,3}")


def _education_level(k: str) -> str | None:
    """The level a key (letters and digits, lower case) names, or None."""
    for _ in range(2):  # "lulus SMA sederajat": a prefix, then a suffix
        if k in EDUCATION_VALUES:
            return EDUCATION_VALUES[k]
        k = next((k.removeprefix(p) for p in _EDUCATION_PREFIXES if k.startswith(p) and len(k) > len(p)), k)
        k = next((k.removesuffix(p) for p in _EDUCATION_SUFFIXES if k.endswith(p) and len(k) > len(p)), k)
    if k in EDUCATION_VALUES:
        return EDUCATION_VALUES[k]
    numbered = _NUMBERED_MADRASAH.fullmatch(k)
    if numbered is not None:  # "MAN 1", "MTsN 3", "MIN 2": a state madrasah and its number
        return EDUCATION_VALUES[numbered.group(1)]
    for start in _EDUCATION_STARTS:
        if k.startswith(start):
            return EDUCATION_VALUES.get(start) or EDUCATION_VALUES.get(start.removesuffix("n"))
    return None


def parse_education(value: Any) -> str:
    """The person record's education level (``Person.Education``) from what offices write: "SMA", "SLTA",
    "Paket C", "D-III", "Diploma 3", "S-1", "Strata 1", "Sarjana", "SMKN 2 Bandung", "Tidak tamat SD"
    (→ none: the lowest level the record has), "tidak tamat SMA" (→ SMP, the level finished)..."""
    k = _key(value)
    diplomas = _DIPLOMA_RANGE.search(_text(value).lower()) if k else None
    if diplomas is not None:
        # "Diploma I/II" (Dukcapil's category on the KK): letters and digits alone would read "diplomaiii", D3.
        # Either level could be the person's: the lower one, so that no program's minimum is met by a guess.
        return f"d{min(_ROMAN.get(n, n) for n in diplomas.groups())}"
    if not k:
        raise _cell_error("education", "Pendidikan wajib diisi (SD, SMP, SMA, SMK, D1-D4, S1-S3).",
                          "Education is required (SD, SMP, SMA, SMK, D1-D4, S1-S3).", Code.EDUCATION_REQUIRED)
    code = EDUCATION_VALUES.get(k)
    if code is None:
        unfinished = next((p for p in _NOT_FINISHED if k.startswith(p) or k.endswith(p)), None)
        if unfinished is not None:
            rest = k.removeprefix(unfinished) if k.startswith(unfinished) else k.removesuffix(unfinished)
            level = _education_level(rest) if rest else None
            code = EDUCATION_BELOW.get(level) if level else None
        else:
            code = _education_level(k)
    if code is None:
        raise _cell_error("education", "Pendidikan \"{v}\" tidak dikenali: tulis Tidak sekolah, SD, SMP, SMA, SMK, D1, D2, D3, D4, S1, "
                                       "S2, atau S3 (juga Paket A/B/C, SLTP, SLTA, Diploma III, Strata 1...).",
                          "Education \"{v}\" is not recognised: write Tidak sekolah (none), SD, SMP, SMA, SMK, D1, D2, D3, D4, S1, S2 "
                          "or S3 (also Paket A/B/C, SLTP, SLTA, Diploma III, Strata 1...).",
                          AccountCode.EDUCATION_INVALID, v=_text(value)[:30])
    return code


YES = {"ya", "y", "yes", "true", "1", "iya", "benar"}
NO = {"tidak", "t", "tdk", "no", "n", "false", "0", "bukan"}


def parse_yes_no(value: Any, key: str = "disability") -> bool:
    k = _key(value)
    if not k or k in NO:
        return False
    if k in YES:
        return True
    raise _cell_error(key, "Isi \"ya\" atau \"tidak\", bukan \"{v}\".", "Write \"ya\" (yes) or \"tidak\" (no), not \"{v}\".",
                      Code.YES_NO_INVALID, v=_text(value)[:30])


DISABILITY_VALUES = {
    "physical": "physical", "fisik": "physical", "daksa": "physical", "tunadaksa": "physical",
    "intellectual": "intellectual", "intelektual": "intellectual", "grahita": "intellectual", "tunagrahita": "intellectual",
    "mental": "mental", "psikososial": "mental",
    "sight": "sight", "netra": "sight", "sensoriknetra": "sight", "tunanetra": "sight",
    "hearing": "hearing", "rungu": "hearing", "sensorikrungu": "hearing", "tunarungu": "hearing",
    "speech": "speech", "wicara": "speech", "sensorikwicara": "speech", "tunawicara": "speech",
    "multiple": "multiple", "ganda": "multiple", "multi": "multiple", "gandamulti": "multiple",
}


def parse_disability_kind(value: Any) -> str:
    return _look_up(value, DISABILITY_VALUES, empty="", key="disability_kind", code=Code.DISABILITY_KIND_INVALID,
                    id_="Jenis disabilitas \"{v}\" tidak dikenali: Fisik, Intelektual, Mental, Netra, Rungu, Wicara, atau Ganda.",
                    en="Disability kind \"{v}\" is not recognised: physical, intellectual, mental, sight, hearing, speech or multiple.")


STATUS_VALUES = {"pendaftar": "registered", "registered": "registered", "applicant": "registered", "daftar": "registered",
                 "calonpeserta": "registered", "terdaftar": "registered", "registrant": "registered", "pendaftaran": "registered",
                 "peserta": "participant", "participant": "participant", "diterima": "participant",
                 "pesertapelatihan": "participant", "accepted": "participant", "trainee": "participant",
                 "diterimasebagaipeserta": "participant"}


def parse_status(value: Any) -> str:
    return _look_up(value, STATUS_VALUES, empty="registered", key="status", code=Code.STATUS_INVALID,
                    id_="Status \"{v}\" tidak dikenali: tulis pendaftar atau peserta.",
                    en="Status \"{v}\" is not recognised: write pendaftar (applicant) or peserta (participant).")


def parse_district_code(value: Any) -> str:
    """A district code as dotted "32.73.01", or "" when empty. Existence is checked by the caller."""
    text = _text(value).replace(" ", "")
    if not text:
        return ""
    digits = text.replace(".", "")
    if not (digits.isascii() and digits.isdigit() and len(digits) == 6):
        raise _cell_error("district", "Kode kecamatan \"{v}\" harus 6 digit, misalnya 32.73.01 atau 327301.",
                          "District code \"{v}\" must have 6 digits, e.g. 32.73.01 or 327301.", Code.DISTRICT_FORMAT, v=text[:30])
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:]}"


def parse_phone(value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    try:
        return normalize_phone(text)
    except ValidationFailed as exc:
        raise CellError(exc.message, code=exc.code, field="phone") from None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def parse_email(value: Any) -> str:
    text = _text(value).lower()
    if not text:
        return ""
    if len(text) > 254 or not _EMAIL.match(text):
        raise _cell_error("email", "Alamat e-mail \"{v}\" tidak sah.", "E-mail address \"{v}\" is not valid.", Code.EMAIL_INVALID, v=text[:60])
    return text


def parse_address(value: Any) -> str:
    address = _text(value)
    if len(address) > 300:
        raise _cell_error("address", "Alamat paling panjang 300 karakter.", "The address has at most 300 characters.", Code.ADDRESS_TOO_LONG)
    return address


def parse_name(value: Any) -> str:
    name = _text(value)
    if len(name) < 2:
        raise _cell_error("full_name", "Nama lengkap wajib diisi sesuai KTP.", "Full name is required, as on the ID card.", AccountCode.NAME_REQUIRED)
    if len(name) > 150:
        raise _cell_error("full_name", "Nama lengkap paling panjang 150 karakter.", "The full name has at most 150 characters.", Code.NAME_TOO_LONG)
    return name


# --- one row ------------------------------------------------------------------------------------

@dataclass
class RowData:
    """A row that passed the file checks (the database checks come next)."""

    nik: str = field(repr=False)  # never in logs or tracebacks (UU PDP); ParsedNik masks its own
    nik_index: str
    parsed: nik_rules.ParsedNik
    full_name: str
    birth_date: dt.date
    birth_date_given: bool  # written in the row (not taken from the NIK): needed to link an existing person
    sex: str
    education: str
    phone: str
    email: str
    address: str
    district: str  # dotted district code: given, or the NIK's
    district_given: bool
    has_disability: bool
    disability_kind: str
    status: str
    nik_warnings: list[dict]


@dataclass
class RowResult:
    row: int  # spreadsheet row number
    cells: list[Any] = field(repr=False)  # the raw row, full NIK included: kept out of repr
    status: str = "error"  # created | unchanged | valid (not saved) | error
    nik_masked: str = ""
    full_name: str = ""
    errors: list[tuple[str, Msg]] = field(default_factory=list)  # (column key, message)
    warnings: list[tuple[str, Msg]] = field(default_factory=list)
    data: RowData | None = None

    def add_error(self, key: str, message: Msg) -> None:
        self.errors.append((key, message))
        self.status = "error"


def _cell(cells: list[Any], columns: dict[str, int], key: str) -> Any:
    i = columns.get(key)
    if i is None or i >= len(cells):
        return None
    return cells[i]


def _at_cell(message: Msg, columns: dict[str, int], key: str, row: int) -> Msg:
    """A cell's message naming the cell ("(sel C5)"), when the column is in the file."""
    i = columns.get(key)
    if i is None:
        return message
    ref = f"{_col_letter(i)}{row}"
    return Msg(f"{message.id} (sel {ref})", f"{message.en} (cell {ref})")


def _remembered(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``parser`` remembering its answer per cell value (and type: 1, 1.0 and True are different cells).
    A column of categories — sex, education, status, yes/no, a district code, a birth date — repeats a
    few values (thousands of dates) over 100,000 rows, and each parse is tens of string operations.
    Refusals are not remembered (each raises anew); the answers are immutable (text, bool, date)."""
    remembered = functools.lru_cache(maxsize=16384, typed=True)(parser)

    def parse(value: Any) -> Any:
        try:
            hash(value)
        except TypeError:  # not a cell value a reader gives; parsed as it is
            return parser(value)
        return remembered(value)

    return parse


_OPTIONAL_KEYS = frozenset(c.key for c in COLUMNS if not c.required)

# (column key, parser) of every column but the NIK, in the order their messages are listed.
_ROW_PARSERS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("full_name", parse_name), ("birth_date", _remembered(parse_date)), ("sex", _remembered(parse_sex)),
    ("education", _remembered(parse_education)), ("phone", parse_phone), ("email", parse_email), ("address", parse_address),
    ("district", _remembered(parse_district_code)), ("disability", _remembered(parse_yes_no)),
    ("disability_kind", _remembered(parse_disability_kind)), ("status", _remembered(parse_status)),
)


def validate_row(row: int, cells: list[Any], columns: dict[str, int], *, today: dt.date, blind_index) -> RowResult:
    """Every check one row allows without the database. ``blind_index(nik) -> str``."""
    result = RowResult(row=row, cells=cells)
    values: dict[str, Any] = {}
    parsers = _ROW_PARSERS
    parsed = None
    if _is_blank(_cell(cells, columns, "nik")):
        lone = [(i, c) for i, c in enumerate(cells) if not _is_blank(c)]
        if len(lone) == 1:
            where, text = f"{_col_letter(lone[0][0])}{row}", _text(lone[0][1])[:60]
            # One cell and no NIK: most often the signature block or a note under the table ("Bandung, 1 Desember
            # 2026", "Kepala UPTD …"), not a person. One clear message instead of a "required" per column.
            result.add_error("nik", Msg("Baris ini hanya berisi \"{t}\" (sel {c}) tanpa NIK. Bila ini catatan atau tanda tangan di "
                                        "bawah tabel, hapus barisnya; bila ini seorang peserta, lengkapi NIK dan datanya.",
                                        "This row holds only \"{t}\" (cell {c}) and no NIK. If it is a note or a signature under the "
                                        "table, delete the row; if it is a participant, fill in the NIK and the rest.").format(t=text, c=where))
            return result
    try:
        parsed = nik_rules.parse(nik_text(_cell(cells, columns, "nik")), today=today)
    except ValidationFailed as exc:  # NikError or CellError
        result.add_error("nik", _at_cell(exc.message, columns, "nik", row))
    else:
        result.nik_masked = parsed.masked
    for key, parser in parsers:
        value = _cell(cells, columns, key)
        try:
            values[key] = parser(value)
        except CellError as exc:
            # An optional cell that says "nothing here" ("-", "—", "N/A", "tidak ada", "nihil", #N/A) is empty,
            # as offices fill every cell of a table; it is looked at only when the cell did not parse, so the
            # common case costs nothing.
            if key in _OPTIONAL_KEYS and says_nothing(value):
                values[key] = parser(None)
            else:
                result.add_error(key, _at_cell(exc.message, columns, key, row))
    if values.get("address") and len(values["address"]) <= 12 and says_nothing(values["address"]):
        values["address"] = ""
    result.full_name = values.get("full_name") or _text(_cell(cells, columns, "full_name"))[:150]
    if "disability" in values and "disability_kind" in values:
        if values["disability"] and not values["disability_kind"]:
            result.add_error("disability_kind", Msg("Isi jenis disabilitas karena kolom Disabilitas berisi \"ya\".",
                                                    "Fill in the disability kind, since Disability is \"yes\"."))
        elif values["disability_kind"] and not values["disability"]:
            values["disability"] = True  # a kind given implies the flag
    born = values.get("birth_date")
    if born is not None and born > today:
        result.add_error("birth_date", Msg("Tanggal lahir tidak boleh di masa depan.", "The birth date cannot be in the future."))
    if parsed is None or result.errors:
        return result
    district = values["district"] or (parsed.region.district.code if parsed.region.district else "")
    if not district:
        result.add_error("district", Msg(
            "Kode kecamatan domisili wajib diisi: kecamatan pada NIK tidak ada dalam daftar wilayah.",
            "The domicile district code is required: the NIK's district is not in the region list."))
        return result
    declared_born = values["birth_date"] or parsed.birth_date
    declared_sex = values["sex"] or parsed.sex
    warnings = (*parsed.warnings, *nik_rules.compare_declared(parsed, birth_date=declared_born, sex=declared_sex))
    for w in warnings:
        column = {"birth_date_mismatch": "birth_date", "sex_mismatch": "sex"}.get(w.code, "nik")
        result.warnings.append((column, w.message))
    result.data = RowData(
        nik=parsed.nik, nik_index=blind_index(parsed.nik), parsed=parsed, full_name=values["full_name"], birth_date=declared_born,
        birth_date_given=values["birth_date"] is not None, sex=declared_sex, education=values["education"], phone=values["phone"],
        email=values["email"], address=values["address"], district=district,
        district_given=bool(values["district"]), has_disability=values["disability"],
        disability_kind=values["disability_kind"] if values["disability"] else "", status=values["status"],
        nik_warnings=[{"code": w.code, "id": w.message.id, "en": w.message.en} for w in warnings],
    )
    result.status = "valid"
    return result


def mark_duplicates(results: list[RowResult]) -> None:
    """The second and later rows with the same NIK are errors naming the first row."""
    first: dict[str, int] = {}
    for r in results:
        if r.data is None:
            continue
        seen = first.get(r.data.nik)
        if seen is None:
            first[r.data.nik] = r.row
            continue
        r.add_error("nik", Msg("NIK sama dengan baris {n}; setiap orang cukup satu baris.",
                               "Same NIK as row {n}; one row per person.").format(n=seen))
        r.data = None


def reason_text(result: RowResult, language: str = "id", *, at_row: int | None = None) -> str:
    """The errors of a row as one sentence list, for the error file's "Alasan" column. ``at_row``: the
    row's number in the error file, so that "(sel C17)" names the cell where the operator now sees it."""
    parts = []
    row = str(result.row)
    for key, msg in result.errors:
        col = COLUMN_BY_KEY.get(key)
        label = (col.header if language == "id" else col.header_en) if col else key
        text = msg.in_language(language)
        if at_row is not None and "(" in text:
            # One pattern for every row (a pattern per row number filled re's cache: recompiled for each error row).
            text = _CELL_NAMED.sub(lambda m: f"({m.group(1)} {m.group(2)}{at_row})" if m.group(3) == row else m.group(), text)
        parts.append(f"{label}: {text}")
    return " | ".join(parts)


_CELL_NAMED = re.compile(r"\((sel|cell) ([A-Z]{1,3})([0-9]+)\)")


# --- for other apps' imports --------------------------------------------------------------------

def read_rows(file_name: str, data: bytes) -> list[list[Any]]:
    """The first sheet's cells (or the CSV's rows) of an upload with this module's guards — empty, too
    large, recognised by its bytes, sized before any cell is read (``sizing``), password, damage, rows
    limit — without the enrollment columns. Other apps' imports of their own templates read through this
    (certification's assessment sheet). ImportRefused with a clear message otherwise."""
    _check_upload(data)
    kind = detect_kind(file_name, data)
    return _read_sheet(data, kind) if kind in ("xlsx", "xls") else _read_csv(data)
