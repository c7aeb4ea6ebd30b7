"""The readiness board: reads for one program's matrix (participants × steps), the progress of "issue
all eligible", and the manager's overview of programs closing soon.

Every read here is bounded: the matrix's counts are one query grouping the rows by their facts, judged in Python by
the readiness rules (``board_counts``), its rows those of the shown page only (``readiness.readiness_query`` /
``readiness_of``), the overview from one aggregate query over all the manager's programs (the same facts as
``readiness.flags``, counted in SQL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core.errors import Msg, PermissionDenied
from sisnaker.core.permissions import can
from sisnaker.core.roles import Role
from sisnaker.training import domain as training_domain
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment, Program

from .. import domain
from ..models import CURRENT_FIRST, Assessment, Certificate
from .readiness import own_steps_done, readiness_for_program, readiness_of, readiness_query

CLOSING_SOON_DAYS = 30
OVERVIEW_LIMIT = 200
BOARD_ONLY_STAFF = Msg("Papan kesiapan hanya untuk pengelola dan instruktur lembaga penyelenggara program.",
                       "The readiness board is only for managers and instructors of the programme's institution.")
OVERVIEW_ONLY_STAFF = Msg("Ringkasan sertifikasi hanya untuk pengelola dan instruktur lembaga pelatihan.",
                          "The certification overview is only for training institution managers and instructors.")

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
    certificate_id: int | None = None
    revoked: bool = False  # its certificate was revoked without a replacement
    link_purpose: str | None = None  # why the printed sheet would give them a card (``domain.link_purpose_for``), or None

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
    rows: list[BoardRow]  # the shown page's rows, after filters
    page: Page  # the page (its paginator's count: the rows after filters)
    total: int  # before filters
    counts: list[StepCount]
    eligible: int
    certified: int  # holding a standing certificate
    blocking: int
    q: str = ""
    blocking_only: bool = False
    # Not yet competent or not passed (tidak lulus): no certificate; the board's links send them their result.
    not_competent: int = 0
    revoked: int = 0  # certificates revoked without a replacement (final: not eligible again)


def _ready() -> Q:
    return Q(assessed=True, has_review=True, has_survey=True)


def _blocking() -> Q:
    """``domain.Readiness.blocking`` over ``_with_facts``: no certificate and a step still to do."""
    return Q(has_certificate=False) & ~_ready()


def board_facts(*, program: Program):
    """The program's enrollments on the board's way (``domain.LINK_STATES``) with the readiness facts as SQL
    annotations: ``_with_facts`` and ``not_yet`` (assessed "not yet competent" on a unit of the program)."""
    not_yet = Assessment.objects.filter(enrollment_id=OuterRef("pk"), result=domain.NOT_YET, unit_id__in=_units_of(program))
    return _with_facts(Enrollment.objects.filter(program=program, state__in=domain.LINK_STATES), program=program).annotate(
        not_yet=Exists(not_yet))


# The facts a board's counts are judged on, one group of rows per distinct combination (at most a few hundred
# whatever the program's size).
_GROUP = ("state", "program__status", "assessed", "has_review", "has_survey", "has_certificate", "has_standing_certificate",
          "not_yet", "shown")


def board_counts(*, program: Program, shown: Q | None = None) -> dict[str, int]:
    """The counts above the matrix: ``total`` rows on the way to a certificate, per step done, ``eligible``,
    ``certified``, ``blocking``, ``revoked``, ``not_competent`` (among the not-passed too), and ``shown``: the rows
    that match ``shown`` (the filters).

    One query groups the program's rows by their facts (``board_facts``); each group is judged in Python by
    the readiness rules (``domain.Readiness``), so the counts follow the rules the rows are shown with
    (tests/certification/test_board_counts.py checks them on random data)."""
    # Grouped, not ten filtered COUNTs: building those filters over the facts' sub-queries cost more Python
    # than the query itself (~25 ms for the board of 500 alumni).
    matches = ExpressionWrapper(shown, output_field=BooleanField()) if shown else Value(True)
    groups = board_facts(program=program).annotate(shown=matches).values(*_GROUP).annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(("total", *(f"done_{s}" for s in domain.STEPS), "eligible", "certified", "revoked",
                            "blocking", "not_competent", "shown"), 0)
    for g in groups:
        n, state = g["n"], g["state"]
        readiness = domain.Readiness(
            assessed=g["assessed"], reviewed=g["has_review"], survey=g["has_survey"],
            program_allows=domain.program_allows(program_status=g["program__status"], enrollment_state=state),
            certified=g["has_certificate"], not_competent=g["not_yet"] or state == E.NOT_PASSED, assessed_not_yet=g["not_yet"])
        if readiness.not_competent and not readiness.certified:
            counts["not_competent"] += n
        if state not in domain.CERTIFIABLE_STATES:
            continue
        counts["total"] += n
        # The certificate step is done while the certificate stands (a revoked one shows undone, and final).
        done = domain.steps(readiness) | {"certificate": g["has_standing_certificate"]}
        for step in domain.STEPS:
            counts[f"done_{step}"] += n * done[step]
        counts["eligible"] += n * readiness.eligible
        counts["certified"] += n * g["has_standing_certificate"]
        counts["revoked"] += n * (g["has_certificate"] and not g["has_standing_certificate"])
        counts["blocking"] += n * readiness.blocking
        counts["shown"] += n * g["shown"]
    return counts


def board(*, program: Program, q: str = "", blocking_only: bool = False, page: int | str | None = 1,
          per_page: int = 50) -> Board:
    """The matrix of one program: the counts over every row (one grouped query), and the rows of the
    shown ``page`` after the filters (a name search, "still blocking" only), read and judged by the
    readiness rules for that page only: four queries in all."""
    q = (q or "").strip()
    shown = Q()
    if q:
        shown &= Q(person__full_name__icontains=q)
    if blocking_only:
        shown &= _blocking()
    stats = board_counts(program=program, shown=shown or None)
    # The page's ids (the enrollment and its person's name only), then the full rows of those ids: sorting the
    # program's every row joined to its person, user, program and institution to keep fifty cost 3× more.
    # The facts' sub-queries only when the filter needs them ("still blocking"): building them costs ~8 ms of Python.
    rows_of = board_facts(program=program) if blocking_only else Enrollment.objects.filter(program=program)
    ids = rows_of.filter(Q(state__in=domain.CERTIFIABLE_STATES) & shown).order_by("person__full_name", "pk").values_list(
        "pk", flat=True)
    paginator = Paginator(ids, per_page)
    paginator.count = stats["shown"]  # counted by the grouped query: no second COUNT
    current = paginator.get_page(page)
    certificate = Certificate.objects.filter(enrollment_id=OuterRef("pk")).order_by(*CURRENT_FIRST)
    # One query: the page's ids as a sub-query (its LIMIT/OFFSET), the rows in the same order.
    enrollments = list(readiness_query(Enrollment.objects.filter(pk__in=current.object_list), program=program)
                       .annotate(certificate_vid=Subquery(certificate.values("verification_id")[:1]))
                       .order_by("person__full_name", "pk"))
    rows = [
        BoardRow(enrollment=r.enrollment, name=r.name, steps=domain.steps(r.readiness) | (
                     {"certificate": False} if r.certificate_revoked else {}), eligible=r.readiness.eligible,
                 blocking=r.readiness.blocking, certified=r.readiness.certified, missing=list(r.missing),
                 certificate_number=r.certificate_number, verification_id=r.enrollment.certificate_vid or "",
                 certificate_id=r.certificate_id, revoked=r.certificate_revoked,
                 link_purpose=domain.link_purpose_of(state=r.enrollment.state, readiness=r.readiness))
        for r in readiness_of(enrollments, program=program)
    ]
    current.object_list = rows
    counts = [StepCount(step=s, label=domain.STEP_LABELS[s], done=stats[f"done_{s}"], missing=stats["total"] - stats[f"done_{s}"])
              for s in domain.STEPS]
    return Board(
        program=program, rows=rows, page=current, total=stats["total"], counts=counts, eligible=stats["eligible"],
        certified=stats["certified"], blocking=stats["blocking"], q=q, blocking_only=blocking_only,
        not_competent=stats["not_competent"], revoked=stats["revoked"],
    )


def eligible_count(*, program: Program) -> int:
    return sum(1 for r in readiness_for_program(program=program) if r.readiness.eligible)


def require_board_viewer(*, viewer: User, program: Program) -> None:
    """The readiness board and its progress pages are for the staff who see the program's enrollments."""
    if not can(viewer, "enrollment.view", program):
        raise PermissionDenied(BOARD_ONLY_STAFF)


