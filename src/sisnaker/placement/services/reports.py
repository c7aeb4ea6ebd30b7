"""Placements reported outside a hire through Sisnaker (issue 12 "Placement records"; rules in ``domain``):

* **by the employer** (``placement_report``): an approved company's staff report that a person works for them. The
  person is named by NIK, full name and birth date, looked up by ``accounts.services.person_match_for_staff``
  (which records every look-up, matched or not, in its own transaction) — nobody with the NIK and someone
  else's data get the same refusal, so the form never tells whether a NIK is registered — and the look-ups of one
  NIK by one company are limited (``placement_lookup.id``), so a birth date cannot be guessed. The placement
  (source "employer") is linked to the person's latest graduation, if any, with an ``Outcome`` for it, so it
  counts as that training's outcome and in the region's figures. The person, when they have an account, is told.
* **ending** (``placement_end``): the company's staff say a person they hired or reported no longer works there.
* **by the alumnus** (``outcome_report_own``): from their account or the personal link of a reminder, their work
  status for one graduated training; the latest report wins, earlier ones stay. Their previous own report's open
  job is corrected (left out of the figures) or ended, as they say.

Every service: keyword-only, the permission first, one durable transaction with its audit rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sisnaker.accounts.models import Person, User
from sisnaker.accounts.services import person_match_for_staff
from sisnaker.core import audit, ratelimit
from sisnaker.core.actors import LinkHolder, require_link_scope
from sisnaker.core.errors import Conflict, Msg, NotFound, TooManyRequests, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.notifications.services import notify
from sisnaker.regions import nik as nik_rules
from sisnaker.training.domain import EnrollmentState
from sisnaker.training.models import Enrollment

from .. import domain
from ..codes import JobsAudit, JobsCode
from ..models import Company, Outcome, Placement

NOT_MATCHED = Msg(
    "Data ini tidak cocok dengan penduduk yang terdaftar di Sisnaker. Periksa NIK, nama lengkap, dan tanggal lahir sesuai "
    "KTP. Bila sudah sesuai, minta pekerja mendaftar sendiri di Sisnaker dengan NIK-nya.",
    "These details match no one registered in Sisnaker. Check the NIK, full name and birth date against the ID card. If "
    "they match it, ask the worker to sign up in Sisnaker with their NIK.")
LOOKUPS_LIMITED = Msg("Terlalu banyak percobaan untuk NIK ini. Coba lagi dalam {m} menit.",
                      "Too many attempts for this NIK. Try again in {m} minutes.")
COMPANY_NOT_FOUND = Msg("Perusahaan tidak ditemukan.", "Company not found.")
PLACEMENT_NOT_FOUND = Msg("Penempatan kerja tidak ditemukan.", "Placement not found.")
ENROLLMENT_NOT_FOUND = Msg("Pelatihan tidak ditemukan.", "Training not found.")


@dataclass(frozen=True, repr=False)
class EmployerReport:
    """What a company's staff type to report a person working for them."""

    nik: str
    full_name: str
    birth_date: dt.date | None
    position: str
    start_date: dt.date | None
    sector: str = ""  # a KBLI letter; empty: the company's sector
    overseas: bool = False

    def __repr__(self) -> str:  # never a NIK in logs
        digits = "".join(ch for ch in (self.nik or "") if ch.isdigit())
        return f"EmployerReport(nik={nik_rules.mask(digits) if len(digits) == 16 else '?'!r})"


def latest_graduation(person_id: int) -> Enrollment | None:
    """The person's most recent graduated enrolment (the training a placement follows), or None."""
    return (Enrollment.objects.filter(person_id=person_id, state=EnrollmentState.GRADUATED)
            .order_by("-state_changed_at", "-id").first())


