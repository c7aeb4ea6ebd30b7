"""The program's maintained enrollment counters (``Program.n_<state>``, ``n_late``; issue 14) equal a recount
of the rows after any sequence of the services that create enrollments or move them: self-registration,
the manager's recording (on time and late), the spreadsheet import, the bulk actions, the citizen's
withdrawal, program start / close / cancel, and certification's result corrections."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisnaker.accounts.models import User
from sisnaker.certification.services import assessment as assessment_services
from sisnaker.core.errors import SisnakerError
from sisnaker.training import selectors, services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment, Program
from sisnaker.training.spreadsheets import services as spreadsheets
from tests.conftest import TODAY
from tests.factories import InstitutionFactory, ManagerFactory, PersonFactory, ProgramFactory, course
from tests.training.test_import import row, xlsx

pytestmark = pytest.mark.django_db


def recount(program: Program) -> tuple[dict[str, int], int]:
    return (selectors.state_counts_recounted(program=program),
            Enrollment.objects.filter(program=program, late=True).count())


def counters(program: Program) -> tuple[dict[str, int], int]:
    program = Program.objects.get(pk=program.pk)
    return program.state_counts, program.n_late


def assert_counters_right(program: Program) -> None:
    assert counters(program) == recount(program)
    fresh = Program.objects.get(pk=program.pk)
    assert fresh.seats_taken == Enrollment.objects.filter(program=program, state__in=(
        E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT)).count()


ACTIONS = ("select", "accept", "reject", "withdraw", "drop_out")
OPERATION = st.one_of(
    st.tuples(st.just("register"), st.integers(1, 3)),
    st.tuples(st.just("record"), st.booleans()),
    st.tuples(st.just("record_late"), st.booleans()),
    st.tuples(st.just("import"), st.integers(1, 3)),
    st.tuples(st.sampled_from(ACTIONS), st.lists(st.integers(0, 30), max_size=6)),
    st.tuples(st.just("withdraw_self"), st.integers(0, 30)),
    st.tuples(st.just("result"), st.sampled_from(("passed", "failed"))),
    st.tuples(st.sampled_from(("close_registration", "start", "close", "cancel")), st.just(0)),
)


def apply(op, *, manager, program: Program, today_late: dt.date) -> None:
    kind, arg = op
    ids = list(Enrollment.objects.filter(program=program).order_by("pk").values_list("pk", flat=True))
    if kind == "register":
        for person in PersonFactory.create_batch(arg):
            services.enrollment_register(actor=User.objects.get(pk=person.user_id), program=program, person=person, today=TODAY)
    elif kind == "record":
        services.enrollment_record(actor=manager, program=program, person=PersonFactory(), today=TODAY, as_participant=arg)
    elif kind == "record_late":
        services.enrollment_record(actor=manager, program=program, person=PersonFactory(), today=today_late,
                                   as_participant=arg, late_reason="Pindahan dari lembaga lain.")
    elif kind == "import":
        spreadsheets.enrollments_import(actor=manager, program=program, file_name="peserta.xlsx", mode="all_or_nothing",
                                        today=TODAY, data=xlsx([row(full_name=f"Impor {i}") for i in range(arg)]))
    elif kind in ACTIONS:
        chosen = [ids[i % len(ids)] for i in arg] if ids else []
        services.enrollments_transition(actor=manager, program=program, enrollment_ids=chosen, action=kind, reason="uji")
    elif kind == "withdraw_self":
        mine = list(Enrollment.objects.filter(program=program, person__user__isnull=False).select_related("person__user"))
        if mine:
            e = mine[arg % len(mine)]
            services.enrollment_withdraw_self(actor=e.person.user, enrollment=e, reason="uji")
    elif kind == "result":
        services.enrollments_set_result(actor=manager, program=program, enrollment_ids=ids, result=arg)
    else:
        services.program_transition(actor=manager, program=program, action=kind, today=TODAY, reason="Uji penghitung.")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(OPERATION, min_size=1, max_size=14))
def test_counters_equal_a_recount_after_any_sequence_of_services(regions, operations):
    inst = InstitutionFactory()
    manager = ManagerFactory(institution=inst)
    program = ProgramFactory(institution=inst, quota=6)
    today_late = program.registration_closes + dt.timedelta(days=1)
    for op in operations:
        with contextlib.suppress(SisnakerError):  # a refusal changes nothing; the counters must still be right
            apply(op, manager=manager, program=program, today_late=today_late)
        assert_counters_right(program)


def test_result_corrections_after_close_move_the_counters(regions):
    """Certification's assessment of a closed program moves graduates and non-passers: the counters follow."""
    c = course(participants=4, units=1)
    unit = c.units[0]
    entries = [(e.pk, unit.pk, "competent" if i < 2 else "not_yet_competent", None, None) for i, e in enumerate(c.enrollments)]
    assessment_services.assessments_record_many(actor=c.instructor, program=c.program, entries=entries, today=TODAY)
    services.program_transition(actor=c.manager, program=c.program, action="close", today=c.program.end_date)
    assert counters(c.program)[0][E.GRADUATED] == 2 and counters(c.program)[0][E.NOT_PASSED] == 2
    assessment_services.assessments_record_many(actor=c.instructor, program=c.program, today=c.program.end_date,
                                                entries=[(e.pk, unit.pk, "competent", None, None) for e in c.enrollments[2:]])
    assert counters(c.program)[0][E.GRADUATED] == 4
    assert_counters_right(c.program)


def test_recount_sets_the_counters_from_the_rows(regions):
    c = course(participants=3)
    Program.objects.filter(pk=c.program.pk).update(n_participant=0, n_registered=7, n_late=2)
    assert counters(c.program) != recount(c.program)
    services.program_counters_recount(programs=Program.objects.filter(pk=c.program.pk))
    assert_counters_right(c.program)
