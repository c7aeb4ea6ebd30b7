"""Excel import of applicants: our service (``training.spreadsheets.services.enrollments_import``) vs
django-import-export importing the same file into the same models, in the same run.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--bad 0.03] [--baseline-rows N] [--no-baseline] [--profile]

    # against PostgreSQL (target: ours <= 5 s for 100,000 rows, memory flat in rows). The database named in DATABASE_URL
    # is DROPPED and created anew, so its name must contain "bench":
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sisnaker_bench .venv/bin/python bench/bench_import.py

Without DATABASE_URL a temporary SQLite file is used (and deleted). The script migrates the database,
loads the regions, creates a manager, an institution and two identical programs, then generates one
.xlsx with XlsxWriter: valid NIKs from real district codes, ~3% bad rows (bad NIK length, unknown
education, impossible date, bad phone, NIK repeated from an earlier row).

What is timed, for each side, is "bytes of the .xlsx in → rows saved, transaction committed":

* ours: read as it inflates (``spreadsheets.streaming``; python-calamine for unusual files), every check of the service (NIK, names, dates, sex, education,
  phone, e-mail, district, duplicates in the file, already enrolled, eligibility, schedule clash,
  quota), people and enrollments by COPY, one audit event per chunk of 2,000 rows listing each enrollment (its row, person,
  state), the look-ups of registered NIKs one audit row each, ``valid_only``.
* baseline, django-import-export (``import_export.resources.ModelResource`` on Enrollment,
  ``use_bulk=True``, ``batch_size=1000``, ``use_transactions=True``): the NIK column goes through a
  widget that parses the NIK (same ``nik.parse``) and gets-or-creates the Person (blind index,
  encryption, region from the NIK, education mapped with the same table), and
  ``import_id_fields=(program, person)`` so a re-import updates instead of duplicating, as a user of
  the library would configure it. It does NOT check: declared birth date/sex against the NIK,
  phone, e-mail, district existence (the domicile is the NIK's district), eligibility, clashes,
  quota; and writes no audit trail. A NIK repeated in the file is skipped (without that, the bulk
  INSERT fails on the unique constraint and the library rolls the whole import back). The file is read with python-calamine into a ``tablib.Dataset``
  (the library's own XLSX format needs openpyxl, which is slower and not installed), which favours
  the baseline.

Prints rows, seconds, rows/s for each side and the ratio (baseline seconds / ours); on PostgreSQL the
database's floor (``database_floor``: the same rows written by ``INSERT … SELECT`` into copies of their tables,
bare, with their indexes, with their foreign keys too: no import writes them faster) and ours against it; and
our import's memory: the process's RSS before and its peak during the import (``/proc/self/status`` VmHWM, reset
just before), in MiB and bytes per row. ``--tracemalloc`` adds Python's own allocation peak (slower).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TARGET_SECONDS_PG = 5.0


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MiB (Linux /proc)."""
    values = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def reset_peak_rss() -> None:
    """Start the peak (VmHWM) again from the current RSS (Linux >= 4.0: ``echo 5 > /proc/self/clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Yusuf", "Maya", "Hendra", "Lilis", "Dedi", "Nur", "Putri", "Rizky",
         "Wahyu", "Intan", "Fajar", "Ayu", "Bayu", "Sri"]
LAST = ["Santoso", "Rahmawati", "Setiawan", "Kurniasih", "Gunawan", "Maulana", "Anggraini", "Supriadi", "Suryani", "Hidayat",
        "Saputra", "Lestari", "Wijaya", "Pratama", "Nugroho", "Siregar", "Harahap", "Sitompul", "Nasution", "Simanjuntak"]
EDUCATION = ["SD", "SMP", "SMA", "SMK", "D3", "S1"]


def prepare_database() -> str | None:
    """Point DATABASE_URL at a fresh database; returns a temp dir to delete afterwards (SQLite)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        tmp = tempfile.mkdtemp(prefix="sisnaker-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        return tmp
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        name = parsed.path.lstrip("/")
        if "bench" not in name:
            sys.exit(f"Refusing to drop database {name!r}: its name must contain 'bench'.")
        import psycopg

        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    return None


def generate_xlsx(rows: int, bad_share: float, seed: int = 2026) -> tuple[bytes, int]:
    import xlsxwriter

    from sisnaker.regions.registry import registry
    from sisnaker.training.spreadsheets.reading import COLUMNS

    rng = random.Random(seed)
    districts = [code.replace(".", "") for code in registry().districts]
    buffer = io.BytesIO()
    # Text in the shared-strings table, as Excel saves it (XlsxWriter's constant_memory mode would write it inline).
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, [c.header for c in COLUMNS])
    used: set[str] = set()
    written: list[str] = []
    bad = 0
    for r in range(1, rows + 1):
        female = rng.random() < 0.52
        born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(365 * 35))
        while True:
            nik = f"{rng.choice(districts)}{born.day + (40 if female else 0):02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(1, 10000):04d}"
            if nik not in used:
                used.add(nik)
                break
        values = {"nik": nik, "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "birth_date": born.isoformat(),
                  "sex": "P" if female else "L", "education": rng.choice(EDUCATION),
                  "phone": f"08{rng.randrange(11, 99)}{rng.randrange(10_000_000, 99_999_999)}", "disability": "tidak",
                  "status": "peserta" if rng.random() < 0.02 else "pendaftar"}
        if rng.random() < bad_share:
            bad += 1
            kind = rng.randrange(5)
            if kind == 0:
                values["nik"] = nik[:15]
            elif kind == 1:
                values["education"] = "TK"
            elif kind == 2:
                values["birth_date"] = "31/02/1990"
            elif kind == 3:
                values["phone"] = "12345"
            elif written:
                values["nik"] = rng.choice(written[-1000:])
        written.append(values["nik"])
        sheet.write_row(r, 0, [values.get(c.key, "") for c in COLUMNS])  # by key: the template's columns may move
    book.close()
    return buffer.getvalue(), bad


