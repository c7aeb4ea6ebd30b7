"""``sisnaker seed``: build a generated data set of national size on an empty database, to measure pages at
scale (``sisnaker.demo.seed``; issue 14 §1). Never on a database holding real data: it refuses one that
holds other data unless given ``--yes``."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from sisnaker.demo import seed as generator


class Command(BaseCommand):
    help = "Bangkitkan data uji berukuran nasional (warga, lembaga, program, pendaftaran, sertifikat) untuk uji kinerja."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=10_000, help="citizens (default 10,000)")
        parser.add_argument("--institutions", type=int, default=20, help="approved institutions (default 20)")
        parser.add_argument("--programs", type=int, default=200, help="programs (default 200)")
        parser.add_argument("--enrollments", type=int, default=50_000, help="enrollments (default 50,000)")
        parser.add_argument("--big-program", type=int, default=None,
                            help="enrollments of the largest program (default: 2%% of --enrollments)")
        parser.add_argument("--board-program", type=int, default=500, help="alumni of the readiness board's program")
        parser.add_argument("--accounts", type=float, default=0.6, help="share of citizens with a log-in (0–1)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed and sizes give the same data")
        parser.add_argument("--staff-password", default="seed-kerja-2026",
                            help="password of the generated staff log-ins (seed.admin, seed.pengelola.00001, …)")
        parser.add_argument("--yes", action="store_true",
                            help="add to a database that already holds other (non-generated) data")

    def handle(self, *args, persons, institutions, programs, enrollments, big_program, board_program, accounts, seed,
               staff_password, yes, verbosity=1, **options):
        for name, value in (("persons", persons), ("institutions", institutions), ("programs", programs),
                            ("enrollments", enrollments)):
            if value < 0:
                raise CommandError(f"--{name} must not be negative")
        if enrollments and not (persons and programs and institutions):
            raise CommandError("enrollments need persons, institutions and programs")
        if not 0 <= accounts <= 1:
            raise CommandError("--accounts is a share from 0 to 1")
        sizes = generator.Sizes(persons=persons, institutions=institutions, programs=programs, enrollments=enrollments,
                                big_program=big_program, board_program=board_program, accounts=accounts, seed=seed)
        totals = generator.expected_rows(sizes)
        done: dict[str, int] = {}
        started = time.monotonic()
        interactive = verbosity >= 1 and sys.stderr.isatty()

        def progress(table: str, rows: int) -> None:
            done[table] = done.get(table, 0) + rows
            if not interactive or table not in totals:
                return
            total = totals[table] or 1
            width = 30
            filled = min(width, int(width * done[table] / total))
            elapsed = time.monotonic() - started
            self.stderr.write(f"\r{table:<22} [{'#' * filled}{'.' * (width - filled)}] {done[table]:>11,}/{total:,}  "
                              f"{elapsed:6.0f} s", ending="")

        def log(message: str) -> None:
            if verbosity >= 1:
                if interactive:
                    self.stderr.write("")
                self.stdout.write(message)

        try:
            report = generator.generate(sizes, today=timezone.localdate(), now=timezone.now(), staff_password=staff_password,
                                   allow_existing=yes, progress=progress, log=log)
        except generator.SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        if interactive:
            self.stderr.write("")
        if verbosity < 1:
            return
        self.stdout.write(f"\n{'table':<40}{'rows':>12}{'write s':>10}{'rows/s':>12}")
        for table, stat in sorted(report.tables.items(), key=lambda kv: -kv[1].rows):
            rate = stat.rows / stat.seconds if stat.seconds else 0
            self.stdout.write(f"{table:<40}{stat.rows:>12,}{stat.seconds:>10.1f}{rate:>12,.0f}")
        self.stdout.write(f"\n{'phase':<40}{'rows':>12}{'wall s':>10}{'rows/s':>12}")
        for name, seconds, rows in report.phases:
            self.stdout.write(f"{name:<40}{rows:>12,}{seconds:>10.1f}{(rows / seconds if seconds else 0):>12,.0f}")
        total_rows = sum(s.rows for s in report.tables.values())
        mode = " (foreign keys checked set-based)" if report.replica_mode else ""
        self.stdout.write(self.style.SUCCESS(
            f"\n{total_rows:,} rows in {report.seconds:.1f} s ({total_rows / max(report.seconds, 1e-9):,.0f} rows/s) "
            f"on {connection.vendor}{mode}."))
        info = report.info
        self.stdout.write(f"Log-ins (password {staff_password!r}): {info['admin']}, {info['curator']}, {info['officer_jabar']}, "
                          f"{info['manager']} · largest program {info['big_program']} · readiness board program "
                          f"{info['board_program']}")
