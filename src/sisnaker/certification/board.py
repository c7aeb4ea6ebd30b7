"""The readiness board: reads for one program's matrix (participants × steps), the reminders to those
missing a step, the progress of "issue all eligible", and the manager's overview of programs closing soon.

Every read here is bounded: the matrix comes from ``readiness.readiness_for_program`` (a fixed number
of queries per program), the overview from one aggregate query over all the manager's programs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sisnaker.core import audit
from sisnaker.core.errors import Msg
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import Role
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment, Program

from . import domain
from .models import Assessment, Certificate, Review

READINESS_SURVEY_CODE = "kesiapan-kerja"  # surveys.domain.CODE
# Enrollments that can (still) earn a certificate: participants of a running program, alumni of a closed one.
CERTIFIABLE_STATES = (E.PARTICIPANT, E.GRADUATED)
# The steps a participant does themself (the assessment is the instructor's).
OWN_STEPS = ("reviewed", "survey")
CLOSING_SOON_DAYS = 30
OVERVIEW_LIMIT = 200


def reminder_topic(program: Program) -> str:
    return f"certificate.reminder.{program.pk}"


# --- the matrix ---------------------------------------------------------------------------------------

@dataclass
class BoardRow:
    enrollment: Enrollment
    name: str
    steps: dict[str, bool]  # step → done
    eligible: bool
    blocking: bool
    certified: bool
    missing: list[Msg]
    certificate_number: str = ""
    verification_id: str = ""

    @property
    def enrollment_id(self) -> int:
        return self.enrollment.pk

    @property
    def all_done(self) -> bool:
        return all(self.steps.values())


@dataclass
class StepCount:
    step: str
    label: Msg
    done: int
    missing: int


@dataclass
class Board:
    program: Program
    rows: list[BoardRow]  # after filters
    total: int  # before filters
    counts: list[StepCount]
    eligible: int
    certified: int
    blocking: int
    q: str = ""
    blocking_only: bool = False
    issuable_ids: list[int] = field(default_factory=list)


def _readiness_rows(program: Program):
    from .readiness import readiness_for_program

    return readiness_for_program(program=program)


def _steps(readiness) -> dict[str, bool]:
    return {"assessed": readiness.assessed, "reviewed": readiness.reviewed, "survey": readiness.survey,
            "certificate": readiness.certified}


def board(*, program: Program, q: str = "", blocking_only: bool = False) -> Board:
    """The matrix of one program; counts are over every row, the rows shown follow the filters."""
    certificates = {
        enrollment_id: (number, verification_id)
        for enrollment_id, number, verification_id in Certificate.objects.filter(enrollment__program=program)
        .values_list("enrollment_id", "number", "verification_id")
    }
    rows = []
    for r in _readiness_rows(program):
        number, verification_id = certificates.get(r.enrollment.pk, ("", ""))
        rows.append(BoardRow(
            enrollment=r.enrollment, name=r.name, steps=_steps(r.readiness), eligible=r.readiness.eligible,
            blocking=r.readiness.blocking, certified=r.readiness.certified, missing=list(r.missing),
            certificate_number=number, verification_id=verification_id,
        ))
    counts = [
        StepCount(step=s, label=domain.STEP_LABELS[s], done=sum(1 for r in rows if r.steps[s]),
                  missing=sum(1 for r in rows if not r.steps[s]))
        for s in domain.STEPS
    ]
    shown = rows
    needle = (q or "").strip().casefold()
    if needle:
        shown = [r for r in shown if needle in r.name.casefold()]
    if blocking_only:
        shown = [r for r in shown if r.blocking]
    return Board(
        program=program, rows=shown, total=len(rows), counts=counts, eligible=sum(1 for r in rows if r.eligible),
        certified=sum(1 for r in rows if r.certified), blocking=sum(1 for r in rows if r.blocking),
        q=(q or "").strip(), blocking_only=blocking_only, issuable_ids=[r.enrollment.pk for r in rows if r.eligible],
    )


def eligible_count(*, program: Program) -> int:
    return sum(1 for r in _readiness_rows(program) if r.readiness.eligible)


# --- reminders ------------------------------------------------------------------------------------------

@dataclass
class ReminderReport:
    reminded: list[str] = field(default_factory=list)  # names
    already_today: list[str] = field(default_factory=list)
    waiting_for_instructor: list[str] = field(default_factory=list)  # nothing the participant can do
    unreachable: list[str] = field(default_factory=list)  # no e-mail, no phone

    @property
    def message(self) -> Msg:
        parts = [Msg("{n} peserta diingatkan.", "{n} participant(s) reminded.").format(n=len(self.reminded))]
        if self.already_today:
            parts.append(Msg("{n} sudah diingatkan hari ini.", "{n} already reminded today.").format(n=len(self.already_today)))
        if self.waiting_for_instructor:
            parts.append(Msg("{n} hanya menunggu penilaian instruktur.", "{n} only wait for the instructor's assessment.")
                         .format(n=len(self.waiting_for_instructor)))
        if self.unreachable:
            parts.append(Msg("{n} tanpa e-mail/nomor HP: {names}.", "{n} without e-mail/phone: {names}.")
                         .format(n=len(self.unreachable), names=", ".join(self.unreachable[:10])))
        return Msg(" ".join(p.id for p in parts), " ".join(p.en for p in parts))


def _url(base_url: str, name: str, **kwargs) -> str:
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        path = reverse("training:mine")
    return base_url.rstrip("/") + path


def own_todo(steps: dict[str, bool]) -> list[str]:
    """The steps the participant still has to do themself, in order."""
    return [s for s in OWN_STEPS if not steps[s]]


def reminder_text(*, name: str, program: Program, enrollment_id: int, todo: list[str], base_url: str) -> tuple[str, str]:
    """Subject and body of one participant's reminder: only their own missing steps, each with its link."""
    lines = []
    if "reviewed" in todo:
        lines.append(f"- Beri penilaian (1–5) dan ulasan pelatihan: {_url(base_url, 'certification:review', enrollment_id=enrollment_id)}")
    if "survey" in todo:
        lines.append(f"- Isi survei kesiapan kerja: "
                     f"{_url(base_url, 'surveys:fill', code=READINESS_SURVEY_CODE, enrollment_id=enrollment_id)}")
    institution = program.institution.name
    subject = f"Pengingat sertifikat: {program.title}"[:200]
    body = (
        f"Halo {name},\n\n"
        f"Sertifikat pelatihan \"{program.title}\" ({institution}) baru dapat diterbitkan setelah Anda menyelesaikan "
        f"langkah berikut:\n" + "\n".join(lines) + "\n\n"
        f"Masuk ke Sisnaker dengan akun Anda untuk mengisinya. Terima kasih.\n{institution}"
    )
    return subject, body