def employed_outcome(*, actor: User, placement: Placement, now: dt.datetime) -> Outcome | None:
    """The outcome "employed" of the training a company's placement follows (its ``enrollment``: the latest graduation),
    audited; None when it follows none. For hires and employers' reports, inside their transaction."""
    if placement.enrollment_id is None:
        return None
    outcome = Outcome.objects.create(enrollment_id=placement.enrollment_id, person_id=placement.person_id,
                                     status=domain.OutcomeStatus.EMPLOYED, placement=placement, source=placement.source,
                                     reported_by=actor, reported_at=now)
    audit.record(actor=actor, action=JobsAudit.OUTCOME_REPORTED, obj=outcome, at=now,
                 after={"enrollment": placement.enrollment_id, "status": outcome.status, "placement": placement.pk,
                        "source": outcome.source})
    return outcome


def refuse_if_at_work(*, person_id: int, company: Company) -> None:
    """Conflict (``placement_exists``) when the company already records the person at work there: a hire or its own
    report, not ended. Call with the company's row locked (one record of a person at a time per company)."""
    current = (Placement.objects.filter(person_id=person_id, company=company, source__in=sorted(domain.COMPANY_SOURCES),
                                        end_date__isnull=True, corrected_at__isnull=True).order_by("-start_date").first())
    if current is not None:
        raise Conflict(Msg("Orang ini sudah tercatat bekerja di perusahaan Anda sejak {d} ({p}). Akhiri penempatan itu dulu "
                           "bila ia pernah berhenti.", "This person is already recorded as working for your company since {d} "
                           "({p}). End that placement first if they left in between.").format(
                               d=current.start_date.isoformat(), p=current.position), code=JobsCode.PLACEMENT_EXISTS)


def _limit_lookups(company_id: int, nik: str) -> None:
    """Count one look-up of ``nik`` by the company (whatever its outcome) and refuse past ``placement_lookup.id``."""
    key = f"placement_lookup:id:{ratelimit.key_hash(f'{company_id}:{nik}')}"
    decision = ratelimit.hit(key, ratelimit.policy("placement_lookup.id"))
    if not decision.allowed:
        raise TooManyRequests(LOOKUPS_LIMITED, retry_after=decision.retry_after, code=JobsCode.PLACEMENT_LOOKUPS)


def placement_report(*, actor: User, company_id: int, data: EmployerReport, now: dt.datetime) -> Placement:
    """An approved company's staff (``placement.manage``) report that the person with this NIK, full name and birth
    date works for them since ``start_date``. Refused without a word about the person unless all three match; a
    person already recorded at work there (not ended) is refused as a duplicate."""
    company = Company.objects.select_related("regency").filter(pk=company_id).first()
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND, code=JobsCode.COMPANY_NOT_FOUND)
    require(actor, "placement.manage", company)
    digits = "".join(ch for ch in (data.nik or "") if ch.isdigit())
    if len(digits) != 16:
        raise ValidationFailed(Msg("NIK harus 16 angka.", "The NIK must be 16 digits."), code=JobsCode.PLACEMENT_FIELD, field="nik")
    full_name = " ".join((data.full_name or "").split())
    if not full_name:
        raise ValidationFailed(Msg("Isi nama lengkap sesuai KTP.", "Give the full name as on the ID card."),
                               code=JobsCode.PLACEMENT_FIELD, field="full_name")
    if data.birth_date is None:
        raise ValidationFailed(Msg("Isi tanggal lahir.", "Give the birth date."), code=JobsCode.PLACEMENT_FIELD, field="birth_date")
    today = timezone.localtime(now).date()
    sector = (data.sector or "").strip().upper()
    blocker = domain.employer_report_blocker(position=data.position, start_date=data.start_date, sector=sector, today=today,
                                             birth_date=data.birth_date)
    if blocker is not None:
        raise ValidationFailed(blocker[1], code=JobsCode.PLACEMENT_FIELD, field=blocker[0])
    _limit_lookups(company.pk, digits)
    person = person_match_for_staff(actor=actor, nik=digits, full_name=full_name, birth_date=data.birth_date,
                                    purpose=f"laporan penempatan kerja perusahaan {company.pk}", on=company,
                                    action="placement.manage")
    if person is None:
        raise NotFound(NOT_MATCHED, code=JobsCode.PERSON_NOT_MATCHED, field="nik")
    position = " ".join(data.position.split())
    with transaction.atomic(durable=True):
        # One report of a person at a time per company: the duplicate check below holds.
        company = Company.objects.select_for_update().select_related("regency").get(pk=company.pk)
        refuse_if_at_work(person_id=person.pk, company=company)
        enrollment = latest_graduation(person.pk)
        placement = Placement.objects.create(
            person=person, company=company, employer_name=company.name, position=position, start_date=data.start_date,
            sector=sector or company.sector, formal=True, domestic=not data.overseas, source=domain.PlacementSource.EMPLOYER,
            regency=None if data.overseas else company.regency, enrollment=enrollment, created_by=actor, created_at=now)
        audit.record(actor=actor, action=JobsAudit.PLACEMENT_REPORTED, obj=placement, at=now,
                     after={"person": person.pk, "company": company.pk, "position": position,
                            "start_date": data.start_date.isoformat(), "sector": placement.sector, "domestic": placement.domestic,
                            "enrollment": enrollment.pk if enrollment else None, "nik": nik_rules.mask(digits)})
        employed_outcome(actor=actor, placement=placement, now=now)
        if person.user_id is not None and person.user_id != actor.pk:
            notify(person=person, topic=f"placement_reported.{placement.pk}", now=now,
                   subject="Sisnaker: laporan tempat kerja Anda",
                   text=(f"Sisnaker: {company.name} melaporkan Anda bekerja di sana sebagai {position} sejak "
                         f"{data.start_date:%d/%m/%Y}. Tidak benar? Laporkan ke Disnaker setempat."))
    return placement


