"""Import of applicants/participants from a spreadsheet, the error files it leaves, and the export of
enrollment tables: the writes (and audited reads) of the spreadsheet package.

``enrollments_import`` reads and checks the file outside any transaction (pure, ``reading``), then in
ONE (durable) transaction locks the program, looks up everything it needs with a fixed number of queries
(chunked ``IN`` look-ups for very large files, never one per row), decides each row, and writes with
``bulk_create``. Nothing is half-saved: in ``all_or_nothing`` mode any error saves nothing; in
``valid_only`` mode the valid rows are saved together and the error rows come back as an .xlsx error
file (original columns + "Alasan") that re-imports once fixed. Re-importing the same file changes
nothing: people already enrolled in the program are reported as ``unchanged``.
"""

from __future__ import annotations

import datetime as dt
import pickle
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from queue import Full, Queue
from typing import Any, NamedTuple

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from sisnaker.accounts.codes import Audit as AccountsAudit
from sisnaker.accounts.domain import names_match
from sisnaker.accounts.models import Person, User
from sisnaker.core import audit, bulk, crypto, storedfiles
from sisnaker.core.compact import FirstSeen
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.core.tasks import enqueue_with_transaction
from sisnaker.notifications.services import notify_many
from sisnaker.regions.models import District, Regency
from sisnaker.regions.nik import mask

from .. import domain, selectors, services
from ..codes import Audit, Code
from ..domain import EnrollmentState as E
from ..models import Enrollment, ImportErrorFile, Program
from ..tasks import delete_import_error_file, sweep_import_error_files
from . import reading
from .reading import RowResult
from .writing import EXPORT_HEADERS, ErrorFileWriter, Export

MODES = ("all_or_nothing", "valid_only")
# The one answer for a row whose NIK is registered with another name or birth date: nothing about the
# registered person (issue 7 §2).
DATA_MISMATCH = Msg("Data tidak cocok dengan data terdaftar untuk NIK ini.", "The data does not match the registered data for this NIK.")
# The same for a record the importing institution itself added and nobody has claimed: its own earlier data, which it may
# correct (``accounts.services.person_correct_identity``) — a birth date typed wrong once is not a dead end.
OWN_RECORD_MISMATCH = Msg("Data tidak cocok dengan data NIK ini yang tercatat dari lembaga Anda sendiri (belum diklaim pemiliknya). "
                          "Bila data yang tercatat itu salah, perbaiki di halaman peserta (\"Perbaiki nama, tanggal lahir, jenis "
                          "kelamin\"), lalu impor lagi.",
                          "The data does not match this NIK's record added by your own institution (not yet claimed by its owner). "
                          "If that record is wrong, correct it on the participant's page (\"Correct name, birth date, sex\"), then "
                          "import again.")
CHUNK = selectors.CHUNK  # NIK look-ups per query (SQLite's variable limit, PostgreSQL's plan size)


ROWS_KEPT = 5000  # row results a report keeps for the page and the API; every refused row is in the error file


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
    rows: list[RowResult] = field(default_factory=list)  # the first ``ROWS_KEPT`` rows (``rows_truncated`` says so)
    error_file: bytes | None = None
    skipped: int = 0  # empty rows (a running number or pre-filled defaults only), not read
    notices: list[reading.FileNotice] = field(default_factory=list)  # warnings about the whole file (ignored columns)
    valid_not_saved: int = 0  # valid rows left unsaved (all or nothing, and another row was wrong)
    rows_truncated: bool = False


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValidationFailed(Msg("Pilih cara impor: semua-atau-tidak-sama-sekali, atau hanya baris yang benar.",
                                   "Choose the import mode: all or nothing, or valid rows only."), code=Code.IMPORT_MODE, field="mode")


def import_needs_late_reason(*, program: Program, today: dt.date) -> bool:
    return domain.is_late(window=domain.Window(program.registration_opens, program.registration_closes), status=program.status, today=today)


def import_check(*, actor: User, program: Program, mode: str, today: dt.date, late_reason: str) -> tuple[bool, str]:
    """What refuses an import before its file is read: who, the mode, the program's state, a late
    registration without its reason. Returns (late, the reason as it will be kept)."""
    require(actor, "program.manage", program)
    _check_mode(mode)
    domain.check_open_for_additions(program.status)
    late_reason = (late_reason or "").strip()
    late = import_needs_late_reason(program=program, today=today)
    if late and not late_reason:
        raise ValidationFailed(
            Msg("Pendaftaran program ini sudah ditutup ({d}): tuliskan alasan pendaftaran susulan untuk seluruh berkas.",
                "Registration for this program closed ({d}): write the reason for this late registration, for the whole file.").format(
                    d=program.registration_closes.isoformat()),
            code=Code.LATE_REASON_REQUIRED, field="late_reason",
        )
    return late, late_reason


