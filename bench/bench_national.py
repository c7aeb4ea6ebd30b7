"""Pages at national size (issue 14 §2): each page against the plain SQL that returns the same rows, in the
same run, on a database built by ``sisnaker seed``, with the scan types of the page's query plans.

    DATABASE_URL=postgres://…/sisnaker_seed sisnaker seed --persons 1000000 --institutions 2000 \\
        --programs 20000 --enrollments 5000000 --big-program 100000
    DATABASE_URL=postgres://…/sisnaker_seed .venv/bin/python bench/bench_national.py [--repeat 5] [--only catalogue,…]

Reads only (nothing is written but the sessions of the test client and the audit rows some pages write by
design, e.g. a NIK look-up). Uses the log-ins and program ids that ``sisnaker seed`` recorded
(``demo.seed.seed_info``). For each page, with Django's test Client (full stack: middleware, session,
permission checks, queries, template), the median of ``--repeat`` runs after one warm-up:

* page ms, and the number of queries it ran;
* SQL ms: one hand-written SELECT returning the same rows as the page shows (its first page), timed with
  the same connection; ratio = page / SQL; goal = issue 14's bar for the page;
* the plans: EXPLAIN ANALYZE of every SELECT the page ran, the scan nodes listed as ``Seq Scan persons`` etc.;
  a sequential scan of ``accounts_person`` or ``training_enrollment`` that read more than a tenth of the table is
  flagged ``SEQ!`` (the issue asks for none on these pages); one stopped early by a LIMIT shows the rows it read.

Pages: public catalogue (anonymous, first page); manager's enrollment table of the largest program and its
search by name; residents list national (curator) and Jawa Barat (regional officer of province 32);
manager's program list of the largest program's institution; readiness board of the closed program of
``--board-program`` alumni; admin person list and audit list (Django admin), and the audit trail page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
os.environ.setdefault("DEBUG", "0")  # no query log: measure what production runs
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("DATABASE_URL must name a PostgreSQL database built by `sisnaker seed`.")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from sisnaker.accounts.models import Person, RoleAssignment, User  # noqa: E402
from sisnaker.core.roles import Role  # noqa: E402
from sisnaker.demo.seed import seed_info  # noqa: E402
from sisnaker.training.models import Enrollment  # noqa: E402
from sisnaker.training.selectors import PUBLIC_STATUSES  # noqa: E402

BIG_TABLES = {"accounts_person", "training_enrollment"}
SEATS = "('participant','graduated','not_passed','dropped_out')"


def sql_catalogue(info):
    statuses = ",".join(f"'{s}'" for s in PUBLIC_STATUSES)
    return f"""
SELECT p.*, (SELECT count(*) FROM training_enrollment e WHERE e.program_id = p.id AND e.state IN {SEATS}) AS seats
FROM (SELECT p.id, p.title, p.start_date, p.status, p.quota, i.name AS institution, r.name AS regency, pr.name AS province,
             vf.name AS field
      FROM training_program p JOIN institutions_institution i ON i.id = p.institution_id
      JOIN regions_regency r ON r.code = p.regency_id JOIN regions_province pr ON pr.code = r.province_id
      JOIN training_vocationalfield vf ON vf.id = p.vocational_field_id
      WHERE p.status IN ({statuses}) AND i.status = 'approved'
      ORDER BY CASE p.status WHEN 'published' THEN 0 WHEN 'selection' THEN 1 WHEN 'running' THEN 2 ELSE 3 END,
               p.start_date, p.id
      LIMIT 20) p"""


def sql_enrollments(info, q=""):
    name = "AND p.full_name ILIKE %(q)s" if q else ""
    return f"""
SELECT e.id, p.full_name, p.phone, p.nik_encrypted, d.name, r.name, e.state, e.late, e.registered_at
FROM training_enrollment e JOIN accounts_person p ON p.id = e.person_id
JOIN regions_district d ON d.code = p.domicile_district_id JOIN regions_regency r ON r.code = d.regency_id
WHERE e.program_id = {int(info['big_program'])} {name}
ORDER BY e.registered_at, e.id LIMIT 100"""


def sql_people(info, province=""):
    where = f"WHERE p.domicile_district_id LIKE '{province}.%%' OR p.nik_regency_id LIKE '{province}%%'" if province else ""
    return f"""
SELECT p.id, p.full_name, p.nik_encrypted, p.birth_date, d.name, r.name
FROM accounts_person p JOIN regions_district d ON d.code = p.domicile_district_id
JOIN regions_regency r ON r.code = d.regency_id {where}
ORDER BY p.full_name, p.id LIMIT 50"""


def sql_programs(info):
    return f"""
