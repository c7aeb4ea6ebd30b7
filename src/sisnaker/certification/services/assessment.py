"""Competency assessment (per participant, per competency unit).

An instructor or the manager of the program's institution (``program.assess``) records, per unit,
"competent" / "not yet competent" with an optional score (0–100) and note. Allowed while the enrollment
is a participant of a running program, and — as a correction — for an alumnus or a not-passed
participant of a closed program, until a certificate exists for the enrollment (``domain.assess_blocker``).
After every save the overall result (``domain.overall_result`` over the program's units) is stored on
``Enrollment.result``: competent → passed, not yet competent → failed, else pending. In a closed
program the state follows the result at once (graduated ↔ not_passed), audited.

Assessment opens on the program's start date (``domain.assessment_opens_blocker``), even when the
program was started earlier. "All competent" (``assessments_fill_competent``) fills the empty cells of the
whole program, one unit or one participant with "competent", never touching a cell already assessed, so
the assessor changes only the exceptions afterwards; it writes through the same set-based core as the
grid's save (one audit row per assessment created).

Lock order: the program row first, then the enrollments (the same order as training's close), so an
assessment and the program's close never interleave.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.errors import Conflict, Msg, NotFound, SisnakerError, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.training import domain as training_domain
from sisnaker.training import services as training_services
from sisnaker.training.codes import Code as TrainingCode
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment, Program
from sisnaker.training.selectors import program_not_found
from sisnaker.training.spreadsheets.reading import read_rows

from .. import assessment_sheet as sheet_rules
from .. import domain
from ..codes import Audit, Code
from ..domain import Entry
from ..models import Assessment, Certificate


class Problem(NamedTuple):
    enrollment_id: int
    unit_id: int
    error: SisnakerError


@dataclass
class SaveResult:
    saved: int = 0       # created or changed
    cleared: int = 0     # removed ("—")
    unchanged: int = 0
    kept: int = 0        # "all competent": cells already assessed, left as they were
    # enrollment id → overall result after the save ("competent" / "not_yet_competent" / "pending"), for touched rows
    overall: dict[int, str] = field(default_factory=dict)


def _lock_program(program_id: int) -> Program:
    program = Program.objects.select_for_update(of=("self",)).select_related("institution").filter(pk=program_id).first()
    if program is None:
        raise program_not_found()
    return program


def _require_open(program: Program, today: dt.date | None) -> None:
    """Refuse before the program's start date (Conflict ``assessment_not_open``)."""
    blocker = domain.assessment_opens_blocker(start_date=program.start_date, today=today or timezone.localdate())
    if blocker:
        raise Conflict(blocker, code=Code.ASSESSMENT_NOT_OPEN)


def _require_running_or_closed(program: Program) -> None:
    if program.status not in (P.RUNNING, P.CLOSED):
        raise Conflict(Msg("Penilaian kompetensi dilakukan saat program berjalan (status program: {s_id}).",
                           "Competency assessment happens while the program runs (program status: {s_en}).").format(
                               s_id=training_domain.status_label(program.status).id, s_en=training_domain.status_label(program.status).en),
                       code=TrainingCode.PROGRAM_NOT_RUNNING)


