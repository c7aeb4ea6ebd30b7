"""Reads for training: catalogue, program pages, manager tables, a citizen's trainings.
Every list is built with a fixed number of queries (no query per row)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import translation
from django.utils.formats import date_format

from sisnaker.accounts.models import Person, User
from sisnaker.core import extensions, search
from sisnaker.core.errors import Msg, NotFound
from sisnaker.core.models import AuditEvent
from sisnaker.core.permissions import can
from sisnaker.core.roles import Role
from sisnaker.institutions.codes import Code as InstitutionCode
from sisnaker.institutions.models import Institution

from . import domain
from .codes import Code
from .domain import ACTIVE_STATES, SEAT_STATES
from .domain import EnrollmentState as E
from .domain import ProgramStatus as P
from .models import PUBLIC_STATUSES, Enrollment, Program, catalogue_stage, counter_of

PROGRAM_NOT_FOUND = Msg("Program tidak ditemukan.", "Program not found.")


def program_not_found() -> NotFound:
    """The one refusal for a program id that does not exist (other apps raise it too, so clients see
    the same code and words whichever page or endpoint they used)."""
    return NotFound(PROGRAM_NOT_FOUND, code=Code.PROGRAM_NOT_FOUND)
CHUNK = 5000  # ids per IN list (SQLite's variable limit, PostgreSQL's plan size)


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    province: str = ""
    regency: str = ""
    vocational_field: int | None = None
    mode: str = ""
    starts_after: dt.date | None = None
    starts_before: dt.date | None = None
    open_only: bool = False  # registration open today
    status: str = ""


def catalogue(*, filters: CatalogueFilters, today: dt.date) -> QuerySet[Program]:
    """Public programs, most imminent first, filtered."""
    qs = Program.objects.filter(status__in=PUBLIC_STATUSES, institution__status="approved")
    f = filters
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(institution__name__icontains=f.q) | Q(vocational_field__name__icontains=f.q))
    if f.province:
        qs = qs.filter(regency__province_id=f.province)
    if f.regency:
        qs = qs.filter(regency_id=f.regency)
    if f.vocational_field:
        qs = qs.filter(vocational_field_id=f.vocational_field)
    if f.mode:
        qs = qs.filter(mode=f.mode)
    if f.starts_after:
        qs = qs.filter(start_date__gte=f.starts_after)
    if f.starts_before:
        qs = qs.filter(start_date__lte=f.starts_before)
    if f.open_only:
        qs = qs.filter(status=P.PUBLISHED, registration_opens__lte=today, registration_closes__gte=today)
    if f.status:
        qs = qs.filter(status=f.status)
    # Open registrations first, then selection, running, closed; soonest start first within each: the order of the
    # index ``program_catalogue_order_idx``. Seats are the program's maintained counters: no enrollment is counted.
    return qs.select_related("institution", "regency__province", "vocational_field").order_by(catalogue_stage(), "start_date", "pk")


def get_program(*, program_id: int) -> Program:
    """A program (any status), or NotFound."""
    program = Program.objects.select_related("institution", "regency", "vocational_field").filter(pk=program_id).first()
    if program is None:
        raise program_not_found()
    return program


def public_program(*, program_id: int) -> Program | None:
    return (
        Program.objects.filter(pk=program_id, status__in=PUBLIC_STATUSES)
        .select_related("institution__regency", "regency__province", "vocational_field")
        .prefetch_related("competency_units")
        .first()
    )


def registration_blocker(*, program: Program, today: dt.date) -> Msg | None:
    """Why a citizen cannot register for ``program`` today (``domain.registration_open``), its institution's
    standing included; None when they can. ``program.institution`` should be loaded (``select_related``)."""
    return domain.registration_open(status=program.status, window=domain.Window(program.registration_opens, program.registration_closes),
                                    today=today, institution_active=program.institution.status == Institution.Status.APPROVED)


def program_for_staff(*, program_id: int) -> Program:
    """A program of any status with its seats and late registrations counted (``late_count``), or
    NotFound. Whether the reader may see it is the caller's permission check."""
    program = (
        Program.objects.filter(pk=program_id)
        .select_related("institution__regency", "regency__province", "vocational_field")
        .prefetch_related("competency_units", "instructors")
        .first()
    )
    if program is None:
        raise program_not_found()
    return program


