"""Approvals, bank results, batch builds and a refused account's hold racing on PostgreSQL with real threads (own connections,
released together): each happens once.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/payments/test_concurrency.py
"""

from __future__ import annotations

import pytest

from sisnaker.core.errors import SisnakerError
from sisnaker.core.models import AuditEvent
from sisnaker.payments import selectors
from sisnaker.payments.models import Batch, BatchLine, JournalEntry, Payable, PayoutAccount
from sisnaker.payments.services import batches, payables, payout
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from tests.factories import PASSWORD, staff

from .conftest import graduates
from .test_batches import result_file

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

THREADS = 12


def _officers(n):
    officers = [staff("finance_officer") for _ in range(n)]
    for o in officers:
        o.grants  # noqa: B018 — load the grants once, before the threads share the objects
    return officers


def test_concurrent_approvals_and_double_clicks_approve_once(payments_world):
    maker, *approvers = _officers(4)
    graduates(3)
    payables.payables_accrue(actor=maker)
    batch = batches.batch_build(actor=maker, funding_source="apbd")
    calls = [lambda a=approvers[i % 3]: batches.batch_approve(actor=a, batch_id=batch.pk) for i in range(THREADS)]
    outcomes = race(calls)
    ok = [v for kind, v in outcomes if kind == "ok"]
    assert ok and all(isinstance(v, SisnakerError) for kind, v in outcomes if kind != "ok")
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.approved_by_id != maker.pk
    assert AuditEvent.objects.filter(action="batch.approved").count() == 1
    assert {v.approved_by_id for v in ok} == {batch.approved_by_id}  # only the approver's own double clicks succeed


def test_a_result_file_imported_by_many_at_once_pays_each_line_once(payments_world):
    maker, approver = _officers(2)
    graduates(5)
    payables.payables_accrue(actor=maker)
    batch = batches.batch_build(actor=maker, funding_source="apbd")
    batches.batch_approve(actor=approver, batch_id=batch.pk)
    for code in selectors.batch_providers(batch):
        batches.batch_export(actor=approver, batch_id=batch.pk, provider_code=code)
    data = result_file(batch)
    outcomes = race([lambda: batches.batch_result_import(actor=approver, batch_id=batch.pk, data=data)] * THREADS)
    assert all(kind == "ok" for kind, _v in outcomes), outcomes
    assert sum(v.paid for _k, v in outcomes) == 5
    assert JournalEntry.objects.filter(kind="pay").count() == 5
    assert Payable.objects.filter(status="paid").count() == 5


def test_concurrent_builds_put_each_payable_in_one_batch(payments_world):
    officers = _officers(3)
    graduates(6)
    payables.payables_accrue(actor=officers[0])
    outcomes = race([lambda o=officers[i % 3]: batches.batch_build(actor=o, funding_source="apbd") for i in range(THREADS)])
    assert sum(1 for kind, _v in outcomes if kind == "ok") == 1
    assert all(isinstance(v, SisnakerError) for kind, v in outcomes if kind != "ok")
    assert Batch.objects.count() == 1
    assert BatchLine.objects.filter(is_open=True).count() == 6


def test_a_refused_account_is_held_once_however_many_import_the_refusal(payments_world):
    maker, approver = _officers(2)
    _program, enrollments = graduates(2)
    payables.payables_accrue(actor=maker)
    batch = _exported(maker, approver)
    unlucky = Payable.objects.get(person=enrollments[1].person)
    data = result_file(batch, failed={unlucky.pk: "Rekening ditutup"})
    outcomes = race([lambda: batches.batch_result_import(actor=approver, batch_id=batch.pk, data=data)] * THREADS)
    assert all(kind == "ok" for kind, _v in outcomes), outcomes
    assert sum(v.accounts_held for _k, v in outcomes) == 1
    assert AuditEvent.objects.filter(action="payout_account.held").count() == 1
    assert PayoutAccount.objects.get(person=enrollments[1].person).status == "review"


def test_an_owner_replacing_the_account_while_its_refusal_is_imported_keeps_the_new_one(payments_world):
    maker, approver = _officers(2)
    _program, enrollments = graduates(1)
    person = enrollments[0].person
    payables.payables_accrue(actor=maker)
    batch = _exported(maker, approver)
    old = PayoutAccount.objects.get(person=person)
    data = result_file(batch, failed={Payable.objects.get().pk: "Rekening ditutup"})
    outcomes = race([
        lambda: batches.batch_result_import(actor=approver, batch_id=batch.pk, data=data),
        lambda: payout.payout_account_set(actor=person.user, person=person, channel="bank", provider_code="008",
                                          number="9988776655", holder_name=person.full_name, current_password=PASSWORD),
    ])
    assert all(kind == "ok" for kind, _v in outcomes), outcomes
    new = PayoutAccount.objects.get(person=person, is_current=True)
    assert (new.pk != old.pk, new.status, new.bank_refusal) == (True, "verified", "")
    old.refresh_from_db()
    # Held only if the refusal came first; the audit trail says so either way.
    assert AuditEvent.objects.filter(action="payout_account.held").count() == (1 if old.status == "review" else 0)
    assert batches.batch_build(actor=maker, funding_source="apbd").lines.get().provider_code == "008"


def _exported(maker, approver):
    batch = batches.batch_build(actor=maker, funding_source="apbd")
    batches.batch_approve(actor=approver, batch_id=batch.pk)
    for code in selectors.batch_providers(batch):
        batches.batch_export(actor=approver, batch_id=batch.pk, provider_code=code)
    return batch
