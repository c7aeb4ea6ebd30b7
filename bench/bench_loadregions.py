"""Time ``regions_load`` against plain ``executemany`` INSERTs of the same rows.

    DJANGO_SETTINGS_MODULE=sisnaker.settings .venv/bin/python bench/bench_loadregions.py

Uses a temporary SQLite database unless DATABASE_URL is set (then that database is used and its
region tables are emptied first: never point it at production). Prints seconds and the ratio.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
_tmp = None
if not os.environ.get("DATABASE_URL"):
    _tmp = tempfile.TemporaryDirectory(prefix="bench-regions-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from sisnaker.regions.models import District, Province, Regency, RetiredCode  # noqa: E402
from sisnaker.regions.registry import DATA_DIR  # noqa: E402
from sisnaker.regions.services import regions_load  # noqa: E402

REPEAT = 3


def rows(name):
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def empty():
    with transaction.atomic():
        District.objects.all().delete()
        Regency.objects.all().delete()
        Province.objects.all().delete()
        RetiredCode.objects.all().delete()


def baseline() -> float:
    p, r, d, x = (
        rows("provinces.csv"),
        rows("regencies.csv"),
        rows("districts.csv"),
        rows("retired_codes.csv"),
    )
    t = {m: m._meta.db_table for m in (Province, Regency, District, RetiredCode)}
    q = connection.ops.quote_name
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {q(t[Province])} (code, name) VALUES (%s, %s)", [(a["code"], a["name"]) for a in p]
        )
        cur.executemany(
            f"INSERT INTO {q(t[Regency])} (code, province_id, name) VALUES (%s, %s, %s)",
            [(a["code"], a["province_code"], a["name"]) for a in r],
        )
        cur.executemany(
            f"INSERT INTO {q(t[District])} (code, regency_id, name) VALUES (%s, %s, %s)",
            [(a["code"], a["regency_code"], a["name"]) for a in d],
        )
        cur.executemany(
            f"INSERT INTO {q(t[RetiredCode])} (old_code, new_code, level, retired_on, note) VALUES (%s, %s, %s, %s, %s)",
            [(a["old_code"], a["new_code"], a["level"], a["retired_on"] or None, a["note"]) for a in x],
        )
    return time.perf_counter() - start


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    base, fresh, again = [], [], []
    for _ in range(REPEAT):
        empty()
        base.append(baseline())
        empty()
        fresh.append(timed(regions_load))
        again.append(timed(regions_load))  # idempotent re-run: every row conflicts and is updated
    b, f, a = min(base), min(fresh), min(again)
    print(f"plain executemany INSERT : {b:.3f} s")
    print(f"regions_load, empty db   : {f:.3f} s  ({f / b:.2f}x baseline)")
    print(f"regions_load, re-run     : {a:.3f} s  ({a / b:.2f}x baseline)")


if __name__ == "__main__":
    main()
