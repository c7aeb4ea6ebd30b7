"""Import of applicants/participants from a spreadsheet, and the export of enrollment tables.

``enrollments_import`` reads and checks the file outside any transaction (pure, ``imports``), then in
ONE transaction locks the program, looks up everything it needs with a fixed number of queries
(chunked ``IN`` look-ups for very large files, never one per row), decides each row, and writes with
``bulk_create``. Nothing is half-saved: in ``all_or_nothing`` mode any error saves nothing; in
``valid_only`` mode the valid rows are saved together and the error rows come back as an .xlsx error
file (original columns + "Alasan") that re-imports once fixed. Re-importing the same file changes
nothing: people already enrolled in the program are reported as ``unchanged``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sisnaker.accounts.domain import names_match
from sisnaker.accounts.models import Person
from sisnaker.core import audit, crypto
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.regions.models import District, Regency
from sisnaker.regions.nik import mask

from . import domain, imports, selectors, services
from .domain import ACTIVE_STATES
from .domain import EnrollmentState as E
from .domain import ProgramStatus as P
from .imports import COLUMNS, REASON_HEADER, RowResult
from .models import Enrollment, ImportErrorFile, Program

MODES = ("all_or_nothing", "valid_only")
# The one answer for a row whose NIK is registered with another name or birth date: nothing about the
# registered person (issue 7 §2).
DATA_MISMATCH = Msg("Data tidak cocok dengan data terdaftar untuk NIK ini.", "The data does not match the registered data for this NIK.")
SEAT_STATES = (E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT)
CHUNK = 5000  # NIK look-ups per query (SQLite's variable limit, PostgreSQL's plan size)
WIB = ZoneInfo("Asia/Jakarta")


@dataclass
class ImportReport:
    file_name: str
    mode: str
    total: int = 0
    created: int = 0  # enrollments created
    people_created: int = 0
    unchanged: int = 0
    errors: int = 0
    warnings: int = 0  # rows with at least one warning
    saved: bool = False  # whether anything was written
    late: bool = False
    rows: list[RowResult] = field(default_factory=list)
    error_file: bytes | None = None

    @property
    def valid_not_saved(self) -> int:
        return sum(1 for r in self.rows if r.status == "valid")


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _nik_index(nik: str) -> str:
    return crypto.blind_index(nik, label="nik")


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValidationFailed(Msg("Pilih cara impor: semua-atau-tidak-sama-sekali, atau hanya baris yang benar.",
                                   "Choose the import mode: all or nothing, or valid rows only."), code="import_mode", field="mode")


def import_needs_late_reason(*, program: Program, today: dt.date) -> bool:
    return domain.is_late(window=domain.Window(program.registration_opens, program.registration_closes), status=program.status, today=today)


def _check_program_open(program: Program) -> None:
    if program.status in (P.DRAFT, P.CLOSED, P.CANCELLED):
        raise Conflict(Msg("Program berstatus \"{s}\": tidak dapat menambah pendaftar.", "The program is \"{s_en}\": no one can be added.").format(
            s=domain.status_label(program.status).id, s_en=domain.status_label(program.status).en), code="program_not_open")


def enrollments_import(
    *, actor, program: Program, file_name: str, data: bytes, mode: str, today: dt.date, late_reason: str = ""
) -> ImportReport:
    """Import applicants (Pendaftar) or participants (Peserta) of ``program`` from a spreadsheet."""
    require(actor, "program.manage", program)
    _check_mode(mode)
    _check_program_open(program)
    late_reason = (late_reason or "").strip()
    late = import_needs_late_reason(program=program, today=today)
    if late and not late_reason:
        raise ValidationFailed(
            Msg("Pendaftaran program ini sudah ditutup ({d}): tuliskan alasan pendaftaran susulan untuk seluruh berkas.",
                "Registration for this program closed ({d}): write the reason for this late registration, for the whole file.").format(
                    d=program.registration_closes.isoformat()),
            code="late_reason_required", field="late_reason",
        )
    table = imports.read_table(file_name, data)
    results = [
        imports.validate_row(row, cells, table.columns, today=today, blind_index=_nik_index) for row, cells in table.rows
    ]
    imports.mark_duplicates(results)
    report = ImportReport(file_name=file_name, mode=mode, total=len(results), rows=results, late=late)
    try:
        with transaction.atomic():
            _decide_and_save(actor=actor, program=program, report=report, late_reason=late_reason if late else "", today=today)
    except IntegrityError as exc:  # someone created the same person or enrollment meanwhile
        raise Conflict(Msg("Data program berubah selama impor (orang yang sama didaftarkan bersamaan). Tidak ada yang disimpan; ulangi impor.",
                           "The program's data changed during the import (the same person was added meanwhile). Nothing was saved; import again."),
                       code="import_conflict") from exc
    report.errors = sum(1 for r in results if r.status == "error")
    report.warnings = sum(1 for r in results if r.warnings)
    report.unchanged = sum(1 for r in results if r.status == "unchanged")
    if report.errors:
        report.error_file = error_file_bytes(table.headers, table.columns, [r for r in results if r.status == "error"])
    return report


class _Known(NamedTuple):
    """A registered person whose NIK is in the file."""

    pk: int
    name: str
    born: dt.date
    education: str
    user_id: int | None
    language: str | None
    added_by: int | None


def _decide_and_save(*, actor, program: Program, report: ImportReport, late_reason: str, today: dt.date) -> None:
    program = Program.objects.select_for_update().get(pk=program.pk)
    _check_program_open(program)
    valid = [r for r in report.rows if r.data is not None]

    # Existing people (by blind index) and their enrollments.
    indexes = [r.data.nik_index for r in valid]
    people: dict[str, _Known] = {}
    for chunk in _chunks(indexes):
        for index, *values in Person.objects.filter(nik_index__in=chunk).values_list(
            "nik_index", "pk", "full_name", "birth_date", "education", "user_id", "user__preferred_language", "added_by_institution_id"
        ):
            people[index] = _Known(*values)
    # A row links to an existing person only when its name and birth date match that person's; otherwise it
    # is refused without a word about the registered data. The birth date must be written in the row (one
    # taken from the NIK proves nothing), except for a person this institution itself added and nobody has
    # claimed yet, so that re-importing its own file stays a no-op. Every look-up is recorded (one bulk insert).
    purpose = f"impor berkas program {program.pk}"
    lookups = []
    for r in valid:
        d, existing = r.data, people.get(r.data.nik_index)
        if existing is None:
            outcome = "not_found"
        elif ((d.birth_date_given or (existing.user_id is None and existing.added_by == program.institution_id))
              and existing.born == d.birth_date and names_match(existing.name, d.full_name)):
            outcome = "matched"
        else:
            outcome = "mismatch"
        lookups.append((existing.pk if existing else "", r.nik_masked, None,
                        {"outcome": outcome, "purpose": purpose, "nik": r.nik_masked, "row": r.row}))
        if outcome == "mismatch":
            r.add_error("nik", DATA_MISMATCH)
            r.data = None
    valid = [r for r in valid if r.data is not None]
    enrolled = set(Enrollment.objects.filter(program=program).values_list("person_id", flat=True))
    person_ids = [p.pk for p in people.values() if p.pk not in enrolled]
    clashes: dict[int, tuple[str, dt.date, dt.date]] = {}
    for chunk in _chunks(person_ids):
        for pid, title, start, end in (
            Enrollment.objects.filter(
                person_id__in=chunk, state__in=ACTIVE_STATES,
                program__start_date__lte=program.end_date, program__end_date__gte=program.start_date,
            ).exclude(program=program).values_list("person_id", "program__title", "program__start_date", "program__end_date")
        ):
            clashes.setdefault(pid, (title, start, end))
    districts = {r.data.district for r in valid} | {
        r.data.parsed.region.district.code for r in valid if r.data.parsed.region.district
    }
    known_districts = set()
    for chunk in _chunks(sorted(districts)):
        known_districts.update(District.objects.filter(code__in=chunk).values_list("code", flat=True))
    regencies = {r.data.parsed.region.regency.code for r in valid}
    known_regencies = set(Regency.objects.filter(code__in=sorted(regencies)).values_list("code", flat=True))
    seats_left = program.quota - Enrollment.objects.filter(program=program, state__in=SEAT_STATES).count()

    for r in valid:
        d = r.data
        existing = people.get(d.nik_index)
        if existing is not None and existing.pk in enrolled:
            r.status = "unchanged"
            continue
        if d.district not in known_districts:
            r.add_error("district", Msg("Kode kecamatan {c} tidak ada dalam daftar wilayah.", "District code {c} is not in the region list.").format(
                c=d.district))
        if d.parsed.region.regency.code not in known_regencies:
            r.add_error("nik", Msg("Kabupaten/kota pada NIK belum dimuat di daftar wilayah; hubungi admin.",
                                   "The NIK's regency is not loaded in the region list; contact the administrator."))
        if existing is not None:
            born, education = existing.born, existing.education
        else:
            born, education = d.birth_date, d.education
        for column, problems in (
            ("birth_date", domain.eligibility_problems(birth_date=born, education=education, start_date=program.start_date,
                                                       min_age=program.min_age, max_age=program.max_age, min_education="")),
            ("education", domain.eligibility_problems(birth_date=born, education=education, start_date=program.start_date,
                                                      min_age=None, max_age=None, min_education=program.min_education)),
        ):
            for p in problems:
                r.add_error(column, Msg("Belum memenuhi syarat: " + p.id, "Not eligible: " + p.en))
        if existing is not None and existing.pk in clashes:
            title, start, end = clashes[existing.pk]
            r.add_error("nik", Msg("Jadwal bentrok dengan pendaftaran aktif di \"{t}\" ({a} s.d. {b}).",
                                   "The dates clash with an active enrollment in \"{t}\" ({a} to {b}).").format(
                                       t=title, a=start.isoformat(), b=end.isoformat()))
        if r.status == "error":
            r.data = None
            continue
        if d.status == E.PARTICIPANT:
            if seats_left <= 0:
                r.add_error("status", Msg("Kuota program sudah penuh ({q} peserta); baris ini tidak dapat menjadi peserta. "
                                          "Ubah Status menjadi pendaftar atau tambah kuota.",
                                          "The program's quota is full ({q} participants); this row cannot be a participant. "
                                          "Change Status to applicant or raise the quota.").format(q=program.quota))
                r.data = None
                continue
            seats_left -= 1

    errors = sum(1 for r in report.rows if r.status == "error")
    now = timezone.now()
    audit.record_many(actor=actor, action="person.looked_up", object_type="accounts.person", rows=lookups, reason=purpose, at=now)
    to_save = [r for r in report.rows if r.status == "valid"] if not (errors and report.mode == "all_or_nothing") else []
    if not to_save:
        # Nothing saved (refused, every row wrong, or nothing new): still one row that says so.
        audit.record(
            actor=actor, action="program.import_refused" if errors else "program.import", obj=program, reason=late_reason, at=now,
            after={"file": report.file_name[:200], "mode": report.mode, "rows": report.total, "created": 0, "people_created": 0,
                   "unchanged": sum(1 for r in report.rows if r.status == "unchanged"), "errors": errors,
                   "late": bool(late_reason), "saved": False},
        )
        return
    registered_by = actor.pk if getattr(actor, "is_authenticated", False) else None
    new_people: dict[str, dict] = {}
    for r in to_save:
        d = r.data
        if d.nik_index in people or d.nik_index in new_people:
            continue
        new_people[d.nik_index] = {
            "user_id": None, "nik_encrypted": crypto.encrypt(d.nik), "nik_index": d.nik_index,
            "nik_regency_id": d.parsed.region.regency.code,
            "nik_district_id": d.parsed.region.district.code if d.parsed.region.district else None,
            "full_name": d.full_name, "birth_date": d.birth_date, "sex": d.sex, "nik_warnings": d.nik_warnings,
            "has_disability": d.has_disability, "disability_kind": d.disability_kind, "education": d.education, "phone": d.phone,
            "email": d.email, "domicile_district_id": d.district, "registered_by_id": registered_by,
            # Provisional until its owner claims it: added by the importing institution.
            "added_by_institution_id": program.institution_id, "created_at": now, "updated_at": now,
        }
    _insert(Person, list(new_people.values()))
    new_ids: dict[str, int] = {}
    for chunk in _chunks(list(new_people)):
        new_ids.update(Person.objects.filter(nik_index__in=chunk).values_list("nik_index", "pk"))
    enrollment_rows = []
    for r in to_save:
        d = r.data
        person_id = people[d.nik_index].pk if d.nik_index in people else new_ids[d.nik_index]
        enrollment_rows.append({
            "program_id": program.pk, "person_id": person_id, "state": d.status, "source": Enrollment.Source.IMPORT,
            "late": bool(late_reason), "late_reason": late_reason, "registered_at": now, "state_changed_at": now,
        })
    _insert(Enrollment, enrollment_rows)
    enrollment_ids = dict(Enrollment.objects.filter(program=program, registered_at=now, source=Enrollment.Source.IMPORT)
                          .values_list("person_id", "pk"))
    enrollments = [(enrollment_ids[e["person_id"]], e) for e in enrollment_rows]
    for r in to_save:
        r.status = "created"
    action = "enrollment.late_imported" if late_reason else "enrollment.imported"
    audit.record_many(
        actor=actor, action=action, object_type="training.enrollment", reason=late_reason, at=now,
        rows=[(pk, r.data.full_name, None, {"program": program.pk, "person": e["person_id"], "state": e["state"], "source": "import",
                                           "late": bool(late_reason), "row": r.row, "person_created": r.data.nik_index in new_people})
              for (pk, e), r in zip(enrollments, to_save, strict=True)],
    )
    report.created = len(enrollments)
    report.people_created = len(new_people)
    report.saved = True
    audit.record(
        actor=actor, action="program.import", obj=program, reason=late_reason, at=now,
        after={"file": report.file_name[:200], "mode": report.mode, "rows": report.total, "created": report.created,
               "people_created": report.people_created, "unchanged": sum(1 for r in report.rows if r.status == "unchanged"),
               "errors": errors, "late": bool(late_reason), "saved": True},
    )
    _notify_enrolled(actor=actor, program=program, people=[people[r.data.nik_index] for r in to_save if r.data.nik_index in people])


def _notify_enrolled(*, actor, program: Program, people: list[_Known]) -> None:
    """People with an account whom the import enrolled are told, after commit (one bulk insert)."""
    from sisnaker.notifications.services import notify_many

    messages = []
    for known in people:
        if known.user_id is None or known.user_id == getattr(actor, "pk", None):
            continue
        subject, text = services.enrolled_by_other_message(actor=actor, program=program, language=known.language or "id")
        messages.append((known.pk, subject, text))
    notify_many(messages=messages, topic=services.enrolled_by_other_topic(program))


def _insert(model, rows: list[dict], batch: int = 2000) -> None:
    """INSERT many rows with ``executemany`` (pipelined by psycopg 3), skipping the ORM's per-value
    SQL compilation, which costs more than the database itself at 100,000 rows. Every concrete
    column is written: values given in ``rows`` (by attname), else the field's default. Values are
    adapted once per column kind (dates, datetimes, JSON) the way Django's backends expect."""
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        _copy(model, fields, rows)
        return
    columns, defaults, adapters = [], [], []
    for f in fields:
        columns.append(connection.ops.quote_name(f.column))
        defaults.append(f.get_default())
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif kind == "JSONField":
            adapters.append(lambda value, f=f: f.get_db_prep_save(value, connection))
        else:
            adapters.append(None)
    plan = list(zip([f.attname for f in fields], defaults, adapters, strict=True))
    sql = (f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - identifiers from the model, quoted
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    values = [
        tuple((adapt(row[name]) if adapt else row[name]) if name in row else (adapt(default) if adapt else default)
              for name, default, adapt in plan)
        for row in rows
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(values, batch):
            cursor.executemany(sql, chunk)


def _copy(model, fields, rows: list[dict]) -> None:
    """PostgreSQL: ``COPY … FROM STDIN`` (psycopg 3 adapts dates, datetimes, booleans and NULLs;
    JSON goes as its text)."""
    names = [f.attname for f in fields]
    defaults = [f.get_default() for f in fields]
    is_json = [f.get_internal_type() == "JSONField" for f in fields]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = [row.get(name, default) for name, default in zip(names, defaults, strict=True)]
            for i, j in enumerate(is_json):
                if j and values[i] is not None:
                    values[i] = json.dumps(values[i], ensure_ascii=False)
            copy.write_row(values)


# --- spreadsheets we write ----------------------------------------------------------------------

def _workbook(buffer, **options):
    import xlsxwriter

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
    buffer = io.BytesIO()
    book = _workbook(buffer)
    sheet = book.add_worksheet("Baris bermasalah")
    bold = book.add_format({"bold": True, "bg_color": "#FDE68A"})
    text = book.add_format({"num_format": "@"})
    kinds = {dt.datetime: book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}), dt.date: book.add_format({"num_format": "yyyy-mm-dd"}),
             dt.time: book.add_format({"num_format": "hh:mm:ss"}), dt.timedelta: book.add_format({"num_format": "[h]:mm:ss"})}
    width = max(len(headers), max((len(r.cells) for r in rows), default=0))
    headers = list(headers) + [""] * (width - len(headers))
    headers = [h or f"Kolom {i + 1}" for i, h in enumerate(headers)]
    sheet.write_row(0, 0, headers + [REASON_HEADER], bold)
    for c in {columns[k] for k in ("nik", "phone", "district") if k in columns}:
        sheet.set_column(c, c, 20, text)  # what the operator types there to fix a row stays text
    for i, r in enumerate(rows, start=1):
        for c, value in enumerate(r.cells[:width]):
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
        sheet.write_string(i, width, imports.reason_text(r))
    sheet.set_column(width, width, 80)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


