"""Reads: where each participant stands on the way to a certificate (``domain.Readiness``).

Built directly on the rows, with a fixed number of queries whatever the number of participants:

1. the enrollments (person and program loaded), each annotated with "has a review", "has a readiness
   survey response" and its certificate (id, number) through correlated subqueries;
2. the competency units of the programs concerned (the program ↔ unit table);
3. the assessments of those enrollments (enrollment, unit, result) — ``domain.overall_result``.

``readiness_for_program`` is what the readiness board and "issue all eligible" use;
``readiness_for`` is the gate inside ``certificates.certificate_issue`` (3 queries).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from sisnaker.core.errors import Msg
from sisnaker.surveys.models import Response
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment, Program

from . import domain
from .models import Assessment, Certificate, Review

READINESS_QUESTIONNAIRE = "kesiapan-kerja"
# Who appears on a program's readiness list by default: those who can (eventually) get a certificate.
DEFAULT_STATES = (E.PARTICIPANT, E.GRADUATED)


@dataclass
class Row:
    enrollment: Enrollment
    name: str  # the person's full name (staff view)
    readiness: domain.Readiness
    missing: list[Msg] = field(default_factory=list)
    certificate_id: int | None = None
    certificate_number: str = ""

    @property
    def eligible(self) -> bool:
        return self.readiness.eligible


def _annotated(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("person", "program", "program__institution").annotate(
        has_review=Exists(Review.objects.filter(enrollment=OuterRef("pk"))),
        has_survey=Exists(Response.objects.filter(enrollment=OuterRef("pk"), questionnaire__code=READINESS_QUESTIONNAIRE)),
        certificate_pk=Subquery(Certificate.objects.filter(enrollment=OuterRef("pk")).values("pk")[:1]),
        certificate_no=Subquery(Certificate.objects.filter(enrollment=OuterRef("pk")).values("number")[:1]),
    )


def _rows(enrollments: list[Enrollment], *, program_ids: set[int]) -> list[Row]:
    if not enrollments:
        return []
    units: dict[int, set[int]] = defaultdict(set)
    through = Program.competency_units.through
    for program_id, unit_id in through.objects.filter(program_id__in=program_ids).values_list("program_id", "competencyunit_id"):
        units[program_id].add(unit_id)
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
        readiness = domain.Readiness(
            assessed=domain.overall_result(unit_ids=units[e.program_id], results=results[e.pk]) == domain.COMPETENT,
            reviewed=bool(e.has_review),
            survey=bool(e.has_survey),
            program_allows=domain.program_allows(program_status=e.program.status, enrollment_state=e.state),
            certified=e.certificate_pk is not None,
        )
        rows.append(Row(enrollment=e, name=e.person.full_name, readiness=readiness, missing=domain.missing_steps(readiness),
                        certificate_id=e.certificate_pk, certificate_number=e.certificate_no or ""))
    return rows


def readiness_for_program(*, program: Program, states: Iterable[str] | None = DEFAULT_STATES) -> list[Row]:
    """Every participant/alumnus of ``program`` (or every enrollment when ``states`` is None), in
    enrollment order, with their readiness and what is missing. Three queries."""
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
    """Readiness of one enrollment, read afresh (None when it does not exist). Four small queries."""
    pk = enrollment if isinstance(enrollment, int) else enrollment.pk
    fresh = Enrollment.objects.select_related("person", "program", "program__institution").filter(pk=pk).first()
    return None if fresh is None else readiness_of_loaded(fresh)


def readiness_of_loaded(enrollment: Enrollment) -> Row:
    """Readiness of an enrollment whose row (state) and program (status) were just read — the issue
    gate passes the row it has locked. Three small queries: it runs once per certificate issued."""
    unit_ids = set(Program.competency_units.through.objects.filter(program_id=enrollment.program_id)
                   .values_list("competencyunit_id", flat=True))
    results = dict(Assessment.objects.filter(enrollment_id=enrollment.pk).values_list("unit_id", "result"))
    review, survey, cert = _flags(enrollment.pk)
    readiness = domain.Readiness(
        assessed=domain.overall_result(unit_ids=unit_ids, results=results) == domain.COMPETENT,
        reviewed=review, survey=survey,
        program_allows=domain.program_allows(program_status=enrollment.program.status, enrollment_state=enrollment.state),
        certified=cert is not None,
    )
    return Row(enrollment=enrollment, name=enrollment.person.full_name, readiness=readiness,
               missing=domain.missing_steps(readiness), certificate_id=cert[0] if cert else None,
               certificate_number=cert[1] if cert else "")


# One round trip for the three flags of one enrollment (the issue path runs it for every certificate).
_FLAGS_SQL = (
    "SELECT (SELECT 1 FROM certification_review WHERE enrollment_id = %s LIMIT 1),"
    " (SELECT 1 FROM surveys_response r JOIN surveys_questionnaire q ON q.id = r.questionnaire_id"
    "   WHERE r.enrollment_id = %s AND q.code = %s LIMIT 1),"
    " (SELECT id FROM certification_certificate WHERE enrollment_id = %s),"
    " (SELECT number FROM certification_certificate WHERE enrollment_id = %s)"
)


def _flags(enrollment_id: int) -> tuple[bool, bool, tuple | None]:
    """(has a review, has the readiness survey, (certificate id, number) or None) in one query."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_FLAGS_SQL, [enrollment_id, enrollment_id, READINESS_QUESTIONNAIRE, enrollment_id, enrollment_id])
        review, survey, cert_id, number = cursor.fetchone()
    return review is not None, survey is not None, (cert_id, number) if cert_id is not None else None