def _save(*, actor: User, program: Program, entries: list[Entry]) -> tuple[SaveResult, list[Problem]]:
    """The set-based core of both services: validate everything, and only when nothing is wrong write
    all changes (bulk), recompute the overall result of every touched enrollment once, and audit."""
    by_cell: dict[tuple[int, int], Entry] = {}
    for entry in entries:  # the last value of a cell wins
        by_cell[(int(entry.enrollment_id), int(entry.unit_id))] = entry._replace(
            note=None if entry.note is None else entry.note.strip())
    enrollment_ids = sorted({eid for eid, _ in by_cell})
    enrollments = {
        e.pk: e for e in Enrollment.objects.filter(program=program, pk__in=enrollment_ids)
        .select_related("person").select_for_update(of=("self",))
        .annotate(certified=Exists(Certificate.objects.filter(enrollment=OuterRef("pk"))))
    }
    unit_ids = set(program.competency_units.values_list("pk", flat=True))
    current: dict[tuple[int, int], Assessment] = {
        (a.enrollment_id, a.unit_id): a for a in Assessment.objects.filter(enrollment_id__in=list(enrollments))
    }
    problems: list[Problem] = []
    creates, updates, deletes = [], [], []
    result = SaveResult()
    for (eid, uid), entry in by_cell.items():
        enrollment = enrollments.get(eid)
        if enrollment is None:
            problems.append(Problem(eid, uid, NotFound(Msg("Peserta tidak ditemukan di program ini.", "Participant not found in this program."),
                                                       code=Code.ENROLLMENT_NOT_IN_PROGRAM)))
            continue
        if uid not in unit_ids:
            problems.append(Problem(eid, uid, ValidationFailed(
                Msg("Unit kompetensi ini bukan bagian dari program.", "This competency unit is not part of the program."),
                code=Code.UNIT_NOT_IN_PROGRAM, field="unit")))
            continue
        error = domain.entry_problem(entry)
        if error:
            problems.append(Problem(eid, uid, error))
            continue
        existing = current.get((eid, uid))
        note = existing.note if (entry.note is None and existing) else (entry.note or "")
        if (existing is None and entry.result == "") or (
            existing is not None and (existing.result, existing.score, existing.note) == (entry.result, entry.score, note)
        ):
            result.unchanged += 1
            continue
        blocker = domain.assess_blocker(program_status=program.status, state=enrollment.state, certified=enrollment.certified)
        if blocker:
            problems.append(Problem(eid, uid, Conflict(blocker, code=Code.ASSESSMENT_CERTIFIED if enrollment.certified else Code.ASSESSMENT_NOT_ALLOWED)))
            continue
        if entry.result == "":
            deletes.append(existing)
        elif existing is None:
            creates.append(Assessment(enrollment_id=eid, unit_id=uid, result=entry.result, score=entry.score, note=note))
        else:
            updates.append((existing, {"result": existing.result, "score": existing.score, "note": existing.note}))
            existing.result, existing.score, existing.note = entry.result, entry.score, note
    if problems:
        return result, problems

    now = timezone.now()
    codes = dict(CompetencyUnit.objects.filter(pk__in={uid for _, uid in by_cell}).values_list("pk", "code")) if (
        creates or updates or deletes) else {}
    for a in creates:
        a.assessed_by, a.assessed_at = actor, now
    for a, _ in updates:
        a.assessed_by, a.assessed_at = actor, now
    if creates:
        Assessment.objects.bulk_create(creates, batch_size=500)
    if updates:
        Assessment.objects.bulk_update([a for a, _ in updates], ["result", "score", "note", "assessed_by", "assessed_at"], batch_size=500)
    if deletes:
        Assessment.objects.filter(pk__in=[a.pk for a in deletes]).delete()
    rows = []
    for a in creates:
        rows.append((a.enrollment_id, enrollments[a.enrollment_id].person.full_name, None,
                     {"unit": codes.get(a.unit_id), "result": a.result, "score": a.score, "note": a.note}))
    for a, before in updates:
        after = {"result": a.result, "score": a.score, "note": a.note}
        b, c = audit.changes(before, after)
        rows.append((a.enrollment_id, enrollments[a.enrollment_id].person.full_name, {"unit": codes.get(a.unit_id)} | b,
                     {"unit": codes.get(a.unit_id)} | c))
    for a in deletes:
        rows.append((a.enrollment_id, enrollments[a.enrollment_id].person.full_name,
                     {"unit": codes.get(a.unit_id), "result": a.result, "score": a.score}, {"unit": codes.get(a.unit_id), "result": None}))
    audit.record_many(actor=actor, action=Audit.ASSESSMENT_RECORDED, object_type="training.enrollment", rows=rows, at=now)
    result.saved, result.cleared = len(creates) + len(updates), len(deletes)

    # One recompute pass over the touched enrollments.
    for a in creates:
        current[(a.enrollment_id, a.unit_id)] = a
    for a in deletes:
        current.pop((a.enrollment_id, a.unit_id), None)
    touched = {a.enrollment_id for a in creates} | {a.enrollment_id for a, _ in updates} | {a.enrollment_id for a in deletes}
    results_of: dict[int, dict[int, str]] = {eid: {} for eid in touched}
    for (eid, uid), a in current.items():
        if eid in touched:
            results_of[eid][uid] = a.result
    _sync_results(actor=actor, program=program, enrollments=[enrollments[eid] for eid in sorted(touched)],
                  results_of=results_of, unit_ids=unit_ids, now=now, out=result)
    return result, problems