@transaction.atomic(durable=True)
def placement_end(*, actor: User, placement_id: int, end_date: dt.date | None, now: dt.datetime) -> Placement:
    """"No longer works here": the staff of the company that hired or reported the person (``placement.manage`` on
    the placement) record the last day worked. An ended placement stays (it still counts: the person was placed)."""
    placement = Placement.objects.select_for_update(of=("self",)).select_related("person").filter(pk=placement_id).first()
    if placement is None:
        raise NotFound(PLACEMENT_NOT_FOUND, code=JobsCode.PLACEMENT_NOT_FOUND)
    require(actor, "placement.manage", placement)
    _end(actor=actor, placement=placement, end_date=end_date, now=now, field="end_date")
    return placement


def _end(*, actor, placement: Placement, end_date: dt.date | None, now: dt.datetime, field: str) -> None:
    blocker = domain.placement_end_blocker(start_date=placement.start_date, end_date=end_date, ended_on=placement.end_date,
                                           corrected=placement.corrected_at is not None, today=timezone.localtime(now).date())
    if blocker is not None:
        name, message = blocker
        if name == "placement":
            raise Conflict(message, code=JobsCode.PLACEMENT_ENDED)
        raise ValidationFailed(message, code=JobsCode.PLACEMENT_FIELD, field=field)
    placement.end_date, placement.updated_at = end_date, now
    placement.save(update_fields=["end_date", "updated_at"])
    audit.record(actor=actor, action=JobsAudit.PLACEMENT_ENDED, obj=placement, before={"end_date": None},
                 after={"end_date": end_date.isoformat(), "source": placement.source}, at=now)


# --- the alumnus's own report -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AlumnusReport:
    """An alumnus's own work status for one graduated training (``domain.alumnus_report_blocker``)."""

    status: str
    employer_name: str = ""  # the employer, or their own business when self-employed
    position: str = ""
    start_date: dt.date | None = None
    sector: str = ""
    overseas: bool = False
    previous: str = domain.PREVIOUS_CORRECT  # what became of their previous own report's open job, if any
    previous_end: dt.date | None = None


def open_own_placement(enrollment_id: int, *, lock: bool = False) -> Placement | None:
    """The alumnus's previous own report's job for this enrolment that is still open (not ended, not corrected)."""
    qs = Placement.objects.filter(enrollment_id=enrollment_id, source=domain.PlacementSource.ALUMNUS, end_date__isnull=True,
                                  corrected_at__isnull=True).order_by("-created_at", "-id")
    return (qs.select_for_update() if lock else qs).first()