class _Refused(Exception):
    """Raised inside the writes' savepoint to undo them (all or nothing, and a row was wrong)."""


def enrollments_import(
    *, actor: User, program: Program, file_name: str, data: bytes, mode: str, today: dt.date, late_reason: str = "",
    progress: Callable[[int, int], None] | None = None, job: str = "",
) -> ImportReport:
    """Import applicants (Pendaftar) or participants (Peserta) of ``program`` from a spreadsheet.

    Streams: the rows are read, checked and written ``IMPORT_CHUNK`` at a time (a fixed number of
    queries per chunk, set-based writes), so memory does not grow with the file (only a set of the
    file's NIKs, for duplicates, and the first ``ROWS_KEPT`` row results do). ONE durable transaction:
    a worker killed mid-import leaves nothing. In ``all_or_nothing`` mode the writes sit in a savepoint
    that is rolled back when any row is wrong (and no chunk is written after the first wrong row); the
    look-ups of the rows stay on record either way. ``progress(rows read, rows expected)`` is called after
    each chunk; ``job`` (a background task's id) goes into the import's audit row."""
    late, late_reason = import_check(actor=actor, program=program, mode=mode, today=today, late_reason=late_reason)
    table = reading.open_table(file_name, data)
    report = ImportReport(file_name=file_name, mode=mode, late=late)
    errors_out = ErrorFileWriter(table.headers, table.columns, width=table.width)
    try:
        with transaction.atomic(durable=True):
            _import_rows(actor=actor, program=program, table=table, report=report, errors_out=errors_out,
                         late_reason=late_reason if late else "", today=today, progress=progress, job=job)
    except IntegrityError as exc:  # someone created the same person or enrollment meanwhile
        errors_out.discard()
        raise Conflict(Msg("Data program berubah selama impor (orang yang sama didaftarkan bersamaan). Tidak ada yang disimpan; ulangi impor.",
                           "The program's data changed during the import (the same person was added meanwhile). Nothing was saved; import again."),
                       code=Code.IMPORT_CONFLICT) from exc
    except BaseException:
        errors_out.discard()
        raise
    report.skipped = table.skipped
    report.notices = table.notices()
    if report.errors:
        report.error_file = errors_out.close()
    else:
        errors_out.discard()
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


IMPORT_CHUNK = 2000  # rows read, checked and written together


@dataclass
class _Run:
    """What one import carries from chunk to chunk: all of it bounded, except ``first_row`` (12 bytes a slot per NIK
    in the file, for duplicates)."""

    actor: User
    program: Program
    report: ImportReport
    errors_out: ErrorFileWriter
    late_reason: str
    now: dt.datetime
    purpose: str
    seats_left: int
    first_row: FirstSeen = field(default_factory=FirstSeen)  # NIK (as a number) → its first row
    deltas: Counter = field(default_factory=Counter)
    notify: list[_Known] = field(default_factory=list)
    lookups: Any = None  # a temporary file: the look-ups' audit rows, written after the savepoint
    writing: bool = True
    last_person: int = 0  # the highest id of the people this import inserted so far
    last_enrollment: int = 0
    districts_checked: set[str] = field(default_factory=set)
    known_districts: set[str] = field(default_factory=set)
    regencies_checked: set[str] = field(default_factory=set)
    known_regencies: set[str] = field(default_factory=set)
    seal: Callable[[str], str] = field(default_factory=crypto.sealer)  # encrypts a NIK (the key read once per import)


