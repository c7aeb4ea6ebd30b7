"""The beneficiary's consent to a partner platform's purchase (issue 11: "the PMO authorises payment from the
participant's balance" — never on a platform's word alone): the purchase waits in ``consent`` until the holder
confirms with the one-time code sent to the phone and e-mail verified for their application (or logged in on
Sisnaker); wrong codes count and lock; the code expires; nothing is debited before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from sisnaker.core.errors import Conflict, NotFound, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.notifications.models import Notification
from sisnaker.payments.models import JournalEntry
from sisnaker.prakerja import domain, purchases, tasks
from sisnaker.prakerja.domain import PurchaseStatus as PS
from sisnaker.prakerja.models import Card, Purchase
from tests.sms import SmsBox, committed

from .conftest import NOW
from .market import buy, consent, consent_code, market

pytestmark = pytest.mark.usefixtures("sms")
PLATFORM = "SISN-PLATFORMX01"


def platform_buy(m, *, key="order-1", now=NOW) -> Purchase:
    return buy(m.card, m.program, platform=PLATFORM, key=key, actor=None, now=now)


def _confirm(purchase, code, *, now=NOW, via=PLATFORM):
    return purchases.purchase_consent(actor=None, via=via, purchase=purchase, code=code, now=now)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _debits() -> int:
    return JournalEntry.objects.filter(kind="purchase").count()


# --- domain -----------------------------------------------------------------------------------------------------

def test_consent_rules():
    expires = NOW + dt.timedelta(minutes=10)
    assert domain.consent_refusal(status=PS.CONSENT, expires_at=expires, attempts=0, now=expires) is None  # the last instant counts
    assert domain.consent_refusal(status=PS.CONSENT, expires_at=expires, attempts=0, now=expires + dt.timedelta(seconds=1)) == "consent_expired"
    assert domain.consent_refusal(status=PS.CONSENT, expires_at=expires, attempts=5, now=NOW) == "consent_locked"
    assert domain.consent_refusal(status=PS.REQUESTED, expires_at=expires, attempts=0, now=NOW) == "consent_not_pending"
    assert domain.consent_attempt(attempts=3) == (4, False) and domain.consent_attempt(attempts=4) == (5, True)


# --- services ---------------------------------------------------------------------------------------------------

def test_a_platform_purchase_waits_for_the_code_sent_to_the_verified_contacts_and_debits_nothing(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m)
    assert purchase.status == PS.CONSENT and purchase.consented_at is None
    assert _debits() == 0 and Card.objects.get(pk=m.card.pk).spent == 0 and purchase.voucher_code is None
    # The rule check (e.g. a PMO officer pressing it) does nothing before consent.
    assert purchases.purchase_authorise(actor=None, purchase=purchase, now=NOW).status == PS.CONSENT and _debits() == 0
    code = consent_code(m.card)
    app = m.card.application
    assert any(to == app.phone and code in text and m.program.title[:30] in text for to, text in SmsBox.sent)
    assert any(msg.to == [app.email] and code in msg.body for msg in mail.outbox)
    # The code is never stored: the kept copies are blanked, the purchase has only a keyed hash.
    assert not Notification.objects.filter(topic="prakerja_consent", body__contains=code).exists()
    assert Notification.objects.filter(topic="prakerja_consent").count() == 2
    assert code not in purchase.consent_code_hash and purchase.consent_code_hash
    assert AuditEvent.objects.filter(action="prakerja_purchase.consent_asked", object_id=str(purchase.pk)).exists()


def test_the_right_code_sends_it_to_the_rule_check_which_debits_once(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m)
    code = consent_code(m.card)
    done = consent(purchase)
    assert done.status == PS.AUTHORISED and done.consented_via == "code" and done.voucher_code
    assert _debits() == 1 and Card.objects.get(pk=m.card.pk).spent == m.entry.price
    # The same code again (the platform retried): the same purchase, nothing more.
    again = _confirm(purchase, code, now=NOW + dt.timedelta(minutes=20))
    committed()
    assert again.pk == purchase.pk and _debits() == 1
    with pytest.raises(Conflict) as exc:  # another code for a confirmed purchase
        _confirm(purchase, _wrong(code))
    assert exc.value.code == "prakerja_consent_not_pending"
    assert AuditEvent.objects.filter(action="prakerja_purchase.consented").count() == 1


def test_wrong_codes_count_and_the_fifth_locks_the_purchase(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m)
    code = consent_code(m.card)
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationFailed) as exc:
            _confirm(purchase, _wrong(code))
        assert exc.value.code == "prakerja_consent_code_wrong" and exc.value.details["attempts_left"] == left
        assert Purchase.objects.get(pk=purchase.pk).consent_attempts == 5 - left  # counted although refused
    with pytest.raises(Conflict) as exc:
        _confirm(purchase, _wrong(code))
    assert exc.value.code == "prakerja_consent_locked"
    purchase.refresh_from_db()
    assert (purchase.status, purchase.refusal, purchase.consent_attempts) == (PS.REFUSED, "consent_locked", 5)
    with pytest.raises(Conflict) as exc:  # the right code no longer helps
        _confirm(purchase, code)
    assert exc.value.code == "prakerja_consent_locked" and _debits() == 0
    # The card is free again: a new request asks for a new code.
    assert platform_buy(m, key="order-2").status == PS.CONSENT


def test_an_expired_code_refuses_the_purchase_and_frees_the_card(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m)
    code = consent_code(m.card)
    late = NOW + dt.timedelta(minutes=domain.CONSENT_MINUTES, seconds=1)
    with pytest.raises(Conflict) as exc:
        _confirm(purchase, code, now=late)
    assert exc.value.code == "prakerja_consent_expired"
    purchase.refresh_from_db()
    assert (purchase.status, purchase.refusal) == (PS.REFUSED, "consent_expired") and _debits() == 0
    with pytest.raises(Conflict) as exc:
        _confirm(purchase, code, now=late)
    assert exc.value.code == "prakerja_consent_expired"


def test_a_stale_pending_consent_does_not_block_the_card(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    stale = platform_buy(m)
    with pytest.raises(Conflict) as exc:  # while its code is live, the card holds one unfinished purchase
        purchases.purchase_request(actor=m.card.person.user, card=m.card, program=m.program, platform_code="", idempotency_key="own",
                                   now=NOW + dt.timedelta(minutes=5))
    assert exc.value.code == "prakerja_unfinished_purchase"
    own = buy(m.card, m.program, key="own", now=NOW + dt.timedelta(minutes=11))  # lapsed first, then the holder's own purchase
    assert own.status == PS.AUTHORISED and own.consented_at is None  # the holder buying on Sisnaker is their own consent
    stale.refresh_from_db()
    assert (stale.status, stale.refusal) == (PS.REFUSED, "consent_expired")


def test_the_hourly_job_lapses_expired_consents(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    live, stale = platform_buy(m), None
    stale = buy(m.cards[1], m.program, platform=PLATFORM, key="order-9", actor=None, now=NOW - dt.timedelta(minutes=30))
    assert tasks.consents_lapse_due(now=NOW) == "lapsed 1"
    assert Purchase.objects.get(pk=stale.pk).refusal == "consent_expired"
    assert Purchase.objects.get(pk=live.pk).status == PS.CONSENT
    assert tasks.consents_lapse_due(now=NOW) == "lapsed 0"
    assert AuditEvent.objects.filter(action="prakerja_purchase.consent_lapsed").count() == 1


def test_only_the_purchase_platform_relays_the_code_and_nobody_without_a_signature(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m)
    code = consent_code(m.card)
    with pytest.raises(NotFound):
        _confirm(purchase, code, via="SISN-OTHERPLATF")
    with pytest.raises(NotFound):
        _confirm(purchase, code, via="")
    assert Purchase.objects.get(pk=purchase.pk).consent_attempts == 0 and _debits() == 0


def test_the_database_refuses_a_debit_path_without_consent(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m)
    with pytest.raises(IntegrityError), transaction.atomic():
        Purchase.objects.filter(pk=purchase.pk).update(status=PS.REQUESTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Purchase.objects.filter(pk=purchase.pk).update(consent_attempts=6)
    with pytest.raises(IntegrityError), transaction.atomic():  # one unfinished purchase per card, consent included
        Purchase.objects.create(card=m.card, entry=m.entry, program=m.program, institution=m.inst, person=m.card.person,
                                price=m.entry.price, idempotency_key="x", fingerprint="-", invoice_code="INVX", requested_at=NOW)


# --- the holder's page -----------------------------------------------------------------------------------------

def test_the_holder_sees_the_waiting_purchase_and_confirms_or_cancels_it_logged_in(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    Card.objects.update(deadline=timezone.localdate() + dt.timedelta(days=30))  # the page runs on the real clock
    purchase = platform_buy(m, now=timezone.now())
    holder = Client()
    holder.force_login(m.card.person.user)
    page = holder.get("/prakerja/saya/").content.decode()
    assert "Setujui pembelian" in page and PLATFORM in page
    stranger = Client()
    stranger.force_login(m.cards[1].person.user)
    assert stranger.post(f"/prakerja/saya/pembelian/{purchase.pk}/setujui/").status_code == 404
    assert holder.post(f"/prakerja/saya/pembelian/{purchase.pk}/setujui/").status_code == 302
    committed()
    purchase.refresh_from_db()
    assert purchase.status == PS.AUTHORISED and purchase.consented_via == "account" and _debits() == 1

    other = buy(m.cards[1], m.program, platform=PLATFORM, key="order-2", actor=None, now=timezone.now())
    assert stranger.post(f"/prakerja/saya/pembelian/{other.pk}/batal/").status_code == 302
    other.refresh_from_db()
    assert other.status == PS.CANCELLED and _debits() == 1
    with pytest.raises(Conflict) as exc:
        _confirm(other, consent_code(m.cards[1]), now=timezone.now())
    assert exc.value.code == "prakerja_consent_not_pending"


# --- many consent requests for one card ---------------------------------------------------------------------------

def test_consent_requests_per_card_are_limited_per_day():
    at = [NOW - dt.timedelta(hours=h) for h in (23, 20, 10, 5, 1)]
    assert domain.consent_request_wait(requested=at[1:], now=NOW) == 0  # four in the last day: a fifth may go
    assert domain.consent_request_wait(requested=at, now=NOW) == 3600  # five: the oldest leaves the window in an hour
    assert domain.consent_request_wait(requested=[NOW - dt.timedelta(hours=30)] * 9, now=NOW) == 0


def test_a_platform_asking_again_as_each_code_lapses_stops_ringing_the_holder_after_five(open_wave, applicant, pmo):
    """Card numbers can be worked out from the public draw results: a platform that asked again every 10 minutes sent
    the holder an SMS and an e-mail each time and kept the card held, without end."""
    from sisnaker.core.errors import TooManyRequests

    m = market(open_wave, applicant, pmo)
    now = NOW
    for i in range(domain.MAX_CONSENT_REQUESTS_PER_DAY):
        assert platform_buy(m, key=f"again-{i}", now=now).status == PS.CONSENT
        now += dt.timedelta(minutes=domain.CONSENT_MINUTES + 1)  # the code lapses unanswered
    sent = len(SmsBox.sent)
    with pytest.raises(TooManyRequests) as refused:
        platform_buy(m, key="again-5", now=now)
    assert refused.value.code == "prakerja_consent_request_limit" and refused.value.retry_after > 0
    assert len(SmsBox.sent) == sent and Purchase.objects.count() == domain.MAX_CONSENT_REQUESTS_PER_DAY
    # The holder can still buy on Sisnaker itself.
    assert buy(m.card, m.program, key="on-sisnaker", now=now).status == PS.AUTHORISED


def test_a_lapsed_consent_reads_as_refused_before_anything_records_it(open_wave, applicant, pmo):
    from sisnaker.prakerja.api_integration import _purchase_data

    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m, now=timezone.now())
    assert _purchase_data(purchase)["status"] == PS.CONSENT
    Purchase.objects.filter(pk=purchase.pk).update(consent_expires_at=timezone.now() - dt.timedelta(seconds=1))
    purchase.refresh_from_db()
    data = _purchase_data(purchase)
    assert (data["status"], data["refusal"], data["consent_attempts_left"], data["consent_sent_to"]) == (
        PS.REFUSED, "consent_expired", None, [])
