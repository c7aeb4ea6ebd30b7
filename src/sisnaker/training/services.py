"""Writes of the training lifecycle. Every service: keyword-only, one transaction, permission check,
audit trail in the same transaction, a clear refusal (``SisnakerError``) instead of a 500. Services that
views, the API, tasks and the demo call are durable (``atomic(durable=True)``): none of them runs inside
another transaction, so a commit is never hidden by an outer block.

Seats: the program row is locked (``select_for_update``) before seats are counted, so concurrent
acceptances on PostgreSQL queue behind each other and never exceed the quota; SQLite serialises
writers itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.codes import Audit as AccountsAudit
from sisnaker.accounts.codes import Code as AccountCode
from sisnaker.accounts.models import Person, User
from sisnaker.accounts.services import person_match_for_staff
from sisnaker.core import audit, links
from sisnaker.core.bulk import chunks
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.core.roles import Role
from sisnaker.institutions import domain as institution_rules
from sisnaker.institutions.models import Institution
from sisnaker.notifications.services import notifications_withdraw, notify, tell_people
from sisnaker.regions.models import Regency

from . import domain, selectors
from .codes import Audit, Code
from .domain import EnrollmentState as E
from .domain import ProgramStatus as P
from .models import CompetencyUnit, Enrollment, Program, VocationalField, counter_of

PROGRAM_FIELDS = [
    "title", "description", "vocational_field", "hours", "start_date", "end_date", "registration_opens",
    "registration_closes", "quota", "regency", "mode", "boarding", "funding", "dipa_reference", "fee",
    "selection_method", "min_age", "max_age", "min_education",
]
MAX_DB_ID = 2**63 - 1  # the largest BIGINT key (PostgreSQL and SQLite alike)


# --- reference data ---------------------------------------------------------------------------

@transaction.atomic(durable=True)
def vocational_field_save(*, actor: User, code: str, name: str, is_active: bool = True) -> VocationalField:
    """Create or update a vocational field (kejuruan) by its code."""
    require(actor, "reference.edit")
    code, name = code.strip().upper(), " ".join(name.split())
    if not code or not name:
        raise ValidationFailed(Msg("Kode dan nama kejuruan wajib diisi.", "Code and name are required."), code=Code.REFERENCE_REQUIRED)
    obj, created = VocationalField.objects.get_or_create(code=code, defaults={"name": name, "is_active": is_active})
    before = {"name": obj.name, "is_active": obj.is_active}
    if not created:
        obj.name, obj.is_active = name, is_active
        obj.save()
    audit.record(actor=actor, action=Audit.VOCATIONAL_FIELD_SAVED, obj=obj, before=None if created else before,
                 after={"code": code, "name": name, "is_active": is_active})
    return obj


@transaction.atomic(durable=True)
def competency_unit_save(*, actor: User, code: str, title: str, vocational_field: VocationalField, is_active: bool = True) -> CompetencyUnit:
    """Create or update an SKKNI competency unit by its code."""
    require(actor, "reference.edit")
    code, title = code.strip().upper(), " ".join(title.split())
    if not code or not title:
        raise ValidationFailed(Msg("Kode dan judul unit kompetensi wajib diisi.", "Code and title are required."), code=Code.REFERENCE_REQUIRED)
    obj, created = CompetencyUnit.objects.get_or_create(
        code=code, defaults={"title": title, "vocational_field": vocational_field, "is_active": is_active}
    )
    if not created:
        obj.title, obj.vocational_field, obj.is_active = title, vocational_field, is_active
        obj.save()
    audit.record(actor=actor, action=Audit.COMPETENCY_UNIT_SAVED, obj=obj,
                 after={"code": code, "title": title, "vocational_field": vocational_field.pk, "is_active": is_active})
    return obj


# --- programs ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProgramData:
    """What a manager fills in for a program."""

    title: str
    vocational_field: VocationalField
    hours: int
    start_date: dt.date
    end_date: dt.date
    registration_opens: dt.date
    registration_closes: dt.date
    quota: int
    regency: Regency
    funding: str
    mode: str = "in_person"
    boarding: bool = False
    dipa_reference: str = ""
    fee: int = 0
    selection_method: str = "none"
    min_age: int | None = None
    max_age: int | None = None
    min_education: str = ""
    description: str = ""
    competency_unit_ids: tuple[int, ...] = field(default_factory=tuple)
    # The instructors who teach it (user ids of the institution's active instructors); None keeps the current
    # ones on an update (none on a create). None assigned: every instructor of the institution assesses.
    instructor_ids: tuple[int, ...] | None = None


def _validate_program(data: ProgramData, *, hours_per_day: bool = True) -> None:
    missing = domain.missing_program_field({name: getattr(data, name) for name in domain.PROGRAM_REQUIRED_FIELDS})
    if missing is not None:  # e.g. an API PATCH with {"start_date": null}
        label = domain.PROGRAM_REQUIRED_FIELDS[missing]
        raise ValidationFailed(Msg(f"{label.id} wajib diisi.", f"{label.en} is required."), code=CoreCode.VALUE_REQUIRED,
                               field=missing)
    domain.validate_program_fields(
        title=data.title, hours=data.hours, start_date=data.start_date, end_date=data.end_date,
        registration_opens=data.registration_opens, registration_closes=data.registration_closes, quota=data.quota,
        funding=data.funding, dipa_reference=data.dipa_reference, fee=data.fee, min_age=data.min_age,
        max_age=data.max_age, min_education=data.min_education, hours_per_day=hours_per_day,
    )
    for name, choices in (("mode", Program.Mode), ("funding", Program.Funding), ("selection_method", Program.Selection)):
        if getattr(data, name) not in choices.values:
            raise ValidationFailed(Msg("Pilihan {f} tidak dikenal.", "Unknown choice for {f}.").format(f=name), code=Code.PROGRAM_CHOICE, field=name)


def _db_ids(ids) -> list[int]:
    """The ids a database key can hold: an ``IN`` list with an id beyond 64 bits is an SQL error (500),
    not "no such row". Ids left out simply match nothing."""
    return [i for i in ids if isinstance(i, int) and 0 < i <= MAX_DB_ID]


def _units(data: ProgramData) -> list[CompetencyUnit]:
    units = list(CompetencyUnit.objects.filter(pk__in=_db_ids(data.competency_unit_ids), is_active=True))
    if len(units) != len(set(data.competency_unit_ids)):
        raise ValidationFailed(Msg("Ada unit kompetensi yang tidak dikenal atau tidak aktif.", "Some competency units are unknown or inactive."),
                               code=Code.PROGRAM_UNITS, field="competency_units")
    return units


def _instructors(institution_id: int, ids: tuple[int, ...] | None) -> list[User] | None:
    """The users of ``ids``, each an active instructor of the institution (an active account); None for None."""
    if ids is None:
        return None
    wanted = set(_db_ids(ids))
    users = list(User.objects.filter(pk__in=wanted, is_active=True, role_assignments__role=Role.INSTRUCTOR,
                                     role_assignments__institution_id=institution_id, role_assignments__is_active=True)
                 .distinct().order_by("pk"))
    if len(users) != len(set(ids)) or len(wanted) != len(set(ids)):
        raise ValidationFailed(Msg("Instruktur yang dipilih harus instruktur aktif lembaga penyelenggara program ini.",
                                   "The instructors chosen must be active instructors of the institution running this program."),
                               code=Code.PROGRAM_INSTRUCTORS, field="instructors")
    return users


@transaction.atomic(durable=True)
def program_create(*, actor: User, institution: Institution, data: ProgramData) -> Program:
    """A draft program of ``institution``."""
    require(actor, "program.manage", institution)
    _validate_program(data)
    units = _units(data)
    instructors = _instructors(institution.pk, data.instructor_ids) or []
    values = {name: getattr(data, name) for name in PROGRAM_FIELDS}
    values["title"] = " ".join(data.title.split())
    program = Program.objects.create(institution=institution, created_by=actor, **values)
    program.competency_units.set(units)
    program.instructors.set(instructors)
    audit.record(actor=actor, action=Audit.PROGRAM_CREATED, obj=program,
                 after=audit.snapshot(program, PROGRAM_FIELDS) | {"competency_units": [u.pk for u in units],
                                                                  "instructors": [u.pk for u in instructors]})
    return program


def lock_program(program: Program, *, moving: bool = False) -> Program:
    """The program read again with its row locked (``select_for_update``) until the transaction ends:
    whatever counts seats or adds people to it (services here, the spreadsheet import) locks it first.
    Only the program row: locking the joined institution too would queue every registration of the
    whole institution behind one lock. Refused (Conflict ``program_move_open``) while a lifecycle step of the
    program is queued or running in the background (``training.moves``): the worker holds this lock for the
    whole step, so a request would otherwise wait for it, maybe past its timeout. ``moving``: the step itself."""
    if not moving:
        refuse_while_moving(program)
    return Program.objects.select_for_update(of=("self",)).select_related("institution").get(pk=program.pk)


# --- the program's enrollment counters ----------------------------------------------------------------


def program_counters_apply(*, program_id: int, deltas: Mapping[str, int], late: int = 0) -> None:
    """Add ``deltas`` (state → enrollments gained, negative for lost) and ``late`` new late registrations to
    the program's maintained counters (``Program.n_<state>``, ``n_late``): one UPDATE of relative
    amounts (``F() + n``), so concurrent changes add up. Call it inside the transaction that writes the
    enrollments, with the number of rows actually written (every service here, the import, certification's
    result corrections and ``tests.factories`` do)."""
    changes = {counter_of(state): F(counter_of(state)) + n for state, n in deltas.items() if n}
    if late:
        changes["n_late"] = F("n_late") + late
    if changes:
        Program.objects.filter(pk=program_id).update(**changes)


def moves_deltas(moves: Iterable[tuple[str, str, int]]) -> Counter:
    """The counter deltas of ``moves``: (from state, to state, how many enrollments)."""
    deltas: Counter = Counter()
    for frm, to, n in moves:
        deltas[frm] -= n
        deltas[to] += n
    return deltas


def program_counters_recount(*, programs: QuerySet[Program] | None = None) -> int:
    """Set the counters of ``programs`` (all when None) from their enrollment rows: one set-based
    UPDATE (a counted subquery per column, each an index-only look-up on (program, state)). The seed calls
    it after writing enrollments with COPY; the data migration does the same once. Returns the programs updated."""
    def count(**where):
        rows = (Enrollment.objects.filter(program=OuterRef("pk"), **where).order_by().values("program")
                .annotate(n=Count("pk")).values("n"))
        return Coalesce(Subquery(rows), Value(0))

    qs = Program.objects.all() if programs is None else programs
    return qs.order_by().update(n_late=count(late=True), **{counter_of(state): count(state=state) for state in E.values})


@dataclass(frozen=True)
class ProgramChange:
    """What ``program_update`` did: the program, and when its days moved, how many people still in it are told the
    new dates and how many of them the new days put in a clash with another active training of theirs."""

    program: Program
    told: int = 0
    clashes: int = 0


@transaction.atomic(durable=True)
def program_update(*, actor: User, program: Program, data: ProgramData) -> ProgramChange:
    """Edit a program while it is a draft or open for registration. The quota never drops below the
    participants already accepted."""
    program = lock_program(program)
    require(actor, "program.manage", program)
    if program.status not in (P.DRAFT, P.PUBLISHED, P.SELECTION):
        raise Conflict(Msg("Program yang sudah berjalan atau selesai tidak dapat diubah.",
                           "A program that is running or finished cannot be edited."), code=Code.PROGRAM_LOCKED)
    # The JP-per-day cap holds for what the edit sets: a program saved before the cap, edited without touching its
    # hours or dates (its quota, its description), is not refused for them.
    _validate_program(data, hours_per_day=(data.hours, data.start_date, data.end_date)
                      != (program.hours, program.start_date, program.end_date))
    taken = selectors.seats_taken(program=program)
    if data.quota < taken:
        raise ValidationFailed(Msg("Kuota tidak boleh kurang dari {n} peserta yang sudah diterima.",
                                   "The quota cannot be below the {n} participants already accepted.").format(n=taken),
                               code=Code.PROGRAM_QUOTA_BELOW_ACCEPTED, field="quota")
    units = _units(data)
    instructors = _instructors(program.institution_id, data.instructor_ids)
    before = audit.snapshot(program, PROGRAM_FIELDS) | {"instructors": sorted(program.scope_instructor_ids())}
    days_before = (program.start_date, program.end_date)
    for name in PROGRAM_FIELDS:
        setattr(program, name, getattr(data, name))
    program.save()
    told = clashes = 0
    if domain.schedule_changed(status=program.status, before=days_before, after=(program.start_date, program.end_date)):
        told, clashes = _tell_schedule(program=program)
    program.competency_units.set(units)
    if instructors is not None:
        program.instructors.set(instructors)
    after = audit.snapshot(program, PROGRAM_FIELDS) | {
        "instructors": sorted(u.pk for u in instructors) if instructors is not None else before["instructors"]}
    b, a = audit.changes(before, after)
    if clashes:  # who now holds two overlapping trainings, for whoever reads the program's history
        a["schedule_clashes"] = clashes
    audit.record(actor=actor, action=Audit.PROGRAM_UPDATED, obj=program, before=b, after=a)
    return ProgramChange(program, told, clashes)


@transaction.atomic(durable=True)
def program_instructors_set(*, actor: User, program: Program, instructor_ids: tuple[int, ...], reason: str = "") -> Program:
    """Reassign the instructors who teach and assess ``program`` (an instructor falls ill): from the draft
    until it closes, also while it runs, which the program form does not allow. Only active instructors
    of the program's institution; none at all means every instructor of the institution assesses
    (``core.permissions``). Who is removed can no longer record results on its grid; who is added finds it
    on their home page. The audit row names both sets (before → after) with the optional ``reason``;
    the same set again changes and records nothing."""
    program = lock_program(program)
    require(actor, "program.manage", program)
    blocker = domain.instructors_change_blocker(status=program.status)
    if blocker is not None:
        raise Conflict(blocker, code=Code.PROGRAM_INSTRUCTORS_LOCKED, field="instructors")
    instructors = _instructors(program.institution_id, tuple(instructor_ids)) or []
    before = sorted(program.instructors.values_list("pk", flat=True))
    after = [u.pk for u in instructors]
    if before == after:
        return program
    program.instructors.set(instructors)
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=set(before) | set(after))}
    audit.record(actor=actor, action=Audit.PROGRAM_INSTRUCTORS_CHANGED, obj=program,
                 before={"instructors": before, "instructor_names": ", ".join(names[i] for i in before)},
                 after={"instructors": after, "instructor_names": ", ".join(names[i] for i in after)},
                 reason=" ".join((reason or "").split())[:500])
    return program


@dataclass(frozen=True)
class BatchDates:
    """What a manager gives for a new batch of a program: the dates and the quota (everything else is copied)."""

    registration_opens: dt.date
    registration_closes: dt.date
    start_date: dt.date
    end_date: dt.date
    quota: int


def program_batch_suggestion(*, program: Program, today: dt.date) -> BatchDates:
    """Sensible dates for the next batch (``domain.next_batch_dates``: the same durations, after this
    program ends) and the same quota. A read: nothing is written."""
    s = domain.next_batch_dates(domain.Schedule(program.registration_opens, program.registration_closes, program.start_date,
                                                program.end_date), today=today)
    return BatchDates(registration_opens=s.registration_opens, registration_closes=s.registration_closes,
                      start_date=s.start_date, end_date=s.end_date, quota=program.quota)


@transaction.atomic(durable=True)
def program_copy_as_batch(*, actor: User, program: Program, dates: BatchDates, today: dt.date, publish: bool = False) -> Program:
    """A new batch ("angkatan") of ``program`` in the same institution: everything is copied (vocational
    field, competency units still active, description, requirements, location, mode, funding and fee,
    selection method) except the dates and the quota, which the manager gives; the title takes the next
    batch number (``domain.next_batch_title``). A draft, or published at once with ``publish`` (the
    usual publish rules apply). The audit row of the copy names its source."""
    source = lock_program(program)
    require(actor, "program.manage", source)
    units = list(source.competency_units.filter(is_active=True).order_by("pk"))
    data = ProgramData(
        **{name: getattr(source, name) for name in PROGRAM_FIELDS
           if name not in ("title", "start_date", "end_date", "registration_opens", "registration_closes", "quota")},
        title=domain.next_batch_title(source.title), start_date=dates.start_date, end_date=dates.end_date,
        registration_opens=dates.registration_opens, registration_closes=dates.registration_closes, quota=dates.quota,
        competency_unit_ids=tuple(u.pk for u in units),
    )
    _validate_program(data)
    copy = Program.objects.create(institution=source.institution, created_by=actor,
                                  **{name: getattr(data, name) for name in PROGRAM_FIELDS})
    copy.competency_units.set(units)
    # The same instructors teach the next batch, those still active instructors of the institution.
    instructors = list(source.instructors.filter(
        is_active=True, role_assignments__role=Role.INSTRUCTOR, role_assignments__institution_id=source.institution_id,
        role_assignments__is_active=True).distinct().order_by("pk"))
    copy.instructors.set(instructors)
    audit.record(actor=actor, action=Audit.PROGRAM_COPIED_AS_BATCH, obj=copy,
                 after=audit.snapshot(copy, PROGRAM_FIELDS) | {"competency_units": [u.pk for u in units],
                                                                "instructors": [u.pk for u in instructors],
                                                                "copied_from": source.pk, "copied_from_title": source.title})
    if publish:
        copy = transition_locked(actor=actor, program=lock_program(copy), action="publish", today=today, reason="")
    return copy


@transaction.atomic(durable=True)
def program_transition(*, actor: User, program: Program, action: str, today: dt.date, reason: str = "") -> Program:
    """Move a program along its lifecycle (publish, close_registration, start, close, cancel), with the
    bulk effects on its enrollments of ``domain.PROGRAM_ENROLLMENT_EFFECTS``. Starting before the start
    date, closing before the end date and cancelling need a written ``reason`` (recorded in the audit
    trail). Returns the program with its new status."""
    if action not in domain.PROGRAM_TRANSITIONS:
        raise ValidationFailed(Msg("Tindakan tidak dikenal.", "Unknown action."), code=Code.PROGRAM_ACTION)
    program = lock_program(program)
    require(actor, "program.manage", program)
    refuse_while_moving(program)  # again under the lock: a step may have been queued while this waited for it
    return transition_locked(actor=actor, program=program, action=action, today=today, reason=reason)


MOVE_IN_PROGRESS = Msg("Langkah \"{step}\" program ini sedang dikerjakan di latar; tunggu sampai selesai (halaman "
                       "program menunjukkan kemajuannya), lalu ulangi.",
                       "This program's step \"{step}\" is being done in the background; wait until it has finished (the "
                       "program's page shows its progress), then try again.")


def refuse_while_moving(program: Program) -> None:
    """Conflict while a lifecycle step of ``program`` is queued or running in the background (``training.moves``):
    another step would be judged against the status that one is about to change, and any other change would wait
    for the worker's lock on the program."""
    # Imported here: ``moves`` runs this module's ``transition_locked``.
    from .moves import open_move

    move = open_move(program=program)
    if move is not None:
        step = domain.ACTION_LABELS[move.action]
        raise Conflict(Msg(MOVE_IN_PROGRESS.id.format(step=step.id), MOVE_IN_PROGRESS.en.format(step=step.en)),
                       code=Code.PROGRAM_MOVE_OPEN)