def _sync_results(*, actor: User, program: Program, enrollments: list[Enrollment], results_of: dict, unit_ids: set[int], now, out: SaveResult):
    """Store the overall result on each enrollment; in a closed program move the state with it."""
    groups: dict[tuple[str, str, str], list[Enrollment]] = {}
    result_rows, correction_rows = [], []
    for e in enrollments:
        overall = domain.overall_result(unit_ids=unit_ids, results=results_of.get(e.pk, {}))
        out.overall[e.pk] = overall
        new_result = domain.ENROLLMENT_RESULT[overall]
        if program.status == P.CLOSED:
            new_state, reason = training_domain.close_outcome(result=new_result)
            if (new_result, new_state) == (e.result, e.state):
                continue
            groups.setdefault((new_result, new_state, reason), []).append(e)
            correction_rows.append((e.pk, e.person.full_name, {"state": e.state, "result": e.result},
                                    {"state": new_state, "result": new_result, "reason": reason}))
        else:
            if new_result == e.result:
                continue
            groups.setdefault((new_result, e.state, e.reason), []).append(e)
            result_rows.append((e.pk, e.person.full_name, {"result": e.result}, {"result": new_result}))
    moves: Counter = Counter()
    for (new_result, new_state, reason), members in groups.items():
        moves.update((e.state, new_state) for e in members if e.state != new_state)
        moved = [e.pk for e in members if e.state != new_state]
        same = [e.pk for e in members if e.state == new_state]
        if moved:
            Enrollment.objects.filter(pk__in=moved).update(result=new_result, state=new_state, reason=reason, state_changed_at=now)
        if same:
            Enrollment.objects.filter(pk__in=same).update(result=new_result, reason=reason)
        for e in members:
            if e.state != new_state:
                e.state, e.state_changed_at = new_state, now
            e.result, e.reason = new_result, reason
    # Whether the units now decide each enrollment's result: while any unit is assessed (see Enrollment.result_from_units).
    assessed = [e.pk for e in enrollments if results_of.get(e.pk)]
    unassessed = [e.pk for e in enrollments if not results_of.get(e.pk)]
    Enrollment.objects.filter(pk__in=assessed, result_from_units=False).update(result_from_units=True)
    Enrollment.objects.filter(pk__in=unassessed, result_from_units=True).update(result_from_units=False)
    # The program's per-state counters move with the corrected states (same transaction).
    training_services.program_counters_apply(program_id=program.pk, deltas=training_services.moves_deltas(
        (frm, to, n) for (frm, to), n in moves.items()))
    audit.record_many(actor=actor, action=Audit.RESULT_ASSESSED, object_type="training.enrollment", rows=result_rows, at=now)
    audit.record_many(actor=actor, action=Audit.RESULT_CORRECTED, object_type="training.enrollment", rows=correction_rows,
                      reason=domain.CORRECTION_REASON, at=now)


@transaction.atomic(durable=True)
def assessment_record(*, actor: User, enrollment: Enrollment, unit: CompetencyUnit, result: str, score: int | None = None,
                      note: str | None = None, today: dt.date | None = None) -> Assessment | None:
    """Create, change or (``result=""``) clear one unit's assessment of one participant, then store the
    overall result on the enrollment (and, in a closed program, its state). ``note=None`` keeps the
    current note. Returns the assessment, or None when cleared. Refusals: PermissionDenied,
    ValidationFailed (input), Conflict (before the start date, state, or certificate already issued).
    ``today`` defaults to the local date."""
    program = _lock_program(enrollment.program_id)
    require(actor, "program.assess", program)
    if program.status in (P.RUNNING, P.CLOSED):  # otherwise the enrollment's state says why (assess_blocker)
        _require_open(program, today)
    _, problems = _save(actor=actor, program=program, entries=[Entry(enrollment.pk, unit.pk, result, score, note)])
    if problems:
        raise problems[0].error
    return Assessment.objects.filter(enrollment_id=enrollment.pk, unit_id=unit.pk).first()


@transaction.atomic(durable=True)
def assessments_record_many(*, actor: User, program: Program, entries: list[tuple], today: dt.date | None = None) -> SaveResult:
    """The bulk page's save: ``entries`` are ``(enrollment_id, unit_id, result, score, note)`` (note None
    keeps the current note). All or nothing: when any entry is wrong, nothing is saved and the error's
    ``details["problems"]`` lists every bad cell (enrollment, unit, code, message)."""
    program = _lock_program(program.pk)
    require(actor, "program.assess", program)
    _require_running_or_closed(program)
    _require_open(program, today)
    parsed = [Entry(*entry) for entry in entries]
    result, problems = _save(actor=actor, program=program, entries=parsed)
    if problems:
        _raise_problems(problems)
    return result