def send_reminders(*, actor, program: Program, base_url: str = "", now: dt.datetime | None = None) -> ReminderReport:
    """Remind every participant who still has a step of their own to do (review, readiness survey), once a
    day per program, listing exactly their steps with links. Sent after commit (notifications.services)."""
    from sisnaker.notifications import services as notifications

    require(actor, "program.manage", program)
    now = now or timezone.now()
    report = ReminderReport()
    reminded_ids = []
    topic = reminder_topic(program)
    rows = [r for r in _readiness_rows(program) if r.enrollment.state in CERTIFIABLE_STATES and not r.readiness.certified]
    with transaction.atomic():
        for r in rows:
            steps = _steps(r.readiness)
            todo = own_todo(steps)
            if not todo:
                if not steps["assessed"]:
                    report.waiting_for_instructor.append(r.name)
                continue
            person = r.enrollment.person
            if not notifications.recipients(person):
                report.unreachable.append(r.name)
                continue
            if notifications.already_notified(person=person, topic=topic, now=now):
                report.already_today.append(r.name)
                continue
            subject, body = reminder_text(name=r.name, program=program, enrollment_id=r.enrollment.pk, todo=todo,
                                          base_url=base_url)
            if notifications.notify(person=person, topic=topic, subject=subject, text=body, now=now):
                report.reminded.append(r.name)
                reminded_ids.append(r.enrollment.pk)
            else:
                report.already_today.append(r.name)
        audit.record(actor=actor, action="certificate.reminders_sent", obj=program, at=now,
                     after={"reminded": reminded_ids, "already_today": len(report.already_today),
                            "waiting_for_instructor": len(report.waiting_for_instructor),
                            "unreachable": len(report.unreachable)})
    return report


# --- progress of "issue all eligible" ------------------------------------------------------------------

def issued_since(*, program: Program, since: dt.datetime) -> int:
    """Certificates of the program issued at or after ``since``: the honest, cross-process progress of a
    running batch (the worker commits each certificate; any process can count them)."""
    return Certificate.objects.filter(enrollment__program=program, issued_at__gte=since).count()


# --- the manager's overview ----------------------------------------------------------------------------

@dataclass
class OverviewRow:
    program: Program
    participants: int
    not_assessed: int
    not_reviewed: int
    no_survey: int
    blocking: int
    eligible: int
    issued: int

    @property
    def closing_in(self) -> int:
        return (self.program.end_date - timezone.localdate()).days