def _import_rows(*, actor: User, program: Program, table: reading.TableStream, report: ImportReport, errors_out: ErrorFileWriter,
                 late_reason: str, today: dt.date, progress: Callable[[int, int], None] | None, job: str) -> None:
    program = services.lock_program(program)
    domain.check_open_for_additions(program.status)
    now = timezone.now()
    with tempfile.TemporaryFile() as spool:
        run = _Run(actor=actor, program=program, report=report, errors_out=errors_out, late_reason=late_reason, now=now,
                   purpose=f"impor berkas program {program.pk}",
                   seats_left=program.quota - selectors.seats_taken(program=program), lookups=spool)
        try:
            with transaction.atomic():  # the writes: undone as a whole when all-or-nothing meets a wrong row
                _check_constraints_per_statement()
                checked = _checked(run, table, today=today)
                # Chunk k is checked (``_decide``, pure Python, in a second thread) while PostgreSQL writes chunk
                # k-1, and the reader thread reads and checks the file further ahead (``_ahead``): the database
                # and the Python work overlap instead of taking turns. Reads for chunk k come before the writes
                # of k-1 on the one connection (sound: see ``_read``). The writing thread is the critical path: it gets
                # the GIL back sooner after each round trip (``quick_handoffs``).
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-check") as checker, bulk.quick_handoffs():
                    pending: _Plan | None = None
                    for results in _ahead(checked):
                        deciding = checker.submit(_decide, run, results, _read(run, results))
                        if pending is not None and run.writing:
                            _write(run, pending)
                        pending = deciding.result()
                        _tally(run, results)
                        if progress is not None:
                            progress(report.total, max(table.expected, report.total))
                    if pending is not None and run.writing:
                        _write(run, pending)
                if report.errors and report.mode == "all_or_nothing":
                    raise _Refused
                if report.created:
                    # The program row is locked (``lock_program``): the counters move with the rows, in this transaction.
                    services.program_counters_apply(program_id=program.pk, deltas=run.deltas,
                                                    late=report.created if late_reason else 0)
        except _Refused:
            report.valid_not_saved += report.created
            report.created = report.people_created = 0
            for r in report.rows:
                if r.status == "created":
                    r.status = "valid"
            run.notify = []
        _record_lookups(run)
    report.saved = bool(report.created)
    audit.record(
        actor=actor, action=Audit.PROGRAM_IMPORT if report.saved or not report.errors else Audit.PROGRAM_IMPORT_REFUSED,
        obj=program, reason=late_reason, at=now,
        after={"file": report.file_name[:200], "mode": report.mode, "rows": report.total, "created": report.created,
               "people_created": report.people_created, "unchanged": report.unchanged, "errors": report.errors,
               "late": bool(late_reason), "saved": report.saved, **_file_facts(report, table), **({"job": job} if job else {})},
    )
    if report.saved:
        _notify_enrolled(actor=actor, program=program, people=run.notify)


