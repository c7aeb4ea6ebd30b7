"""``sisnaker loadregions``: fill the region tables from the bundled CSV files."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand

from sisnaker.regions.services import regions_load


class Command(BaseCommand):
    help = "Muat data provinsi, kabupaten/kota, kecamatan dan kode lama dari berkas CSV (idempoten)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="folder with provinces.csv, regencies.csv, districts.csv")

    def handle(self, *args, data_dir=None, verbosity=1, **options):
        started = time.monotonic()
        interactive = verbosity >= 1 and sys.stderr.isatty()

        def progress(kind: str, done: int, total: int) -> None:
            if interactive:
                width = 30
                filled = int(width * done / total) if total else width
                self.stderr.write(
                    f"\r{kind:<12} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=""
                )
                if done >= total:
                    self.stderr.write("")

        counts = regions_load(actor="sisnaker loadregions", data_dir=data_dir, progress=progress)
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    "Wilayah dimuat: {provinces} provinsi, {regencies} kabupaten/kota, {districts} kecamatan, "
                    "{retired_codes} kode lama".format(**counts)
                    + f" ({time.monotonic() - started:.1f} s)"
                )
            )
