"""Payables and batches through the services: accrual from survey responses, build, four-eyes approval, bank
files, bank results (paid, failed, imported again), and what the citizen sees."""

from __future__ import annotations

import pytest

from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.payments import domain, selectors
from sisnaker.payments.models import Batch, BatchLine, JournalEntry, LedgerLine, Payable, PayoutAccount
from sisnaker.payments.services import batches, payables, payout
from tests.factories import staff

from .conftest import graduates

pytestmark = pytest.mark.django_db


def result_file(batch, *, failed: dict[int, str] | None = None) -> bytes:
    """The bank's answer: every line paid except the payables in ``failed`` (payable id → reason)."""
    failed = failed or {}
    rows = ["reference,status,bank_reference,reason"]
    for line in batch.lines.order_by("pk"):
        if line.payable_id in failed:
            rows.append(f"{line.reference},GAGAL,,{failed[line.payable_id]}")
        else:
            rows.append(f"{line.reference},BERHASIL,TRX{line.pk},")
    return ("\n".join(rows) + "\n").encode()


def run_to_exported(maker, approver, source="apbd"):
    batch = batches.batch_build(actor=maker, funding_source=source)
    batches.batch_approve(actor=approver, batch_id=batch.pk)
    for code in selectors.batch_providers(batch):
        batches.batch_export(actor=approver, batch_id=batch.pk, provider_code=code)
    batch.refresh_from_db()
    return batch


def test_graduates_who_filled_the_survey_are_owed_the_default_incentive_once(finance):
    _program, enrollments = graduates(3)
    _other, late = graduates(1, responded=False)
    done = payables.payables_accrue(actor=finance)
    assert (done.incentives, done.amount) == (3, 3 * domain.DEFAULT_INCENTIVE)
    assert payables.payables_accrue(actor=finance).incentives == 0
    assert Payable.objects.count() == 3
    # The accrual is in the ledger: budget debited, payable to people credited.
    assert LedgerLine.objects.filter(account__kind="budget").count() == 3
    assert sum(LedgerLine.objects.values_list("amount", flat=True)) == 0
    assert AuditEvent.objects.filter(action="payable.created").count() == 3
    assert selectors.my_incentives(late[0].person)[0].state == "survey"
    assert selectors.my_incentives(enrollments[0].person)[0].state == "due"


def test_a_program_rule_wins_and_one_rule_pays_a_person_once(finance):
    program, enrollments = graduates(1, funding="apbn")
    payables.incentive_rule_set(actor=finance, funding_source="apbn", amount=750_000, program=program)
    person = enrollments[0].person
    second, _ = graduates(0, funding="apbn")
    from tests.factories import enrollments_in

    from .conftest import respond
    again = enrollments_in(second, people=[person], state="graduated")[0]
    respond(again)
    payables.payables_accrue(actor=finance)
    amounts = sorted(Payable.objects.filter(person=person).values_list("amount", flat=True))
    assert amounts == [600_000, 750_000]  # the program's own rule, and the APBN rule for the other program


def test_a_training_fee_is_owed_for_graduates_of_a_closed_government_program(finance):
    program, _ = graduates(4, funding="apbn", fee=2_500_000, accounts=False, responded=False)
    payables.payables_accrue(actor=finance)
    fee = Payable.objects.get(kind="training_fee")
    assert (fee.institution_id, fee.amount) == (program.institution_id, 4 * 2_500_000)


def test_the_whole_run_pays_once_and_failed_lines_go_into_a_later_batch(finance, finance2):
    _program, enrollments = graduates(3)
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    assert batch.status == "exported" and batch.line_count == 3 and batch.total_amount == 1_800_000
    first, second, third = (e.person for e in enrollments)
    failing = Payable.objects.get(person=third)
    report = batches.batch_result_import(actor=finance, batch_id=batch.pk,
                                         data=result_file(batch, failed={failing.pk: "timeout host bank"}))
    assert (report.paid, report.failed) == (2, 1)
    batch.refresh_from_db()
    assert batch.status == "settled"
    assert Payable.objects.filter(status="paid").count() == 2
    # Importing the same file again changes nothing.
    again = batches.batch_result_import(actor=finance, batch_id=batch.pk,
                                        data=result_file(batch, failed={failing.pk: "timeout host bank"}))
    assert (again.paid, again.failed, again.unchanged) == (0, 0, 3)
    assert JournalEntry.objects.filter(kind="pay").count() == 2
    state = selectors.my_incentives(third)[0]
    assert (state.state, state.failure_reason) == ("failed", "timeout host bank")
    assert selectors.my_incentives(first)[0].state == "paid"
    # The failed one is due again and goes into the next batch; nothing else does.
    later = run_to_exported(finance2, finance)
    assert list(later.lines.values_list("payable_id", flat=True)) == [failing.pk]
    batches.batch_result_import(actor=finance, batch_id=later.pk, data=result_file(later))
    assert Payable.objects.filter(status="paid").count() == 3
    paid_out = LedgerLine.objects.filter(account__kind="paid_out").values_list("amount", flat=True)
    assert sum(paid_out) == -1_800_000
    assert all(r.balanced for r in selectors.reconciliation(finance))


