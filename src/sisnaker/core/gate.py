"""A waiting room for the costly paths (sign-up, log-in): at most ``limit`` requests at a time go through a
named gate, and the others are answered at once — 503 with ``Retry-After`` and a page that keeps what they
typed — instead of queueing in front of busy workers until they time out (issue 14 §3).

Why a gate and not only more workers: a sign-up costs a password hash (tens of milliseconds of one core) and a
few writes. When more arrive than the cores can hash, every extra request only makes all of them slower, until
gunicorn's timeout turns them into errors and the registrations are lost. With the gate, the requests inside
finish at full speed and the rest are told honestly when to come back (a browser keeps the form; an API client
retries after ``Retry-After``).

Slots are *leases that cannot leak*:

* on PostgreSQL, session-level advisory locks (``pg_try_advisory_lock(gate, slot)``) taken on the request's own
  connection: one round trip, nothing written, shared by every process and machine on the database (so the
  limit is the whole site's), and freed by PostgreSQL if the process dies;
* elsewhere (SQLite: one machine), ``flock`` on one file per slot under ``SISNAKER_GATE_DIR``, freed by the
  kernel if the process dies.

Limits: ``SISNAKER_GATES`` (JSON ``{"signup": 4, "login": 8}``; 0 turns a gate off), waits:
``SISNAKER_GATE_RETRY_AFTER`` seconds, with jitter so that refused clients do not come back together.
With PgBouncer in transaction mode advisory locks do not follow the session: use session mode for the web
processes or Django's own pool (docs/operations.md).
"""

from __future__ import annotations

import os
import random
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

from .codes import Code
from .errors import Msg, SisnakerError

DEFAULT_LIMITS = {"signup": 4, "login": 8}
DEFAULT_RETRY_AFTER = 10

BUSY = Msg(
    "Banyak orang sedang mendaftar atau masuk bersamaan. Data Anda tidak hilang: coba lagi dalam {s} detik.",
    "Many people are signing up or logging in at this moment. Nothing you typed is lost: try again in {s} seconds.",
)


class Busy(SisnakerError):
    """The gate is full: come back in ``retry_after`` seconds (503 with ``Retry-After``)."""

    http_status = 503

    def __init__(self, *, retry_after: int, message: Msg | None = None, **kw) -> None:
        message = message or BUSY
        super().__init__(message.format(s=retry_after), code=Code.BUSY, details={"retry_after": int(retry_after)}, **kw)
        self.retry_after = int(retry_after)


def limit_of(name: str) -> int:
    configured = getattr(settings, "SISNAKER_GATES", None) or {}
    return int(configured.get(name, DEFAULT_LIMITS.get(name, 0)))


def retry_after() -> int:
    """Seconds to wait: the configured wait, plus up to half again at random (spreads the returns)."""
    base = int(getattr(settings, "SISNAKER_GATE_RETRY_AFTER", DEFAULT_RETRY_AFTER))
    return base + random.randint(0, max(base // 2, 1))  # noqa: S311 — jitter, not a secret


def _gate_key(name: str) -> int:
    """A stable signed 32-bit number for the gate (the advisory lock's first key)."""
    value = zlib.crc32(f"sisnaker.gate.{name}".encode())
    return value - 2**32 if value >= 2**31 else value


class _PostgresSlots:
    def acquire(self, name: str, limit: int):
        key = _gate_key(name)
        with connection.cursor() as cursor:
            # Stops at the first slot it gets (the Limit node pulls one row at a time); nothing is written.
            cursor.execute(
                "SELECT s FROM generate_series(0, %s) AS s WHERE pg_try_advisory_lock(%s, s) LIMIT 1", [limit - 1, key]
            )
            row = cursor.fetchone()
        return (key, row[0]) if row else None

    def release(self, slot) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", list(slot))
        except DatabaseError:
            # The connection is broken: PostgreSQL freed its locks with it. Make sure it is not reused.
            connection.close()


class _FileSlots:
    def _dir(self) -> Path:
        folder = Path(getattr(settings, "SISNAKER_GATE_DIR", "") or Path(settings.DATA_DIR) / "gate")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def acquire(self, name: str, limit: int):
        import fcntl  # POSIX only; imported here so that the PostgreSQL path needs nothing of it

        folder, start = self._dir(), random.randrange(limit)  # noqa: S311 — spreads the tries, not a secret
        for i in range(limit):
            fd = os.open(folder / f"{name}.{(start + i) % limit}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            return fd
        return None

    def release(self, slot) -> None:
        os.close(slot)  # closing the file frees its lock


def _slots():
    return _PostgresSlots() if connection.vendor == "postgresql" else _FileSlots()


@contextmanager
def admit(name: str) -> Iterator[None]:
    """Run the body holding one of the gate's slots, or raise ``Busy`` at once when all are taken."""
    limit = limit_of(name)
    if limit <= 0:
        yield
        return
    slots = _slots()
    slot = slots.acquire(name, limit)
    if slot is None:
        raise Busy(retry_after=retry_after())
    try:
        yield
    finally:
        slots.release(slot)
