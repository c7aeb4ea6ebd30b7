"""Competency assessment (per participant, per competency unit) and the participant's review of the
training: the writes (services) and the reads the pages need.

Assessment
    An instructor or the manager of the program's institution (``program.assess``) records, per unit,
    "competent" / "not yet competent" with an optional score (0–100) and note. Allowed while the
    enrollment is a participant of a running program, and — as a correction — for an alumnus or a
    not-passed participant of a closed program, until a certificate exists for the enrollment.
    After every save the overall result (``domain.overall_result`` over the program's units) is
    stored on ``Enrollment.result``: competent → passed, not yet competent → failed, else pending.
    In a closed program the state follows the result at once (graduated ↔ not_passed), audited.

    Lock order: the program row first, then the enrollments (the same order as training's close), so
    an assessment and the program's close never interleave.

Review
    The participant (or new alumnus) themself rates the training 1–5 with a written review (≥ 20
    characters), once per enrollment, and may rate one instructor of the program's institution.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.core import audit
from sisnaker.core.errors import Conflict, Msg, NotFound, SisnakerError, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.core.roles import Role
from sisnaker.training import domain as training_domain
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment, Program

from . import domain
from .models import Assessment, Certificate, Review

RESULTS = (domain.COMPETENT, domain.NOT_YET)
# Enrollments shown on the assessment grid.
GRID_STATES = (E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED)
# Overall result of the units → Enrollment.result.
ENROLLMENT_RESULT = {domain.COMPETENT: "passed", domain.NOT_YET: "failed", "pending": "pending"}
OVERALL_LABELS = {
    domain.COMPETENT: Msg("Kompeten", "Competent"),
    domain.NOT_YET: Msg("Belum kompeten", "Not yet competent"),
    "pending": Msg("Belum lengkap", "Incomplete"),
}
REVIEW_MIN_CHARS, REVIEW_MAX_CHARS = 20, 5000
NOTE_MAX_CHARS = 500
READINESS_SURVEY_CODE = "kesiapan-kerja"
CORRECTION_REASON = "Koreksi penilaian kompetensi setelah program ditutup."


# --- rules ------------------------------------------------------------------------------------

def assess_blocker(*, program_status: str, state: str, certified: bool) -> Msg | None:
    """Why this enrollment's units cannot be assessed (or corrected) now; None when they can."""
    if certified:
        return Msg("Sertifikat peserta ini sudah diterbitkan: penilaian tidak dapat diubah lagi.",
                   "This participant's certificate was already issued: the assessment can no longer change.")
    if program_status == P.RUNNING and state == E.PARTICIPANT:
        return None
    if program_status == P.CLOSED and state in (E.GRADUATED, E.NOT_PASSED):
        return None
    if program_status != P.RUNNING and state == E.PARTICIPANT:
        return Msg("Penilaian dilakukan saat program berjalan (status program: {s_id}).",
                   "Assessment happens while the program runs (program status: {s_en}).").format(
                       s_id=training_domain.status_label(program_status).id, s_en=training_domain.status_label(program_status).en)
    label = training_domain.state_label(state)
    return Msg("Hanya peserta program berjalan, atau alumni/tidak lulus program yang sudah selesai, yang dapat dinilai "
               "(status pendaftaran: {s_id}).",
               "Only participants of a running program, or alumni/not passed of a closed one, can be assessed "
               "(enrollment status: {s_en}).").format(s_id=label.id, s_en=label.en)


def review_blocker(*, program_status: str, state: str) -> Msg | None:
    """Why this enrollment cannot be reviewed now; None when it can."""
    if state in (E.GRADUATED, E.NOT_PASSED):
        return None
    if state == E.PARTICIPANT:
        if program_status == P.RUNNING:
            return None
        return Msg("Ulasan dapat diberikan setelah pelatihan dimulai.", "A review can be written once the training has started.")
    label = training_domain.state_label(state)
    return Msg("Ulasan hanya untuk peserta dan alumni pelatihan (status pendaftaran Anda: {s_id}).",
               "Only participants and alumni can review the training (your enrollment status: {s_en}).").format(
                   s_id=label.id, s_en=label.en)


