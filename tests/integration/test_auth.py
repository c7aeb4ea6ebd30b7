"""Signed partner requests (integration/auth.py): SHA1 and SHA256, every refusal with its own code, rotation
overlap, replays, partner kinds, and bad input answered in the envelope (never a 500)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.http import JsonResponse
from django.test import RequestFactory
from django.urls import reverse

from sisnaker.core.errors import Conflict, Msg
from sisnaker.integration import services
from sisnaker.integration.auth import ok, partner_signed
from sisnaker.integration.models import SeenSignature

from .conftest import PING, sign, signed

pytestmark = pytest.mark.django_db


def _envelope(response, status, code=None):
    assert response.status_code == status, response.content
    body = json.loads(response.content)
    if code is None:
        assert body["success"] is True and body["message"] == "OK"
    else:
        assert body == {"success": False, "code": code, "message": body["message"], "field": None, "data": None} and body["message"]
    return body


def test_ping_with_an_sha1_key(client, platform, sha1_key):
    body = _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret), 200)
    assert body["data"]["client_code"] == platform.client_code and body["data"]["kind"] == "platform"
    assert body["data"]["key_id"] == sha1_key.key.key_id and body["data"]["scheme"] == "hmac-sha1"
    assert abs(body["data"]["server_timestamp"] - time.time()) < 60
    assert reverse("integration_api:ping") == PING


def test_ping_with_an_sha256_key_and_the_hyphen_header(client, pmo, platform):
    key = services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha256")
    body = _envelope(signed(client, client_code=platform.client_code, key=key.secret, scheme="hmac-sha256", hyphen=True), 200)
    assert body["data"]["scheme"] == "hmac-sha256"
    # An SHA-1 signature made with the SHA-256 key matches no SHA-1 key.
    _envelope(signed(client, client_code=platform.client_code, key=key.secret, scheme="hmac-sha1"), 401, "signature_invalid")


@pytest.mark.parametrize("missing", ["client_code", "timestamp", "signature"])
def test_missing_headers(client, platform, sha1_key, missing):
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, omit=missing), 401, "missing_signature_headers")


@pytest.mark.parametrize("timestamp", ["abc", "1.5", "-5", "12345678901234", "١٢٣"])
def test_malformed_timestamp(client, platform, sha1_key, timestamp):
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, timestamp=timestamp), 400, "timestamp_malformed")


@pytest.mark.parametrize("code", ["SISN-NOBODY", "x" * 300, "a'; DROP TABLE x;--", "SISN-\x00"])
def test_unknown_client_code(client, sha1_key, code, caplog):
    # Answered exactly like a known partner's wrong signature (below): the answer does not tell which codes exist.
    unknown = _envelope(signed(client, client_code=code, key=sha1_key.secret), 401, "signature_invalid")
    assert unknown == _envelope(signed(client, client_code=sha1_key.key.partner.client_code, key="wrong"), 401, "signature_invalid")
    # The operator is told why.
    assert any("unknown client_code" in r.getMessage() for r in caplog.records)


def test_revoked_partner(client, pmo, platform, sha1_key):
    services.partner_revoke(actor=pmo, partner_id=platform.pk)
    # Whoever holds its key learns it was revoked; anyone else gets the answer an unknown code gets.
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret), 403, "partner_revoked")
    _envelope(signed(client, client_code=platform.client_code, key="guess"), 401, "signature_invalid")


def test_a_stale_timestamp_is_refused_before_the_client_code_is_looked_up(client, platform, sha1_key):
    stale = str(int(time.time()) - 86400)
    known = _envelope(signed(client, client_code=platform.client_code, key="guess", timestamp=stale), 401,
                      "timestamp_out_of_window")
    unknown = _envelope(signed(client, client_code="SISN-NOBODY", key="guess", timestamp=stale), 401, "timestamp_out_of_window")
    assert known["message"].split("(")[0] == unknown["message"].split("(")[0]


# A minute beyond the window: the request is checked against the real clock a moment after it was signed (the exact
# edge, ±300 s, is tested with a fixed clock in test_domain.py::test_timestamp_window).
@pytest.mark.parametrize("offset", [-360, 360, -86400])
def test_timestamp_outside_the_window(client, platform, sha1_key, offset, settings):
    settings.SISNAKER_PARTNER_TIMESTAMP_SKEW = 300
    ts = str(int(time.time()) + offset)
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, timestamp=ts), 401, "timestamp_out_of_window")


def test_the_window_is_configurable(client, platform, sha1_key, settings):
    settings.SISNAKER_PARTNER_TIMESTAMP_SKEW = 3600
    ts = str(int(time.time()) - 1800)
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, timestamp=ts), 200)


def test_bad_signature(client, platform, sha1_key):
    ts = str(int(time.time()))
    wrong_body = sign(client_code=platform.client_code, timestamp=ts, path=PING, body=b'{"hello": "sisnaker"}', key=sha1_key.secret)
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, timestamp=ts, signature=wrong_body),
              401, "signature_invalid")
    wrong_path = sign(client_code=platform.client_code, timestamp=ts, path="/api/v1/integration/other", body=b'{"hello":"sisnaker"}',
                      key=sha1_key.secret)
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, timestamp=ts, signature=wrong_path),
              401, "signature_invalid")
    for junk in ("zz" * 20, "0" * 41, "<script>", "ä" * 40):
        _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, signature=junk), 401, "signature_invalid")


def test_no_key_yet(client, platform, caplog):
    _envelope(signed(client, client_code=platform.client_code, key="anything"), 401, "signature_invalid")
    assert any("no valid key" in r.getMessage() for r in caplog.records)


def test_rotation_overlap(client, pmo, platform, sha1_key, settings, monkeypatch):
    new = services.key_rotate(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1")
    # Both work during the overlap.
    assert _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret), 200)["data"]["key_id"] == sha1_key.key.key_id
    assert _envelope(signed(client, client_code=platform.client_code, key=new.secret), 200)["data"]["key_id"] == new.key.key_id
    # After not_after the old key is refused as expired; the new one still works.
    sha1_key.key.refresh_from_db()
    later = sha1_key.key.not_after + dt.timedelta(seconds=1)
    monkeypatch.setattr("sisnaker.integration.auth.timezone.now", lambda: later)
    ts = str(int(later.timestamp()))
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, timestamp=ts), 401, "key_expired")
    _envelope(signed(client, client_code=platform.client_code, key=new.secret, timestamp=ts), 200)


def test_revoked_key(client, pmo, platform, sha1_key):
    services.key_revoke(actor=pmo, key_id=sha1_key.key.pk)
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret), 401, "key_expired")


def test_replay_is_refused(client, platform, sha1_key):
    ts = str(int(time.time()))
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, timestamp=ts), 200)
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, timestamp=ts), 409, "signature_replayed")
    # Upper-case hex of the same signature is the same signature.
    sig = sign(client_code=platform.client_code, timestamp=ts, path=PING, body=b'{"hello":"sisnaker"}', key=sha1_key.secret)
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, timestamp=ts, signature=sig.upper()),
              409, "signature_replayed")
    assert SeenSignature.objects.count() == 1


def test_get_and_other_methods(client, platform, sha1_key):
    response = client.get(PING)
    _envelope(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_body_too_large(client, platform, sha1_key, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, body=b'{"x":"' + b"a" * 200 + b'"}'),
              413, "body_too_large")


def test_any_body_bytes_are_signed_as_sent(client, platform, sha1_key):
    for body in (b"", b"not json", b'{"a":\x00}', "{\"nama\": \"Dewi ä\"}".encode()):
        _envelope(signed(client, client_code=platform.client_code, key=sha1_key.secret, body=body), 200)


def test_english_messages(client, platform, sha1_key):
    body = _envelope(client.post(PING, data=b"{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
                                 headers={"client_code": platform.client_code, "timestamp": str(int(time.time())), "signature": "0" * 40}),
                     401, "signature_invalid")
    assert "signature does not match" in body["message"]


# --- the decorator on other views: kinds and a service's refusal ---------------------------------------

@partner_signed(kinds=frozenset({"institution"}))
def _institutions_only(request):
    return ok({"partner": request.partner.client_code})


@partner_signed()
def _refusing(request):
    raise Conflict(Msg("Kode redeem sudah dipakai.", "Redeem code already used."), code="redeem_code_used")


def _signed_request(partner, key, path="/api/v1/integration/test"):
    ts, body = str(int(time.time())), b'{"redeem_code":"X"}'
    sig = sign(client_code=partner.client_code, timestamp=ts, path=path, body=body, key=key)
    return RequestFactory().post(path, data=body, content_type="application/json",
                                 headers={"client_code": partner.client_code, "timestamp": ts, "signature": sig})


def test_wrong_partner_kind(pmo, platform, sha1_key, institution_partner):
    _envelope(_institutions_only(_signed_request(platform, sha1_key.secret)), 403, "partner_kind_not_allowed")
    key = services.key_issue(actor=pmo, partner_id=institution_partner.pk, scheme="hmac-sha1")
    assert _envelope(_institutions_only(_signed_request(institution_partner, key.secret)), 200)["data"] == {
        "partner": institution_partner.client_code}


def test_a_views_refusal_is_answered_in_the_envelope(platform, sha1_key):
    response = _refusing(_signed_request(platform, sha1_key.secret))
    assert isinstance(response, JsonResponse)
    _envelope(response, 409, "redeem_code_used")


def test_the_decorator_checks_its_kinds():
    with pytest.raises(ValueError):
        partner_signed(kinds=frozenset({"bank"}))
    assert _institutions_only.csrf_exempt and _institutions_only.partner_signed_kinds == frozenset({"institution"})


def test_csrf_is_not_asked(platform, sha1_key):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    _envelope(signed(c, client_code=platform.client_code, key=sha1_key.secret), 200)


def test_the_openapi_document_describes_the_signed_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][PING]["post"]
    assert operation["security"] == [{"partnerClientCode": [], "partnerTimestamp": [], "partnerSignature": []}]
    assert schema["components"]["securitySchemes"]["partnerClientCode"]["name"] == "client_code"
    assert "3af30404da730af4753b422923cd25ef8ec635ef" in schema["components"]["securitySchemes"]["partnerSignature"]["description"]
    assert {"200", "400", "401", "403", "405", "409", "413"} <= set(operation["responses"])
