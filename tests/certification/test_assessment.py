"""Competency assessment services: who may assess, which enrollments and units, the overall result and
its sync to Enrollment.result, corrections after the program closed (graduated ↔ not passed, audited),
the refusal once a certificate exists, and the set-based bulk save with bounded queries.

The data comes from tests/factories.py (``course``: a running program with participants); the thin
helpers at the top are reused by test_reviews.py and test_assessment_pages.py."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from sisnaker.certification import selectors, services
from sisnaker.certification.models import Assessment, Certificate
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.training import services as training
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment
from tests import factories
from tests.factories import CompetencyUnitFactory, EnrollmentFactory, InstitutionFactory, PersonFactory, staff
from tests.training.test_services import user_of

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)
K, BK = "competent", "not_yet_competent"


# --- helpers ------------------------------------------------------------------------------------

def make_course(signup_data=None, *, participants: int = 3, units: int = 2, status: str = P.RUNNING, inst=None, manager=None,
                instructors=None, **program_kw):
    """Kept for the modules that import it from here: ``tests.factories.course``."""
    return factories.course(participants=participants, units=units, status=status, inst=inst, manager=manager,
                            instructors=instructors, **program_kw)


def close(course):
    course.program = training.program_transition(actor=course.manager, program=course.program, action="close", today=course.program.end_date)
    return course.program


def record(course, enrollment, unit, result, score=None, note=None, actor=None):
    return services.assessment_record(actor=actor or course.instructor, enrollment=enrollment, unit=unit, result=result,
                                        score=score, note=note)


def refreshed(enrollment) -> Enrollment:
    return Enrollment.objects.get(pk=enrollment.pk)


def certify(enrollment, issuer) -> Certificate:
    program = enrollment.program
    n = next(_seq)
    return Certificate.objects.create(
        enrollment=enrollment, number=f"{program.institution.registry_number}/2026/{n:06d}", institution=program.institution,
        year=2026, sequence=n, verification_id=f"v{n:031d}", payload="{}", signature="x", key_id="k1",
        issued_at=timezone.now(), issued_by=issuer,
    )


@pytest.fixture
def course(regions):
    return factories.course()


# --- permissions --------------------------------------------------------------------------------

def test_instructor_and_manager_of_the_institution_may_assess(course):
    e = course.enrollments[0]
    a = record(course, e, course.units[0], K, score=85, note="Rapi")
    assert (a.result, a.score, a.note, a.assessed_by_id) == (K, 85, "Rapi", course.instructor.pk)
    a = record(course, e, course.units[0], BK, actor=course.manager)
    assert (a.result, a.assessed_by_id) == (BK, course.manager.pk)
    assert a.note == "Rapi"  # note=None keeps the note


def test_others_are_refused(course):
    other_inst = InstitutionFactory()
    outsiders = [
        staff(Role.INSTRUCTOR, institution=other_inst),           # instructor of another institution
        staff(Role.INSTITUTION_MANAGER, institution=other_inst),  # manager of another institution
        user_of(course.people[0]),                                # the participant themself
        PersonFactory().user,                                     # any citizen
        staff(Role.CURATOR),                                      # sees enrollments nationally, does not assess
    ]
    for actor in outsiders:
        with pytest.raises(PermissionDenied):
            record(course, course.enrollments[0], course.units[0], K, actor=actor)
        with pytest.raises(PermissionDenied):
            services.assessments_record_many(actor=actor, program=course.program,
                                               entries=[(course.enrollments[0].pk, course.units[0].pk, K, None, None)])
    assert not Assessment.objects.exists()


# --- overall result -----------------------------------------------------------------------------

def test_overall_result_follows_the_units_and_syncs_to_the_enrollment(course):
    e, (u1, u2) = course.enrollments[0], course.units
    record(course, e, u1, K)
    assert refreshed(e).result == "pending"            # u2 still missing
    record(course, e, u2, K)
    assert refreshed(e).result == "passed"             # all competent
    record(course, e, u2, BK)
    assert refreshed(e).result == "failed"             # any not yet competent
    record(course, e, u1, BK)
    assert refreshed(e).result == "failed"
    record(course, e, u1, "")                          # cleared: u1 missing, u2 BK
    assert refreshed(e).result == "failed"
    record(course, e, u2, "")
    assert refreshed(e).result == "pending"
    assert refreshed(e).state == E.PARTICIPANT         # a running program keeps the state
    assert not Assessment.objects.filter(enrollment=e).exists()
    changes = list(AuditEvent.objects.filter(action="enrollment.result_assessed", object_id=str(e.pk)).order_by("id")
                   .values_list("before", "after"))
    assert changes == [({"result": "pending"}, {"result": "passed"}), ({"result": "passed"}, {"result": "failed"}),
                       ({"result": "failed"}, {"result": "pending"})]
    assert AuditEvent.objects.filter(action="assessment.recorded", object_id=str(e.pk)).count() == 6


def test_unchanged_entry_writes_nothing(course):
    e, u = course.enrollments[0], course.units[0]
    record(course, e, u, K, score=90)
    n = AuditEvent.objects.count()
    record(course, e, u, K, score=90)
    assert AuditEvent.objects.count() == n


def test_bad_input_is_refused_and_nothing_is_saved(course):
    e, u = course.enrollments[0], course.units[0]
    for kwargs, code in [
        ({"result": "lulus"}, "assessment_result"),
        ({"result": K, "score": 101}, "assessment_score"),
        ({"result": K, "score": -1}, "assessment_score"),
        ({"result": K, "score": "90"}, "assessment_score"),
        ({"result": K, "note": "x" * 501}, "assessment_note"),
        ({"result": "", "score": 50}, "assessment_result_missing"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            services.assessment_record(actor=course.instructor, enrollment=e, unit=u, **kwargs)
        assert exc.value.code == code and exc.value.message.id and exc.value.message.en
    foreign = CompetencyUnitFactory()
    with pytest.raises(ValidationFailed) as exc:
        record(course, e, foreign, K)
    assert exc.value.code == "unit_not_in_program"
    assert not Assessment.objects.exists()


def test_only_participants_of_a_running_program_are_assessed(course):
    published = factories.course(participants=0, status=P.PUBLISHED, units=1)
    applicant = EnrollmentFactory(program=published.program)
    with pytest.raises(Conflict) as exc:
        record(published, applicant, published.units[0], K)
    assert exc.value.code == "assessment_not_allowed" and "Pendaftar" in exc.value.message.id

    dropped = course.enrollments[2]
    training.enrollments_transition(actor=course.manager, program=course.program, enrollment_ids=[dropped.pk], action="drop_out")
    with pytest.raises(Conflict) as exc:
        record(course, refreshed(dropped), course.units[0], K)
    assert exc.value.code == "assessment_not_allowed"


# --- corrections after close, certificates ------------------------------------------------------

def test_correction_after_close_flips_graduated_and_not_passed_with_audit(course):
    e, (u1, u2) = course.enrollments[0], course.units
    record(course, e, u1, K)
    record(course, e, u2, K)
    close(course)
    assert refreshed(e).state == E.GRADUATED
    assert refreshed(course.enrollments[1]).state == E.NOT_PASSED  # never assessed

    record(course, refreshed(e), u2, BK, actor=course.manager)
    e1 = refreshed(e)
    assert (e1.state, e1.result, e1.reason) == (E.NOT_PASSED, "failed", "Tidak lulus penilaian.")
    event = AuditEvent.objects.get(action="enrollment.result_corrected", object_id=str(e.pk))
    assert event.before == {"state": E.GRADUATED, "result": "passed"}
    assert event.after["state"] == E.NOT_PASSED and event.after["result"] == "failed"
    assert event.reason

    record(course, e1, u2, K)
    e2 = refreshed(e)
    assert (e2.state, e2.result, e2.reason) == (E.GRADUATED, "passed", "")
    assert AuditEvent.objects.filter(action="enrollment.result_corrected", object_id=str(e.pk)).count() == 2

    # The not-assessed participant assessed late becomes an alumnus.
    late = course.enrollments[1]
    services.assessments_record_many(actor=course.instructor, program=course.program,
                                       entries=[(late.pk, u1.pk, K, 80, None), (late.pk, u2.pk, K, 75, None)])
    assert refreshed(late).state == E.GRADUATED


def test_refused_once_certified(course):
    e, (u1, u2) = course.enrollments[0], course.units
    record(course, e, u1, K)
    record(course, e, u2, K)
    certify(e, course.manager)
    with pytest.raises(Conflict) as exc:
        record(course, e, u2, BK)
    assert exc.value.code == "assessment_certified" and "sertifikat" in exc.value.message.id.lower()
    record(course, e, u2, K)  # saving the same value is not a change: no refusal
    assert Assessment.objects.get(enrollment=e, unit=u2).result == K
    row = next(r for r in selectors.assessment_grid(program=course.program).rows if r.enrollment_id == e.pk)
    assert row.certified and not row.editable


# --- bulk ---------------------------------------------------------------------------------------

def test_bulk_save_is_set_based_with_bounded_queries(regions, django_assert_max_num_queries):
    course = factories.course(participants=12, units=4)
    entries = [(e.pk, u.pk, K if i % 5 else BK, 70 + i % 30, None) for i, e in enumerate(course.enrollments) for u in course.units]
    actor = staff(Role.INSTRUCTOR, institution=course.inst)
    # 15: one more than before, marking the assessed enrollments (Enrollment.result_from_units) in one UPDATE.
    with django_assert_max_num_queries(15):
        result = services.assessments_record_many(actor=actor, program=course.program, entries=entries)
    assert (result.saved, result.cleared, result.unchanged) == (48, 0, 0)
    assert Assessment.objects.count() == 48
    results = dict(Enrollment.objects.filter(program=course.program).values_list("pk", "result"))
    assert results == {e.pk: ("failed" if i % 5 == 0 else "passed") for i, e in enumerate(course.enrollments)}
    assert AuditEvent.objects.filter(action="assessment.recorded").count() == 48

    # Changing everything again: updates are bulk too.
    entries = [(e.pk, u.pk, K, 90, "ok") for e in course.enrollments for u in course.units]
    with django_assert_max_num_queries(15):
        result = services.assessments_record_many(actor=actor, program=course.program, entries=entries)
    assert result.saved == 48 and set(result.overall.values()) == {K}
    assert set(Enrollment.objects.filter(program=course.program).values_list("result", flat=True)) == {"passed"}


def test_bulk_save_is_all_or_nothing(course):
    e1, e2, _ = course.enrollments
    u1, u2 = course.units
    certify(e2, course.manager)
    with pytest.raises(ValidationFailed) as exc:
        services.assessments_record_many(actor=course.instructor, program=course.program, entries=[
            (e1.pk, u1.pk, K, 80, None), (e1.pk, u2.pk, K, 150, None), (e2.pk, u1.pk, K, None, None), (999999, u1.pk, K, None, None),
        ])
    problems = {(p["enrollment"], p["unit"]): p["code"] for p in exc.value.details["problems"]}
    assert problems == {(e1.pk, u2.pk): "assessment_score", (e2.pk, u1.pk): "assessment_certified",
                        (999999, u1.pk): "enrollment_not_in_program"}
    assert "tidak ada yang disimpan" in exc.value.message.id and e1.person.full_name in exc.value.message.id
    assert not Assessment.objects.exists()


def test_bulk_refused_before_the_program_runs(regions):
    course = factories.course(participants=1, units=1, status=P.PUBLISHED)
    with pytest.raises(Conflict) as exc:
        services.assessments_record_many(actor=course.instructor, program=course.program,
                                           entries=[(course.enrollments[0].pk, course.units[0].pk, K, None, None)])
    assert exc.value.code == "program_not_running"


def test_grid_rows_and_overall(course, django_assert_max_num_queries):
    e1, e2, e3 = course.enrollments
    u1, u2 = course.units
    record(course, e1, u1, K)
    record(course, e1, u2, K, score=88)
    record(course, e2, u1, BK)
    with django_assert_max_num_queries(3):
        grid = selectors.assessment_grid(program=course.program)
        rows = {r.enrollment_id: r for r in grid.rows}
    assert [u.pk for u in grid.units] == sorted([u1.pk, u2.pk], key=lambda pk: CompetencyUnit.objects.get(pk=pk).code)
    assert rows[e1.pk].overall == K and rows[e2.pk].overall == BK and rows[e3.pk].overall == "pending"
    assert rows[e3.pk].overall_label == "Belum lengkap" and all(r.editable for r in rows.values())
    assert grid.counts() == {K: 1, BK: 1, "pending": 1}


def test_a_manual_result_cannot_override_the_unit_assessments_and_the_close_follows_the_units(course):
    """Found playing the whole job: the manager's "Hasil: tidak lulus" on a participant assessed competent in every
    unit made them "not passed" at the close (no certificate, and re-saving the same assessments changed nothing);
    "Hasil: lulus" on one assessed not yet competent made an alumnus (and the Rp600.000 incentive)."""
    units = list(course.program.competency_units.all())
    good, weak, unassessed = course.enrollments[:3]
    for unit in units:
        record(course, good, unit, K)
    record(course, weak, units[0], K)
    record(course, weak, units[1], BK)
    out = training.enrollments_set_result(actor=course.manager, program=course.program,
                                          enrollment_ids=[good.pk, weak.pk, unassessed.pk], result="failed")
    assert out.done == [unassessed.pk]
    assert {r.code for r in out.refused} == {"result_from_units"} and len(out.refused) == 2
    training.enrollments_set_result(actor=course.manager, program=course.program, enrollment_ids=[weak.pk], result="passed")
    close(course)
    assert (refreshed(good).state, refreshed(weak).state, refreshed(unassessed).state) == (E.GRADUATED, E.NOT_PASSED, E.NOT_PASSED)


def test_clearing_every_unit_gives_the_result_back_to_the_manager(course):
    unit = course.program.competency_units.first()
    e = course.enrollments[0]
    record(course, e, unit, K)
    assert refreshed(e).result_from_units
    record(course, e, unit, "")
    assert not refreshed(e).result_from_units
    assert training.enrollments_set_result(actor=course.manager, program=course.program, enrollment_ids=[e.pk], result="passed").done == [e.pk]