def test_a_result_that_contradicts_a_settled_line_is_refused_whole(finance, finance2):
    graduates(2)
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch))
    one = batch.lines.first()
    with pytest.raises(ValidationFailed) as info:
        batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch, failed={one.payable_id: "x"}))
    assert info.value.code == "batch_result_file"
    assert BatchLine.objects.filter(status="paid").count() == 2


@pytest.mark.parametrize("content, expected", [
    (b"", "reference,status"),
    (b"reference,status,bank_reference,reason\nSNK000001-1,MUNGKIN,,\n", "MUNGKIN"),
    (b"reference,status,bank_reference,reason\nSNK000001-1,GAGAL,,\n", "alasan"),
    (b"reference,status,bank_reference,reason\nTIDAK-ADA,BERHASIL,,\n", "TIDAK-ADA"),
    (b"\xff\xfe", "UTF-8"),
])
def test_a_bad_result_file_is_refused_with_the_line_at_fault(finance, finance2, content, expected):
    graduates(1)
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    with pytest.raises(ValidationFailed) as info:
        batches.batch_result_import(actor=finance, batch_id=batch.pk, data=content)
    assert expected in info.value.message.id
    assert not BatchLine.objects.exclude(status="pending").exists()


def test_four_eyes_the_maker_never_approves_and_approving_twice_changes_nothing(finance, finance2):
    graduates(1)
    payables.payables_accrue(actor=finance)
    batch = batches.batch_build(actor=finance, funding_source="apbd")
    with pytest.raises(PermissionDenied):
        batches.batch_approve(actor=finance, batch_id=batch.pk)
    batches.batch_approve(actor=finance2, batch_id=batch.pk)
    batches.batch_approve(actor=finance2, batch_id=batch.pk)  # a double click
    assert AuditEvent.objects.filter(action="batch.approved").count() == 1
    with pytest.raises(Conflict):
        batches.batch_approve(actor=staff("finance_officer"), batch_id=batch.pk)


def test_a_payable_is_in_one_open_batch_and_a_cancelled_batch_frees_it(finance, finance2):
    graduates(2)
    payables.payables_accrue(actor=finance)
    batch = batches.batch_build(actor=finance, funding_source="apbd")
    with pytest.raises(Conflict):
        batches.batch_build(actor=finance, funding_source="apbd")
    batches.batch_cancel(actor=finance, batch_id=batch.pk, reason="Salah sumber dana")
    assert Payable.objects.filter(status="due").count() == 2
    assert batches.batch_build(actor=finance2, funding_source="apbd").line_count == 2


def test_people_without_a_verified_account_wait(finance):
    graduates(1, accounts=False)
    payables.payables_accrue(actor=finance)
    with pytest.raises(Conflict):
        batches.batch_build(actor=finance, funding_source="apbd")


def test_an_officer_of_one_funding_source_touches_only_its_money(finance2, payments_world):
    apbn_officer = staff("finance_officer", funding_source="apbn")
    graduates(1)  # APBD
    payables.payables_accrue(actor=finance2)
    with pytest.raises(PermissionDenied):
        batches.batch_build(actor=apbn_officer, funding_source="apbd")
    batch = batches.batch_build(actor=finance2, funding_source="apbd")
    # Every step on another source's batch answers as for a batch that does not exist: a refusal would tell the
    # officer which ids are that source's batches.
    for step in (lambda: batches.batch_approve(actor=apbn_officer, batch_id=batch.pk),
                 lambda: batches.batch_cancel(actor=apbn_officer, batch_id=batch.pk, reason="Salah sumber dana"),
                 lambda: batches.batch_export(actor=apbn_officer, batch_id=batch.pk, provider_code="002"),
                 lambda: batches.batch_result_import(actor=apbn_officer, batch_id=batch.pk, data=result_file(batch))):
        with pytest.raises(NotFound):
            step()
    with pytest.raises(NotFound):
        selectors.batch_for(apbn_officer, batch.pk)
    assert Batch.objects.get(pk=batch.pk).status == "draft"
    assert selectors.batches(apbn_officer) == []
    assert selectors.sources_of(apbn_officer) == ["apbn"]


