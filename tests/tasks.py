"""Tasks as the database backend keeps them (django-tasks-db): what a change queued, as rows, and running one as a
worker would. Tests that must see a task written in the change's own transaction set ``settings.TASKS = DB_TASKS``."""

from __future__ import annotations

from typing import Any

from django_tasks_db.models import DBTaskResult

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued(task_name: str) -> list[DBTaskResult]:
    """The queued rows of the task named ``task_name`` (its function's name)."""
    return list(DBTaskResult.objects.filter(task_path__endswith=f".{task_name}"))


def run_as_worker(row: DBTaskResult) -> Any:
    """Run a queued task's function with its stored arguments, as a worker does (without marking the row)."""
    return row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
