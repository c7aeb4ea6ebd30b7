"""Training services against the database: registration window and late entries, duplicates and
clashes, eligibility, illegal transitions, seats, start/close/cancel effects, audit rows, and the
institution rules that block publishing.

The data around each service call comes from tests/factories.py; the thin helpers here (``user_of``,
``register``, ``program_data``...) are shared with other modules."""

from __future__ import annotations

import datetime as dt

import pytest

from sisnaker.accounts.models import User
from sisnaker.core.dates import long_id
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.institutions.models import Institution
from sisnaker.training import selectors, services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment, Program
from tests.conftest import TODAY
from tests.factories import (
    CompetencyUnitFactory,
    InstitutionFactory,
    ManagerFactory,
    PersonFactory,
    ProgramFactory,
    VocationalFieldFactory,
    staff,
)

# --- helpers (shared with the other training test modules) ---------------------------------------

def fresh(user) -> User:
    """The same account re-read, so its cached permission grants are current."""
    return User.objects.get(pk=user.pk)


def program_data(**overrides) -> services.ProgramData:
    """What a manager types into the program form (for the services that take it)."""
    from sisnaker.regions.models import Regency

    base = TODAY if "base" not in overrides else overrides.pop("base")
    field = overrides.get("vocational_field") or VocationalFieldFactory()
    values = dict(
        title="Pemrograman Web Dasar", vocational_field=field, hours=160,
        # A program opens registration only with competency units (certificates are issued per unit).
        competency_unit_ids=(CompetencyUnitFactory(vocational_field=field).pk,),
        start_date=base + dt.timedelta(days=10), end_date=base + dt.timedelta(days=40),
        registration_opens=base - dt.timedelta(days=5), registration_closes=base + dt.timedelta(days=5),
        quota=10, regency=Regency.objects.get(code="32.73"), funding="apbd",
    )
    values.update(overrides)
    return services.ProgramData(**values)


def user_of(person) -> User:
    return User.objects.get(pk=person.user_id)


def register(person, program, today: dt.date = TODAY) -> Enrollment:
    """The person registers themself, through the service."""
    return services.enrollment_register(actor=user_of(person), program=program, person=person, today=today)


# Kept for the modules under tests/security, which import them from here; new tests use tests/factories.py.

def make_staff(username: str | None = None, role: Role | None = None, institution: Institution | None = None) -> User:
    return staff(role, institution=institution, **({"username": username} if username else {}))


def make_institution(*, kind: str = "blk_uptd", regency: str = "32.73", **extra) -> Institution:
    return InstitutionFactory(kind=kind, regency_code=regency, **extra)


def make_program(manager: User, institution: Institution, *, status: str = P.PUBLISHED, today: dt.date = TODAY,
                 competency_unit_ids: tuple[int, ...] = (), **overrides) -> Program:
    instructor_ids = overrides.pop("instructor_ids", None)
    program = ProgramFactory(institution=institution, created_by=manager, status=status, today=overrides.pop("base", today),
                             units=list(CompetencyUnit.objects.filter(pk__in=competency_unit_ids)), **overrides)
    if instructor_ids:
        program.instructors.set(instructor_ids)
    return program


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture
def inst(regions):
    return InstitutionFactory()


@pytest.fixture
def manager(inst):
    return ManagerFactory(username="pengelola", institution=inst)


@pytest.fixture
def program(manager, inst):
    return ProgramFactory(institution=inst, created_by=manager)


@pytest.fixture
def people(regions):
    def build(n: int, **overrides):
        return PersonFactory.create_batch(n, **overrides)

    return build


def states(program) -> dict[int, str]:
    return dict(Enrollment.objects.filter(program=program).values_list("pk", "state"))


# --- registration window and late entries -------------------------------------------------------

@pytest.mark.django_db
def test_self_registration_only_inside_the_window(program, citizen):
    with pytest.raises(Conflict) as before:
        register(citizen, program, today=program.registration_opens - dt.timedelta(days=1))
    assert before.value.code == "registration_closed"
    assert long_id(program.registration_opens) in before.value.message.id

    with pytest.raises(Conflict) as after:
        register(citizen, program, today=program.registration_closes + dt.timedelta(days=1))
    assert after.value.code == "registration_closed"
    assert "susulan" in after.value.message.id and long_id(program.registration_closes) in after.value.message.id

    # Both edges are inside the window.
    e = register(citizen, program, today=program.registration_closes)
    assert e.state == E.REGISTERED and not e.late and e.source == "self"


