"""Background work of exports (django.tasks): writing an export's file (``services.export_run``)."""

from __future__ import annotations

from django.tasks import TaskContext, task


@task(takes_context=True)
def run_export(context: TaskContext, *, job_id: int) -> dict:
    """Write one export's file; queued by ``services.export_request`` once its transaction has committed."""
    # Imported here to break a cycle inside exports: services enqueues this task.
    from .services import export_run

    return export_run(job_id=job_id, task_id=context.task_result.id)
