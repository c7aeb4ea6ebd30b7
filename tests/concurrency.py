"""Shared harness for the PostgreSQL concurrency tests: real threads with their own connections,
released together by a barrier. No mocks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from sisnaker.core.errors import SisnakerError


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency tests need PostgreSQL (row locks); SQLite serialises writers. "
                    "Set DATABASE_URL=postgres://… to run them.")


def race(calls):
    """Run each callable in its own thread (own DB connection), all released at the same moment.
    Returns ("ok", value) / ("refused", SisnakerError) per call, in order; any other exception
    (IntegrityError, deadlock: what a user would see as a 500) fails the test."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, fn):
        try:
            connection.ensure_connection()  # connect first, so the barrier releases ready threads
            barrier.wait(timeout=30)
            outcomes[i] = ("ok", fn())
        except SisnakerError as exc:
            outcomes[i] = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - reported below as a test failure
            outcomes[i] = ("crash", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (lock wait?)"
    crashes = [o for o in outcomes if o[0] == "crash"]
    assert not crashes, f"unexpected errors: {crashes!r}"
    return outcomes