@pytest.mark.django_db
def test_self_registration_refused_for_draft_and_selection(manager, inst, citizen):
    draft = ProgramFactory(institution=inst, status=P.DRAFT)
    with pytest.raises(Conflict) as exc:
        register(citizen, draft)
    assert exc.value.code == "registration_closed" and "Draf" in exc.value.message.id


@pytest.mark.django_db
def test_late_registration_only_by_manager_with_a_reason_and_flagged(manager, inst, program, citizen):
    late_day = program.registration_closes + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        services.enrollment_record(actor=manager, program=program, person=citizen, today=late_day)
    assert exc.value.code == "late_reason_required" and exc.value.field == "late_reason"
    assert not Enrollment.objects.exists()

    # A citizen cannot record anyone (not even late, not even themself).
    with pytest.raises(PermissionDenied):
        services.enrollment_record(actor=user_of(citizen), program=program, person=citizen, today=late_day,
                                   late_reason="Saya terlambat")

    e = services.enrollment_record(actor=manager, program=program, person=citizen, today=late_day,
                                   late_reason="Surat tugas dinas terlambat diterima")
    assert e.late and e.late_reason == "Surat tugas dinas terlambat diterima" and e.source == "manager"
    assert selectors.late_registrations(institution_ids=[inst.pk]) == 1
    event = AuditEvent.objects.get(action="enrollment.late_recorded", object_id=str(e.pk))
    assert event.reason == "Surat tugas dinas terlambat diterima" and event.after["late"] is True


@pytest.mark.django_db
def test_manager_record_inside_window_is_not_late(manager, program, citizen):
    e = services.enrollment_record(actor=manager, program=program, person=citizen, today=TODAY, late_reason="tidak perlu")
    assert not e.late and e.late_reason == ""


@pytest.mark.django_db
def test_manager_records_directly_as_participant_within_quota(manager, inst, people):
    program = ProgramFactory(institution=inst, quota=1)
    a, b = people(2)
    e = services.enrollment_record(actor=manager, program=program, person=a, today=TODAY, as_participant=True)
    assert e.state == E.PARTICIPANT
    with pytest.raises(Conflict) as exc:
        services.enrollment_record(actor=manager, program=program, person=b, today=TODAY, as_participant=True)
    assert exc.value.code == "quota_full"


# --- duplicates, clashes, eligibility -----------------------------------------------------------

@pytest.mark.django_db
def test_double_registration_refused(program, citizen):
    register(citizen, program)
    with pytest.raises(Conflict) as exc:
        register(citizen, program)
    assert exc.value.code == "already_registered"
    assert Enrollment.objects.filter(program=program).count() == 1


@pytest.mark.django_db
def test_overlapping_active_enrollment_refused_naming_the_other_program(manager, inst, citizen):
    first = ProgramFactory(institution=inst, title="Desain Grafis Terapan")
    second = ProgramFactory(institution=inst, title="Administrasi Perkantoran",
                            start_date=first.start_date + dt.timedelta(days=20), end_date=first.end_date + dt.timedelta(days=20))
    later = ProgramFactory(institution=inst, title="Barista Profesional",
                           start_date=first.end_date + dt.timedelta(days=1), end_date=first.end_date + dt.timedelta(days=30),
                         registration_closes=first.end_date)
    e = register(citizen, first)
    with pytest.raises(Conflict) as exc:
        register(citizen, second)
    assert exc.value.code == "schedule_clash"
    assert "Desain Grafis Terapan" in exc.value.message.id and "Desain Grafis Terapan" in exc.value.message.en
    assert first.start_date.isoformat() in exc.value.message.id
    # Adjacent dates do not clash.
    e_later = register(citizen, later)
    # After withdrawing from the first, the second still clashes with the later one, named.
    services.enrollment_withdraw_self(actor=user_of(citizen), enrollment=e)
    with pytest.raises(Conflict) as exc:
        register(citizen, second)
    assert "Barista Profesional" in exc.value.message.id
    # Once no active enrollment overlaps, the person may take it.
    services.enrollment_withdraw_self(actor=user_of(citizen), enrollment=e_later)
    assert register(citizen, second).state == E.REGISTERED


