"""Server time of the manager's enrollment table for a program with 5,000 enrollments.

    .venv/bin/python bench/bench_enrollment_table.py [--rows 5000] [--repeat 7]

Uses a temporary SQLite database unless DATABASE_URL is set (then everything is created inside one
transaction that is rolled back at the end). Builds a program with ``--rows`` enrollments of people
with encrypted NIKs, then times with Django's test Client (full stack: middleware, session, permission
checks, queries, template):

* the page as users get it: ``/pelatihan/kelola/<id>/`` (first page, 100 rows), target < 300 ms;
* the ceiling: the same page with ``?per=5000`` (every row in one table);
* the htmx bulk-action round trip (select 100 enrollments, table partial back).

Baseline, in the same run, for the same rows: one raw SQL SELECT (enrollment ⋈ person ⋈ district ⋈
regency) + NIK decryption and masking + a plain Python string join into HTML ``<tr>`` rows. Prints
the median milliseconds and the ratio page / baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
os.environ.setdefault("DEBUG", "0")  # no query log: measure what production runs
_tmp = None
if not os.environ.get("DATABASE_URL"):
    _tmp = tempfile.TemporaryDirectory(prefix="bench-enrollments-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.html import escape  # noqa: E402

from sisnaker.accounts import services as account_services  # noqa: E402
from sisnaker.accounts.models import Person  # noqa: E402
from sisnaker.core import crypto  # noqa: E402
from sisnaker.core.roles import Role  # noqa: E402
from sisnaker.institutions.models import Institution  # noqa: E402
from sisnaker.regions.models import District, Regency  # noqa: E402
from sisnaker.regions.services import regions_load  # noqa: E402
from sisnaker.training import services  # noqa: E402
from sisnaker.training.models import Enrollment, VocationalField  # noqa: E402

TARGET_MS = 300
STATES = ["registered"] * 6 + ["selected"] * 2 + ["participant"] * 2


class Rollback(Exception):
    pass


def build(rows: int, seed: int = 2026):
    rng = random.Random(seed)
    tag = f"{rng.randint(0, 999_999):06d}"
    today = timezone.localdate()
    bandung = Regency.objects.get(code="32.73")
    inst = Institution.objects.create(registry_number=f"BENCH-{tag}", name=f"BLK Bench {tag}", kind="blk_uptd", regency=bandung)
    manager = account_services.staff_user_create(actor=None, username=f"bench-manager-{tag}", password="Bench-Kata-Sandi-2026",
                                                 full_name="Bench Manager")
    account_services.role_grant(actor=None, user=manager, role=Role.INSTITUTION_MANAGER, institution=inst)
    field, _ = VocationalField.objects.get_or_create(code=f"B{tag}", defaults={"name": "Bench kejuruan"})
    program = services.program_create(actor=manager, institution=inst, data=services.ProgramData(
        title="Program Bench 5000 Peserta", vocational_field=field, hours=160, start_date=today + dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=60), registration_opens=today - dt.timedelta(days=5),
        registration_closes=today + dt.timedelta(days=20), quota=rows, regency=bandung, funding="apbd",
    ))
    program = services.program_transition(actor=manager, program=program, action="publish", today=today)
    districts = list(District.objects.filter(regency__province_id__in=["31", "32", "33", "35"]).values_list("code", "regency_id"))
    people = []
    base = rng.randint(0, 5000)
    for i in range(rows):
        code, regency = rng.choice(districts)
        female = rng.random() < 0.5
        born = dt.date(1980, 1, 1) + dt.timedelta(days=rng.randint(0, 9000))
        serial = (base + i) % 9999 + 1
        nik = f"{code.replace('.', '')}{born.day + (40 if female else 0):02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
        people.append(Person(
            nik_encrypted=crypto.encrypt(nik), nik_index=crypto.blind_index(nik + tag, label="nik"), nik_regency_id=regency,
            nik_district_id=code, full_name=f"Peserta Bench {i:05d}", birth_date=born, sex="F" if female else "M",
            education="smk", phone=f"+62812{rng.randint(10_000_000, 99_999_999)}", domicile_district_id=code,
        ))
    Person.objects.bulk_create(people, batch_size=1000)
    person_ids = list(Person.objects.filter(full_name__startswith="Peserta Bench", nik_index__in=[p.nik_index for p in people])
                      .values_list("pk", flat=True))
    now = timezone.now()
    Enrollment.objects.bulk_create([
        Enrollment(program=program, person_id=pk, state=rng.choice(STATES), registered_at=now - dt.timedelta(minutes=i),
                   state_changed_at=now)
        for i, pk in enumerate(person_ids)
    ], batch_size=1000)
    return program, manager


def timed(fn, repeat: int) -> float:
    fn()  # warm-up (template compilation, caches)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


BASELINE_SQL = """
SELECT e.id, p.full_name, p.phone, p.nik_encrypted, d.name, r.name, e.state, e.late, e.registered_at
FROM training_enrollment e
JOIN accounts_person p ON p.id = e.person_id
JOIN regions_district d ON d.code = p.domicile_district_id
JOIN regions_regency r ON r.code = d.regency_id
WHERE e.program_id = %s
ORDER BY e.registered_at, e.id
LIMIT %s
"""


def baseline(program_id: int, limit: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, [program_id, limit])
        rows = cursor.fetchall()
    out = []
    for pk, name, phone, sealed, district, regency, state, late, registered in rows:
        nik = crypto.decrypt(sealed)
        out.append(f'<tr><td><input type="checkbox" name="ids" value="{pk}"></td><td>{escape(name)}</td><td>{nik}</td>'
                   f"<td>{escape(phone)}</td><td>{escape(district)}, {escape(regency)}</td><td>{state}</td>"
                   f"<td>{'susulan' if late else ''}</td><td>{registered:%d-%m-%Y}</td></tr>")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    setup_test_environment()
    if _tmp is not None:
        call_command("migrate", verbosity=0)
    if not District.objects.exists():
        regions_load()
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            program, manager = build(args.rows)
            print(f"built a program with {program.enrollments.count():,} enrollments in {time.perf_counter() - t0:.1f} s "
                  f"({connection.vendor})")
            client = Client()
            client.force_login(manager)
            url = f"/pelatihan/kelola/{program.pk}/"

            def get(path):
                response = client.get(path)
                assert response.status_code == 200, response.status_code
                return response

            first = get(url)
            full = get(url + f"?per={args.rows}")
            assert first.content.count(b'name="ids"') == min(100, args.rows)
            assert full.content.count(b'name="ids"') == args.rows
            ids = list(program.enrollments.filter(state="registered").values_list("pk", flat=True)[:100])

            def bulk():
                # select then reject the same rows back and forth is not legal; "select" on already
                # selected rows is refused, which still runs the whole round trip.
                response = client.post(f"/pelatihan/kelola/{program.pk}/tindakan/", {"action": "select", "ids": ids},
                                       HTTP_HX_REQUEST="true")
                assert response.status_code == 200

            page_ms = timed(lambda: get(url), args.repeat)
            full_ms = timed(lambda: get(url + f"?per={args.rows}"), max(3, args.repeat // 2))
            bulk_ms = timed(bulk, args.repeat)
            base_page_ms = timed(lambda: baseline(program.pk, 100), args.repeat)
            base_full_ms = timed(lambda: baseline(program.pk, args.rows), max(3, args.repeat // 2))
            raise Rollback
    except Rollback:  # nothing the bench created stays in the database
        pass

    print(f"{'measure':<46}{'ms':>10}{'baseline ms':>14}{'ratio':>8}")
    print(f"{'page as users get it (100 rows)':<46}{page_ms:>10.1f}{base_page_ms:>14.1f}{page_ms / base_page_ms:>8.1f}")
    print(f"{f'ceiling: all {args.rows:,} rows in one page':<46}{full_ms:>10.1f}{base_full_ms:>14.1f}{full_ms / base_full_ms:>8.1f}")
    print(f"{'htmx bulk action on 100 rows + table back':<46}{bulk_ms:>10.1f}{'':>14}{'':>8}")
    verdict = "OK" if page_ms < TARGET_MS else "OVER TARGET"
    print(f"target: page < {TARGET_MS} ms → {verdict}")


if __name__ == "__main__":
    main()
