"""A NIK typed by staff is never a key to someone's data (issue 7 §2): the staff look-up service, "add by
NIK" (service, page, API), the notice to a person enrolled by someone else and their "not me"
withdrawal, and staff of another institution never opening the record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sisnaker.accounts.models import Person
from sisnaker.accounts.services import person_match_for_staff
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.notifications.models import Notification
from sisnaker.regions.nik import mask
from sisnaker.training import domain, services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment
from sisnaker.training.spreadsheets import writing
from tests.conftest import TODAY
from tests.factories import PersonFactory, staff
from tests.training.test_import import do_import, manager_and_institution, program_for, row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(regions):
    manager, institution = manager_and_institution()
    return manager, institution, program_for(institution)


def record(manager, program, person, **kw):
    values = {"nik": person.nik, "full_name": person.full_name, "birth_date": person.birth_date, "today": TODAY} | kw
    return services.enrollment_record_by_nik(actor=manager, program=program, **values)


# --- the look-up service ---------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "outcome"), [
    ({}, "matched"),
    ({"full_name": "Dra. SITI RAHMAWATI, S.Pd."}, "matched"),
    ({"full_name": "Siti Rahmawanti"}, "mismatch"),
    ({"birth_date": dt.date(1995, 5, 18)}, "mismatch"),
    ({"birth_date": None}, "mismatch"),
    ({"nik": "3273011705959999"}, "not_found"),
])
def test_look_up_returns_the_person_only_when_all_three_match_and_always_records_it(setup, citizen, typed, outcome):
    manager, _, program = setup
    values = {"nik": citizen.nik, "full_name": citizen.full_name, "birth_date": citizen.birth_date} | typed
    found = person_match_for_staff(actor=manager, purpose="uji", on=program, **values)
    assert found == (citizen if outcome == "matched" else None)
    event = AuditEvent.objects.get(action="person.looked_up")
    assert event.actor_id == manager.pk and event.after == {"outcome": outcome, "purpose": "uji", "nik": mask(values["nik"])}
    assert event.object_id == ("" if outcome == "not_found" else str(citizen.pk))
    assert values["nik"] not in f"{event.after} {event.before} {event.reason} {event.object_label}"


def test_look_up_needs_the_staff_permission_it_serves(setup, citizen):
    _, institution, program = setup
    other_manager, _ = manager_and_institution()
    for actor in (other_manager, staff(Role.INSTRUCTOR, institution=institution), staff(Role.CITIZEN)):
        with pytest.raises(PermissionDenied):
            person_match_for_staff(actor=actor, nik=citizen.nik, full_name=citizen.full_name, birth_date=citizen.birth_date,
                                   purpose="uji", on=program)
    assert not AuditEvent.objects.filter(action="person.looked_up").exists()


# --- add by NIK --------------------------------------------------------------------------------------

def test_add_by_nik_refuses_unknown_and_mismatched_alike_and_keeps_the_record_of_the_look_up(setup, citizen):
    manager, _, program = setup
    answers = []
    for typed in ({"nik": "3273011705959999"}, {"full_name": "Budi Santoso"}, {"birth_date": dt.date(1990, 1, 1)}):
        with pytest.raises(NotFound) as exc:
            record(manager, program, citizen, **typed)
        answers.append((exc.value.code, exc.value.field, exc.value.message))
    assert len(set(answers)) == 1 and answers[0][:2] == ("person_not_found", "nik")
    assert citizen.full_name not in answers[0][2].id + answers[0][2].en
    assert not Enrollment.objects.exists()
    # Refused, yet every look-up is on record.
    assert list(AuditEvent.objects.filter(action="person.looked_up").order_by("pk").values_list("after__outcome", flat=True)) == [
        "not_found", "mismatch", "mismatch"]


def test_a_matched_look_up_stays_recorded_when_the_enrollment_itself_is_refused(setup, citizen):
    manager, _, program = setup
    record(manager, program, citizen)
    with pytest.raises(Conflict):
        record(manager, program, citizen)  # already registered
    assert AuditEvent.objects.filter(action="person.looked_up", after__outcome="matched").count() == 2


def test_before_this_fix_the_nik_alone_was_enough(setup, citizen):
    """The defect: the page and the API enrolled whoever had the NIK. The name is now part of the key."""
    manager, _, program = setup
    with pytest.raises(NotFound):
        record(manager, program, citizen, full_name="Siapa Saja")
    enrollment = record(manager, program, citizen, full_name="siti  rahmawati")
    assert enrollment.person_id == citizen.pk and enrollment.source == Enrollment.Source.MANAGER


# --- the person is told, and can say "not me" -----------------------------------------------------

def test_a_person_with_an_account_is_told_after_commit_with_a_link_to_withdraw(setup, citizen, django_capture_on_commit_callbacks,
                                                                               mailoutbox, settings):
    manager, institution, program = setup
    settings.SISNAKER_PUBLIC_URL = "https://sisnaker.example.go.id"
    citizen.email = "siti@contoh.id"
    citizen.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record(manager, program, citizen)
    assert callbacks  # sent only once the enrollment is committed
    notes = Notification.objects.filter(person=citizen, topic=f"enrolled_by_other:{program.pk}")
    assert {n.channel for n in notes} == {"email", "sms"} and {n.status for n in notes} == {"queued"}
    text = notes.get(channel="email").body
    assert f"\"{program.title}\" di {institution.name} oleh" in text and "Bukan Anda atau tidak setuju?" in text
    assert "https://sisnaker.example.go.id" + reverse("my_trainings") in text
    for callback in callbacks:
        callback()
    assert set(notes.values_list("status", flat=True)) == {"sent"} and len(mailoutbox) == 1


def test_nobody_is_told_about_their_own_registration_or_a_person_without_account(setup, citizen, signup_data):
    manager, _, program = setup
    services.enrollment_register(actor=citizen.user, program=program, person=citizen, today=TODAY)
    report = do_import(manager, program, xlsx([row()]))
    assert report.created == 1 and not Notification.objects.exists()


def test_an_import_tells_people_with_an_account_in_one_go(setup, django_assert_max_num_queries):
    manager, _, program = setup
    people = [PersonFactory(full_name=f"Warga Nomor {i}") for i in range(5)]
    rows = [row(nik=p.nik, full_name=p.full_name, birth_date=p.birth_date.isoformat()) for p in people] + [row()]
    report = do_import(manager, program, xlsx(rows))
    assert report.created == 6 and report.people_created == 1
    told = set(Notification.objects.filter(topic=f"enrolled_by_other:{program.pk}").values_list("person_id", flat=True))
    assert told == {p.pk for p in people}


def test_not_me_withdraws_an_enrollment_made_by_others_even_while_the_program_runs(setup, citizen):
    manager, _, program = setup
    enrollment = record(manager, program, citizen, as_participant=True)
    program = services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    assert program.status == P.RUNNING
    with pytest.raises(Conflict):  # an ordinary withdrawal of a running participant is refused
        services.enrollment_withdraw_self(actor=citizen.user, enrollment=enrollment, reason="")
    out = services.enrollment_withdraw_self(actor=citizen.user, enrollment=enrollment, reason="Saya tidak kenal lembaga ini",
                                            not_me=True)
    assert out.state == E.WITHDRAWN and "bukan dia yang mendaftar" in out.reason and "tidak kenal" in out.reason
    event = AuditEvent.objects.get(action="enrollment.withdrawn_not_me", object_id=str(enrollment.pk))
    assert event.actor_id == citizen.user_id and event.reason == "Saya tidak kenal lembaga ini"
    assert event.after == {"state": E.WITHDRAWN, "not_me": True, "source": "manager"}


def test_not_me_does_not_stretch_a_self_registration(setup, citizen):
    manager, _, program = setup
    enrollment = services.enrollment_register(actor=citizen.user, program=program, person=citizen, today=TODAY)
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[enrollment.pk], action="accept")
    services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    with pytest.raises(Conflict):
        services.enrollment_withdraw_self(actor=citizen.user, enrollment=enrollment, not_me=True)
    assert domain.self_withdraw_next_state(state=E.PARTICIPANT, program_status=P.RUNNING, by_others=True, not_me=True) == E.WITHDRAWN
    with pytest.raises(Conflict):
        domain.self_withdraw_next_state(state=E.GRADUATED, program_status=P.CLOSED, by_others=True, not_me=True)


def test_the_my_trainings_page_offers_and_records_not_me(client, setup, citizen):
    manager, institution, program = setup
    report = do_import(manager, program, xlsx([row(nik=citizen.nik, full_name=citizen.full_name, status="peserta")]))
    enrollment = Enrollment.objects.get(person=citizen)
    assert report.created == 1 and enrollment.source == "import"
    services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    client.force_login(citizen.user)
    page = client.get(reverse("my_trainings")).content.decode()
    assert "Bukan saya yang mendaftar" in page and 'name="not_me"' in page
    response = client.post(reverse("training:withdraw", args=[enrollment.pk]), {"not_me": "1", "reason": "bukan saya"}, follow=True)
    assert response.status_code == 200 and "sudah mengundurkan diri" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.state == E.WITHDRAWN
    assert AuditEvent.objects.filter(action="enrollment.withdrawn_not_me", object_id=str(enrollment.pk)).exists()


def test_not_me_over_the_api(client, setup, citizen):
    manager, _, program = setup
    enrollment = record(manager, program, citizen)
    client.force_login(citizen.user)
    response = client.post(f"/api/v1/training/enrollments/{enrollment.pk}/withdraw", {"not_me": True},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert AuditEvent.objects.filter(action="enrollment.withdrawn_not_me").count() == 1


# --- staff see a full record only for their own institution's enrollments --------------------------

def test_only_the_enrolling_institution_opens_the_record(client, setup, citizen):
    manager, institution, program = setup
    enrollment = record(manager, program, citizen)
    other_manager, other_institution = manager_and_institution()
    other_program = program_for(other_institution, title="Program Lain")
    url = reverse("training:enrollment", args=[program.pk, enrollment.pk])
    client.force_login(other_manager)
    assert client.get(url).status_code == 403
    # Nor through its own program's address, nor the API.
    assert client.get(reverse("training:enrollment", args=[other_program.pk, enrollment.pk])).status_code == 404
    assert client.get(f"/api/v1/training/enrollments/{enrollment.pk}/history").status_code == 403
    assert client.get(f"/api/v1/training/programs/{program.pk}/enrollments").status_code == 403
    with pytest.raises(PermissionDenied):
        services.enrollment_open_record(actor=other_manager, program=program, enrollment_id=enrollment.pk)
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200 and citizen.nik in page.content.decode()
    assert AuditEvent.objects.filter(action="person.viewed", object_id=str(citizen.pk), actor=manager).count() == 1


def test_an_import_never_puts_a_registered_name_in_the_report_or_error_file(setup, citizen):
    manager, _, program = setup
    report = do_import(manager, program, xlsx([row(nik=citizen.nik, full_name="Tebak Tebakan")]), mode="valid_only")
    content = writing.error_file_bytes(["NIK"], {"nik": 0}, report.rows)
    assert b"Rahmawati" not in content and all("Rahmawati" not in str(r.__dict__) for r in report.rows)
    assert Person.objects.get(pk=citizen.pk).full_name == "Siti Rahmawati"