def _check_constraints_per_statement() -> None:
    """PostgreSQL: check the foreign keys of the rows written at the end of each statement instead of all of
    them at COMMIT (Django declares them DEFERRABLE INITIALLY DEFERRED). The work is the same, but done per
    chunk it overlaps with the next chunk being read and checked in the reader thread, where at COMMIT it
    was seconds of the import with nothing else to do (100,000 persons, enrolments and their audit rows:
    half a million checks); and a broken reference fails the chunk that made it. For this transaction only
    (it ends with the import)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _ahead[T](items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """``items``, produced by a thread up to ``depth`` ahead of the consumer: the file is read and its rows
    checked (pure work: the reader, the parsers, the blind index; no database) while this thread waits for
    the database to write the previous chunk. At most ``depth`` chunks wait, so memory stays bounded. An
    exception of the producer is raised here; the producer stops when the consumer does."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        queue.put((item, None), timeout=0.1)
                        break
                    except Full:
                        continue
                if stop.is_set():
                    return
            outcome = (done, None)
        except BaseException as exc:  # handed to the consumer, raised there
            outcome = (done, exc)
        while not stop.is_set():
            try:
                queue.put(outcome, timeout=0.1)
                return
            except Full:
                continue

    worker = threading.Thread(target=produce, name="import-reader", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = queue.get()
            if item is done:
                if exc is not None:
                    raise exc
                return
            yield item
    finally:
        stop.set()
        worker.join()


def _batched(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _checked(run: _Run, table: reading.TableStream, *, today: dt.date) -> Iterator[list[RowResult]]:
    """The file's rows, ``IMPORT_CHUNK`` at a time, each checked on its own and against the rows before it (a NIK
    repeated): pure work, which ``_ahead`` runs in the reader thread, the only one to touch ``run.first_row``."""
    nik_index = crypto.blind_indexer(label="nik")  # the key read once, not per row
    for chunk in _batched(table.rows(), IMPORT_CHUNK):
        results = [reading.validate_row(number, cells, table.columns, today=today, blind_index=nik_index) for number, cells in chunk]
        _mark_duplicates(run, results)
        yield results


def _mark_duplicates(run: _Run, results: list[RowResult]) -> None:
    """The second and later rows with the same NIK are errors naming the first row (across chunks)."""
    first = run.first_row.first
    for r in results:
        if r.data is None:
            continue
        seen = first(int(r.data.nik), r.row)
        if seen is None:
            continue
        r.add_error("nik", Msg("NIK sama dengan baris {n}; setiap orang cukup satu baris.",
                               "Same NIK as row {n}; one row per person.").format(n=seen))
        r.data = None


def _tally(run: _Run, results: list[RowResult]) -> None:
    """Count the chunk's rows into the report, send its wrong rows to the error file, keep the first
    ``ROWS_KEPT`` results (without their cells and parsed data) for the page and the API."""
    report = run.report
    for r in results:
        report.total += 1
        if r.status == "error":
            report.errors += 1
            run.errors_out.add(r)
        elif r.status == "unchanged":
            report.unchanged += 1
        elif r.status == "valid":
            report.valid_not_saved += 1
        if r.warnings:
            report.warnings += 1
        if len(report.rows) < ROWS_KEPT:
            r.cells, r.data = [], None
            report.rows.append(r)
        else:
            report.rows_truncated = True


def _record_lookups(run: _Run) -> None:
    """Every NIK look-up of the import, on record in the import's transaction (outside the writes'
    savepoint, so a refused file keeps them), one bulk insert per chunk. When the writes are kept, the
    look-up of a NIK nobody had is left out for the rows that then created its person: the chunk's
    ``enrollment.imported`` event (``person_created``, ``rows``) already says that this import looked for the
    NIK, found nobody and added the person (a third of the import's writes otherwise)."""
    kept = run.report.created > 0
    run.lookups.seek(0)
    while True:
        try:
            rows, created = pickle.load(run.lookups)  # noqa: S301 - our own temporary file, written just before
        except EOFError:
            break
        if kept and created:
            rows = [row for row in rows if row[3]["row"] not in created]
        audit.record_many(actor=run.actor, action=AccountsAudit.PERSON_LOOKED_UP, object_type="accounts.person", rows=rows,
                          reason=run.purpose, at=run.now)


class _Facts(NamedTuple):
    """What the database says about one chunk's rows, read before they are checked."""

    people: dict[str, _Known]  # registered people with a NIK of the chunk, by blind index
    enrolled: set[int]  # those of them already in the program
    clashes: dict[int, tuple]  # those of them in another program at the same time
    person_ids: list[int]  # ids for the chunk's new people, from the table's sequence (PostgreSQL; [] elsewhere)
    enrollment_ids: list[int]  # ids for its enrolments, likewise


class _Plan(NamedTuple):
    """One chunk's writes, decided: the new people's rows, and per row to save (row number, name, blind
    index, state)."""

    new_people: dict[str, dict]  # blind index → the person's row (with its id on PostgreSQL)
    saves: list[tuple[int, str, str, str]]
    people: dict[str, _Known]
    enrollment_ids: list[int]


def _read(run: _Run, results: list[RowResult]) -> _Facts:
    """One chunk's database reads (a fixed number of queries): existing people by blind index, their enrolments
    and clashes, region codes not yet seen, and on PostgreSQL ids for what it may write.

    Read before the previous chunk is written (see ``_import_rows``), which is sound because nothing a chunk
    writes is read by a later one: a NIK is in the file once (repeats are refused before this), so the people
    and enrolments a chunk creates concern none of the later chunks' rows."""
    program = run.program
    valid = [r for r in results if r.data is not None]
    people: dict[str, _Known] = {}
    for index, *values in Person.objects.filter(nik_index__any_of=[r.data.nik_index for r in valid]).values_list(
        "nik_index", "pk", "full_name", "birth_date", "education", "user_id", "user__preferred_language", "added_by_institution_id"
    ).order_by():  # a dict: no sort by name needed
        people[index] = _Known(*values)
    known_ids = [people[r.data.nik_index].pk for r in valid if r.data.nik_index in people]
    # Found through the people (a few enrolments each), never through the program: the program's condition is written
    # so that no index can take it ("program_id + 0"). Otherwise PostgreSQL, whose statistics cannot know yet that a
    # new program holds 100,000 enrolments (this import's, or one just before), walks the whole program with the
    # chunk's 2,000 ids as a filter: a second per chunk when re-importing 100,000 rows, 50 ms after ANALYZE. No ORDER
    # BY (the model's default order is not needed for a set).
    enrolled = set(Enrollment.objects.filter(person_id__any_of=known_ids).alias(program_key=F("program_id") + 0)
                   .filter(program_key=program.pk).order_by().values_list("person_id", flat=True))
    clashes = selectors.schedule_clashes(person_ids=[pk for pk in known_ids if pk not in enrolled], program=program)
    districts = {r.data.district for r in valid} | {
        r.data.parsed.region.district.code for r in valid if r.data.parsed.region.district
    }
    # Region codes are looked up once per import (a few thousand at most), not once per chunk.
    districts -= run.districts_checked
    run.known_districts.update(District.objects.filter(code__in=sorted(districts)).values_list("code", flat=True))
    run.districts_checked |= districts
    regencies = {r.data.parsed.region.regency.code for r in valid} - run.regencies_checked
    run.known_regencies.update(Regency.objects.filter(code__in=sorted(regencies)).values_list("code", flat=True))
    run.regencies_checked |= regencies
    # As many ids as the chunk could use (rows found wrong below leave gaps in the sequence, as a rollback does);
    # none once all-or-nothing has met a wrong row (nothing more is written).
    person_ids, enrollment_ids = bulk.draw_ids(
        (Person, sum(1 for r in valid if r.data.nik_index not in people)),
        (Enrollment, len(valid) - len(enrolled)),  # the enrolled stay as they are
    ) if run.writing else ([], [])
    return _Facts(people, enrolled, clashes, person_ids, enrollment_ids)


def _decide(run: _Run, results: list[RowResult], facts: _Facts) -> _Plan | None:
    """One chunk's checks against what the database said (``facts``), and its writes prepared; no database.
    Returns None when nothing is to be written (all-or-nothing has met a wrong row, or no row is valid)."""
    program, report, now = run.program, run.report, run.now
    people, enrolled, clashes = facts.people, facts.enrolled, facts.clashes
    valid = [r for r in results if r.data is not None]
    # A row links to an existing person only when its name and birth date match that person's; otherwise it
    # is refused without a word about the registered data. The birth date must be written in the row (one
    # taken from the NIK proves nothing), except for a person this institution itself added and nobody has
    # claimed yet, so that re-importing its own file stays a no-op. Every look-up is recorded (one bulk insert).
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
                        {"outcome": outcome, "purpose": run.purpose, "nik": r.nik_masked, "row": r.row}))
        if outcome == "mismatch":
            own = existing.user_id is None and existing.added_by == program.institution_id
            r.add_error("nik", OWN_RECORD_MISMATCH if own else DATA_MISMATCH)
            r.data = None
    valid = [r for r in valid if r.data is not None]
    known_districts, known_regencies = run.known_districts, run.known_regencies

    for r in valid:
        d = r.data
        existing = people.get(d.nik_index)
        if existing is not None and existing.pk in enrolled:
            r.status = "unchanged"
            r.data = None
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
            r.add_error("nik", domain.schedule_clash(title=title, start=start, end=end))
        if r.status == "error":
            r.data = None
            continue
        if d.status == E.PARTICIPANT:
            if run.seats_left <= 0:
                r.add_error("status", Msg("Kuota program sudah penuh ({q} peserta); baris ini tidak dapat menjadi peserta. "
                                          "Ubah Status menjadi pendaftar atau tambah kuota.",
                                          "The program's quota is full ({q} participants); this row cannot be a participant. "
                                          "Change Status to applicant or raise the quota.").format(q=program.quota))
                r.data = None
                continue
            run.seats_left -= 1

    if any(r.status == "error" for r in results) and report.mode == "all_or_nothing":
        run.writing = False  # nothing will be kept: no more writes (the savepoint undoes those done)
    to_save = [r for r in results if r.status == "valid"] if run.writing else []
    registered_by = run.actor.pk if getattr(run.actor, "is_authenticated", False) else None
    new_people: dict[str, dict] = {}
    person_ids = iter(facts.person_ids)
    for r in to_save:
        d = r.data
        if d.nik_index in people:
            continue
        new_people[d.nik_index] = {
            "user_id": None, "nik_encrypted": run.seal(d.nik), "nik_index": d.nik_index,
            "nik_regency_id": d.parsed.region.regency.code,
            "nik_district_id": d.parsed.region.district.code if d.parsed.region.district else None,
            "full_name": d.full_name, "birth_date": d.birth_date, "sex": d.sex, "nik_warnings": d.nik_warnings,
            "has_disability": d.has_disability, "disability_kind": d.disability_kind, "education": d.education, "phone": d.phone,
            "email": d.email, "address": d.address, "domicile_district_id": d.district, "registered_by_id": registered_by,
            # Provisional until its owner claims it: added by the importing institution.
            "added_by_institution_id": program.institution_id, "created_at": now, "updated_at": now,
            **({"id": next(person_ids)} if facts.person_ids else {}),
        }
    saves = [(r.row, r.data.full_name, r.data.nik_index, r.data.status) for r in to_save]
    created = {r.row for r in to_save if r.data.nik_index in new_people}
    pickle.dump((lookups, created), run.lookups, protocol=pickle.HIGHEST_PROTOCOL)
    run.notify.extend(people[r.data.nik_index] for r in to_save if r.data.nik_index in people)
    run.deltas.update(state for *_, state in saves)
    for r in to_save:
        r.status = "created"
        r.data = None
    report.created += len(saves)
    report.people_created += len(new_people)
    return _Plan(new_people, saves, people, facts.enrollment_ids) if saves else None


