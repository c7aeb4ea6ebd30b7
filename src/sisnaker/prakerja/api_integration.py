"""Kartu Prakerja over the partner API (``sisnaker.integration``: signed requests, ``partner_signed``): the redeem-code
endpoints wire-compatible with the published Kartu Prakerja integration API, attendance and completion reports for
institutions, and the purchase request for platforms (with the beneficiary's consent code, and a new one when it did not
arrive).

Thin: parse the raw JSON body → one ``purchases`` service (the partner as ``via``, its institution or its client code
as the scope) → the answer. Refusals keep their distinct ``code`` and HTTP status (``core.errors``); a body that is
not a JSON object, or a field of the wrong type, is a 400 — never a 500.

Answers and refusals use the integration app's envelope (``integration.auth.ok`` / ``partner_signed``): ``{"success":
true, "message": "OK", "data": {...}}``, or ``{"success": false, "code": "<error code>", "message": "...", "data":
null}`` with the refusal's HTTP status. The OpenAPI document describes each (``integration.openapi.register``, at the
end of this module, imported by ``apps.PrakerjaConfig.ready``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from sisnaker.core import nul
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Msg, NotFound, ValidationFailed
from sisnaker.integration import openapi
from sisnaker.integration.auth import ok, partner_signed
from sisnaker.training.models import Program

from . import domain, purchases, selectors
from .codes import Code
from .models import Card, CatalogueEntry, Purchase

BAD_BODY = Msg("Badan permintaan harus objek JSON yang sah.", "The request body must be a valid JSON object.")


def _body(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        raise ValidationFailed(BAD_BODY, code=CoreCode.INVALID_BODY) from None
    if not isinstance(data, dict):
        raise ValidationFailed(BAD_BODY, code=CoreCode.INVALID_BODY)
    nul.refuse_in_data(data)  # a NUL or a lone surrogate ("\ud800") cannot reach the database
    return data


TEXT_MAX = 100  # the longest text field of these endpoints (codes, keys, statuses)


def _text(data: dict, name: str, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed(Msg("{name} wajib diisi (teks).", "{name} is required (text).").format(name=name),
                               code=CoreCode.VALUE_REQUIRED, field=name)
    if not isinstance(value, str):
        raise ValidationFailed(Msg("{name} harus berupa teks.", "{name} must be text.").format(name=name),
                               code=CoreCode.INVALID_VALUE, field=name)
    if len(value) > TEXT_MAX:
        raise ValidationFailed(Msg("{name} paling panjang {n} karakter.", "{name} has at most {n} characters.").format(name=name, n=TEXT_MAX),
                               code=CoreCode.VALUE_OUT_OF_RANGE, field=name)
    if nul.NUL in value:
        raise nul.NulCharacter(field=name)
    return value.strip()


_SEQUENCE = re.compile(r"[0-9]{1,5}")  # ASCII digits only: "²" or "①" pass str.isdigit() and fail int()


def _sequence(data: dict):
    value = data.get("sequence")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or (isinstance(value, str) and not _SEQUENCE.fullmatch(value.strip())):
        raise ValidationFailed(domain.REDEEM_REFUSALS["redeem_wrong_sequence"], code=Code.REDEEM_WRONG_SEQUENCE, field="sequence")
    return value


def _answer(answer: purchases.RedeemAnswer) -> dict:
    return dataclasses.asdict(answer)


INSTITUTIONS, PLATFORMS = frozenset({"institution"}), frozenset({"platform"})


def _institution(request):
    institution = getattr(request.partner, "institution", None)
    if institution is None:
        raise NotFound(Msg("Mitra ini tidak terhubung ke lembaga pelatihan.", "This partner is not linked to a training institution."),
                       code=CoreCode.NOT_FOUND)
    return institution


@partner_signed(kinds=INSTITUTIONS)
def redeem_status(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/payment/redeem-code/status`` — body ``{"redeem_code": "...", "sequence": N}``."""
    data = _body(request)
    answer = purchases.redeem_status(actor=None, via=request.partner.client_code, institution=_institution(request),
                                     code=_text(data, "redeem_code"), sequence=_sequence(data), now=timezone.now(),
                                     course_types=domain.CourseType.SESSION_BASED)
    return ok(_answer(answer))


