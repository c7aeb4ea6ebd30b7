"""Dashboards at national size (issue 13 "Speed"): each dashboard view from the read model against the raw
``GROUP BY`` on the base tables that answers (part of) the same page, in the same run, on a database built by
``sisnaker seed``.

    createdb sisnaker_seed && export DATABASE_URL=postgres://postgres@127.0.0.1:5432/sisnaker_seed
    sisnaker migrate && sisnaker loadregions
    sisnaker seed --persons 5000000 --institutions 5000 --programs 100000 --enrollments 20000000 --accounts 0.02
    .venv/bin/python bench/bench_dashboard.py [--repeat 7] [--skip-refresh]

First the figures are rebuilt in full (``reporting.services.figures_refresh(full=True)``: what the housekeeping
pass does once a day) and its time printed. Then an hour of the hourly refresh: with nothing changed (the look-up
of the changed rows), and after ``--changes`` new enrolments (registered half an hour ago) of residents of four
provinces — inserted, refreshed and rolled back in one transaction, so the data set and its figures are left as
they were. Then, for each view (nation; a province by sex; a regency by
vocational field; a district), the median of ``--repeat`` runs after one warm-up of:

* page ms: the whole page through Django's test Client as the seed's curator or Jawa Barat officer (middleware,
  session, permission, queries, template) — the server time the issue's 300 ms bar is about;
* read ms: ``selectors.dashboard`` alone (what the page reads);
* raw ms: the baseline, hand-written SQL over ``training_enrollment`` ⨝ ``accounts_person`` ⨝ ``training_program``
  giving, for three of the page's nine measures only (applicants, participants, alumni), the children's counts,
  the breakdown and the months — what a dashboard without a read model would run per request. It computes less
  than the page shows, so the ratio raw / page understates the gain.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
os.environ.setdefault("DEBUG", "0")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("DATABASE_URL must name a PostgreSQL database built by `sisnaker seed`.")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from sisnaker.accounts.models import User  # noqa: E402
from sisnaker.demo.seed import seed_info  # noqa: E402
from sisnaker.reporting import selectors, services  # noqa: E402
from sisnaker.reporting.models import Fact, Figure, RefreshState  # noqa: E402

STARTED = "('participant','graduated','not_passed','dropped_out')"
DIM_SQL = {"sex": "p.sex", "field": "g.vocational_field_id::text", "age": "p.education"}


def raw_sql(region: str, year: int, dim: str) -> tuple[str, list]:
    """Children, breakdown and months of applicants, participants and alumni for the residents of ``region``."""
    where, params = "", []
    if region:
        where = "AND p.domicile_district_id LIKE %s"
        params.append(region + ".%")
    child = {0: "substr(p.domicile_district_id, 1, 2)", 2: "substr(p.domicile_district_id, 1, 5)",
             5: "p.domicile_district_id", 8: "p.domicile_district_id"}[len(region)]
    start, end = f"{year}-01-01", f"{year + 1}-01-01"
    events = f"""
      SELECT 'applicants' AS m, e.registered_at::date AS day, e.person_id, e.program_id FROM training_enrollment e
        WHERE e.registered_at >= '{start}' AND e.registered_at < '{end}'
      UNION ALL
      SELECT 'participants', g.start_date, e.person_id, e.program_id FROM training_enrollment e
        JOIN training_program g ON g.id = e.program_id
        WHERE e.state IN {STARTED} AND g.start_date >= '{start}' AND g.start_date < '{end}'
      UNION ALL
      SELECT 'alumni', e.state_changed_at::date, e.person_id, e.program_id FROM training_enrollment e
        WHERE e.state = 'graduated' AND e.state_changed_at >= '{start}' AND e.state_changed_at < '{end}'"""
    body = f"""FROM ({events}) x JOIN accounts_person p ON p.id = x.person_id JOIN training_program g ON g.id = x.program_id
               WHERE true {where}"""
    sql = f"""
      SELECT 'child', {child}, m, count(*) {body} GROUP BY 2, 3
      UNION ALL SELECT 'dim', {DIM_SQL[dim]}, m, count(*) {body} GROUP BY 2, 3
      UNION ALL SELECT 'month', to_char(day, 'MM'), m, count(*) {body} GROUP BY 2, 3"""
    return sql, params * 3


HOUR_PROVINCES = ("32", "35", "33", "73")  # Jawa Barat, Jawa Timur, Jawa Tengah, Sulawesi Selatan


def new_enrollments(n: int, at) -> int:
    """``n`` applications to the newest program, made at ``at``, by residents of ``HOUR_PROVINCES`` not yet in it."""
    per = n // len(HOUR_PROVINCES)
    with connection.cursor() as c:
        c.execute("SELECT id FROM training_program ORDER BY start_date DESC, id DESC LIMIT 1")
        program = c.fetchone()[0]
        people = " UNION ALL ".join(
            "(SELECT p.id FROM accounts_person p WHERE p.domicile_district_id LIKE %s AND NOT EXISTS"
            " (SELECT 1 FROM training_enrollment e WHERE e.person_id = p.id AND e.program_id = %s) LIMIT %s)"
            for _ in HOUR_PROVINCES)
        params = [v for code in HOUR_PROVINCES for v in (code + ".%", program, per)]
        c.execute("INSERT INTO training_enrollment (state, result, reason, late, late_reason, source, registered_at,"
                  " state_changed_at, person_id, program_id) SELECT 'registered', 'pending', '', false, '', 'manager',"
                  f" %s, %s, x.id, %s FROM ({people}) x", [at, at, program, *params])  # noqa: S608 - fixed text
        return c.rowcount


def hour_of_changes(n: int) -> None:
    """The hourly refresh: the last one an hour ago; nothing changed, then ``n`` new enrolments (rolled back)."""
    now = timezone.now()
    with transaction.atomic():
        RefreshState.objects.filter(id=1).update(watermark=now - dt.timedelta(hours=1), full_at=now - dt.timedelta(hours=1))
        t = time.perf_counter()
        done = services.figures_refresh(now=now)
        print(f"hourly refresh, nothing changed: {time.perf_counter() - t:.2f} s (years {done['years']})")
        RefreshState.objects.filter(id=1).update(watermark=now - dt.timedelta(hours=1))
        inserted = new_enrollments(n, now - dt.timedelta(minutes=30))
        t = time.perf_counter()
        done = services.figures_refresh(now=now)
        seconds = time.perf_counter() - t
        print(f"hourly refresh after {inserted:,} new enrolments in provinces {', '.join(HOUR_PROVINCES)}: "
              f"{seconds:.1f} s ({done['rows']:,} source rows; {len(done['units'])} (year, basis, province) units: "
              f"{', '.join(f'{y}/{b}/{p}' for y, b, p in done['units'])})")
        transaction.set_rollback(True)  # the data set and its figures as they were


def median_ms(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-refresh", action="store_true", help="use the figures as they are")
    parser.add_argument("--changes", type=int, default=2000, help="new enrolments in the hour of changes")
    parser.add_argument("--skip-hour", action="store_true", help="do not time the hourly refresh")
    args = parser.parse_args()
    info = seed_info()
    if info is None:
        sys.exit("no `sisnaker seed` data set in this database")
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM accounts_person")
        persons = c.fetchone()[0]
        c.execute("SELECT count(*) FROM training_enrollment")
        enrollments = c.fetchone()[0]
    print(f"data set: {persons:,} persons, {enrollments:,} enrollments")
    if not args.skip_refresh:
        t = time.perf_counter()
        done = services.figures_refresh(now=timezone.now(), full=True)
        print(f"full refresh: {time.perf_counter() - t:.1f} s for years {done['years']} "
              f"({Fact.objects.count():,} facts, {Figure.objects.count():,} figures)")
    if not args.skip_hour:
        hour_of_changes(args.changes)
    year = max(selectors.years())
    setup_test_environment()
    client = Client()
    views = [
        ("nation, by sex", info["curator"], "", "sex"),
        ("province 32, by sex", info["officer_jabar"], "32", "sex"),
        ("regency 32.73, by field", info["officer_jabar"], "32.73", "field"),
        ("district 32.73.01", info["officer_jabar"], "32.73.01", "sex"),
    ]
    print(f"\nyear {year}; median of {args.repeat} after a warm-up")
    print(f"{'view':28} {'page ms':>8} {'read ms':>8} {'raw ms':>9} {'raw/page':>9}  goal")
    for label, username, region, dim in views:
        client.force_login(User.objects.get(username=username))
        url = f"/laporan/?wilayah={region}&tahun={year}&rincian={dim}"

        def page():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        def read():
            selectors.dashboard(region=region, basis="d", year=year, dim=dim)

        sql, params = raw_sql(region, year, dim)

        def raw():
            with connection.cursor() as c:
                c.execute(sql, params)
                c.fetchall()

        page_ms, read_ms = median_ms(page, args.repeat), median_ms(read, args.repeat)
        raw_ms = median_ms(raw, max(1, min(args.repeat, 3)))
        print(f"{label:28} {page_ms:8.1f} {read_ms:8.1f} {raw_ms:9.1f} {raw_ms / page_ms:8.1f}x  "
              f"{'met' if page_ms < 300 else 'NOT met'} (< 300 ms)")


if __name__ == "__main__":
    main()
