"""Signed partner requests: the ``partner_signed`` decorator for the plain Django views of the Kartu Prakerja
integration API (``/api/v1/integration/…``), wire-compatible with the published Prakerja integration API.

    from sisnaker.integration.auth import partner_signed, ok

    @partner_signed(kinds=frozenset({"institution"}))
    def redeem_status(request):
        request.partner        # the integration.Partner that signed the request
        request.partner_key    # the integration.PartnerKey whose signature matched
        data = json.loads(request.body)   # the raw body that was signed
        ...
        return ok({"redeem_code": ...})  # {"success": true, "message": "OK", "data": {...}}

The decorated view is ``csrf_exempt`` and takes POST only. Headers (``domain``): ``client_code`` (or
``client-code``), ``timestamp`` (Unix seconds), ``signature`` = lowercase hex of HMAC-SHA1 (or HMAC-SHA256 for
``hmac-sha256`` keys) of client_code + timestamp + "POST" + path + raw body. Each refusal is a JSON envelope
``{"success": false, "code": "<code>", "message": "...", "data": null}`` with its own ``code`` (``codes.Code``) and
status (``REFUSAL_STATUS``); never a 500. A ``SisnakerError`` the view raises (a service's refusal) is answered in
the same envelope with its code and status (a ``TooManyRequests`` also with ``Retry-After``, in seconds).

Underscored header names: Django's development server, gunicorn (by default) and nginx (by default) drop headers
whose names hold "_". Sisnaker keeps ``client_code`` in both ways it runs (``sisnaker demo``: ``server.py``;
gunicorn: ``sisnaker/gunicorn_conf.py``); behind nginx set ``underscores_in_headers on`` (docs/operations.md).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Msg, SisnakerError, TooManyRequests

from . import domain, services
from .codes import Code
from .domain import State
from .models import Partner, PartnerKey

logger = logging.getLogger("sisnaker.integration")

ALL_KINDS: frozenset[str] = frozenset({"platform", "institution"})
_CLIENT_CODE = re.compile(r"[A-Za-z0-9_.-]{1,40}")

# The HTTP status of each refusal.
REFUSAL_STATUS: dict[str, int] = {
    Code.MISSING_SIGNATURE_HEADERS: 401,
    Code.TIMESTAMP_MALFORMED: 400,
    Code.PARTNER_REVOKED: 403,
    Code.TIMESTAMP_OUT_OF_WINDOW: 401,
    Code.KEY_EXPIRED: 401,
    Code.SIGNATURE_INVALID: 401,
    Code.SIGNATURE_REPLAYED: 409,
    Code.PARTNER_KIND_NOT_ALLOWED: 403,
    CoreCode.METHOD_NOT_ALLOWED: 405,
    CoreCode.BODY_TOO_LARGE: 413,
}

MESSAGES: dict[str, Msg] = {
    Code.MISSING_SIGNATURE_HEADERS: Msg(
        "Kirim header client_code, timestamp dan signature. Jika client_code sudah dikirim, server perantara Anda mungkin "
        "membuang header bergaris bawah: kirim sebagai client-code.",
        "Send the headers client_code, timestamp and signature. If client_code was sent, a proxy on your side may drop "
        "headers with underscores: send it as client-code."),
    Code.TIMESTAMP_MALFORMED: Msg("Header timestamp harus detik Unix (angka saja), mis. 1698289216.",
                                  "The timestamp header must be Unix seconds (digits only), e.g. 1698289216."),
    Code.PARTNER_REVOKED: Msg("Mitra ini sudah dicabut oleh PMO.", "This partner was revoked by the PMO."),
    Code.TIMESTAMP_OUT_OF_WINDOW: Msg(
        "Timestamp berbeda lebih dari {n} detik dari jam server ({now}). Periksa jam komputer Anda (NTP).",
        "The timestamp differs from the server's clock ({now}) by more than {n} seconds. Check your computer's clock (NTP)."),
    Code.KEY_EXPIRED: Msg("Kunci yang dipakai sudah tidak berlaku (diganti atau dicabut). Pakai kunci yang baru.",
                          "The key used is no longer valid (rotated or revoked). Use the new key."),
    # One answer for an unknown client_code, a partner without a valid key of the signature's scheme and a wrong
    # signature: telling them apart would tell anyone which client codes exist and which partners have keys. The
    # PMO sees the precise reason in the log (``sisnaker.integration``, with the client code).
    Code.SIGNATURE_INVALID: Msg(
        "Tanda tangan tidak cocok dengan kunci yang berlaku untuk client_code ini. Periksa client_code, kuncinya "
        "(skema: 40 karakter hex = hmac-sha1, 64 = hmac-sha256) dan tanda tangani client_code + timestamp + \"POST\" + "
        "path + isi permintaan persis seperti dikirim. Jika tetap ditolak, minta PMO memeriksa kunci Anda.",
        "The signature does not match a valid key of this client_code. Check the client_code, the key (scheme: 40 hex "
        "characters = hmac-sha1, 64 = hmac-sha256) and sign client_code + timestamp + \"POST\" + path + the body exactly "
        "as sent. If it is still refused, ask the PMO to check your key."),
    Code.SIGNATURE_REPLAYED: Msg("Tanda tangan ini sudah pernah dipakai. Kirim ulang dengan timestamp baru.",
                                 "This signature was already used. Send again with a new timestamp."),
    Code.PARTNER_KIND_NOT_ALLOWED: Msg("Endpoint ini bukan untuk jenis mitra Anda.", "This endpoint is not for your kind of partner."),
    CoreCode.METHOD_NOT_ALLOWED: Msg("Endpoint ini hanya menerima POST.", "This endpoint accepts POST only."),
    CoreCode.BODY_TOO_LARGE: Msg("Isi permintaan terlalu besar.", "The request body is too large."),
}


def ok(data: Any, *, message: str = "OK", status: int = 200) -> JsonResponse:
    """A success in the published envelope: ``{"success": true, "message": "OK", "data": ...}``."""
    return JsonResponse({"success": True, "message": message, "data": data}, status=status)


def refusal(code: str, message: Msg | str, *, status: int, field: str | None = None) -> JsonResponse:
    """A refusal in the envelope: ``{"success": false, "code": ..., "message": ..., "field": ..., "data": null}``;
    ``field`` names the body's field at fault (null when the refusal is about the request as a whole)."""
    return JsonResponse({"success": False, "code": str(code), "message": str(message), "field": field, "data": None}, status=status)


