"""payments 0006 moves the bank account people kept on their profile (accounts up to 0010) to their payout
account, before accounts 0011 removes those fields: banks named in the reference list, the number still sealed,
the holder name's status as the payout service gives it; a bank name it cannot map is reported, never guessed."""

from __future__ import annotations

import pytest
from django.db import connection

from sisnaker.core import crypto
from sisnaker.payments import domain
from sisnaker.payments.models import PayoutAccount
from sisnaker.payments.services.payout import thresholds
from tests.factories import PersonFactory
from tests.migrating import migrate, migrate_latest, models_at

BEFORE = [("accounts", "0010_person_name_indexes"), ("payments", "0005_ledger_account_reference")]


def _set_bank(person, bank_name, number, holder):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_person SET bank_name = %s, bank_account_encrypted = %s, bank_account_holder = %s"
                       " WHERE id = %s", [bank_name, crypto.encrypt(number) if number else "", holder, person.pk])


def _bank_fields(person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT bank_name, bank_account_encrypted, bank_account_holder FROM accounts_person WHERE id = %s",
                       [person.pk])
        return cursor.fetchone()


@pytest.mark.usefixtures("long_round_trip")
@pytest.mark.django_db(transaction=True)
def test_old_bank_accounts_become_payout_accounts_and_unknown_banks_are_reported(regions, capsys):
    siti = PersonFactory(full_name="Siti Rahmawati")
    budi = PersonFactory(full_name="Budi Santoso Wibowo")
    eko = PersonFactory(full_name="Eko Prasetyo")
    dewi = PersonFactory(full_name="Dewi Lestari")
    nobody = PersonFactory(full_name="Tanpa Rekening")
    migrate(BEFORE)
    try:
        _set_bank(siti, "Bank BRI", "012345678901", "SITI RAHMAWATI")
        _set_bank(budi, "pt bank central asia tbk", "9988-7766 55", "Budi Santoso")
        _set_bank(eko, "Bank Antah Berantah", "5555666677", "Eko Prasetyo")
        _set_bank(dewi, "mandiri", "1112223334", "Dewi Lestari")
        sealed = _bank_fields(siti)[1]
        old = models_at(BEFORE)
        # Dewi already has a payout account: hers is kept, not replaced by the old profile's.
        old.get_model("payments", "PayoutAccount").objects.create(
            person_id=dewi.pk, channel="bank", provider_code="009", number_encrypted=crypto.encrypt("4444333322"),
            number_last4="3322", holder_name="Dewi Lestari", match_score=100, status="verified", is_current=True,
            created_at="2026-01-01T00:00:00Z")
        capsys.readouterr()
        migrate_latest()
        output = capsys.readouterr().out
    except BaseException:
        migrate_latest()
        raise

    accounts = {a.person_id: a for a in PayoutAccount.objects.filter(is_current=True)}
    assert set(accounts) == {siti.pk, budi.pk, dewi.pk}
    moved = accounts[siti.pk]
    assert (moved.channel, moved.provider_code, moved.number, moved.number_last4) == ("bank", "002", "012345678901", "8901")
    assert moved.number_encrypted == sealed and "012345678901" not in moved.number_encrypted
    assert (moved.holder_name, moved.status, moved.match_score) == ("SITI RAHMAWATI", "verified", 100)
    accept, review = thresholds()
    score = domain.name_score("Budi Santoso Wibowo", "Budi Santoso")
    assert accounts[budi.pk].provider_code == "014" and accounts[budi.pk].match_score == score
    assert accounts[budi.pk].number == "9988776655" and accounts[budi.pk].number_last4 == "6655"
    assert accounts[budi.pk].status == domain.name_verdict(score, accept=accept, review=review)
    assert accounts[dewi.pk].provider_code == "009" and accounts[dewi.pk].number == "4444333322"
    assert not PayoutAccount.objects.filter(person=eko).exists() and not PayoutAccount.objects.filter(person=nobody).exists()
    assert f"person {eko.pk}: bank 'Bank Antah Berantah' not in the list" in output
    assert "moved to payout accounts: 2" in output
    assert "5555666677" not in output and "Eko Prasetyo" not in output

    # Going back puts the moved accounts on the profiles again (nothing is lost either way).
    try:
        migrate(BEFORE)
        bank_name, sealed_again, holder = _bank_fields(siti)
        assert (bank_name, holder) == ("BRI", "SITI RAHMAWATI") and crypto.decrypt(sealed_again) == "012345678901"
    finally:
        migrate_latest()


def test_bank_names_map_only_to_one_bank():
    from importlib import import_module

    migration = import_module("sisnaker.payments.migrations.0006_payout_accounts_from_profiles")
    lookup = migration.bank_lookup()
    for text, code in [("BRI", "002"), ("Bank Rakyat Indonesia", "002"), ("bank mandiri", "008"), ("B.N.I.", None),
                       ("BNI", "009"), ("PT Bank Central Asia Tbk", "014"), ("bca", "014"), ("BCA Syariah", "536"),
                       ("Bank Syariah Indonesia", "451"), ("bank jatim", "114"), ("014", "014"), ("Bank", None),
                       ("", None), ("Bank Swasta", None)]:
        assert migration.bank_code_for(text, lookup) == code, text