def setup_world(today: dt.date):
    from sisnaker.accounts.models import User
    from sisnaker.accounts.services import role_grant, staff_user_create
    from sisnaker.core.roles import Role
    from sisnaker.institutions.services import institution_register, institution_review
    from sisnaker.regions.models import Regency
    from sisnaker.training import services
    from sisnaker.training.models import CompetencyUnit, VocationalField

    user = staff_user_create(actor=None, username="bench.manager", password="Bench-Kuat-2026!", full_name="Pengelola Bench")
    role_grant(actor=None, user=user, role=Role.CITIZEN)
    user = User.objects.get(pk=user.pk)
    institution = institution_register(actor=user, registry_number="BLK-BENCH-1", name="BLK Bench", kind="blk_uptd",
                                       regency=Regency.objects.get(code="32.73"))
    # Only an approved institution runs programs: approve it through the authority's service.
    reviewer = staff_user_create(actor=None, username="bench.approver", password="Bench-Kuat-2026!", full_name="Penyetuju Bench")
    role_grant(actor=None, user=reviewer, role=Role.ADMIN)
    institution_review(actor=User.objects.get(pk=reviewer.pk), institution=institution, action="approve", licence_number="SK-BENCH-001")
    user = User.objects.get(pk=user.pk)
    field = VocationalField.objects.create(code="BENCH", name="Bench")
    # A program opens for registration only with its competency units (certificates are issued per unit).
    unit = CompetencyUnit.objects.create(code="BENCH.IMPORT.01", vocational_field=field,
                                         title="Menerapkan prosedur keselamatan dan kesehatan kerja")
    programs = []
    for title in ("Program bench (ours)", "Program bench (django-import-export)"):
        data = services.ProgramData(
            title=title, vocational_field=field, hours=160, start_date=today + dt.timedelta(days=30),
            end_date=today + dt.timedelta(days=60), registration_opens=today - dt.timedelta(days=5),
            registration_closes=today + dt.timedelta(days=20), quota=100_000, regency=Regency.objects.get(code="32.73"),
            funding="apbd", competency_unit_ids=(unit.pk,),
        )
        program = services.program_create(actor=user, institution=institution, data=data)
        programs.append(services.program_transition(actor=user, program=program, action="publish", today=today))
    return user, programs