def _refuse_signature(client_code: str, reason: str) -> JsonResponse:
    # Only the operator learns the reason (the answer is the same for all of them); the client code is cut and
    # printable so that a crafted header cannot forge log lines.
    logger.warning("partner request refused as signature_invalid: %s (client_code %r)", reason, client_code[:40])
    return _refuse(Code.SIGNATURE_INVALID)


def _refuse(code: str, message: Msg | None = None, **params: Any) -> JsonResponse:
    text = message or MESSAGES[code]
    if params:
        text = text.format(**params)
    return refusal(code, text, status=REFUSAL_STATUS[code])


def header(request: HttpRequest, name: str) -> str:
    """A request header by its published name (``client_code``): WSGI gives ``client_code`` and ``client-code``
    the same key, so the hyphen form is accepted as well."""
    return str(request.META.get("HTTP_" + name.upper().replace("-", "_"), "")).strip()


def _keys(partner: Partner) -> list[tuple[PartnerKey, str]]:
    from sisnaker.core import crypto

    return [(key, crypto.decrypt(key.secret_encrypted)) for key in PartnerKey.objects.filter(partner=partner).order_by("-created_at", "-id")]


def verify(request: HttpRequest, *, kinds: frozenset[str]) -> tuple[Partner, PartnerKey] | JsonResponse:
    """Check a signed request: the partner and the key that signed it, or the refusal to answer."""
    client_code, timestamp_text, given = header(request, "client_code"), header(request, "timestamp"), header(request, "signature")
    if not (client_code and timestamp_text and given):
        return _refuse(Code.MISSING_SIGNATURE_HEADERS)
    timestamp = domain.parse_timestamp(timestamp_text)
    if timestamp is None:
        return _refuse(Code.TIMESTAMP_MALFORMED)
    try:
        body = request.body
    except RequestDataTooBig:
        return _refuse(CoreCode.BODY_TOO_LARGE)
    # The clock is checked before the client code is looked up, and a revoked partner is told so only once its
    # signature matched: an outsider learns nothing about which client codes exist or which partners are revoked.
    now = timezone.now()
    skew = services.skew_seconds()
    if not domain.timestamp_in_window(timestamp=timestamp, now=now, skew_seconds=skew):
        return _refuse(Code.TIMESTAMP_OUT_OF_WINDOW, n=skew, now=int(now.timestamp()))
    partner = Partner.objects.filter(client_code=client_code).first() if _CLIENT_CODE.fullmatch(client_code) else None
    if partner is None:
        return _refuse_signature(client_code, "unknown client_code")
    message = domain.string_to_sign(client_code=client_code, timestamp=timestamp_text, path=request.path, body=body)
    schemes = domain.schemes_for(given)
    keys = _keys(partner)
    matching = [k for k, s in keys if k.scheme in schemes
                and domain.signature_matches(scheme=k.scheme, key=s, message=message, given=given)]
    if not matching:
        usable = [k for k, _s in keys if domain.key_usable(revoked_at=k.revoked_at, not_after=k.not_after, now=now)]
        no_key = not any(k.scheme in schemes for k in usable)
        return _refuse_signature(client_code, "no valid key of the signature's scheme" if no_key else "signature mismatch")
    if partner.state != State.ACTIVE:
        return _refuse(Code.PARTNER_REVOKED)
    matched = next((k for k in matching if domain.key_usable(revoked_at=k.revoked_at, not_after=k.not_after, now=now)), None)
    if matched is None:
        return _refuse(Code.KEY_EXPIRED)
    if partner.kind not in kinds:
        return _refuse(Code.PARTNER_KIND_NOT_ALLOWED)
    if not services.signature_record(partner=partner, signature=given, now=now):
        return _refuse(Code.SIGNATURE_REPLAYED)
    return partner, matched