@pytest.mark.django_db
def test_eligibility_refusal_lists_every_reason(manager, inst):
    program = ProgramFactory(institution=inst, min_age=18, max_age=25, min_education="d3")
    old = PersonFactory(birth_date=dt.date(1980, 1, 1), education="sma")
    with pytest.raises(ValidationFailed) as exc:
        register(old, program)
    assert exc.value.code == "not_eligible"
    text = exc.value.message.id
    assert "Usia maksimal 25" in text and "Pendidikan minimal D3" in text
    assert "Maximum age is 25" in exc.value.message.en and "Minimum education is D3" in exc.value.message.en
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_age_is_counted_on_the_first_training_day_and_smk_counts_as_sma(manager, inst):
    program = ProgramFactory(institution=inst, min_age=18, min_education="sma")
    # 18 exactly on the first day: eligible. One day short: not.
    on_day = program.start_date.replace(year=program.start_date.year - 18)
    ok = PersonFactory(birth_date=on_day, education="smk")
    assert register(ok, program).state == E.REGISTERED
    young = PersonFactory(birth_date=on_day + dt.timedelta(days=1), education="s1")
    with pytest.raises(ValidationFailed) as exc:
        register(young, program)
    assert "Usia minimal 18" in exc.value.message.id and "(usia Anda 17)" in exc.value.message.id


# --- illegal transitions ------------------------------------------------------------------------

@pytest.mark.django_db
def test_illegal_program_transitions_refused_with_clear_messages(manager, inst):
    draft = ProgramFactory(institution=inst, status=P.DRAFT)
    with pytest.raises(Conflict) as exc:
        services.program_transition(actor=manager, program=draft, action="close", today=TODAY)
    assert exc.value.code == "program_transition"
    assert exc.value.message.id == 'Tidak dapat menutup program: program berstatus "Draf".'
    assert exc.value.message.en == 'Cannot close the program: the program is "Draft".'
    with pytest.raises(ValidationFailed) as unknown:
        services.program_transition(actor=manager, program=draft, action="explode", today=TODAY)
    assert unknown.value.code == "program_action"
    running = ProgramFactory(institution=inst, status=P.RUNNING)
    with pytest.raises(Conflict) as cancel:
        services.program_transition(actor=manager, program=running, action="cancel", today=TODAY, reason="x")
    assert "Berjalan" in cancel.value.message.id
    assert Program.objects.get(pk=running.pk).status == P.RUNNING


@pytest.mark.django_db
def test_publish_refused_when_registration_already_closed(manager, inst):
    program = ProgramFactory(institution=inst, status=P.DRAFT)
    with pytest.raises(Conflict) as exc:
        services.program_transition(actor=manager, program=program, action="publish",
                                    today=program.registration_closes + dt.timedelta(days=1))
    assert exc.value.code == "program_window_over" and program.registration_closes.isoformat() in exc.value.message.id


@pytest.mark.django_db
def test_illegal_enrollment_transitions_refused_per_row(manager, inst, program, people):
    a, b = people(2)
    ea, eb = register(a, program), register(b, program)
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[ea.pk], action="reject")
    out = services.enrollments_transition(actor=manager, program=program, enrollment_ids=[ea.pk, eb.pk, 999999], action="select")
    assert out.done == [eb.pk]
    refused = {r.id: r.message for r in out.refused}
    assert {r.id: r.code for r in out.refused} == {ea.pk: "enrollment_transition", 999999: "not_found"}
    assert refused[ea.pk].id == 'Tidak dapat meloloskan seleksi: status pendaftaran saat ini "Tidak lolos seleksi".'
    assert refused[999999].en == "Enrollment not found in this program."
    # drop_out is only for a running program.
    out = services.enrollments_transition(actor=manager, program=program, enrollment_ids=[eb.pk], action="drop_out")
    assert out.done == [] and "Peserta" not in out.refused[0][1].id  # the state is "selected", not a participant
    with pytest.raises(ValidationFailed):
        services.enrollments_transition(actor=manager, program=program, enrollment_ids=[eb.pk], action="promote")
    assert states(program) == {ea.pk: E.NOT_SELECTED, eb.pk: E.SELECTED}


