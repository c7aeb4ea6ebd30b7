"""The embedded SQLite database: two requests that each read and then write wait for each other instead of one
failing with "database is locked" (found by trying it: a double tap on "Daftar" answered the second tap 503)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded SQLite database's settings")


def _read_then_write(path: str, options: dict, *, first: threading.Event, wait_for: threading.Event | None,
                     errors: list) -> None:
    db = DatabaseWrapper({**connection.settings_dict, "NAME": path, "OPTIONS": options}, alias=f"race{id(first)}")
    try:
        if wait_for is not None:
            wait_for.wait(10)
        db.ensure_connection()
        db._start_transaction_under_autocommit()  # what transaction.atomic does on SQLite
        with db.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM seats")
            taken = cursor.fetchone()[0]
            if wait_for is None:
                first.set()
                time.sleep(0.4)  # the other request begins meanwhile
            cursor.execute("INSERT INTO seats (n) VALUES (%s)", [taken + 1])
            cursor.execute("COMMIT")
    except Exception as exc:  # noqa: BLE001 - the failure is what is counted
        errors.append(exc)
    finally:
        db.close()


def _race(path: str, options: dict) -> list:
    errors: list = []
    first = threading.Event()
    threads = [threading.Thread(target=_read_then_write, args=(path, options), kwargs={"first": first, "wait_for": None, "errors": errors}),
               threading.Thread(target=_read_then_write, args=(path, options), kwargs={"first": first, "wait_for": first, "errors": errors})]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


@pytest.mark.django_db
def test_two_read_then_write_transactions_wait_for_each_other(tmp_path, settings):
    import sqlite3

    options = dict(settings.DATABASES["default"]["OPTIONS"])
    for name, opts, fails in (("configured.sqlite3", options, False),
                              ("deferred.sqlite3", options | {"transaction_mode": "DEFERRED"}, True)):  # the control
        path = str(tmp_path / name)
        with sqlite3.connect(path) as setup:
            setup.execute("PRAGMA journal_mode=WAL")
            setup.execute("CREATE TABLE seats (n INTEGER)")
        errors = _race(path, opts)
        assert bool(errors) is fails, errors
        if not fails:
            with sqlite3.connect(path) as check:
                assert [r[0] for r in check.execute("SELECT n FROM seats ORDER BY n")] == [1, 2]
