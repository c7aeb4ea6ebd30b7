"""Replays racing on PostgreSQL with real threads (own connections, released together): the same signed request
sent eight times at once passes exactly once; the others are refused as replays.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/integration/test_concurrency.py
"""

from __future__ import annotations

import json
import time

import pytest
from django.test import RequestFactory

from sisnaker.integration.auth import ok, partner_signed
from sisnaker.integration.models import SeenSignature
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture

from .conftest import PING, sign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

THREADS = 8


@partner_signed()
def _view(request):
    return ok({"client_code": request.partner.client_code})


def test_the_same_signed_request_at_once_passes_once(platform, sha1_key):
    ts, body = str(int(time.time())), b'{"redeem_code":"PRAT-RACE"}'
    sig = sign(client_code=platform.client_code, timestamp=ts, path=PING, body=body, key=sha1_key.secret)

    def send():
        request = RequestFactory().post(PING, data=body, content_type="application/json",
                                        headers={"client_code": platform.client_code, "timestamp": ts, "signature": sig})
        response = _view(request)
        return response.status_code, json.loads(response.content).get("code")

    results = [value for _kind, value in race([send] * THREADS)]
    assert sorted(results, key=str) == sorted([(200, None)] + [(409, "signature_replayed")] * (THREADS - 1), key=str)
    assert SeenSignature.objects.filter(partner=platform).count() == 1
