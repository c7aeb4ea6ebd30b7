"""``sisnaker rekey``: after changing SISNAKER_DATA_KEYS or SISNAKER_INDEX_KEY, re-seal personal data
with the first key and recompute the blind indexes (see docs/operations.md, key rotation)."""

from django.core.management.base import BaseCommand

from sisnaker.accounts.services import people_rekey
from sisnaker.core import sealed


class Command(BaseCommand):
    help = ("Re-encrypt personal data (NIKs of people, Prakerja applications and AK/1 cards, KK numbers, payout account "
            "numbers) with the first key of SISNAKER_DATA_KEYS and recompute their blind indexes.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        def progress(done, total):
            self.stdout.write(f"\r{done:,}/{total:,} orang", ending="")
            self.stdout.flush()

        result = people_rekey(batch_size=batch_size, progress=progress)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(
            f"Selesai: {result['people']:,} orang, {result['resealed']:,} disegel ulang, {result['reindexed']:,} indeks diperbarui."
        ))
        # Every other app's sealed columns (core/sealed.py registry).
        for entry in sealed.columns():
            counts = sealed.rekey_column(entry, batch_size=batch_size)
            self.stdout.write(f"{entry.model}.{entry.column}: {counts['rows']:,} baris, {counts['resealed']:,} disegel ulang, "
                              f"{counts['reindexed']:,} indeks diperbarui.")
