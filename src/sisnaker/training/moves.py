"""Lifecycle steps of big programs in the background (issue 14: nothing a manager does may cost more, inside a
request, as the country's programs grow).

Starting, closing or cancelling a program moves every enrolment still in it (applicants not selected, participants
to alumni, everyone withdrawn), each with its audit row and, for most, a message. For a program of 100,000 that took
18 s inside the request on the national data set, past gunicorn's timeout at twice the size. So:

* ``program_transition_start`` takes the step at once (``services.program_transition``) when it moves at most
  ``background_enrollments()`` enrolments (``SISNAKER_PROGRAM_MOVE_BACKGROUND_ENROLLMENTS``, 5,000 by default;
  counted from the program's maintained counters), and otherwise checks at once what it can (who, the step, the
  reason, the dates, on today's date), records a ``ProgramMove`` and queues ``tasks.run_program_move`` with the same
  transaction.
* While a step is open (queued or running), no other step of that program can be taken
  (``services.refuse_while_moving``; a partial unique index allows one open step per program).
* ``program_move_run`` (the task) takes the step in ONE transaction with the very same service code, judged on the
  day it was asked, and writes its outcome on the ``ProgramMove`` in that transaction: a worker killed mid-step
  leaves nothing (the worker's takeover runs it again), and one killed just after the COMMIT finds it done. Progress
  (enrolments moved so far) is written through a second connection (``core.progress``; PostgreSQL).
* A step whose task failed for good (the worker died on it ``core.worker.MAX_ATTEMPTS`` times), or that was never
  handed to a worker ``NEVER_QUEUED_AFTER`` after it was asked, is closed as failed the next time anyone looks at the
  program's open step, so the program is never blocked for ever.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.errors import Msg, NotFound, SisnakerError, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.core.progress import side_updater
from sisnaker.core.tasks import enqueue_with_transaction

from . import domain, services
from .codes import Audit, Code
from .models import Program, ProgramMove
from .tasks import run_program_move

logger = logging.getLogger("sisnaker.training")

MOVE_NOT_FOUND = Msg("Langkah program tidak ditemukan.", "Program step not found.")
BACKGROUND_ACTIONS = ("start", "close", "cancel")  # the steps that move enrolments (domain.PROGRAM_ENROLLMENT_EFFECTS)


def background_enrollments() -> int:
    """A step that moves more enrolments than this runs in the background."""
    return int(getattr(settings, "SISNAKER_PROGRAM_MOVE_BACKGROUND_ENROLLMENTS", 5000))


def enrollments_to_move(*, program: Program, action: str) -> int:
    """How many enrolments ``action`` moves, from the program's maintained counters (no count over its rows)."""
    counts = program.state_counts
    return sum(counts.get(state, 0) for state in domain.PROGRAM_ENROLLMENT_EFFECTS.get(action, {}))


@dataclass(frozen=True)
class Started:
    """What ``program_transition_start`` did: the step taken (``move`` None, ``program`` has its new status) or
    queued (``move``, the program unchanged for now)."""

    program: Program
    move: ProgramMove | None = None


@transaction.atomic(durable=True)
def program_transition_start(*, actor: User, program: Program, action: str, today: dt.date, reason: str = "") -> Started:
    """Take a lifecycle step of ``program`` (``services.program_transition``'s actions and rules): at once when it
    moves at most ``background_enrollments()`` enrolments, else queued for the background worker after the same
    checks (refused at once with the same errors). Conflict while another step of the program is open."""
    if action not in domain.PROGRAM_TRANSITIONS:
        raise ValidationFailed(Msg("Tindakan tidak dikenal.", "Unknown action."), code=Code.PROGRAM_ACTION)
    program = services.lock_program(program)
    require(actor, "program.manage", program)
    services.refuse_while_moving(program)
    expected = enrollments_to_move(program=program, action=action)
    if action not in BACKGROUND_ACTIONS or expected <= background_enrollments():
        return Started(program=services.transition_locked(actor=actor, program=program, action=action, today=today, reason=reason))
    services.transition_check(program=program, action=action, today=today, reason=reason)
    now = timezone.now()
    move = ProgramMove.objects.create(
        token=uuid.uuid4().hex, program=program, institution_id=program.institution_id, created_by=actor, created_at=now,
        action=action, reason=(reason or "").strip(), day=today, expected=expected,
    )
    audit.record(actor=actor, action=Audit.MOVE_QUEUED, obj=program, at=now, reason=move.reason,
                 after={"move": move.token, "action": action, "enrollments": expected, "day": today.isoformat()})
    # Queued with this transaction (``enqueue_with_transaction``): no crash can leave a step without its task.
    enqueue_with_transaction(run_program_move, move_id=move.pk,
                             then=lambda result: ProgramMove.objects.filter(pk=move.pk, task_id="").update(task_id=result.id))
    return Started(program=program, move=move)


