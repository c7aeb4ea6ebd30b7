"""Assessment in a few actions (issue 9 §3): a program's assigned instructors (who may assess, the fallback
for programs with none assigned, the manager's choice validated), an instructor's programs on the home
page, "all competent" for the program / a unit / a participant filling only the empty cells, and the
start-date gate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sisnaker.accounts.models import RoleAssignment
from sisnaker.certification import domain, services
from sisnaker.certification.models import Assessment
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.training import selectors as training_selectors
from sisnaker.training import services as training
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Program
from tests.conftest import TODAY
from tests.training.test_services import fresh, make_institution, make_program, make_staff, program_data

from .test_assessment import BK, K, certify, close, make_course, refreshed

pytestmark = pytest.mark.django_db
START = TODAY - dt.timedelta(days=10)  # make_course's start date: the factories' running programs began 10 days ago


def cells(program) -> dict[tuple[int, int], str]:
    return {(a.enrollment_id, a.unit_id): a.result for a in Assessment.objects.filter(enrollment__program=program)}


# --- assigned instructors -------------------------------------------------------------------------

def test_assigned_instructors_and_managers_assess_other_instructors_do_not(signup_data):
    inst = make_institution()
    teacher = make_staff(None, Role.INSTRUCTOR, inst)
    course = make_course(signup_data, inst=inst, instructors=[teacher])
    unassigned = course.instructor  # an instructor of the same institution, not assigned
    e, u = course.enrollments[0], course.units[0]
    assert services.assessment_record(actor=teacher, enrollment=e, unit=u, result=K).assessed_by_id == teacher.pk
    assert services.assessment_record(actor=course.manager, enrollment=e, unit=u, result=BK).assessed_by_id == course.manager.pk
    with pytest.raises(PermissionDenied):
        services.assessment_record(actor=unassigned, enrollment=e, unit=u, result=K)
    for fill in ({}, {"unit_id": u.pk}, {"enrollment_id": e.pk}):
        with pytest.raises(PermissionDenied):
            services.assessments_fill_competent(actor=unassigned, program=course.program, **fill)
    with pytest.raises(PermissionDenied):
        services.assessments_record_many(actor=unassigned, program=course.program, entries=[(e.pk, u.pk, K, None, None)])


def test_a_program_with_no_assigned_instructor_is_assessed_by_every_instructor_of_the_institution(signup_data):
    course = make_course(signup_data)  # as programs created before assignment existed
    assert course.program.scope_instructor_ids() == set()
    another = make_staff(None, Role.INSTRUCTOR, course.inst)
    for actor in (course.instructor, another):
        services.assessment_record(actor=actor, enrollment=course.enrollments[0], unit=course.units[0], result=K)
    with pytest.raises(PermissionDenied):  # never an instructor of another institution
        services.assessment_record(actor=make_staff(None, Role.INSTRUCTOR, make_institution()), enrollment=course.enrollments[0],
                                   unit=course.units[0], result=K)


def test_the_manager_assigns_only_active_instructors_of_the_institution(regions):
    inst = make_institution()
    manager = make_staff(None, Role.INSTITUTION_MANAGER, inst)
    a, b = make_staff(None, Role.INSTRUCTOR, inst), make_staff(None, Role.INSTRUCTOR, inst)
    program = training.program_create(actor=manager, institution=inst, data=program_data(instructor_ids=(a.pk, b.pk)))
    assert program.scope_instructor_ids() == {a.pk, b.pk}
    created = AuditEvent.objects.get(action="program.created", object_id=str(program.pk))
    assert created.after["instructors"] == [a.pk, b.pk]

    outsider = make_staff(None, Role.INSTRUCTOR, make_institution())
    colleague_manager = make_staff(None, Role.INSTITUTION_MANAGER, inst)
    revoked = make_staff(None, Role.INSTRUCTOR, inst)
    RoleAssignment.objects.filter(user=revoked).update(is_active=False)  # no longer teaches there
    for wrong in (outsider, colleague_manager, fresh(revoked)):
        with pytest.raises(ValidationFailed) as exc:
            training.program_update(actor=manager, program=program, data=program_data(instructor_ids=(a.pk, wrong.pk)))
        assert exc.value.code == "program_instructors" and exc.value.field == "instructors"
    with pytest.raises(ValidationFailed):
        training.program_update(actor=manager, program=program, data=program_data(instructor_ids=(a.pk, 2**70)))
    assert program.scope_instructor_ids() == {a.pk, b.pk}  # nothing half-saved

    training.program_update(actor=manager, program=program, data=program_data(title="Judul yang baru"))  # None keeps them
    assert Program.objects.get(pk=program.pk).scope_instructor_ids() == {a.pk, b.pk}
    training.program_update(actor=manager, program=program, data=program_data(instructor_ids=(b.pk,)))
    assert Program.objects.get(pk=program.pk).scope_instructor_ids() == {b.pk}
    updated = AuditEvent.objects.filter(action="program.updated", object_id=str(program.pk)).order_by("pk").last()
    assert (updated.before["instructors"], updated.after["instructors"]) == ([a.pk, b.pk], [b.pk])


def test_an_instructor_sees_the_programs_they_teach_not_only_those_closing_soon(signup_data):
    inst = make_institution()
    manager = make_staff(None, Role.INSTITUTION_MANAGER, inst)
    me, colleague = make_staff(None, Role.INSTRUCTOR, inst), make_staff(None, Role.INSTRUCTOR, inst)
    long_one = make_course(signup_data, inst=inst, manager=manager, participants=1, instructors=[me])
    # Ends in about 60 days: not in the "closing within 30 days" overview, yet taught now.
    Program.objects.filter(pk=long_one.program.pk).update(end_date=TODAY + dt.timedelta(days=60))
    open_to_all = make_course(signup_data, inst=inst, manager=manager, participants=0)
    theirs = make_course(signup_data, inst=inst, manager=manager, participants=0, instructors=[colleague])
    upcoming = make_program(manager, inst, instructor_ids=(me.pk,))
    draft = make_program(manager, inst, status=P.DRAFT, instructor_ids=(me.pk,))
    elsewhere = make_course(signup_data, participants=0)

    taught = training_selectors.programs_taught(user=me, today=TODAY)
    ids = [p.pk for p in taught]
    assert set(ids) == {long_one.program.pk, open_to_all.program.pk, upcoming.pk}
    assert ids[-1] == upcoming.pk  # running ones first
    assert theirs.program.pk not in ids and draft.pk not in ids and elsewhere.program.pk not in ids
    assert {p.pk: p.participants for p in taught}[long_one.program.pk] == 1
    assert training_selectors.programs_taught(user=manager, today=TODAY) == []


# --- "all competent" --------------------------------------------------------------------------------

def test_all_competent_fills_only_the_empty_cells_and_keeps_not_yet_competent(signup_data):
    course = make_course(signup_data, participants=3, units=3)
    (e1, e2, e3), (u1, u2, _u3) = course.enrollments, course.units
    services.assessments_record_many(actor=course.instructor, program=course.program,
                                     entries=[(e1.pk, u1.pk, BK, 40, "Belum rapi"), (e2.pk, u2.pk, K, 90, None)])
    before = AuditEvent.objects.filter(action="assessment.recorded").count()
    result = services.assessments_fill_competent(actor=course.instructor, program=course.program)
    assert (result.saved, result.kept) == (7, 2)
    got = cells(course.program)
    assert got[(e1.pk, u1.pk)] == BK and len(got) == 9 and list(got.values()).count(K) == 8
    kept = Assessment.objects.get(enrollment=e1, unit=u1)
    assert (kept.score, kept.note) == (40, "Belum rapi")
    assert AuditEvent.objects.filter(action="assessment.recorded").count() == before + 7  # one row per cell filled
    assert refreshed(e1).result == "failed" and refreshed(e2).result == "passed" and refreshed(e3).result == "passed"
    # Pressing it again changes nothing.
    again = services.assessments_fill_competent(actor=course.instructor, program=course.program)
    assert (again.saved, again.kept) == (0, 9)


def test_all_competent_for_one_unit_and_for_one_participant(signup_data):
    course = make_course(signup_data, participants=3, units=3)
    (e1, e2, e3), (_u1, u2, _u3) = course.enrollments, course.units
    services.assessment_record(actor=course.instructor, enrollment=e2, unit=u2, result=BK)
    result = services.assessments_fill_competent(actor=course.instructor, program=course.program, unit_id=u2.pk)
    assert (result.saved, result.kept) == (2, 1)
    assert cells(course.program) == {(e1.pk, u2.pk): K, (e2.pk, u2.pk): BK, (e3.pk, u2.pk): K}
    result = services.assessments_fill_competent(actor=course.manager, program=course.program, enrollment_id=e3.pk)
    assert (result.saved, result.kept) == (2, 1)
    assert {k: v for k, v in cells(course.program).items() if k[0] == e3.pk} == {(e3.pk, u.pk): K for u in course.units}
    assert refreshed(e3).result == "passed" and refreshed(e1).result == "pending"
    with pytest.raises(NotFound):  # a unit of another program
        services.assessments_fill_competent(actor=course.instructor, program=course.program,
                                            unit_id=make_course(signup_data, participants=0).units[0].pk)
    with pytest.raises(NotFound):  # someone else's enrollment
        services.assessments_fill_competent(actor=course.instructor, program=course.program,
                                            enrollment_id=make_course(signup_data, participants=1).enrollments[0].pk)


def test_all_competent_leaves_certified_rows_alone_and_refuses_one(signup_data):
    course = make_course(signup_data, participants=2, units=2)
    (e1, e2), (_u1, u2) = course.enrollments, course.units
    for u in course.units:
        services.assessment_record(actor=course.instructor, enrollment=e1, unit=u, result=K)
    close(course)
    certify(refreshed(e1), course.manager)
    Assessment.objects.filter(enrollment=e1, unit=u2).delete()  # as if the unit was added to the program later
    result = services.assessments_fill_competent(actor=course.manager, program=course.program)
    assert result.saved == 2  # e2 (not passed): a correction after the close
    assert not Assessment.objects.filter(enrollment=e1, unit=u2).exists()
    assert refreshed(e2).state == "graduated"
    with pytest.raises(Conflict) as exc:
        services.assessments_fill_competent(actor=course.manager, program=course.program, enrollment_id=e1.pk)
    assert exc.value.code == "assessment_certified"


def test_all_competent_is_set_based(signup_data):
    def queries(n: int) -> int:
        course = make_course(signup_data, participants=n, units=3)
        with CaptureQueriesContext(connection) as ctx:
            assert services.assessments_fill_competent(actor=course.instructor, program=course.program).saved == 3 * n
        return len(ctx.captured_queries)

    assert queries(2) == queries(8)


def test_all_competent_refused_in_a_program_not_running(signup_data):
    course = make_course(signup_data, participants=0, status=P.PUBLISHED)
    with pytest.raises(Conflict) as exc:
        services.assessments_fill_competent(actor=course.instructor, program=course.program)
    assert exc.value.code == "program_not_running"


# --- the start date -------------------------------------------------------------------------------

def test_assessment_opens_on_the_start_date_even_when_started_earlier(signup_data):
    course = make_course(signup_data, participants=1, units=1)
    e, u = course.enrollments[0], course.units[0]
    early = START - dt.timedelta(days=1)
    for call in (
        lambda: services.assessment_record(actor=course.instructor, enrollment=e, unit=u, result=K, today=early),
        lambda: services.assessments_record_many(actor=course.instructor, program=course.program, entries=[(e.pk, u.pk, K, None, None)],
                                                 today=early),
        lambda: services.assessments_fill_competent(actor=course.instructor, program=course.program, today=early),
    ):
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.code == "assessment_not_open"
        assert "dibuka pada tanggal mulai program" in exc.value.message.id and str(START.year) in exc.value.message.en
    assert not Assessment.objects.exists()
    assert services.assessment_record(actor=course.instructor, enrollment=e, unit=u, result=K, today=START) is not None


def test_assessment_opens_blocker_is_pure():
    start = dt.date(2026, 12, 3)
    assert domain.assessment_opens_blocker(start_date=start, today=start) is None
    assert domain.assessment_opens_blocker(start_date=start, today=start + dt.timedelta(days=400)) is None
    msg = domain.assessment_opens_blocker(start_date=start, today=start - dt.timedelta(days=1))
    assert "3 Desember 2026" in msg.id and "3 December 2026" in msg.en
    assert domain.fill_competent(enrollment_ids=[1, 2], unit_ids=[7, 8], assessed={(1, 7)}) == [
        domain.Entry(1, 8, K), domain.Entry(2, 7, K), domain.Entry(2, 8, K)]


# --- pages ------------------------------------------------------------------------------------------

def test_the_fill_buttons_post_once_and_return_to_the_grid(client, signup_data):
    course = make_course(signup_data, participants=2, units=2)
    (e1, e2), (u1, u2) = course.enrollments, course.units
    services.assessment_record(actor=course.instructor, enrollment=e1, unit=u1, result=BK)
    client.force_login(course.instructor)
    grid = reverse("certification:assess", args=(course.program.pk,))
    html = client.get(grid).content.decode()
    fill = reverse("certification:assess_fill", args=(course.program.pk,))
    assert f'action="{fill}"' in html and 'value="all"' in html and f'value="unit-{u2.pk}"' in html and f'value="row-{e2.pk}"' in html
    assert "isi sel kosong" in html
    response = client.post(fill, {"target": f"unit-{u2.pk}"}, follow=True)
    assert response.redirect_chain[-1][0] == grid
    assert "2 sel kosong diisi Kompeten" in response.content.decode()
    assert cells(course.program) == {(e1.pk, u1.pk): BK, (e1.pk, u2.pk): K, (e2.pk, u2.pk): K}
    client.post(fill, {"target": "all"})
    assert cells(course.program)[(e1.pk, u1.pk)] == BK and cells(course.program)[(e2.pk, u1.pk)] == K
    response = client.post(fill, {"target": "bogus"}, follow=True)
    assert "tidak dikenal" in response.content.decode()
    assert client.get(fill).status_code == 405


def test_the_fill_page_is_refused_to_unassigned_instructors_and_others(client, signup_data):
    inst = make_institution()
    teacher = make_staff(None, Role.INSTRUCTOR, inst)
    course = make_course(signup_data, participants=1, inst=inst, instructors=[teacher])
    fill = reverse("certification:assess_fill", args=(course.program.pk,))
    assert client.post(fill, {"target": "all"}).status_code == 302  # log in first
    for user in (course.instructor, make_staff(None, Role.INSTITUTION_MANAGER, make_institution())):
        client.force_login(user)
        assert client.post(fill, {"target": "all"}).status_code == 403
        assert client.get(reverse("certification:assess", args=(course.program.pk,))).status_code == 403
    assert not Assessment.objects.exists()
    client.force_login(teacher)
    assert client.post(fill, {"target": "all"}).status_code == 302 and Assessment.objects.count() == 2


def test_the_grid_says_when_assessment_opens(client, signup_data):
    course = make_course(signup_data, participants=1, units=1)
    Program.objects.filter(pk=course.program.pk).update(start_date=TODAY + dt.timedelta(days=3000),
                                                        end_date=TODAY + dt.timedelta(days=3010))
    client.force_login(course.instructor)
    html = client.get(reverse("certification:assess", args=(course.program.pk,))).content.decode()
    assert 'id="assess-not-open"' in html and "dibuka pada tanggal mulai program" in html
    assert 'id="fill-all"' not in html and " disabled" in html
    response = client.post(reverse("certification:assess_fill", args=(course.program.pk,)), {"target": "all"}, follow=True)
    assert "dibuka pada tanggal mulai program" in response.content.decode() and not Assessment.objects.exists()


def test_an_instructor_opens_a_program_from_home_in_one_click(client, signup_data):
    inst = make_institution()
    me = make_staff(None, Role.INSTRUCTOR, inst)
    course = make_course(signup_data, participants=1, inst=inst, instructors=[me])
    client.force_login(me)
    html = client.get("/").content.decode()
    grid = reverse("certification:assess", args=(course.program.pk,))
    assert "Program yang saya ajar" in html and f'href="{grid}"' in html and course.program.title in html
    client.force_login(course.instructor)  # not assigned: the program is not theirs
    assert f'href="{grid}"' not in client.get("/").content.decode()


def test_the_program_form_assigns_instructors(client, signup_data):
    inst = make_institution()
    manager = make_staff(None, Role.INSTITUTION_MANAGER, inst)
    a, b = make_staff(None, Role.INSTRUCTOR, inst), make_staff(None, Role.INSTRUCTOR, inst)
    outsider = make_staff(None, Role.INSTRUCTOR, make_institution())
    program = make_program(manager, inst, instructor_ids=(a.pk,))
    client.force_login(manager)
    url = reverse("training:program_edit", args=(program.pk,))
    html = client.get(url).content.decode()
    assert 'name="instructors"' in html and f'value="{a.pk}"' in html and f'value="{b.pk}"' in html
    assert f'value="{outsider.pk}"' not in html
    data = {name: getattr(program, name) for name in ("title", "hours", "start_date", "end_date", "registration_opens",
                                                      "registration_closes", "quota", "mode", "funding", "selection_method")}
    data |= {"vocational_field": program.vocational_field_id, "province": "32", "regency": "32.73", "fee": 0,
             "instructors": [b.pk], "description": "", "dipa_reference": "", "min_education": ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Program.objects.get(pk=program.pk).scope_instructor_ids() == {b.pk}
    response = client.post(url, data | {"instructors": [outsider.pk]})
    assert response.status_code == 400
    assert Program.objects.get(pk=program.pk).scope_instructor_ids() == {b.pk}


def test_the_api_assigns_instructors(client, signup_data):
    inst = make_institution()
    manager = make_staff(None, Role.INSTITUTION_MANAGER, inst)
    a = make_staff(None, Role.INSTRUCTOR, inst)
    program = make_program(manager, inst)
    client.force_login(manager)
    url = f"/api/v1/training/programs/{program.pk}"
    response = client.patch(url, {"instructor_ids": [a.pk]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["instructor_ids"] == [a.pk]
    response = client.patch(url, {"title": "Judul lain sekali"}, content_type="application/json")
    assert response.json()["instructor_ids"] == [a.pk]  # not named: kept
    response = client.patch(url, {"instructor_ids": [manager.pk]}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "program_instructors"
    response = client.patch(url, {"instructor_ids": []}, content_type="application/json")
    assert response.json()["instructor_ids"] == []
