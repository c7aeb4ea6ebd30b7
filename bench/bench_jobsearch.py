"""The public job search (/lowongan/, issue 12) with 100,000 vacancies on PostgreSQL: each search page against the
plain SQL that returns the same rows, in the same run, with the scan types of the page's query plans.

    createdb -h 127.0.0.1 -U postgres sisnaker_jobsbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sisnaker_jobsbench PYTHONPATH=src \\
        .venv/bin/python bench/bench_jobsearch.py [--vacancies 100000] [--repeat 5]

Migrates the database, loads the regions, and seeds (once; re-runs reuse them) 300 approved companies and
``--vacancies`` published vacancies spread over every regency, occupation, work type and education, with titles
and skills drawn from a vocabulary of Indonesian job words (``bulk_create`` in chunks of 5,000; PostgreSQL fills
the generated ``search`` tsvector), then ANALYZE. For each search, with Django's test Client (anonymous, full
stack: middleware, form, the capped keys-first paginator, template), the median of ``--repeat`` runs after one
warm-up: page ms and its number of queries; SQL ms of one hand-written SELECT returning the page's rows; the
ratio; the scan nodes of the page's SELECTs (``Bitmap Index placement_vacancy`` …). Goal: < 150 ms a page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
os.environ.setdefault("DEBUG", "0")  # no query log: measure what production runs
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("DATABASE_URL must name a PostgreSQL database (it is migrated and seeded).")

import django  # noqa: E402

django.setup()

from bench_national import Recorder, median_ms, scans  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from sisnaker.placement.models import Company, Occupation, Vacancy  # noqa: E402
from sisnaker.regions.models import Regency  # noqa: E402
from sisnaker.training.models import VocationalField  # noqa: E402

GOAL_MS = 150
TITLES = ["Operator Produksi", "Juru Las", "Teknisi Listrik", "Penjahit", "Kasir", "Admin Gudang", "Pengemudi", "Koki",
          "Pramusaji", "Tukang Kayu", "Mekanik Sepeda Motor", "Programmer Web", "Akuntan", "Staf Pemasaran", "Satpam",
          "Perawat", "Operator Mesin CNC", "Tukang Batu", "Barista", "Desainer Grafis", "Teknisi Pendingin", "Sopir Truk",
          "Petugas Kebersihan", "Staf Administrasi", "Resepsionis Hotel"]
SKILLS = ["las listrik SMAW", "membaca gambar teknik", "menjahit mesin industri", "mengoperasikan forklift",
          "pemrograman Python", "Microsoft Excel", "bahasa Inggris", "instalasi listrik", "merawat AC", "memasak masakan",
          "pelayanan pelanggan", "SIM B1", "mengetik cepat", "desain Photoshop", "perawatan mesin", "K3 dasar",
          "menyetir manual", "akuntansi dasar", "pemasaran digital", "kebersihan gedung"]
EDUCATIONS = ["", "sd", "smp", "sma", "smk", "d3", "s1"]
WORK_TYPES = ["full_time", "part_time", "contract", "internship"]
BENCH_NIB_PREFIX = "99"  # the bench's companies: NIB 99xxxxxxxxxxx


def seed(n: int) -> None:
    if not Regency.objects.exists():
        from sisnaker.regions.services import regions_load

        regions_load()
    regencies = list(Regency.objects.values_list("code", "province_id"))
    if Vacancy.objects.filter(company__nib__startswith=BENCH_NIB_PREFIX).count() >= n:
        return
    rng = random.Random(12)
    now = timezone.now()
    companies = list(Company.objects.filter(nib__startswith=BENCH_NIB_PREFIX))
    if not companies:
        Company.objects.bulk_create([
            Company(name=f"PT Bench {i:03d}", nib=f"{BENCH_NIB_PREFIX}{i:011d}", sector=rng.choice("ACFGHIJ"),
                    regency_id=rng.choice(regencies)[0], phone="+6221000000", status="approved", status_changed_at=now)
            for i in range(300)])
        companies = list(Company.objects.filter(nib__startswith=BENCH_NIB_PREFIX))
    fields = list(VocationalField.objects.all()) or [VocationalField.objects.create(code=f"BENCH-{i}", name=f"Kejuruan {i}")
                                                      for i in range(10)]
    occupations = list(Occupation.objects.filter(level=4).values_list("code", flat=True))  # unit groups, as employers pick
    have = Vacancy.objects.filter(company__nib__startswith=BENCH_NIB_PREFIX).count()
    today = timezone.localdate()
    batch = []
    for i in range(have, n):
        regency, province = rng.choice(regencies)
        wage = rng.randrange(2_000_000, 12_000_000, 100_000)
        opens = today - dt.timedelta(days=rng.randrange(0, 60))
        batch.append(Vacancy(
            company=rng.choice(companies), title=f"{rng.choice(TITLES)} {i % 97}", openings=rng.randint(1, 20),
            opens_on=opens, closes_on=today + dt.timedelta(days=rng.randrange(1, 90)), sex="any",
            min_education=rng.choice(EDUCATIONS), skills=", ".join(rng.sample(SKILLS, 3)), experience_years=rng.randint(0, 5),
            wage_min=wage, wage_max=wage + rng.randrange(0, 3_000_000, 100_000), regency_id=regency, province_id=province,
            work_type=rng.choice(WORK_TYPES), occupation_id=rng.choice(occupations), vocational_field=rng.choice(fields),
            status="published", published_at=now - dt.timedelta(minutes=n - i), created_at=now, updated_at=now))
        if len(batch) == 5000:
            Vacancy.objects.bulk_create(batch)
            batch = []
    if batch:
        Vacancy.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE placement_vacancy; ANALYZE placement_company")


PUBLIC = """v.status = 'published' AND c.status = 'approved' AND v.opens_on <= %(today)s AND v.closes_on >= %(today)s"""


def sql(where: str = "", offset: int = 0) -> str:
    return f"""
