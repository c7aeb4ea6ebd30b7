"""Purchases racing on PostgreSQL with real threads (own connections, released together): the same request sent
several times at once is one purchase charged once; two purchases of one card at once never spend more than the
balance; the PMO's rule check run several times at once posts once.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/prakerja/test_purchase_concurrency.py
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from sisnaker.core.models import AuditEvent
from sisnaker.payments.models import JournalEntry, LedgerLine
from sisnaker.prakerja import purchases
from sisnaker.prakerja.domain import PurchaseStatus as PS
from sisnaker.prakerja.models import Card, Purchase
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture

from .conftest import NOW
from .market import consent_code, curate, market, prakerja_program

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only", "sms")]

THREADS = 6


def _balanced():
    return (LedgerLine.objects.aggregate(s=Sum("amount"))["s"] or 0) == 0


def _request(card, program, key, user):
    return purchases.purchase_request(actor=user, card=card, program=program, platform_code="", idempotency_key=key, now=NOW)


def test_the_same_request_sent_at_once_is_one_purchase_charged_once(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    user = m.card.person.user
    user.grants  # noqa: B018 — loaded once, before the threads share it
    outcomes = race([lambda: _request(m.card, m.program, "dup", user) for _ in range(THREADS)])
    assert {kind for kind, _v in outcomes} == {"ok"}
    assert len({v.pk for _kind, v in outcomes}) == 1
    assert Purchase.objects.get().status == PS.AUTHORISED
    assert JournalEntry.objects.filter(kind="purchase").count() == 1 and _balanced()
    assert Card.objects.get(pk=m.card.pk).spent == m.entry.price


def test_two_purchases_of_one_card_at_once_never_spend_more_than_the_balance(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    programs = []
    for i in range(2):
        program = prakerja_program(m.inst, title=f"Pelatihan Mahal {i}", start_date=dt.date(2026, 4, 1 + 10 * i),
                                   end_date=dt.date(2026, 4, 5 + 10 * i), hours=40)
        curate(program, manager=m.manager, curator=m.curator, pmo=pmo, price=2_500_000, sessions=())
        programs.append(program)
    user = m.card.person.user
    user.grants  # noqa: B018
    outcomes = race([lambda p=programs[i % 2], i=i: _request(m.card, p, f"key-{i}", user) for i in range(THREADS)])
    refused = [v for kind, v in outcomes if kind == "refused"]
    assert refused and {e.code for e in refused} == {"prakerja_unfinished_purchase"}
    assert Purchase.objects.filter(status=PS.AUTHORISED).count() == 1
    assert JournalEntry.objects.filter(kind="purchase").count() == 1 and _balanced()
    card = Card.objects.get(pk=m.card.pk)
    assert card.spent == 2_500_000 and purchases.card_balance(card) == card.granted - 2_500_000 >= 0


def test_the_rule_check_run_at_once_posts_once(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = Purchase.objects.create(card=m.card, entry=m.entry, program=m.program, institution=m.inst, person=m.card.person,
                                       price=m.entry.price, idempotency_key="direct", fingerprint="-", invoice_code="INVDIRECT",
                                       requested_at=NOW)
    outcomes = race([lambda: purchases.purchase_authorise(actor=None, purchase=purchase, now=NOW) for _ in range(THREADS)])
    assert {v.status for _kind, v in outcomes} == {PS.AUTHORISED}
    assert JournalEntry.objects.filter(kind="purchase").count() == 1 and _balanced()
    assert Card.objects.get(pk=m.card.pk).spent == m.entry.price


# --- the beneficiary's consent to a partner platform's purchase ---------------------------------------------------

PLATFORM = "SISN-PLATFORMX01"


def _platform_request(card, program, key, platform=PLATFORM):
    return purchases.purchase_request(actor=None, card=card, program=program, platform_code=platform, idempotency_key=key, now=NOW)


def test_the_same_consent_confirmed_at_once_debits_once(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = _platform_request(m.card, m.program, "order-1")
    code = consent_code(m.card)
    outcomes = race([lambda: purchases.purchase_consent(actor=None, via=PLATFORM, purchase=purchase, code=code, now=NOW)
                     for _ in range(THREADS)])
    assert {kind for kind, _v in outcomes} == {"ok"}
    assert Purchase.objects.get().status == PS.AUTHORISED
    assert AuditEvent.objects.filter(action="prakerja_purchase.consented").count() == 1
    assert JournalEntry.objects.filter(kind="purchase").count() == 1 and _balanced()
    assert Card.objects.get(pk=m.card.pk).spent == m.entry.price


def test_wrong_codes_sent_at_once_are_each_counted_and_lock_at_five(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = _platform_request(m.card, m.program, "order-1")
    wrong = "000000" if consent_code(m.card) != "000000" else "111111"
    outcomes = race([lambda: purchases.purchase_consent(actor=None, via=PLATFORM, purchase=purchase, code=wrong, now=NOW)
                     for _ in range(8)])
    codes = sorted(v.code for _kind, v in outcomes)
    assert codes == ["prakerja_consent_code_wrong"] * 4 + ["prakerja_consent_locked"] * 4
    purchase.refresh_from_db()
    assert (purchase.status, purchase.refusal, purchase.consent_attempts) == (PS.REFUSED, "consent_locked", 5)
    assert not JournalEntry.objects.filter(kind="purchase").exists()


def test_two_platforms_and_the_holder_racing_for_one_balance_debit_once(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    outcomes = race([lambda i=i: _platform_request(m.card, m.program, f"order-{i}", platform=f"SISN-PLATFORM{i:03d}")
                     for i in range(4)])
    made = [v for kind, v in outcomes if kind == "ok"]
    assert len(made) == 1 and Purchase.objects.filter(status=PS.CONSENT).count() == 1
    assert {v.code for kind, v in outcomes if kind == "refused"} == {"prakerja_unfinished_purchase"}
    waiting = made[0]
    code = consent_code(m.card)
    user = m.card.person.user
    user.grants  # noqa: B018
    outcomes = race([lambda: purchases.purchase_consent(actor=None, via=waiting.platform_code, purchase=waiting, code=code, now=NOW),
                     lambda: purchases.purchase_consent(actor=user, purchase=waiting, now=NOW),
                     lambda: _request(m.card, m.program, "own", user)])
    assert Purchase.objects.filter(status=PS.AUTHORISED).count() == 1
    assert JournalEntry.objects.filter(kind="purchase").count() == 1 and _balanced()
    assert Card.objects.get(pk=m.card.pk).spent == m.entry.price


def test_a_cancel_while_a_session_is_being_redeemed_is_refused_not_a_crash(open_wave, applicant, pmo):
    """A platform cancels while the institution redeems the first session: the cancel waits for the redeem to
    commit and is refused (409: a session was redeemed) — it used to overwrite the code as cancelled, which the
    database refused: a 500 for the platform."""
    import threading

    from django.db import connection, transaction

    from sisnaker.core.errors import Conflict
    from sisnaker.prakerja.models import RedeemCode

    m = market(open_wave, applicant, pmo)
    user = m.card.person.user
    purchase = Purchase.objects.get(pk=_request(m.card, m.program, "k", user).pk)  # authorised by the check run at commit
    code = purchases.voucher_exchange(actor=m.manager, institution=m.inst, voucher_code=purchase.voucher_code, now=NOW)[0]
    locked, release = threading.Event(), threading.Event()

    def redeeming():  # what redeem_commit does in its transaction: lock the code row, mark it used
        try:
            with transaction.atomic():
                RedeemCode.objects.select_for_update().get(pk=code.pk)
                RedeemCode.objects.filter(pk=code.pk).update(status="used", redeemed_at=NOW, redeemed_by="LPK")
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    redeem = threading.Thread(target=redeeming)
    redeem.start()
    assert locked.wait(10)
    threading.Timer(0.5, release.set).start()  # the redeem commits while the cancel is under way
    with pytest.raises(Conflict) as refused:
        purchases.purchase_cancel(actor=user, purchase=purchase, reason="", now=NOW)
    redeem.join()
    assert refused.value.code == "prakerja_purchase_state"
    assert RedeemCode.objects.get(pk=code.pk).status == "used"
    assert Purchase.objects.get(pk=purchase.pk).status == PS.AUTHORISED
    assert Card.objects.get(pk=m.card.pk).spent == m.entry.price and _balanced()