def institution_instructors(*, institution_id: int) -> QuerySet[User]:
    """The active instructors of an institution (the choices of a program's instructors), by name."""
    return (User.objects.filter(is_active=True, role_assignments__role=Role.INSTRUCTOR, role_assignments__institution_id=institution_id,
                                role_assignments__is_active=True).distinct().order_by("first_name", "last_name", "username"))


TAUGHT_STATUSES = (P.RUNNING, P.SELECTION, P.PUBLISHED, P.CLOSED)
TAUGHT_CLOSED_DAYS = 90
TAUGHT_LIMIT = 50


def programs_taught(*, user: User, today: dt.date) -> list[Program]:
    """The programs an instructor teaches, for their home page: those they are assigned to, and those of
    their (approved) institutions with no instructor assigned (every instructor of the institution teaches
    those, ``core.permissions``). Running ones first, then the coming ones, then the ones closed in the last
    ``TAUGHT_CLOSED_DAYS`` days (their assessment can still be corrected); drafts and cancelled ones never.
    One query."""
    institution_ids = [g.institution_id for g in getattr(user, "grants", ())
                       if g.role == Role.INSTRUCTOR and g.institution_approved and g.institution_id is not None]
    if not institution_ids:
        return []
    assigned = Program.instructors.through.objects.filter(program_id=OuterRef("pk"))
    mine = Q(instructors=user) | (Q(institution_id__in=institution_ids) & ~Exists(assigned))
    recent = ~Q(status=P.CLOSED) | Q(end_date__gte=today - dt.timedelta(days=TAUGHT_CLOSED_DAYS))
    return list(
        Program.objects.filter(mine, recent, institution_id__in=institution_ids, status__in=TAUGHT_STATUSES)
        .select_related("institution")
        .annotate(stage=Case(When(status=P.RUNNING, then=Value(0)), When(status=P.SELECTION, then=Value(1)),
                             When(status=P.PUBLISHED, then=Value(1)), default=Value(2), output_field=IntegerField()),
                  participants=F("n_participant") + F("n_graduated") + F("n_not_passed"))
        .distinct()
        .order_by("stage", "start_date", "pk")[:TAUGHT_LIMIT]
    )


MANAGED_LIMIT = 8


def programs_managed(*, user: User) -> list[Program]:
    """The programs of the (approved) institutions a manager runs, for their home page: the day's work
    first, as on the institution's program list (running, open, drafts, then finished ones), cancelled ones
    never; at most ``MANAGED_LIMIT`` (the full list is one click further). One query."""
    institution_ids = [g.institution_id for g in getattr(user, "grants", ())
                       if g.role == Role.INSTITUTION_MANAGER and g.institution_approved and g.institution_id is not None]
    if not institution_ids:
        return []
    return list(manager_programs(institution_ids=institution_ids).exclude(status=P.CANCELLED)[:MANAGED_LIMIT])


def get_institution(*, institution_id: int, field: str | None = None) -> Institution:
    """The institution whose programs a page lists or creates, or NotFound (naming ``field``, the
    parameter that named it, if given)."""
    institution = Institution.objects.select_related("regency__province").filter(pk=institution_id).first()
    if institution is None:
        raise NotFound(Msg("Lembaga tidak ditemukan.", "Institution not found."), code=InstitutionCode.INSTITUTION_NOT_FOUND, field=field)
    return institution


COUNTERS = tuple(counter_of(state) for state in E.values)


def state_counts(*, program: Program) -> dict[str, int]:
    """Enrollments per state (every state), from the program's maintained counters, read now (one look-up by
    primary key: ``program`` may have been read before a change)."""
    row = Program.objects.filter(pk=program.pk).values_list(*COUNTERS).first() or (0,) * len(COUNTERS)
    return dict(zip(E.values, row, strict=True))


