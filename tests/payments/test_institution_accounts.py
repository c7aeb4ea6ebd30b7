"""Institutions' payout accounts (their manager records them, the holder name is matched against the
institution's name) and training fees paid through a batch end to end."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sisnaker.core.errors import NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.payments import domain, selectors
from sisnaker.payments.models import JournalEntry, LedgerLine, Payable, PayoutAccount
from sisnaker.payments.services import batches, payables, payout
from tests.factories import PASSWORD, InstitutionFactory, staff

from .conftest import graduates
from .test_batches import result_file, run_to_exported

pytestmark = pytest.mark.django_db


def record(manager, institution, *, holder=None, number="1234567890", password=PASSWORD):
    return payout.institution_payout_account_set(actor=manager, institution=institution, provider_code="002", number=number,
                                                 holder_name=holder or institution.name, current_password=password)


def test_a_manager_records_the_institution_account_and_a_close_name_is_verified(payments_world):
    institution = InstitutionFactory(name="UPTD Balai Latihan Kerja Kota Bandung")
    manager = staff("institution_manager", institution=institution)
    account = record(manager, institution, holder="UPTD BALAI LATIHAN KERJA KOTA BANDUNG")
    assert (account.status, account.institution_id, account.person_id) == (domain.PayoutStatus.VERIFIED, institution.pk, None)
    assert "1234567890" not in account.number_encrypted and account.number == "1234567890"
    event = AuditEvent.objects.get(action="payout_account.set")
    assert "1234567890" not in str(event.after) and event.after["institution"] == institution.pk
    # A new account retires the old one; a name that is somebody else's is refused (kept, so the manager sees why).
    other = record(manager, institution, holder="Budi Santoso", number="9876543210")
    assert other.status == domain.PayoutStatus.REJECTED
    assert list(PayoutAccount.objects.filter(institution=institution, is_current=True)) == [other]


def test_an_unsure_institution_name_goes_to_the_review_queue(payments_world, finance):
    institution = InstitutionFactory(name="BLK Komunitas Pondok Pesantren Al Hikmah Cirebon")
    manager = staff("institution_manager", institution=institution)
    account = record(manager, institution, holder="Yayasan Al Hikmah Cirebon")
    assert account.status == domain.PayoutStatus.REVIEW
    assert [a.pk for a in selectors.review_queue(finance)] == [account.pk]
    assert payout.payout_account_review(actor=finance, account_id=account.pk, accept=True).status == domain.PayoutStatus.VERIFIED


def test_only_the_institution_manager_with_the_password_records_it(payments_world):
    institution = InstitutionFactory()
    manager = staff("institution_manager", institution=institution)
    with pytest.raises(ValidationFailed) as info:
        record(manager, institution, password="salah")
    assert info.value.field == "current_password"
    with pytest.raises(PermissionDenied):
        record(staff("institution_manager"), institution)  # another institution's manager
    pending = InstitutionFactory(status="pending")
    with pytest.raises(PermissionDenied):
        record(staff("institution_manager", institution=pending), pending)  # pending: nothing touches money
    with pytest.raises(NotFound):
        selectors.institution_for_account(staff("institution_manager"), institution.pk)
    with pytest.raises(ValidationFailed) as info:
        record(manager, institution, number="12AB")
    assert info.value.field == "number"
    assert not PayoutAccount.objects.exists()


def test_a_training_fee_is_paid_to_the_institution_through_a_batch(finance, finance2):
    program, _ = graduates(3, funding="apbn", fee=2_000_000, accounts=False, responded=False)
    institution = program.institution
    manager = staff("institution_manager", institution=institution)
    payables.payables_accrue(actor=finance)
    fee = Payable.objects.get(kind="training_fee")
    # No account yet: the fee waits.
    assert selectors.due_summary(finance)[0].with_account == 0
    record(manager, institution)
    batch = run_to_exported(finance, finance2, source="apbn")
    line = batch.lines.get()
    assert (line.payable_id, line.amount, line.holder_name) == (fee.pk, 6_000_000, institution.name)
    content = batches.batch_export(actor=finance2, batch_id=batch.pk, provider_code="002").content
    assert "SISNAKER BIAYA PELATIHAN" in content and "1234567890" in content
    assert selectors.institution_payout(institution)[1][0].status == "in_batch"
    report = batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch))
    assert (report.paid, report.paid_amount) == (1, 6_000_000)
    fee.refresh_from_db()
    assert fee.status == "paid"
    paid_out = LedgerLine.objects.filter(account__kind="paid_out", payable=fee).get()
    assert paid_out.amount == -6_000_000
    assert LedgerLine.objects.filter(account__kind="payable_institution").values_list("amount", flat=True).count() == 2
    assert sum(LedgerLine.objects.filter(account__kind="payable_institution").values_list("amount", flat=True)) == 0
    assert JournalEntry.objects.filter(idempotency_key=f"pay:fee:{program.pk}").exists()


def test_the_manager_page_records_the_account_and_lists_the_fees(finance):
    program, _ = graduates(2, funding="apbd", fee=1_500_000, accounts=False, responded=False)
    payables.payables_accrue(actor=finance)
    manager = staff("institution_manager", institution=program.institution)
    client = Client()
    client.force_login(manager)
    url = reverse("payments:institution_account", args=[program.institution_id])
    page = client.get(url)
    assert page.status_code == 200 and "3.000.000" in page.content.decode()
    wrong = client.post(url, {"bank_code": "002", "number": "12", "holder_name": program.institution.name,
                              "current_password": PASSWORD})
    assert wrong.status_code == 400 and not PayoutAccount.objects.exists()
    done = client.post(url, {"bank_code": "002", "number": "1234567890", "holder_name": program.institution.name,
                             "current_password": PASSWORD}, follow=True)
    assert done.status_code == 200
    assert PayoutAccount.objects.get(institution=program.institution).status == "verified"
    assert "7890" in done.content.decode()
    # The home page leads there.
    assert url in client.get("/").content.decode()