def transition_check(*, program: Program, action: str, today: dt.date, reason: str) -> str:
    """What ``transition_locked`` refuses before it changes anything, without changing anything: an illegal step, a
    step that needs a reason, a program that cannot be published. Returns the status the step leads to."""
    new_status = domain.program_next_status(action=action, status=program.status)
    reason = (reason or "").strip()
    if action == "publish":
        inst = program.institution
        blocker = institution_rules.publish_blocker(
            kind=inst.kind, institution_status=inst.status, status=inst.accreditation_status,
            valid_until=inst.accreditation_valid_until, today=today,
        )
        if blocker:
            raise Conflict(blocker, code=Code.INSTITUTION_CANNOT_PUBLISH)
        if program.registration_closes < today:
            raise Conflict(Msg("Tanggal tutup pendaftaran ({d}) sudah lewat; ubah jadwal sebelum membuka pendaftaran.",
                               "The registration closing date ({d}) has passed; change the schedule first.").format(
                                   d=program.registration_closes.isoformat()), code=Code.PROGRAM_WINDOW_OVER)
        # Competency-based training certifies units: a program without any could run to the end and never issue
        # a certificate (readiness needs a result per unit), so its alumni would be stuck.
        if not program.competency_units.exists():
            raise Conflict(Msg("Pilih minimal satu unit kompetensi (SKKNI) program ini sebelum membuka pendaftaran: "
                               "sertifikat diterbitkan per unit kompetensi.",
                               "Choose at least one competency unit (SKKNI) for this program before opening registration: "
                               "certificates are issued per competency unit."), code=Code.PROGRAM_NO_UNITS,
                           field="competency_units")
    domain.check_transition_reason(action=action, reason=reason, start_date=program.start_date, end_date=program.end_date,
                                   today=today)
    return new_status


