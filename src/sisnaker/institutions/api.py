"""REST: /api/v1/institutions/… — register an institution (pending; the caller becomes its manager),
vetting by the authority (queue, approve/reject/suspend/reinstate, resubmit), edits, LA-LPK
accreditation by ministry curators, attaching staff."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from sisnaker.core.api_auth import SESSION_OR_TOKEN, optional_actor, request_actor
from sisnaker.core.errors import Msg, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import can
from sisnaker.regions import selectors as region_selectors
from sisnaker.regions.codes import Code as RegionCode
from sisnaker.regions.models import Regency

from . import domain, selectors, services
from .codes import Code
from .models import Institution

router = Router(auth=SESSION_OR_TOKEN)


class RegionOut(Schema):
    code: str
    name: str


class AccreditationOut(Schema):
    status: str = Field(description="none, accredited or revoked (as recorded)")
    state: str = Field(description="valid, expired, revoked or none (today)")
    grade: str
    number: str
    valid_until: dt.date | None


class InstitutionOut(Schema):
    id: int
    registry_number: str
    name: str
    kind: str
    kind_label: str
    regency: RegionOut
    province: RegionOut
    address: str
    phone: str
    email: str
    accreditation: AccreditationOut
    status: str = Field(description="pending, approved, rejected or suspended (vetting by the authority)")
    status_reason: str = Field(description="The authority's reason for the last rejection, suspension or reinstatement")
    can_publish: bool = Field(description="Whether programs can be published today")
    publish_blocker: str | None = Field(description="Why not, when it cannot")


class InstitutionIn(Schema):
    registry_number: str = Field(description="Registry/licence number, e.g. LPK/3273/2021/0042")
    licence_number: str = Field("", description="Operating licence (izin operasional), establishment decree or VIN number")
    name: str
    kind: str = Field(description="blk_uptp, blk_uptd, blk_komunitas, blk_ln, lpk or other")
    regency: str = Field(description="Regency code, e.g. 32.73")
    address: str = ""
    phone: str = ""
    email: str = ""


class InstitutionPatchIn(Schema):
    name: str | None = None
    kind: str | None = None
    regency: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    confirm_review: bool = Field(False, description="Required to change the name, kind or regency of an approved "
                                                    "institution: it goes back to pending for the authority to approve "
                                                    "again (409 institution_review_needed without it)")


class AccreditationIn(Schema):
    status: str = Field(description="none, accredited or revoked")
    grade: str = Field("", description="A, B or C (required when accredited)")
    number: str = ""
    valid_until: dt.date | None = Field(None, description="Required when accredited")


class ReviewIn(Schema):
    action: str = Field(description="approve, reject, suspend or reinstate")
    reason: str = Field("", description="Required to reject, suspend or reinstate; the manager reads it")
    licence_number: str | None = Field(None, description="Licence / decree / VIN number checked (required to approve "
                                                           "when the institution has none recorded)")


class StaffIn(Schema):
    username: str = ""
    email: str = ""
    phone: str = ""
    role: str = Field("instructor", description="instructor or institution_manager")


class StaffOut(Schema):
    id: int
    user: str
    role: str
    institution_id: int
    is_active: bool


def _regency(code: str | None) -> Regency:
    regency = region_selectors.regency_get((code or "").strip())
    if regency is None:
        raise ValidationFailed(Msg("Kode kabupaten/kota {c} tidak dikenal (contoh: 32.73).",
                                   "Unknown regency code {c} (example: 32.73).").format(c=code),
                               code=RegionCode.REGENCY_UNKNOWN, field="regency")
    return regency


NOT_FOUND = Msg("Lembaga tidak ditemukan.", "Institution not found.")


def _get(institution_id: int) -> Institution:
    inst = selectors.institution_get(pk=institution_id)
    if inst is None:
        raise NotFound(NOT_FOUND, code=Code.INSTITUTION_NOT_FOUND)
    return inst


def _out(inst: Institution) -> dict:
    today = timezone.localdate()
    inst = _get(inst.pk)
    blocker = domain.publish_blocker(kind=inst.kind, institution_status=inst.status, status=inst.accreditation_status,
                                     valid_until=inst.accreditation_valid_until, today=today)
    return {
        "id": inst.pk, "registry_number": inst.registry_number, "name": inst.name, "kind": inst.kind,
        "kind_label": inst.get_kind_display(),
        "regency": {"code": inst.regency_id, "name": inst.regency.name},
        "province": {"code": inst.regency.province_id, "name": inst.regency.province.name},
        "address": inst.address, "phone": inst.phone, "email": inst.email,
        "accreditation": {
            "status": inst.accreditation_status,
            "state": domain.accreditation_state(status=inst.accreditation_status, valid_until=inst.accreditation_valid_until,
                                                today=today),
            "grade": inst.accreditation_grade, "number": inst.accreditation_number,
            "valid_until": inst.accreditation_valid_until,
        },
        "status": inst.status, "status_reason": inst.status_reason, "can_publish": blocker is None, "publish_blocker": str(blocker) if blocker else None,
    }


@router.post("", response={201: InstitutionOut}, summary="Register a training institution",
             description="The caller becomes its manager. A private LPK cannot publish programs until a ministry "
                         "curator records its LA-LPK accreditation.")
def institution_register(request, payload: InstitutionIn):
    inst = services.institution_register(
        actor=request_actor(request), registry_number=payload.registry_number, name=payload.name, kind=payload.kind,
        regency=_regency(payload.regency), address=payload.address, phone=payload.phone, email=payload.email,
        licence_number=payload.licence_number,
    )
    return Status(201, _out(inst))


class QueueItemOut(Schema):
    id: int
    registry_number: str
    licence_number: str
    name: str
    kind: str
    regency: RegionOut
    province: RegionOut
    status: str
    status_reason: str
    registered_at: dt.datetime


class QueueOut(Schema):
    count: int
    page: int
    pages: int
    items: list[QueueItemOut]


@router.get("/review-queue", response=QueueOut, summary="The approver's queue",
            description="Institutions in the caller's vetting scope (regional officers: locally licensed kinds in their "
                        "area; curators: BLK UPTP and overseas BLKs), oldest registration first. `status` defaults to "
                        "pending.")
def review_queue(request, status: str = "pending", q: str = "", page: int = 1):
    actor = request_actor(request)
    if not selectors.may_review_any(viewer=actor):
        raise PermissionDenied(Msg("Hanya petugas Disnaker dan kurator Kementerian yang menyetujui lembaga.",
                                   "Only regional officers and ministry curators vet institutions."), code=Code.NOT_AN_APPROVER)
    if status not in selectors.QUEUE_STATUSES:
        raise ValidationFailed(Msg("Status tidak dikenal: pending, approved, rejected, atau suspended.",
                                   "Unknown status: pending, approved, rejected or suspended."), code=Code.STATUS_UNKNOWN, field="status")
    qs = selectors.review_queue(viewer=actor, status=status, q=q[:100])
    count = qs.count()
    size = 50
    pages = max(1, -(-count // size))
    page = min(max(page, 1), pages)
    items = [{
        "id": i.pk, "registry_number": i.registry_number, "licence_number": i.licence_number, "name": i.name, "kind": i.kind,
        "regency": {"code": i.regency_id, "name": i.regency.name},
        "province": {"code": i.regency.province_id, "name": i.regency.province.name},
        "status": i.status, "status_reason": i.status_reason, "registered_at": i.created_at,
    } for i in qs[(page - 1) * size: page * size]]
    return {"count": count, "page": page, "pages": pages, "items": items}


def _may_see(actor, inst: Institution) -> bool:
    return actor is not None and any(can(actor, action, inst) for action in (
        "institution.view_own", "institution.edit", "institution.review", "institution.accredit"))


@router.get("/{institution_id}", response=InstitutionOut, auth=None, summary="One institution",
            description="Public once approved (a suspended institution stays visible, with its status): name, kind, "
                        "region, contact, accreditation (with today's state) and whether it can open programs. A pending "
                        "or rejected registration is visible only to its own staff and its approvers (404 to others).")
def institution_detail(request, institution_id: int):
    inst = _get(institution_id)
    unvetted = inst.status in (Institution.Status.PENDING, Institution.Status.REJECTED)
    if unvetted and not _may_see(optional_actor(request), inst):
        raise NotFound(NOT_FOUND, code=Code.INSTITUTION_NOT_FOUND)
    return _out(inst)


@router.post("/{institution_id}/resubmit", response=InstitutionOut, summary="Resubmit a rejected registration",
             description="Its manager, after correcting the data the authority objected to: back to pending.")
def institution_resubmit(request, institution_id: int):
    return _out(services.institution_resubmit(actor=request_actor(request), institution=_get(institution_id)))


@router.patch("/{institution_id}", response=InstitutionOut, summary="Edit an institution",
              description="Its manager or a ministry curator. Only the fields sent change; the registry number does not.")
def institution_patch(request, institution_id: int, payload: InstitutionPatchIn):
    inst = _get(institution_id)
    values = payload.dict(exclude_unset=True)
    confirm_review = bool(values.pop("confirm_review", False))
    merged = {
        "name": inst.name, "kind": inst.kind, "address": inst.address, "phone": inst.phone, "email": inst.email,
    } | {k: (v or "") for k, v in values.items() if k != "regency"}
    regency = _regency(values["regency"]) if "regency" in values else inst.regency
    inst = services.institution_update(actor=request_actor(request), institution=inst, regency=regency,
                                       confirm_review=confirm_review, **merged)
    return _out(inst)


@router.post("/{institution_id}/accreditation", response=InstitutionOut, summary="Record LA-LPK accreditation",
             description="Ministry curators only: status, grade, number and valid-until date (or revocation).")
def institution_accreditation(request, institution_id: int, payload: AccreditationIn):
    inst = services.institution_set_accreditation(
        actor=request_actor(request), institution=_get(institution_id), status=payload.status, grade=payload.grade,
        number=payload.number, valid_until=payload.valid_until,
    )
    return _out(inst)


@router.post("/{institution_id}/review", response=InstitutionOut, summary="Approve, reject, suspend or reinstate",
             description="The authority vets an institution: a regional officer of its area for BLK UPTD, BLK Komunitas "
                         "and LPK; a ministry curator for BLK UPTP and overseas BLKs. Until approved, an institution can "
                         "touch no people, programs or certificates.")
def institution_review(request, institution_id: int, payload: ReviewIn):
    inst = services.institution_review(actor=request_actor(request), institution=_get(institution_id),
                                       action=payload.action, reason=payload.reason, licence_number=payload.licence_number)
    return _out(inst)


@router.post("/{institution_id}/staff", response={201: StaffOut}, summary="Attach an instructor or co-manager",
             description="The institution's manager attaches an existing account, found by username, e-mail or phone.")
def institution_staff(request, institution_id: int, payload: StaffIn):
    inst = _get(institution_id)
    assignment = services.institution_add_staff(actor=request_actor(request), institution=inst, role=payload.role,
                                                username=payload.username, email=payload.email, phone=payload.phone)
    return Status(201, {"id": assignment.pk, "user": assignment.user.username, "role": assignment.role,
                        "institution_id": inst.pk, "is_active": assignment.is_active})