@partner_signed(kinds=INSTITUTIONS)
def redeem_commit(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/payment/redeem-code/commit`` — the session is redeemed (once, in its window)."""
    data = _body(request)
    answer = purchases.redeem_commit(actor=None, via=request.partner.client_code, institution=_institution(request),
                                     code=_text(data, "redeem_code"), sequence=_sequence(data), now=timezone.now(),
                                     course_types=domain.CourseType.SESSION_BASED)
    return ok(_answer(answer))


@partner_signed(kinds=INSTITUTIONS)
def attendance(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/payment/redeem-code/attendance`` — body ``{"redeem_code", "sequence",
    "attendance_status": "present"|"absent"}``."""
    data = _body(request)
    status = _text(data, "attendance_status")
    if status not in (domain.AttendanceStatus.PRESENT, domain.AttendanceStatus.ABSENT):
        raise ValidationFailed(Msg("attendance_status: present atau absent.", "attendance_status: present or absent."),
                               code=CoreCode.INVALID_VALUE, field="attendance_status")
    answer = purchases.attendance_report(actor=None, via=request.partner.client_code, institution=_institution(request),
                                         code=_text(data, "redeem_code"), sequence=_sequence(data),
                                         present=status == domain.AttendanceStatus.PRESENT, now=timezone.now())
    return ok(_answer(answer))


@partner_signed(kinds=INSTITUTIONS)
def completion(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/payment/redeem-code/completion`` — body ``{"redeem_code": "..."}`` (or
    ``{"invoice_code": "..."}``): the participant completed the training."""
    data = _body(request)
    code = _text(data, "redeem_code", required=False) or _text(data, "invoice_code")
    purchase = purchases.completion_report(actor=None, via=request.partner.client_code, institution=_institution(request),
                                           code=code, now=timezone.now())
    return ok({"invoice_code": purchase.invoice_code, "status": purchase.status,
                "completed_at": purchase.completed_at.isoformat() if purchase.completed_at else None})


@partner_signed(kinds=INSTITUTIONS)
def voucher(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/payment/voucher`` — body ``{"voucher_code": "..."}``: the redeem codes, one per
    session."""
    data = _body(request)
    codes = purchases.voucher_exchange(actor=None, via=request.partner.client_code, institution=_institution(request),
                                       voucher_code=_text(data, "voucher_code"), now=timezone.now())
    return ok({"redeem_codes": [{"redeem_code": c.code, "sequence": c.sequence, "schedule_code": c.schedule_code,
                                  "session_start": c.session_start.astimezone(dt.UTC).isoformat(), "status": c.status} for c in codes]})


def _status_of(purchase: Purchase, now: dt.datetime) -> tuple[str, str | None]:
    """(status, refusal) as a platform reads them: a consent that lapsed, though nothing has recorded it yet (the next
    request for the card does), is already refused for ``consent_expired``."""
    if purchase.status == domain.PurchaseStatus.CONSENT and domain.consent_refusal(
            status=purchase.status, expires_at=purchase.consent_expires_at, attempts=purchase.consent_attempts,
            now=now) == "consent_expired":
        return domain.PurchaseStatus.REFUSED, "consent_expired"
    return purchase.status, purchase.refusal or None


def _purchase_data(purchase: Purchase) -> dict:
    status, refusal = _status_of(purchase, timezone.now())
    waiting = status == domain.PurchaseStatus.CONSENT
    return {"invoice_code": purchase.invoice_code, "status": status, "refusal": refusal,
            "price": purchase.price, "course_code": purchase.entry.course_code,
            "voucher_code": purchase.voucher_code if purchase.status in ("authorised", "completed") else None,
            "consent_expires_at": purchase.consent_expires_at.isoformat() if waiting else None,
            "consent_sent_to": purchases.consent_sent_to(purchase) if waiting else [],
            "consent_attempts_left": domain.MAX_CONSENT_ATTEMPTS - purchase.consent_attempts if waiting else None,
            "consent_resends_left": domain.MAX_CONSENT_RESENDS - purchases.consent_resends(purchase.pk) if waiting else None,
            "consented_at": purchase.consented_at.isoformat() if purchase.consented_at else None}


@partner_signed(kinds=PLATFORMS)
def purchase(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/purchase`` — a platform asks the PMO: body ``{"card_number", "course_code",
    "idempotency_key"}``. The same key again answers the same purchase; the PMO's rule check runs after the request
    commits, so ``status`` may still be ``requested`` (ask again with ``/purchase/status``)."""
    data = _body(request)
    number = domain.normalise_code(_text(data, "card_number"))
    card = Card.objects.filter(number=number).first() if domain.card_number_valid(number) else None
    entry = CatalogueEntry.objects.filter(course_code=domain.normalise_code(_text(data, "course_code"))).first()
    if card is None or entry is None:
        raise NotFound(Msg("Nomor kartu atau kode pelatihan tidak ditemukan.", "Card number or course code not found."),
                       code=CoreCode.NOT_FOUND)
    result = purchases.purchase_request(actor=None, card=card, program=Program(pk=entry.program_id), platform_code=request.partner.client_code,
                                        idempotency_key=_text(data, "idempotency_key"), now=timezone.now(),
                                        platform_name=request.partner.name)
    result = Purchase.objects.select_related("entry").get(pk=result.pk)
    return ok(_purchase_data(result))


@partner_signed(kinds=PLATFORMS)
def purchase_consent(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/purchase/consent`` — body ``{"invoice_code", "consent_code"}``: the code the
    beneficiary received by SMS and e-mail, typed on the platform. Then the PMO's rule check runs (the balance is
    debited once authorised); a wrong code counts (5 tries), an expired one refuses the purchase."""
    data = _body(request)
    found = Purchase.objects.filter(invoice_code=domain.normalise_code(_text(data, "invoice_code")),
                                    platform_code=request.partner.client_code).first()
    if found is None:
        raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
    purchases.purchase_consent(actor=None, via=request.partner.client_code, purchase=found, code=_text(data, "consent_code"),
                               now=timezone.now())
    return ok(_purchase_data(Purchase.objects.select_related("entry").get(pk=found.pk)))


@partner_signed(kinds=PLATFORMS)
def purchase_consent_resend(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/purchase/consent/resend`` — body ``{"invoice_code"}``: a new consent code to the
    beneficiary of the platform's own purchase still waiting for consent (the SMS or e-mail did not arrive). The old
    code stops working; wrong tries carry over; at most ``domain.MAX_CONSENT_RESENDS`` times, each at least
    ``domain.CONSENT_RESEND_SECONDS`` after the last code (else 429 with ``Retry-After``)."""
    data = _body(request)
    found = Purchase.objects.filter(invoice_code=domain.normalise_code(_text(data, "invoice_code")),
                                    platform_code=request.partner.client_code).first()
    if found is None:
        raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
    purchases.purchase_consent_resend(actor=None, via=request.partner.client_code, purchase=found, now=timezone.now(),
                                      platform_name=request.partner.name)
    return ok(_purchase_data(Purchase.objects.select_related("entry").get(pk=found.pk)))


@partner_signed(kinds=PLATFORMS)
def purchase_cancel(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/purchase/cancel`` — body ``{"invoice_code", "reason"}``: the beneficiary cancels, on
    the platform, the platform's own purchase (waiting for consent, requested, or authorised with no session redeemed
    and the institution not paid yet: the balance comes back). Again → 409 ``prakerja_purchase_state``."""
    data = _body(request)
    found = Purchase.objects.filter(invoice_code=domain.normalise_code(_text(data, "invoice_code")),
                                    platform_code=request.partner.client_code).first()
    if found is None:
        raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
    reason = data.get("reason", "")
    if reason is None:
        reason = ""
    if not isinstance(reason, str) or len(reason) > 300:
        raise ValidationFailed(Msg("Alasan (reason) berupa teks, paling panjang 300 karakter.",
                                   "The reason is text of at most 300 characters."), code=CoreCode.INVALID_VALUE, field="reason")
    if nul.NUL in reason:
        raise nul.NulCharacter(field="reason")
    purchases.purchase_cancel(actor=None, via=request.partner.client_code, purchase=found, reason=reason, now=timezone.now())
    return ok(_purchase_data(Purchase.objects.select_related("entry").get(pk=found.pk)))


@partner_signed(kinds=PLATFORMS)
def purchase_status(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/purchase/status`` — body ``{"invoice_code"}``: the platform's own purchase."""
    data = _body(request)
    found = (Purchase.objects.select_related("entry")
             .filter(invoice_code=domain.normalise_code(_text(data, "invoice_code")), platform_code=request.partner.client_code).first())
    if found is None:
        raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."), code=CoreCode.NOT_FOUND)
    return ok(_purchase_data(found))


CATALOGUE_PAGE = 100  # courses per page, at most


@partner_signed(kinds=PLATFORMS)
def catalogue(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/catalogue`` — body ``{"after": <cursor>, "limit": N}`` (both optional): the curated
    courses a platform may sell now (course code, price, sessions, the program and institution), a page at a time;
    ``next`` is the cursor of the next page (null on the last)."""
    data = _body(request)
    after, limit = _page_bounds(data, page_max=CATALOGUE_PAGE)
    entries = selectors.catalogue_page(today=timezone.localdate(), after=after, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    return ok({"courses": [{
        "course_code": e.course_code, "title": e.program.title, "course_type": e.course_type, "price": e.price,
        # In UTC like every instant of this API (the vouchers' session_start); stored as the institution entered them.
        "sessions": [dt.datetime.fromisoformat(start).astimezone(dt.UTC).isoformat() for start in e.sessions], "start_date": e.program.start_date.isoformat(), "end_date": e.program.end_date.isoformat(),
        "regency": e.program.regency_id, "institution": {"name": e.institution.name, "registry_number": e.institution.registry_number},
    } for e in entries], "next": entries[-1].pk if more else None})


PURCHASES_PAGE = 500  # purchases per page, at most


def _page_bounds(data: dict, *, page_max: int) -> tuple[int, int]:
    """``after`` (a cursor: 0 or absent from the first) and ``limit`` (1..page_max, default page_max) of a paged list."""
    after, limit = data.get("after", 0), data.get("limit", page_max)
    if after is None:
        after = 0
    for name, value, low, high in (("after", after, 0, 2**63 - 1), ("limit", limit, 1, page_max)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationFailed(Msg("{name}: bilangan bulat {low}..{high}.", "{name}: a whole number {low}..{high}.").format(
                name=name, low=low, high=high), code=CoreCode.INVALID_VALUE, field=name)
    return after, limit


def _instant(data: dict, name: str) -> dt.datetime | None:
    """An optional ISO 8601 instant with its offset ("2026-11-01T00:00:00+07:00"), or a date (its midnight in WIB)."""
    value = data.get(name)
    if value is None:
        return None
    refusal = ValidationFailed(Msg("{name}: tanggal-waktu ISO 8601 dengan zona waktu (mis. 2026-11-01T00:00:00+07:00) "
                                   "atau tanggal WIB (2026-11-01).",
                                   "{name}: an ISO 8601 date-time with its offset (e.g. 2026-11-01T00:00:00+07:00) or a date "
                                   "in WIB (2026-11-01).").format(name=name), code=CoreCode.INVALID_VALUE, field=name)
    if not isinstance(value, str) or not value.isascii() or len(value) > 40:
        raise refusal
    try:
        if len(value) == 10:
            # A bare date is that day in Indonesia's time (WIB, the site's time zone), as the platform's own books
            # keep it: its midnight in UTC left out the purchases of 00:00–07:00 and took in the next day's.
            instant = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=timezone.get_default_timezone())
        else:
            instant = dt.datetime.fromisoformat(value)
        # In UTC as the database compares it; the years a purchase can have (0001-01-01+05:00 overflowed into year 0).
        instant = instant.astimezone(dt.UTC) if instant.tzinfo is not None else None
    except (ValueError, OverflowError):
        raise refusal from None
    if instant is None or not 2000 <= instant.year <= 2999:
        raise refusal
    return instant


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


@partner_signed(kinds=PLATFORMS)
def purchase_list(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/integration/purchases`` — body ``{"requested_from", "requested_to", "after", "limit"}`` (all
    optional): the platform's own purchases requested in ``[requested_from, requested_to)``, oldest first, a page at a
    time (``next``: the cursor of the next page, null on the last), for reconciling its orders with the PMO."""
    data = _body(request)
    after, limit = _page_bounds(data, page_max=PURCHASES_PAGE)
    since, until = _instant(data, "requested_from"), _instant(data, "requested_to")
    found = selectors.platform_purchases(platform_code=request.partner.client_code, since=since, until=until, after=after,
                                         limit=limit + 1)
    more = len(found) > limit
    found = found[:limit]
    now = timezone.now()
    return ok({"purchases": [{
        "invoice_code": p.invoice_code, **dict(zip(("status", "refusal"), _status_of(p, now), strict=True)), "price": p.price,
        "course_code": p.entry.course_code, "idempotency_key": p.idempotency_key,
        "voucher_code": p.voucher_code if p.status in ("authorised", "completed") else None,
        "requested_at": _iso(p.requested_at), "consented_at": _iso(p.consented_at), "decided_at": _iso(p.decided_at),
        "completed_at": _iso(p.completed_at), "cancelled_at": _iso(p.cancelled_at),
    } for p in found], "next": found[-1].pk if more else None})


# --- the OpenAPI document --------------------------------------------------------------------------------------------

REDEEM_FIELDS = ["redeem_code", "course_code", "invoice_code", "schedule_code", "status", "attendance_status", "redeem_at",
                 "dp_platform", "sequence"]
TEXT = {"type": "string", "maxLength": TEXT_MAX}
REDEEM_REQUEST = {"type": "object", "required": ["redeem_code"], "properties": {
    "redeem_code": TEXT, "sequence": {"type": "integer", "minimum": 1, "description": "The session number (optional)"}}}
REDEEM_REFUSALS = {
    400: "`redeem_wrong_course_type` (a self-paced LMS course), `redeem_wrong_sequence`, or a body that is not a JSON object",
    403: "`redeem_other_institution`, `partner_kind_not_allowed` (institutions only)",
    404: "`redeem_not_found`",
    409: "`redeem_transaction_cancelled`, `redeem_code_cancelled`, `redeem_already_used`, `redeem_too_early`, `redeem_too_late` "
         "(valid from 1 hour before to 1 hour after the session's start), `signature_replayed`",
}
SCHEMAS = {
    "PrakerjaRedeem": {"type": "object", "title": "PrakerjaRedeem", "required": REDEEM_FIELDS, "properties": {
        "redeem_code": {"type": "string"}, "course_code": {"type": "string"}, "invoice_code": {"type": "string"},
        "schedule_code": {"type": "string"}, "status": {"type": "string", "enum": ["active", "used", "cancelled"]},
        "attendance_status": {"type": "string", "enum": ["pending", "present", "absent"]},
        "redeem_at": {"type": ["string", "null"], "format": "date-time"}, "dp_platform": {"type": "string"},
        "sequence": {"type": "integer"}}},
    "PrakerjaCompletion": {"type": "object", "title": "PrakerjaCompletion", "properties": {
        "invoice_code": {"type": "string"}, "status": {"type": "string"}, "completed_at": {"type": ["string", "null"]}}},
    "PrakerjaRedeemCodes": {"type": "object", "title": "PrakerjaRedeemCodes", "properties": {"redeem_codes": {"type": "array", "items": {
        "type": "object", "properties": {"redeem_code": {"type": "string"}, "sequence": {"type": "integer"},
                                         "schedule_code": {"type": "string"}, "session_start": {"type": "string"},
                                         "status": {"type": "string"}}}}}},
    "PrakerjaPurchase": {"type": "object", "title": "PrakerjaPurchase", "properties": {
        "invoice_code": {"type": "string"},
        "status": {"type": "string", "enum": ["consent", "requested", "authorised", "refused", "cancelled", "completed"],
                   "description": "`consent`: waiting for the beneficiary's consent code (`/purchase/consent`)"},
        "refusal": {"type": ["string", "null"], "description": "why refused: the PMO's rule, or `consent_expired` / `consent_locked`"},
        "price": {"type": "integer"}, "course_code": {"type": "string"},
        "voucher_code": {"type": ["string", "null"]},
        "consent_expires_at": {"type": ["string", "null"], "format": "date-time", "description": "while `consent`: the code's end"},
        "consent_sent_to": {"type": "array", "items": {"type": "string"}, "description": "while `consent`: the masked phone and e-mail"},
        "consent_attempts_left": {"type": ["integer", "null"], "description": "while `consent`: wrong codes left before the lock"},
        "consent_resends_left": {"type": ["integer", "null"],
                                 "description": "while `consent`: new codes `/purchase/consent/resend` may still send"},
        "consented_at": {"type": ["string", "null"], "format": "date-time"}}},
}
BASE = "/api/v1/integration"


def _page_schema(title: str, key: str, item_properties: dict) -> dict:
    """The schema of a paged list: ``key`` holds the items, ``next`` the cursor of the next page (null on the last)."""
    return {title: {"type": "object", "title": title, "required": [key, "next"], "properties": {
        key: {"type": "array", "items": {"type": "object", "properties": item_properties}},
        "next": {"type": ["integer", "null"]}}}}


def _page_request(page_max: int, **properties: dict) -> dict:
    """The request body of a paged list: its own ``properties`` and the cursor ``after`` and ``limit`` (``_page_bounds``)."""
    return {"type": "object", "properties": {**properties, "after": {"type": "integer", "minimum": 0},
                                             "limit": {"type": "integer", "minimum": 1, "maximum": page_max}}}


def _register() -> None:
    openapi.register(f"{BASE}/payment/redeem-code/status", operation_id="prakerja_redeem_status", summary="A redeem code's status",
                     description="Institutions. Wire-compatible with the published Kartu Prakerja API.", data_schema="PrakerjaRedeem",
                     request_schema=REDEEM_REQUEST, request_example={"redeem_code": "RABCDEFGHJK", "sequence": 1},
                     extra_refusals=REDEEM_REFUSALS, schemas=SCHEMAS)
    openapi.register(f"{BASE}/payment/redeem-code/commit", operation_id="prakerja_redeem_commit", summary="Redeem a session",
                     description="Institutions: the participant attends the session; the code is used once, from 1 hour before "
                                 "to 1 hour after the session's start.", data_schema="PrakerjaRedeem",
                     request_schema=REDEEM_REQUEST, request_example={"redeem_code": "RABCDEFGHJK", "sequence": 1},
                     extra_refusals=REDEEM_REFUSALS)
    openapi.register(f"{BASE}/payment/redeem-code/attendance", operation_id="prakerja_attendance", summary="Report attendance",
                     description="Institutions: whether the participant attended a redeemed session.", data_schema="PrakerjaRedeem",
                     request_schema={"type": "object", "required": ["redeem_code", "attendance_status"], "properties": {
                         "redeem_code": TEXT, "sequence": {"type": "integer"},
                         "attendance_status": {"type": "string", "enum": ["present", "absent"]}}},
                     request_example={"redeem_code": "RABCDEFGHJK", "sequence": 1, "attendance_status": "present"},
                     extra_refusals={**REDEEM_REFUSALS, 409: REDEEM_REFUSALS[409] + ", `redeem_not_used`"})
    openapi.register(f"{BASE}/payment/redeem-code/completion", operation_id="prakerja_completion", summary="Report completion",
                     description="Institutions: the participant completed the training (a redeem code of the purchase, or "
                                 "`invoice_code`). The post-training incentive is due once the certificate exists.",
                     data_schema="PrakerjaCompletion", request_example={"redeem_code": "RABCDEFGHJK"},
                     extra_refusals={**REDEEM_REFUSALS, 409: REDEEM_REFUSALS[409] + ", `redeem_not_used`, `prakerja_completion_absent`"})
    openapi.register(f"{BASE}/payment/voucher", operation_id="prakerja_voucher", summary="Exchange a voucher for redeem codes",
                     description="Institutions: one redeem code per session; again → the same codes.", data_schema="PrakerjaRedeemCodes",
                     request_example={"voucher_code": "VABCDEFGHJK"},
                     extra_refusals={404: "`prakerja_voucher_not_found`", 409: "`redeem_transaction_cancelled`"})
    openapi.register(f"{BASE}/purchase", operation_id="prakerja_purchase", summary="Ask the PMO to approve a purchase",
                     description="Platforms: a beneficiary buys a curated course with the Kartu Prakerja balance. The purchase "
                                 "starts in `consent`: Sisnaker sends the beneficiary a 6-digit code by SMS and e-mail (to the "
                                 "contacts verified for their application; `consent_sent_to`), valid 10 minutes; send it with "
                                 "`/purchase/consent`. Nothing is debited before. The same "
                                 "`idempotency_key` returns the same purchase (charged once); with other parameters it is "
                                 "refused (`prakerja_idempotency_mismatch`).",
                     data_schema="PrakerjaPurchase",
                     request_schema={"type": "object", "required": ["card_number", "course_code", "idempotency_key"], "properties": {
                         "card_number": TEXT, "course_code": TEXT, "idempotency_key": TEXT}},
                     request_example={"card_number": "0001000000000427", "course_code": "SNK00000012", "idempotency_key": "order-8812"},
                     extra_refusals={404: "card or course not found", 409: "`prakerja_unfinished_purchase`, "
                                     "`prakerja_not_curated`, `prakerja_idempotency_mismatch`, `signature_replayed`"})
    openapi.register(f"{BASE}/purchase/consent", operation_id="prakerja_purchase_consent", summary="The beneficiary's consent code",
                     description="Platforms: the code the beneficiary received, for their own purchase (`status` `consent`). "
                                 "Right → `requested`, then the PMO's rule check debits the balance (`authorised`, with the "
                                 "voucher; ask `/purchase/status`). A wrong code counts: the 5th wrong code locks the purchase "
                                 "(refused, `consent_locked`); after 10 minutes the code expires (refused, `consent_expired`): "
                                 "send a new purchase request with a new idempotency key. The same right code again answers "
                                 "the same purchase (debited once).",
                     data_schema="PrakerjaPurchase",
                     request_schema={"type": "object", "required": ["invoice_code", "consent_code"], "properties": {
                         "invoice_code": TEXT, "consent_code": {**TEXT, "description": "6 digits"}}},
                     request_example={"invoice_code": "INVABCDEFGHJK", "consent_code": "482913"},
                     extra_refusals={400: "`prakerja_consent_code_wrong` (with the tries left)", 404: "not this platform's purchase",
                                     409: "`prakerja_consent_locked`, `prakerja_consent_expired`, `prakerja_consent_not_pending`, "
                                          "`signature_replayed`"})
    openapi.register(f"{BASE}/purchase/consent/resend", operation_id="prakerja_purchase_consent_resend",
                     summary="Send the beneficiary a new consent code",
                     description="Platforms: the beneficiary did not receive the consent code of their own purchase (`status` "
                                 "`consent`). A new 6-digit code goes to the same phone and e-mail and the old one stops "
                                 f"working; the new one is valid {domain.CONSENT_MINUTES} minutes from now. At most "
                                 f"{domain.MAX_CONSENT_RESENDS} new codes per purchase (`consent_resends_left`), each at "
                                 f"least {domain.CONSENT_RESEND_SECONDS} seconds after the last one (else 429 with "
                                 "`Retry-After`). Wrong codes already typed still count: the "
                                 f"{domain.MAX_CONSENT_ATTEMPTS}th wrong code of the purchase locks it, whatever the number of "
                                 "codes sent. Expired, locked or confirmed purchases get no new code.",
                     data_schema="PrakerjaPurchase",
                     request_schema={"type": "object", "required": ["invoice_code"], "properties": {"invoice_code": TEXT}},
                     request_example={"invoice_code": "INVABCDEFGHJK"},
                     extra_refusals={404: "not this platform's purchase",
                                     409: "`prakerja_consent_resend_limit`, `prakerja_consent_locked`, `prakerja_consent_expired`, "
                                          "`prakerja_consent_not_pending`, `signature_replayed`",
                                     429: "`prakerja_consent_resend_too_soon` (`Retry-After`: seconds to wait)"})
    openapi.register(f"{BASE}/purchase/cancel", operation_id="prakerja_purchase_cancel", summary="Cancel a purchase",
                     description="Platforms: the beneficiary cancels their purchase on the platform it was bought on. Waiting "
                                 "for consent or requested: cancelled at once, nothing was debited. Authorised: cancelled only "
                                 "while no session was redeemed and the institution's payment is still due; the price goes back "
                                 "to the card's balance, the voucher and redeem codes stop working and the enrollment is "
                                 "withdrawn. The card may buy again at once. `reason` (optional, up to 300 characters) is kept.",
                     data_schema="PrakerjaPurchase",
                     request_schema={"type": "object", "required": ["invoice_code"], "properties": {
                         "invoice_code": TEXT, "reason": {"type": "string", "maxLength": 300}}},
                     request_example={"invoice_code": "INVABCDEFGHJK", "reason": "Salah memilih pelatihan"},
                     extra_refusals={404: "not this platform's purchase",
                                     409: "`prakerja_purchase_state` (already finished, cancelled or refused; a session "
                                          "redeemed; the institution's payment in process), `signature_replayed`"})
    openapi.register(f"{BASE}/purchase/status", operation_id="prakerja_purchase_status", summary="A purchase's status",
                     description="Platforms: their own purchase by invoice code; `voucher_code` once authorised.",
                     data_schema="PrakerjaPurchase", request_example={"invoice_code": "INVABCDEFGHJK"},
                     extra_refusals={404: "not this platform's purchase"})

    openapi.register(f"{BASE}/catalogue", operation_id="prakerja_catalogue", summary="The courses a platform may sell",
                     description="Platforms: the Prakerja courses curated by the ministry and the PMO that can be bought now "
                                 "(the program is open and has not ended), in the order they were curated, "
                                 f"`limit` (1..{CATALOGUE_PAGE}, default {CATALOGUE_PAGE}) at a time after the cursor `after` "
                                 "(0 or absent: from the first). `next` is the cursor of the next page, null on the last. "
                                 "`course_code` is what `/purchase` takes; `price` is in rupiah; `sessions` are the sessions' "
                                 "starts (a redeem code works from 1 hour before to 1 hour after its session's start).",
                     data_schema="PrakerjaCatalogue",
                     schemas=_page_schema("PrakerjaCatalogue", "courses", {
                         "course_code": {"type": "string"}, "title": {"type": "string"}, "course_type": {"type": "string"},
                         "price": {"type": "integer"}, "sessions": {"type": "array", "items": {"type": "string", "format": "date-time"}},
                         "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
                         "regency": {"type": ["string", "null"]},
                         "institution": {"type": "object", "properties": {"name": {"type": "string"}, "registry_number": {"type": "string"}}}}),
                     request_schema=_page_request(CATALOGUE_PAGE),
                     request_example={"after": 0, "limit": 50},
                     extra_refusals={400: "`invalid_value` (`after` or `limit`)"})

    instant = {"type": "string", "description": "ISO 8601 date-time with its offset, or a date (its midnight in WIB, UTC+7)"}
    openapi.register(f"{BASE}/purchases", operation_id="prakerja_purchases", summary="The platform's own purchases",
                     description="Platforms: their purchases requested from `requested_from` (included) to `requested_to` "
                                 "(excluded), both optional, oldest first, `limit` (1.."
                                 f"{PURCHASES_PAGE}, default {PURCHASES_PAGE}) at a time after the cursor `after` (0 or absent: "
                                 "from the first); `next` is the cursor of the next page, null on the last. For reconciling a "
                                 "platform's orders with the PMO: every status, `voucher_code` once authorised, every instant "
                                 "in UTC. Never another platform's purchases.",
                     data_schema="PrakerjaPurchases",
                     schemas=_page_schema("PrakerjaPurchases", "purchases", {
                         "invoice_code": {"type": "string"}, "status": SCHEMAS["PrakerjaPurchase"]["properties"]["status"],
                         "refusal": {"type": ["string", "null"]}, "price": {"type": "integer"}, "course_code": {"type": "string"},
                         "idempotency_key": {"type": "string"}, "voucher_code": {"type": ["string", "null"]},
                         **{name: {"type": ["string", "null"], "format": "date-time"}
                            for name in ("requested_at", "consented_at", "decided_at", "completed_at", "cancelled_at")}}),
                     request_schema=_page_request(PURCHASES_PAGE, requested_from=instant, requested_to=instant),
                     request_example={"requested_from": "2026-11-01T00:00:00+07:00", "requested_to": "2026-12-01T00:00:00+07:00",
                                      "after": 0, "limit": 100},
                     extra_refusals={400: "`invalid_value` (`after`, `limit`, `requested_from` or `requested_to`)"})


_register()