def _raise_problems(problems: list[Problem]) -> None:
    """One refusal naming every bad cell (participant · unit: why), with the cells in ``details``."""
    if problems:
        names = dict(Enrollment.objects.filter(pk__in={p.enrollment_id for p in problems}).values_list("pk", "person__full_name"))
        codes = dict(CompetencyUnit.objects.filter(pk__in={p.unit_id for p in problems}).values_list("pk", "code"))
        where = [f"{names.get(p.enrollment_id, f'#{p.enrollment_id}')} · {codes.get(p.unit_id, f'#{p.unit_id}')}" for p in problems]
        head = Msg("{n} nilai tidak dapat disimpan, jadi tidak ada yang disimpan. ", "{n} entries cannot be saved, so nothing was saved. ").format(
            n=len(problems))
        detail = Msg("; ".join(f"{w}: {p.error.message.id}" for w, p in zip(where, problems, strict=True)),
                     "; ".join(f"{w}: {p.error.message.en}" for w, p in zip(where, problems, strict=True)))
        cls = ValidationFailed if any(isinstance(p.error, ValidationFailed) for p in problems) else Conflict
        raise cls(Msg(head.id + detail.id, head.en + detail.en), code=Code.ASSESSMENT_ENTRIES, details={"problems": [
            {"enrollment": p.enrollment_id, "unit": p.unit_id, "code": p.error.code, "message": p.error.message} for p in problems
        ]})


@transaction.atomic(durable=True)
def assessments_fill_competent(*, actor: User, program: Program, unit_id: int | None = None, enrollment_id: int | None = None,
                               today: dt.date | None = None) -> SaveResult:
    """"All competent": every *empty* cell of the program (or of one unit column, ``unit_id``, or one
    participant's row, ``enrollment_id``) becomes "competent"; cells already assessed — K or BK — stay as
    they are (counted in ``kept``), so a "not yet competent" is never overwritten. Rows that cannot be
    assessed (certificate issued, not a participant) are left out of the whole-program and unit fills and
    refused for a row fill. One bulk insert, one audit row per assessment created, the overall results
    recomputed once (the same core as the grid's save)."""
    program = _lock_program(program.pk)
    require(actor, "program.assess", program)
    _require_running_or_closed(program)
    _require_open(program, today)
    unit_ids = sorted(program.competency_units.values_list("pk", flat=True))
    if unit_id is not None:
        if unit_id not in unit_ids:
            raise NotFound(Msg("Unit kompetensi ini bukan bagian dari program.", "This competency unit is not part of the program."),
                           code=Code.UNIT_NOT_IN_PROGRAM, field="unit")
        unit_ids = [unit_id]
    rows = Enrollment.objects.filter(program=program, state__in=domain.GRID_STATES)
    if enrollment_id is not None:
        rows = rows.filter(pk=enrollment_id)
    rows = list(rows.annotate(certified=Exists(Certificate.objects.filter(enrollment=OuterRef("pk")))).order_by("pk")
                .values_list("pk", "state", "certified"))
    if enrollment_id is not None and not rows:
        raise NotFound(Msg("Peserta ini tidak dinilai di program ini.", "This participant is not assessed in this programme."),
                       code=Code.ENROLLMENT_NOT_IN_PROGRAM, field="enrollment")
    editable = []
    for pk, state, certified in rows:
        blocker = domain.assess_blocker(program_status=program.status, state=state, certified=certified)
        if blocker is None:
            editable.append(pk)
        elif enrollment_id is not None:
            raise Conflict(blocker, code=Code.ASSESSMENT_CERTIFIED if certified else Code.ASSESSMENT_NOT_ALLOWED)
    assessed = set(Assessment.objects.filter(enrollment_id__in=editable, unit_id__in=unit_ids).values_list("enrollment_id", "unit_id"))
    entries = domain.fill_competent(enrollment_ids=editable, unit_ids=unit_ids, assessed=assessed)
    result, problems = _save(actor=actor, program=program, entries=entries) if entries else (SaveResult(), [])
    _raise_problems(problems)
    result.kept = len(assessed)
    return result


# --- the grid as a spreadsheet ------------------------------------------------------------------------

@dataclass
class ImportRow:
    row: int
    enrollment_id: int | None
    name: str
    status: str                      # "saved" | "unchanged" | "error"
    changes: int = 0
    errors: list[tuple[str, Msg]] = field(default_factory=list)


@dataclass
class AssessmentImport:
    file_name: str
    rows: list[ImportRow]
    saved: int = 0                   # cells created or changed (0 when any row is wrong: all or nothing)
    # A refused file given back with an "Alasan" column (``assessment_sheet.error_file_bytes``), else None.
    error_file: bytes | None = None

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows if r.status == "error")

    @property
    def ok(self) -> bool:
        return self.errors == 0


