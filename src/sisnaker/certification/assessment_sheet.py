"""The assessment grid as a spreadsheet: the template an assessor downloads (participants × units, filled
with the results so far) and the reading of it once filled in. Pure: rows in, bytes out; bytes in, rows
out. The file is read through training's guarded reader (``training.spreadsheets.reading.read_rows``: size
before cells, bomb guard, password, damage, row limit); the service (``services.assessment_import``) adds
what needs the database.

The format (also on the template's "Petunjuk" sheet):

* sheet 1, "Penilaian": a header row ``ID pendaftaran | Nama | NIK | <unit code> | <unit code> ...``, then one
  row per participant. ``ID pendaftaran`` and ``Nama`` must match the participant (a row moved to another
  name is refused); ``NIK`` is masked and only helps the reader; it is not read.
* a unit cell holds ``K`` (kompeten) or ``BK`` (belum kompeten), optionally with the score after a slash:
  ``K/85``, ``BK/40`` (a whole number 0–100). Case and spaces do not matter; ``Kompeten`` and ``Belum
  kompeten`` (and the English words) are understood too.
* an empty cell changes nothing (an import never clears an assessment: clear it on the grid). A cell equal
  to what is recorded changes nothing either; the note of an assessment is kept.
* unit columns may be left out or reordered; a column that is not a unit of the program is refused.
* a refused import offers the file back (``error_file_bytes``): every row as it was read, with an "Alasan"
  column saying what is wrong with each wrong row. Fixed, it imports as it is (the "Alasan" column is
  not read), the rows that were right included: an import is all or nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter

from sisnaker.core.errors import Msg, ValidationFailed

from .codes import Code
from .domain import COMPETENT, NOT_YET

SHEET_NAME = "Penilaian"
HELP_SHEET = "Petunjuk"
ID_HEADER, NAME_HEADER, NIK_HEADER, REASON_HEADER = "ID pendaftaran", "Nama", "NIK", "Alasan"
HEADER_SEARCH_ROWS = 10
CODE_OF = {COMPETENT: "K", NOT_YET: "BK"}
RESULT_WORDS = {
    "k": COMPETENT, "kompeten": COMPETENT, "competent": COMPETENT, "c": COMPETENT,
    "bk": NOT_YET, "belumkompeten": NOT_YET, "notyetcompetent": NOT_YET, "nyc": NOT_YET,
}
MAX_CELL_CHARS = 40


class SheetProblem(ValidationFailed):
    """A file-level refusal (no header, unknown column)."""


def _key(value: Any) -> str:
    return re.sub(r"[\s_\-.]+", "", str(value or "")).casefold()


def unit_key(code: Any) -> str:
    """Unit codes compare without case, spaces or surrounding punctuation (``J.62010.001.01`` stays itself)."""
    return re.sub(r"\s+", "", str(code or "")).upper().strip(".")


def cell_text(result: str, score: int | None) -> str:
    """What the template shows for a recorded result: "", "K", "BK/40"."""
    if not result:
        return ""
    return CODE_OF[result] + ("" if score is None else f"/{score}")


def parse_result_cell(value: Any) -> tuple[str, int | None] | None:
    """One unit cell: None when empty (no change), else (result, score). ValidationFailed otherwise,
    with the fix in its message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (bool, int, float)):
        raise ValidationFailed(Msg("Tulis K atau BK, dengan nilai angka sesudah garis miring bila ada (mis. K/85), bukan angka saja.",
                                   "Write K or BK, with the score after a slash if any (e.g. K/85), not a number alone."),
                               code=Code.ASSESSMENT_IMPORT_CELL, field="result")
    text = str(value).strip()
    bad = ValidationFailed(Msg("“{v}” tidak dikenal: tulis K, BK, atau dengan nilai angka 0–100 seperti K/85 atau BK/40.",
                               "“{v}” is not understood: write K, BK, or with a score 0–100 such as K/85 or BK/40.").format(
                                   v=text[:MAX_CELL_CHARS]), code=Code.ASSESSMENT_IMPORT_CELL, field="result")
    if len(text) > MAX_CELL_CHARS or text.count("/") > 1:
        raise bad
    word, slash, score_text = text.partition("/")
    result = RESULT_WORDS.get(_key(word))
    if result is None:
        raise bad
    score_text = score_text.strip()
    if not slash:
        return result, None
    if not (score_text.isascii() and score_text.isdigit() and len(score_text) <= 3 and int(score_text) <= 100):
        raise ValidationFailed(Msg("Nilai angka sesudah garis miring harus bilangan bulat 0–100 (mis. K/85).",
                                   "The score after the slash must be a whole number 0–100 (e.g. K/85)."),
                               code=Code.ASSESSMENT_SCORE, field="score")
    return result, int(score_text)