SELECT p.id, p.title, p.status, p.start_date, p.quota,
       (SELECT json_object_agg(s.state, s.n) FROM (SELECT e.state, count(*) AS n FROM training_enrollment e
         WHERE e.program_id = p.id GROUP BY e.state) s) AS per_state
FROM (SELECT * FROM training_program WHERE institution_id = {int(info['institution'])}
      ORDER BY start_date DESC, title LIMIT 50) p"""


def sql_board(info):
    pk = int(info["board_program"])
    return f"""
SELECT e.id, p.full_name, e.state,
       EXISTS (SELECT 1 FROM certification_review v WHERE v.enrollment_id = e.id) AS reviewed,
       EXISTS (SELECT 1 FROM surveys_response s WHERE s.enrollment_id = e.id) AS surveyed,
       (SELECT c.number FROM certification_certificate c WHERE c.enrollment_id = e.id) AS certificate,
       (SELECT json_agg(json_build_array(a.unit_id, a.result)) FROM certification_assessment a WHERE a.enrollment_id = e.id)
FROM training_enrollment e JOIN accounts_person p ON p.id = e.person_id
WHERE e.program_id = {pk} AND e.state IN ('participant', 'graduated')
ORDER BY p.full_name, e.id"""


def sql_admin_people(info):
    return """
SELECT p.id, p.full_name, p.nik_encrypted, d.name, p.education, p.created_at
FROM accounts_person p JOIN regions_district d ON d.code = p.domicile_district_id
ORDER BY p.full_name, p.id DESC LIMIT 100"""


def sql_admin_audit(info):
    return "SELECT * FROM core_auditevent ORDER BY at DESC, id DESC LIMIT 100"


def sql_audit_page(info):
    return "SELECT * FROM core_auditevent ORDER BY id DESC LIMIT 100"


def pages(info, surname):
    big, board, inst = info["big_program"], info["board_program"], info["institution"]
    return [
        # name, user, url, plain SQL, params, goal ms
        ("public catalogue, first page", None, "/pelatihan/", sql_catalogue(info), {}, 100),
        (f"enrollment table, program of {info['big_size']:,}", info["manager"], f"/pelatihan/kelola/{big}/",
         sql_enrollments(info), {}, 150),
        (f"… search by name ({surname!r})", info["manager"], f"/pelatihan/kelola/{big}/?q={surname}",
         sql_enrollments(info, surname), {"q": f"%{surname}%"}, 150),
        ("residents list, national", info["curator"], "/akun/orang/", sql_people(info), {}, 150),
        ("residents list, Jawa Barat", info["officer_jabar"], "/akun/orang/", sql_people(info, "32"), {}, 150),
        *([(f"residents list, regency {info['small_regency']} ({info['small_residents']:,} by NIK)", info["officer_small"],
            "/akun/orang/", sql_people(info, info["small_regency"]), {}, 150)] if info.get("officer_small") else []),
        (f"manager's program list ({info['institution_enrollments']:,} enr.)", info["manager"], f"/lembaga/{inst}/program/",
         sql_programs(info), {}, 150),
        (f"readiness board, {info['board_size']} alumni", info["manager"], f"/sertifikasi/kesiapan/{board}/", sql_board(info),
         {}, 100),
        ("admin person list", info["admin"], "/admin/accounts/person/", sql_admin_people(info), {}, 200),
        ("admin audit list", info["admin"], "/admin/core/auditevent/", sql_admin_audit(info), {}, 200),
        ("audit trail page", info["admin"], "/akun/audit/", sql_audit_page(info), {}, 200),
    ]


def median_ms(fn, repeat: int) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


class Recorder:
    """Every statement the page runs, with its parameters (a connection execute wrapper: it survives the
    connection being closed at the end of each request)."""

    def __init__(self):
        self.queries: list[tuple[str, object]] = []
        self.ms: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms.append((time.perf_counter() - t0) * 1000)

    def slowest(self) -> tuple[float, str]:
        i = max(range(len(self.ms)), key=self.ms.__getitem__)
        sql = " ".join(self.queries[i][0].split())
        cut = sql.find(" FROM ")  # the select list is long and says little: from FROM on
        return self.ms[i], ("SELECT … " + sql[cut + 1:]) if cut > 0 else sql


def scans(sql: str, params) -> list[tuple[str, int]]:
    """The scan nodes of ``sql``'s plan as it ran (EXPLAIN ANALYZE): ('Seq Scan accounts_person', rows read), …;
    rows read = rows returned + rows removed by the filter, summed over loops."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found = []

    def walk(node):
        kind = node.get("Node Type", "")
        if "Scan" in kind and node.get("Relation Name"):
            read = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * max(node.get("Actual Loops", 1), 1)
            found.append((f"{kind} {node['Relation Name']}", int(read)))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