def assessments_import(*, actor: User, program: Program, file_name: str, data: bytes, today: dt.date | None = None) -> AssessmentImport:
    """Import the grid's own template, filled in (``assessment_sheet`` documents the format). The whole
    file is read and checked first, with no transaction open; then, only when no row is wrong, every
    change is written in one transaction through the grid's set-based core (one audit row per cell
    changed). All or nothing: a report per row either way, and a refused file comes back as ``error_file``
    (every row, the wrong ones with their reasons). File-level refusals (unreadable, too large, no header,
    a column that is no unit of the program) raise ValidationFailed."""
    require(actor, "program.assess", program)  # before reading a byte of the file
    units = list(program.competency_units.order_by("code").values_list("pk", "code"))
    unit_of = {code: pk for pk, code in units}
    sheet = sheet_rules.read_sheet(read_rows(file_name, data), program_units=[code for _, code in units])
    report = _import_save(actor=actor, program=program, file_name=file_name, sheet=sheet, unit_of=unit_of, today=today)
    if not report.ok:  # the file back, each wrong row with its reasons (Indonesian, as the template's headers)
        report.error_file = sheet_rules.error_file_bytes(unit_codes=sheet.unit_codes, rows=[
            (read, sheet_rules.reasons_text([(column, why.in_language("id")) for column, why in done.errors]))
            for read, done in zip(sheet.rows, report.rows, strict=True)])
    return report


@transaction.atomic(durable=True)
def _import_save(*, actor: User, program: Program, file_name: str, sheet, unit_of: dict[str, int], today: dt.date | None) -> AssessmentImport:
    program = _lock_program(program.pk)
    require(actor, "program.assess", program)
    _require_running_or_closed(program)
    _require_open(program, today)
    ids = {r.enrollment_id for r in sheet.rows if r.enrollment_id is not None and r.enrollment_id < 2**63}
    enrollments = {e.pk: e for e in Enrollment.objects.filter(program=program, pk__in=ids, state__in=domain.GRID_STATES)
                   .select_related("person").annotate(certified=Exists(Certificate.objects.filter(enrollment=OuterRef("pk"))))}
    current = {(a.enrollment_id, a.unit_id): a for a in Assessment.objects.filter(enrollment_id__in=list(enrollments), unit_id__in=unit_of.values())}
    out = AssessmentImport(file_name=file_name, rows=[])
    entries: list[Entry] = []
    seen: dict[int, int] = {}
    for r in sheet.rows:
        row = ImportRow(row=r.row, enrollment_id=r.enrollment_id, name=r.name, status="unchanged", errors=list(r.errors))
        out.rows.append(row)
        e = enrollments.get(r.enrollment_id) if r.enrollment_id is not None else None
        if r.enrollment_id is not None and e is None:
            row.errors.append((sheet_rules.ID_HEADER, Msg("Tidak ada peserta dengan ID pendaftaran ini di program ini.",
                                                          "No participant of this program has this enrollment ID.")))
        elif e is not None and not sheet_rules.same_name(e.person.full_name, r.name):
            row.errors.append((sheet_rules.NAME_HEADER, Msg("Nama tidak cocok dengan ID pendaftaran {i} (terdaftar: {n}); baris mungkin bergeser.",
                                                            "The name does not match enrollment ID {i} (registered: {n}); the row may have moved.")
                               .format(i=e.pk, n=e.person.full_name)))
        elif e is not None and e.pk in seen:
            row.errors.append((sheet_rules.ID_HEADER, Msg("Peserta ini sudah ada di baris {n}.", "This participant is already on row {n}.")
                               .format(n=seen[e.pk])))
        if e is not None:
            seen.setdefault(e.pk, r.row)
        mine = []
        if e is not None:
            for code, (result, score) in r.cells.items():
                existing = current.get((e.pk, unit_of[code]))
                if existing is not None and (existing.result, existing.score) == (result, score):
                    continue
                mine.append(Entry(e.pk, unit_of[code], result, score, None))
            blocker = domain.assess_blocker(program_status=program.status, state=e.state, certified=e.certified) if mine else None
            if blocker:
                row.errors.append((sheet_rules.NAME_HEADER, blocker))
        if row.errors:
            row.status = "error"
        elif mine:
            row.status, row.changes = "saved", len(mine)
            entries.extend(mine)
    if not out.ok or not entries:
        for row in out.rows:
            if row.status == "saved" and not out.ok:
                row.status = "valid"
        return out
    result, problems = _save(actor=actor, program=program, entries=entries)
    _raise_problems(problems)  # checked above: only a race could get here, and then nothing is saved
    out.saved = result.saved
    return out
