"""Alumni are told about their incentive after the change commits, once per event: due, paid, failed (with how
to fix an account problem)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sisnaker.notifications.models import Notification
from sisnaker.payments import domain
from sisnaker.payments.services import batches, notices, payables
from tests.sms import committed

from .conftest import graduates
from .test_batches import result_file, run_to_exported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]


def texts(to_phone=None):
    """What was sent by SMS once everything queued after commit has run (the task writes the messages, whose
    sending is queued after commit in turn)."""
    while connection.run_on_commit:
        committed()
    return [text for phone, text in committed() if to_phone is None or phone == to_phone]


def phone_of(person):
    from sisnaker.notifications.gateways import normalize_phone

    return normalize_phone(person.phone)


def test_due_paid_and_failed_are_each_told_once_after_commit(finance, finance2, sms):
    _program, enrollments = graduates(2)
    happy, unlucky = (e.person for e in enrollments)
    payables.payables_accrue(actor=finance)
    assert sms == []  # nothing before the change commits
    told = texts(phone_of(happy))
    assert len(told) == 1 and "Rp600.000" in told[0] and "siap dibayar" in told[0] and "/pembayaran/saya/" in told[0]
    payables.payables_accrue(actor=finance)  # nothing new: nothing told again
    assert texts() == [*texts()[:2]] and len(texts()) == 2

    batch = run_to_exported(finance, finance2)
    failing = batch.lines.get(payable__person=unlucky)
    batches.batch_result_import(actor=finance, batch_id=batch.pk,
                                data=result_file(batch, failed={failing.payable_id: "nama rekening tidak cocok"}))
    paid = texts(phone_of(happy))[-1]
    assert "sudah ditransfer" in paid
    failed = texts(phone_of(unlucky))[-1]
    assert "gagal: nama rekening tidak cocok. Rekening ini tidak dipakai lagi sampai diperbarui atau diperiksa petugas. " \
        "Perbarui rekening: " in failed and failed.endswith("/pembayaran/saya/rekening/")
    assert failed.isascii()  # GSM 7-bit: 160 characters a part (an em dash made it UCS-2, 70 a part)
    count = len(texts())
    # Importing the same result again tells nobody again.
    batches.batch_result_import(actor=finance, batch_id=batch.pk,
                                data=result_file(batch, failed={failing.payable_id: "nama rekening tidak cocok"}))
    assert len(texts()) == count
    # Running the task again (a retry) does not tell twice either.
    assert notices.tell(event=domain.Notice.PAID, ids=[failing.payable_id - 1, failing.payable_id]) == 0
    assert Notification.objects.filter(topic__startswith="payment.").values("topic", "channel").distinct().count() \
        == Notification.objects.filter(topic__startswith="payment.").count()


def test_a_failure_not_about_the_account_says_it_will_be_sent_again(finance, finance2):
    _program, enrollments = graduates(1)
    payables.payables_accrue(actor=finance)
    batch = run_to_exported(finance, finance2)
    line = batch.lines.get()
    batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch, failed={line.payable_id: "gangguan sistem bank"}))
    text = texts(phone_of(enrollments[0].person))[-1]
    assert "gangguan sistem bank" in text and "dikirim lagi" in text and "Perbarui rekening" not in text


def test_an_alumnus_without_an_account_is_told_to_record_one(finance):
    _program, enrollments = graduates(1, accounts=False)
    payables.payables_accrue(actor=finance)
    assert texts(phone_of(enrollments[0].person))[0].endswith("/pembayaran/saya/rekening/")


def test_a_rolled_back_change_tells_nobody(finance, sms):
    graduates(1)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notices.tell_after_commit(domain.Notice.DUE, [1])
        raise RuntimeError("rolled back")
    assert texts() == []


def test_telling_is_set_based(finance, finance2):
    graduates(3)
    payables.payables_accrue(actor=finance)
    committed()
    few = list(Notification.objects.values_list("pk", flat=True))
    Notification.objects.all().delete()
    graduates(30)
    payables.payables_accrue(actor=finance)
    ids = list(notices._events("due", list(range(1, 10_000))))
    assert len(ids) == 33 and few
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as small:
        notices.tell(event="due", ids=[e.object_id for e in ids[:3]])
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        notices.tell(event="due", ids=[e.object_id for e in ids])
    assert len(large) == len(small)


@pytest.mark.parametrize(("reason", "account"), [("Nama rekening tidak cocok", True), ("Rekening tidak ditemukan", True),
                                                 ("ACCOUNT CLOSED", True), ("Timeout host", False), ("gangguan sistem", False)])
def test_account_problems_are_recognised(reason, account):
    assert domain.account_problem(reason) is account


def test_long_titles_and_reasons_are_cut_at_a_word_and_never_end_in_two_full_stops():
    # A QA pass read "(Kartu Prake)" in an SMS, and certificates' "… BLK).." (tests/certification).
    title = "Insentif pasca-pelatihan ke-1 Operator Mesin Jahit Industri (Kartu Prakerja Gelombang 70)"
    _subject, text = domain.incentive_notice(domain.Notice.DUE, amount=600_000, program=title, mine_url="u", account_url="a")
    assert "(Insentif pasca-pelatihan ke-1 Operator Mesin Jahit...)" in text  # 60 characters at most, whole words
    assert text.isascii()  # one character outside GSM 7-bit ("…", "—") makes every part of the SMS 70 characters
    _subject, text = domain.incentive_notice(domain.Notice.FAILED, amount=600_000, program="Las", reason="Rekening ditutup.",
                                             mine_url="u", account_url="a")
    assert "Rekening ditutup. " in text and ".." not in text and text.isascii()
