"""Reassigning a program's instructors while it runs (issue 9 §3: an instructor falls ill): the manager's
service (permission, only active instructors of the institution, audit before → after, closed programs
refused), its page from the program page, and what it changes: the removed instructor can no longer open
or assess the grid, the new one finds the program on their home page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sisnaker.certification import services as certification
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.training import services
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Program
from tests.conftest import TODAY
from tests.factories import InstitutionFactory, course, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    """A running program taught by one assigned instructor ("ill"), a colleague ready to take over."""
    inst = InstitutionFactory()
    ill = staff(Role.INSTRUCTOR, institution=inst, first_name="Budi Sakit")
    c = course(participants=2, units=1, inst=inst, instructors=[ill])
    c.ill, c.colleague = ill, staff(Role.INSTRUCTOR, institution=inst, first_name="Sari Pengganti")
    return c


def assigned(program: Program) -> set[int]:
    return set(Program.objects.get(pk=program.pk).instructors.values_list("pk", flat=True))


def test_the_manager_swaps_the_ill_instructor_on_a_running_program(running):
    assert running.program.status == P.RUNNING
    services.program_instructors_set(actor=running.manager, program=running.program, instructor_ids=(running.colleague.pk,),
                                     reason="Instruktur sakit")
    assert assigned(running.program) == {running.colleague.pk}
    event = AuditEvent.objects.get(action="program.instructors_changed", object_id=str(running.program.pk))
    assert event.before == {"instructors": [running.ill.pk], "instructor_names": "Budi Sakit"}
    assert event.after == {"instructors": [running.colleague.pk], "instructor_names": "Sari Pengganti"}
    assert event.reason == "Instruktur sakit" and event.actor_id == running.manager.pk
    # The same set again: nothing changes, nothing is recorded.
    services.program_instructors_set(actor=running.manager, program=running.program, instructor_ids=(running.colleague.pk,))
    assert AuditEvent.objects.filter(action="program.instructors_changed").count() == 1


def test_the_removed_instructor_can_no_longer_assess_and_the_new_one_can(running):
    enrollment, unit = running.enrollments[0], running.units[0]
    certification.assessment_record(actor=running.ill, enrollment=enrollment, unit=unit, result="competent", today=TODAY)
    services.program_instructors_set(actor=running.manager, program=running.program, instructor_ids=(running.colleague.pk,))
    with pytest.raises(PermissionDenied):
        certification.assessment_record(actor=running.ill, enrollment=running.enrollments[1], unit=unit, result="competent",
                                        today=TODAY)
    certification.assessment_record(actor=running.colleague, enrollment=running.enrollments[1], unit=unit,
                                    result="not_yet_competent", today=TODAY)


def test_only_active_instructors_of_the_institution(running):
    other_inst = InstitutionFactory()
    outsider = staff(Role.INSTRUCTOR, institution=other_inst)
    for ids in ((outsider.pk,), (running.manager.pk,), (running.colleague.pk, 2**70)):
        with pytest.raises(ValidationFailed) as exc:
            services.program_instructors_set(actor=running.manager, program=running.program, instructor_ids=ids)
        assert exc.value.code == "program_instructors" and exc.value.field == "instructors"
    running.colleague.is_active = False
    running.colleague.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed):
        services.program_instructors_set(actor=running.manager, program=running.program, instructor_ids=(running.colleague.pk,))
    assert assigned(running.program) == {running.ill.pk}
    assert not AuditEvent.objects.filter(action="program.instructors_changed").exists()


def test_only_the_programs_managers_and_not_once_it_closed(running):
    for actor in (running.ill, running.colleague, staff(Role.INSTITUTION_MANAGER, institution=InstitutionFactory())):
        with pytest.raises(PermissionDenied):
            services.program_instructors_set(actor=actor, program=running.program, instructor_ids=(running.colleague.pk,))
    Program.objects.filter(pk=running.program.pk).update(status=P.CLOSED)
    with pytest.raises(Conflict) as exc:
        services.program_instructors_set(actor=running.manager, program=running.program, instructor_ids=(running.colleague.pk,))
    assert exc.value.code == "program_instructors_locked"
    assert assigned(running.program) == {running.ill.pk}


def test_none_assigned_opens_the_grid_to_every_instructor_of_the_institution(running):
    services.program_instructors_set(actor=running.manager, program=running.program, instructor_ids=())
    assert assigned(running.program) == set()
    certification.assessment_record(actor=running.colleague, enrollment=running.enrollments[0], unit=running.units[0],
                                    result="competent", today=TODAY)


def test_the_page_from_the_program_page_to_the_grid_and_home(client, running):
    manage = reverse("training:manage", args=(running.program.pk,))
    page = reverse("training:program_instructors", args=(running.program.pk,))
    grid = reverse("certification:assess", args=(running.program.pk,))
    client.force_login(running.manager)
    html = client.get(manage).content.decode()
    assert page in html and "Budi Sakit" in html
    html = client.get(page).content.decode()
    assert "Sari Pengganti" in html and 'name="instructors"' in html
    response = client.post(page, {"instructors": [str(running.ill.pk), "999999"]})
    assert response.status_code == 400 and assigned(running.program) == {running.ill.pk}
    response = client.post(page, {"instructors": [str(running.colleague.pk)], "reason": "sakit"})
    assert response.status_code == 302 and response["Location"] == manage
    assert assigned(running.program) == {running.colleague.pk}
    assert "Sari Pengganti" in client.get(manage).content.decode()

    client.force_login(running.ill)
    assert client.get(grid).status_code == 403
    assert grid not in client.get("/").content.decode()
    client.force_login(running.colleague)
    assert grid in client.get("/").content.decode()
    assert client.get(grid).status_code == 200

    # Others may not open the page.
    client.force_login(running.colleague)
    assert client.get(page).status_code == 403


def test_the_page_of_a_closed_program_says_why_and_the_program_page_offers_no_link(client, running):
    Program.objects.filter(pk=running.program.pk).update(status=P.CLOSED)
    client.force_login(running.manager)
    page = reverse("training:program_instructors", args=(running.program.pk,))
    assert page not in client.get(reverse("training:manage", args=(running.program.pk,))).content.decode()
    html = client.get(page).content.decode()
    assert "tidak dapat diganti" in html and 'name="instructors"' not in html
    response = client.post(page, {"instructors": [str(running.colleague.pk)]})
    assert response.status_code == 400 and "tidak dapat diganti" in response.content.decode()