def _write(run: _Run, plan: _Plan) -> None:
    """One chunk's writes: its new people, its enrolments and their audit rows (COPY on PostgreSQL, with the
    ids drawn by ``_read``; elsewhere inserted, then their ids read back)."""
    program, now, late_reason = run.program, run.now, run.late_reason
    new_people, people = plan.new_people, plan.people
    new_ids = {}
    if new_people:
        ids = bulk.insert_rows(Person, list(new_people.values()))
        if ids is not None:
            new_ids = dict(zip(new_people, ids, strict=True))
        else:
            # The people just inserted, without an IN list of 2,000 keys: this import's own rows (this institution,
            # this instant) past the last one it saw. The program row is locked, so no other import of it runs meanwhile.
            new_ids = dict(Person.objects.filter(pk__gt=run.last_person, added_by_institution_id=program.institution_id,
                                                 created_at=now).order_by().values_list("nik_index", "pk"))
            run.last_person = max(new_ids.values(), default=run.last_person)
    enrollment_rows = []
    drawn = iter(plan.enrollment_ids)
    for _row, _name, index, state in plan.saves:
        enrollment_rows.append({
            "program_id": program.pk, "person_id": people[index].pk if index in people else new_ids[index], "state": state,
            "source": Enrollment.Source.IMPORT, "late": bool(late_reason), "late_reason": late_reason, "registered_at": now,
            "state_changed_at": now, **({"id": next(drawn)} if plan.enrollment_ids else {}),
        })
    ids = bulk.insert_rows(Enrollment, enrollment_rows)
    if ids is not None:
        enrollment_ids = {e["person_id"]: i for e, i in zip(enrollment_rows, ids, strict=True)}
    else:
        enrollment_ids = dict(Enrollment.objects.filter(program=program, registered_at=now, source=Enrollment.Source.IMPORT,
                                                        pk__gt=run.last_enrollment).order_by().values_list("person_id", "pk"))
        run.last_enrollment = max(enrollment_ids.values(), default=run.last_enrollment)
    # One audit event per chunk, on the program, listing every row it enrolled (``selectors.enrollment_history``
    # shows each enrolment its own line of it): the same facts as one event per enrolment, without 2,000 rows
    # with five indexes and a foreign key each per chunk (a third of the import's writes).
    ids = [enrollment_ids[e["person_id"]] for e in enrollment_rows]
    audit.record(
        actor=run.actor, action=Audit.ENROLLMENT_LATE_IMPORTED if late_reason else Audit.ENROLLMENT_IMPORTED,
        obj=program, reason=late_reason, at=now,
        after={"program": program.pk, "source": "import", "late": bool(late_reason), "first": min(ids), "last": max(ids),
               "enrollments": ids, "persons": [e["person_id"] for e in enrollment_rows], "states": [e["state"] for e in enrollment_rows],
               "rows": [row for row, *_ in plan.saves], "names": [name for _, name, *_ in plan.saves],
               "person_created": [index in new_people for *_, index, _ in plan.saves]},
    )


