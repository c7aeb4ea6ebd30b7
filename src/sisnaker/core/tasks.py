"""Background work of the shared kernel (django.tasks)."""

from __future__ import annotations

from django.tasks import task


@task
def housekeeping() -> dict:
    """One housekeeping pass (``core.housekeeping``), then the next one is queued."""
    # Imported here: core.housekeeping imports this module (it queues this task): a cycle inside core.
    from . import housekeeping as jobs

    results = jobs.run()
    # The next pass, unless the backend cannot defer (it would run at once, for ever).
    jobs.ensure_scheduled(only_deferred=True)
    return {k: v if isinstance(v, (int, str, dict)) else str(v) for k, v in results.items()}