def transition_locked(*, actor: User, program: Program, action: str, today: dt.date, reason: str,
                progress: Callable[[int], None] | None = None, move: str = "") -> Program:
    """``program_transition`` inside the caller's transaction, the program row locked and permission checked.
    ``progress(moved)`` is called as the enrolments are moved, ``MOVE_CHUNK`` at a time; ``move``: the background
    step's token (``training.moves``), recorded with the program's audit row."""
    new_status = transition_check(program=program, action=action, today=today, reason=reason)
    reason = (reason or "").strip()
    now = timezone.now()
    effects = domain.PROGRAM_ENROLLMENT_EFFECTS.get(action, {})
    moved = _Moved(progress)
    if action == "start":
        _bulk_move(
            actor=actor, program=program, states=tuple(effects), to=E.NOT_SELECTED,
            reason="Seleksi berakhir sebelum pelatihan dimulai.", now=now, action=Audit.ENROLLMENT_NOT_SELECTED_AT_START,
            tell=("reject", "Seleksi berakhir sebelum pelatihan dimulai."), moved=moved,
        )
    elif action == "close":
        _close_enrollments(actor=actor, program=program, now=now, moved=moved)
        # Late applicants never accepted before the end: nothing stays "active" in a closed program.
        _bulk_move(
            actor=actor, program=program, states=tuple(s for s, to in effects.items() if to == E.NOT_SELECTED), to=E.NOT_SELECTED,
            reason="Program ditutup sebelum pendaftar diterima.", now=now, action=Audit.ENROLLMENT_NOT_SELECTED_AT_CLOSE,
            moved=moved,
        )
    elif action == "cancel":
        _withdraw_schedule_news(program=program, person_ids=Enrollment.objects.filter(program=program).values_list("person_id", flat=True),
                                reason="program dibatalkan")
        _bulk_move(
            actor=actor, program=program, states=tuple(effects), to=E.WITHDRAWN,
            reason=f"Program dibatalkan: {reason}", now=now, action=Audit.ENROLLMENT_WITHDRAWN_PROGRAM_CANCELLED,
            tell=("cancel", reason), moved=moved,  # everyone still in it is told, with the manager's reason
        )
        program.cancel_reason = reason
    before = program.status
    program.status = new_status
    if action == "close":
        program.closed_on = today  # closed early: the training's completion (``domain.completion_date``)
    program.save(update_fields=["status", "cancel_reason", "closed_on", "updated_at"])
    after = {"status": new_status, "enrollments_changed": moved.count}
    if move:
        after["move"] = move
    if action == "start" and today < program.start_date:
        after["early"] = {"today": today.isoformat(), "planned": program.start_date.isoformat()}
    elif action == "close" and today < program.end_date:
        after["early"] = {"today": today.isoformat(), "planned": program.end_date.isoformat()}
    audit.record(actor=actor, action=Audit.program(action), obj=program, before={"status": before}, after=after, reason=reason)
    return program


