"""The platform a beneficiary bought on cancels the purchase for them (``POST /api/v1/integration/purchase/cancel``,
signed as a partner signs): waiting for consent or requested → cancelled, nothing debited; authorised with no session
redeemed → cancelled and the price back on the card; the card may buy again at once. Another platform's purchase is
not found, an institution may not, and a purchase already finished or redeemed cannot be cancelled."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sisnaker.core.models import AuditEvent
from sisnaker.integration import services as integration
from sisnaker.payments.services import ledger
from sisnaker.prakerja.models import Card, Purchase, RedeemCode

from . import test_partner_api
from .test_partner_api import call, consent_code

pytestmark = pytest.mark.usefixtures("sms")
world = test_partner_api.world  # the fixture: a platform and an institution partner with their keys, a curated course


def _order(m, key):
    return {"card_number": m.card.number, "course_code": m.entry.course_code, "idempotency_key": key}


def _held(card) -> int:
    """The card's training balance as the ledger holds it."""
    return ledger.balances("beneficiary", "prakerja", [card.ledger_reference])[card.ledger_reference]


def test_a_platform_cancels_a_purchase_waiting_for_consent_and_the_card_buys_again(world):
    m = world
    status, answer = call(m.platform, "/purchase", _order(m, "order-c1"))
    invoice, code = answer["data"]["invoice_code"], consent_code(m.card.application.phone)
    before = _held(m.card)
    status, answer = call(m.platform, "/purchase/cancel", {"invoice_code": invoice, "reason": "Salah memilih pelatihan"})
    assert status == 200 and answer["data"]["status"] == "cancelled" and answer["data"]["voucher_code"] is None
    assert _held(m.card) == before  # nothing was debited, nothing to give back
    # The code the beneficiary received no longer buys anything.
    status, answer = call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": code})
    assert status == 409 and answer["code"] == "prakerja_consent_not_pending"
    status, answer = call(m.platform, "/purchase/cancel", {"invoice_code": invoice})
    assert status == 409 and answer["code"] == "prakerja_purchase_state"
    event = AuditEvent.objects.get(action="prakerja_purchase.cancelled")
    assert event.after["via"] == m.platform[0] and event.reason == "Salah memilih pelatihan"
    # The card is free again: a new purchase starts at once.
    status, answer = call(m.platform, "/purchase", _order(m, "order-c2"))
    assert status == 200 and answer["data"]["status"] == "consent"


def test_an_authorised_purchase_cancelled_gives_the_balance_back_until_a_session_is_redeemed(world):
    m = world
    status, answer = call(m.platform, "/purchase", _order(m, "order-a1"))
    invoice = answer["data"]["invoice_code"]
    call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": consent_code(m.card.application.phone)})
    status, answer = call(m.platform, "/purchase/status", {"invoice_code": invoice})
    assert answer["data"]["status"] == "authorised"
    full = _held(m.card) + answer["data"]["price"]
    voucher = answer["data"]["voucher_code"]
    enrollment = Purchase.objects.get(invoice_code=invoice).enrollment
    assert enrollment.state == "participant"
    status, answer = call(m.platform, "/purchase/cancel", {"invoice_code": invoice})
    assert status == 200 and answer["data"]["status"] == "cancelled"
    assert _held(m.card) == full and Card.objects.get(pk=m.card.pk).spent == 0
    enrollment.refresh_from_db()
    assert enrollment.state == "withdrawn"  # the seat is free again
    status, answer = call(m.lpk, "/payment/voucher", {"voucher_code": voucher})
    assert status == 404  # the voucher went with the purchase

    # Bought again and a session redeemed: no longer cancellable, the money stays with the institution.
    status, answer = call(m.platform, "/purchase", _order(m, "order-a2"))
    invoice = answer["data"]["invoice_code"]
    call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": consent_code(m.card.application.phone)})
    state = call(m.platform, "/purchase/status", {"invoice_code": invoice})[1]["data"]
    assert state["status"] == "authorised", state  # the same course again: the withdrawn enrollment joins once more
    assert Purchase.objects.get(invoice_code=invoice).enrollment_id == enrollment.pk
    enrollment.refresh_from_db()
    assert enrollment.state == "participant"
    voucher = state["voucher_code"]
    code = call(m.lpk, "/payment/voucher", {"voucher_code": voucher})[1]["data"]["redeem_codes"][0]["redeem_code"]
    RedeemCode.objects.filter(code=code).update(session_start=timezone.now())
    assert call(m.lpk, "/payment/redeem-code/commit", {"redeem_code": code})[0] == 200
    status, answer = call(m.platform, "/purchase/cancel", {"invoice_code": invoice})
    assert status == 409 and answer["code"] == "prakerja_purchase_state"
    assert Purchase.objects.get(invoice_code=invoice).status == "authorised"


def test_only_the_purchases_platform_cancels_it(world, pmo):
    m = world
    status, answer = call(m.platform, "/purchase", _order(m, "order-o1"))
    invoice = answer["data"]["invoice_code"]
    other = integration.partner_register(actor=pmo, name="Platform Lain", kind="platform")
    other = (other.client_code, integration.key_issue(actor=pmo, partner_id=other.pk, scheme="hmac-sha256").secret, "hmac-sha256")
    status, answer = call(other, "/purchase/cancel", {"invoice_code": invoice})
    assert status == 404 and answer["code"] == "not_found"
    status, answer = call(m.lpk, "/purchase/cancel", {"invoice_code": invoice})
    assert status == 403 and answer["code"] == "partner_kind_not_allowed"
    status, answer = call(m.platform, "/purchase/cancel", {"invoice_code": invoice, "reason": "x" * 301})
    assert status == 400 and answer["success"] is False
    status, answer = call(m.platform, "/purchase/cancel", {"invoice": invoice})
    assert status == 400 and answer["success"] is False
    assert Purchase.objects.get(invoice_code=invoice).status == "consent"  # nothing happened


def test_the_openapi_document_describes_the_cancel(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/integration/purchase/cancel"]["post"]
    assert operation["operationId"] == "prakerja_purchase_cancel" and "prakerja_purchase_state" in operation["responses"]["409"]["description"]