def boot(today: dt.date):
    """Prepare the bench database (``prepare_database``), set Django up, migrate, load the regions and make
    ``setup_world``'s manager and programs. Returns (the temporary directory or None, the manager, the programs,
    the seconds it took)."""
    tmp = prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sisnaker.regions.services import regions_load

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    regions_load()
    actor, programs = setup_world(today)
    return tmp, actor, programs, time.perf_counter() - t


def baseline_resource(program, actor, today):
    from django.utils import timezone
    from import_export import fields, resources, widgets

    from sisnaker.accounts.models import Person
    from sisnaker.core import crypto
    from sisnaker.core.errors import ValidationFailed
    from sisnaker.regions import nik as nik_rules
    from sisnaker.training.models import Enrollment
    from sisnaker.training.spreadsheets import reading

    now = timezone.now()

    class PersonByNikWidget(widgets.ForeignKeyWidget):
        """NIK cell → Person (get or create), as one would write it for django-import-export."""

        def __init__(self):
            super().__init__(Person, field="nik_index")

        def clean(self, value, row=None, **kwargs):
            checked = row.get("_checked")
            if checked is None:  # refused in before_import_row: the row is skipped
                return None
            parsed, education, born = checked
            index = crypto.blind_index(parsed.nik, label="nik")
            person = Person.objects.filter(nik_index=index).first()
            if person is None:
                district = parsed.region.district.code if parsed.region.district else None
                person = Person.objects.create(
                    nik_encrypted=crypto.encrypt(parsed.nik), nik_index=index, nik_regency_id=parsed.region.regency.code,
                    nik_district_id=district, full_name=str(row.get("Nama lengkap") or "")[:150], birth_date=born,
                    sex=parsed.sex, education=education, domicile_district_id=district or "32.73.01", registered_by=actor,
                )
            return person

    class EnrollmentResource(resources.ModelResource):
        person = fields.Field(attribute="person", column_name="NIK", widget=PersonByNikWidget())
        program = fields.Field(attribute="program_id", column_name="program_id", widget=widgets.IntegerWidget())
        state = fields.Field(attribute="state", column_name="Status", widget=widgets.CharWidget())

        class Meta:
            model = Enrollment
            fields = ("program", "person", "state")
            import_id_fields = ("program", "person")
            use_bulk = True
            batch_size = 1000
            skip_unchanged = False
            use_transactions = True

        def before_import_row(self, row, **kwargs):
            # Exceptions raised while finding the instance are "errors" that roll the whole import back;
            # to keep the valid rows (valid-only mode), bad rows are checked here and skipped.
            row["program_id"] = program.pk
            try:
                parsed = nik_rules.parse(reading.nik_text(row.get("NIK")), today=today)
                row["_checked"] = (parsed, reading.parse_education(row.get("Pendidikan")),
                                   reading.parse_date(row.get("Tanggal lahir")) or parsed.birth_date)
                # With use_bulk, a NIK repeated in the file is not found by import_id_fields (not saved
                # yet), both rows become new instances and the bulk INSERT fails the whole import.
                if parsed.nik in self.seen:
                    raise ValidationFailed(reading.Msg("NIK ganda.", "Duplicate NIK."))
                self.seen.add(parsed.nik)
            except ValidationFailed as exc:
                row["_checked"] = None
                self.refused.append((kwargs.get("row_number"), str(exc.message)))
            row["Status"] = "participant" if str(row.get("Status") or "").strip().lower() == "peserta" else "registered"

        def skip_row(self, instance, original, row, import_validation_errors=None):
            return row.get("_checked") is None

        def import_instance(self, instance, row, **kwargs):
            super().import_instance(instance, row, **kwargs)
            instance.source = "import"
            if instance.registered_at is None:
                instance.registered_at = now
                instance.state_changed_at = now

    resource = EnrollmentResource()
    resource.refused, resource.seen = [], set()
    return resource


