"""REST: /api/v1/training/… — catalogue, programs, enrollments and their transitions.

Public reads need no log-in. Staff and citizens authenticate with the web session or a bearer token
(``sisnaker apitoken create``). Endpoints are thin: they parse, call a service or a selector, and
shape the answer. Refusals come back as ``{code, message, field}`` with 400/403/404/409. What a service
checks (permissions, rules) is checked there only, never again here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema, Status

from sisnaker.accounts.models import Person, User
from sisnaker.accounts.selectors import person_for_user
from sisnaker.core.api_auth import SESSION_OR_TOKEN, optional_actor, request_actor
from sisnaker.core.errors import Msg, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import Role
from sisnaker.regions.codes import Code as RegionCode
from sisnaker.regions.models import Regency

from . import domain, moves, selectors, services
from .codes import Code
from .models import CompetencyUnit, Enrollment, Program, VocationalField

router = Router(auth=SESSION_OR_TOKEN)

ENROLLMENT_NOT_FOUND = Msg("Pendaftaran tidak ditemukan.", "Enrollment not found.")


# --- schemas ----------------------------------------------------------------------------------

class RegionOut(Schema):
    code: str
    name: str


class InstitutionBrief(Schema):
    id: int
    name: str
    kind: str
    regency: RegionOut


class VocationalFieldOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool


class CompetencyUnitOut(Schema):
    id: int
    code: str
    title: str
    vocational_field_id: int
    is_active: bool


class ProgramOut(Schema):
    id: int
    title: str
    description: str
    institution: InstitutionBrief
    vocational_field: VocationalFieldOut
    competency_units: list[CompetencyUnitOut] = []
    hours: int = Field(description="Training hours (JP, jam pelajaran)")
    start_date: dt.date
    end_date: dt.date
    registration_opens: dt.date
    registration_closes: dt.date
    registration_open: bool = Field(description="True when a citizen can register themself today")
    quota: int
    seats_left: int
    regency: RegionOut
    province: RegionOut
    mode: str
    boarding: bool
    funding: str
    dipa_reference: str
    fee: int = Field(description="Integer rupiah")
    selection_method: str
    min_age: int | None
    max_age: int | None
    min_education: str
    status: str
    status_label: str
    counts: dict[str, int] | None = Field(None, description="Enrollments per state (staff only)")
    late_count: int | None = Field(None, description="Late registrations (susulan), staff only")
    instructor_ids: list[int] | None = Field(None, description="The assigned instructors' user ids, staff only (empty: every "
                                                                "instructor of the institution assesses)")
    cancel_reason: str | None = None


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int


class ProgramPage(Page):
    items: list[ProgramOut]


class CatalogueQuery(Schema):
    q: str = Field("", description="Words in the title, institution or vocational field")
    province: str = Field("", description="Province code, e.g. 32")
    regency: str = Field("", description="Regency code, e.g. 32.73")
    vocational_field: int | None = Field(None, ge=1, le=services.MAX_DB_ID, description="Vocational field id")
    mode: str = Field("", description="in_person, online or hybrid")
    starts_after: dt.date | None = Field(None, description="Programs starting on or after this date")
    starts_before: dt.date | None = Field(None, description="Programs starting on or before this date")
    open_only: bool = Field(False, description="Only programs whose registration is open today")
    status: str = Field("", description="published, selection, running or closed")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


class ProgramIn(Schema):
    institution_id: int
    title: str
    description: str = ""
    vocational_field_id: int
    competency_unit_ids: list[int] = []
    instructor_ids: list[int] = Field([], description="User ids of the institution's instructors who teach and assess it "
                                                      "(none: every instructor of the institution)")
    hours: int = Field(description="Training hours (JP)")
    start_date: dt.date
    end_date: dt.date
    registration_opens: dt.date
    registration_closes: dt.date
    quota: int = Field(description="Seats")
    regency: str = Field(description="Regency code where the training takes place, e.g. 32.73")
    mode: str = Field("in_person", description="in_person, online or hybrid")
    boarding: bool = False
    funding: str = Field(description="apbn (needs dipa_reference), apbd, prakerja or self")
    dipa_reference: str = ""
    fee: int = Field(0, description="Integer rupiah")
    selection_method: str = Field("none", description="none, test, interview or document")
    min_age: int | None = None
    max_age: int | None = None
    min_education: str = Field("", description="none, sd, smp, sma, smk, d1…d4, s1, s2, s3 (SMA = SMK)")


class ProgramPutIn(Schema):
    title: str
    description: str = ""
    vocational_field_id: int
    competency_unit_ids: list[int] = []
    instructor_ids: list[int] = Field([], description="The assigned instructors (replaces them; none: every instructor)")
    hours: int
    start_date: dt.date
    end_date: dt.date
    registration_opens: dt.date
    registration_closes: dt.date
    quota: int
    regency: str
    mode: str = "in_person"
    boarding: bool = False
    funding: str
    dipa_reference: str = ""
    fee: int = 0
    selection_method: str = "none"
    min_age: int | None = None
    max_age: int | None = None
    min_education: str = ""


class ProgramPatchIn(Schema):
    title: str | None = None
    description: str | None = None
    vocational_field_id: int | None = None
    competency_unit_ids: list[int] | None = None
    instructor_ids: list[int] | None = None
    hours: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    registration_opens: dt.date | None = None
    registration_closes: dt.date | None = None
    quota: int | None = None
    regency: str | None = None
    mode: str | None = None
    boarding: bool | None = None
    funding: str | None = None
    dipa_reference: str | None = None
    fee: int | None = None
    selection_method: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    min_education: str | None = None


class TransitionIn(Schema):
    action: str = Field(description="publish, close_registration, start, close or cancel")
    reason: str = Field("", description="Required to cancel, to start before the start date and to close "
                                                         "before the end date (400 reason_required); recorded in the audit trail")


class EffectOut(Schema):
    source: str = Field(description="Enrollment state now")
    target: str = Field(description="Enrollment state after the transition")
    count: int
    message: str


class TransitionPreviewOut(Schema):
    action: str
    status: str = Field(description="The program's status now")
    target_status: str = Field(description="The program's status after the transition")
    effects: list[EffectOut] = Field(description="Enrollments the transition moves, from today's counts")
    reason_required: bool
    reason_why: str | None = Field(None, description="Why a reason is required today")


class BatchIn(Schema):
    registration_opens: dt.date
    registration_closes: dt.date
    start_date: dt.date
    end_date: dt.date
    quota: int = Field(description="Seats")
    publish: bool = Field(False, description="Open registration at once (else the new batch is a draft)")


class TransitionOut(Schema):
    program: ProgramOut
    enrollments_changed: dict[str, int]


class MoveOut(Schema):
    token: str = Field(description="Names the step in `GET /programs/{program_id}/moves/{token}` (only its author sees it)")
    action: str = Field(description="start, close or cancel")
    reason: str
    status: str = Field(description="queued, running, done, refused (nothing changed: `refused` says why) or failed "
                                    "(nothing changed; ask again)")
    done: int = Field(description="Enrollments moved so far (PostgreSQL reports it while running; the step commits all at once)")
    expected: int = Field(description="Enrollments the step moves, counted when it was asked")
    program_status: str | None = Field(description="The program's status once the step is done")
    refused: str | None = Field(description="Why the step was refused, in the caller's language")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    url: str


def _move_out(request, move) -> dict:
    outcome = move.outcome or {}
    refused = outcome.get("refused")
    return {"token": move.token, "action": move.action, "reason": move.reason, "status": move.status, "done": move.done,
            "expected": max(move.expected, move.done), "program_status": outcome.get("status"),
            "refused": Msg(refused["id"], refused["en"]).in_language(get_language()) if refused else None,
            "created_at": move.created_at, "finished_at": move.finished_at,
            "url": reverse("api:program_move", kwargs={"program_id": move.program_id, "token": move.token})}


class PersonBrief(Schema):
    id: int
    full_name: str
    nik: str = Field(description="Masked (3273********0001) unless the caller may see it")
    sex: str
    birth_date: dt.date
    education: str


class EnrollmentOut(Schema):
    id: int
    program_id: int
    person: PersonBrief
    state: str
    state_label: str
    result: str
    reason: str
    late: bool
    late_reason: str
    source: str
    registered_at: dt.datetime
    state_changed_at: dt.datetime


class EnrollmentPage(Page):
    items: list[EnrollmentOut]


class EnrollmentQuery(Schema):
    q: str = Field("", description="Name, phone, or a full 16-digit NIK")
    state: str = ""
    late: bool | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=100)


class RecordIn(Schema):
    nik: str = Field(description="16-digit NIK of a registered person")
    full_name: str = Field(max_length=150, description="The person's full name as on the ID card (titles and degrees may be added)")
    birth_date: dt.date = Field(description="The person's birth date: NIK, name and birth date must all match")
    as_participant: bool = False
    late_reason: str = Field("", description="Required after the registration window (susulan)")


class BulkIn(Schema):
    ids: list[int] = Field(min_length=1, max_length=5000)
    action: str = Field(description="select, accept, reject, withdraw or drop_out")
    reason: str = ""


class RefusedOut(Schema):
    id: int
    code: str | None = None
    message: str


class BulkOut(Schema):
    done: list[int]
    refused: list[RefusedOut]


class ResultsIn(Schema):
    ids: list[int] = Field(min_length=1, max_length=5000)
    result: str = Field(description="passed, failed or pending")


class HistoryOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    before: Any = None
    after: Any = None
    reason: str


class ProgramBrief(Schema):
    id: int
    title: str
    institution: str
    start_date: dt.date
    end_date: dt.date
    status: str
    status_label: str


class MyEnrollmentOut(Schema):
    id: int
    program: ProgramBrief
    state: str
    state_label: str
    result: str
    reason: str
    late: bool
    registered_at: dt.datetime
    next_step: str


class WithdrawIn(Schema):
    reason: str = ""
    not_me: bool = Field(False, description="I never asked to be enrolled (an enrollment made by an institution): "
                                            "withdraws while still active and is recorded as a report")


class VocationalFieldIn(Schema):
    code: str
    name: str
    is_active: bool = True


class CompetencyUnitIn(Schema):
    code: str = Field(description="SKKNI code, e.g. J.620100.004.02")
    title: str
    vocational_field_id: int
    is_active: bool = True


# --- helpers ----------------------------------------------------------------------------------

def _today() -> dt.date:
    return timezone.localdate()


def _paginate(qs, page: int, page_size: int) -> tuple[dict, list]:
    count = qs.count()
    pages = max((count + page_size - 1) // page_size, 1)
    start = (page - 1) * page_size
    return {"count": count, "page": page, "page_size": page_size, "pages": pages}, list(qs[start : start + page_size])


def _program_out(p: Program, *, today: dt.date, staff: bool = False, counts: dict | None = None) -> dict:
    """The program as the API shows it; ``staff``: with counts per state (``counts``, else counted here)
    and the late registrations that the staff selectors annotate (``late_count``)."""
    inst = p.institution
    out = {
        "id": p.pk, "title": p.title, "description": p.description,
        "institution": {"id": inst.pk, "name": inst.name, "kind": inst.kind,
                        "regency": {"code": inst.regency_id, "name": inst.regency.name}},
        "vocational_field": p.vocational_field,
        "competency_units": list(p.competency_units.all()),
        "hours": p.hours, "start_date": p.start_date, "end_date": p.end_date,
        "registration_opens": p.registration_opens, "registration_closes": p.registration_closes,
        "registration_open": selectors.registration_blocker(program=p, today=today) is None,
        "quota": p.quota, "seats_left": selectors.seats_left(p),
        "regency": {"code": p.regency_id, "name": p.regency.name},
        "province": {"code": p.regency.province_id, "name": p.regency.province.name},
        "mode": p.mode, "boarding": p.boarding, "funding": p.funding, "dipa_reference": p.dipa_reference, "fee": p.fee,
        "selection_method": p.selection_method, "min_age": p.min_age, "max_age": p.max_age,
        "min_education": p.min_education, "status": p.status, "status_label": str(domain.status_label(p.status)),
    }
    if staff:
        out["counts"] = counts if counts is not None else selectors.state_counts(program=p)
        out["late_count"] = p.late_count
        out["instructor_ids"] = sorted(p.scope_instructor_ids())
        out["cancel_reason"] = p.cancel_reason
    return out


def _may_see_staff_view(actor: User | None, program: Program) -> bool:
    return actor is not None and (can(actor, "program.manage", program) or can(actor, "enrollment.view", program))


def _regency(code: str) -> Regency:
    regency = Regency.objects.select_related("province").filter(code=(code or "").strip()).first()
    if regency is None:
        raise ValidationFailed(Msg("Kode kabupaten/kota {c} tidak dikenal (contoh: 32.73).",
                                   "Unknown regency code {c} (example: 32.73).").format(c=code),
                               code=RegionCode.REGENCY_UNKNOWN, field="regency")
    return regency


def _vocational_field(pk: int | None, field: str = "vocational_field_id") -> VocationalField:
    obj = VocationalField.objects.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise ValidationFailed(Msg("Kejuruan tidak dikenal.", "Unknown vocational field."), code=Code.VOCATIONAL_FIELD_UNKNOWN, field=field)
    return obj


def _program_data(values: dict) -> services.ProgramData:
    values = dict(values)
    vocational_field = _vocational_field(values.pop("vocational_field_id"))
    regency = _regency(values.pop("regency"))
    units = tuple(values.pop("competency_unit_ids") or ())
    instructors = values.pop("instructor_ids", None)
    for key in ("description", "dipa_reference", "min_education"):
        values[key] = values.get(key) or ""
    return services.ProgramData(vocational_field=vocational_field, regency=regency, competency_unit_ids=units,
                                instructor_ids=None if instructors is None else tuple(instructors), **values)


def _existing_values(program: Program) -> dict:
    values = {name: getattr(program, name) for name in services.PROGRAM_FIELDS if name not in ("vocational_field", "regency")}
    values["vocational_field_id"] = program.vocational_field_id
    values["regency"] = program.regency_id
    values["competency_unit_ids"] = list(program.competency_units.values_list("pk", flat=True))
    values["instructor_ids"] = None  # kept unless the request names them
    return values


def _enrollment_out(e: Enrollment, *, show_nik: bool) -> dict:
    person = e.person
    return {
        "id": e.pk, "program_id": e.program_id,
        "person": {"id": person.pk, "full_name": person.full_name, "nik": person.nik if show_nik else person.nik_masked,
                   "sex": person.sex, "birth_date": person.birth_date, "education": person.education},
        "state": e.state, "state_label": str(domain.state_label(e.state)), "result": e.result, "reason": e.reason,
        "late": e.late, "late_reason": e.late_reason, "source": e.source,
        "registered_at": e.registered_at, "state_changed_at": e.state_changed_at,
    }


def _bulk_out(program: Program, result: services.BulkResult) -> dict:
    return {
        "done": result.done,
        "refused": [{"id": r.id, "code": r.code, "message": str(r.message)} for r in result.refused],
    }


def _person_of(actor: User) -> Person:
    person = person_for_user(user=actor)
    if person is None:
        raise PermissionDenied(Msg("Akun ini belum memiliki profil warga (NIK). Daftar sebagai warga dulu.",
                                   "This account has no citizen profile (NIK). Sign up as a citizen first."),
                               code=Code.NO_PERSON)
    return person


def _enrollment(enrollment_id: int) -> Enrollment:
    e = Enrollment.objects.select_related("program__institution", "person").filter(pk=enrollment_id).first()
    if e is None:
        raise NotFound(ENROLLMENT_NOT_FOUND, code=Code.ENROLLMENT_NOT_FOUND)
    return e


# --- public -----------------------------------------------------------------------------------

@router.get("/catalogue", response=ProgramPage, auth=None, summary="Public training catalogue",
            description="Published, selecting, running and closed programs of active institutions, most imminent "
                        "first, with the seats left. Filter by words, province, regency, vocational field, mode, start "
                        "dates and open registration. `page_size` is at most 100.")
def catalogue(request, filters: Query[CatalogueQuery]):
    f = filters
    today = _today()
    qs = selectors.catalogue(
        filters=selectors.CatalogueFilters(
            q=f.q.strip(), province=f.province.strip(), regency=f.regency.strip(), vocational_field=f.vocational_field,
            mode=f.mode.strip(), starts_after=f.starts_after, starts_before=f.starts_before, open_only=f.open_only,
            status=f.status.strip(),
        ),
        today=today,
    ).select_related("institution__regency").prefetch_related("competency_units")
    meta, rows = _paginate(qs, f.page, f.page_size)
    return {**meta, "items": [_program_out(p, today=today) for p in rows]}


@router.get("/programs/{program_id}", response=ProgramOut, auth=None, summary="One program",
            description="Public detail of a published program (seats left, schedule, institution). The institution's "
                        "staff (session or token) also see drafts and cancelled programs, with counts per state.")
def program_detail(request, program_id: int):
    today = _today()
    actor = optional_actor(request)
    program = selectors.program_for_staff(program_id=program_id)
    if _may_see_staff_view(actor, program):
        return _program_out(program, today=today, staff=True)
    program = selectors.public_program(program_id=program_id)
    if program is None:
        raise selectors.program_not_found()
    return _program_out(program, today=today)


@router.get("/vocational-fields", response=list[VocationalFieldOut], auth=None, summary="Vocational fields (kejuruan)")
def vocational_fields(request, include_inactive: bool = False):
    qs = VocationalField.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("name"))


@router.get("/competency-units", response=list[CompetencyUnitOut], auth=None, summary="SKKNI competency units",
            description="Filter by `vocational_field` (id).")
def competency_units(request, vocational_field: Annotated[int | None, Field(ge=1, le=services.MAX_DB_ID)] = None,
                     include_inactive: bool = False):
    qs = CompetencyUnit.objects.all()
    if vocational_field is not None:
        qs = qs.filter(vocational_field_id=vocational_field)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("code"))


# --- reference data (ministry curators) -------------------------------------------------------

@router.post("/vocational-fields", response={200: VocationalFieldOut}, summary="Create or update a vocational field",
             description="Ministry curators only. Upsert by code.")
def vocational_field_save(request, payload: VocationalFieldIn):
    return services.vocational_field_save(actor=request_actor(request), code=payload.code, name=payload.name,
                                          is_active=payload.is_active)


@router.post("/competency-units", response={200: CompetencyUnitOut}, summary="Create or update an SKKNI competency unit",
             description="Ministry curators only. Upsert by code.")
def competency_unit_save(request, payload: CompetencyUnitIn):
    actor = request_actor(request)
    return services.competency_unit_save(actor=actor, code=payload.code, title=payload.title,
                                         vocational_field=_vocational_field(payload.vocational_field_id),
                                         is_active=payload.is_active)


# --- programs (institution staff) -------------------------------------------------------------

@router.get("/programs", response=list[ProgramOut], summary="My institutions' programs with counts per state",
            description="Programs of the institutions where the caller is manager or instructor; `institution_id` "
                        "narrows to one.")
def my_programs(request, institution_id: int | None = None):
    actor = request_actor(request)
    ids = [g.institution_id for g in actor.grants
           if g.role in (Role.INSTITUTION_MANAGER, Role.INSTRUCTOR) and g.institution_id is not None]
    if institution_id is not None:
        if institution_id not in ids:
            raise PermissionDenied()
        ids = [institution_id]
    today = _today()
    rows = selectors.manager_programs(institution_ids=ids).select_related(
        "institution__regency", "regency__province").prefetch_related("competency_units", "instructors")
    out = []
    for p in rows:
        counts = {state: getattr(p, f"n_{state}") for state in domain.EnrollmentState.values}
        out.append(_program_out(p, today=today, staff=True, counts=counts))
    return out


@router.post("/programs", response={201: ProgramOut}, summary="Create a draft program",
             description="The institution's manager creates a draft; publish it with a `publish` transition.")
def program_create(request, payload: ProgramIn):
    actor = request_actor(request)
    institution = selectors.get_institution(institution_id=payload.institution_id, field="institution_id")
    values = payload.dict()
    values.pop("institution_id")
    program = services.program_create(actor=actor, institution=institution, data=_program_data(values))
    return Status(201, _program_out(selectors.program_for_staff(program_id=program.pk), today=_today(), staff=True))


def _update(request, program_id: int, values: dict):
    actor = request_actor(request)
    program = selectors.program_for_staff(program_id=program_id)
    merged = _existing_values(program) | values
    services.program_update(actor=actor, program=program, data=_program_data(merged))
    return _program_out(selectors.program_for_staff(program_id=program_id), today=_today(), staff=True)


@router.put("/programs/{program_id}", response=ProgramOut, summary="Replace a program's fields",
            description="While draft, published or in selection. The quota never drops below accepted participants.")
def program_put(request, program_id: int, payload: ProgramPutIn):
    return _update(request, program_id, payload.dict())


@router.patch("/programs/{program_id}", response=ProgramOut, summary="Change some of a program's fields",
              description="Only the fields sent change.")
def program_patch(request, program_id: int, payload: ProgramPatchIn):
    return _update(request, program_id, payload.dict(exclude_unset=True))


@router.post("/programs/{program_id}/transitions", response={200: TransitionOut, 202: MoveOut},
             summary="Move a program along its lifecycle",
             description="`publish` (draft → published; the institution must be active and, for a private LPK, "
                         "accredited), `close_registration` (→ selection), `start` (→ running; applicants left become "
                         "not_selected), `close` (→ closed; passed participants become alumni, others not_passed with "
                         "the reason), `cancel` (needs `reason`; withdraws every active enrollment). Starting before the "
                         "start date or closing before the end date needs `reason` too (400 `reason_required`). "
                         "`GET .../transitions/{action}` previews what a transition would do. An illegal transition is "
                         "refused with 409 and a message. A step that moves more enrollments than a request may "
                         "(`SISNAKER_PROGRAM_MOVE_BACKGROUND_ENROLLMENTS`, 5,000 by default) is queued for the background "
                         "worker after the same checks and answered with 202 and the step (`GET .../moves/{token}`).")
def program_transition(request, program_id: int, payload: TransitionIn):
    actor = request_actor(request)
    program = selectors.program_for_staff(program_id=program_id)
    before = selectors.state_counts(program=program)
    started = moves.program_transition_start(actor=actor, program=program, action=payload.action, today=_today(), reason=payload.reason)
    if started.move is not None:
        return Status(202, _move_out(request, started.move))
    fresh = selectors.program_for_staff(program_id=program_id)
    after = selectors.state_counts(program=fresh)
    changed = {state: after[state] - before[state] for state in after if after[state] != before[state]}
    return {"program": _program_out(fresh, today=_today(), staff=True, counts=after), "enrollments_changed": changed}


@router.get("/programs/{program_id}/moves/{token}", response=MoveOut, url_name="program_move",
            summary="A big program's step done in the background",
            description="When `POST .../transitions` answers 202, the step moves more enrollments than a request may "
                        "(`SISNAKER_PROGRAM_MOVE_BACKGROUND_ENROLLMENTS`, 5,000 by default) and runs in the background, in "
                        "one transaction: poll this until `status` is done (`program_status` is then the new status), "
                        "refused or failed. Meanwhile the program keeps its status and any other transition is refused "
                        "with 409 `program_move_open`. Only whoever asked for the step may read it (404 for anyone else).")
def program_move(request, program_id: int, token: str):
    actor = request_actor(request)
    program = selectors.program_for_staff(program_id=program_id)
    return _move_out(request, moves.program_move_get(actor=actor, program=program, token=token))


@router.get("/programs/{program_id}/transitions/{action}", response=TransitionPreviewOut,
            summary="What a transition would do now",
            description="For the institution's manager: the status it leads to, the enrollments it would move (counts "
                        "per state today) and whether it needs a `reason` today. Nothing changes. 409 when the "
                        "transition is not possible from the program's status.")
def program_transition_preview(request, program_id: int, action: str):
    actor = request_actor(request)
    program = selectors.program_for_staff(program_id=program_id)
    require(actor, "program.manage", program)
    if action not in domain.PROGRAM_TRANSITIONS:
        raise ValidationFailed(Msg("Tindakan tidak dikenal.", "Unknown action."), code=Code.PROGRAM_ACTION, field="action")
    preview = selectors.transition_preview(program=program, action=action, today=_today())
    return {"action": action, "status": program.status, "target_status": preview.target,
            "effects": [{"source": e.source, "target": e.target, "count": e.count, "message": str(e.message)} for e in preview.effects],
            "reason_required": preview.reason_needed is not None,
            "reason_why": str(preview.reason_needed) if preview.reason_needed else None}


@router.post("/programs/{program_id}/batches", response={201: ProgramOut}, summary="New batch (angkatan) from this program",
             description="Copies the program into a new one of the same institution (title with the next batch number, "
                         "vocational field, active competency units, description, requirements, location, funding, fee, "
                         "selection method) with the dates and quota given. A draft, or published with `publish`. The "
                         "audit row of the new program names its source.")
def program_copy_as_batch(request, program_id: int, payload: BatchIn):
    actor = request_actor(request)
    program = selectors.program_for_staff(program_id=program_id)
    copy = services.program_copy_as_batch(
        actor=actor, program=program, today=_today(), publish=payload.publish,
        dates=services.BatchDates(registration_opens=payload.registration_opens, registration_closes=payload.registration_closes,
                                  start_date=payload.start_date, end_date=payload.end_date, quota=payload.quota))
    return Status(201, _program_out(selectors.program_for_staff(program_id=copy.pk), today=_today(), staff=True))


# --- enrollments (institution staff) ----------------------------------------------------------

@router.get("/programs/{program_id}/enrollments", response=EnrollmentPage, summary="A program's enrollments",
            description="Search by name, phone or full NIK; filter by state and late flag. The NIK is masked unless "
                        "the caller's role may see it (the institution's manager).")
def program_enrollments(request, program_id: int, filters: Query[EnrollmentQuery]):
    actor = request_actor(request)
    program = selectors.program_for_staff(program_id=program_id)
    require(actor, "enrollment.view", program)
    if filters.state and filters.state not in domain.EnrollmentState.values:
        raise ValidationFailed(Msg("Status pendaftaran tidak dikenal: {s}.", "Unknown enrollment state: {s}.").format(s=filters.state),
                               code=Code.STATE_UNKNOWN, field="state")
    qs = selectors.program_enrollments(program=program, q=filters.q, state=filters.state, late=filters.late)
    meta, rows = _paginate(qs, filters.page, filters.page_size)
    show = selectors.nik_visible(viewer=actor, program=program)
    return {**meta, "items": [_enrollment_out(e, show_nik=show) for e in rows]}


@router.post("/programs/{program_id}/enrollments", response={201: EnrollmentOut}, summary="Record a person by NIK",
             description="The manager records a registered person (as applicant, or directly as participant), named by "
                         "NIK, full name and birth date: all three must match, and a NIK that is not registered gets the "
                         "same 404 as someone else's data. Every look-up is audited. A person with an account is told "
                         "(after commit). After the registration window it is a late registration (susulan) and needs "
                         "`late_reason`.")
def enrollment_record(request, program_id: int, payload: RecordIn):
    actor = request_actor(request)
    program = selectors.program_for_staff(program_id=program_id)
    enrollment = services.enrollment_record_by_nik(
        actor=actor, program=program, nik=payload.nik, full_name=payload.full_name, birth_date=payload.birth_date,
        today=_today(), as_participant=payload.as_participant, late_reason=payload.late_reason,
    )
    enrollment = Enrollment.objects.select_related("person").get(pk=enrollment.pk)
    return Status(201, _enrollment_out(enrollment, show_nik=selectors.nik_visible(viewer=actor, program=program)))


@router.post("/programs/{program_id}/enrollments/bulk", response=BulkOut, summary="One action on many enrollments",
             description="`select`, `accept`, `reject`, `withdraw` or `drop_out`. Legal changes are applied together; "
                         "each refused id comes back with its reason (e.g. `quota_full` once the seats are taken).")
def enrollments_bulk(request, program_id: int, payload: BulkIn):
    program = selectors.program_for_staff(program_id=program_id)
    result = services.enrollments_transition(actor=request_actor(request), program=program, enrollment_ids=payload.ids,
                                             action=payload.action, reason=payload.reason)
    return _bulk_out(program, result)


@router.post("/programs/{program_id}/results", response=BulkOut, summary="Record training results",
             description="`passed`, `failed` or `pending` for participants of a running program.")
def enrollments_results(request, program_id: int, payload: ResultsIn):
    program = selectors.program_for_staff(program_id=program_id)
    result = services.enrollments_set_result(actor=request_actor(request), program=program, enrollment_ids=payload.ids,
                                             result=payload.result)
    return _bulk_out(program, result)


@router.get("/enrollments/{enrollment_id}/history", response=list[HistoryOut], summary="An enrollment's history",
            description="Every change from the audit trail, oldest first. For the institution's staff and the person.")
def enrollment_history(request, enrollment_id: int):
    actor = request_actor(request)
    e = _enrollment(enrollment_id)
    if not (can(actor, "enrollment.view", e) or (e.person.user_id is not None and e.person.user_id == actor.pk)):
        raise PermissionDenied()
    return [
        {"at": ev.at, "actor": ev.actor_label, "action": ev.action, "before": ev.before, "after": ev.after, "reason": ev.reason}
        for ev in selectors.enrollment_history(enrollment=e)
    ]


# --- citizens ---------------------------------------------------------------------------------

@router.post("/programs/{program_id}/register", response={201: MyEnrollmentOut}, summary="Register myself (Pendaftar)",
             description="While registration is open; refused with the reason when not eligible, already registered, "
                         "or when the dates clash with another active enrollment.")
def register_self(request, program_id: int):
    actor = request_actor(request)
    person = _person_of(actor)
    program = selectors.get_program(program_id=program_id)
    enrollment = services.enrollment_register(actor=actor, program=program, person=person, today=_today())
    return Status(201, _my_out(Enrollment.objects.select_related("program__institution").get(pk=enrollment.pk),
                               selectors.next_step(enrollment)))


def _my_out(e: Enrollment, next_step) -> dict:
    p = e.program
    return {
        "id": e.pk,
        "program": {"id": p.pk, "title": p.title, "institution": p.institution.name, "start_date": p.start_date,
                    "end_date": p.end_date, "status": p.status, "status_label": str(domain.status_label(p.status))},
        "state": e.state, "state_label": str(domain.state_label(e.state)), "result": e.result, "reason": e.reason,
        "late": e.late, "registered_at": e.registered_at, "next_step": str(next_step),
    }


@router.get("/me/enrollments", response=list[MyEnrollmentOut], summary="My trainings and the next step")
def my_enrollments(request):
    person = _person_of(request_actor(request))
    return [_my_out(row.enrollment, row.next_step) for row in selectors.my_trainings(person=person)]


@router.post("/enrollments/{enrollment_id}/withdraw", response=MyEnrollmentOut, summary="Withdraw from a program",
             description="Before the program runs.")
def withdraw_self(request, enrollment_id: int, payload: WithdrawIn):
    e = _enrollment(enrollment_id)
    e = services.enrollment_withdraw_self(actor=request_actor(request), enrollment=e, reason=payload.reason,
                                          not_me=payload.not_me)
    e = Enrollment.objects.select_related("program__institution").get(pk=e.pk)
    return _my_out(e, selectors.next_step(e))
