"""``sisnaker backup [PATH]``: a consistent backup of the database and its manifest (``core.backup``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sisnaker.core import backup


class Command(BaseCommand):
    help = ("Back up the database while Sisnaker runs: pg_dump (PostgreSQL) or SQLite's online backup, plus a "
            "manifest of every table's row count and checksum beside it. Without PATH the file goes to "
            "SISNAKER_BACKUP_DIR (default: <data dir>/backups). Keep SISNAKER_DATA_KEYS apart from the backups.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="file to write (never overwritten)")

    def handle(self, *args, **options):
        if options["path"]:
            dump = Path(options["path"])
        else:
            folder = Path(getattr(settings, "SISNAKER_BACKUP_DIR", None) or settings.DATA_DIR / "backups")
            dump = folder / backup.default_name()
        try:
            manifest = backup.backup(dump)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t.rows for t in manifest.tables.values())
        self.stdout.write(f"{dump} ({dump.stat().st_size:,} bytes): {len(manifest.tables)} tables, {rows:,} rows")
        self.stdout.write(f"{backup.manifest_path(dump)}: the manifest (`sisnaker restore` checks the restored database against it)")
