"""The ledger: balanced, append-only, idempotent — in the domain and in the database, also for writes that
bypass the ORM."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from sisnaker.core.errors import ValidationFailed
from sisnaker.payments import domain
from sisnaker.payments.models import JournalEntry, LedgerAccount, LedgerLine
from sisnaker.payments.services import ledger

pytestmark = pytest.mark.django_db

BUDGET, PAYABLE = ("budget", "apbn"), ("payable_person", "apbn")


def test_the_domain_refuses_unbalanced_entries():
    assert domain.entry_refusal([(BUDGET, 10), (PAYABLE, -10)]) is None
    assert domain.entry_refusal([(BUDGET, 10), (PAYABLE, -9)]) is not None
    assert domain.entry_refusal([(BUDGET, 10)]) is not None
    assert domain.entry_refusal([(BUDGET, 0), (PAYABLE, 0)]) is not None
    assert domain.entry_refusal([(BUDGET, 1.5), (PAYABLE, -1.5)]) is not None
    assert domain.entry_refusal([(BUDGET, True), (PAYABLE, -1)]) is not None


def test_every_entry_kind_has_its_postings():
    assert set(domain.PAYABLE_ENTRIES) | set(domain.BALANCE_ENTRIES) == set(domain.EntryKind)


@pytest.mark.parametrize("entry", domain.PAYABLE_ENTRIES)
def test_every_posting_balances(entry):
    for kind in domain.PayableKind:
        assert domain.entry_refusal(domain.postings(entry, payable_kind=kind, funding_source="apbd", amount=600_000)) is None


@pytest.mark.parametrize("entry", domain.BALANCE_ENTRIES)
def test_every_balance_posting_balances_on_the_holders_account(entry):
    lines = domain.balance_postings(entry, funding_source="prakerja", holder="prakerja:1", amount=3_500_000)
    assert domain.entry_refusal(lines) is None
    held = [amount for key, amount in lines if key == (domain.AccountKind.BENEFICIARY, "prakerja", "prakerja:1")]
    # Grant and refund add to what the holder holds (a credit), expire and purchase take from it.
    assert held == ([-3_500_000] if entry in (domain.EntryKind.GRANT, domain.EntryKind.REFUND) else [3_500_000])


def _post(lines, key="k1"):
    with transaction.atomic():
        return ledger.post([ledger.Posting(kind="accrue", key=key, lines=lines)], actor=None, now=timezone.now())


def test_posting_twice_with_one_key_posts_once():
    assert len(_post([(BUDGET, 5), (PAYABLE, -5)])) == 1
    assert _post([(BUDGET, 5), (PAYABLE, -5)]) == []
    assert JournalEntry.objects.count() == 1
    assert LedgerLine.objects.count() == 2


def test_the_service_refuses_an_unbalanced_posting():
    with pytest.raises(ValidationFailed):
        _post([(BUDGET, 5), (PAYABLE, -4)])
    assert not JournalEntry.objects.exists()


def _accounts():
    a = LedgerAccount.objects.get_or_create(kind="budget", funding_source="apbn", person=None)[0]
    b = LedgerAccount.objects.get_or_create(kind="payable_person", funding_source="apbn", person=None)[0]
    return a, b


def _raw_entry(amounts, *, entry_id=None):
    """Lines then the entry, in raw SQL (no ORM, no domain check)."""
    a, b = _accounts()
    entry_id = entry_id or uuid.uuid4()
    value = entry_id.hex if connection.vendor == "sqlite" else entry_id
    with connection.cursor() as cursor:
        for account, amount in zip((a, b, a), amounts, strict=False):
            cursor.execute("INSERT INTO payments_ledgerline (entry_id, account_id, amount, payable_id) VALUES (%s, %s, %s, NULL)",
                           [value, account.pk, amount])
        cursor.execute("INSERT INTO payments_journalentry (id, idempotency_key, kind, posted_at, memo) VALUES (%s, %s, 'accrue', %s, '')",
                       [value, f"raw:{entry_id}", timezone.now()])
    return entry_id


def test_the_database_accepts_a_balanced_entry_written_in_raw_sql():
    with transaction.atomic():
        _raw_entry([700, -700])
    assert JournalEntry.objects.count() == 1


@pytest.mark.parametrize("amounts", [[700, -699], [700], [], [700, -300, -300]])
def test_the_database_refuses_an_unbalanced_entry_written_in_raw_sql(amounts):
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw_entry(amounts)
    assert not JournalEntry.objects.exists()


def test_the_database_refuses_a_line_added_to_a_posted_entry():
    with transaction.atomic():
        entry_id = _raw_entry([700, -700])
    a, _b = _accounts()
    value = entry_id.hex if connection.vendor == "sqlite" else entry_id
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO payments_ledgerline (entry_id, account_id, amount, payable_id) VALUES (%s, %s, 5, NULL)",
                       [value, a.pk])
    assert LedgerLine.objects.count() == 2


@pytest.mark.parametrize("sql", [
    "UPDATE payments_ledgerline SET amount = amount * 2",
    "DELETE FROM payments_ledgerline",
    "UPDATE payments_journalentry SET memo = 'changed'",
    "DELETE FROM payments_journalentry",
])
def test_the_ledger_is_append_only(sql):
    _post([(BUDGET, 5), (PAYABLE, -5)])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert sorted(LedgerLine.objects.values_list("amount", flat=True)) == [-5, 5]
    assert JournalEntry.objects.get().memo == ""


def _write_many(entries: int, *, bad: int | None = None, lines_for_posted=None):
    """Through the service's bulk writer (COPY on PostgreSQL), bypassing the domain check: ``bad`` is the entry
    whose lines do not balance."""
    a, b = _accounts()
    now = timezone.now()
    ids = [uuid.uuid4() for _ in range(entries)]
    rows = [(e, f"bulk:{i}", "accrue", now, None, "") for i, e in enumerate(ids)]
    lines = [line for i, e in enumerate(ids) for line in ((e, a.pk, 700, None), (e, b.pk, -699 if i == bad else -700, None))]
    with transaction.atomic():
        ledger._write(rows, lines)
    return ids


def test_the_bulk_writer_posts_balanced_entries_in_one_go():
    _write_many(300)
    assert JournalEntry.objects.count() == 300 and LedgerLine.objects.count() == 600
    assert sum(LedgerLine.objects.values_list("amount", flat=True)) == 0


def test_the_database_checks_every_entry_of_a_bulk_write():
    with pytest.raises(DatabaseError):
        _write_many(300, bad=257)
    assert not JournalEntry.objects.exists() and not LedgerLine.objects.exists()


def test_the_database_refuses_a_bulk_line_for_a_posted_entry():
    posted = _write_many(2)[0]
    a, _b = _accounts()
    with pytest.raises(DatabaseError), transaction.atomic():
        ledger._write([], [(posted, a.pk, 5, None)])
    assert LedgerLine.objects.count() == 4


def test_a_key_posted_concurrently_fails_the_bulk_write_as_an_integrity_error():
    """What the unique key does when another transaction posted the key between the look-up and the write."""
    _write_many(1)
    with pytest.raises(IntegrityError):
        _write_many(1)
    assert JournalEntry.objects.count() == 1