def _file_facts(report: ImportReport, table: reading.TableStream) -> dict:
    """What the import's summary row adds about the file: empty rows skipped, columns ignored."""
    return {"skipped": table.skipped, "ignored_columns": [h[:60] for n in table.notices() for h in n.columns][:50]}


def _notify_enrolled(*, actor: User, program: Program, people: list[_Known]) -> None:
    """People with an account whom the import enrolled are told, after commit (one bulk insert)."""
    messages = []
    for known in people:
        if known.user_id is None or known.user_id == getattr(actor, "pk", None):
            continue
        subject, text = services.enrolled_by_other_message(actor=actor, program=program, language=known.language or "id")
        messages.append((known.pk, subject, text))
    notify_many(messages=messages, topic=services.enrolled_by_other_topic(program))


# --- error files kept for download ---------------------------------------------------------------

ERROR_FILE_NOT_FOUND = Msg("Berkas galat tidak ditemukan.", "Error file not found.")
ERROR_FILE_GONE = Msg("Berkas galat tidak ditemukan atau sudah kedaluwarsa (disimpan {d} hari); impor ulang untuk membuatnya lagi.",
                      "The error file was not found or has expired (kept {d} days); import again to make it anew.")


# Who may keep and download an error file, by its kind: the enrolment import's (NIKs, phones) is the
# managers'; the assessment import's (enrollment ids, names and results) is for those who assess the program.
ERROR_FILE_ACTIONS = {ImportErrorFile.Kind.ENROLLMENTS: "program.manage", ImportErrorFile.Kind.ASSESSMENTS: "program.assess"}