# Enrolments moved per statement by a lifecycle step: the progress of a background step is reported between two.
MOVE_CHUNK = 5000


class _Moved:
    """How many enrolments a lifecycle step has moved so far, reported to ``progress`` after each chunk."""

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.count = 0
        self._progress = progress

    def add(self, n: int) -> None:
        self.count += n
        if self._progress is not None:
            self._progress(self.count)


def _bulk_move(*, actor: User, program: Program, states: tuple, to: str, reason: str, now: dt.datetime, action: Audit,
               moved: _Moved, tell: tuple[str, str] | None = None) -> None:
    """Move every enrollment of ``program`` in ``states`` to ``to`` with ``reason``, ``MOVE_CHUNK`` at a time;
    ``tell``: (decision, reason) their people are sent (``_tell_decision``), nothing when None."""
    rows = list(Enrollment.objects.filter(program=program, state__in=states).order_by("pk").values_list("pk", "state", "person_id"))
    for chunk in chunks(rows, MOVE_CHUNK):
        Enrollment.objects.filter(pk__in=[pk for pk, _, _ in chunk]).update(state=to, reason=reason, state_changed_at=now)
        program_counters_apply(program_id=program.pk, deltas=moves_deltas((st, to, 1) for _, st, _ in chunk))
        audit.record_many(actor=actor, action=action, object_type="training.enrollment",
                          rows=[(pk, "", {"state": st}, {"state": to}) for pk, st, _ in chunk], reason=reason, at=now)
        moved.add(len(chunk))
    if tell is not None and rows:
        _tell_decision(program=program, action=tell[0], person_ids=[p for _, _, p in rows], reason=tell[1])