def overview_institution_ids(user) -> list[int] | None:
    """The institutions whose programs the user sees in the overview; None means every institution."""
    grants = getattr(user, "grants", ())
    if any(g.role in (Role.ADMIN, Role.CURATOR) for g in grants):
        return None
    return sorted({g.institution_id for g in grants
                   if g.role in (Role.INSTITUTION_MANAGER, Role.INSTRUCTOR) and g.institution_id is not None})


def _certifiable(prefix: str = "") -> Q:
    """Participants of a running program or alumni of a closed one (``domain.program_allows``)."""
    return (Q(**{f"{prefix}state": E.PARTICIPANT, f"{prefix}program__status": P.RUNNING})
            | Q(**{f"{prefix}state": E.GRADUATED, f"{prefix}program__status": P.CLOSED}))


def closing_programs(*, institution_ids: list[int] | None, today: dt.date):
    """Running or closed programs that end within CLOSING_SOON_DAYS, or whose end has passed while
    some participant/alumnus still has no certificate."""
    pending = Enrollment.objects.filter(program=OuterRef("pk"), state__in=CERTIFIABLE_STATES, certificate__isnull=True)
    qs = Program.objects.filter(status__in=(P.RUNNING, P.CLOSED))
    if institution_ids is not None:
        qs = qs.filter(institution_id__in=institution_ids)
    soon = Q(end_date__gte=today, end_date__lte=today + dt.timedelta(days=CLOSING_SOON_DAYS))
    overdue = Q(end_date__lt=today) & Exists(pending)
    return qs.filter(soon | overdue).select_related("institution").order_by("end_date", "pk")[:OVERVIEW_LIMIT]


def overview(*, user, today: dt.date) -> list[OverviewRow]:
    """Programs closing soon with their blocking counts per step: two queries in all (the programs, and
    one aggregate over all their enrollments), whatever the number of programs."""
    ids = overview_institution_ids(user)
    if ids == []:
        return []
    programs = [p for p in closing_programs(institution_ids=ids, today=today) if can(user, "enrollment.view", p)]
    if not programs:
        return []
    units = (Program.competency_units.through.objects.filter(program_id=OuterRef("program_id"))
             .values("program_id").annotate(n=Count("pk")).values("n"))
    competent = (Assessment.objects.filter(enrollment_id=OuterRef("pk"), result=domain.COMPETENT,
                                           unit__programs__id=OuterRef("program_id"))
                 .values("enrollment_id").annotate(n=Count("pk")).values("n"))
    from sisnaker.surveys.models import Response

    enrollments = (
        Enrollment.objects.filter(program_id__in=[p.pk for p in programs], state__in=CERTIFIABLE_STATES)
        .annotate(
            n_units=Coalesce(Subquery(units, output_field=IntegerField()), Value(0)),
            n_competent=Coalesce(Subquery(competent, output_field=IntegerField()), Value(0)),
            has_review=Exists(Review.objects.filter(enrollment_id=OuterRef("pk"))),
            has_survey=Exists(Response.objects.filter(enrollment_id=OuterRef("pk"), questionnaire__code=READINESS_SURVEY_CODE)),
            has_certificate=Exists(Certificate.objects.filter(enrollment_id=OuterRef("pk"))),
        )
        .annotate(assessed=Case(When(n_units__gt=0, n_competent__gte=F("n_units"), then=Value(True)), default=Value(False),
                                output_field=BooleanField()))
    )
    one = Value(1)
    open_ = Q(has_certificate=False)
    not_ready = Q(assessed=False) | Q(has_review=False) | Q(has_survey=False)
    allowed = _certifiable()

    def total(condition: Q) -> Coalesce:
        return Coalesce(Sum(Case(When(condition, then=one), default=Value(0), output_field=IntegerField())), Value(0))

    stats = {
        row["program_id"]: row
        for row in enrollments.values("program_id").annotate(
            participants=Count("pk"),
            not_assessed=total(open_ & Q(assessed=False)),
            not_reviewed=total(open_ & Q(has_review=False)),
            no_survey=total(open_ & Q(has_survey=False)),
            blocking=total(open_ & not_ready),
            eligible=total(open_ & Q(assessed=True, has_review=True, has_survey=True) & allowed),
            issued=total(Q(has_certificate=True)),
        ).order_by()
    }
    empty = {"participants": 0, "not_assessed": 0, "not_reviewed": 0, "no_survey": 0, "blocking": 0, "eligible": 0, "issued": 0}
    out = []
    for p in programs:
        s = stats.get(p.pk, empty)
        out.append(OverviewRow(program=p, **{k: s[k] for k in empty}))
    return out
