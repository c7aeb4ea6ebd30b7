"""Background work of training (django.tasks): large imports and exports (``run_spreadsheet_job``, see
``spreadsheets/jobs.py``), big programs' lifecycle steps (``run_program_move``, see ``moves.py``); import error
files are deleted when they expire.

Each stored error file enqueues its own deletion for its expiry time (``run_after``), and every store
also enqueues a sweep of whatever else has expired (a deletion lost with a worker, a backend that
cannot defer), so nothing holding NIKs outlives its week without a cron line."""

from __future__ import annotations

from django.tasks import TaskContext, task


@task
def delete_import_error_file(*, error_file_id: int) -> dict:
    """Delete one error file if it has expired (run early, it waits for the sweep)."""
    # Imported here to break a cycle inside training: spreadsheets.services enqueues these tasks.
    from .spreadsheets.services import error_files_delete_expired

    return {"deleted": error_files_delete_expired(ids=[error_file_id])}


@task
def sweep_import_error_files() -> dict:
    """Delete every expired error file that is still kept."""
    # Imported here to break a cycle inside training: spreadsheets.services enqueues these tasks.
    from .spreadsheets.jobs import spreadsheet_jobs_delete_expired
    from .spreadsheets.services import error_files_delete_expired

    return {"deleted": error_files_delete_expired(), "job_files_deleted": spreadsheet_jobs_delete_expired()}


@task(takes_context=True)
def run_spreadsheet_job(context: TaskContext, *, job_id: int) -> dict:
    """A large import or export (``spreadsheets.jobs``), queued by its start service once committed."""
    # Imported here to break a cycle inside training: spreadsheets.jobs enqueues this task.
    from .spreadsheets.jobs import spreadsheet_job_run

    return spreadsheet_job_run(job_id=job_id, task_id=context.task_result.id)


@task(takes_context=True)
def run_program_move(context: TaskContext, *, move_id: int) -> dict:
    """A big program's lifecycle step (``moves``), queued by ``moves.program_transition_start`` with its request."""
    # Imported here to break a cycle inside training: moves enqueues this task.
    from .moves import program_move_run

    return program_move_run(move_id=move_id, task_id=context.task_result.id)