EDUCATION_CHOICES = ["SD", "SMP", "SMA", "SMK", "D1", "D2", "D3", "D4", "S1", "S2", "S3"]
DISABILITY_CHOICES = ["Fisik", "Intelektual", "Mental", "Netra", "Rungu", "Wicara", "Ganda"]
EXAMPLE_ROW = ["3273015705950001", "Siti Nurhaliza", "1995-05-17", "P", "SMK", "081234567890", "siti@contoh.id",
               "32.73.01", "tidak", "", "pendaftar"]
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
    head = book.add_format({"bold": True, "bg_color": "#DBEAFE", "border": 1, "text_wrap": True, "valign": "top"})
    note = book.add_format({"italic": True, "font_color": "#4B5563", "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    key_col = {c.key: i for i, c in enumerate(COLUMNS)}
    for i, c in enumerate(COLUMNS):
        sheet.write_string(0, i, c.header + (" *" if c.required else ""), head)
        sheet.write_comment(0, i, f"{c.note.id}\n{c.note.en}", {"x_scale": 2, "y_scale": 1.5})
    widths = {"nik": 20, "full_name": 28, "birth_date": 14, "sex": 8, "education": 11, "phone": 16, "email": 24,
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
    # The example sheet: never read by the import (only the first sheet is).
    example.write_string(0, 0, "Contoh pengisian (lembar ini tidak diimpor; isi data di lembar \"Data\"). "
                               "Example (this sheet is not imported; fill in the \"Data\" sheet).", note)
    for i, c in enumerate(COLUMNS):
        example.write_string(2, i, c.header + (" *" if c.required else ""), head)
        example.write_string(3, i, EXAMPLE_ROW[i], text)
        example.write_string(4, i, f"{c.note.id}\n{c.note.en}", note)
        example.set_column(i, i, max(widths[c.key], 22))
    example.set_row(4, 90)
    example.write_string(6, 0, "* wajib diisi / required", note)
    book.close()
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "templat-impor-peserta.xlsx"


# --- error files kept for download ---------------------------------------------------------------

ERROR_FILE_GONE = Msg("Berkas galat tidak ditemukan atau sudah kedaluwarsa (disimpan {d} hari); impor ulang untuk membuatnya lagi.",
                      "The error file was not found or has expired (kept {d} days); import again to make it anew.")


def error_file_store(*, actor, program: Program, content: bytes) -> str:
    """Keep an import's error file (default storage, so S3 when configured) for ``ImportErrorFile.KEEP_DAYS``
    days and schedule its deletion; returns its token (the only way to name it in a URL)."""
    require(actor, "program.manage", program)
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        record = ImportErrorFile.objects.create(
            token=token, program=program, institution_id=program.institution_id,
            created_by=actor if getattr(actor, "is_authenticated", False) else None, created_at=now,
            expires_at=now + dt.timedelta(days=ImportErrorFile.KEEP_DAYS), path=_error_path(program.pk, token),
        )
        saved = default_storage.save(record.path, ContentFile(content))
        if saved != record.path:
            ImportErrorFile.objects.filter(pk=record.pk).update(path=saved)
        audit.record(actor=actor, action="program.import_error_file_kept", obj=program,
                     after={"error_file": record.pk, "expires_at": record.expires_at})
        transaction.on_commit(lambda: _schedule_deletion(record))
    return token


def _schedule_deletion(record: ImportErrorFile) -> None:
    from .tasks import delete_import_error_file, sweep_import_error_files

    if delete_import_error_file.get_backend().supports_defer:
        delete_import_error_file.using(run_after=record.expires_at).enqueue(error_file_id=record.pk)
    sweep_import_error_files.enqueue()


def _error_path(program_id: int, token: str) -> str:
    return f"imports/{int(program_id)}/{token}.xlsx"


def error_file_open(*, actor, program: Program, token: str, now: dt.datetime | None = None) -> bytes:
    """The error file named by ``token``, for a manager of the institution that imported it; refused
    once expired, even if the scheduled deletion has not run yet. Each download is recorded."""
    require(actor, "program.manage", program)
    record = None
    if len(token) == 32 and all(ch in "0123456789abcdef" for ch in token):
        record = ImportErrorFile.objects.filter(token=token, program=program).first()
    if record is None or record.institution_id != program.institution_id:
        raise NotFound(Msg("Berkas galat tidak ditemukan.", "Error file not found."), code="error_file_not_found")
    require(actor, "program.manage", record)  # the importing institution, whatever the program says now
    if record.deleted_at is not None or record.expires_at <= (now or timezone.now()) or not default_storage.exists(record.path):
        raise NotFound(ERROR_FILE_GONE.format(d=ImportErrorFile.KEEP_DAYS), code="error_file_expired")
    with default_storage.open(record.path, "rb") as fh:
        content = fh.read()
    with transaction.atomic():
        audit.record(actor=actor, action="program.import_error_file_downloaded", obj=program, after={"error_file": record.pk})
    return content


def error_files_delete_expired(*, ids: list[int] | None = None, now: dt.datetime | None = None) -> int:
    """Delete expired error files from the storage (all of them, or those of ``ids``) and mark them
    deleted; returns how many. Safe to run again and concurrently (each row is claimed once)."""
    now = now or timezone.now()
    qs = ImportErrorFile.objects.filter(deleted_at__isnull=True, expires_at__lte=now)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    deleted = 0
    for pk in list(qs.values_list("pk", flat=True)[:10000]):
        with transaction.atomic():
            record = ImportErrorFile.objects.select_for_update().filter(pk=pk, deleted_at__isnull=True).first()
            if record is None:
                continue
            default_storage.delete(record.path)  # a missing file is no error
            record.deleted_at = now
            record.save(update_fields=["deleted_at"])
            audit.record(actor="system", action="program.import_error_file_deleted", obj=record.program,
                         after={"error_file": record.pk, "expired_at": record.expires_at})
            deleted += 1
    return deleted


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


def enrollments_export(*, actor, program: Program, state: str = "") -> Export:
    """Rows of the program's enrollment table for a spreadsheet; NIK masked unless the actor may see it.
    An export with full NIKs is recorded in the audit trail."""
    require(actor, "enrollment.view", program)
    if state and state not in E.values:
        raise ValidationFailed(Msg("Status \"{s}\" tidak dikenal.", "Unknown state \"{s}\".").format(s=state[:30]),
                               code="export_state", field="state")
    show = can(actor, "enrollment.view_nik", program)
    with transaction.atomic():
        audit.record(actor=actor, action="program.export", obj=program, after={"state": state, "nik_visible": show})
    qs = selectors.program_enrollments(program=program, state=state)
    # Choice labels are lazy translations: made plain text once, in the active language.
    sexes = {k: str(v) for k, v in Person.Sex.choices}
    educations = {k: str(v) for k, v in Person.Education.choices}
    results = {k: str(v) for k, v in Enrollment.Result.choices}
    sources = {k: str(v) for k, v in Enrollment.Source.choices}

    def rows() -> Iterator[list[Any]]:
        for n, e in enumerate(qs.iterator(chunk_size=2000), start=1):
            p = e.person
            nik = crypto.decrypt(p.nik_encrypted)
            district = p.domicile_district
            yield [
                n, p.full_name, nik if show else mask(nik), sexes.get(p.sex, p.sex), p.birth_date, educations.get(p.education, p.education),
                p.phone, p.email, district.name if district else "", district.regency.name if district else "",
                domain.state_label(e.state).id, results.get(e.result, e.result), "Ya" if e.late else "Tidak", e.late_reason,
                sources.get(e.source, e.source), timezone.localtime(e.registered_at, WIB).replace(tzinfo=None, microsecond=0),
            ]

    stem = f"peserta-program-{program.pk}" + (f"-{state}" if state else "")
    return Export(headers=EXPORT_HEADERS, rows=rows(), file_stem=stem, nik_visible=show)


def export_xlsx(export: Export, fileobj) -> None:
    """Write the export to ``fileobj`` with XlsxWriter's constant-memory mode (rows flushed as written)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(fileobj, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    sheet = book.add_worksheet("Peserta")
    bold = book.add_format({"bold": True, "bg_color": "#DBEAFE"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    dt_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for i, w in enumerate([6, 28, 20, 12, 12, 22, 16, 24, 20, 24, 16, 14, 9, 30, 18, 17]):
        sheet.set_column(i, i, w)
    sheet.write_row(0, 0, export.headers, bold)
    for r, row in enumerate(export.rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, dt_fmt)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date_fmt)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value) if value else "")  # NIK and phone stay text
    sheet.freeze_panes(1, 0)
    book.close()


class _Echo:
    def write(self, value):
        return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell that a spreadsheet never runs as a formula (OWASP "CSV injection"): text
    that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so a
    name like ``=HYPERLINK(...)`` stays a name. Dates are written as ISO text."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_csv_chunks(export: Export, delimiter: str = ",") -> Iterator[str]:
    """CSV text in chunks (for a streaming response), UTF-8 with BOM so Excel reads it right; no cell can
    become a formula (``csv_cell``)."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff" + writer.writerow([csv_cell(h) for h in export.headers])
    buf = []
    for row in export.rows:
        buf.append(writer.writerow([csv_cell(v) for v in row]))
        if len(buf) >= 500:
            yield "".join(buf)
            buf = []
    if buf:
        yield "".join(buf)


def can_import(actor, program: Program) -> bool:
    return can(actor, "program.manage", program)