def test_the_bank_file_has_the_documented_layout(finance, finance2):
    _program, enrollments = graduates(1, provider="014")
    payables.payables_accrue(actor=finance)
    batch = batches.batch_build(actor=finance, funding_source="apbd")
    with pytest.raises(Conflict):
        batches.batch_export(actor=finance, batch_id=batch.pk, provider_code="014")  # not approved yet
    batches.batch_approve(actor=finance2, batch_id=batch.pk)
    bank_file = batches.batch_export(actor=finance2, batch_id=batch.pk, provider_code="014")
    header, row = bank_file.content.strip().split("\r\n")
    assert header == "reference,bank_code,account_number,account_holder,amount,description"
    line = batch.lines.get()
    assert row == f"{line.reference},014,0123456789012,{enrollments[0].person.full_name},600000,SISNAKER INSENTIF B{batch.pk}"
    assert Batch.objects.get(pk=batch.pk).status == "exported"


def test_the_batch_workbook_writes_what_people_and_banks_typed_as_text_never_as_formulas(finance):
    import io
    import zipfile

    from sisnaker.payments import report
    graduates(2, title='=HYPERLINK("http://evil.example","Klik")')
    payables.payables_accrue(actor=finance)
    batch = batches.batch_build(actor=finance, funding_source="apbd")
    content = report.batch_xlsx(batch, selectors.reconciliation(finance, batch_id=batch.pk), selectors.batch_totals(batch),
                                list(batch.lines.select_related("payable__program")))
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheets = "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets  # no cell holds a formula


def test_a_bank_return_owes_the_payable_again_and_it_is_paid_once_more(finance, finance2, sms):
    _program, enrollments = graduates(1)
    person = enrollments[0].person
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch))
    line = batch.lines.get()
    with pytest.raises(ValidationFailed):
        batches.batch_line_return(actor=finance, batch_id=batch.pk, reference=line.reference, reason=" ")
    batches.batch_line_return(actor=finance, batch_id=batch.pk, reference=line.reference, reason="Rekening ditutup")
    batches.batch_line_return(actor=finance, batch_id=batch.pk, reference=line.reference, reason="Rekening ditutup")  # again
    payable = Payable.objects.get()
    assert (payable.status, payable.paid_at, payable.last_failure, payable.returns) == ("due", None, "Rekening ditutup", 1)
    line.refresh_from_db()
    assert (line.status, line.failure_reason) == ("returned", "Rekening ditutup")
    assert JournalEntry.objects.filter(kind="return").count() == 1
    paid_out = sum(LedgerLine.objects.filter(account__kind="paid_out").values_list("amount", flat=True))
    assert paid_out == 0 and sum(LedgerLine.objects.values_list("amount", flat=True)) == 0
    assert selectors.my_incentives(person)[0].state == "failed"
    # The original result file imported again is still true: nothing changes.
    assert batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch)).unchanged == 1
    # The bank returned it because of the account: nothing is paid to that account until it is checked again
    # (test_bank_refusals.py); here an officer re-verifies it.
    account = PayoutAccount.objects.get(person=person)
    assert (account.status, account.bank_refusal) == ("review", "Rekening ditutup")
    with pytest.raises(Conflict):
        batches.batch_build(actor=finance2, funding_source="apbd")
    payout.payout_account_review(actor=finance, account_id=account.pk, accept=True, note="Rekening dibuka lagi (buku tabungan)")
    # Paid again in a later batch: a second payment posting, once.
    later = run_to_exported(finance2, finance)
    batches.batch_result_import(actor=finance, batch_id=later.pk, data=result_file(later))
    payable.refresh_from_db()
    assert payable.status == "paid"
    assert sorted(JournalEntry.objects.filter(kind="pay").values_list("idempotency_key", flat=True)) == [
        f"pay:{payable.idempotency_key}", f"pay:{payable.idempotency_key}#1"]
    assert -sum(LedgerLine.objects.filter(account__kind="paid_out").values_list("amount", flat=True)) == payable.amount
    assert [(r.paid_amount, r.ledger_paid_amount) for r in selectors.reconciliation(finance)] == [(0, 0), (600_000, 600_000)]
    # Only a paid line can be returned.
    with pytest.raises(Conflict):
        Payable.objects.filter(pk=payable.pk).update(status="due", paid_at=None)
        batches.batch_line_return(actor=finance, batch_id=later.pk, reference=later.lines.get().reference, reason="x")


