"""Reviews: the participant themself, once per enrollment, rating 1–5, text of at least 20 characters,
only as participant of a running program or alumnus/not passed, an instructor of the institution;
and the rating aggregates (one query for a page of programs)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from sisnaker.certification import selectors, services
from sisnaker.certification.models import Review
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.training import services as training
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from tests import factories
from tests.factories import EnrollmentFactory, InstitutionFactory, PersonFactory, staff
from tests.training.test_services import user_of

from .test_assessment import close, refreshed

pytestmark = pytest.mark.django_db
TEXT = "Materinya jelas dan praktik bengkelnya banyak sekali."


def submit(course, i=0, *, actor=None, rating=5, text=TEXT, **kw):
    e = course.enrollments[i]
    return services.review_submit(actor=actor or user_of(course.people[i]), enrollment=e, rating=rating, text=text,
                                    now=timezone.now(), **kw)


@pytest.fixture
def course(regions):
    return factories.course()


def test_participant_reviews_once(course):
    review = submit(course, rating=4, instructor=course.instructor, instructor_rating=5)
    assert (review.rating, review.text, review.instructor_id, review.instructor_rating) == (4, TEXT, course.instructor.pk, 5)
    event = AuditEvent.objects.get(action="review.submitted")
    assert event.after["rating"] == 4 and event.after["enrollment"] == course.enrollments[0].pk
    with pytest.raises(Conflict) as exc:
        submit(course, rating=1)
    assert exc.value.code == "review_exists" and "sekali" in exc.value.message.id
    assert Review.objects.count() == 1


def test_only_the_participant_themself(course):
    for actor in (user_of(course.people[1]), PersonFactory().user, course.manager, course.instructor):
        with pytest.raises(PermissionDenied):
            submit(course, actor=actor)
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1, True, "5", None])
def test_rating_bounds(course, rating):
    with pytest.raises(ValidationFailed) as exc:
        submit(course, rating=rating)
    assert exc.value.field == "rating"


def test_text_needs_twenty_characters(course):
    with pytest.raises(ValidationFailed) as exc:
        submit(course, text="   Bagus sekali!!   ")  # 14 characters once trimmed
    assert exc.value.code == "review_text_short" and exc.value.field == "text" and "14" in exc.value.message.id
    with pytest.raises(ValidationFailed) as exc:
        submit(course, text="x" * 5001)
    assert exc.value.code == "review_text_long"
    assert submit(course, text="  " + "a" * 20 + "  ").text == "a" * 20


def test_instructor_must_belong_to_the_institution(course):
    outsider = staff(Role.INSTRUCTOR)
    with pytest.raises(ValidationFailed) as exc:
        submit(course, instructor=outsider, instructor_rating=4)
    assert exc.value.field == "instructor"
    with pytest.raises(ValidationFailed) as exc:
        submit(course, instructor=course.manager, instructor_rating=4)  # a manager, not an instructor
    assert exc.value.field == "instructor"
    with pytest.raises(ValidationFailed) as exc:
        submit(course, instructor=course.instructor)  # no rating for the instructor
    assert exc.value.field == "instructor_rating"
    with pytest.raises(ValidationFailed) as exc:
        submit(course, instructor_rating=3)  # a rating without an instructor
    assert exc.value.field == "instructor"
    assert not Review.objects.exists()


def test_only_the_instructors_who_teach_the_program_are_rated(course):
    """Found by trying it: the review offered (and saved a rating of) every instructor of the institution, also one
    who never taught this program."""
    colleague = staff(Role.INSTRUCTOR, institution=course.program.institution)
    # None assigned: every instructor of the institution may be rated (programs from before assignment).
    assert {u.pk for u in selectors.program_instructors(program=course.program)} >= {course.instructor.pk, colleague.pk}
    course.program.instructors.set([course.instructor])
    assert [u.pk for u in selectors.program_instructors(program=course.program)] == [course.instructor.pk]
    with pytest.raises(ValidationFailed) as exc:
        submit(course, instructor=colleague, instructor_rating=1)
    assert (exc.value.code, exc.value.field) == ("review_instructor", "instructor")
    assert submit(course, instructor=course.instructor, instructor_rating=5).instructor_id == course.instructor.pk


def test_wrong_states_are_refused_with_a_reason(course):
    published = factories.course(participants=1, status=P.PUBLISHED)
    with pytest.raises(Conflict) as exc:
        submit(published)  # accepted participant, training not started yet
    assert exc.value.code == "review_not_allowed" and "dimulai" in exc.value.message.id
    applicant = EnrollmentFactory(program=published.program)
    applicant_person = applicant.person
    with pytest.raises(Conflict) as exc:
        services.review_submit(actor=user_of(applicant_person), enrollment=applicant, rating=5, text=TEXT, now=timezone.now())
    assert exc.value.code == "review_not_allowed" and "Pendaftar" in exc.value.message.id

    dropped = course.enrollments[2]
    training.enrollments_transition(actor=course.manager, program=course.program, enrollment_ids=[dropped.pk], action="drop_out")
    with pytest.raises(Conflict) as exc:
        submit(course, 2)
    assert exc.value.code == "review_not_allowed"


def test_alumni_and_not_passed_may_review_after_close(course):
    e = course.enrollments[0]
    for u in course.units:
        services.assessment_record(actor=course.instructor, enrollment=e, unit=u, result="competent")
    close(course)
    assert refreshed(e).state == E.GRADUATED and refreshed(course.enrollments[1]).state == E.NOT_PASSED
    course.enrollments = [refreshed(x) for x in course.enrollments]
    assert submit(course, 0).rating == 5
    assert submit(course, 1, rating=2).rating == 2


# --- ratings ------------------------------------------------------------------------------------

def test_rating_aggregates(course, django_assert_num_queries):
    assert selectors.program_rating(course.program) is None
    submit(course, 0, rating=4)
    submit(course, 1, rating=4)
    submit(course, 2, rating=5)
    other = factories.course(participants=1, inst=course.inst, manager=course.manager)
    submit(other, 0, rating=2)
    empty = factories.course(participants=0, inst=course.inst, manager=course.manager)

    r = selectors.program_rating(course.program)
    assert (r.average, r.count, r.stars) == (Decimal("4.3"), 3, 4)  # 13/3 = 4.33
    inst = selectors.institution_rating(course.inst)
    assert (inst.average, inst.count) == (Decimal("3.8"), 4)  # 15/4 = 3.75, rounded half up
    assert selectors.institution_rating(InstitutionFactory()) is None
    with django_assert_num_queries(1):
        many = selectors.ratings_for_programs([course.program.pk, other.program.pk, empty.program.pk])
    assert set(many) == {course.program.pk, other.program.pk}
    assert many[other.program.pk].average == Decimal("2.0")
    assert selectors.ratings_for_programs([]) == {}
    assert selectors.instructor_rating(course.instructor) is None