def _close_enrollments(*, actor: User, program: Program, now: dt.datetime, moved: _Moved) -> None:
    """Participants who passed become alumni; the others get the reason why not. ``MOVE_CHUNK`` at a time."""
    rows = list(Enrollment.objects.filter(program=program, state=E.PARTICIPANT).order_by("pk").values_list("pk", "result"))
    for chunk in chunks(rows, MOVE_CHUNK):
        by_outcome: dict[tuple[str, str], list[int]] = {}
        for pk, result in chunk:
            by_outcome.setdefault(domain.close_outcome(result=result), []).append(pk)
        audit_rows = []
        for (state, reason), pks in by_outcome.items():
            Enrollment.objects.filter(pk__in=pks).update(state=state, reason=reason, state_changed_at=now)
            audit_rows += [(pk, "", {"state": E.PARTICIPANT}, {"state": state, "reason": reason}) for pk in pks]
        program_counters_apply(program_id=program.pk, deltas=moves_deltas(
            (E.PARTICIPANT, state, len(pks)) for (state, _), pks in by_outcome.items()))
        audit.record_many(actor=actor, action=Audit.ENROLLMENT_CLOSED, object_type="training.enrollment", rows=audit_rows, at=now)
        moved.add(len(chunk))


# --- enrollments ------------------------------------------------------------------------------

ALREADY_REGISTERED = Msg("Sudah terdaftar di program ini.", "Already registered for this program.")


def _check_can_enroll(*, program: Program, person: Person, rejoining: bool = False) -> None:
    # Lock the person (after the program: always in that order) so that two registrations of the same
    # person into two overlapping programs, which lock different program rows, cannot both pass the
    # clash check below before either is committed (tests/training/test_concurrency.py).
    list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True))
    problems = domain.eligibility_problems(
        birth_date=person.birth_date, education=person.education, start_date=program.start_date,
        min_age=program.min_age, max_age=program.max_age, min_education=program.min_education,
    )
    if problems:
        raise ValidationFailed(
            Msg("Belum memenuhi syarat: " + " ".join(p.id for p in problems), "Not eligible: " + " ".join(p.en for p in problems)),
            code=Code.NOT_ELIGIBLE,
        )
    if not rejoining and Enrollment.objects.filter(program=program, person=person).exists():
        raise Conflict(ALREADY_REGISTERED, code=Code.ALREADY_REGISTERED)
    clash = selectors.schedule_clashes(person_ids=[person.pk], program=program).get(person.pk)
    if clash:
        title, start, end = clash
        raise Conflict(domain.schedule_clash(title=title, start=start, end=end, advice=True), code=Code.SCHEDULE_CLASH)


def _create_enrollment(*, actor: User, program: Program, person: Person, state: str, source: str, late_reason: str,
                       now: dt.datetime, action: Audit) -> Enrollment:
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                program=program, person=person, state=state, source=source, late=bool(late_reason),
                late_reason=late_reason, registered_at=now, state_changed_at=now,
            )
    except IntegrityError as exc:  # the same person registering twice at the same moment
        raise Conflict(ALREADY_REGISTERED, code=Code.ALREADY_REGISTERED) from exc
    program_counters_apply(program_id=program.pk, deltas={state: 1}, late=int(bool(late_reason)))
    audit.record(actor=actor, action=action, obj=enrollment,
                 after={"program": program.pk, "person": person.pk, "state": state, "source": source, "late": bool(late_reason)},
                 reason=late_reason, at=now)
    return enrollment


@transaction.atomic(durable=True)
def enrollment_register(*, actor: User, program: Program, person: Person, today: dt.date) -> Enrollment:
    """A citizen registers themself (Pendaftar) while registration is open."""
    require(actor, "enrollment.register_self", person)
    return _register_while_open(actor=actor, program=program, person=person, today=today, now=timezone.now())


def enrollment_register_assisted(*, actor: User, program: Program, person: Person, today: dt.date, now: dt.datetime) -> Enrollment:
    """A posko officer registers a citizen (Pendaftar) with the citizen's consent, inside the posko app's transaction:
    the caller checks its own permission (``person.register_assisted`` at its posko) and records the consent. The
    rules are the citizen's own registration's (approved institution, registration open, eligibility, once per
    program, no schedule clash); the citizen is told when they have an account (after commit)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enrollment_register_assisted runs inside the caller's transaction")
    enrollment = _register_while_open(actor=actor, program=program, person=person, today=today, now=now)
    notify_enrolled_by_other(actor=actor, program=enrollment.program, person=person)
    return enrollment


def _register_while_open(*, actor: User, program: Program, person: Person, today: dt.date, now: dt.datetime) -> Enrollment:
    program = lock_program(program)
    if not Institution.objects.filter(pk=program.institution_id, status=Institution.Status.APPROVED).exists():
        raise Conflict(Msg("Lembaga penyelenggara program ini sedang tidak aktif (dibekukan); pendaftaran tidak dapat diterima.",
                           "The institution running this program is not active (suspended); registrations cannot be accepted."),
                       code=Code.INSTITUTION_NOT_ACTIVE)
    blocker = domain.registration_open(
        status=program.status, window=domain.Window(program.registration_opens, program.registration_closes), today=today
    )
    if blocker:
        raise Conflict(blocker, code=Code.REGISTRATION_CLOSED)
    _check_can_enroll(program=program, person=person)
    return _create_enrollment(actor=actor, program=program, person=person, state=E.REGISTERED, source="self",
                              late_reason="", now=now, action=Audit.ENROLLMENT_REGISTERED)


@transaction.atomic(durable=True)
def enrollment_record(
    *, actor: User, program: Program, person: Person, today: dt.date, as_participant: bool = False, late_reason: str = "",
    source: str = "manager",
) -> Enrollment:
    """The institution's manager records a person (as applicant, or directly as participant). After the
    registration window it is a late registration ("susulan") and needs a written reason. The person is
    not told here: the staff entry points (``enrollment_record_by_nik``, the import) tell them."""
    return _record(actor=actor, program=program, person=person, today=today, as_participant=as_participant,
                   late_reason=late_reason, source=source)


def _record(
    *, actor: User, program: Program, person: Person, today: dt.date, as_participant: bool, late_reason: str, source: str,
) -> Enrollment:
    """``enrollment_record`` inside the caller's transaction."""
    program = lock_program(program)
    require(actor, "program.manage", program)
    domain.check_open_for_additions(program.status)
    late = domain.is_late(window=domain.Window(program.registration_opens, program.registration_closes), status=program.status, today=today)
    late_reason = (late_reason or "").strip()
    if late and not late_reason:
        raise ValidationFailed(
            Msg("Pendaftaran sudah ditutup: tuliskan alasan pendaftaran susulan.", "Registration is closed: write the reason for this late registration."),
            code=Code.LATE_REASON_REQUIRED, field="late_reason",
        )
    _check_can_enroll(program=program, person=person)
    state = E.REGISTERED
    if as_participant:
        if selectors.seats_taken(program=program) >= program.quota:
            raise Conflict(_quota_full(program), code=Code.QUOTA_FULL)
        state = E.PARTICIPANT
    return _create_enrollment(actor=actor, program=program, person=person, state=state, source=source,
                              late_reason=late_reason if late else "", now=timezone.now(),
                              action=Audit.ENROLLMENT_LATE_RECORDED if late else Audit.ENROLLMENT_RECORDED)


