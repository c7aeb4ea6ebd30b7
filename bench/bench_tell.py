"""Telling a program's applicants its new dates: the manager's request (``training.services.program_update``) with the
messages written after commit by a background task (``notifications.tell_people``), against the same request writing
every message itself (as it does for up to ``TELL_INLINE_MAX`` people; raised past the audience here), and the task's
work against a raw COPY of the same notification rows, in the same run.

    .venv/bin/python bench/bench_tell.py [--rows 100000]

    # against PostgreSQL; the database named in DATABASE_URL is DROPPED and created anew ("bench" in its name):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sisnaker_bench_tell .venv/bin/python bench/bench_tell.py

Without DATABASE_URL a temporary SQLite file is used. The script migrates, loads the regions, makes a manager and a
program (``bench_import.setup_world``) with ``--rows`` applicants written straight into the tables
(``bench_export.make_rows``), then moves the program's dates twice: once as the service does it now (the request, then
the task's work timed apart: ``tell_groups`` on the payload the task would get), once with every message written in
the request. Prints seconds for each and the ratios.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_export import make_rows  # noqa: E402
from bench_import import boot  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()

    t = time.perf_counter()
    _tmp, actor, (program, _), _took = boot(dt.date.today())
    from django.db import connection
    from django.utils import timezone

    from sisnaker.notifications import services as notifications
    from sisnaker.notifications.models import Notification
    from sisnaker.training import services

    make_rows(program, actor, args.rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    print(f"setup ({args.rows:,} applicants): {time.perf_counter() - t:.1f} s")

    payloads = []
    real_tell_later = notifications.tell_people_later

    class Keep:  # the task's payload kept, so its work is timed apart from the request
        @staticmethod
        def enqueue(**kwargs):
            payloads.append(kwargs)

    def move(days: int) -> float:
        program.refresh_from_db()
        data = services.ProgramData(**{n: getattr(program, n) for n in services.PROGRAM_FIELDS},
                                    competency_unit_ids=tuple(program.competency_units.values_list("pk", flat=True)))
        data = dataclasses.replace(data, start_date=program.start_date + dt.timedelta(days=days),
                                   end_date=program.end_date + dt.timedelta(days=days))
        t = time.perf_counter()
        services.program_update(actor=actor, program=program, data=data)
        return time.perf_counter() - t

    inline_max = notifications.TELL_INLINE_MAX
    # Every audience after commit here (a small --rows would otherwise stay under the bound and be written inline).
    notifications.tell_people_later, notifications.TELL_INLINE_MAX = Keep, 0
    try:
        request_s = move(1)
    finally:
        notifications.tell_people_later, notifications.TELL_INLINE_MAX = real_tell_later, inline_max
    (payload,) = payloads
    t = time.perf_counter()
    written = notifications.tell_groups(topic=payload["topic"], groups=payload["groups"],
                                        at=dt.datetime.fromisoformat(payload["at"]), channels=payload["channels"])
    task_s = time.perf_counter() - t
    t = time.perf_counter()
    again = notifications.tell_groups(topic=payload["topic"], groups=payload["groups"],
                                      at=dt.datetime.fromisoformat(payload["at"]), channels=payload["channels"])
    retry_s = time.perf_counter() - t
    notifications.TELL_INLINE_MAX = args.rows + 1
    try:
        inline_s = move(1)
    finally:
        notifications.TELL_INLINE_MAX = inline_max

    raw_s = None
    if connection.vendor == "postgresql":
        rows = list(Notification.objects.filter(topic=payload["topic"]).values_list(
            "channel", "person_id", "recipient", "topic", "subject", "body", "status"))
        now = timezone.now()
        with connection.cursor() as cursor:
            t = time.perf_counter()
            with cursor.cursor.copy("COPY notifications_notification (channel, person_id, recipient, topic, subject, body, status, "
                                    "sealed, error, created_at) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row[:3], "bench.raw", *row[4:], "", "", now))
            raw_s = time.perf_counter() - t

    print(f"date change, the manager's request (messages after commit): {request_s * 1000:8.0f} ms")
    print(f"date change, every message written in the request:         {inline_s * 1000:8.0f} ms"
          f"  -> the request is {inline_s / request_s:.1f}x faster")
    print(f"the task's work: {written:,} notifications in {task_s:.2f} s; its rerun wrote {again} in {retry_s:.2f} s")
    if raw_s is not None:
        print(f"raw COPY of the same {len(rows):,} rows: {raw_s:.2f} s -> the task takes {task_s / raw_s:.1f}x raw "
              "(it also reads contacts and languages, and checks who was told today)")


if __name__ == "__main__":
    main()
