"""A worker killed with -9 in the middle of cancelling a big program (issue 14 §5), for real: a `sisnaker worker`
process takes the step in the background, is killed once it has moved some chunks of enrolments (its progress is on
the step's row, its moves are not yet visible), and leaves nothing: the program keeps its status, every enrolment its
state, the counters their counts, and no audit row of the step is written. The program stays blocked for other steps
meanwhile; a second worker takes the abandoned task over and cancels the program once, whole."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from sisnaker.accounts.models import Person
from sisnaker.core.errors import Conflict
from sisnaker.core.models import AuditEvent
from sisnaker.training import moves, services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment, Program, ProgramMove
from tests.conftest import TODAY
from tests.core.test_worker_killed import _kill_once, _run_until, _someone_else_writes
from tests.factories import ManagerFactory, ProgramFactory, enrollments_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions")]

APPLICANTS = 60_000  # twelve chunks of 5,000: seconds of work, so the kill lands mid-way


def _clone_applicants(enrollment: Enrollment, n: int) -> None:
    """``n`` more applicants like ``enrollment``, each a copy of its person with their own NIK index, written by SQL
    (the step's cost is what is measured here, not the factories')."""
    quote = connection.ops.quote_name

    def copy(model, replace: dict[str, str]) -> tuple[str, str]:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        return (", ".join(quote(f.column) for f in fields),
                ", ".join(replace.get(f.name, "src." + quote(f.column)) for f in fields))

    with connection.cursor() as cursor:
        columns, values = copy(Person, {"nik_index": "md5(g::text || 'mtx')", "user": "NULL"})
        cursor.execute(f"INSERT INTO accounts_person ({columns}) SELECT {values} FROM accounts_person src, "  # noqa: S608 - the models' own columns
                       f"generate_series(1, %s) AS g WHERE src.id = %s", [n, enrollment.person_id])
        columns, values = copy(Enrollment, {"person": "p.id"})
        cursor.execute(f"INSERT INTO training_enrollment ({columns}) SELECT {values} FROM training_enrollment src, "  # noqa: S608
                       f"accounts_person p WHERE src.id = %s AND p.id > %s", [enrollment.pk, enrollment.person_id])
    services.program_counters_recount(programs=Program.objects.filter(pk=enrollment.program_id))


def test_a_worker_killed_mid_cancel_leaves_the_program_whole_and_another_cancels_it_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes share the database: PostgreSQL (run with DATABASE_URL=postgres://…)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    manager = ManagerFactory()
    program = ProgramFactory(institution=manager.role_assignments.get().institution, status=P.PUBLISHED, created_by=manager,
                             quota=APPLICANTS + 10, units=1)
    _clone_applicants(enrollments_in(program, n=1, state=E.REGISTERED)[0], APPLICANTS)
    program.refresh_from_db()
    total = APPLICANTS + 1
    assert program.state_counts[E.REGISTERED] == total

    started = moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="Dana ditarik")
    move = started.move
    assert move is not None and move.expected == total

    _kill_once(lambda: ProgramMove.objects.get(pk=move.pk).done >= 10_000 and _someone_else_writes("training_enrollment"), timeout=300,
               what="the step to be half-way")
    move.refresh_from_db()
    assert move.status == "running" and 10_000 <= move.done < total, "the worker finished before it could be killed: raise APPLICANTS"

    # Nothing half-written, and the program takes no other step while its step waits to be taken over.
    program.refresh_from_db()
    assert program.status == P.PUBLISHED and program.state_counts[E.REGISTERED] == total and program.state_counts[E.WITHDRAWN] == 0
    assert not Enrollment.objects.filter(program=program).exclude(state=E.REGISTERED).exists()
    assert not AuditEvent.objects.filter(action__in=["enrollment.withdrawn_program_cancelled", "program.cancel"]).exists()
    with pytest.raises(Conflict):
        services.program_transition(actor=manager, program=program, action="close_registration", today=TODAY)

    _run_until(lambda: ProgramMove.objects.get(pk=move.pk).finished, timeout=600, what="the second worker to take the step")
    move.refresh_from_db()
    task = DBTaskResult.objects.get(task_path__endswith="run_program_move")
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
    assert move.status == "done" and move.done == total and move.outcome == {"status": P.CANCELLED, "moved": total}
    program.refresh_from_db()
    assert program.status == P.CANCELLED and program.state_counts[E.WITHDRAWN] == total and program.state_counts[E.REGISTERED] == 0
    assert Enrollment.objects.filter(program=program, state=E.WITHDRAWN).count() == total
    assert AuditEvent.objects.filter(action="enrollment.withdrawn_program_cancelled").count() == total  # once each
    assert AuditEvent.objects.filter(action="program.cancel", after__move=move.token).count() == 1
