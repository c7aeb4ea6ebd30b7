"""Prakerja over the signed partner API, signed exactly as a partner would (tests/integration/conftest.py ``signed``,
which follows docs/integration.md and imports nothing of Sisnaker's signing): a platform buys, an institution
exchanges the voucher, checks and redeems the session, reports attendance and completion; the published fields and
the distinct refusals come back in the envelope."""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
from django.test import Client
from django.utils import timezone

from sisnaker.integration import services as integration
from sisnaker.prakerja.models import Card, Purchase, RedeemCode
from sisnaker.training.models import Program
from tests.factories import ProgramFactory
from tests.integration.conftest import signed
from tests.sms import SmsBox, committed

from .market import curate, market

pytestmark = pytest.mark.usefixtures("sms")
BASE = "/api/v1/integration"


@pytest.fixture
def world(open_wave, applicant, pmo):
    m = market(open_wave, applicant, pmo)
    today = timezone.localdate()  # requests are signed and checked on the real clock
    m.program = ProgramFactory(institution=m.inst, funding=Program.Funding.PRAKERJA, today=today, title="Pelatihan Daring Mitra")
    m.entry = curate(m.program, manager=m.manager, curator=m.curator, pmo=pmo, sessions=())
    Card.objects.update(deadline=today + dt.timedelta(days=30))
    platform = integration.partner_register(actor=pmo, name="Platform Uji", kind="platform")
    lpk = integration.partner_register(actor=pmo, name="LPK Uji", kind="institution", institution_registry_number=m.inst.registry_number)
    m.platform = (platform.client_code, integration.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha256").secret, "hmac-sha256")
    m.lpk = (lpk.client_code, integration.key_issue(actor=pmo, partner_id=lpk.pk, scheme="hmac-sha1").secret, "hmac-sha1")
    return m


_last = [0]  # the last timestamp signed (see ``call``)


def call(partner, path, payload, *, raw: bytes | None = None):
    """One signed request, each with its own timestamp: an identical request with the same timestamp would be the same
    signature, refused as a replay. Timestamps only go up (never two alike, even when the clock ticks between calls),
    starting four minutes back so that they stay inside the ±5-minute window."""
    client_code, key, scheme = partner
    body = raw if raw is not None else json.dumps(payload, separators=(",", ":")).encode()
    _last[0] = max(int(time.time()) - 240, _last[0] + 1)
    timestamp = str(_last[0])
    response = signed(Client(), client_code=client_code, key=key, scheme=scheme, path=BASE + path, body=body, timestamp=timestamp)
    committed()  # what runs after the request commits (the PMO's rule check)
    return response.status_code, response.json()


def consent_code(phone: str) -> str:
    """The last consent code the beneficiary received by SMS (what they read out or type on the platform)."""
    texts = [t for to, t in SmsBox.sent if to == phone and "persetujuan" in t]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def test_a_platform_buys_and_an_institution_redeems_and_completes(world):
    m = world
    order = {"card_number": m.card.number, "course_code": m.entry.course_code, "idempotency_key": "order-1"}
    status, answer = call(m.platform, "/purchase", order)
    assert status == 200 and answer["success"] and answer["data"]["invoice_code"].startswith("INV")
    assert answer["data"]["status"] == "consent" and answer["data"]["voucher_code"] is None  # nothing debited yet
    assert len(answer["data"]["consent_sent_to"]) == 2 and answer["data"]["consent_attempts_left"] == 5
    invoice = answer["data"]["invoice_code"]
    status, again = call(m.platform, "/purchase", order)  # the same request again: the same purchase
    assert status == 200 and again["data"]["invoice_code"] == invoice and Purchase.objects.count() == 1
    status, other = call(m.platform, "/purchase", {**order, "course_code": "SNK99999999"})
    assert status == 404 and other["success"] is False
    code = consent_code(m.card.application.phone)
    status, answer = call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": code})
    assert status == 200 and answer["data"]["status"] == "requested" and answer["data"]["consented_at"]  # the rule check is queued
    status, answer = call(m.platform, "/purchase/status", {"invoice_code": invoice})
    assert answer["data"]["status"] == "authorised" and answer["data"]["voucher_code"]
    voucher = answer["data"]["voucher_code"]
    assert Purchase.objects.get().platform_code == m.platform[0]

    status, answer = call(m.platform, "/payment/voucher", {"voucher_code": voucher})
    assert (status, answer["code"]) == (403, "partner_kind_not_allowed")  # redeeming is the institution's
    status, answer = call(m.lpk, "/payment/voucher", {"voucher_code": voucher})
    assert status == 200 and [c["sequence"] for c in answer["data"]["redeem_codes"]] == [1]
    code = answer["data"]["redeem_codes"][0]["redeem_code"]

    status, answer = call(m.lpk, "/payment/redeem-code/status", {"redeem_code": code, "sequence": 1})
    assert status == 200 and list(answer["data"]) == ["redeem_code", "course_code", "invoice_code", "schedule_code", "status",
                                                      "attendance_status", "redeem_at", "dp_platform", "sequence"]
    assert answer["data"]["dp_platform"] == m.platform[0] and answer["data"]["invoice_code"] == invoice
    status, answer = call(m.lpk, "/payment/redeem-code/commit", {"redeem_code": code, "sequence": 1})
    assert (status, answer["code"]) == (409, "redeem_too_early")  # the session starts in 10 days
    RedeemCode.objects.filter(code=code).update(session_start=timezone.now() + dt.timedelta(minutes=30))
    status, answer = call(m.lpk, "/payment/redeem-code/commit", {"redeem_code": code, "sequence": 1})
    assert status == 200 and answer["data"]["status"] == "used" and answer["data"]["redeem_at"]
    status, answer = call(m.lpk, "/payment/redeem-code/commit", {"redeem_code": code})
    assert (status, answer["code"]) == (409, "redeem_already_used")
    status, answer = call(m.lpk, "/payment/redeem-code/attendance", {"redeem_code": code, "sequence": 1, "attendance_status": "present"})
    assert status == 200 and answer["data"]["attendance_status"] == "present"
    status, answer = call(m.lpk, "/payment/redeem-code/completion", {"redeem_code": code})
    assert status == 200 and answer["data"]["status"] == "completed"


def test_refusals_are_distinct_and_bad_bodies_are_400(world):
    m = world
    status, answer = call(m.lpk, "/payment/redeem-code/status", {"redeem_code": "RNOSUCHCODE1"})
    assert (status, answer["code"]) == (404, "redeem_not_found")
    status, answer = call(m.lpk, "/payment/redeem-code/status", {}, raw=b"[1, 2")
    assert status == 400 and answer["success"] is False
    status, answer = call(m.lpk, "/payment/redeem-code/status", {"redeem_code": 12})
    assert status == 400
    status, answer = call(m.lpk, "/payment/redeem-code/status", {"redeem_code": "R1", "sequence": True})
    assert (status, answer["code"]) == (400, "redeem_wrong_sequence")
    status, answer = call(m.lpk, "/payment/redeem-code/attendance", {"redeem_code": "R1", "attendance_status": "maybe"})
    assert status == 400
    unsigned = Client().post(BASE + "/payment/redeem-code/status", data=b"{}", content_type="application/json")
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "missing_signature_headers"


@pytest.mark.parametrize(("path", "payload", "raw", "code", "field"), [
    ("/payment/redeem-code/status", None, b"[" * 100_000 + b"]" * 100_000, "invalid_body", None),  # nested past Python's limit
    ("/payment/redeem-code/status", None, b"[1, 2", "invalid_body", None),
    ("/payment/redeem-code/status", {}, None, "value_required", "redeem_code"),
    ("/payment/redeem-code/status", {"redeem_code": 12}, None, "invalid_value", "redeem_code"),
    ("/payment/redeem-code/status", {"redeem_code": "R" * 101}, None, "value_out_of_range", "redeem_code"),
    ("/payment/redeem-code/status", {"redeem_code": "R1\u0000"}, None, "invalid_character", "redeem_code"),
    ("/payment/redeem-code/status", {"redeem_code": "R1\ud800"}, None, "invalid_character", "redeem_code"),  # a lone surrogate
    ("/payment/redeem-code/status", {"redeem_code": "R1", "sequence": "\u00b2"}, None, "redeem_wrong_sequence", "sequence"),
    ("/payment/redeem-code/status", {"redeem_code": "R1", "sequence": "9" * 5000}, None, "redeem_wrong_sequence", "sequence"),
    ("/payment/redeem-code/attendance", {"redeem_code": "R1", "attendance_status": "maybe"}, None, "invalid_value", "attendance_status"),
])
def test_a_body_the_endpoint_cannot_use_is_a_400_naming_its_field_never_a_500(world, path, payload, raw, code, field):
    """Found by a client written from the docs alone: these gave 500s (deep nesting, NUL, "²") or the catalogue's
    code without the field."""
    body = raw if raw is not None else json.dumps(payload).encode()  # json.dumps keeps \u0000 and \u00b2 escaped
    status, answer = call(world.lpk, path, None, raw=body)
    assert (status, answer["success"], answer["code"], answer["field"]) == (400, False, code, field)


def test_nul_in_a_platforms_idempotency_key_or_reason_is_refused_and_nothing_saved(world):
    m = world
    order = {"card_number": m.card.number, "course_code": m.entry.course_code, "idempotency_key": "k\u0000"}
    status, answer = call(m.platform, "/purchase", None, raw=json.dumps(order).encode())
    assert (status, answer["code"], answer["field"]) == (400, "invalid_character", "idempotency_key")
    assert not Purchase.objects.exists()
    status, answer = call(m.platform, "/purchase", {**order, "idempotency_key": "k-1"})
    assert status == 200
    body = json.dumps({"invoice_code": answer["data"]["invoice_code"], "reason": "a\u0000b"}).encode()
    status, answer = call(m.platform, "/purchase/cancel", None, raw=body)
    assert (status, answer["code"], answer["field"]) == (400, "invalid_character", "reason")
    assert Purchase.objects.get().status == "consent"


def test_a_body_over_the_limit_is_body_too_large_in_the_envelope_whoever_refuses_it(world):
    status, answer = call(world.lpk, "/payment/redeem-code/status", None, raw=b" " * (3 * 1024 * 1024))
    assert (status, answer["success"], answer["code"]) == (413, False, "body_too_large")


def test_the_openapi_document_describes_the_prakerja_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("payment/redeem-code/status", "payment/redeem-code/commit", "payment/redeem-code/completion", "purchase"):
        assert f"{BASE}/{path}" in paths
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["PrakerjaRedeem"]
    assert schema["required"] == ["redeem_code", "course_code", "invoice_code", "schedule_code", "status", "attendance_status",
                                  "redeem_at", "dp_platform", "sequence"]


def test_consent_refusals_reach_the_platform_with_their_codes(world):
    m = world
    order = {"card_number": m.card.number, "course_code": m.entry.course_code, "idempotency_key": "order-2"}
    invoice = call(m.platform, "/purchase", order)[1]["data"]["invoice_code"]
    code = consent_code(m.card.application.phone)
    wrong = "000000" if code != "000000" else "111111"
    status, answer = call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": wrong})
    assert (status, answer["code"]) == (400, "prakerja_consent_code_wrong") and "4" in answer["message"]
    status, answer = call(m.platform, "/purchase/consent", {"invoice_code": invoice})
    assert status == 400 and answer["success"] is False  # no code at all: a 400, not a 500
    status, answer = call(m.lpk, "/purchase/consent", {"invoice_code": invoice, "consent_code": code})
    assert (status, answer["code"]) == (403, "partner_kind_not_allowed")
    for _ in range(4):
        status, answer = call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": wrong})
    assert (status, answer["code"]) == (409, "prakerja_consent_locked")
    status, answer = call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": code})
    assert (status, answer["code"]) == (409, "prakerja_consent_locked")  # the right code no longer helps
    status, answer = call(m.platform, "/purchase/status", {"invoice_code": invoice})
    assert answer["data"]["status"] == "refused" and answer["data"]["refusal"] == "consent_locked"
    assert Card.objects.get(pk=m.card.pk).spent == 0

    # Another platform's invoice is not found; an expired code refuses the purchase.
    invoice = call(m.platform, "/purchase", {**order, "idempotency_key": "order-3"})[1]["data"]["invoice_code"]
    Purchase.objects.filter(invoice_code=invoice).update(consent_expires_at=timezone.now() - dt.timedelta(seconds=1))
    status, answer = call(m.platform, "/purchase/consent", {"invoice_code": invoice, "consent_code": consent_code(m.card.application.phone)})
    assert (status, answer["code"]) == (409, "prakerja_consent_expired")
    status, answer = call(m.platform, "/purchase/consent", {"invoice_code": "INVNOSUCH", "consent_code": "123456"})
    assert status == 404


def test_a_platform_lists_the_courses_it_may_sell_a_page_at_a_time_and_buys_one(world):
    """A platform had no way to learn course codes and prices but the PMO's pages."""
    m = world
    second = ProgramFactory(institution=m.inst, funding=Program.Funding.PRAKERJA, today=timezone.localdate(), title="Kursus Kedua")
    second_entry = curate(second, manager=m.manager, curator=m.curator, pmo=m.pmo, sessions=())
    status, answer = call(m.platform, "/catalogue", {})
    assert status == 200
    listed = {c["course_code"]: c for c in answer["data"]["courses"]}
    assert {m.entry.course_code, second_entry.course_code} <= set(listed) and answer["data"]["next"] is None
    course = listed[m.entry.course_code]
    assert (course["price"], course["title"], course["institution"]["registry_number"]) == (
        m.entry.price, m.program.title, m.inst.registry_number)
    # Sessions in UTC like the vouchers' session_start (entered in WIB: "+07:00" was passed on as typed).
    assert course["sessions"] and all(start.endswith("+00:00") for start in course["sessions"])
    assert [dt.datetime.fromisoformat(start) for start in course["sessions"]] == [dt.datetime.fromisoformat(start) for start in m.entry.sessions]
    # A page of one, then the next from its cursor: each course once.
    seen, after = [], 0
    while after is not None:
        status, page = call(m.platform, "/catalogue", {"after": after, "limit": 1})
        assert status == 200 and len(page["data"]["courses"]) <= 1
        seen += [c["course_code"] for c in page["data"]["courses"]]
        after = page["data"]["next"]
    assert sorted(seen) == sorted(listed)
    status, bought = call(m.platform, "/purchase", {"card_number": m.card.number, "course_code": course["course_code"],
                                                    "idempotency_key": "from-catalogue"})
    assert status == 200 and bought["data"]["price"] == course["price"]


def test_the_catalogue_is_for_platforms_and_refuses_a_bad_page(world):
    status, answer = call(world.lpk, "/catalogue", {})
    assert (status, answer["code"]) == (403, "partner_kind_not_allowed")
    for body, field in (({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"after": -1}, "after"), ({"after": "x"}, "after")):
        status, answer = call(world.platform, "/catalogue", body)
        assert (status, answer["code"], answer["field"]) == (400, "invalid_value", field)


def test_a_platform_lists_its_own_purchases_by_period_a_page_at_a_time_for_reconciliation(world, pmo):
    """A platform could only ask one invoice at a time: reconciling a month of orders needed every invoice code kept."""
    m = world
    order = {"card_number": m.card.number, "course_code": m.entry.course_code}
    first = call(m.platform, "/purchase", {**order, "idempotency_key": "order-a"})[1]["data"]["invoice_code"]
    call(m.platform, "/purchase/cancel", {"invoice_code": first})
    second = call(m.platform, "/purchase", {**order, "idempotency_key": "order-b"})[1]["data"]["invoice_code"]
    # Another platform's purchase of the same card, made later: never listed to the first.
    other = integration.partner_register(actor=pmo, name="Platform Lain", kind="platform")
    other_key = (other.client_code, integration.key_issue(actor=pmo, partner_id=other.pk, scheme="hmac-sha256").secret, "hmac-sha256")
    call(m.platform, "/purchase/cancel", {"invoice_code": second})
    theirs = call(other_key, "/purchase", {**order, "idempotency_key": "order-a"})[1]["data"]["invoice_code"]

    status, answer = call(m.platform, "/purchases", {})
    assert status == 200 and answer["data"]["next"] is None
    listed = answer["data"]["purchases"]
    assert [p["invoice_code"] for p in listed] == [first, second] and theirs not in str(answer)
    assert listed[0]["status"] == "cancelled" and listed[0]["idempotency_key"] == "order-a" and listed[0]["cancelled_at"].endswith("+00:00")
    assert listed[0]["price"] == m.entry.price and listed[0]["course_code"] == m.entry.course_code
    # A page of one, then the next from its cursor.
    status, page = call(m.platform, "/purchases", {"limit": 1})
    assert [p["invoice_code"] for p in page["data"]["purchases"]] == [first] and page["data"]["next"]
    status, page = call(m.platform, "/purchases", {"limit": 1, "after": page["data"]["next"]})
    assert [p["invoice_code"] for p in page["data"]["purchases"]] == [second] and page["data"]["next"] is None
    # By period: from tomorrow nothing; the period given with an offset or as dates.
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert call(m.platform, "/purchases", {"requested_from": tomorrow})[1]["data"]["purchases"] == []
    since = (timezone.now() - dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat()
    assert len(call(m.platform, "/purchases", {"requested_from": since, "requested_to": tomorrow})[1]["data"]["purchases"]) == 2
    # A bare date is that day in WIB, as the platform's books keep it: a purchase at 00:30 WIB on 1 November (17:30 UTC
    # on 31 October) is one of 1 November's, one at 23:30 WIB on 1 November (16:30 UTC) too, not one of the 2nd's.
    wib = dt.timezone(dt.timedelta(hours=7))
    Purchase.objects.filter(invoice_code=first).update(requested_at=dt.datetime(2026, 11, 1, 0, 30, tzinfo=wib))
    Purchase.objects.filter(invoice_code=second).update(requested_at=dt.datetime(2026, 11, 1, 23, 30, tzinfo=wib))
    day = call(m.platform, "/purchases", {"requested_from": "2026-11-01", "requested_to": "2026-11-02"})[1]["data"]["purchases"]
    assert [p["invoice_code"] for p in day] == [first, second]
    assert call(m.platform, "/purchases", {"requested_from": "2026-11-02", "requested_to": "2026-11-03"})[1]["data"]["purchases"] == []
    assert call(m.platform, "/purchases", {"requested_from": "2026-10-31", "requested_to": "2026-11-01"})[1]["data"]["purchases"] == []
    # A consent that lapsed reads as /purchase/status says: refused, consent_expired.
    call(other_key, "/purchase/cancel", {"invoice_code": theirs})
    third = call(m.platform, "/purchase", {**order, "idempotency_key": "order-c"})[1]["data"]["invoice_code"]
    Purchase.objects.filter(invoice_code=third).update(consent_expires_at=timezone.now() - dt.timedelta(seconds=1))
    listed = {p["invoice_code"]: p for p in call(m.platform, "/purchases", {})[1]["data"]["purchases"]}
    assert (listed[third]["status"], listed[third]["refusal"]) == ("refused", "consent_expired")
    assert call(m.platform, "/purchase/status", {"invoice_code": third})[1]["data"]["status"] == "refused"
    # An institution is refused; bad bounds are a 400 naming the field.
    assert call(m.lpk, "/purchases", {})[1]["code"] == "partner_kind_not_allowed"
    for body, field in (({"requested_from": "2026-11-01T00:00:00"}, "requested_from"), ({"requested_to": "kemarin"}, "requested_to"),
                        ({"requested_from": 20261101}, "requested_from"), ({"limit": 501}, "limit"), ({"after": -1}, "after"),
                        ({"requested_from": "0001-01-01T00:00:00+05:00"}, "requested_from"),
                        ({"requested_to": "9999-12-31T23:59:59-05:00"}, "requested_to")):
        status, answer = call(m.platform, "/purchases", body)
        assert (status, answer["code"], answer["field"]) == (400, "invalid_value", field)