@pytest.mark.django_db
def test_participant_of_running_program_cannot_withdraw(manager, inst, program, citizen):
    e = register(citizen, program)
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[e.pk], action="accept")
    services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    with pytest.raises(Conflict) as exc:
        services.enrollment_withdraw_self(actor=user_of(citizen), enrollment=e)
    assert exc.value.code == "enrollment_program_status"
    out = services.enrollments_transition(actor=manager, program=program, enrollment_ids=[e.pk], action="drop_out",
                                          reason="Bekerja di luar kota")
    assert out.done == [e.pk]
    e.refresh_from_db()
    assert e.state == E.DROPPED_OUT and e.reason == "Bekerja di luar kota"


@pytest.mark.django_db
def test_another_institutions_manager_is_refused(inst, program, citizen):
    other = ManagerFactory(username="pengelola-lain")
    e = register(citizen, program)
    with pytest.raises(PermissionDenied):
        services.enrollments_transition(actor=other, program=program, enrollment_ids=[e.pk], action="accept")
    with pytest.raises(PermissionDenied):
        services.program_transition(actor=other, program=program, action="cancel", today=TODAY, reason="iseng")
    with pytest.raises(PermissionDenied):
        services.program_create(actor=other, institution=inst, data=program_data())
    with pytest.raises(NotFound):  # nobody withdraws someone else: it answers like an unknown enrollment
        services.enrollment_withdraw_self(actor=fresh(other), enrollment=e)


# --- seats --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_bulk_accept_stops_at_quota_and_reports_the_rest(manager, inst, people):
    program = ProgramFactory(institution=inst, quota=3)
    enrollments = [register(p, program) for p in people(5)]
    ids = [e.pk for e in enrollments]
    out = services.enrollments_transition(actor=manager, program=program, enrollment_ids=ids, action="accept")
    assert out.done == ids[:3]
    assert [r.id for r in out.refused] == ids[3:]
    assert all(r.message.id == "Kuota program sudah penuh (3 peserta)." and r.code == "quota_full" for r in out.refused)
    assert Enrollment.objects.filter(program=program, state=E.PARTICIPANT).count() == 3
    # Later attempts are refused too; rejecting others still works.
    again = services.enrollments_transition(actor=manager, program=program, enrollment_ids=ids[3:4], action="accept")
    assert again.done == [] and again.refused[0][1].en == "The program's quota is full (3 participants)."
    with pytest.raises(ValidationFailed) as exc:
        services.program_update(actor=manager, program=program, data=program_data(quota=2))
    assert exc.value.code == "program_quota_below_accepted" and exc.value.field == "quota"
    assert selectors.seats_left(selectors.program_for_staff(program_id=program.pk)) == 0


# --- start, close, cancel -----------------------------------------------------------------------

@pytest.mark.django_db
def test_start_moves_leftover_applicants_to_not_selected_with_reason(manager, inst, program, people):
    a, b, c = (register(p, program) for p in people(3))
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[a.pk], action="accept")
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[b.pk], action="select")
    services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    rows = {e.pk: e for e in Enrollment.objects.filter(program=program)}
    assert rows[a.pk].state == E.PARTICIPANT
    for pk in (b.pk, c.pk):
        assert rows[pk].state == E.NOT_SELECTED
        assert rows[pk].reason == "Seleksi berakhir sebelum pelatihan dimulai."
    assert AuditEvent.objects.filter(action="enrollment.not_selected_at_start").count() == 2
    assert Program.objects.get(pk=program.pk).status == P.RUNNING