def state_counts_recounted(*, program: Program) -> dict[str, int]:
    """Enrollments per state counted from the rows (what the counters must equal; tests and checks)."""
    counts = dict(Enrollment.objects.filter(program=program).values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in E.values}


def manager_programs(*, institution_ids: list[int]) -> QuerySet[Program]:
    """The institution's programs, with their counts per enrollment state (``Program.n_<state>``, maintained
    counters: one query over the programs, none over enrollments)."""
    return (
        Program.objects.filter(institution_id__in=institution_ids)
        .select_related("institution", "vocational_field", "regency")
        # The day's work first: running, then open/selection, drafts, and finished ones last.
        .annotate(stage=Case(
            When(status=P.RUNNING, then=Value(0)), When(status=P.SELECTION, then=Value(1)),
            When(status=P.PUBLISHED, then=Value(2)), When(status=P.DRAFT, then=Value(3)),
            default=Value(4), output_field=IntegerField(),
        ))
        .order_by("stage", "start_date", "pk")
    )


def program_enrollments(*, program: Program, q: str = "", state: str = "", late: bool | None = None) -> QuerySet[Enrollment]:
    """Enrollments of one program for the manager's table. Searching by NIK uses the blind index."""
    qs = Enrollment.objects.filter(program=program).select_related(
        "person__domicile_district__regency", "person__nik_regency"
    )
    if state:
        qs = qs.filter(state=state)
    if late is not None:
        qs = qs.filter(late=late)
    q = (q or "").strip()
    index = search.nik_index_of(q)
    if index:
        qs = qs.filter(person__nik_index=index)
    elif q:
        # A phone number has digits: only such a search looks at phones (a name search then uses the trigram
        # index on names alone, on PostgreSQL).
        by_phone = Q(person__phone__icontains=q) if any(ch.isdigit() for ch in q) else Q(pk__in=[])
        qs = qs.filter(Q(person__full_name__icontains=q) | by_phone)
    return qs.order_by("registered_at", "pk")


def program_enrollments_count(*, program: Program, q: str = "", state: str = "", late: bool | None = None) -> int | None:
    """The number of rows ``program_enrollments`` gives, from the maintained counters when they know it (no
    search; a state, or late/on time, or neither); None otherwise (the caller counts)."""
    if (q or "").strip() or (state and late is not None):
        return None
    if state:
        return program.state_counts[state]
    total = program.enrollment_count
    if late is None:
        return total
    return program.n_late if late else total - program.n_late


def schedule_clashes(*, person_ids: list[int], program: Program) -> dict[int, tuple[str, dt.date, dt.date]]:
    """For each of ``person_ids`` that holds an active enrollment in another program whose dates overlap
    ``program``'s (the rule is ``domain.SCHEDULE_CLASH``): that program's (title, start, end), the earliest
    registered. One query per 5,000 people (the import's chunks)."""
    clashes: dict[int, tuple[str, dt.date, dt.date]] = {}
    for start in range(0, len(person_ids), CHUNK):
        rows = (
            Enrollment.objects.filter(
                person_id__any_of=person_ids[start : start + CHUNK], state__in=ACTIVE_STATES,
                program__start_date__lte=program.end_date, program__end_date__gte=program.start_date,
            ).exclude(program=program)
            .order_by("registered_at", "pk")
            .values_list("person_id", "program__title", "program__start_date", "program__end_date")
        )
        for person_id, title, begins, ends in rows:
            clashes.setdefault(person_id, (title, begins, ends))
    return clashes


def nik_visible(*, viewer: User, program: Program) -> bool:
    return can(viewer, "enrollment.view_nik", program)


IMPORT_ACTIONS = ("enrollment.imported", "enrollment.late_imported")