# --- progress of "issue all eligible" ------------------------------------------------------------------

def issued_since(*, program: Program, since: dt.datetime) -> int:
    """Certificates of the program issued at or after ``since``: the honest, cross-process progress of a
    running batch (the worker commits each certificate; any process can count them). First issues only: a
    replacement made meanwhile (the batch issues none) is not its progress."""
    return Certificate.objects.filter(enrollment__program=program, issued_at__gte=since, replaces__isnull=True).count()


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
    def ended_on(self) -> dt.date:
        """The training's completion: the planned end, or the day it was closed when that came first."""
        return training_domain.completion_date(end_date=self.program.end_date, closed_on=self.program.closed_on)

    @property
    def closing_in(self) -> int:
        return (self.ended_on - timezone.localdate()).days


def overview_institution_ids(user: User) -> list[int] | None:
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
    pending = Enrollment.objects.filter(program=OuterRef("pk"), state__in=domain.CERTIFIABLE_STATES, certificates__isnull=True)
    qs = Program.objects.filter(status__in=(P.RUNNING, P.CLOSED))
    if institution_ids is not None:
        qs = qs.filter(institution_id__in=institution_ids)
    # By the training's completion (``training.domain.completion_date``): a program closed early ended then, not at its
    # planned end weeks later (it showed "in 20 days", or not at all while its alumni waited).
    qs = qs.annotate(ended=Least("end_date", Coalesce("closed_on", "end_date")))
    soon = Q(ended__gte=today, ended__lte=today + dt.timedelta(days=CLOSING_SOON_DAYS))
    overdue = Q(ended__lt=today) & Exists(pending)
    return qs.filter(soon | overdue).select_related("institution").order_by("ended", "pk")[:OVERVIEW_LIMIT]


