"""Training-needs planning: a region's office makes its proposal for a year, writes its lines (one per vocational
field: people to train, reason), submits it, reopens it until the deadline; the ministry returns a submitted one
with a reason. Every service is keyword-only, takes the actor and ``now``, checks the permission
(``core.permissions``), runs in one durable transaction and writes its audit row in it. Lifecycle:
``domain.TRANSITIONS``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.regions.models import Province, Regency
from sisnaker.training.models import VocationalField

from . import domain
from .codes import TRANSITION_AUDIT, Audit, Code
from .models import Plan, PlanLine

PLAN_NOT_FOUND = Msg("Usulan tidak ditemukan.", "Proposal not found.")
LINE_NOT_FOUND = Msg("Baris usulan tidak ditemukan.", "Proposal line not found.")


def deadline_month_day() -> tuple[int, int]:
    """The configured deadline (``SISNAKER_PLANNING_DEADLINE``, month-day of the year before the plan's year)."""
    raw = getattr(settings, "SISNAKER_PLANNING_DEADLINE", "") or ""
    try:
        month, day = (int(part) for part in raw.split("-"))
        dt.date(2001, month, day)
    except (TypeError, ValueError):
        return domain.DEFAULT_DEADLINE
    return month, day


@dataclass(frozen=True, slots=True)
class Area:
    """The area a new plan is for (the permission object before the plan exists)."""

    code: str

    def scope_region_codes(self) -> set[str]:
        return {self.code}


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def _locked(plan_id: int) -> Plan:
    plan = Plan.objects.select_for_update(of=("self",)).select_related("province", "regency").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(PLAN_NOT_FOUND, code=Code.PLAN_NOT_FOUND)
    return plan


def _editable(plan: Plan) -> None:
    if not plan.is_editable:
        raise Conflict(Msg('Usulan berstatus "{s}" tidak dapat diubah; buka kembali usulan itu lebih dulu.',
                           'A proposal that is "{s}" cannot be changed; reopen it first.').format(s=plan.get_status_display()),
                       code=Code.PLAN_STATUS)


def _line_invalid(errors: dict[str, Msg]) -> ValidationFailed:
    name, message = next(iter(errors.items()))
    return ValidationFailed(message, code=Code.LINE_FIELD, field=name,
                            details={"errors": {k: {"id": v.id, "en": v.en} for k, v in errors.items()}})


def _region(code: str) -> tuple[Province, Regency | None]:
    code = (code or "").strip()
    if "." in code:
        regency = Regency.objects.select_related("province").filter(code=code).first()
        if regency is not None:
            return regency.province, regency
    else:
        province = Province.objects.filter(code=code).first() if code else None
        if province is not None:
            return province, None
    raise ValidationFailed(Msg("Wilayah {code} tidak dikenal: pilih provinsi atau kabupaten/kota.",
                               "Region {code} is unknown: choose a province or a regency/city.").format(code=code or "-"),
                           code=Code.PLAN_REGION, field="region")


@transaction.atomic(durable=True)
def plan_create(*, actor: User, region_code: str, year: int | None, now: dt.datetime) -> Plan:
    """A draft plan of the actor's own area (a province's, or a regency's) for ``year`` (this year or the next)."""
    require(actor, "planning.propose", Area((region_code or "").strip()))
    province, regency = _region(region_code)
    error = domain.year_error(year, today=_today(now))
    if error is not None:
        raise ValidationFailed(error, code=Code.PLAN_YEAR, field="year")
    exists = Msg("Usulan {region} tahun {year} sudah ada; bukalah usulan itu.",
                 "A {year} proposal of {region} exists already; open that one.").format(
        region=(regency or province).name, year=year)
    if Plan.objects.filter(province=province, regency=regency, year=year).exists():
        raise Conflict(exists, code=Code.PLAN_EXISTS, field="year")
    try:
        with transaction.atomic():  # a concurrent twin: the unique constraint decides
            plan = Plan.objects.create(year=year, province=province, regency=regency, created_by=actor, created_at=now,
                                       updated_at=now)
    except IntegrityError:
        raise Conflict(exists, code=Code.PLAN_EXISTS, field="year") from None
    audit.record(actor=actor, action=Audit.PLAN_CREATED, obj=plan,
                 after={"year": year, "region": plan.region_code, "status": plan.status}, at=now)
    return plan


def _field(field_id: int | None) -> VocationalField:
    field = VocationalField.objects.filter(pk=field_id, is_active=True).first() if field_id else None
    if field is None:
        raise _line_invalid({"vocational_field": Msg("Pilih kejuruan dari daftar.", "Choose a vocational field from the list.")})
    return field


@transaction.atomic(durable=True)
def plan_line_add(*, actor: User, plan_id: int, field_id: int | None, people: int | None, reason: str,
                  now: dt.datetime) -> PlanLine:
    """Add a vocational field to an editable plan; a field already in the plan is refused (change its line)."""
    plan = _locked(plan_id)
    require(actor, "planning.propose", plan)
    _editable(plan)
    field = _field(field_id)
    errors = domain.line_errors(people=people, reason=reason)
    if errors:
        raise _line_invalid(errors)
    duplicate = Conflict(Msg('Kejuruan "{field}" sudah ada di usulan ini; ubah jumlah atau alasannya di barisnya.',
                             'The vocational field "{field}" is already in this proposal; change its line instead.').format(
        field=field.name), code=Code.LINE_DUPLICATE, field="vocational_field")
    if plan.lines.filter(vocational_field=field).exists():
        raise duplicate
    try:
        with transaction.atomic():
            line = PlanLine.objects.create(plan=plan, vocational_field=field, people=people, reason=reason.strip(),
                                           created_at=now, updated_at=now)
    except IntegrityError:
        raise duplicate from None
    plan.updated_at = now
    plan.save(update_fields=["updated_at"])
    audit.record(actor=actor, action=Audit.LINE_ADDED, obj=plan,
                 after={"line": line.pk, "vocational_field": field.code, "people": people, "reason": line.reason}, at=now)
    return line


def _locked_line(line_id: int) -> tuple[Plan, PlanLine]:
    plan_id = PlanLine.objects.filter(pk=line_id).values_list("plan_id", flat=True).first()
    if plan_id is None:
        raise NotFound(LINE_NOT_FOUND, code=Code.LINE_NOT_FOUND)
    plan = _locked(plan_id)
    line = plan.lines.select_related("vocational_field").filter(pk=line_id).first()
    if line is None:  # removed meanwhile
        raise NotFound(LINE_NOT_FOUND, code=Code.LINE_NOT_FOUND)
    return plan, line


@transaction.atomic(durable=True)
def plan_line_update(*, actor: User, line_id: int, people: int | None, reason: str, now: dt.datetime) -> PlanLine:
    """Change the people to train and the reason of a line of an editable plan."""
    plan, line = _locked_line(line_id)
    require(actor, "planning.propose", plan)
    _editable(plan)
    errors = domain.line_errors(people=people, reason=reason)
    if errors:
        raise _line_invalid(errors)
    before = {"people": line.people, "reason": line.reason}
    line.people, line.reason, line.updated_at = people, reason.strip(), now
    line.save(update_fields=["people", "reason", "updated_at"])
    plan.updated_at = now
    plan.save(update_fields=["updated_at"])
    b, a = audit.changes(before, {"people": line.people, "reason": line.reason})
    audit.record(actor=actor, action=Audit.LINE_CHANGED, obj=plan, before={"line": line.pk, **b},
                 after={"line": line.pk, "vocational_field": line.vocational_field.code, **a}, at=now)
    return line


@transaction.atomic(durable=True)
def plan_line_remove(*, actor: User, line_id: int, now: dt.datetime) -> Plan:
    """Remove a vocational field from an editable plan."""
    plan, line = _locked_line(line_id)
    require(actor, "planning.propose", plan)
    _editable(plan)
    before = {"line": line.pk, "vocational_field": line.vocational_field.code, "people": line.people, "reason": line.reason}
    line.delete()
    plan.updated_at = now
    plan.save(update_fields=["updated_at"])
    audit.record(actor=actor, action=Audit.LINE_REMOVED, obj=plan, before=before, at=now)
    return plan


def _transition(*, actor: User, plan_id: int, action: str, now: dt.datetime, reason: str = "") -> Plan:
    plan = _locked(plan_id)
    require(actor, "planning.return" if domain.ACTOR_OF[action] == "ministry" else "planning.propose", plan)
    to = domain.next_status(action=action, status=plan.status)
    if to is None:
        raise Conflict(domain.refusal(action=action, status=plan.status), code=Code.PLAN_STATUS)
    today = _today(now)
    if action == "submit" and (blocker := domain.submit_blocker(lines=plan.lines.count())) is not None:
        raise Conflict(blocker, code=Code.PLAN_EMPTY)
    if action == "reopen" and (blocker := domain.reopen_blocker(year=plan.year, today=today,
                                                                month_day=deadline_month_day())) is not None:
        raise Conflict(blocker, code=Code.PLAN_DEADLINE)
    if action == "return" and (error := domain.return_reason_error(reason)) is not None:
        raise ValidationFailed(error, code=Code.PLAN_RETURN_REASON, field="reason")
    before = {"status": plan.status}
    plan.status = to
    plan.updated_at = now
    fields = ["status", "updated_at"]
    if action == "submit":
        plan.submitted_at, plan.submitted_by = now, actor
        fields += ["submitted_at", "submitted_by"]
    elif action == "return":
        plan.return_reason, plan.returned_at, plan.returned_by = reason.strip(), now, actor
        fields += ["return_reason", "returned_at", "returned_by"]
    plan.save(update_fields=fields)
    after = {"status": to}
    if action == "submit":
        after["late"] = domain.is_late(year=plan.year, submitted_on=today, month_day=deadline_month_day())
        after["people"] = sum(plan.lines.values_list("people", flat=True))
    audit.record(actor=actor, action=TRANSITION_AUDIT[action], obj=plan, before=before, after=after,
                 reason=reason.strip() if action == "return" else "", at=now)
    return plan


@transaction.atomic(durable=True)
def plan_submit(*, actor: User, plan_id: int, now: dt.datetime) -> Plan:
    """The region submits its plan (a draft, or one the ministry returned) to the ministry."""
    return _transition(actor=actor, plan_id=plan_id, action="submit", now=now)


@transaction.atomic(durable=True)
def plan_reopen(*, actor: User, plan_id: int, now: dt.datetime) -> Plan:
    """The region takes its submitted plan back to draft, until the year's deadline."""
    return _transition(actor=actor, plan_id=plan_id, action="reopen", now=now)


@transaction.atomic(durable=True)
def plan_return(*, actor: User, plan_id: int, reason: str, now: dt.datetime) -> Plan:
    """The ministry sends a submitted plan back to its region with a reason."""
    return _transition(actor=actor, plan_id=plan_id, action="return", now=now, reason=reason)