# --- assessment services ----------------------------------------------------------------------

class Entry(NamedTuple):
    """One cell of the grid to save. ``result`` "" clears the cell; ``note`` None keeps the current note."""

    enrollment_id: int
    unit_id: int
    result: str
    score: int | None = None
    note: str | None = None


class Problem(NamedTuple):
    enrollment_id: int
    unit_id: int
    error: SisnakerError


@dataclass
class SaveResult:
    saved: int = 0       # created or changed
    cleared: int = 0     # removed ("—")
    unchanged: int = 0
    # enrollment id → overall result after the save ("competent" / "not_yet_competent" / "pending"), for touched rows
    overall: dict[int, str] = field(default_factory=dict)


def _lock_program(program_id: int) -> Program:
    program = Program.objects.select_for_update(of=("self",)).select_related("institution").filter(pk=program_id).first()
    if program is None:
        raise NotFound(Msg("Program tidak ditemukan.", "Program not found."), code="program_not_found")
    return program


def _check_entry(entry: Entry) -> SisnakerError | None:
    """Input problems of one entry, independent of the database."""
    if entry.result not in (*RESULTS, ""):
        return ValidationFailed(Msg("Hasil penilaian harus Kompeten (K) atau Belum kompeten (BK).",
                                    "The result must be competent (K) or not yet competent (BK)."), code="assessment_result", field="result")
    score = entry.score
    if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100):
        return ValidationFailed(Msg("Nilai angka harus bilangan bulat 0–100 (boleh kosong).",
                                    "The score must be a whole number from 0 to 100 (or empty)."), code="assessment_score", field="score")
    if entry.note is not None and len(entry.note) > NOTE_MAX_CHARS:
        return ValidationFailed(Msg("Catatan paling banyak {n} karakter.", "The note can have at most {n} characters.").format(n=NOTE_MAX_CHARS),
                                code="assessment_note", field="note")
    if entry.result == "" and (score is not None or (entry.note or "").strip()):
        return ValidationFailed(Msg("Pilih K atau BK untuk unit ini sebelum mengisi nilai angka atau catatan.",
                                    "Choose K or BK for this unit before entering a score or note."), code="assessment_result_missing",
                                field="result")
    return None


def _save(*, actor, program: Program, entries: list[Entry]) -> tuple[SaveResult, list[Problem]]:
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
                                                       code="enrollment_not_in_program")))
            continue
        if uid not in unit_ids:
            problems.append(Problem(eid, uid, ValidationFailed(
                Msg("Unit kompetensi ini bukan bagian dari program.", "This competency unit is not part of the program."),
                code="unit_not_in_program", field="unit")))
            continue
        error = _check_entry(entry)
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
        blocker = assess_blocker(program_status=program.status, state=enrollment.state, certified=enrollment.certified)
        if blocker:
            problems.append(Problem(eid, uid, Conflict(blocker, code="assessment_certified" if enrollment.certified else "assessment_not_allowed")))
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
    audit.record_many(actor=actor, action="assessment.recorded", object_type="training.enrollment", rows=rows, at=now)
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


def _sync_results(*, actor, program: Program, enrollments: list[Enrollment], results_of: dict, unit_ids: set[int], now, out: SaveResult):
    """Store the overall result on each enrollment; in a closed program move the state with it."""
    groups: dict[tuple[str, str, str], list[Enrollment]] = {}
    result_rows, correction_rows = [], []
    for e in enrollments:
        overall = domain.overall_result(unit_ids=unit_ids, results=results_of.get(e.pk, {}))
        out.overall[e.pk] = overall
        new_result = ENROLLMENT_RESULT[overall]
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
    for (new_result, new_state, reason), members in groups.items():
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
    audit.record_many(actor=actor, action="enrollment.result_assessed", object_type="training.enrollment", rows=result_rows, at=now)
    audit.record_many(actor=actor, action="enrollment.result_corrected", object_type="training.enrollment", rows=correction_rows,
                      reason=CORRECTION_REASON, at=now)