def partner_signed(kinds: frozenset[str] = ALL_KINDS) -> Callable:
    """Decorate a plain Django view of the partner API: POST only, CSRF-exempt, signature checked; sets
    ``request.partner`` and ``request.partner_key``. ``kinds``: which partner kinds may call it."""
    unknown = set(kinds) - domain.ALL_KINDS
    if unknown or not kinds:
        raise ValueError(f"partner_signed: unknown partner kinds {sorted(unknown)} (known: {sorted(domain.ALL_KINDS)})")

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any):
            if request.method != domain.SIGNED_METHOD:
                response = _refuse(CoreCode.METHOD_NOT_ALLOWED)
                response["Allow"] = domain.SIGNED_METHOD
                return response
            checked = verify(request, kinds=frozenset(kinds))
            if isinstance(checked, JsonResponse):
                body = checked.content
                logger.info("Signed request to %s refused: %s", request.path, body[:200])
                return checked
            request.partner, request.partner_key = checked
            try:
                return view(request, *args, **kwargs)
            except SisnakerError as exc:
                response = refusal(exc.code, exc.message, status=exc.http_status, field=exc.field)
                if isinstance(exc, TooManyRequests):  # a rate limit says when to ask again, as HTTP does
                    response["Retry-After"] = str(exc.retry_after)
                return response

        wrapped = csrf_exempt(wrapped)
        wrapped.partner_signed_kinds = frozenset(kinds)  # read by the URL-decision test and the OpenAPI document
        return wrapped

    return decorate
