"""Reads that may be served by a read replica (DATABASE_REPLICA_URL, docs/operations.md "Many machines").

Only code that opts in reads from the replica, because a replica lags its primary by a moment: a page
that has just saved something must read it back from the primary. Reports, public statistics and
big public lists opt in::

    from sisnaker.core import replica

    with replica.reads():
        rows = list(selectors.catalogue_page(...))

    @replica.reads()            # or around a whole view, rendering included
    def catalogue(request): ...

Inside ``reads()`` a query goes to the replica when one is configured, except while the default
database is inside a transaction (``transaction.atomic``): whatever that transaction wrote, or locked,
is read back from the primary. Writes always go to the primary. Without a replica every query goes to
the primary, so the same code runs on one machine and on many.
"""

from __future__ import annotations

import contextvars
from contextlib import ContextDecorator

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reading = contextvars.ContextVar("sisnaker_replica_reads", default=False)


class reads(ContextDecorator):  # noqa: N801 - used like a function: `with replica.reads():`
    """Let the queries inside go to the read replica (a context manager and a decorator)."""

    def _recreate_cm(self):
        # A decorated view runs in many threads at once: each call gets its own token.
        return type(self)()

    def __enter__(self):
        self._token = _reading.set(True)
        return self

    def __exit__(self, *exc):
        _reading.reset(self._token)
        return False


def configured() -> bool:
    return REPLICA in settings.DATABASES


def active() -> bool:
    """Whether a read issued now would go to the replica."""
    return _reading.get() and configured() and not connections["default"].in_atomic_block


class ReplicaRouter:
    """Routes opted-in reads to the ``replica`` alias; everything else to ``default``."""

    def db_for_read(self, model, **hints):
        return REPLICA if active() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: an object read from either may point to one
        # read from the other.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary through replication; nothing is ever migrated on it.
        return db != REPLICA
