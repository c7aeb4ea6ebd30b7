"""Helpers for the tests of data migrations: go back to a set of migrations, write rows with the models of then, come
back to the latest (always, even when the test fails: the other tests need the current schema)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets: list[tuple[str, str]]) -> None:
    """Apply or unapply migrations so that ``targets`` (app, migration name) are the latest of their apps."""
    MigrationExecutor(connection).migrate(targets)


def migrate_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def models_at(targets: list[tuple[str, str]]):
    """The historical app registry at ``targets``: ``models_at(BEFORE).get_model("app", "Model")``."""
    return MigrationExecutor(connection).loader.project_state(targets).apps