def _units_of(program: Program):
    """The ids of ``program``'s competency units as an uncorrelated sub-query: PostgreSQL runs it once and hashes it,
    instead of joining the unit and program-unit tables again for every row."""
    return Program.competency_units.through.objects.filter(program_id=program.pk).values("competencyunit_id")


def _with_facts(enrollments, *, program: Program | None = None):
    """Enrollments annotated with the readiness facts counted in SQL (the same facts as ``readiness.flags``):
    ``assessed`` (competent in every unit of the program), ``has_review``, ``has_survey``, ``has_certificate``.
    ``program``: every enrollment is of this program (its units are then read once, not per row)."""
    through = Program.competency_units.through.objects
    if program is None:
        units = through.filter(program_id=OuterRef("program_id")).values("program_id").annotate(n=Count("pk")).values("n")
        of_program = Q(unit__programs__id=OuterRef("program_id"))
    else:
        units = through.filter(program_id=program.pk).values("program_id").annotate(n=Count("pk")).values("n")
        of_program = Q(unit_id__in=_units_of(program))
    competent = (Assessment.objects.filter(of_program, enrollment_id=OuterRef("pk"), result=domain.COMPETENT)
                 .values("enrollment_id").annotate(n=Count("pk")).values("n"))
    return (
        enrollments.annotate(
            n_units=Coalesce(Subquery(units, output_field=IntegerField()), Value(0)),
            n_competent=Coalesce(Subquery(competent, output_field=IntegerField()), Value(0)),
            **own_steps_done(),
            has_certificate=Exists(Certificate.objects.filter(enrollment_id=OuterRef("pk"))),
            has_standing_certificate=Exists(Certificate.objects.filter(enrollment_id=OuterRef("pk"), revoked_at__isnull=True)),
        )
        .annotate(assessed=Case(When(n_units__gt=0, n_competent__gte=F("n_units"), then=Value(True)), default=Value(False),
                                output_field=BooleanField()))
    )


