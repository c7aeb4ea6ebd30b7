"""A big program's start, close or cancel runs in the background (issue 14: a manager's click may not cost more as
programs grow; cancelling a program of 100,000 took 18 s inside the request). As the manager sees it: the step is
checked at once, queued, its page shows how far it is, the program keeps its status and takes no other step until
the worker has moved every enrolment, all at once; a refused or failed step changes nothing and frees the program.
A small program's step is still taken at once."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sisnaker.core.errors import Conflict, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.notifications.models import Notification
from sisnaker.training import moves, services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment, Program, ProgramMove
from tests.conftest import TODAY
from tests.factories import ManagerFactory, PersonFactory, ProgramFactory, enrollments_in, staff

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture
def big(settings):
    """A published program of 9 applicants, 3 selected and 2 withdrawn, with a background threshold of 4."""
    settings.SISNAKER_PROGRAM_MOVE_BACKGROUND_ENROLLMENTS = 4
    manager = ManagerFactory()
    program = ProgramFactory(institution=manager.role_assignments.get().institution, status=P.PUBLISHED, created_by=manager,
                             quota=40, units=1)
    enrollments_in(program, n=9, state=E.REGISTERED)
    enrollments_in(program, n=3, state=E.SELECTED)
    enrollments_in(program, n=2, state=E.WITHDRAWN)
    return manager, Program.objects.get(pk=program.pk)


def _cancel(client, program, reason="Gedung pelatihan rusak berat"):
    return client.post(reverse("training:program_confirm", args=[program.pk, "cancel"]), {"reason": reason})


def test_cancelling_a_big_program_is_queued_then_done_by_the_worker_at_once(client, big, django_capture_on_commit_callbacks):
    manager, program = big
    client.force_login(manager)
    confirm = client.get(reverse("training:program_confirm", args=[program.pk, "cancel"])).content.decode()
    assert 'id="transition-background"' in confirm, "the confirmation says the step will run in the background"

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _cancel(client, program)
    move = ProgramMove.objects.get(program=program)
    assert response.status_code == 302 and response.url == reverse("training:program_move", args=[program.pk, move.token])
    assert move.action == "cancel" and move.status == "queued" and move.expected == 12 and move.day == timezone.localdate()
    # Queued, not done: the program and its enrolments are untouched, and the page says so.
    program.refresh_from_db()
    assert program.status == P.PUBLISHED and Enrollment.objects.filter(program=program, state=E.WITHDRAWN).count() == 2
    page = client.get(response.url).content.decode()
    assert 'data-finished="0"' in page and "0 dari 12 pendaftaran dipindahkan" in page and "hx-trigger" in page
    manage = client.get(reverse("training:manage", args=[program.pk])).content.decode()
    assert 'id="program-moving"' in manage and "Lihat kemajuan" in manage
    assert "program_action" not in manage and reverse("training:program_confirm", args=[program.pk, "start"]) not in manage
    # No other step meanwhile, whichever way it is asked.
    with pytest.raises(Conflict) as refused:
        services.program_transition(actor=manager, program=program, action="close_registration", today=TODAY)
    assert refused.value.code == "program_move_open" and "membatalkan" in refused.value.message.id
    again = client.post(reverse("training:program_action", args=[program.pk]), {"action": "close_registration"}, follow=True)
    assert "sedang dikerjakan di latar" in again.content.decode()
    assert ProgramMove.objects.filter(program=program).count() == 1

    for callback in queued:  # the worker runs the queued task
        callback()
    program.refresh_from_db()
    move.refresh_from_db()
    assert program.status == P.CANCELLED and program.cancel_reason == "Gedung pelatihan rusak berat"
    assert Enrollment.objects.filter(program=program, state=E.WITHDRAWN).count() == 14
    assert program.state_counts[E.WITHDRAWN] == 14 and program.state_counts[E.REGISTERED] == 0, "the counters follow"
    assert move.status == "done" and move.done == 12 and move.finished_at and move.outcome == {"status": P.CANCELLED, "moved": 12}
    # Each enrolment's own history line, and the program's, which names the step.
    assert AuditEvent.objects.filter(action="enrollment.withdrawn_program_cancelled").count() == 12
    status_row = AuditEvent.objects.get(action="program.cancel", object_id=str(program.pk))
    assert status_row.actor_id == manager.pk and status_row.after["move"] == move.token and status_row.after["enrollments_changed"] == 12
    assert AuditEvent.objects.filter(action="program.move_queued", after__move=move.token).exists()
    # The applicants with a phone were told, with the manager's reason.
    told = Notification.objects.filter(topic=f"enrollment_cancel:{program.pk}", channel="sms")
    assert told.count() == 12 and all("Gedung pelatihan rusak berat" in n.body for n in told)
    done = client.get(response.url).content.decode()
    assert 'data-finished="1"' in done and "Dibatalkan" in done and "12 pendaftaran berubah status" in done
    assert 'id="program-moving"' not in client.get(reverse("training:manage", args=[program.pk])).content.decode()


def test_a_small_program_still_changes_at_once(client, big, settings):
    manager, program = big
    settings.SISNAKER_PROGRAM_MOVE_BACKGROUND_ENROLLMENTS = 12
    client.force_login(manager)
    response = _cancel(client, program)
    assert response.status_code == 302 and response.url == reverse("training:manage", args=[program.pk])
    program.refresh_from_db()
    assert program.status == P.CANCELLED and not ProgramMove.objects.exists()


def test_what_can_be_checked_is_refused_at_once_without_queueing(client, big):
    manager, program = big
    with pytest.raises(ValidationFailed) as no_reason:
        moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="  ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(Conflict):  # a published program cannot be closed
        moves.program_transition_start(actor=manager, program=program, action="close", today=TODAY)
    outsider = ManagerFactory()
    client.force_login(outsider)
    assert _cancel(client, program).status_code == 403
    assert not ProgramMove.objects.exists()


def test_a_step_whose_author_lost_the_right_is_refused_and_changes_nothing(client, big, django_capture_on_commit_callbacks):
    manager, program = big
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="Dana ditarik")
    manager.role_assignments.all().delete()
    for callback in queued:
        callback()
    move = ProgramMove.objects.get(pk=started.move.pk)
    program.refresh_from_db()
    assert move.status == "refused" and move.outcome["refused"]["code"] and move.finished_at
    assert program.status == P.PUBLISHED and not Enrollment.objects.filter(program=program, state=E.WITHDRAWN).exclude(
        reason="").exclude(state_changed_at__lt=move.created_at).exists()
    assert AuditEvent.objects.filter(action="program.move_refused", after__move=move.token).exists()
    # The program is free again: another manager can take a step.
    other = staff(Role.INSTITUTION_MANAGER, institution=program.institution)
    assert moves.open_move(program=program) is None
    services.program_transition(actor=other, program=program, action="close_registration", today=TODAY)


def test_a_step_that_fails_half_way_leaves_nothing_and_frees_the_program(big, monkeypatch, django_capture_on_commit_callbacks):
    manager, program = big
    monkeypatch.setattr(services, "MOVE_CHUNK", 5)
    real = services.audit.record_many
    calls = []

    def record_many(**kwargs):
        calls.append(1)
        if len(calls) == 2:  # the second chunk: the first is already written in the step's transaction
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services.audit, "record_many", record_many)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="Dana ditarik")
    for callback in queued:  # the task fails (the worker records it failed)
        callback()
    move = ProgramMove.objects.get(pk=started.move.pk)
    program.refresh_from_db()
    assert move.status == "failed" and move.finished_at
    assert program.status == P.PUBLISHED and program.state_counts[E.REGISTERED] == 9
    assert Enrollment.objects.filter(program=program, state=E.WITHDRAWN).count() == 2
    assert not AuditEvent.objects.filter(action="enrollment.withdrawn_program_cancelled").exists()
    assert moves.open_move(program=program) is None


def test_a_step_whose_task_ended_for_good_no_longer_blocks_the_program(big, settings):
    manager, program = big
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    started = moves.program_transition_start(actor=manager, program=program, action="start", today=program.start_date)
    move = ProgramMove.objects.get(pk=started.move.pk)
    assert move.task_id and moves.open_move(program=program) == move
    with pytest.raises(Conflict):
        moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="Dana ditarik")
    # Its worker died on it three times (core.worker marks such a task failed).
    DBTaskResult.objects.filter(pk=move.task_id).update(status="FAILED")
    assert moves.open_move(program=program) is None
    move.refresh_from_db()
    assert move.status == "failed" and move.finished_at
    assert ProgramMove.objects.filter(program=program, finished_at__isnull=True).count() == 0


def test_one_open_step_per_program_is_kept_by_the_database(big):
    manager, program = big
    moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="Dana ditarik")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramMove.objects.create(token="f" * 32, program=program, institution=program.institution, created_by=manager,
                                   created_at=program.created_at, action="start", day=TODAY)


def test_the_step_page_is_only_for_whoever_asked(client, big, django_capture_on_commit_callbacks):
    manager, program = big
    with django_capture_on_commit_callbacks(execute=False):
        started = moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="Dana ditarik")
    url = reverse("training:program_move", args=[program.pk, started.move.token])
    colleague = staff(Role.INSTITUTION_MANAGER, institution=program.institution)
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    manage = client.get(reverse("training:manage", args=[program.pk])).content.decode()
    assert 'id="program-moving"' in manage and "Lihat kemajuan" not in manage, "colleagues see the step, not its page"
    client.force_login(manager)
    assert "0 dari 12 pendaftaran dipindahkan" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "0 of 12 enrollments moved" in client.get(url).content.decode()
    assert client.get(reverse("training:program_move", args=[program.pk, "0" * 32])).status_code == 404
    assert client.get(reverse("training:program_move", args=[program.pk, "not-a-token"])).status_code == 404


def test_the_api_answers_202_and_the_step_can_be_followed(client, big, django_capture_on_commit_callbacks):
    manager, program = big
    client.force_login(manager)
    url = f"/api/v1/training/programs/{program.pk}/transitions"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url, {"action": "cancel", "reason": "Dana ditarik"}, content_type="application/json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["expected"] == 12 and body["program_status"] is None
    assert client.post(url, {"action": "close_registration"}, content_type="application/json").status_code == 409
    for callback in queued:
        callback()
    followed = client.get(body["url"]).json()
    assert followed["status"] == "done" and followed["done"] == 12 and followed["program_status"] == P.CANCELLED
    client.force_login(staff(Role.INSTITUTION_MANAGER, institution=program.institution))
    assert client.get(body["url"]).status_code == 404


def test_closing_a_big_running_program_in_the_background_makes_alumni(big, django_capture_on_commit_callbacks, monkeypatch):
    manager, program = big
    monkeypatch.setattr(services, "MOVE_CHUNK", 2)  # several chunks, each reported
    Program.objects.filter(pk=program.pk).update(status=P.RUNNING)
    participants = enrollments_in(program, n=5, state=E.PARTICIPANT)
    Enrollment.objects.filter(pk__in=[e.pk for e in participants[:3]]).update(result="passed")
    program.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        started = moves.program_transition_start(actor=manager, program=program, action="close", today=program.end_date)
    move = ProgramMove.objects.get(pk=started.move.pk)
    program.refresh_from_db()
    assert move.status == "done" and move.done == 5 + 12 and program.status == P.CLOSED
    assert Enrollment.objects.filter(program=program, state=E.GRADUATED).count() == 3
    assert Enrollment.objects.filter(program=program, state=E.NOT_PASSED).count() == 2
    assert Enrollment.objects.filter(program=program, state=E.NOT_SELECTED).count() == 12


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_others_while_the_step_runs(big, monkeypatch, settings):
    if connection.vendor != "postgresql":
        pytest.skip("progress through a second connection: PostgreSQL (run with DATABASE_URL=postgres://…)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    manager, program = big
    monkeypatch.setattr(services, "MOVE_CHUNK", 4)
    seen = []
    real = services.audit.record_many

    def record_many(**kwargs):
        # Another connection (a page's) reads the step's row between two chunks.
        from django.db import connections

        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT done FROM training_programmove WHERE program_id = %s", [program.pk])
                seen.append(cursor.fetchone()[0])
        finally:
            other.close()
        return real(**kwargs)

    monkeypatch.setattr(services.audit, "record_many", record_many)
    started = moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="Dana ditarik")
    moves.program_move_run(move_id=started.move.pk)
    assert seen == [0, 4, 8], "each chunk's progress is committed for others to see before the step commits"
    assert ProgramMove.objects.get(pk=started.move.pk).done == 12


def test_while_a_step_is_open_other_changes_to_the_program_are_refused_at_once(client, big, django_capture_on_commit_callbacks):
    """The worker holds the program's lock for the whole step: a registration or an edit must not wait for it."""
    manager, program = big
    citizen = PersonFactory().user
    with django_capture_on_commit_callbacks(execute=False) as queued:
        moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="Dana ditarik")
    with pytest.raises(Conflict) as refused:
        services.enrollment_register(actor=citizen, program=program, person=citizen.person, today=program.registration_opens)
    assert refused.value.code == "program_move_open"
    client.force_login(citizen)
    page = client.post(reverse("training:register", kwargs={"pk": program.pk}), follow=True).content.decode()
    assert "sedang dikerjakan di latar" in page
    for callback in queued:
        callback()
    with pytest.raises(Conflict) as closed:  # afterwards, the usual answer of a cancelled program
        services.enrollment_register(actor=citizen, program=program, person=citizen.person, today=program.registration_opens)
    assert closed.value.code != "program_move_open"


def test_a_step_never_handed_to_a_worker_stops_blocking_after_a_while(big, django_capture_on_commit_callbacks):
    """With a task backend that queues after the commit (Redis), a crash between the two loses the task."""
    manager, program = big
    with django_capture_on_commit_callbacks(execute=False):  # the queueing hook never runs
        started = moves.program_transition_start(actor=manager, program=program, action="cancel", today=TODAY, reason="Dana ditarik")
    move = ProgramMove.objects.get(pk=started.move.pk)
    assert move.task_id == "" and moves.open_move(program=program) == move
    ProgramMove.objects.filter(pk=move.pk).update(created_at=timezone.now() - moves.NEVER_QUEUED_AFTER - timezone.timedelta(seconds=1))
    assert moves.open_move(program=program) is None
    move.refresh_from_db()
    assert move.status == "failed" and move.finished_at
