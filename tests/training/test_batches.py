"""A new batch ("angkatan") from a program, and lifecycle steps that say what they will do, against the
database: the copy keeps the program's fields and units and asks only dates and quota (validated, audited
with its source); starting before the start date or closing before the end date needs a reason, refused
without one and recorded; the preview's counts are what the step then does. Service, page and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sisnaker.core.dates import long_en, long_id
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.training import selectors, services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment, Program
from tests.conftest import TODAY
from tests.factories import PersonFactory, VocationalFieldFactory

from .test_api import T, client_for, ok
from .test_services import make_institution, make_program, make_staff, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def inst(regions):
    return make_institution()


@pytest.fixture
def manager(inst):
    return make_staff("pengelola", Role.INSTITUTION_MANAGER, inst)


@pytest.fixture
def people(signup_data):
    return lambda n: [PersonFactory() for _ in range(n)]


@pytest.fixture
def units():
    field = VocationalFieldFactory()
    return [CompetencyUnit.objects.create(code=f"ANGK.{i}.01", title=f"Unit angkatan {i}", vocational_field=field) for i in range(3)]


@pytest.fixture
def source(manager, inst, units):
    return make_program(manager, inst, title="Teknisi Pendingin Angkatan II", description="Praktik di bengkel mitra.",
                        competency_unit_ids=tuple(u.pk for u in units), quota=16, fee=250_000, boarding=True, mode="hybrid",
                        funding="apbn", dipa_reference="DIPA-026.05.2.123456/2026", selection_method="test", min_age=18,
                        max_age=35, min_education="smk", hours=240)


def dates(source: Program, *, shift: int = 60, quota: int = 20, **overrides) -> services.BatchDates:
    d = dt.timedelta(days=shift)
    values = dict(registration_opens=source.registration_opens + d, registration_closes=source.registration_closes + d,
                  start_date=source.start_date + d, end_date=source.end_date + d, quota=quota)
    values.update(overrides)
    return services.BatchDates(**values)


COPIED = ["description", "vocational_field_id", "hours", "regency_id", "mode", "boarding", "funding", "dipa_reference", "fee",
          "selection_method", "min_age", "max_age", "min_education", "institution_id"]


# --- the copy ------------------------------------------------------------------------------------

def test_copy_keeps_everything_but_dates_and_quota(manager, source, units):
    new = services.program_copy_as_batch(actor=manager, program=source, dates=dates(source, quota=24), today=TODAY)
    new = Program.objects.get(pk=new.pk)
    assert new.pk != source.pk and new.status == P.DRAFT and new.created_by_id == manager.pk
    assert new.title == "Teknisi Pendingin Angkatan III"
    for name in COPIED:
        assert getattr(new, name) == getattr(source, name), name
    assert sorted(new.competency_units.values_list("pk", flat=True)) == sorted(u.pk for u in units)
    assert (new.start_date, new.end_date, new.quota) == (source.start_date + dt.timedelta(days=60),
                                                         source.end_date + dt.timedelta(days=60), 24)
    assert not Enrollment.objects.filter(program=new).exists()
    # The source is untouched.
    assert Program.objects.get(pk=source.pk).title == "Teknisi Pendingin Angkatan II"
    event = AuditEvent.objects.get(action="program.copied_as_batch")
    assert event.object_id == str(new.pk) and event.actor_id == manager.pk
    assert event.after["copied_from"] == source.pk and event.after["copied_from_title"] == source.title
    assert event.after["quota"] == 24 and sorted(event.after["competency_units"]) == sorted(u.pk for u in units)


def test_copy_published_at_once_when_asked(manager, source):
    new = services.program_copy_as_batch(actor=manager, program=source, dates=dates(source), today=TODAY, publish=True)
    assert Program.objects.get(pk=new.pk).status == P.PUBLISHED
    actions = list(AuditEvent.objects.filter(object_type="training.program", object_id=str(new.pk)).order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["program.copied_as_batch", "program.publish"]


def test_copy_of_a_copy_takes_the_next_number_and_inactive_units_are_left_out(manager, source, units):
    CompetencyUnit.objects.filter(pk=units[0].pk).update(is_active=False)
    second = services.program_copy_as_batch(actor=manager, program=source, dates=dates(source), today=TODAY)
    third = services.program_copy_as_batch(actor=manager, program=second, dates=dates(source, shift=120), today=TODAY)
    assert third.title == "Teknisi Pendingin Angkatan IV"
    assert sorted(third.competency_units.values_list("pk", flat=True)) == sorted(u.pk for u in units[1:])


@pytest.mark.parametrize(("overrides", "field"), [
    ({"quota": 0}, "quota"),
    ({"quota": 100_001}, "quota"),
    ({"end_date": dt.date(2026, 1, 1)}, "end_date"),
    ({"registration_closes": dt.date(2026, 1, 1)}, "registration_closes"),
    ({"registration_closes": dt.date(2030, 1, 1)}, "registration_closes"),  # after the end of training
])
def test_dates_and_quota_are_validated_and_nothing_is_saved(manager, source, overrides, field):
    count, events = Program.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.program_copy_as_batch(actor=manager, program=source, dates=dates(source, **overrides), today=TODAY)
    assert exc.value.field == field
    assert (Program.objects.count(), AuditEvent.objects.count()) == (count, events)


def test_publishing_a_copy_whose_registration_is_over_is_refused_whole(manager, source):
    count = Program.objects.count()
    past = dates(source, shift=-400)
    with pytest.raises(Conflict) as exc:
        services.program_copy_as_batch(actor=manager, program=source, dates=past, today=TODAY, publish=True)
    assert exc.value.code == "program_window_over"
    assert Program.objects.count() == count  # no draft left behind either


def test_only_the_institutions_manager_copies(manager, source, inst):
    for user in (make_staff(None, Role.INSTITUTION_MANAGER, make_institution()), make_staff(None, Role.INSTRUCTOR, inst),
                 make_staff(None, Role.CURATOR)):
        with pytest.raises(PermissionDenied):
            services.program_copy_as_batch(actor=user, program=source, dates=dates(source), today=TODAY)
    assert Program.objects.count() == 1


def test_suggestion_keeps_durations_after_the_source_ends(source):
    s = services.program_batch_suggestion(program=source, today=TODAY)
    assert s.start_date == source.end_date + dt.timedelta(days=1)
    assert s.end_date - s.start_date == source.end_date - source.start_date
    assert s.start_date - s.registration_opens == source.start_date - source.registration_opens
    assert s.quota == source.quota


# --- reasons for early steps, and what the preview says -----------------------------------------

def _applicants(program, people, accept: int, select: int):
    enrollments = [register(p, program) for p in people]
    services.enrollments_transition(actor=program.created_by, program=program, enrollment_ids=[e.pk for e in enrollments[:accept]],
                                    action="accept")
    services.enrollments_transition(actor=program.created_by, program=program,
                                    enrollment_ids=[e.pk for e in enrollments[accept:accept + select]], action="select")
    return enrollments


def test_starting_early_needs_a_reason_recorded_in_the_audit_trail(manager, source, people):
    _applicants(source, people(5), accept=2, select=1)
    early = source.start_date - dt.timedelta(days=14)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.program_transition(actor=manager, program=source, action="start", today=early, reason="   ")
    assert (exc.value.code, exc.value.field) == ("reason_required", "reason")
    assert long_id(source.start_date) in exc.value.message.id
    # Nothing happened: the program, the applicants, the audit trail.
    assert Program.objects.get(pk=source.pk).status == P.PUBLISHED
    assert not Enrollment.objects.filter(program=source, state=E.NOT_SELECTED).exists()
    assert AuditEvent.objects.count() == events
    services.program_transition(actor=manager, program=source, action="start", today=early, reason="Instruktur industri hanya ada minggu ini")
    event = AuditEvent.objects.get(action="program.start", object_id=str(source.pk))
    assert event.reason == "Instruktur industri hanya ada minggu ini"
    assert event.after["early"] == {"today": early.isoformat(), "planned": source.start_date.isoformat()}
    assert [ev.action for ev in selectors.program_history(program=source)][0] == "program.start"


def test_on_the_planned_dates_no_reason_is_needed_but_closing_early_needs_one(manager, source, people):
    _applicants(source, people(2), accept=2, select=0)
    services.program_transition(actor=manager, program=source, action="start", today=source.start_date)
    assert "early" not in AuditEvent.objects.get(action="program.start", object_id=str(source.pk)).after
    with pytest.raises(ValidationFailed) as exc:
        services.program_transition(actor=manager, program=source, action="close", today=source.end_date - dt.timedelta(days=1))
    assert exc.value.code == "reason_required" and long_en(source.end_date) in exc.value.message.en
    assert Program.objects.get(pk=source.pk).status == P.RUNNING
    services.program_transition(actor=manager, program=source, action="close", today=source.end_date)
    assert Program.objects.get(pk=source.pk).status == P.CLOSED


def test_the_preview_counts_are_what_the_step_does(manager, source, people):
    enrollments = _applicants(source, people(9), accept=3, select=2)
    services.enrollments_transition(actor=manager, program=source, enrollment_ids=[enrollments[8].pk], action="reject")
    preview = selectors.transition_preview(program=source, action="start", today=source.start_date)
    assert preview.target == P.RUNNING and preview.reason_needed is None
    said = {(e.source, e.target): e.count for e in preview.effects}
    assert said == {(E.REGISTERED, E.NOT_SELECTED): 3, (E.SELECTED, E.NOT_SELECTED): 2}
    before = dict(Enrollment.objects.filter(program=source).values_list("pk", "state"))
    services.program_transition(actor=manager, program=source, action="start", today=source.start_date)
    after = dict(Enrollment.objects.filter(program=source).values_list("pk", "state"))
    done: dict[tuple[str, str], int] = {}
    for pk, state in after.items():
        if before[pk] != state:
            done[(before[pk], state)] = done.get((before[pk], state), 0) + 1
    assert done == said
    # Early: the preview says a reason is needed.
    running = Program.objects.get(pk=source.pk)
    assert selectors.transition_preview(program=running, action="close", today=source.start_date).reason_needed is not None
    with pytest.raises(Conflict):  # not possible from "running"
        selectors.transition_preview(program=running, action="publish", today=source.start_date)


# --- pages ---------------------------------------------------------------------------------------

def test_new_batch_page_suggests_dates_and_leads_to_the_new_program(client, manager, source):
    client.force_login(manager)
    manage_html = client.get(reverse("training:manage", args=[source.pk])).content.decode()
    url = reverse("training:program_copy", args=[source.pk])
    assert f'href="{url}"' in manage_html
    response = client.get(url)
    html = response.content.decode()
    suggestion = services.program_batch_suggestion(program=source, today=dt.date.today())
    assert response.status_code == 200 and "Teknisi Pendingin Angkatan III" in html
    assert f'value="{suggestion.start_date.isoformat()}"' in html and 'value="16"' in html
    # A wrong date is shown on its field; nothing is created.
    bad = {"registration_opens": suggestion.registration_opens, "registration_closes": suggestion.registration_closes,
           "start_date": suggestion.start_date, "end_date": suggestion.start_date - dt.timedelta(days=1), "quota": 18}
    response = client.post(url, bad)
    assert response.status_code == 400 and 'id="id_end_date-errors"' in response.content.decode()
    assert Program.objects.count() == 1
    response = client.post(url, bad | {"end_date": suggestion.end_date, "publish": "on"})
    new = Program.objects.exclude(pk=source.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("training:manage", args=[new.pk])
    assert (new.title, new.quota, new.status) == ("Teknisi Pendingin Angkatan III", 18, P.PUBLISHED)
    html = client.get(response["Location"]).content.decode()
    assert "Disalin dari" in html and reverse("training:manage", args=[source.pk]) in html


def test_new_batch_page_is_for_the_institutions_manager_only(client, source, inst):
    url = reverse("training:program_copy", args=[source.pk])
    assert client.get(url).status_code == 302  # log in first
    for user in (make_staff(None, Role.INSTITUTION_MANAGER, make_institution()), make_staff(None, Role.INSTRUCTOR, inst),
                 make_staff(None, Role.CURATOR)):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
        assert client.get(reverse("training:program_confirm", args=[source.pk, "start"])).status_code == 403
    assert Program.objects.count() == 1


# --- API -----------------------------------------------------------------------------------------

def test_new_batch_over_the_api(manager, source):
    mc = client_for(manager)
    d = dates(source)
    body = {"registration_opens": str(d.registration_opens), "registration_closes": str(d.registration_closes),
            "start_date": str(d.start_date), "end_date": str(d.end_date), "quota": 12}
    refused = mc.post(f"{T}/programs/{source.pk}/batches", body | {"quota": 0}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "quota"
    new = ok(mc.post(f"{T}/programs/{source.pk}/batches", body | {"publish": True}, content_type="application/json"), 201)
    assert new["title"] == "Teknisi Pendingin Angkatan III" and new["status"] == "published" and new["quota"] == 12
    assert sorted(u["id"] for u in new["competency_units"]) == sorted(source.competency_units.values_list("pk", flat=True))
    other = client_for(make_staff(None, Role.INSTITUTION_MANAGER, make_institution()))
    assert other.post(f"{T}/programs/{source.pk}/batches", body, content_type="application/json").status_code == 403
    assert other.get(f"{T}/programs/{source.pk}/transitions/start").status_code == 403


def test_the_next_batch_keeps_the_instructors_still_teaching_there(manager, source, inst):
    stays = make_staff("instruktur-tetap", Role.INSTRUCTOR, inst)
    leaves = make_staff("instruktur-pindah", Role.INSTRUCTOR, inst)
    Program.objects.get(pk=source.pk).instructors.set([stays, leaves])
    leaves.role_assignments.update(is_active=False)  # moved to another institution since
    new = services.program_copy_as_batch(actor=manager, program=source, dates=dates(source), today=TODAY)
    assert list(Program.objects.get(pk=new.pk).instructors.values_list("pk", flat=True)) == [stays.pk]
    assert AuditEvent.objects.get(action="program.copied_as_batch").after["instructors"] == [stays.pk]