def outcome_report_own(*, actor: User | LinkHolder, enrollment_id: int, data: AlumnusReport, now: dt.datetime) -> Outcome:
    """The alumnus reports their work status for their graduated enrolment: signed in (``outcome.report_own`` on their
    person), or holding the personal link of that enrolment (``require_link_scope``). A new ``Outcome`` (source
    "alumnus"), with a placement when at work; their previous own report's open job is corrected or ended."""
    holder = actor if isinstance(actor, LinkHolder) else None
    with transaction.atomic(durable=True):
        # The enrolment's row serialises two reports of it (the previous job is read and changed below).
        enrollment = (Enrollment.objects.select_for_update(of=("self",)).select_related("person__domicile_district")
                      .filter(pk=enrollment_id).first())
        if holder is not None:
            require_link_scope(holder, enrollment_id=int(enrollment_id), person_id=enrollment.person_id if enrollment else None)
        elif enrollment is None:
            raise NotFound(ENROLLMENT_NOT_FOUND, code=JobsCode.NOT_AN_ALUMNUS)
        else:
            require(actor, "outcome.report_own", enrollment.person)
        if enrollment is None or enrollment.state != EnrollmentState.GRADUATED:
            raise Conflict(Msg("Keadaan kerja dilaporkan untuk pelatihan yang sudah Anda selesaikan (lulus).",
                               "Work status is reported for a training you graduated from."), code=JobsCode.NOT_AN_ALUMNUS)
        today = timezone.localtime(now).date()
        previous = open_own_placement(enrollment.pk, lock=True)
        employer, position = " ".join((data.employer_name or "").split()), " ".join((data.position or "").split())
        sector = (data.sector or "").strip().upper()
        blocker = domain.alumnus_report_blocker(
            status=data.status, employer_name=employer, position=position, start_date=data.start_date, sector=sector, today=today,
            previous_start=previous.start_date if previous else None, previous=data.previous, previous_end=data.previous_end,
            birth_date=enrollment.person.birth_date)
        if blocker is not None:
            raise ValidationFailed(blocker[1], code=JobsCode.OUTCOME_FIELD, field=blocker[0])
        user = actor if holder is None else None
        if previous is not None:
            if data.previous == domain.PREVIOUS_ENDED:
                _end(actor=actor, placement=previous, end_date=data.previous_end, now=now, field="previous_end")
            else:
                previous.corrected_at, previous.updated_at = now, now
                previous.save(update_fields=["corrected_at", "updated_at"])
                audit.record(actor=actor, action=JobsAudit.PLACEMENT_CORRECTED, obj=previous, before={"corrected_at": None},
                             after={"corrected_at": now.isoformat()}, at=now)
        placement = None
        if data.status in domain.OutcomeStatus.AT_WORK:
            person: Person = enrollment.person
            placement = Placement.objects.create(
                person=person, employer_name=employer, position=position, start_date=data.start_date, sector=sector,
                formal=data.status == domain.OutcomeStatus.EMPLOYED, domestic=not data.overseas,
                source=domain.PlacementSource.ALUMNUS,
                regency_id=None if data.overseas or person.domicile_district is None else person.domicile_district.regency_id,
                enrollment=enrollment, created_by=user, created_at=now)
        outcome = Outcome.objects.create(enrollment=enrollment, person_id=enrollment.person_id, status=data.status,
                                         placement=placement, source=domain.PlacementSource.ALUMNUS, reported_by=user,
                                         reported_at=now)
        audit.record(actor=actor, action=JobsAudit.OUTCOME_REPORTED, obj=outcome, at=now,
                     after={"enrollment": enrollment.pk, "status": data.status, "placement": placement.pk if placement else None,
                            "source": outcome.source, "previous": previous.pk if previous else None,
                            "previous_became": data.previous if previous else None})
    return outcome
