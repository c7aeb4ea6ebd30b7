"""Export of a program's enrollment table: ours (``training.spreadsheets.services.enrollments_export`` +
``writing.export_xlsx``, what the background job runs) vs pandas ``DataFrame.to_excel`` with openpyxl, and
openpyxl's write-only mode alone, on the same rows in the same run.

    .venv/bin/python bench/bench_export.py [--rows 100000] [--baseline-rows N] [--no-baseline]

    # against PostgreSQL (goals, issue 14 §4: >= 4x pandas+openpyxl, RSS < 250 MB at 1M rows). The
    # database named in DATABASE_URL is DROPPED and created anew, so its name must contain "bench":
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sisnaker_bench_export .venv/bin/python bench/bench_export.py

Without DATABASE_URL a temporary SQLite file is used. The script migrates, loads the regions, makes a
manager and a program (bench_import.setup_world), then writes ``--rows`` people and enrollments straight
into the tables (COPY on PostgreSQL, through the app's encryption and blind index).

Every side does "rows in the database → an .xlsx file on disk": ours streams (a server-side cursor,
``iterator(chunk_size)``, the sheet's XML written straight into the zip's deflate stream); the baselines get the very same rows (our
row generator: the query, the NIK decrypted, the labels) and then do what their user would do: pandas
builds a DataFrame of them and calls ``to_excel(engine="openpyxl")``; openpyxl write-only appends them.
For each: seconds, rows/s, this process's peak RSS during it (``/proc/self/status`` VmHWM, reset before
each side) and its growth per row. pandas needs every row in memory (≈ 6 KB a row: gigabytes and an hour at
1,000,000 rows), so ``--baseline-rows N`` gives the baselines the first N rows of the same export; the ratio
is then rows/s against rows/s, and the output says so. pandas and openpyxl are bench-only dependencies (``pyproject.toml``,
extra ``bench``), not in the locked dev set: the baselines are skipped when they are not installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import FIRST, LAST, boot, reset_peak_rss, rss_mb  # noqa: E402

GOAL_RATIO = 4.0
GOAL_RSS_MB_AT_1M = 250


def make_rows(program, actor, n: int, seed: int = 14) -> None:
    """``n`` people and their enrollments in ``program``, written set-based (the import's own insert)."""
    from django.db import transaction
    from django.utils import timezone

    from sisnaker.accounts.models import Person
    from sisnaker.core import crypto
    from sisnaker.core.bulk import insert_rows
    from sisnaker.regions.registry import registry
    from sisnaker.training import services as training
    from sisnaker.training.models import Enrollment

    rng = random.Random(seed)
    districts = [code for code in registry().districts if code.startswith("32.")][:200]
    now = timezone.now()
    made = 0
    with transaction.atomic():
        while made < n:
            size = min(20_000, n - made)
            people = []
            for i in range(made, made + size):
                born = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randrange(365 * 30))
                district = rng.choice(districts)
                nik = f"{district.replace('.', '')}{born.day:02d}{born.month:02d}{born.year % 100:02d}{i % 10000:04d}"
                people.append({
                    "nik_encrypted": crypto.encrypt(nik), "nik_index": crypto.blind_index(f"{nik}-{i}", label="nik"),
                    "nik_regency_id": district[:5], "nik_district_id": district, "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "birth_date": born, "sex": rng.choice("MF"), "education": rng.choice(["sma", "smk", "d3", "s1"]),
                    "phone": f"08{rng.randrange(11, 99)}{rng.randrange(10_000_000, 99_999_999)}", "email": "",
                    "domicile_district_id": district, "created_at": now, "updated_at": now, "nik_warnings": [],
                })
            insert_rows(Person, people)
            ids = list(Person.objects.filter(nik_index__in=[p["nik_index"] for p in people]).values_list("pk", flat=True))
            insert_rows(Enrollment, [{"program_id": program.pk, "person_id": pk, "state": "registered", "source": "import",
                                  "registered_at": now, "state_changed_at": now} for pk in ids])
            made += size
        training.program_counters_recount(programs=type(program).objects.filter(pk=program.pk))