@transaction.atomic
def assessment_record(*, actor, enrollment: Enrollment, unit: CompetencyUnit, result: str, score: int | None = None,
                      note: str | None = None) -> Assessment | None:
    """Create, change or (``result=""``) clear one unit's assessment of one participant, then store the
    overall result on the enrollment (and, in a closed program, its state). ``note=None`` keeps the
    current note. Returns the assessment, or None when cleared. Refusals: PermissionDenied,
    ValidationFailed (input), Conflict (state, or certificate already issued)."""
    program = _lock_program(enrollment.program_id)
    require(actor, "program.assess", program)
    _, problems = _save(actor=actor, program=program, entries=[Entry(enrollment.pk, unit.pk, result, score, note)])
    if problems:
        raise problems[0].error
    return Assessment.objects.filter(enrollment_id=enrollment.pk, unit_id=unit.pk).first()


@transaction.atomic
def assessments_record_many(*, actor, program: Program, entries: list[tuple]) -> SaveResult:
    """The bulk page's save: ``entries`` are ``(enrollment_id, unit_id, result, score, note)`` (note None
    keeps the current note). All or nothing: when any entry is wrong, nothing is saved and the error's
    ``details["problems"]`` lists every bad cell (enrollment, unit, code, message)."""
    program = _lock_program(program.pk)
    require(actor, "program.assess", program)
    if program.status not in (P.RUNNING, P.CLOSED):
        raise Conflict(Msg("Penilaian kompetensi dilakukan saat program berjalan (status program: {s_id}).",
                           "Competency assessment happens while the program runs (program status: {s_en}).").format(
                               s_id=training_domain.status_label(program.status).id, s_en=training_domain.status_label(program.status).en),
                       code="program_not_running")
    parsed = [Entry(*entry) for entry in entries]
    result, problems = _save(actor=actor, program=program, entries=parsed)
    if problems:
        names = dict(Enrollment.objects.filter(pk__in={p.enrollment_id for p in problems}).values_list("pk", "person__full_name"))
        codes = dict(CompetencyUnit.objects.filter(pk__in={p.unit_id for p in problems}).values_list("pk", "code"))
        where = [f"{names.get(p.enrollment_id, f'#{p.enrollment_id}')} · {codes.get(p.unit_id, f'#{p.unit_id}')}" for p in problems]
        head = Msg("{n} nilai tidak dapat disimpan, jadi tidak ada yang disimpan. ", "{n} entries cannot be saved, so nothing was saved. ").format(
            n=len(problems))
        detail = Msg("; ".join(f"{w}: {p.error.message.id}" for w, p in zip(where, problems, strict=True)),
                     "; ".join(f"{w}: {p.error.message.en}" for w, p in zip(where, problems, strict=True)))
        cls = ValidationFailed if any(isinstance(p.error, ValidationFailed) for p in problems) else Conflict
        raise cls(Msg(head.id + detail.id, head.en + detail.en), code="assessment_entries", details={"problems": [
            {"enrollment": p.enrollment_id, "unit": p.unit_id, "code": p.error.code, "message": p.error.message} for p in problems
        ]})
    return result


# --- review service ---------------------------------------------------------------------------

def _is_instructor(user: User, institution_id: int) -> bool:
    return RoleAssignment.objects.filter(user=user, role=Role.INSTRUCTOR, institution_id=institution_id, is_active=True).exists()