@pytest.mark.django_db
def test_close_turns_passed_into_alumni_and_others_into_not_passed_with_reason(manager, inst, program, people):
    passed, failed, unassessed, dropped = (register(p, program) for p in people(4))
    ids = [passed.pk, failed.pk, unassessed.pk, dropped.pk]
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=ids, action="accept")
    services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    # Late entry while running: recorded as applicant and never accepted.
    late_person = people(1)[0]
    late = services.enrollment_record(actor=manager, program=program, person=late_person, today=TODAY,
                                      late_reason="Susulan dari posko")
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[dropped.pk], action="drop_out")
    services.enrollments_set_result(actor=manager, program=program, enrollment_ids=[passed.pk], result="passed")
    out = services.enrollments_set_result(actor=manager, program=program, enrollment_ids=[failed.pk, dropped.pk], result="failed")
    assert out.done == [failed.pk] and out.refused[0][0] == dropped.pk
    services.program_transition(actor=manager, program=program, action="close", today=program.end_date)
    rows = {e.pk: e for e in Enrollment.objects.filter(program=program)}
    assert rows[passed.pk].state == E.GRADUATED and rows[passed.pk].reason == ""
    assert (rows[failed.pk].state, rows[failed.pk].reason) == (E.NOT_PASSED, "Tidak lulus penilaian.")
    assert (rows[unassessed.pk].state, rows[unassessed.pk].reason) == (E.NOT_PASSED, "Belum dinilai saat program ditutup.")
    assert rows[dropped.pk].state == E.DROPPED_OUT  # final states never change
    assert rows[late.pk].state == E.NOT_SELECTED
    assert not Enrollment.objects.filter(program=program, state__in=[E.REGISTERED, E.SELECTED, E.PARTICIPANT]).exists()
    with pytest.raises(Conflict):  # results only while running
        services.enrollments_set_result(actor=manager, program=program, enrollment_ids=[passed.pk], result="failed")


@pytest.mark.django_db
def test_cancel_withdraws_everyone_active_with_the_reason(manager, inst, program, people):
    a, b, c = (register(p, program) for p in people(3))
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[a.pk], action="accept")
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[b.pk], action="reject", reason="Berkas kurang")
    with pytest.raises(ValidationFailed) as exc:
        services.program_transition(actor=manager, program=program, action="cancel", today=TODAY, reason="  ")
    assert exc.value.field == "reason"
    services.program_transition(actor=manager, program=program, action="cancel", today=TODAY, reason="Anggaran dipotong")
    rows = {e.pk: e for e in Enrollment.objects.filter(program=program)}
    for pk in (a.pk, c.pk):
        assert rows[pk].state == E.WITHDRAWN and rows[pk].reason == "Program dibatalkan: Anggaran dipotong"
    assert rows[b.pk].state == E.NOT_SELECTED and rows[b.pk].reason == "Berkas kurang"
    program.refresh_from_db()
    assert program.status == P.CANCELLED and program.cancel_reason == "Anggaran dipotong"


# --- audit --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_change_writes_audit_rows(manager, inst, people):
    program = services.program_create(actor=manager, institution=inst, data=program_data())
    assert AuditEvent.objects.filter(action="program.created", object_id=str(program.pk)).count() == 1
    services.program_update(actor=manager, program=program, data=program_data(title="Pemrograman Web Lanjut"))
    upd = AuditEvent.objects.get(action="program.updated", object_id=str(program.pk))
    assert upd.before == {"title": "Pemrograman Web Dasar"} and upd.after == {"title": "Pemrograman Web Lanjut"}
    services.program_transition(actor=manager, program=program, action="publish", today=TODAY)
    a, b = people(2)
    ea, eb = register(a, program), register(b, program)
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[ea.pk, eb.pk], action="accept")
    services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    services.enrollments_set_result(actor=manager, program=program, enrollment_ids=[ea.pk], result="passed")
    services.program_transition(actor=manager, program=program, action="close", today=program.end_date)

    prog_events = list(AuditEvent.objects.filter(object_type="training.program", object_id=str(program.pk))
                       .order_by("id").values_list("action", flat=True))
    assert prog_events == ["program.created", "program.updated", "program.publish", "program.start", "program.close"]
    pub = AuditEvent.objects.get(action="program.publish", object_id=str(program.pk))
    assert pub.before == {"status": "draft"} and pub.after["status"] == "published" and pub.actor_id == manager.pk
    for e, final in ((ea, "graduated"), (eb, "not_passed")):
        history = [ev.action for ev in selectors.enrollment_history(enrollment=e)]
        assert history == ["enrollment.registered", "enrollment.accept", "enrollment.result_set", "enrollment.closed"] if e is ea \
            else history == ["enrollment.registered", "enrollment.accept", "enrollment.closed"]
        closed = AuditEvent.objects.get(action="enrollment.closed", object_id=str(e.pk))
        assert closed.after["state"] == final and closed.before == {"state": "participant"}