def database_floor(connection, program) -> list[tuple[str, float]]:
    """PostgreSQL: the database's own share of the import, measured apart: the people and enrolments our import
    just wrote, written again by ``INSERT … SELECT`` (no Python, no network) into fresh copies of their tables,
    first bare, then with the tables' indexes (``LIKE … INCLUDING ALL``: the btrees, the trigram indexes), then also
    with their foreign keys (``pg_get_constraintdef`` of the originals). Each step in its own transaction, rolled
    back. No import can write these rows faster than the last figure, whatever its Python does. Returns
    (step, seconds); the copies are dropped."""
    from sisnaker.accounts.models import Person
    from sisnaker.training.models import Enrollment

    ours = {Person: f"id IN (SELECT person_id FROM training_enrollment WHERE program_id = {int(program.pk)})",
            Enrollment: f"program_id = {int(program.pk)}"}
    steps = []
    with connection.cursor() as cursor:
        for step in ("bare tables", "+ their indexes", "+ their foreign keys"):
            cursor.execute("BEGIN")
            for model in ours:
                table = model._meta.db_table
                like = "INCLUDING DEFAULTS INCLUDING IDENTITY" if step == "bare tables" else "INCLUDING ALL"
                cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} {like})")
                if step == "+ their foreign keys":
                    cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                                   [table])
                    for (definition,) in cursor.fetchall():
                        cursor.execute(f"ALTER TABLE floor_{table} ADD {definition.replace('DEFERRABLE INITIALLY DEFERRED', '')}")
            t = time.perf_counter()
            for model, which in ours.items():
                table = model._meta.db_table
                cursor.execute(f"INSERT INTO floor_{table} SELECT * FROM {table} WHERE {which}")
            steps.append((step, time.perf_counter() - t))
            cursor.execute("ROLLBACK")
    return steps