def test_a_due_payable_is_cancelled_from_the_payables_page(finance):
    from django.test import Client
    from django.urls import reverse

    graduates(1)
    payables.payables_accrue(actor=finance)
    payable = Payable.objects.get()
    client = Client()
    client.force_login(finance)
    page = client.get(reverse("payments:payables") + "?status=due")
    assert page.status_code == 200 and f'data-payable="{payable.pk}"' in page.content.decode()
    refused = client.post(reverse("payments:payable_cancel", args=[payable.pk]), {"reason": ""}, follow=True)
    assert "Tulis alasan pembatalan" in refused.content.decode()
    assert Payable.objects.get().status == "due"
    done = client.post(reverse("payments:payable_cancel", args=[payable.pk]),
                       {"reason": "Dibuat untuk orang yang salah", "next": "/pembayaran/kewajiban/?status=due"})
    assert done.status_code == 302 and done["Location"] == "/pembayaran/kewajiban/?status=due"
    assert Payable.objects.get().status == "cancelled"
    assert sum(LedgerLine.objects.filter(account__kind="returned").values_list("amount", flat=True)) == -payable.amount
    assert client.post(reverse("payments:payable_cancel", args=[payable.pk]), {"reason": "x", "next": "https://evil.example/"}
                       )["Location"] == reverse("payments:payables")


def test_the_figures_stop_counting_an_incentive_the_bank_returned_at_the_next_hourly_refresh(finance, finance2, sms):
    """The hourly refresh finds changed payables by ``paid_at``; a return clears it, so the returned incentive
    stayed in "Insentif dibayar" until the daily full rebuild."""
    import datetime as dt

    from django.utils import timezone

    from sisnaker.reporting import services as figures
    from sisnaker.reporting.models import Figure

    def paid() -> tuple[int, int]:
        rows = Figure.objects.filter(measure="incentives_paid", dim="all", level=0, basis="d")
        return sum(rows.values_list("n", flat=True)), sum(rows.values_list("amount", flat=True))

    graduates(1)
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch))
    # The full rebuild an hour after the payment (past the refresh's margin for open transactions), the return
    # after it, then the hourly refresh.
    rebuilt = timezone.now() + dt.timedelta(hours=1)
    figures.figures_refresh(now=rebuilt, full=True)
    assert paid() == (1, 600_000)
    later = rebuilt + dt.timedelta(minutes=5)
    batches.batch_line_return(actor=finance, batch_id=batch.pk, reference=batch.lines.get().reference, reason="Rekening ditutup",
                              now=later)
    figures.figures_refresh(now=later + dt.timedelta(hours=1))  # incremental
    assert paid() == (0, 0)


def test_no_incentive_for_a_training_whose_certificate_was_revoked(finance):
    """A certificate revoked because the participant's data proved false still led to the Rp600.000 incentive."""
    import datetime as dt

    from django.utils import timezone

    from sisnaker.certification.models import Certificate

    _program, enrollments = graduates(2)
    now = timezone.now() - dt.timedelta(days=3)
    for n, (e, revoked) in enumerate(((enrollments[0], True), (enrollments[1], False)), start=1):
        Certificate.objects.create(
            enrollment=e, number=f"TEST/{n}", institution=e.program.institution, year=now.year, sequence=n, verification_id=f"v{n:08d}",
            payload="{}", signature="x", key_id="k", issued_at=now, issued_by=finance,
            revoked_at=now + dt.timedelta(days=1) if revoked else None, revoke_reason="Data peserta tidak sesuai" if revoked else "")
    payables.payables_accrue(actor=finance)
    assert list(Payable.objects.values_list("enrollment_id", flat=True)) == [enrollments[1].pk]


def test_a_replaced_certificate_keeps_the_incentive(finance):
    """A certificate replaced because the name on it was wrong (revoked, a corrected one issued) is not a
    revoked training: its incentive stands. Without its replacement the revoked one stops it."""
    import datetime as dt

    from django.utils import timezone

    from sisnaker.certification.models import Certificate

    _program, enrollments = graduates(2)
    now = timezone.now() - dt.timedelta(days=3)
    for n, e in enumerate(enrollments, start=1):
        old = Certificate.objects.create(
            enrollment=e, number=f"TEST/{n}", institution=e.program.institution, year=now.year, sequence=n, verification_id=f"v{n:08d}",
            payload="{}", signature="x", key_id="k", issued_at=now, issued_by=finance,
            revoked_at=now + dt.timedelta(days=1), revoke_reason="Nama salah ketik")
        if n == 1:
            Certificate.objects.create(
                enrollment=e, number=f"TEST/{n}b", institution=e.program.institution, year=now.year, sequence=10 + n,
                verification_id=f"w{n:08d}", payload="{}", signature="x", key_id="k", issued_at=now + dt.timedelta(days=1),
                issued_by=finance, replaces=old, first_issued_at=now)
    payables.payables_accrue(actor=finance)
    assert list(Payable.objects.values_list("enrollment_id", flat=True)) == [enrollments[0].pk]