def measure(label: str, n: int, fn) -> tuple[float, float]:
    gc.collect()
    before, _ = rss_mb()
    reset_peak_rss()
    t = time.perf_counter()
    cpu = time.process_time()
    fn()
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    _, peak = rss_mb()
    grown = peak - before
    print(f"{label:<26} {n:>9,} rows in {seconds:7.2f} s = {n / seconds:>8,.0f} rows/s; CPU {cpu:6.2f} s; "
          f"peak RSS {peak:5.0f} MiB (+{grown:.0f} MiB, {grown * 1048576 / n:,.0f} B/row)")
    return seconds, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--baseline-rows", type=int, default=None,
                    help="the baselines export only the first N rows (default: all); the ratio is then per row")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()

    t = time.perf_counter()
    tmp, actor, (program, _), _took = boot(dt.date.today())
    from django.db import connection

    from sisnaker.training.spreadsheets import services as spreadsheets
    from sisnaker.training.spreadsheets import writing

    make_rows(program, actor, args.rows)
    print(f"setup ({args.rows:,} enrollments): {time.perf_counter() - t:.1f} s")
    out = Path(tempfile.mkdtemp(prefix="sisnaker-export-"))

    def ours() -> None:
        export = spreadsheets.enrollments_export(actor=actor, program=program)
        with open(out / "ours.xlsx", "wb") as fh:
            writing.export_xlsx(export, fh)

    ours_s, ours_peak = measure("ours (streamed sheet XML)", args.rows, ours)
    print(f"  file {os.path.getsize(out / 'ours.xlsx') / 1048576:.1f} MB")
    if not args.no_baseline:
        try:
            import openpyxl
            import pandas
        except ImportError:
            print("pandas/openpyxl not installed (pip install 'sisnaker[bench]'): baselines skipped")
        else:
            base_n = min(args.baseline_rows or args.rows, args.rows)

            def base_rows():
                export = spreadsheets.enrollments_export(actor=actor, program=program)
                return export, itertools.islice(export.rows, base_n)

            def with_pandas() -> None:
                export, rows = base_rows()
                frame = pandas.DataFrame(list(rows), columns=export.headers)
                frame.to_excel(out / "pandas.xlsx", index=False, engine="openpyxl", sheet_name="Peserta")

            def write_only() -> None:
                export, rows = base_rows()
                book = openpyxl.Workbook(write_only=True)
                sheet = book.create_sheet("Peserta")
                sheet.append(export.headers)
                for row in rows:
                    sheet.append(row)
                book.save(out / "openpyxl.xlsx")

            pandas_s, _ = measure(f"pandas {pandas.__version__}+openpyxl", base_n, with_pandas)
            write_only_s, _ = measure(f"openpyxl {openpyxl.__version__} write-only", base_n, write_only)
            # Per row, so that baselines given fewer rows compare fairly (the same as seconds when base_n == rows).
            ours_rate = args.rows / ours_s
            vs_pandas, vs_write_only = ours_rate / (base_n / pandas_s), ours_rate / (base_n / write_only_s)
            verdict = "OK" if vs_pandas >= GOAL_RATIO else "UNDER GOAL"
            per_row = "" if base_n == args.rows else f" (rows/s: ours on {args.rows:,} rows, baselines on {base_n:,})"
            print(f"ratio: ours is {vs_pandas:.1f}x pandas+openpyxl (goal >= {GOAL_RATIO:.0f}x: {verdict}), "
                  f"{vs_write_only:.1f}x openpyxl write-only{per_row}")
    verdict = "OK" if ours_peak < GOAL_RSS_MB_AT_1M else "OVER GOAL"
    how = "" if args.rows >= 1_000_000 else "; run with --rows 1000000, or compare two sizes: a flat peak extrapolates"
    print(f"ours, peak RSS {ours_peak:.0f} MiB at {args.rows:,} rows (goal < {GOAL_RSS_MB_AT_1M} MiB at 1,000,000: {verdict}{how})")
    for f in out.iterdir():
        f.unlink()
    out.rmdir()
    if tmp:
        import shutil

        connection.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