def backend_cpu_reader(connection):
    """A function returning the CPU seconds (user + system) used so far by the PostgreSQL server process of
    ``connection``, read from /proc (the server must run on this machine); a function returning None
    elsewhere (SQLite, a remote server)."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return lambda: None
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14 and 15 of proc(5))

    return read


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--bad", type=float, default=0.03, help="share of bad rows")
    ap.add_argument("--baseline-rows", type=int, default=None, help="import only the first N rows with the baseline (default: all)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--profile", action="store_true", help="profile our import (cProfile) and print where its CPU goes")
    ap.add_argument("--tracemalloc", action="store_true",
                    help="trace Python allocations during our import (its peak; slows the import, so time it without)")
    args = ap.parse_args()

    today = dt.date.today()
    tmp, actor, (ours_program, theirs_program), took = boot(today)
    from django.db import connection, transaction

    from sisnaker.training.models import Enrollment
    from sisnaker.training.spreadsheets import services as spreadsheets

    print(f"setup (migrate, regions, program): {took:.1f} s")

    t = time.perf_counter()
    data, bad = generate_xlsx(args.rows, args.bad)
    print(f"generated {args.rows:,} rows ({bad:,} bad) in {time.perf_counter() - t:.1f} s, {len(data) / 1048576:.1f} MB")

    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError):  # what the generator freed goes back to the system: the import cannot hide its growth by reusing it
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    before, _ = rss_mb()
    reset_peak_rss()
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    backend = backend_cpu_reader(connection)
    backend_cpu = backend()
    t, cpu = time.perf_counter(), time.process_time()
    samples: list[tuple[int, float]] = []  # (rows read, RSS) after each chunk: how memory grows with the rows

    def progress(done: int, expected: int) -> None:
        samples.append((done, rss_mb()[0]))

    report = spreadsheets.enrollments_import(actor=actor, program=ours_program, file_name="bench.xlsx", data=data,
                                            mode="valid_only", today=today, progress=progress)
    ours, cpu = time.perf_counter() - t, time.process_time() - cpu
    backend_cpu = backend() - backend_cpu if backend_cpu is not None else None
    if profiler is not None:
        import pstats

        profiler.disable()
        print("ours, profiled (times include the profiler's overhead):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    _, peak = rss_mb()
    if args.tracemalloc:
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"ours, tracemalloc peak: {traced_peak / 1048576:.1f} MiB ({traced_peak / args.rows:,.0f} bytes per row; "
              "the reader's Rust buffers are not traced; the time below is slowed by tracing)")
    print(f"ours:     {args.rows:>9,} rows in {ours:7.2f} s = {args.rows / ours:>9,.0f} rows/s "
          f"(created {report.created:,}, errors {report.errors:,}, warnings {report.warnings:,}); "
          f"this process's CPU {cpu:.2f} s" + (f", the database server process's CPU {backend_cpu:.2f} s" if backend_cpu is not None else "")
          + " (the rest is waiting: one for the other, or for a core on a loaded box)")
    print(f"ours, memory: RSS {before:.0f} MiB before, peak {peak:.0f} MiB during (+{peak - before:.0f} MiB, "
          f"{(peak - before) * 1048576 / args.rows:,.0f} bytes per row)")
    settled = next(((done, rss) for done, rss in samples if done >= args.rows // 10), None)
    if settled is not None and samples[-1][0] > settled[0]:
        # The fixed part (the pipeline's chunks in flight, the parsers' caches, the allocator's arenas) is reached in the
        # first chunks; what still grows after the first tenth of the rows is what grows with the file.
        grown = samples[-1][1] - settled[1]
        print(f"ours, memory after the first tenth: RSS {settled[1]:.0f} MiB at row {settled[0]:,}, {samples[-1][1]:.0f} MiB at "
              f"row {samples[-1][0]:,} ({grown:+.1f} MiB, {grown * 1048576 / (samples[-1][0] - settled[0]):,.0f} bytes per further row)")
    t = time.perf_counter()
    again = spreadsheets.enrollments_import(actor=actor, program=ours_program, file_name="bench.xlsx", data=data,
                                           mode="valid_only", today=today)
    print(f"ours, re-import of the same file: {time.perf_counter() - t:.2f} s (created {again.created}, unchanged {again.unchanged:,})")
    if connection.vendor == "postgresql":
        steps = database_floor(connection, ours_program)
        print("the database's floor: the same people and enrolments by INSERT … SELECT into copies of their tables: "
              + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in steps)
              + f" (ours is {ours / steps[-1][1]:.1f}x the last)")
        verdict = "OK" if ours <= TARGET_SECONDS_PG else "OVER TARGET"
        print(f"target on PostgreSQL: <= {TARGET_SECONDS_PG:.0f} s for 100,000 rows -> {verdict}" if args.rows == 100_000 else "")

    import python_calamine

    try:
        import tablib
        from import_export import resources  # noqa: F401 - the baseline's library
    except ImportError:
        tablib = None
        if not args.no_baseline:
            print("baseline skipped: django-import-export is not installed (pip install 'sisnaker[bench]')")
    if args.no_baseline or tablib is None:
        cleanup(tmp, connection)
        return

    n = args.baseline_rows or args.rows
    t = time.perf_counter()
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    dataset = tablib.Dataset(*[tuple(r) for r in sheet[1 : n + 1]], headers=sheet[0])
    dataset.append_col([theirs_program.pk] * len(dataset), header="program_id")
    resource = baseline_resource(theirs_program, actor, today)
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
    theirs = time.perf_counter() - t
    for line_number, errors in result.row_errors()[:3]:
        print(f"  baseline row error (row {line_number}): {errors[0].error!r}")
    saved = Enrollment.objects.filter(program=theirs_program).count()
    print("  totals:", dict(result.totals), "base errors:", [e.error for e in result.base_errors][:2])
    print(f"baseline: {n:>9,} rows in {theirs:7.2f} s = {n / theirs:>9,.0f} rows/s "
          f"(django-import-export; saved {saved:,}, refused {len(resource.refused):,}, "
          f"errors {len(result.row_errors()):,})")
    ratio = (n / theirs) and (args.rows / ours) / (n / theirs)
    print(f"ratio: ours is {ratio:.1f}x the baseline's rows/s")
    cleanup(tmp, connection)


def cleanup(tmp: str | None, connection) -> None:
    """Delete the temporary SQLite database (none on PostgreSQL)."""
    if tmp:
        import shutil

        connection.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
