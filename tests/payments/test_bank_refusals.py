"""A transfer the bank refused because of the account (closed, wrong number, a name the receiving bank refused)
holds that payout account: it goes back to the officers' review queue, and no batch pays it again until an
officer re-verifies it (with a note) or the owner records another account. A transient failure only retries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sisnaker.core.errors import Conflict, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.payments import domain, selectors
from sisnaker.payments.models import BatchLine, Payable, PayoutAccount
from sisnaker.payments.services import batches, payables, payout
from tests.factories import PASSWORD, staff

from .conftest import graduates
from .test_batches import result_file, run_to_exported
from .test_notices import phone_of, texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

CLOSED = "Rekening ditutup"


def fail(actor, batch, person, reason=CLOSED):
    payable = Payable.objects.get(person=person)
    return batches.batch_result_import(actor=actor, batch_id=batch.pk, data=result_file(batch, failed={payable.pk: reason}))


def test_an_account_the_bank_refused_is_not_paid_again_until_an_officer_reverifies_it(finance, finance2):
    _program, enrollments = graduates(2)
    happy, unlucky = (e.person for e in enrollments)
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    report = fail(finance, batch, unlucky)
    assert (report.paid, report.failed, report.accounts_held) == (1, 1, 1)
    account = PayoutAccount.objects.get(person=unlucky)
    assert (account.status, account.bank_refusal, account.is_current) == ("review", CLOSED, True)
    assert PayoutAccount.objects.get(person=happy).status == "verified"
    held = AuditEvent.objects.get(action="payout_account.held")
    assert (held.object_id, held.after["reason"], held.after["batch"]) == (str(account.pk), CLOSED, batch.pk)
    # The payable is due, but nothing pays it to the account the bank just refused.
    assert Payable.objects.get(person=unlucky).status == "due"
    assert selectors.due_summary(finance)[0].with_account == 0
    with pytest.raises(Conflict):
        batches.batch_build(actor=finance, funding_source="apbd")
    # It waits in the officers' review queue with the bank's reason; re-verifying it needs a note.
    assert [a.pk for a in selectors.review_queue(finance)] == [account.pk]
    with pytest.raises(ValidationFailed) as info:
        payout.payout_account_review(actor=finance, account_id=account.pk, accept=True)
    assert info.value.field == "note"
    payout.payout_account_review(actor=finance, account_id=account.pk, accept=True, note="Pemilik membuka lagi rekeningnya (telepon)")
    account.refresh_from_db()
    assert account.status == "verified"
    later = run_to_exported(finance2, finance)
    assert list(later.lines.values_list("payable__person_id", flat=True)) == [unlucky.pk]
    batches.batch_result_import(actor=finance, batch_id=later.pk, data=result_file(later))
    assert Payable.objects.filter(status="paid").count() == 2
    # Importing the first result again holds nothing again.
    assert batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch, failed={
        Payable.objects.get(person=unlucky).pk: CLOSED})).accounts_held == 0
    assert PayoutAccount.objects.get(person=unlucky).status == "verified"


def test_a_transient_failure_keeps_the_account_and_the_next_batch_retries(finance, finance2):
    _program, enrollments = graduates(1)
    person = enrollments[0].person
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    assert fail(finance, batch, person, reason="Gangguan sistem bank, coba lagi").accounts_held == 0
    assert PayoutAccount.objects.get(person=person).status == "verified"
    assert not AuditEvent.objects.filter(action="payout_account.held").exists()
    later = run_to_exported(finance2, finance)
    assert later.line_count == 1


def test_the_owner_replacing_the_refused_account_releases_the_payable(finance, finance2):
    _program, enrollments = graduates(1)
    person = enrollments[0].person
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    fail(finance, batch, person, reason="Nomor rekening tidak ditemukan")
    assert selectors.my_incentives(person)[0].state == "failed"
    payout.payout_account_set(actor=person.user, person=person, channel="bank", provider_code="008", number="9988776655",
                              holder_name=person.full_name, current_password=PASSWORD)
    later = run_to_exported(finance2, finance)
    line = later.lines.get()
    assert (line.provider_code, line.account_number) == ("008", "9988776655")
    # The refused account is retired, not re-verified: it is no longer in the review queue.
    assert selectors.review_queue(finance) == []


def test_an_account_replaced_after_the_batch_was_built_is_not_held(finance, finance2):
    _program, enrollments = graduates(1)
    person = enrollments[0].person
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    new = payout.payout_account_set(actor=person.user, person=person, channel="bank", provider_code="008", number="9988776655",
                                    holder_name=person.full_name, current_password=PASSWORD)
    assert fail(finance, batch, person).accounts_held == 0
    new.refresh_from_db()
    assert (new.status, new.bank_refusal) == ("verified", "")
    assert run_to_exported(finance2, finance).lines.get().provider_code == "008"


def test_the_same_number_entered_again_is_recognised_whatever_its_seal(finance, finance2):
    """The line keeps the account's sealed number as it was; the account is matched on the number itself."""
    _program, enrollments = graduates(1)
    person = enrollments[0].person
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    from sisnaker.core import crypto

    account = PayoutAccount.objects.get(person=person)
    BatchLine.objects.filter(batch=batch).update(account_number_encrypted=crypto.encrypt(account.number))  # sealed again
    assert fail(finance, batch, person).accounts_held == 1