NO_PERSON_MATCH = Msg(
    "Tidak ada orang terdaftar dengan NIK, nama, dan tanggal lahir ini. Periksa ketiganya sesuai KTP; bila orangnya belum "
    "terdaftar, minta ia mendaftar sendiri atau impor datanya dari berkas.",
    "No registered person has this NIK, name and birth date. Check all three against the ID card; if the person is not "
    "registered yet, ask them to sign up or import their data from a file.",
)


def enrollment_record_by_nik(
    *, actor: User, program: Program, nik: str, full_name: str, birth_date: dt.date | None, today: dt.date,
    as_participant: bool = False, late_reason: str = "",
) -> Enrollment:
    """The manager adds a registered person by NIK ("add by NIK"): the NIK, the full name and the birth
    date must all match the registered person (``accounts.services.person_match_for_staff``, which
    records the look-up in its own transaction, before this one). No such person and someone else's data
    get the same refusal, so the form never tells whether a NIK is registered. Then the person is
    recorded as in ``enrollment_record``; a person with an account is told (after commit)."""
    require(actor, "program.manage", program)
    digits = "".join(ch for ch in (nik or "") if ch.isdigit())
    if len(digits) != 16:
        raise ValidationFailed(Msg("NIK harus 16 angka.", "The NIK must be 16 digits."), code=Code.NIK_FORMAT, field="nik")
    if not " ".join((full_name or "").split()):
        raise ValidationFailed(Msg("Isi nama lengkap sesuai KTP.", "Fill in the full name as on the ID card."),
                               code=AccountCode.NAME_REQUIRED, field="full_name")
    if birth_date is None:
        raise ValidationFailed(Msg("Isi tanggal lahir.", "Fill in the birth date."), code=Code.BIRTH_DATE_REQUIRED, field="birth_date")
    domain.check_open_for_additions(program.status)
    person = person_match_for_staff(actor=actor, nik=digits, full_name=full_name, birth_date=birth_date,
                                    purpose=f"catat pendaftar program {program.pk}", on=program)
    if person is None:
        raise NotFound(NO_PERSON_MATCH, code=Code.PERSON_NOT_FOUND, field="nik")
    with transaction.atomic(durable=True):
        enrollment = _record(actor=actor, program=program, person=person, today=today, as_participant=as_participant,
                             late_reason=late_reason, source="manager")
        notify_enrolled_by_other(actor=actor, program=enrollment.program, person=person)
    return enrollment


def notify_enrolled_by_other(*, actor: User, program: Program, person: Person) -> None:
    """Tell a person with an account that someone else enrolled them (sent after commit)."""
    if person.user_id is None or person.user_id == getattr(actor, "pk", None):
        return
    subject, text = enrolled_by_other_message(actor=actor, program=program, language=person.user.preferred_language)
    notify(person=person, topic=enrolled_by_other_topic(program), subject=subject, text=text)


def enrolled_by_other_topic(program: Program) -> str:
    return f"enrolled_by_other:{program.pk}"


def enrolled_by_other_message(*, actor: User, program: Program, language: str = "id") -> tuple[str, str]:
    """(subject, text) telling a person with an account that someone else enrolled them, with the link
    to their trainings page where they withdraw and report it."""
    who = (actor.get_full_name() or actor.get_username()) if getattr(actor, "is_authenticated", False) else str(actor)
    link = links.absolute(reverse("my_trainings"))
    subject = Msg("Anda didaftarkan pada pelatihan", "You were registered for a training")
    text = Msg(
        "Anda didaftarkan pada pelatihan \"{program}\" di {institution} oleh {who}. Bukan Anda atau tidak setuju? Buka "
        "{link} untuk mengundurkan diri dan melaporkannya.",
        "You were registered for the training \"{program}\" at {institution} by {who}. Not you, or you do not agree? "
        "Open {link} to withdraw and report it.",
    ).format(program=program.title, institution=program.institution.name, who=who, link=link)
    return subject.in_language(language), text.in_language(language)


NOT_IN_PROGRAM = Msg("Pendaftaran tidak ditemukan di program ini.", "Enrollment not found in this program.")


def _quota_full(program: Program) -> Msg:
    return Msg("Kuota program sudah penuh ({q} peserta).", "The program's quota is full ({q} participants).").format(q=program.quota)


class Refusal(NamedTuple):
    """One enrollment a bulk action did not change, why (bilingual), and a stable code for scripts."""

    id: int
    message: Msg
    code: Code


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


@transaction.atomic(durable=True)
def enrollments_transition(
    *, actor: User, program: Program, enrollment_ids: list[int], action: str, reason: str = ""
) -> BulkResult:
    """Apply one action (select, accept, reject, withdraw, drop_out) to many enrollments of one program.
    Legal changes are applied together; each refused one comes back with its reason. Accepting takes
    seats in the order given until the quota is full."""
    if action not in domain.ENROLLMENT_TRANSITIONS:
        raise ValidationFailed(Msg("Tindakan tidak dikenal.", "Unknown action."), code=Code.ENROLLMENT_ACTION)
    program = lock_program(program)
    require(actor, "program.manage", program)
    ids = list(dict.fromkeys(int(i) for i in enrollment_ids))
    found = {e.pk: e for e in Enrollment.objects.filter(program=program, pk__in=_db_ids(ids)).select_related("person")}
    result = BulkResult()
    seats_left = program.quota - selectors.seats_taken(program=program) if action in domain.SEAT_TAKING else None
    moves: dict[tuple[str, str], list[int]] = {}
    for pk in ids:
        enrollment = found.get(pk)
        if enrollment is None:
            result.refused.append(Refusal(pk, NOT_IN_PROGRAM, CoreCode.NOT_FOUND))
            continue
        try:
            to = domain.enrollment_next_state(action=action, state=enrollment.state, program_status=program.status)
        except Conflict as exc:
            result.refused.append(Refusal(pk, exc.message, exc.code))
            continue
        if seats_left is not None:
            if seats_left <= 0:
                result.refused.append(Refusal(pk, _quota_full(program), Code.QUOTA_FULL))
                continue
            seats_left -= 1
        moves.setdefault((enrollment.state, to), []).append(pk)
        result.done.append(pk)
    now = timezone.now()
    text = (reason or "").strip()
    audit_rows, moved = [], []
    for (frm, to), pks in moves.items():
        n = Enrollment.objects.filter(pk__in=pks, state=frm).update(state=to, state_changed_at=now, reason=text)
        moved.append((frm, to, n))
        audit_rows += [(pk, str(found[pk].person), {"state": frm}, {"state": to}) for pk in pks]
    program_counters_apply(program_id=program.pk, deltas=moves_deltas(moved))
    audit.record_many(actor=actor, action=Audit.enrollment(action), object_type="training.enrollment", rows=audit_rows, reason=text, at=now)
    if action in domain.DECISIONS_TOLD and result.done:
        _tell_decision(program=program, action=action, person_ids=[found[pk].person_id for pk in result.done], reason=text)
    return result


