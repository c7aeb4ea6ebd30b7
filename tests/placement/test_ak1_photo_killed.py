"""An AK/1 photo upload whose process is killed with -9 between writing the file and committing, for real: the card
keeps its old photo, the new file is left with its PendingFile row (no clean-up code ran), and housekeeping
deletes that file once the grace period has passed — no face photo stays in the storage unreferenced."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from sisnaker.core import storedfiles
from sisnaker.core.models import PendingFile
from sisnaker.placement import services
from sisnaker.placement.models import JobSeekerCard
from tests.core.test_worker_killed import ROOT, _database_url
from tests.factories import PersonFactory
from tests.placement import photos
from tests.placement.test_services import NOW, data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions")]

CHILD = textwrap.dedent("""
    import datetime as dt, os, signal, sys
    import django
    django.setup()
    from sisnaker.accounts.models import User
    from sisnaker.placement import services
    from sisnaker.placement.models import JobSeekerCard

    def die(*args, **kwargs):  # inside the transaction, after the file was written: killed like a deploy's kill -9
        os.kill(os.getpid(), signal.SIGKILL)

    JobSeekerCard.save = die
    services.ak1_photo_set(actor=User.objects.get(pk=int(sys.argv[1])), card_id=int(sys.argv[2]),
                           photo_upload=open(sys.argv[3], "rb").read(), now=dt.datetime.fromisoformat(sys.argv[4]))
""")


def test_a_photo_upload_killed_before_its_commit_leaves_no_photo_for_good(media, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the killed process shares the database: PostgreSQL (run with DATABASE_URL=postgres://…)")
    card = services.ak1_apply(actor=PersonFactory(nik_district="32.73.01").user, data=data(), now=NOW, photo_upload=photos.PHOTO)
    upload = tmp_path / "new.jpg"
    upload.write_bytes(photos.jpeg(600, 800))
    env = dict(os.environ, DATABASE_URL=_database_url(), MEDIA_ROOT=str(media), DJANGO_SETTINGS_MODULE="sisnaker.settings",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    child = subprocess.run([sys.executable, "-c", CHILD, str(card.person.user_id), str(card.pk), str(upload), NOW.isoformat()],
                           cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert child.returncode == -9, child.stderr.decode()[-2000:]

    assert JobSeekerCard.objects.get(pk=card.pk).photo_path == card.photo_path  # the change never committed
    [left] = PendingFile.objects.all()
    assert left.path != card.photo_path and default_storage.exists(left.path)  # the new face photo, unreferenced
    assert storedfiles.pending_files_delete(now=NOW + dt.timedelta(minutes=30)) == 0  # may still be in use
    assert storedfiles.pending_files_delete(now=NOW + storedfiles.PENDING_GRACE) == 1
    assert not default_storage.exists(left.path) and default_storage.exists(card.photo_path)
    assert sorted(p.name for p in Path(media).rglob("*.jpg")) == [Path(card.photo_path).name]