def test_a_bank_return_for_the_account_holds_it_too(finance, finance2):
    _program, enrollments = graduates(1)
    person = enrollments[0].person
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch))
    line = batch.lines.get()
    batches.batch_line_return(actor=finance, batch_id=batch.pk, reference=line.reference, reason="Account closed")
    account = PayoutAccount.objects.get(person=person)
    assert (account.status, account.bank_refusal) == ("review", "Account closed")
    with pytest.raises(Conflict):
        batches.batch_build(actor=finance, funding_source="apbd")
    text = texts(phone_of(person))[-1]
    assert "dikembalikan bank: Account closed" in text and "tidak dipakai lagi" in text
    assert text.endswith("/pembayaran/saya/rekening/")


def test_an_institution_account_the_bank_refused_is_held_and_shown_to_its_manager(finance, finance2):
    from .test_institution_accounts import record

    program, _ = graduates(2, funding="apbn", fee=2_000_000, accounts=False, responded=False)
    institution = program.institution
    manager = staff("institution_manager", institution=institution)
    payables.payables_accrue(actor=finance)
    account = record(manager, institution)
    batch = run_to_exported(finance, finance2, source="apbn")
    fee = Payable.objects.get(kind="training_fee")
    batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch, failed={fee.pk: "Nama penerima tidak sesuai"}))
    account.refresh_from_db()
    assert (account.status, account.bank_refusal) == ("review", "Nama penerima tidak sesuai")
    client = Client()
    client.force_login(manager)
    page = client.get(f"/pembayaran/lembaga/{institution.pk}/rekening/").content.decode()
    assert "Bank menolak transfer ke rekening ini (Nama penerima tidak sesuai)" in page


def test_the_alumnus_is_told_and_sees_the_hold_and_the_officer_sees_it_in_the_queue(finance, finance2, client):
    _program, enrollments = graduates(1)
    person = enrollments[0].person
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    fail(finance, batch, person, reason="Nama rekening tidak cocok")
    text = texts(phone_of(person))[-1]
    assert "gagal: Nama rekening tidak cocok. Rekening ini tidak dipakai lagi" in text
    assert text.endswith("/pembayaran/saya/rekening/")
    client.force_login(person.user)
    mine = client.get("/pembayaran/saya/").content.decode()
    assert "Bank menolak transfer ke rekening ini (Nama rekening tidak cocok)" in mine
    assert "Gagal: Nama rekening tidak cocok" in mine and "Perbarui rekening" in mine
    officer = Client()
    officer.force_login(finance)
    queue = officer.get("/pembayaran/pemeriksaan-rekening/").content.decode()
    assert "Ditolak bank" in queue and "Nama rekening tidak cocok" in queue
    desk = officer.get("/pembayaran/").content.decode()
    assert "1 di antaranya ditahan setelah ditolak bank." in desk


def test_holding_accounts_is_set_based(finance, finance2):
    def run(n):
        _program, enrollments = graduates(n)
        payables.payables_accrue(actor=finance)
        batch = run_to_exported(finance, finance2)
        # Each line its own reason (banks often add a reference): still no query per line.
        failed = {p: f"{CLOSED} ref {p}" for p in Payable.objects.filter(status="in_batch").values_list("pk", flat=True)}
        with CaptureQueriesContext(connection) as queries:
            report = batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch, failed=failed))
        assert report.accounts_held == n
        held = dict(PayoutAccount.objects.filter(status="review").values_list("person_id", "bank_refusal"))
        assert all(held[person] == failed[pk] for pk, person in Payable.objects.filter(pk__in=failed).values_list("pk", "person_id"))
        return len(queries)

    assert run(2) == run(6)


@pytest.mark.parametrize(("status", "event", "after"), [
    ("verified", "bank_refused", "review"), ("review", "accepted", "verified"), ("review", "refused", "rejected"),
    ("review", "bank_refused", None), ("rejected", "bank_refused", None), ("verified", "accepted", None),
])
def test_the_payout_transition_table(status, event, after):
    assert domain.payout_transition(status, event) == after


def test_only_a_reason_about_the_account_refuses_it():
    assert domain.bank_refusal_event("Rekening tidak aktif (dormant)") == domain.PayoutEvent.BANK_REFUSED
    assert domain.bank_refusal_event("Timeout host") is None