def enrollment_history(*, enrollment: Enrollment) -> list[AuditEvent]:
    """The enrolment's audit events, oldest first. An imported enrolment's first line comes from its import's
    event for the chunk it was in (one event on the program lists every row the chunk enrolled: ``imported_row``);
    older imports wrote one event per enrolment, which are read as they are. Three queries at most."""
    events = list(AuditEvent.objects.filter(object_type="training.enrollment", object_id=str(enrollment.pk)).order_by("at", "id"))
    if enrollment.source == Enrollment.Source.IMPORT and not any(e.action in IMPORT_ACTIONS for e in events):
        # The import's chunks share its instant (the enrolment's ``registered_at``): found by the audit table's
        # (object_type, object_id, at) index, then narrowed by each chunk's id range before its list is read.
        chunks = AuditEvent.objects.filter(
            object_type="training.program", object_id=str(enrollment.program_id), at=enrollment.registered_at,
            action__in=IMPORT_ACTIONS, after__first__lte=enrollment.pk, after__last__gte=enrollment.pk,
        ).order_by("id")
        for chunk in chunks:
            line = imported_row(chunk, enrollment_id=enrollment.pk)
            if line is not None:
                events.insert(0, line)
                break
    return events


def imported_row(chunk: AuditEvent, *, enrollment_id: int) -> AuditEvent | None:
    """One enrolment's line of an import chunk's event, as the event of that enrolment alone (unsaved): its
    ``after`` holds the program, person, state, source, late flag, the file's row and whether the import created
    the person. None when the chunk did not enrol it."""
    after = chunk.after or {}
    try:
        at = after["enrollments"].index(enrollment_id)
    except (KeyError, ValueError):
        return None
    return AuditEvent(
        pk=chunk.pk, at=chunk.at, actor_id=chunk.actor_id, actor_label=chunk.actor_label, action=chunk.action,
        object_type="training.enrollment", object_id=str(enrollment_id), object_label=after["names"][at], before=None,
        after={"program": after["program"], "person": after["persons"][at], "state": after["states"][at], "source": after["source"],
               "late": after["late"], "row": after["rows"][at], "person_created": after["person_created"][at]},
        reason=chunk.reason, ip=chunk.ip, request_id=chunk.request_id,
    )


@dataclass(frozen=True)
class MyTraining:
    enrollment: Enrollment
    next_step: Msg  # bilingual; str() gives the active language


def _day(value: dt.date) -> tuple[str, str]:
    """A date as pages show it ("30 Nov 2026", sisnaker/formats), in Indonesian and in English."""
    with translation.override("id"):
        in_id = date_format(value)
    with translation.override("en"):
        in_en = date_format(value)
    return in_id, in_en


# Extension point: (enrollment_ids) → the set of those for which a certificate exists (certification provides
# it). A certified enrollment is done: nothing to attend, withdraw or report as "not me". Empty when none is installed.
CERTIFIED_ENROLLMENTS = "training.certified_enrollments"


def certified_enrollments(enrollment_ids: list[int]) -> set[int]:
    """Which of these enrollments have a certificate (one query, through ``CERTIFIED_ENROLLMENTS``)."""
    if not enrollment_ids:
        return set()
    return set(extensions.collect_one(CERTIFIED_ENROLLMENTS, default=set(), enrollment_ids=list(enrollment_ids)))


def next_step(enrollment: Enrollment, *, certified: bool = False) -> Msg:
    """What the citizen must do (or wait for) next; once a certificate exists (``certified``), nothing."""
    program = enrollment.program
    state = enrollment.state
    if certified:
        return Msg("Pelatihan selesai dan sertifikat Anda sudah terbit: lihat di \u201cSertifikat saya\u201d.",
                   "Training completed and your certificate has been issued: see \u201cMy certificates\u201d.")
    if state == E.REGISTERED:
        if program.selection_method == "none":
            return Msg("Menunggu keputusan penerimaan dari lembaga.", "Waiting for the institution's decision.")
        method = {"test": ("tes", "a test"), "interview": ("wawancara", "an interview"), "document": ("seleksi berkas", "a document review")}
        id_, en = method.get(program.selection_method, ("seleksi", "selection"))
        return Msg(f"Ikuti seleksi ({id_}); hasil diumumkan oleh lembaga.", f"Take part in the selection ({en}); the institution announces the result.")
    if state == E.SELECTED:
        return Msg("Lolos seleksi: menunggu penerimaan sebagai peserta.", "Selected: waiting to be accepted as a participant.")
    if state == E.PARTICIPANT:
        if program.status == P.RUNNING:
            end_id, end_en = _day(program.end_date)
            return Msg(f"Ikuti pelatihan sampai {end_id}.", f"Attend the training until {end_en}.")
        start_id, start_en = _day(program.start_date)
        return Msg(f"Datang pada hari pertama pelatihan, {start_id}.", f"Come on the first training day, {start_en}.")
    if state == E.GRADUATED:
        return Msg("Selamat, Anda alumni pelatihan ini.", "Congratulations, you are an alumnus of this training.")
    if enrollment.reason:
        # Written by the institution or the rules, in one language.
        return Msg(enrollment.reason, enrollment.reason)
    return domain.state_label(state)