def error_file_store(*, actor: User, program: Program, content: bytes, kind: str = ImportErrorFile.Kind.ENROLLMENTS) -> str:
    """Keep an import's error file (default storage, so S3 when configured) for ``ImportErrorFile.KEEP_DAYS``
    days and schedule its deletion; returns its token (the only way to name it in a URL). ``kind`` names
    the import it came from, which decides who may have it (``ERROR_FILE_ACTIONS``)."""
    action = ERROR_FILE_ACTIONS[ImportErrorFile.Kind(kind)]
    require(actor, action, program)
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic(durable=True):
        record = ImportErrorFile.objects.create(
            token=token, kind=kind, program=program, institution_id=program.institution_id,
            created_by=actor if getattr(actor, "is_authenticated", False) else None, created_at=now,
            expires_at=now + dt.timedelta(days=ImportErrorFile.KEEP_DAYS), path=_error_path(program.pk, token),
        )
        saved = default_storage.save(record.path, ContentFile(content))
        if saved != record.path:
            ImportErrorFile.objects.filter(pk=record.pk).update(path=saved)
        audit.record(actor=actor, action=Audit.ERROR_FILE_KEPT, obj=program,
                     after={"error_file": record.pk, "expires_at": record.expires_at})
        _schedule_deletion(record)
    return token


def _schedule_deletion(record: ImportErrorFile) -> None:
    """The file's deletion at its expiry, and a sweep of any other expired one, queued with the file's transaction."""
    if delete_import_error_file.get_backend().supports_defer:
        enqueue_with_transaction(delete_import_error_file.using(run_after=record.expires_at), error_file_id=record.pk)
    enqueue_with_transaction(sweep_import_error_files)


def _error_path(program_id: int, token: str) -> str:
    return f"imports/{int(program_id)}/{token}.xlsx"


def error_file_open(*, actor: User, program: Program, token: str, now: dt.datetime | None = None,
                    kind: str = ImportErrorFile.Kind.ENROLLMENTS) -> bytes:
    """The error file named by ``token`` of the import ``kind``, for those who may make such an import in
    the institution that made it (``ERROR_FILE_ACTIONS``); refused once expired, even if the scheduled
    deletion has not run yet. Each download is recorded."""
    action = ERROR_FILE_ACTIONS[ImportErrorFile.Kind(kind)]
    require(actor, action, program)
    record = None
    if len(token) == 32 and all(ch in "0123456789abcdef" for ch in token):
        record = ImportErrorFile.objects.filter(token=token, program=program, kind=kind).first()
    if record is None or record.institution_id != program.institution_id:
        raise NotFound(ERROR_FILE_NOT_FOUND, code=Code.ERROR_FILE_NOT_FOUND)
    if action == "program.manage":
        require(actor, action, record)  # the importing institution, whatever the program says now
    if record.deleted_at is not None or record.expires_at <= (now or timezone.now()) or not default_storage.exists(record.path):
        raise NotFound(ERROR_FILE_GONE.format(d=ImportErrorFile.KEEP_DAYS), code=Code.ERROR_FILE_EXPIRED)
    with default_storage.open(record.path, "rb") as fh:
        content = fh.read()
    with transaction.atomic(durable=True):
        audit.record(actor=actor, action=Audit.ERROR_FILE_DOWNLOADED, obj=program, after={"error_file": record.pk})
    return content