def _tell_decision(*, program: Program, action: str, person_ids: list[int], reason: str) -> None:
    """SMS/e-mail each applicant the decision (accepted; not selected, with the reason; the program cancelled), in
    their language; people without a phone or an address are skipped by ``notify_each``, and each is told once per
    program and decision. Written in the transaction (a large audience: after it commits, by a background task), sent
    after it commits."""
    link = links.absolute(reverse("training:program", args=[program.pk]) if action == "accept" else reverse("training:catalogue"))
    subject, text = domain.decision_message(action=action, program=program.title, institution=program.institution.name,
                                            start_date=program.start_date, reason=reason, link=link)
    _tell(person_ids=person_ids, topic=domain.decision_topic(action=action, program_id=program.pk), subject=subject, text=text)


def _tell(*, person_ids: list[int], topic: str, subject: Msg, text: Msg) -> None:
    """One message to each of ``person_ids`` in their language (Indonesian for people without an account); a large
    audience is written after commit by a background task (``notifications.tell_people``)."""
    tell_people(topic=topic, variants=[(subject, text, person_ids)])


def _tell_schedule(*, program: Program) -> tuple[int, int]:
    """SMS/e-mail everyone still in the program (applicants, those through selection, participants) its new dates,
    in their language, once per change; returns how many people that is, and how many of them the new days put in a
    clash with another active training. Written in the caller's transaction (a large audience: after it commits, by a
    background task), sent after it commits."""
    person_ids = list(program.enrollments.filter(state__in=domain.ACTIVE_STATES).values_list("person_id", flat=True))
    if not person_ids:
        return 0, 0
    # The new days may overlap another active training of theirs (the rule holds at enrolment only): those people
    # are told which, so they can choose.
    clashes = selectors.schedule_clashes(person_ids=person_ids, program=program)
    link = links.absolute(reverse("training:program", args=[program.pk]))
    topic = domain.schedule_change_topic(program_id=program.pk, changed_at=timezone.now())
    _withdraw_schedule_news(program=program, person_ids=person_ids, reason="jadwal diubah lagi")
    # One message per other training clashed with (and one for everyone else), each to its people.
    audiences: dict[str, list[int]] = {}
    for pk in person_ids:
        audiences.setdefault(clashes[pk][0] if pk in clashes else "", []).append(pk)
    # A large audience is written by a task after this commits: it stops if these dates stop being the program's (changed
    # again, or the program cancelled) before it has told everyone.
    still = {"model": "training.program", "pk": program.pk,
             "values": {"start_date": program.start_date.isoformat(), "end_date": program.end_date.isoformat(),
                        "status__in": [s for s in P.values if s != P.CANCELLED]}}
    tell_people(topic=topic, while_true=still, variants=[
        (*domain.schedule_change_message(program=program.title, institution=program.institution.name, start_date=program.start_date,
                                         end_date=program.end_date, link=link, clash=title), people)
        for title, people in audiences.items()])
    return len(person_ids), len(clashes)


def _withdraw_schedule_news(*, program: Program, person_ids, reason: str) -> int:
    """Earlier messages of the program's new dates still waiting to be sent to these people are not sent: dates changed
    again (the newer message follows) or the program cancelled (its message follows). Those already sent stay sent."""
    return notifications_withdraw(person_ids=person_ids, topic_prefix=domain.schedule_change_topic_prefix(program_id=program.pk),
                                  reason=reason)


@transaction.atomic(durable=True)
def enrollment_withdraw_self(*, actor: User, enrollment: Enrollment, reason: str = "", not_me: bool = False) -> Enrollment:
    """A citizen withdraws from a program before it runs. ``not_me``: the person says they never asked to
    be enrolled (an enrollment someone else made, by import or by staff); it withdraws whenever the
    enrollment is still active, even while the program runs, and is recorded as such."""
    # The program row first, then the enrollment: the order every service here locks them in (the program's
    # counters move below; the other order could deadlock with a manager's bulk action on the same program).
    program_id = Enrollment.objects.filter(pk=enrollment.pk).values_list("program_id", flat=True).first()
    if program_id is not None:
        list(Program.objects.select_for_update().filter(pk=program_id).values_list("pk", flat=True))
    enrollment = Enrollment.objects.select_related("program", "person").select_for_update(of=("self",)).get(pk=enrollment.pk)
    if enrollment.person.user_id is None or enrollment.person.user_id != actor.pk:
        # Only the person withdraws (or reports "not me"): nobody acts on their behalf here, not even an
        # administrator, and someone else's enrollment answers like one that does not exist.
        raise NotFound(Msg("Pendaftaran tidak ditemukan.", "Enrollment not found."), code=Code.ENROLLMENT_NOT_FOUND)
    require(actor, "enrollment.register_self", enrollment.person)
    to = domain.self_withdraw_next_state(state=enrollment.state, program_status=enrollment.program.status,
                                         by_others=enrollment.source != Enrollment.Source.SELF, not_me=not_me,
                                         certified=enrollment.pk in selectors.certified_enrollments([enrollment.pk]))
    before = enrollment.state
    reason = (reason or "").strip()
    if not_me:
        shown = "Dilaporkan oleh pemiliknya: bukan dia yang mendaftar." + (f" {reason}" if reason else "")
    else:
        shown = reason or "Mengundurkan diri."
    enrollment.state, enrollment.reason, enrollment.state_changed_at = to, shown, timezone.now()
    enrollment.save(update_fields=["state", "reason", "state_changed_at"])
    program_counters_apply(program_id=enrollment.program_id, deltas=moves_deltas([(before, to, 1)]))
    audit.record(actor=actor, action=Audit.ENROLLMENT_WITHDRAWN_NOT_ME if not_me else Audit.ENROLLMENT_WITHDRAW, obj=enrollment,
                 before={"state": before}, after={"state": to, "not_me": not_me, "source": enrollment.source}, reason=reason)
    return enrollment