def my_trainings(*, person: Person) -> list[MyTraining]:
    rows = (
        Enrollment.objects.filter(person=person)
        .select_related("program__institution", "program__regency").prefetch_related("certificates")
        .order_by("-program__start_date", "-pk")
    )
    rows = list(rows)
    certified = certified_enrollments([e.pk for e in rows])
    return [MyTraining(e, next_step(e, certified=e.pk in certified)) for e in rows]


def late_registrations(*, institution_ids: list[int]) -> int:
    return Enrollment.objects.filter(program__institution_id__in=institution_ids, late=True).count()


def seats_taken(*, program: Program) -> int:
    """Seats held now, from the maintained counters (read again by primary key: call it with the program row
    locked, ``services.lock_program``, before taking one)."""
    counts = state_counts(program=program)
    return sum(counts[state] for state in SEAT_STATES)


def seats_left(program: Program) -> int:
    return program.seats_left



@dataclass(frozen=True)
class TransitionPreview:
    """What a program transition will do if confirmed now: the status it leads to, the enrollments it
    moves (``domain.transition_effects``, from the live counts), and why it needs a written reason
    (None when it does not)."""

    action: str
    target: str
    effects: list[domain.Effect]
    reason_needed: Msg | None


def transition_preview(*, program: Program, action: str, today: dt.date) -> TransitionPreview:
    """The preview of ``action`` (two queries). Conflict when the action is not possible from the program's
    status (``domain.program_next_status``)."""
    target = domain.program_next_status(action=action, status=program.status)
    participant_results = {}
    if action == "close":
        participant_results = dict(Enrollment.objects.filter(program=program, state=E.PARTICIPANT).values_list("result")
                                   .annotate(n=Count("pk")).values_list("result", "n"))
    effects = domain.transition_effects(action=action, counts=state_counts(program=program), participant_results=participant_results)
    return TransitionPreview(action=action, target=target, effects=effects, reason_needed=domain.transition_reason_needed(
        action=action, start_date=program.start_date, end_date=program.end_date, today=today))


def program_history(*, program: Program, limit: int = 50) -> list[AuditEvent]:
    """The program's own audit rows (created, edited, copied, status changes with their reasons, each import's
    summary), newest first. Not an import's per-chunk lists of enrolments (each enrolment's history shows its line):
    a 100,000-row import would otherwise fill the page with fifty of them."""
    return list(AuditEvent.objects.filter(object_type="training.program", object_id=str(program.pk)).exclude(action__in=IMPORT_ACTIONS)
                .order_by("-at", "-id")[:limit])


def person_data(*, person) -> dict:
    """The person's enrolments for their own data export (UU PDP right of access; extension point
    ``accounts.person_data``): one query."""
    rows = Enrollment.objects.filter(person_id=person.pk).select_related("program__institution").order_by("registered_at", "id")
    return {"enrollments": [
        {"program": e.program.title, "institution": e.program.institution.name, "state": e.state, "result": e.result,
         "source": e.source, "registered_at": e.registered_at.isoformat(), "state_changed_at": e.state_changed_at.isoformat(),
         "reason": e.reason, "late": e.late, "late_reason": e.late_reason}
        for e in rows
    ]}
