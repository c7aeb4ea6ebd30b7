"""What alumni do after training, reported by the regional office of where they live (issue 12 "Placement records
and regional reporting"): one report for many alumni at once from the worklist (``outcomes_report``), and the
reminder to regions whose alumni's outcomes are mostly unknown (``completeness_remind``).

An officer reports for alumni who live in (or hold a KTP of) their area (``outcome.report`` on the person), also
those trained elsewhere (boarding programs): the training's place does not matter, the alumnus's home does. At
work, each report makes a placement record (source "officer") that links back to the training it follows.
Set-based: the enrolments are read in one query, placements and outcomes inserted in bulk, one audit row each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.errors import Msg, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.training.domain import EnrollmentState
from sisnaker.training.models import Enrollment

from .. import domain
from ..codes import JobsAudit, JobsCode
from ..models import Outcome, Placement


@dataclass(frozen=True)
class OutcomeData:
    status: str
    employer_name: str = ""
    position: str = ""
    start_date: dt.date | None = None
    sector: str = ""
    overseas: bool = False


def outcomes_report(*, actor: User, enrollment_ids: list[int], data: OutcomeData, now: dt.datetime) -> int:
    """Record ``data`` as the outcome of each of these graduated enrolments (at most ``OUTCOME_BULK_MAX``), for an
    officer who may report for every one of their people (``outcome.report``); all or nothing. Returns how many."""
    require(actor, "outcome.worklist")  # a regional officer at all; each person is checked below
    ids = sorted({int(i) for i in enrollment_ids})
    if not ids:
        raise ValidationFailed(Msg("Pilih alumni yang dilaporkan.", "Choose the alumni to report."), code=JobsCode.OUTCOME_FIELD,
                               field="enrollments")
    if len(ids) > domain.OUTCOME_BULK_MAX:
        raise ValidationFailed(Msg("Paling banyak {n} alumni sekaligus.", "At most {n} alumni at once.").format(
            n=domain.OUTCOME_BULK_MAX), code=JobsCode.OUTCOME_FIELD, field="enrollments")
    employer, position = (data.employer_name or "").strip(), (data.position or "").strip()
    sector = (data.sector or "").strip().upper()
    blocker = domain.outcome_blocker(status=data.status, employer_name=employer, position=position, start_date=data.start_date,
                                     today=timezone.localtime(now).date())
    if blocker is not None:
        raise ValidationFailed(blocker, code=JobsCode.OUTCOME_FIELD, field="status")
    if sector and sector not in domain.KBLI_LETTERS:
        raise ValidationFailed(Msg("Sektor KBLI tidak dikenal.", "Unknown KBLI sector."), code=JobsCode.OUTCOME_FIELD, field="sector")
    if len(employer) > 200 or len(position) > domain.TITLE_MAX:
        raise ValidationFailed(Msg("Isian terlalu panjang.", "Too long."), code=JobsCode.OUTCOME_FIELD, field="employer_name")
    with transaction.atomic(durable=True):
        enrollments = list(Enrollment.objects.filter(pk__in=ids, state=EnrollmentState.GRADUATED)
                           .select_related("person__domicile_district"))
        if len(enrollments) != len(ids):
            raise ValidationFailed(Msg("Sebagian yang dipilih bukan alumni (lulus pelatihan) atau tidak ada.",
                                       "Some of those chosen are not alumni (graduated) or do not exist."),
                                   code=JobsCode.OUTCOME_FIELD, field="enrollments")
        for enrollment in enrollments:
            if not can(actor, "outcome.report", enrollment.person):
                raise PermissionDenied(Msg("Anda hanya dapat melaporkan alumni yang tinggal di wilayah Anda.",
                                           "You can only report alumni who live in your area."))
        at_work = data.status in domain.OutcomeStatus.AT_WORK
        placements: dict[int, Placement] = {}
        if at_work:
            made = Placement.objects.bulk_create([
                Placement(person_id=e.person_id, employer_name=employer, position=position, start_date=data.start_date,
                          sector=sector, formal=data.status == domain.OutcomeStatus.EMPLOYED, domestic=not data.overseas,
                          source=domain.PlacementSource.OFFICER, regency_id=e.person.domicile_district.regency_id,
                          enrollment_id=e.pk, created_by=actor, created_at=now)
                for e in enrollments])
            # SQLite and PostgreSQL both return the new ids from bulk_create.
            placements = {p.enrollment_id: p for p in made}
        outcomes = Outcome.objects.bulk_create([
            Outcome(enrollment_id=e.pk, person_id=e.person_id, status=data.status, placement=placements.get(e.pk),
                    source=domain.PlacementSource.OFFICER, reported_by=actor, reported_at=now)
            for e in enrollments])
        audit.record_many(actor=actor, action=JobsAudit.OUTCOME_REPORTED, object_type="placement.outcome",
                          rows=[(o.pk, str(o), None, {"enrollment": o.enrollment_id, "status": o.status,
                                                      "placement": o.placement_id, "source": o.source}) for o in outcomes],
                          at=now)
    return len(outcomes)


def completeness_remind(*, actor: User, now: dt.datetime) -> int:
    """Remind the regional officers of every regency whose alumni's known outcomes are under
    ``domain.COMPLETENESS_REMIND_BELOW`` percent (``outcome.remind``: the ministry or an administrator) by e-mail.
    Returns how many officers were told."""
    from sisnaker.accounts.models import RoleAssignment
    from sisnaker.core.links import public_url
    from sisnaker.notifications import services as notifications

    from .. import selectors

    require(actor, "outcome.remind")
    rows = selectors.completeness(viewer=actor, by="regency")
    behind = {r.code: r for r in rows if r.percent is not None and r.percent < domain.COMPLETENESS_REMIND_BELOW}
    if not behind:
        return 0
    told = 0
    url = f"{public_url().rstrip('/')}/penempatan/luaran/"
    officers = RoleAssignment.objects.filter(role="regional_officer", region_code__in=list(behind)).select_related("user")
    with transaction.atomic():
        for grant in officers:
            row = behind[grant.region_code]
            sent = notifications.notify_user(
                user=grant.user, topic="outcome_completeness", subject="Laporan penempatan alumni",
                text=(f"Sisnaker: baru {row.percent}% alumni yang tinggal di {row.name} diketahui keadaan kerjanya "
                      f"({row.known} dari {row.alumni}). Laporkan di {url}"),
                channels=("email",))
            told += 1 if sent else 0
        audit.record(actor=actor, action=JobsAudit.OUTCOME_REMINDED, object_type="placement.outcome", at=now,
                     after={"regencies": sorted(behind), "officers": told})
    return told