# --- the task ---------------------------------------------------------------------------------------

def program_move_run(*, move_id: int, task_id: str = "") -> dict:
    """Take the queued step (the task ``run_program_move``). Run again after its worker died, it starts over (the
    step's transaction died with the worker) or finds it done."""
    move = ProgramMove.objects.select_related("program", "created_by").get(pk=move_id)
    if move.finished:
        return {"move": move.token, "status": move.status}
    ProgramMove.objects.filter(pk=move.pk, finished_at__isnull=True).update(
        status=ProgramMove.Status.RUNNING, done=0, task_id=task_id or move.task_id)
    update, close = side_updater(ProgramMove, move.pk)
    moved = [0]

    def progress(count: int) -> None:
        moved[0] = count
        update(done=count)

    try:
        with transaction.atomic(durable=True):
            program = services.lock_program(move.program, moving=True)
            # Its author may have lost the institution's management since they asked.
            require(move.created_by, "program.manage", program)
            program = services.transition_locked(actor=move.created_by, program=program, action=move.action, today=move.day,
                                           reason=move.reason, progress=progress, move=move.token)
            # Written in the step's own transaction: committed with it, or not at all.
            ProgramMove.objects.filter(pk=move.pk).update(
                status=ProgramMove.Status.DONE, finished_at=timezone.now(), done=moved[0],
                outcome={"status": program.status, "moved": moved[0]})
    except SisnakerError as exc:
        # Refused as a whole (the program changed meanwhile, its author lost the right): nothing was moved.
        logger.warning("program step %s refused: %s", move.pk, exc.code)
        with transaction.atomic(durable=True):
            ProgramMove.objects.filter(pk=move.pk).update(
                status=ProgramMove.Status.REFUSED, finished_at=timezone.now(), done=0,
                outcome={"refused": {"code": str(exc.code), "id": exc.message.id, "en": exc.message.en}})
            audit.record(actor=move.created_by, action=Audit.MOVE_REFUSED, obj=move.program,
                         after={"move": move.token, "action": move.action, "code": str(exc.code)})
        return {"move": move.token, "status": ProgramMove.Status.REFUSED}
    except Exception:
        # Nothing was moved (the transaction rolled back): the program is free for another try. A lost database
        # cannot record this; the step then stays open and the worker runs it again once the database is back.
        with contextlib.suppress(DatabaseError):
            ProgramMove.objects.filter(pk=move.pk, finished_at__isnull=True).update(
                status=ProgramMove.Status.FAILED, finished_at=timezone.now(), done=0)
        raise
    finally:
        close()
    return {"move": move.token, "status": ProgramMove.Status.DONE, "moved": moved[0]}


# --- reads ------------------------------------------------------------------------------------------

_TERMINAL = (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)
NEVER_QUEUED_AFTER = dt.timedelta(minutes=10)


def open_move(*, program: Program) -> ProgramMove | None:
    """The program's step queued or running in the background, if any (one query; two more when it has one). One
    whose task has ended without finishing it (its worker died on it too often) is closed as failed here."""
    move = ProgramMove.objects.filter(program_id=program.pk, finished_at__isnull=True).first()
    if move is None:
        return None
    if not move.task_id:
        # Queued after its transaction committed (a task backend other than the database's) and lost on the way: a
        # step never handed to a worker must not block the program for ever.
        if move.created_at < timezone.now() - NEVER_QUEUED_AFTER:
            ProgramMove.objects.filter(pk=move.pk, finished_at__isnull=True, task_id="").update(
                status=ProgramMove.Status.FAILED, finished_at=timezone.now())
            logger.warning("program step %s closed: never handed to a worker", move.pk)
            return None
        return move
    try:
        status = run_program_move.get_result(move.task_id).status
    except Exception:  # noqa: BLE001 - a backend that cannot tell (results not kept): the step stays open
        return move
    if status not in _TERMINAL:
        return move
    ProgramMove.objects.filter(pk=move.pk, finished_at__isnull=True).update(
        status=ProgramMove.Status.FAILED, finished_at=timezone.now())
    logger.warning("program step %s closed: its task ended (%s) without finishing it", move.pk, status)
    return None


def program_move_get(*, actor: User, program: Program, token: str) -> ProgramMove:
    """The step named by ``token``, for the user who asked for it (and may still manage the program); NotFound for
    anyone else, as for an unknown token. An open step whose task ended for good is shown failed."""
    move = None
    if len(token) == 32 and all(ch in "0123456789abcdef" for ch in token):
        move = ProgramMove.objects.filter(token=token, program=program).first()
    if move is None or move.created_by_id != getattr(actor, "pk", None):
        raise NotFound(MOVE_NOT_FOUND, code=Code.PROGRAM_MOVE_NOT_FOUND)
    require(actor, "program.manage", program)
    if not move.finished and open_move(program=program) is None:
        move.refresh_from_db()
    return move