def _count(condition: Q) -> Coalesce:
    return Coalesce(Sum(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())), Value(0))


def overview(*, user: User, today: dt.date) -> list[OverviewRow]:
    """Programs closing soon with their blocking counts per step: two queries in all (the programs, and
    one aggregate over all their enrollments), whatever the number of programs. Only for institution
    staff (the programs of their institutions), curators and administrators (every program)."""
    ids = overview_institution_ids(user)
    if ids == []:
        raise PermissionDenied(OVERVIEW_ONLY_STAFF)
    programs = [p for p in closing_programs(institution_ids=ids, today=today) if can(user, "enrollment.view", p)]
    if not programs:
        return []
    enrollments = _with_facts(
        Enrollment.objects.filter(program_id__in=[p.pk for p in programs], state__in=domain.CERTIFIABLE_STATES))
    open_ = Q(has_certificate=False)
    not_ready = Q(assessed=False) | Q(has_review=False) | Q(has_survey=False)
    allowed = _certifiable()
    total = _count

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


# --- the home page's counts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateWork:
    """What stands between a manager's participants and their certificates, over the running and closed
    programs of the approved institutions they manage."""

    not_ready: int       # participants/alumni without a certificate who still miss a step
    ready: int           # ready, not yet issued
    programs: int        # programs with either

    @property
    def any(self) -> bool:
        return bool(self.not_ready or self.ready)


def certificate_work(*, user: User) -> CertificateWork | None:
    """The manager's blocked and issuable certificates (None for who manages no approved institution). One
    aggregate query whatever the number of programs and participants."""
    ids = sorted({g.institution_id for g in getattr(user, "grants", ())
                  if g.role == Role.INSTITUTION_MANAGER and g.institution_approved and g.institution_id is not None})
    if not ids:
        return None
    open_ = Q(has_certificate=False)
    ready = Q(assessed=True, has_review=True, has_survey=True)
    enrollments = _with_facts(Enrollment.objects.filter(
        program__institution_id__in=ids, program__status__in=(P.RUNNING, P.CLOSED), state__in=domain.CERTIFIABLE_STATES))
    stats = enrollments.aggregate(
        not_ready=_count(open_ & ~ready),
        ready=_count(open_ & ready & _certifiable()),
        programs=Count("program_id", distinct=True, filter=open_),
    )
    return CertificateWork(not_ready=stats["not_ready"], ready=stats["ready"], programs=stats["programs"])


def assessment_gaps(*, program_ids: list[int]) -> dict[int, int]:
    """Program id → participants/alumni (without a certificate) not yet assessed competent in every unit:
    the instructor's work left. One query whatever the number of programs."""
    if not program_ids:
        return {}
    enrollments = _with_facts(Enrollment.objects.filter(program_id__in=program_ids, state__in=domain.CERTIFIABLE_STATES,
                                                        program__status__in=(P.RUNNING, P.CLOSED)))
    return {row["program_id"]: row["n"] for row in enrollments.values("program_id").annotate(
        n=_count(Q(has_certificate=False, assessed=False))).order_by()}