# A sequential scan of a big table is flagged when it read more than this share of the table's rows: one stopped
# early by a LIMIT (a capped count's ``LIMIT 10001``) reads a few thousand rows, not the country.
SEQ_SHARE = 0.1


def plan_summary(queries) -> tuple[str, bool]:
    seen: dict[str, int] = {}
    for sql, params in queries:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        for s, read in scans(sql, params):
            seen[s] = max(seen.get(s, 0), read)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [list(BIG_TABLES)])
        sizes = {name: max(int(n), 1) for name, n in cursor.fetchall()}

    def whole(s: str) -> bool:
        table = s.split()[-1]
        return s.startswith("Seq Scan") and table in BIG_TABLES and seen[s] > SEQ_SHARE * sizes.get(table, 1)

    flagged = any(whole(s) for s in seen)
    interesting = sorted(s for s in seen if s.split()[-1] in BIG_TABLES or s.startswith("Seq Scan"))
    text = ", ".join(("SEQ! " if whole(s) else "") + s.replace(" Scan", "")
                     + (f" (read {seen[s]:,} rows)" if s.startswith("Seq Scan") and s.split()[-1] in BIG_TABLES else "")
                     for s in interesting)
    return text, flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slowest", action="store_true", help="print each page's slowest query (first run)")
    parser.add_argument("--only", default="", help="comma-separated words: run the pages whose name contains one")
    args = parser.parse_args()
    setup_test_environment()
    info = seed_info()
    if not info:
        sys.exit("No seeded data here: run `sisnaker seed` first.")
    info = dict(info)
    info["big_size"] = Enrollment.objects.filter(program_id=info["big_program"]).count()
    info["board_size"] = Enrollment.objects.filter(program_id=info["board_program"]).count()
    info["institution_enrollments"] = Enrollment.objects.filter(program__institution_id=info["institution"]).count()
    # A surname that occurs in the big program, for the name search.
    name = Enrollment.objects.filter(program_id=info["big_program"]).values_list("person__full_name", flat=True).first()
    surname = name.split()[-1]
    # The regency office (a regional officer of one regency) with the fewest residents by NIK: its list must not
    # cost more than a big province's (the area is read through its own rows, not by walking every name).
    offices = dict(RoleAssignment.objects.filter(role=Role.REGIONAL_OFFICER, region_code__contains=".", is_active=True)
                   .values_list("region_code", "user__username"))
    if offices:
        counted = dict(Person.objects.filter(nik_regency_id__in=list(offices)).values_list("nik_regency_id").annotate(n=Count("pk")))
        info["small_regency"] = min(offices, key=lambda code: (counted.get(code, 0), code))
        info["officer_small"] = offices[info["small_regency"]]
        info["small_residents"] = counted.get(info["small_regency"], 0)
    users = {u.username: u for u in User.objects.filter(username__in=[info["manager"], info["curator"], info["officer_jabar"],
                                                                        info["admin"], info.get("officer_small", "")])}
    clients = {}
    print(f"seeded: {info['sizes']} · PostgreSQL {connection.pg_version // 10000}\n")
    header = f"{'page':<44}{'page ms':>9}{'SQL ms':>9}{'ratio':>7}{'goal':>7}{'q':>4}  plans (scans of big tables, seq scans)"
    print(header)
    print("-" * len(header))
    missed = []
    only = [w.strip() for w in args.only.split(",") if w.strip()]
    for title, username, url, sql, params, goal in pages(info, surname):
        if only and not any(w in title for w in only):
            continue
        if username not in clients:
            client = Client()
            if username:
                client.force_login(users[username])
            clients[username] = client
        client = clients[username]

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        def plain(sql=sql, params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params or None)
                return cursor.fetchall()

        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            get()
        page_ms = median_ms(get, args.repeat)
        sql_ms = median_ms(plain, args.repeat)
        text, flagged = plan_summary(recorder.queries)
        ok = page_ms < goal and not flagged
        if not ok:
            missed.append(title)
        print(f"{title:<44}{page_ms:>9.1f}{sql_ms:>9.1f}{page_ms / sql_ms:>7.1f}{goal:>7}{len(recorder.queries):>4}  "
              f"{'' if ok else '✗ '}{text}")
        if args.slowest and recorder.ms:
            ms, sql = recorder.slowest()
            print(f"{'':<4}slowest query {ms:.1f} ms of {sum(recorder.ms):.1f} ms in SQL: {sql[:400]}")
    print(f"\nmissed their goal (time or a sequential scan of persons/enrollments): {len(missed)}")
    for title in missed:
        print(f"  - {title}")


if __name__ == "__main__":
    main()
