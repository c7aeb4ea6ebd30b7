"""Partners, keys and signed requests for the integration tests. ``signed`` signs with the partner's signer
(``sisnaker.integration.signing``, as tests/integration/partner_client.py and the demo's platform do; written from the
docs), independently of sisnaker.integration.domain, the verifier's side."""

from __future__ import annotations

import time

import pytest

from sisnaker.integration import services, signing
from tests.factories import InstitutionFactory, staff

PING = "/api/v1/integration/ping"


@pytest.fixture
def pmo(regions):
    return staff("pmo_officer")


@pytest.fixture
def platform(pmo):
    return services.partner_register(actor=pmo, name="Platform Uji", kind="platform")


@pytest.fixture
def institution_partner(pmo):
    InstitutionFactory(registry_number="LPK-MITRA-01")
    return services.partner_register(actor=pmo, name="LPK Mitra", kind="institution", institution_registry_number="LPK-MITRA-01")


@pytest.fixture
def sha1_key(pmo, platform):
    return services.key_issue(actor=pmo, partner_id=platform.pk, scheme="hmac-sha1")


def sign(*, client_code: str, timestamp: str, path: str, body: bytes, key: str, scheme: str = "hmac-sha1") -> str:
    return signing.signature(client_code=client_code, sign_key=key, scheme=scheme, timestamp=timestamp, path=path, body=body)


def signed(client, *, client_code: str, key: str, scheme: str = "hmac-sha1", path: str = PING, body: bytes = b'{"hello":"sisnaker"}',
           timestamp: str | None = None, signature: str | None = None, hyphen: bool = False, omit: str = "", **extra):
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    signature = signature or sign(client_code=client_code, timestamp=timestamp, path=path, body=body, key=key, scheme=scheme)
    headers = {"client-code" if hyphen else "client_code": client_code, "timestamp": timestamp, "signature": signature}
    headers = {k: v for k, v in headers.items() if k.replace("-", "_") != omit}
    return client.post(path, data=body, content_type="application/json", headers=headers, **extra)
