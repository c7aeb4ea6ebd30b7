"""Seats and registrations under real concurrency on PostgreSQL: threads with their own database
connections released together by a barrier. No mocks.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/training/test_concurrency.py
"""

from __future__ import annotations

import datetime as dt

import pytest

from sisnaker.core.errors import Conflict
from sisnaker.training import selectors, services
from sisnaker.training.domain import ACTIVE_STATES, SEAT_STATES
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from tests.conftest import TODAY
from tests.factories import (
    EnrollmentFactory,
    InstitutionFactory,
    ManagerFactory,
    PersonFactory,
    ProgramFactory,
)
from tests.training.test_services import user_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

THREADS = 24
ROUNDS = 5




@pytest.fixture
def setting(regions):
    inst = InstitutionFactory()
    manager = ManagerFactory(username="pengelola-konkuren", institution=inst)
    manager.grants  # noqa: B018 — load the grants once, before the threads share this object
    return inst, manager


def test_last_seats_go_to_exactly_three_of_many_concurrent_acceptances(setting):
    inst, manager = setting
    quota = 8
    program = ProgramFactory(institution=inst, quota=quota)
    enrollments = EnrollmentFactory.create_batch(quota - 3 + THREADS, program=program)
    already = [e.pk for e in enrollments[: quota - 3]]
    out = services.enrollments_transition(actor=manager, program=program, enrollment_ids=already, action="accept")
    assert len(out.done) == quota - 3
    racers = [e.pk for e in enrollments[quota - 3 :]]
    assert len(racers) >= 20

    def accept(pk):
        return lambda: services.enrollments_transition(actor=manager, program=program, enrollment_ids=[pk], action="accept")

    outcomes = race([accept(pk) for pk in racers])
    results = [value for kind, value in outcomes]
    won = [r for r in results if r.done]
    lost = [r for r in results if not r.done]
    assert len(won) == 3
    assert len(lost) == THREADS - 3
    for r in lost:
        ((_, msg, _code),) = r.refused
        assert msg.id == f"Kuota program sudah penuh ({quota} peserta)."  # quota_full
    assert Enrollment.objects.filter(program=program, state__in=SEAT_STATES).count() == quota
    assert Enrollment.objects.filter(program=program, state=E.REGISTERED).count() == THREADS - 3
    assert_counters_match(program)


def assert_counters_match(program) -> None:
    """The maintained counters (issue 14) equal a recount of the rows."""
    program.refresh_from_db()
    assert program.state_counts == selectors.state_counts_recounted(program=program)
    assert program.n_late == Enrollment.objects.filter(program=program, late=True).count()


def test_counters_stay_right_under_parallel_acceptances_withdrawals_and_registrations(setting):
    """Acceptances (program row locked), the citizens' own withdrawals (only their enrollment locked) and new
    registrations all at once: every relative update of the counters adds up."""
    inst, manager = setting
    program = ProgramFactory(institution=inst, quota=10)
    enrollments = EnrollmentFactory.create_batch(THREADS, program=program)
    newcomers = PersonFactory.create_batch(6)
    users = {e.pk: user_of(e.person) for e in enrollments} | {p.pk: user_of(p) for p in newcomers}
    for u in users.values():
        u.grants  # noqa: B018
    calls = []
    for i, e in enumerate(enrollments):
        if i % 3 == 2:
            calls.append(lambda e=e: services.enrollment_withdraw_self(actor=users[e.pk], enrollment=e))
        else:
            calls.append(lambda e=e: services.enrollments_transition(actor=manager, program=program, enrollment_ids=[e.pk],
                                                                     action="accept"))
    calls += [lambda p=p: services.enrollment_register(actor=users[p.pk], program=program, person=p, today=TODAY)
              for p in newcomers]
    race(calls)
    assert Enrollment.objects.filter(program=program, state__in=SEAT_STATES).count() == 10
    assert_counters_match(program)


def test_same_person_registering_many_times_at_once_gets_one_enrollment(setting):
    inst, manager = setting
    program = ProgramFactory(institution=inst)
    person = PersonFactory()
    user = user_of(person)
    user.grants  # noqa: B018

    outcomes = race([lambda: services.enrollment_register(actor=user, program=program, person=person, today=TODAY)] * 20)
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") == 1
    refusals = [value for kind, value in outcomes if kind == "refused"]
    assert len(refusals) == 19
    assert all(isinstance(r, Conflict) and r.code == "already_registered" for r in refusals)
    assert Enrollment.objects.filter(program=program, person=person).count() == 1


def test_concurrent_registrations_into_overlapping_programs_leave_at_most_one_active(setting):
    inst, manager = setting
    # Two institutions: lock_program's select_related("institution") also locks the institution row,
    # which would serialise two programs of the same institution and hide the race.
    other = InstitutionFactory()
    first = ProgramFactory(institution=inst, title="Las Listrik Dasar")
    second = ProgramFactory(institution=other, title="Las Argon Dasar", start_date=first.start_date + dt.timedelta(days=3))
    for _round in range(ROUNDS):  # a fresh person each round: the race window is small, try it several times
        person = PersonFactory()
        user = user_of(person)
        user.grants  # noqa: B018

        def reg(program, user=user, person=person):
            return lambda: services.enrollment_register(actor=user, program=program, person=person, today=TODAY)

        outcomes = race([reg(first if i % 2 else second) for i in range(20)])
        codes = {value.code for kind, value in outcomes if kind == "refused"}
        assert codes <= {"already_registered", "schedule_clash"}
        active = Enrollment.objects.filter(person=person, state__in=ACTIVE_STATES).count()
        assert active == 1, f"round {_round}: {active} active enrollments with overlapping dates"
        assert [kind for kind, _ in outcomes].count("ok") == 1


def test_manager_recording_and_self_registration_race_on_overlapping_programs(setting):
    """The manager's path (enrollment_record) and the citizen's (enrollment_register) take different
    program locks; the person lock must still serialise them."""
    inst, manager = setting
    other = InstitutionFactory()
    first = ProgramFactory(institution=other, title="Tata Rias Pengantin")
    second = ProgramFactory(institution=inst, title="Tata Rias Wajah", start_date=first.start_date + dt.timedelta(days=1))
    for _round in range(ROUNDS):
        person = PersonFactory()
        user = user_of(person)
        user.grants  # noqa: B018
        calls = []
        for i in range(20):
            if i % 2:
                calls.append(lambda u=user, p=person: services.enrollment_register(actor=u, program=first, person=p, today=TODAY))
            else:
                calls.append(lambda p=person: services.enrollment_record(actor=manager, program=second, person=p, today=TODAY))
        outcomes = race(calls)
        active = Enrollment.objects.filter(person=person, state__in=ACTIVE_STATES).count()
        assert active == 1, f"round {_round}: {active} active enrollments with overlapping dates"
        assert [kind for kind, _ in outcomes].count("ok") == 1
