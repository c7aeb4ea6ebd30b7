"""The readiness board counts in SQL (``selectors.board_counts``) and judges only the shown page's rows with
the readiness rules (``domain.readiness``): on a random mix of participants (states, program status, unit
results including a "not yet competent" and an assessment of a unit outside the program, reviews, surveys,
certificates) the counts, the filtered rows and their order are those the readiness rules give over every row."""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisnaker.certification import domain
from sisnaker.certification import selectors as cert_selectors
from sisnaker.certification.models import Assessment
from sisnaker.certification.selectors.readiness import readiness_for_program
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from tests.certification.test_assessment import certify
from tests.certification.test_board import review, survey
from tests.factories import (
    CompetencyUnitFactory,
    EnrollmentFactory,
    InstitutionFactory,
    InstructorFactory,
    PersonFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

RESULT = st.sampled_from((None, domain.COMPETENT, domain.NOT_YET))
PARTICIPANT = st.fixed_dictionaries({
    "name": st.sampled_from(("Ani Lengkap", "budi ANI", "Citra Kirana", "Dedi", "Ánita Sari")),
    "state": st.sampled_from((E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT, E.REGISTERED)),
    "results": st.lists(RESULT, min_size=3, max_size=3),  # two units of the program, then one outside it
    "reviewed": st.booleans(), "surveyed": st.booleans(), "certified": st.booleans(),
})


def expected(program, *, q: str, blocking_only: bool) -> tuple[dict[str, int], list]:
    """The counts and the shown rows, by the readiness rules over every row (what the board did before)."""
    rows = readiness_for_program(program=program, states=domain.LINK_STATES)
    way = [r for r in rows if r.enrollment.state in domain.CERTIFIABLE_STATES]
    steps = {r.enrollment.pk: domain.steps(r.readiness) for r in way}
    counts = {
        "total": len(way), "eligible": sum(r.eligible for r in way), "certified": sum(r.readiness.certified for r in way),
        "blocking": sum(r.readiness.blocking for r in way),
        "not_competent": sum(r.readiness.not_competent and not r.readiness.certified for r in rows),
        **{f"done_{s}": sum(steps[r.enrollment.pk][s] for r in way) for s in domain.STEPS},
    }
    shown = [r for r in way if q.casefold() in r.name.casefold() and (r.readiness.blocking or not blocking_only)]
    return counts, [(r.enrollment.pk, steps[r.enrollment.pk], r.eligible, r.readiness.blocking, r.readiness.certified,
                     [m.id for m in r.missing]) for r in shown]


def board_rows(program, *, q: str, blocking_only: bool) -> tuple[dict[str, int], list, int]:
    """The board's counts and every page's rows (pages of 2)."""
    first = cert_selectors.board(program=program, q=q, blocking_only=blocking_only, page=1, per_page=2)
    rows = []
    for n in first.page.paginator.page_range:
        b = cert_selectors.board(program=program, q=q, blocking_only=blocking_only, page=n, per_page=2)
        assert len(b.rows) <= 2
        rows += [(r.enrollment_id, r.steps, r.eligible, r.blocking, r.certified, [m.id for m in r.missing]) for r in b.rows]
    counts = {"total": first.total, "eligible": first.eligible, "certified": first.certified, "blocking": first.blocking,
              "not_competent": first.not_competent, **{f"done_{c.step}": c.done for c in first.counts}}
    assert all(c.done + c.missing == first.total for c in first.counts)
    return counts, rows, first.page.paginator.count


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(status=st.sampled_from((P.RUNNING, P.CLOSED)), n_units=st.integers(0, 2), people=st.lists(PARTICIPANT, max_size=7),
       q=st.sampled_from(("", "ani", "ANI", "ki", "zz")), blocking_only=st.booleans())
def test_sql_counts_and_page_rows_equal_the_readiness_rules(regions, status, n_units, people, q, blocking_only):
    inst = InstitutionFactory()
    instructor = InstructorFactory(institution=inst)
    units = [CompetencyUnitFactory() for _ in range(n_units)]
    outside = CompetencyUnitFactory()
    program = ProgramFactory(institution=inst, status=status, units=units)
    for p in people:
        e = EnrollmentFactory(program=program, person=PersonFactory(full_name=p["name"]), state=p["state"])
        for unit, result in zip([*units, outside][:n_units] + [outside], p["results"][:n_units] + p["results"][2:], strict=True):
            if result:
                Assessment.objects.create(enrollment=e, unit=unit, result=result, assessed_by=instructor, assessed_at=timezone.now())
        if p["reviewed"]:
            review(e)
        if p["surveyed"]:
            survey(e)
        if p["certified"]:
            certify(e, instructor)
    want_counts, want_rows = expected(program, q=q, blocking_only=blocking_only)
    counts, rows, shown = board_rows(program, q=q, blocking_only=blocking_only)
    assert counts == want_counts
    assert rows == want_rows and shown == len(want_rows)
