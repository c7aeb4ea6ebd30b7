import base64
import threading

import pytest
from django.db import DatabaseError, transaction

from sisnaker.core import audit, crypto
from sisnaker.core.models import AuditEvent


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted():
    with transaction.atomic():
        event = audit.record(actor="system", action="test.done", object_type="test", object_id="1", after={"x": 1})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.done"


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit.record(actor="system", action="x", object_type="t")
    assert not AuditEvent.objects.filter(action="x").exists()


def test_encryption_round_trip_and_no_plaintext(settings):
    token = crypto.encrypt("3273015705950001")
    assert "3273015705950001" not in token
    assert crypto.decrypt(token) == "3273015705950001"
    # Same plaintext, different ciphertext (random nonce); same blind index.
    assert crypto.encrypt("3273015705950001") != token
    assert crypto.blind_index("3273015705950001", label="nik") == crypto.blind_index("3273015705950001", label="nik")
    assert crypto.blind_index("3273015705950001", label="nik") != crypto.blind_index("3273015705950001", label="phone")


def test_key_rotation_reads_old_data(settings):
    old = crypto.generate_key()
    settings.SISNAKER_DATA_KEYS = [old]
    token = crypto.encrypt("1234567890123456")
    settings.SISNAKER_DATA_KEYS = [crypto.generate_key(), old]
    assert crypto.decrypt(token) == "1234567890123456"
    settings.SISNAKER_DATA_KEYS = [crypto.generate_key()]
    with pytest.raises(ValueError):
        crypto.decrypt(token)


def test_production_refuses_default_secrets():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SISNAKER_DATA_KEYS", "DJANGO_SETTINGS_MODULE"}}
    env["SISNAKER_ENV"] = "production"
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='sisnaker.settings'; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    env["SECRET_KEY"] = "x" * 60
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SISNAKER_DATA_KEYS" in result.stderr
    env["SISNAKER_DATA_KEYS"] = crypto.generate_key()
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SISNAKER_INDEX_KEY" in result.stderr
    env["SISNAKER_INDEX_KEY"] = crypto.generate_key()
    env["SISNAKER_DATA_DIR"] = "/tmp/sisnaker-prod-check"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SISNAKER_SIGNING_KEY" in result.stderr
    env["SISNAKER_SIGNING_KEY"] = crypto.generate_key()
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_record_many_writes_rows_that_read_back_like_single_records():
    with transaction.atomic():
        audit.record_many(actor="system", action="test.bulk", object_type="t",
                          rows=[(i, f"obj {i}", {"state": "a"}, {"state": "b", "n": i}) for i in range(3)])
        single = audit.record(actor="system", action="test.single", object_type="t", object_id="9", after={"x": 1})
    rows = list(AuditEvent.objects.filter(action="test.bulk").order_by("object_id"))
    assert [r.object_id for r in rows] == ["0", "1", "2"]
    assert rows[2].after == {"state": "b", "n": 2} and rows[0].before == {"state": "a"}
    assert rows[0].at.tzinfo is not None and abs((rows[0].at - single.at).total_seconds()) < 5
    assert AuditEvent.objects.filter(action="test.bulk", at__lte=single.at).count() == 3


def test_key_rotation_with_rekey_keeps_people_findable(settings, citizen):
    """Rotate the data key: after `sisnaker rekey` the old key can go, NIKs still open, and a
    person is still found by NIK (the index follows SISNAKER_INDEX_KEY / the first key)."""
    from django.core.management import call_command

    from sisnaker.accounts.backends import find_user
    from sisnaker.accounts.models import Person

    nik = citizen.nik
    new = crypto.generate_key()
    settings.SISNAKER_DATA_KEYS = [new, *settings.SISNAKER_DATA_KEYS]
    assert find_user(nik) is None  # the index key moved with the first key: not findable until rekeyed
    call_command("rekey", batch_size=1)
    settings.SISNAKER_DATA_KEYS = [new]  # the old key is gone
    person = Person.objects.get(pk=citizen.pk)
    assert person.nik == nik and not crypto.needs_reseal(person.nik_encrypted)
    assert find_user(nik) == citizen.user
    # With a separate index key, data keys rotate without touching the indexes.
    settings.SISNAKER_INDEX_KEY = crypto.generate_key()
    call_command("rekey")
    settings.SISNAKER_DATA_KEYS = [crypto.generate_key(), new]
    assert find_user(nik) == citizen.user


def test_bulk_indexer_and_sealer_agree_with_the_single_value_functions():
    # The import indexes and seals through these; a record they write must be found and read by the rest.
    index = crypto.blind_indexer(label="nik")
    seal = crypto.sealer()
    values = [f"32730157059{n:05d}" for n in range(2500)]  # past two of the sealer's draws of 1,024 nonces
    assert [index(v) for v in values] == [crypto.blind_index(v, label="nik") for v in values]
    tokens = [seal(v) for v in values]
    assert [crypto.decrypt(t) for t in tokens] == values
    nonces = {base64.urlsafe_b64decode(t.split(":", 2)[2])[:12] for t in tokens}
    assert len(nonces) == len(values)  # never a nonce twice under one key


def test_a_sealer_shared_by_threads_never_repeats_a_nonce():
    seal = crypto.sealer()
    out: list[str] = []

    def work():
        out.extend(seal("3273015705950001") for _ in range(500))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({base64.urlsafe_b64decode(t.split(":", 2)[2])[:12] for t in out}) == 2000