def error_files_delete_expired(*, ids: list[int] | None = None, now: dt.datetime | None = None) -> int:
    """Delete expired error files from the storage (all of them, or those of ``ids``) and mark them
    deleted; returns how many. Safe to run again and concurrently (each row is claimed once)."""
    now = now or timezone.now()
    qs = ImportErrorFile.objects.filter(deleted_at__isnull=True, expires_at__lte=now)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return storedfiles.delete_expired(qs, now=now, record=lambda record: audit.record(
        actor="system", action=Audit.ERROR_FILE_DELETED, obj=record.program,
        after={"error_file": record.pk, "expired_at": record.expires_at}))


# --- export -------------------------------------------------------------------------------------

EXPORT_CHUNK = 5000  # rows per fetch of the export's server-side cursor

def enrollments_export(*, actor: User, program: Program, state: str = "") -> Export:
    """Rows of the program's enrollment table for a spreadsheet; NIK masked unless the actor may see it.
    An export with full NIKs is recorded in the audit trail."""
    require(actor, "enrollment.view", program)
    if state and state not in E.values:
        raise ValidationFailed(Msg("Status \"{s}\" tidak dikenal.", "Unknown state \"{s}\".").format(s=state[:30]),
                               code=Code.EXPORT_STATE, field="state")
    show = can(actor, "enrollment.view_nik", program)
    with transaction.atomic(durable=True):
        audit.record(actor=actor, action=Audit.PROGRAM_EXPORT, obj=program, after={"state": state, "nik_visible": show})
    rows = export_rows(program=program, state=state, nik=(lambda nik: nik) if show else mask)
    stem = f"peserta-program-{program.pk}" + (f"-{state}" if state else "")
    return Export(headers=EXPORT_HEADERS, rows=rows, file_stem=stem, nik_visible=show)


def export_rows(*, program: Program, state: str = "", nik: Callable[[str], str] = mask) -> Iterator[list[Any]]:
    """The rows of the program's enrollment table (``EXPORT_HEADERS``), one list per enrollment, read from a
    server-side cursor in chunks of ``EXPORT_CHUNK``: plain tuples, not model instances, so 1M rows stream in
    constant memory. ``nik`` shows a decrypted NIK (masked by default). Used by ``enrollments_export`` and by the
    exports app's "training.participants" source (``training/exports.py``)."""
    qs = selectors.program_enrollments(program=program, state=state).values_list(
        "person__full_name", "person__nik_encrypted", "person__sex", "person__birth_date", "person__education", "person__phone",
        "person__email", "person__domicile_district__name", "person__domicile_district__regency__name", "state", "result", "late",
        "late_reason", "source", "registered_at",
    )
    # Labels made plain text once, in the active language (choice labels are lazy translations).
    sexes = {k: str(v) for k, v in Person.Sex.choices}
    educations = {k: str(v) for k, v in Person.Education.choices}
    results = {k: str(v) for k, v in Enrollment.Result.choices}
    sources = {k: str(v) for k, v in Enrollment.Source.choices}
    states = {k: domain.state_label(k).id for k in E.values}
    decrypt = crypto.decrypt
    wib = dt.timedelta(hours=7)  # Asia/Jakarta: UTC+7 all year (no daylight saving since 1964)
    utc = dt.UTC
    for n, (name, sealed, sex, born, education, phone, email, district, regency, state_, result, late, late_reason, source,
            registered_at) in enumerate(qs.iterator(chunk_size=EXPORT_CHUNK), start=1):
        yield [
            n, name, nik(decrypt(sealed)), sexes.get(sex, sex), born, educations.get(education, education), phone, email,
            district or "", regency or "", states.get(state_, state_), results.get(result, result), "Ya" if late else "Tidak",
            late_reason, sources.get(source, source), (registered_at.astimezone(utc) + wib).replace(tzinfo=None, microsecond=0),
        ]
