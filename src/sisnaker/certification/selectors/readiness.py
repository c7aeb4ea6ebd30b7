"""Where each participant stands on the way to a certificate (``domain.Readiness``): the facts, read in a
fixed number of queries whatever the number of participants, handed to ``domain.readiness``.

1. the enrollments (person and program loaded), each annotated (``flags``) with "has a review", "has
   the work-readiness survey" (the surveys app's responses, ``surveys.selectors.responses_to``) and its
   certificate (id, number) through correlated subqueries;
2. the competency units of the programs concerned (the program ↔ unit table);
3. the assessments of those enrollments (enrollment, unit, result).

``readiness_for_program`` is what "issue all eligible" uses; the readiness board reads one page of rows
(``readiness_query`` then ``readiness_of``) and counts the same facts in SQL (``selectors.board``); ``readiness_of_loaded``
is the gate inside ``services.certificate_issue`` (three small queries: the flags of the row it has
locked, its program's units, its assessments). The manager's overview counts the same facts in SQL
(``selectors.board.overview``) with the same ``flags``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from sisnaker.core.errors import Msg
from sisnaker.surveys import selectors as surveys
from sisnaker.surveys.domain import READINESS_CODE
from sisnaker.training.models import Enrollment, Program

from .. import domain
from ..models import CURRENT_FIRST, Assessment, Certificate, Review

# Who appears on a program's readiness list by default: those who can (eventually) get a certificate.
DEFAULT_STATES = domain.CERTIFIABLE_STATES


@dataclass
class Row:
    enrollment: Enrollment
    name: str  # the person's full name (staff view)
    readiness: domain.Readiness
    missing: list[Msg] = field(default_factory=list)
    certificate_id: int | None = None
    certificate_number: str = ""
    # The enrollment's certificate was revoked without a replacement (``certified`` stays True: revocation is final).
    certificate_revoked: bool = False

    @property
    def eligible(self) -> bool:
        return self.readiness.eligible


def own_steps_done(enrollment: str = "pk") -> dict:
    """Annotations of an enrollment queryset (``enrollment`` names the enrollment's id in it): has a review,
    has the work-readiness survey (the participant's own steps)."""
    return {
        "has_review": Exists(Review.objects.filter(enrollment_id=OuterRef(enrollment))),
        "has_survey": Exists(surveys.responses_to(code=READINESS_CODE).filter(enrollment_id=OuterRef(enrollment))),
    }


def flags(enrollment: str = "pk") -> dict:
    """Annotations of an enrollment queryset (``enrollment`` names the enrollment's id in it): has a
    review, has the work-readiness survey (``own_steps_done``), its certificate's id and number."""
    certificate = Certificate.objects.filter(enrollment_id=OuterRef(enrollment)).order_by(*CURRENT_FIRST)
    return {
        **own_steps_done(enrollment),
        "certificate_pk": Subquery(certificate.values("pk")[:1]),
        "certificate_no": Subquery(certificate.values("number")[:1]),
        "certificate_revoked_at": Subquery(certificate.values("revoked_at")[:1]),
    }


def _annotated(queryset: QuerySet, *, with_program: bool = True) -> QuerySet:
    related = ("person__user", "program", "program__institution") if with_program else ("person__user",)
    return queryset.select_related(*related).annotate(**flags())


def units_of(program_ids: Iterable[int]) -> dict[int, set[int]]:
    """Program id → the ids of its competency units (one query)."""
    units: dict[int, set[int]] = defaultdict(set)
    through = Program.competency_units.through
    for program_id, unit_id in through.objects.filter(program_id__in=list(program_ids)).values_list("program_id", "competencyunit_id"):
        units[program_id].add(unit_id)
    return units


def _rows(enrollments: list[Enrollment], *, program_ids: set[int]) -> list[Row]:
    if not enrollments:
        return []
    units = units_of(program_ids)
    results: dict[int, dict[int, str]] = defaultdict(dict)
    # Few enrollments: by id; many (a whole program): by program, so the query text stays small.
    if len(enrollments) <= 500:
        assessments = Assessment.objects.filter(enrollment_id__in=[e.pk for e in enrollments])
    else:
        assessments = Assessment.objects.filter(enrollment__program_id__in=program_ids)
    for enrollment_id, unit_id, result in assessments.values_list("enrollment_id", "unit_id", "result"):
        results[enrollment_id][unit_id] = result
    rows = []
    for e in enrollments:
        readiness = domain.readiness(
            unit_ids=units[e.program_id], results=results[e.pk], reviewed=bool(e.has_review), surveyed=bool(e.has_survey),
            program_status=e.program.status, enrollment_state=e.state, certified=e.certificate_pk is not None,
        )
        rows.append(Row(enrollment=e, name=e.person.full_name, readiness=readiness, missing=domain.missing_steps(readiness),
                        certificate_id=e.certificate_pk, certificate_number=e.certificate_no or "",
                        certificate_revoked=getattr(e, "certificate_revoked_at", None) is not None))
    return rows


def readiness_query(queryset: QuerySet, *, program: Program | None = None) -> QuerySet:
    """``queryset`` of enrollments with what ``readiness_of`` needs (person, program, the ``flags``): the
    caller may still filter, order and slice it (the readiness board reads one page of it). ``program``: every
    enrollment is of this program, which is not read again with each row (pass it to ``readiness_of`` too)."""
    return _annotated(queryset, with_program=program is None)


def readiness_of(enrollments: list[Enrollment], *, program: Program | None = None) -> list[Row]:
    """Readiness of enrollments read through ``readiness_query``, in their order. Two queries (the
    programs' units, the assessments). ``program``: the one given to ``readiness_query``."""
    if program is not None:
        for e in enrollments:
            if e.program_id != program.pk:
                raise ValueError(f"enrollment {e.pk} is not of program {program.pk}")
            e.program = program
    return _rows(enrollments, program_ids={e.program_id for e in enrollments})


def readiness_for_program(*, program: Program, states: Iterable[str] | None = DEFAULT_STATES) -> list[Row]:
    """Every participant/alumnus of ``program`` (or every enrollment when ``states`` is None), by name,
    with their readiness and what is missing. Three queries."""
    qs = Enrollment.objects.filter(program=program)
    if states is not None:
        qs = qs.filter(state__in=list(states))
    return _rows(list(_annotated(qs).order_by("person__full_name", "pk")), program_ids={program.pk})


def readiness_for_enrollments(*, enrollment_ids: Iterable[int]) -> dict[int, Row]:
    """Readiness of any enrollments (of any programs), by enrollment id. Three queries."""
    ids = list(dict.fromkeys(int(i) for i in enrollment_ids))
    enrollments = list(_annotated(Enrollment.objects.filter(pk__in=ids))) if ids else []
    rows = _rows(enrollments, program_ids={e.program_id for e in enrollments})
    return {r.enrollment.pk: r for r in rows}


def readiness_for(*, enrollment: Enrollment | int) -> Row | None:
    """Readiness of one enrollment, read afresh (None when it does not exist). Three queries."""
    pk = enrollment if isinstance(enrollment, int) else enrollment.pk
    return readiness_for_enrollments(enrollment_ids=[pk]).get(pk)


def readiness_of_loaded(enrollment: Enrollment) -> Row:
    """Readiness of an enrollment whose row (state), person and program (status) were just read — the
    issue gate passes the row it has locked. Three small queries: it runs once per certificate issued."""
    facts = Enrollment.objects.filter(pk=enrollment.pk).annotate(**flags()).values(
        "has_review", "has_survey", "certificate_pk", "certificate_no", "certificate_revoked_at").get()
    for name, value in facts.items():
        setattr(enrollment, name, value)
    return _rows([enrollment], program_ids={enrollment.program_id})[0]