def parse_enrollment_id(value: Any) -> int | None:
    """The ``ID pendaftaran`` cell (text, or a number as the spreadsheet stores it); None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    text = str(value or "").strip().lstrip("#")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 and int(text) > 0 else None


def same_name(a: Any, b: Any) -> bool:
    return " ".join(str(a or "").split()).casefold() == " ".join(str(b or "").split()).casefold()


# --- reading --------------------------------------------------------------------------------------

@dataclass
class SheetRow:
    row: int                                  # the spreadsheet's row number
    enrollment_id: int | None
    name: str
    cells: dict[str, tuple[str, int | None]]  # unit code → (result, score), the non-empty cells
    errors: list[tuple[str, Msg]] = field(default_factory=list)  # (column, why)
    raw: dict[str, Any] = field(default_factory=dict)  # unit code → the cell as read (for the error file)
    raw_id: Any = None                                 # the ID cell as read


@dataclass
class Sheet:
    unit_codes: list[str]  # the unit columns, as the program spells them
    rows: list[SheetRow]


def read_sheet(raw: list[list[Any]], *, program_units: list[str]) -> Sheet:
    """The rows of a filled-in template (cells as read). File-level problems raise SheetProblem; row and
    cell problems are on each row's ``errors``."""
    by_key = {unit_key(code): code for code in program_units}
    header_at = next((i for i, cells in enumerate(raw[:HEADER_SEARCH_ROWS]) if any(_key(c) == _key(ID_HEADER) for c in cells)), None)
    if header_at is None:
        raise SheetProblem(Msg("Baris judul tidak ditemukan: salah satu dari {n} baris pertama harus berisi kolom \"{h}\". "
                               "Unduh templat penilaian program ini lalu isi.",
                               "No header row found: one of the first {n} rows must have the column \"{h}\". "
                               "Download this program's assessment template and fill it in.").format(n=HEADER_SEARCH_ROWS, h=ID_HEADER),
                           code=Code.ASSESSMENT_IMPORT_HEADER)
    header = raw[header_at]
    columns: dict[str, int] = {}
    units: dict[int, str] = {}
    unknown = []
    for index, value in enumerate(header):
        key = _key(value)
        if not key:
            continue
        if key in (_key(ID_HEADER), _key(NAME_HEADER), _key(NIK_HEADER)):
            columns.setdefault(key, index)
        elif key == _key(REASON_HEADER):
            continue  # the error file's reasons: not read
        elif unit_key(value) in by_key:
            if by_key[unit_key(value)] in units.values():
                unknown.append(str(value).strip())
            units[index] = by_key[unit_key(value)]
        else:
            unknown.append(str(value).strip())
    if unknown:
        raise SheetProblem(Msg("Kolom ini bukan unit kompetensi program ini (atau tertulis dua kali): {c}. Unit program: {u}.",
                               "These columns are not competency units of this program (or appear twice): {c}. The program's units: {u}.")
                           .format(c=", ".join(unknown[:20]), u=", ".join(program_units) or "-"),
                           code=Code.ASSESSMENT_IMPORT_COLUMNS, details={"unknown": unknown[:100]})
    if _key(NAME_HEADER) not in columns:
        raise SheetProblem(Msg("Kolom \"{h}\" tidak ada. Unduh templat penilaian program ini lalu isi.",
                               "The \"{h}\" column is missing. Download this program's assessment template and fill it in.").format(
                                   h=NAME_HEADER), code=Code.ASSESSMENT_IMPORT_COLUMNS)
    id_col, name_col = columns[_key(ID_HEADER)], columns[_key(NAME_HEADER)]
    rows = []
    for number, cells in enumerate(raw[header_at + 1:], start=header_at + 2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue

        def at(i: int, cells: list[Any] = cells) -> Any:
            return cells[i] if i < len(cells) else None

        row = SheetRow(row=number, enrollment_id=parse_enrollment_id(at(id_col)), name=" ".join(str(at(name_col) or "").split()), cells={},
                       raw_id=at(id_col))
        if row.enrollment_id is None:
            row.errors.append((ID_HEADER, Msg("ID pendaftaran kosong atau bukan angka: salin dari templat, jangan diubah.",
                                              "The enrollment ID is empty or not a number: keep it as the template has it.")))
        for index, code in units.items():
            row.raw[code] = at(index)
            try:
                parsed = parse_result_cell(at(index))
            except ValidationFailed as exc:
                row.errors.append((code, exc.message))
            else:
                if parsed is not None:
                    row.cells[code] = parsed
        rows.append(row)
    if not rows:
        raise SheetProblem(Msg("Berkas tidak berisi baris peserta di bawah baris judul.", "The file has no participant rows below the header."),
                           code=Code.ASSESSMENT_IMPORT_EMPTY)
    return Sheet(unit_codes=list(units.values()), rows=rows)


# --- writing --------------------------------------------------------------------------------------

MAX_REASON_CHARS = 2000


def reasons_text(errors: list[tuple[str, str]]) -> str:
    """The "Alasan" cell of a wrong row: "column: why" per problem (as the enrolment import's error file)."""
    return " | ".join(f"{column}: {why}" for column, why in errors)[:MAX_REASON_CHARS]


def _raw_text(value: Any) -> str:
    """A cell as the file had it, written back as text (a number stays refused as it was: "85")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def error_file_bytes(*, unit_codes: list[str], rows: list[tuple[SheetRow, str]]) -> bytes:
    """The file of a refused import: ``ID pendaftaran | Nama | <unit columns read> | Alasan``, every row
    (``rows`` pairs each row read with its reasons, empty when right) as read, wrong rows marked. The NIK
    column is left out (it is never read, and a kept file should hold no more than it needs)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    reason_head = book.add_format({"bold": True, "bg_color": "#FDE68A", "border": 1})
    text = book.add_format({"num_format": "@"})
    wrong = book.add_format({"num_format": "@", "bg_color": "#FDE68A"})
    sheet = book.add_worksheet(SHEET_NAME)
    for col, value in enumerate([ID_HEADER, NAME_HEADER, *unit_codes]):
        sheet.write_string(0, col, value, bold)
    reason_col = 2 + len(unit_codes)
    sheet.write_string(0, reason_col, REASON_HEADER, reason_head)
    sheet.set_column(0, 0, 15, text)
    sheet.set_column(1, 1, 32, text)
    if unit_codes:
        sheet.set_column(2, reason_col - 1, 14, text)
    sheet.set_column(reason_col, reason_col, 80)
    for r, (row, reasons) in enumerate(rows, start=1):
        fmt = wrong if reasons else text
        sheet.write_string(r, 0, _raw_text(row.raw_id), fmt)
        sheet.write_string(r, 1, row.name, fmt)
        for c, code in enumerate(unit_codes):
            sheet.write_string(r, 2 + c, _raw_text(row.raw.get(code)), fmt)
        if reasons:
            sheet.write_string(r, reason_col, reasons, wrong)
    sheet.freeze_panes(1, 2)
    book.close()
    return buffer.getvalue()


@dataclass
class TemplateRow:
    enrollment_id: int
    name: str
    nik_masked: str
    cells: list[str]  # per unit, in ``units`` order: "", "K", "BK/40"


HELP_LINES = [
    ("Petunjuk pengisian penilaian kompetensi", "How to fill in the competency assessment"),
    ("Satu baris per peserta, satu kolom per unit kompetensi (kode unit di baris judul).",
     "One row per participant, one column per competency unit (unit codes in the header row)."),
    ("Tulis K (kompeten) atau BK (belum kompeten). Nilai angka 0–100 boleh ditambahkan sesudah garis miring: K/85, BK/40.",
     "Write K (competent) or BK (not yet competent). A score 0–100 may follow a slash: K/85, BK/40."),
    ("Sel kosong tidak mengubah apa pun: impor tidak pernah menghapus penilaian (hapus di lembar penilaian di Sisnaker).",
     "An empty cell changes nothing: an import never clears an assessment (clear it on Sisnaker's grid)."),
    ("Jangan ubah kolom ID pendaftaran dan Nama: baris yang ID dan namanya tidak cocok ditolak.",
     "Do not change the enrollment ID and Name columns: a row whose ID and name do not match is refused."),
    ("Kolom NIK disamarkan dan tidak dibaca.", "The NIK column is masked and not read."),
    ("Semua atau tidak sama sekali: bila ada satu sel yang salah, tidak ada yang disimpan dan setiap kesalahan ditunjukkan per baris.",
     "All or nothing: when any cell is wrong nothing is saved, and every mistake is shown per row."),
    ("Peserta yang sudah bersertifikat tidak dapat diubah.", "Participants who already have a certificate cannot be changed."),
]


def template_bytes(*, program_title: str, units: list[tuple[str, str]], rows: list[TemplateRow]) -> bytes:
    """The filled template: units are (code, title); the "Petunjuk" sheet explains the format."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    locked = book.add_format({"num_format": "@", "font_color": "#555555"})
    sheet = book.add_worksheet(SHEET_NAME)
    headers = [ID_HEADER, NAME_HEADER, NIK_HEADER] + [code for code, _ in units]
    for col, value in enumerate(headers):
        sheet.write_string(0, col, value, bold)
    sheet.set_column(0, 0, 15, locked)
    sheet.set_column(1, 1, 32, locked)
    sheet.set_column(2, 2, 19, locked)
    if units:
        sheet.set_column(3, 2 + len(units), 14, text)
    for i, (code, title) in enumerate(units):
        sheet.write_comment(0, 3 + i, f"{code}: {title}")
    for r, row in enumerate(rows, start=1):
        sheet.write_string(r, 0, str(row.enrollment_id), locked)
        sheet.write_string(r, 1, row.name, locked)
        sheet.write_string(r, 2, row.nik_masked, locked)
        for c, value in enumerate(row.cells):
            sheet.write_string(r, 3 + c, value, text)
    if units and rows:
        sheet.data_validation(1, 3, len(rows), 2 + len(units), {
            "validate": "any", "input_title": "K / BK", "input_message": "K, BK, K/85, BK/40",
        })
    sheet.freeze_panes(1, 3)
    help_sheet = book.add_worksheet(HELP_SHEET)
    help_sheet.set_column(0, 0, 110)
    help_sheet.write_string(0, 0, program_title, bold)
    line = 2
    for id_text, en_text in HELP_LINES:
        help_sheet.write_string(line, 0, id_text)
        help_sheet.write_string(line + 1, 0, en_text, locked)
        line += 3
    help_sheet.write_string(line, 0, "Unit kompetensi / Competency units", bold)
    for i, (code, title) in enumerate(units, start=1):
        help_sheet.write_string(line + i, 0, f"{code}  {title}")
    book.close()
    return buffer.getvalue()