@transaction.atomic
def review_submit(*, actor, enrollment: Enrollment, rating: int, text: str, instructor: User | None = None,
                  instructor_rating: int | None = None, now: dt.datetime) -> Review:
    """The participant (or new alumnus) rates and reviews the training, once per enrollment, and may
    rate one instructor of the program's institution."""
    enrollment = (Enrollment.objects.select_for_update(of=("self",)).select_related("program__institution", "person")
                  .get(pk=enrollment.pk))
    require(actor, "enrollment.register_self", enrollment.person)
    if Review.objects.filter(enrollment=enrollment).exists():
        raise Conflict(Msg("Anda sudah memberi ulasan untuk pelatihan ini; ulasan hanya sekali per pelatihan.",
                           "You already reviewed this training; a review is given once per training."), code="review_exists")
    blocker = review_blocker(program_status=enrollment.program.status, state=enrollment.state)
    if blocker:
        raise Conflict(blocker, code="review_not_allowed")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed(Msg("Pilih penilaian bintang 1 sampai 5.", "Choose a rating from 1 to 5 stars."), code="review_rating", field="rating")
    text = (text or "").strip()
    if len(text) < REVIEW_MIN_CHARS:
        raise ValidationFailed(Msg("Ulasan minimal {n} karakter (sekarang {k}). Ceritakan apa yang baik dan apa yang perlu diperbaiki.",
                                   "The review needs at least {n} characters (now {k}). Say what was good and what could improve.").format(
                                       n=REVIEW_MIN_CHARS, k=len(text)), code="review_text_short", field="text")
    if len(text) > REVIEW_MAX_CHARS:
        raise ValidationFailed(Msg("Ulasan paling banyak {n} karakter.", "The review can have at most {n} characters.").format(n=REVIEW_MAX_CHARS),
                               code="review_text_long", field="text")
    if instructor is not None:
        if not _is_instructor(instructor, enrollment.program.institution_id):
            raise ValidationFailed(Msg("Instruktur yang dipilih bukan instruktur lembaga penyelenggara pelatihan ini.",
                                       "The chosen instructor is not an instructor of this training's institution."),
                                   code="review_instructor", field="instructor")
        if isinstance(instructor_rating, bool) or not isinstance(instructor_rating, int) or not 1 <= instructor_rating <= 5:
            raise ValidationFailed(Msg("Beri nilai instruktur 1 sampai 5, atau kosongkan pilihan instruktur.",
                                       "Rate the instructor from 1 to 5, or leave the instructor empty."),
                                   code="review_instructor_rating", field="instructor_rating")
    elif instructor_rating is not None:
        raise ValidationFailed(Msg("Pilih instruktur yang Anda nilai.", "Choose the instructor you are rating."),
                               code="review_instructor_missing", field="instructor")
    try:
        with transaction.atomic():
            review = Review.objects.create(enrollment=enrollment, rating=rating, text=text, instructor=instructor,
                                           instructor_rating=instructor_rating if instructor else None, created_at=now)
    except IntegrityError as exc:  # the same participant submitting twice at the same moment
        raise Conflict(Msg("Anda sudah memberi ulasan untuk pelatihan ini.", "You already reviewed this training."), code="review_exists") from exc
    audit.record(actor=actor, action="review.submitted", obj=review, at=now, after={
        "enrollment": enrollment.pk, "program": enrollment.program_id, "rating": rating, "text": text,
        "instructor": instructor.pk if instructor else None, "instructor_rating": review.instructor_rating,
    })
    return review


# --- reads ------------------------------------------------------------------------------------

@dataclass
class GridCell:
    unit_id: int
    result: str            # "" when not assessed
    score: int | None
    note: str


@dataclass
class GridRow:
    enrollment_id: int
    name: str
    state: str
    state_label: str
    certified: bool
    blocker: Msg | None    # why the row is read-only, or None
    cells: list[GridCell]
    overall: str

    @property
    def editable(self) -> bool:
        return self.blocker is None

    @property
    def overall_label(self) -> str:
        return str(OVERALL_LABELS[self.overall])


@dataclass
class Grid:
    program: Program
    units: list[CompetencyUnit]
    rows: list[GridRow]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(OVERALL_LABELS, 0)
        for row in self.rows:
            out[row.overall] += 1
        return out


