"""``sisnaker backup`` / ``sisnaker restore``: a backup restored over a changed database gives back exactly the
rows it held (counts and checksums per table), on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sisnaker.accounts.models import Person
from sisnaker.core import backup
from tests.factories import EnrollmentFactory, ProgramFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions")]


def _world():
    program = ProgramFactory(title="Las Listrik Angkatan I")
    EnrollmentFactory.create_batch(3, program=program)
    return program


def test_restore_gives_back_exactly_what_the_backup_held(tmp_path):
    program = _world()
    before = backup.manifest_of()
    out = StringIO()
    call_command("backup", str(tmp_path / "b.dump"), stdout=out)
    assert "tables" in out.getvalue()
    written = json.loads((tmp_path / "b.dump.json").read_text())
    assert written["tables"]["accounts_person"]["rows"] == Person.objects.count() >= 3

    # Life goes on after the backup: a row changes, rows go, rows come.
    Person.objects.filter(pk=Person.objects.order_by("pk")[0].pk).update(full_name="Diubah Setelah Cadangan")
    program.enrollments.all().delete()
    EnrollmentFactory.create_batch(2)
    assert backup.differences(before, backup.manifest_of())

    call_command("restore", str(tmp_path / "b.dump"), "--yes", stdout=(out := StringIO()))
    assert "match" in out.getvalue()
    assert backup.differences(before, backup.manifest_of()) == []
    assert program.enrollments.count() == 3
    assert not Person.objects.filter(full_name="Diubah Setelah Cadangan").exists()


def test_a_damaged_or_foreign_backup_is_refused_with_the_reason(tmp_path):
    _world()
    dump = tmp_path / "b.dump"
    call_command("backup", str(dump), stdout=StringIO())
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("backup", str(dump), stdout=StringIO())

    manifest = json.loads(backup.manifest_path(dump).read_text())
    manifest["migrations"].append("payments.9999_from_the_future")
    backup.manifest_path(dump).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="newer Sisnaker"):
        call_command("restore", str(dump), "--yes", stdout=StringIO())

    manifest["migrations"].pop()
    manifest["tables"]["accounts_person"]["rows"] += 1  # the manifest no longer describes the dump
    backup.manifest_path(dump).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="accounts_person"):
        call_command("restore", str(dump), "--yes", stdout=StringIO())

    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "none.dump"), "--yes", stdout=StringIO())


def test_restore_asks_for_the_database_name_and_does_nothing_without_it(tmp_path, monkeypatch):
    _world()
    dump = tmp_path / "b.dump"
    call_command("backup", str(dump), stdout=StringIO())
    EnrollmentFactory()
    count = Person.objects.count()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(dump), stdout=StringIO())
    assert Person.objects.count() == count


def test_the_checksum_sees_a_changed_value_with_the_same_row_count():
    _world()
    before = backup.manifest_of()
    Person.objects.filter(pk=Person.objects.order_by("pk")[0].pk).update(full_name="Nama Lain")
    assert backup.differences(before, backup.manifest_of()) == [
        f"accounts_person: {Person.objects.count()} rows as in the backup, but their contents differ"]