SELECT v.id, v.title, v.wage_min, v.wage_max, v.closes_on, v.work_type, c.name, r.name
FROM placement_vacancy v JOIN placement_company c ON c.id = v.company_id JOIN regions_regency r ON r.code = v.regency_id
WHERE {PUBLIC} {where}
ORDER BY v.published_at DESC, v.id DESC LIMIT 20 OFFSET {offset}"""


def searches(province: str, regency: str, field_id: int):
    text = "AND v.search @@ plainto_tsquery('simple', %(q)s)"
    return [
        ("all open vacancies, first page", "", sql(), {}),
        ("all, page 50", "page=50", sql(offset=980), {}),
        ("text 'las'", "q=las", sql(text), {"q": "las"}),
        ("text 'operator produksi'", "q=operator+produksi", sql(text), {"q": "operator produksi"}),
        ("text 'barista' + province", f"q=barista&province={province}", sql(text + " AND v.province_id = %(p)s"),
         {"q": "barista", "p": province}),
        ("regency + education smk + min wage 5 jt", f"province={province}&regency={regency}&education=smk&min_wage=5000000",
         sql("AND v.regency_id = %(r)s AND v.min_education IN ('', 'none', 'sd', 'smp', 'sma', 'smk') "
             "AND (v.wage_max >= 5000000 OR (v.wage_max IS NULL AND v.wage_min >= 5000000))"), {"r": regency}),
        ("occupation 72 + contract", "occupation=72&work_type=contract",
         sql("AND v.occupation_id LIKE '72%%' AND v.work_type = 'contract'"), {}),
        ("vocational field + text 'python'", f"vocational_field={field_id}&q=python",
         sql(text + " AND v.vocational_field_id = %(f)s"), {"q": "python", "f": field_id}),
        ("text with no match", "q=astronot", sql(text), {"q": "astronot"}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vacancies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    seed(args.vacancies)
    seeded_s = time.perf_counter() - t0
    setup_test_environment()
    total = Vacancy.objects.count()
    busiest = (Vacancy.objects.values_list("regency_id", "province_id").order_by().annotate(n=django.db.models.Count("id"))
               .order_by("-n").first())
    regency, province, _n = busiest
    field_id = Vacancy.objects.exclude(vocational_field=None).values_list("vocational_field_id", flat=True).first()
    print(f"{total:,} vacancies (seeding took {seeded_s:.1f} s) · PostgreSQL {connection.pg_version // 10000}\n")
    header = f"{'search':<44}{'page ms':>9}{'SQL ms':>9}{'ratio':>7}{'goal':>6}{'q':>4}  plans (scan nodes of the page's SELECTs)"
    print(header)
    print("-" * len(header))
    client = Client()
    today = timezone.localdate()
    missed = []
    for title, query, statement, params in searches(province, regency, field_id):
        url = "/lowongan/" + (f"?{query}" if query else "")
        params = {"today": today, **params}

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        def plain(statement=statement, params=params):
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchall()

        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            get()
        page_ms = median_ms(get, args.repeat)
        sql_ms = median_ms(plain, args.repeat)
        seen: dict[str, int] = {}
        for q, p in recorder.queries:
            if q.lstrip().upper().startswith("SELECT") and "placement_vacancy" in q:
                for s in scans(q, p):
                    seen[s] = seen.get(s, 0) + 1
        plan = ", ".join(sorted(s.replace(" Scan", "") for s in seen if "placement" in s))
        ok = page_ms < GOAL_MS
        if not ok:
            missed.append(title)
        print(f"{title:<44}{page_ms:>9.1f}{sql_ms:>9.1f}{page_ms / max(sql_ms, 0.01):>7.1f}{GOAL_MS:>6}"
              f"{len(recorder.queries):>4}  {'' if ok else '✗ '}{plan}")
    print(f"\nmissed the {GOAL_MS} ms goal: {len(missed)}")
    for title in missed:
        print(f"  - {title}")


if __name__ == "__main__":
    main()