@pytest.mark.django_db
def test_refused_change_writes_nothing(manager, inst, program, citizen):
    count = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        services.program_transition(actor=manager, program=program, action="close", today=program.end_date)
    with pytest.raises(ValidationFailed):
        services.program_create(actor=manager, institution=inst, data=program_data(title="abc"))
    assert AuditEvent.objects.count() == count


# --- institution rules --------------------------------------------------------------------------

@pytest.mark.django_db
def test_lpk_with_expired_accreditation_cannot_publish_and_the_message_names_the_date(regions):
    lpk = InstitutionFactory(kind="lpk", accreditation_status="accredited", accreditation_grade="B",
                             accreditation_valid_until=TODAY - dt.timedelta(days=1))
    manager = ManagerFactory(institution=lpk)
    program = ProgramFactory(institution=lpk, status=P.DRAFT, units=1)
    with pytest.raises(Conflict) as exc:
        services.program_transition(actor=manager, program=program, action="publish", today=TODAY)
    assert exc.value.code == "institution_cannot_publish"
    assert (TODAY - dt.timedelta(days=1)).isoformat() in exc.value.message.id
    assert (TODAY - dt.timedelta(days=1)).isoformat() in exc.value.message.en
    # Valid through today: may publish.
    Institution.objects.filter(pk=lpk.pk).update(accreditation_valid_until=TODAY)
    assert services.program_transition(actor=manager, program=program, action="publish", today=TODAY).status == P.PUBLISHED


@pytest.mark.django_db
def test_unaccredited_lpk_and_inactive_institution_cannot_publish(regions):
    lpk = InstitutionFactory(kind="lpk")
    m1 = ManagerFactory(institution=lpk)
    with pytest.raises(Conflict) as exc:
        services.program_transition(actor=m1, program=ProgramFactory(institution=lpk, status=P.DRAFT), action="publish",
                                    today=TODAY)
    assert "LA-LPK" in exc.value.message.id

    blk = InstitutionFactory(kind="blk_komunitas")
    m2 = ManagerFactory(institution=blk)
    program = ProgramFactory(institution=blk, status=P.DRAFT)
    Institution.objects.filter(pk=blk.pk).update(status=Institution.Status.SUSPENDED)
    with pytest.raises(PermissionDenied):
        services.program_transition(actor=fresh(m2), program=program, action="publish", today=TODAY)
    assert Program.objects.get(pk=program.pk).status == P.DRAFT


@pytest.mark.django_db
def test_program_field_validation_names_the_field(manager, inst):
    cases = {
        "title": dict(title="Web"),
        "end_date": dict(end_date=TODAY),
        "dipa_reference": dict(funding="apbn"),
        "quota": dict(quota=0),
        "mode": dict(mode="teleport"),
        "competency_units": dict(competency_unit_ids=(999999,)),
    }
    for field, overrides in cases.items():
        with pytest.raises(ValidationFailed) as exc:
            services.program_create(actor=manager, institution=inst, data=program_data(**overrides))
        assert exc.value.field == field, field
    assert not Program.objects.exists()


@pytest.mark.django_db
def test_a_program_without_competency_units_cannot_open_registration(manager, inst):
    """Certificates are issued per competency unit: a program with none would run and never certify its alumni."""
    program = services.program_create(actor=manager, institution=inst, data=program_data(competency_unit_ids=()))
    with pytest.raises(Conflict) as exc:
        services.program_transition(actor=manager, program=program, action="publish", today=TODAY)
    assert exc.value.code == "program_no_units" and exc.value.field == "competency_units"
    assert Program.objects.get(pk=program.pk).status == P.DRAFT
    services.program_update(actor=manager, program=program, data=program_data(
        vocational_field=program.vocational_field, competency_unit_ids=(CompetencyUnitFactory(vocational_field=program.vocational_field).pk,)))
    assert services.program_transition(actor=manager, program=program, action="publish", today=TODAY).status == P.PUBLISHED