def assessment_grid(*, program: Program, enrollment_ids: list[int] | None = None) -> Grid:
    """Participants (participant / graduated / not passed) × the program's units with the current
    results and each row's overall result. Three queries, whatever the size."""
    units = list(program.competency_units.order_by("code"))
    unit_ids = [u.pk for u in units]
    qs = Enrollment.objects.filter(program=program, state__in=GRID_STATES)
    if enrollment_ids is not None:
        qs = qs.filter(pk__in=enrollment_ids)
    enrollments = list(qs.select_related("person").annotate(certified=Exists(Certificate.objects.filter(enrollment=OuterRef("pk"))))
                       .order_by("person__full_name", "pk"))
    found: dict[int, dict[int, Assessment]] = {e.pk: {} for e in enrollments}
    for a in Assessment.objects.filter(enrollment_id__in=list(found), unit_id__in=unit_ids):
        found[a.enrollment_id][a.unit_id] = a
    rows = []
    for e in enrollments:
        mine = found[e.pk]
        cells = [GridCell(uid, mine[uid].result, mine[uid].score, mine[uid].note) if uid in mine else GridCell(uid, "", None, "")
                 for uid in unit_ids]
        rows.append(GridRow(
            enrollment_id=e.pk, name=e.person.full_name, state=e.state, state_label=str(training_domain.state_label(e.state)),
            certified=e.certified, blocker=assess_blocker(program_status=program.status, state=e.state, certified=e.certified),
            cells=cells, overall=domain.overall_result(unit_ids=unit_ids, results={uid: a.result for uid, a in mine.items()}),
        ))
    return Grid(program=program, units=units, rows=rows)


def program_for_assessment(*, program_id: int) -> Program | None:
    return Program.objects.select_related("institution").filter(pk=program_id).first()


def own_enrollment(*, user, enrollment_id: int) -> Enrollment | None:
    """The signed-in citizen's own enrollment (None for anyone else's: they must not learn it exists)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (Enrollment.objects.select_related("program__institution", "person")
            .filter(pk=enrollment_id, person__user=user).first())


def review_of(*, enrollment: Enrollment) -> Review | None:
    return Review.objects.select_related("instructor").filter(enrollment=enrollment).first()


def program_instructors(*, program: Program) -> list[User]:
    """Instructors of the program's institution (for the review's instructor choice)."""
    return list(User.objects.filter(role_assignments__role=Role.INSTRUCTOR, role_assignments__institution_id=program.institution_id,
                                    role_assignments__is_active=True, is_active=True).distinct().order_by("first_name", "username"))


def survey_url(enrollment_id: int) -> str:
    try:
        return reverse("surveys:fill", args=(READINESS_SURVEY_CODE, enrollment_id))
    except NoReverseMatch:  # the survey pages are built separately; the path is agreed
        return f"/survei/{READINESS_SURVEY_CODE}/{enrollment_id}/"


@dataclass(frozen=True)
class MySteps:
    """The citizen's certificate steps for one enrollment, for "Pelatihan saya"."""

    applies: bool          # participant of a running program, or alumnus / not passed
    reviewed: bool
    survey_done: bool
    review_url: str
    survey_url: str


def my_steps(*, enrollments: list[Enrollment]) -> dict[int, MySteps]:
    """Review and readiness-survey status per enrollment, in two queries (``enrollment.program`` loaded)."""
    from sisnaker.surveys.models import Response

    ids = [e.pk for e in enrollments]
    reviewed = set(Review.objects.filter(enrollment_id__in=ids).values_list("enrollment_id", flat=True)) if ids else set()
    surveyed = set(Response.objects.filter(enrollment_id__in=ids, questionnaire__code=READINESS_SURVEY_CODE)
                   .values_list("enrollment_id", flat=True)) if ids else set()
    return {
        e.pk: MySteps(
            applies=review_blocker(program_status=e.program.status, state=e.state) is None,
            reviewed=e.pk in reviewed, survey_done=e.pk in surveyed,
            review_url=reverse("certification:review", args=(e.pk,)), survey_url=survey_url(e.pk),
        )
        for e in enrollments
    }
