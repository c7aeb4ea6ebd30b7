"""``sisnaker restore PATH``: replace the database with a backup and check it against its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from sisnaker.core import backup


class Command(BaseCommand):
    help = ("Replace the whole configured database with a backup made by `sisnaker backup`, then compare every "
            "table's row count and checksum with the backup's manifest. Stop the web and worker processes first. "
            "To test a backup, point DATABASE_URL at a scratch database and restore into it.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the dump written by `sisnaker backup` (its .json manifest beside it)")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the database")

    def handle(self, *args, **options):
        dump = Path(options["path"])
        connection = connections["default"]
        try:
            manifest = backup.read_manifest(dump)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
        newer = backup.unknown_migrations(manifest, known)
        if newer:
            raise CommandError("This backup was made by a newer Sisnaker (migrations this version does not have: "
                               + ", ".join(newer[:5]) + "). Restore it with that version or a later one.")
        name = connection.settings_dict["NAME"]
        self.stdout.write(f"Backup of {manifest.created_at}: {len(manifest.tables)} tables, "
                          f"{sum(t.rows for t in manifest.tables.values()):,} rows.")
        if not options["yes"]:
            answer = input(f"This replaces ALL data in the database {name!r}. Type its name to go on: ")
            if answer.strip() != str(name):
                raise CommandError("Nothing was restored.")
        try:
            problems = backup.restore(dump)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError("The restored database differs from the backup's manifest:\n  " + "\n  ".join(problems))
        self.stdout.write(f"Restored into {name!r}: every table's row count and checksum match the manifest.")
