"""A new purchase consent code for a beneficiary whose SMS or e-mail did not arrive (``POST
/api/v1/integration/purchase/consent/resend``, a platform's signed request): the old code stops working, wrong tries
carry over, at most ``MAX_CONSENT_RESENDS`` new codes, each at least ``CONSENT_RESEND_SECONDS`` after the last, and each
refusal has its own code. The API tests sign as a partner does (tests/integration/conftest.py ``signed``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F

from sisnaker.core.errors import Conflict, NotFound, SisnakerError, TooManyRequests, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.prakerja import domain, purchases
from sisnaker.prakerja.domain import PurchaseStatus as PS
from sisnaker.prakerja.models import Purchase
from tests.sms import SmsBox, committed

from . import test_partner_api
from .conftest import NOW
from .market import consent_code, market
from .test_partner_api import call
from .test_partner_api import consent_code as sms_code
from .test_purchase_consent import PLATFORM, _confirm, _debits, _wrong, platform_buy

pytestmark = pytest.mark.usefixtures("sms")
world = test_partner_api.world  # the fixture: a platform and an institution partner with their keys, a curated course
GAP = dt.timedelta(seconds=domain.CONSENT_RESEND_SECONDS)


def _resend(purchase, *, now, via=PLATFORM):
    done = purchases.purchase_consent_resend(actor=None, via=via, purchase=purchase, now=now, platform_name="Platform Uji")
    committed()
    return done


def _codes_to(phone: str) -> list[str]:
    return [text for to, text in SmsBox.sent if to == phone and "persetujuan" in text]


# --- the rule ---------------------------------------------------------------------------------------------------

def test_resend_rules():
    sent = NOW
    expires = sent + dt.timedelta(minutes=domain.CONSENT_MINUTES)

    def why(now, *, status=PS.CONSENT, attempts=0, resends=0):
        return domain.consent_resend_refusal(status=status, expires_at=expires, attempts=attempts, resends=resends, now=now)

    assert why(sent + GAP) is None  # exactly the gap after the last code
    assert why(sent + GAP - dt.timedelta(seconds=1)) == ("consent_resend_too_soon", 1)
    assert why(sent) == ("consent_resend_too_soon", domain.CONSENT_RESEND_SECONDS)
    assert why(sent + GAP, resends=domain.MAX_CONSENT_RESENDS) == ("consent_resend_limit", 0)
    assert why(sent + GAP, resends=domain.MAX_CONSENT_RESENDS - 1) is None
    # The consent's own refusals come first (even when it is also too soon or over the limit).
    assert why(sent, status=PS.REQUESTED) == ("consent_not_pending", 0)
    assert why(sent, attempts=domain.MAX_CONSENT_ATTEMPTS, resends=9) == ("consent_locked", 0)
    assert why(expires + dt.timedelta(seconds=1)) == ("consent_expired", 0)


# --- the service ------------------------------------------------------------------------------------------------

def test_a_new_code_replaces_the_old_one_and_wrong_tries_carry_over(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m)
    first = consent_code(m.card)
    with pytest.raises(ValidationFailed):  # a wrong code (counted), before the resend
        _confirm(purchase, _wrong(first))
    with pytest.raises(TooManyRequests) as exc:  # the SMS may still be on its way
        _resend(purchase, now=NOW + GAP - dt.timedelta(seconds=10))
    assert exc.value.code == "prakerja_consent_resend_too_soon" and exc.value.retry_after == 10

    later = NOW + dt.timedelta(minutes=2)
    resent = _resend(purchase, now=later)
    assert resent.status == PS.CONSENT and resent.consent_expires_at == later + dt.timedelta(minutes=domain.CONSENT_MINUTES)
    assert resent.consent_attempts == 1  # not reset: at most 5 wrong codes per purchase, whatever the codes sent
    texts = _codes_to(m.card.application.phone)
    second = consent_code(m.card)
    assert len(texts) == 2 and second in texts[-1] and "Platform Uji" in texts[-1]
    event = AuditEvent.objects.get(action="prakerja_purchase.consent_resent", object_id=str(purchase.pk))
    assert event.after["via"] == PLATFORM and event.after["resend"] == 1 and event.actor_id is None
    assert first not in str(event.after) and second not in str(event.after)
    # The old code no longer works (a wrong try, counted); the new one does, and the purchase is debited once.
    if first != second:
        with pytest.raises(ValidationFailed):
            _confirm(purchase, first, now=later)
        assert Purchase.objects.get(pk=purchase.pk).consent_attempts == 2
    _confirm(purchase, second, now=later + dt.timedelta(minutes=9))  # within the new code's ten minutes
    committed()
    assert Purchase.objects.get(pk=purchase.pk).status == PS.AUTHORISED and _debits() == 1
    with pytest.raises(Conflict) as exc:  # nothing waits any more
        _resend(purchase, now=later + dt.timedelta(minutes=10))
    assert exc.value.code == "prakerja_consent_not_pending"


def test_at_most_three_new_codes_then_the_limit(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m)
    at = NOW
    for n in range(1, domain.MAX_CONSENT_RESENDS + 1):
        at += GAP
        _resend(purchase, now=at)
        assert purchases.consent_resends(purchase.pk) == n
    with pytest.raises(Conflict) as exc:
        _resend(purchase, now=at + dt.timedelta(minutes=5))
    assert exc.value.code == "prakerja_consent_resend_limit"
    assert len(_codes_to(m.card.application.phone)) == 1 + domain.MAX_CONSENT_RESENDS
    # The last code still works: the limit stops new codes, not the purchase.
    _confirm(purchase, consent_code(m.card), now=at + dt.timedelta(minutes=5))
    assert Purchase.objects.get(pk=purchase.pk).status == PS.REQUESTED


def test_no_new_code_for_an_expired_or_locked_purchase_nor_another_platform(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    purchase = platform_buy(m)
    with pytest.raises(NotFound):
        _resend(purchase, now=NOW + GAP, via="SISN-OTHERPLATF")
    with pytest.raises(NotFound):
        purchases.purchase_consent_resend(actor=m.card.person.user, via=PLATFORM, purchase=purchase, now=NOW + GAP)
    late = NOW + dt.timedelta(minutes=domain.CONSENT_MINUTES, seconds=1)
    with pytest.raises(Conflict) as exc:
        _resend(purchase, now=late)
    assert exc.value.code == "prakerja_consent_expired"
    purchase.refresh_from_db()
    assert (purchase.status, purchase.refusal) == (PS.REFUSED, "consent_expired")  # refused then and there
    assert len(_codes_to(m.card.application.phone)) == 1

    locked = platform_buy(m, key="order-2", now=late)
    code = consent_code(m.card)
    for _ in range(domain.MAX_CONSENT_ATTEMPTS):
        with pytest.raises(SisnakerError):  # wrong codes; the fifth locks the purchase
            _confirm(locked, _wrong(code), now=late)
    with pytest.raises(Conflict) as exc:
        _resend(locked, now=late + GAP)
    assert exc.value.code == "prakerja_consent_locked"


# --- over the signed API ----------------------------------------------------------------------------------------

def test_a_platform_asks_for_a_new_code_over_the_signed_api(world):
    m = world
    order = {"card_number": m.card.number, "course_code": m.entry.course_code, "idempotency_key": "order-r"}
    status, answer = call(m.platform, "/purchase", order)
    assert status == 200 and answer["data"]["consent_resends_left"] == domain.MAX_CONSENT_RESENDS
    invoice, phone = answer["data"]["invoice_code"], m.card.application.phone
    first = sms_code(phone)

    status, answer = call(m.platform, "/purchase/consent/resend", {"invoice_code": invoice})  # at once: too soon
    assert status == 429 and answer["success"] is False and answer["code"] == "prakerja_consent_resend_too_soon"
    # (The first code was sent a minute and a half ago.)
    Purchase.objects.filter(invoice_code=invoice).update(consent_expires_at=F("consent_expires_at") - dt.timedelta(seconds=90))
    status, answer = call(m.platform, "/purchase/consent/resend", {"invoice_code": invoice})
    assert status == 200 and answer["data"]["status"] == "consent" and answer["data"]["consent_resends_left"] == 2
    assert answer["data"]["consent_attempts_left"] == domain.MAX_CONSENT_ATTEMPTS and len(answer["data"]["consent_sent_to"]) == 2
    second = sms_code(phone)
    if second != first:
        status, answer = call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": first})
        assert status == 400 and answer["code"] == "prakerja_consent_code_wrong"  # the old code is gone
    status, answer = call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": second})
    assert status == 200 and answer["data"]["status"] in ("requested", "authorised") and answer["data"]["consent_resends_left"] is None
    status, answer = call(m.platform, "/purchase/consent/resend", {"invoice_code": invoice})
    assert status == 409 and answer["code"] == "prakerja_consent_not_pending"
    # Only the purchase's platform, and only platforms.
    status, answer = call(m.platform, "/purchase/consent/resend", {"invoice_code": "INVNOTHERE01"})
    assert status == 404 and answer["code"] == "not_found"
    status, answer = call(m.lpk, "/purchase/consent/resend", {"invoice_code": invoice})
    assert status == 403 and answer["code"] == "partner_kind_not_allowed"
    status, answer = call(m.platform, "/purchase/consent/resend", {"invoice": invoice})
    assert status == 400 and answer["success"] is False


def test_too_soon_says_when_to_ask_again(world):
    from django.test import Client

    from tests.integration.conftest import signed

    m = world
    status, answer = call(m.platform, "/purchase", {"card_number": m.card.number, "course_code": m.entry.course_code,
                                                    "idempotency_key": "order-t"})
    client_code, key, scheme = m.platform
    response = signed(Client(), client_code=client_code, key=key, scheme=scheme, path="/api/v1/integration/purchase/consent/resend",
                      body=b'{"invoice_code":"%s"}' % answer["data"]["invoice_code"].encode())
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= domain.CONSENT_RESEND_SECONDS


def test_the_openapi_document_describes_the_resend(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/integration/purchase/consent/resend"]["post"]
    assert operation["operationId"] == "prakerja_purchase_consent_resend" and "429" in operation["responses"]
    assert "prakerja_consent_resend_limit" in operation["responses"]["409"]["description"]