@transaction.atomic(durable=True)
def enrollments_set_result(*, actor: User, program: Program, enrollment_ids: list[int], result: str) -> BulkResult:
    """Record the training result (passed / failed / pending) of participants of a running program, for
    institutions that do not assess unit by unit in Sisnaker. Recording a competency assessment
    (``certification.assessment``) overwrites it; certificates always need every unit assessed competent."""
    if result not in Enrollment.Result.values:
        raise ValidationFailed(Msg("Hasil tidak dikenal.", "Unknown result."), code=Code.RESULT_UNKNOWN)
    program = lock_program(program)
    require(actor, "program.assess", program)
    if program.status != P.RUNNING:
        raise Conflict(Msg("Hasil pelatihan dicatat saat program berjalan.", "Results are recorded while the program runs."),
                       code=Code.PROGRAM_NOT_RUNNING)
    found = {pk: (old, from_units) for pk, old, from_units in Enrollment.objects.filter(
        program=program, pk__in=_db_ids(enrollment_ids), state=E.PARTICIPANT).values_list("pk", "result", "result_from_units")}
    rows = {pk: old for pk, (old, from_units) in found.items() if not from_units}
    out = BulkResult(done=list(rows))
    out.refused = [Refusal(pk, Msg("Bukan peserta aktif program ini.", "Not an active participant of this program."), Code.NOT_PARTICIPANT)
                   for pk in dict.fromkeys(enrollment_ids) if pk not in found]
    # Assessed unit by unit: the units decide (a manual result here outlived the assessments and decided the close:
    # a competent participant "not passed", a not-yet-competent one an alumnus, paid the incentive).
    out.refused += [Refusal(pk, Msg("Hasil peserta ini mengikuti penilaian unit kompetensinya; ubah penilaiannya di halaman penilaian.",
                                    "This participant's result follows their unit assessments; change the assessments instead."),
                            Code.RESULT_FROM_UNITS)
                    for pk in dict.fromkeys(enrollment_ids) if pk in found and found[pk][1]]
    Enrollment.objects.filter(pk__in=list(rows)).update(result=result)
    audit.record_many(actor=actor, action=Audit.ENROLLMENT_RESULT_SET, object_type="training.enrollment",
                      rows=[(pk, "", {"result": old}, {"result": result}) for pk, old in rows.items()])
    return out


@transaction.atomic(durable=True)
def enrollment_open_record(*, actor: User, program: Program, enrollment_id: int) -> Enrollment:
    """Staff of the program open one participant's record (personal data + history). Allowed to the
    program's institution staff and officers of the area; every opening is logged (UU PDP)."""
    require(actor, "enrollment.view", program)
    enrollment = (
        Enrollment.objects.select_related("person__domicile_district__regency__province", "program")
        .filter(pk=enrollment_id, program=program).first()
    )
    if enrollment is None:
        raise NotFound(NOT_IN_PROGRAM, code=Code.ENROLLMENT_NOT_FOUND)
    audit.record(actor=actor, action=AccountsAudit.PERSON_VIEWED, obj=enrollment.person, reason=f"program {program.pk}, pendaftaran {enrollment.pk}")
    return enrollment


# --- enrolment by a Kartu Prakerja purchase (the prakerja app, inside its transaction) ---------------------------

def enrollment_record_purchased(*, actor, program: Program, person: Person, now: dt.datetime) -> Enrollment:
    """A Kartu Prakerja purchase enrols its buyer when the PMO authorises it (``prakerja.purchases``), inside the
    purchase's transaction (no permission check here: the purchase's rules are the check). The program row is
    locked first, as everywhere; the person's eligibility, an enrollment already there, a schedule clash and a
    full quota refuse as they do for any registration. The purchase is the acceptance: the buyer is a participant
    at once (source ``self``: they bought it themselves), without a registration window — the catalogue sells the
    course while it is open for additions. A buyer whose enrollment here was withdrawn (e.g. an earlier purchase of
    the same course cancelled) joins again: that enrollment becomes a participant once more (one per person and
    program), with the same checks."""
    program = lock_program(program)
    domain.check_open_for_additions(program.status)
    withdrawn = Enrollment.objects.select_for_update().filter(program=program, person=person, state=E.WITHDRAWN).first()
    _check_can_enroll(program=program, person=person, rejoining=withdrawn is not None)
    if selectors.seats_taken(program=program) >= program.quota:
        raise Conflict(_quota_full(program), code=Code.QUOTA_FULL)
    if withdrawn is not None:
        withdrawn.state, withdrawn.source, withdrawn.reason, withdrawn.state_changed_at = E.PARTICIPANT, Enrollment.Source.SELF, "", now
        withdrawn.save(update_fields=["state", "source", "reason", "state_changed_at"])
        program_counters_apply(program_id=program.pk, deltas=moves_deltas([(E.WITHDRAWN, E.PARTICIPANT, 1)]))
        audit.record(actor=actor, action=Audit.ENROLLMENT_RECORDED, obj=withdrawn, before={"state": E.WITHDRAWN},
                     after={"program": program.pk, "person": person.pk, "state": E.PARTICIPANT, "source": Enrollment.Source.SELF,
                            "rejoined": True}, at=now)
        return withdrawn
    return _create_enrollment(actor=actor, program=program, person=person, state=E.PARTICIPANT, source=Enrollment.Source.SELF,
                              late_reason="", now=now, action=Audit.ENROLLMENT_RECORDED)


def enrollment_withdraw_purchased(*, actor, enrollment: Enrollment, reason: str, now: dt.datetime) -> Enrollment:
    """A cancelled Kartu Prakerja purchase withdraws the enrollment it made (inside the purchase's transaction;
    program row locked before the enrollment, as everywhere). A final state is left as it is."""
    list(Program.objects.select_for_update().filter(pk=enrollment.program_id).values_list("pk", flat=True))
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.state not in domain.ACTIVE_STATES:
        return enrollment
    before = enrollment.state
    enrollment.state, enrollment.reason, enrollment.state_changed_at = E.WITHDRAWN, reason, now
    enrollment.save(update_fields=["state", "reason", "state_changed_at"])
    program_counters_apply(program_id=enrollment.program_id, deltas=moves_deltas([(before, E.WITHDRAWN, 1)]))
    audit.record(actor=actor, action=Audit.ENROLLMENT_WITHDRAW, obj=enrollment, before={"state": before},
                 after={"state": E.WITHDRAWN, "source": "prakerja"}, reason=reason, at=now)
    return enrollment
