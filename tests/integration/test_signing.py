"""The partner's signer (sisnaker.integration.signing: the tests' partner client and the demo's platform sign with
it) against the docs' worked example and the published Kartu Prakerja example — values copied from the docs, not
computed by Sisnaker's verifier — and against the real endpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from sisnaker.integration import services, signing

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "integration.md").read_text(encoding="utf-8")
EXAMPLE = {"client_code": "SISN-7KQ2M9XW4HPA", "sign_key": "8c1f0e6a2b4d4c7e9a3f5b1d2e6c8a0f4b7d9e1c3a5f7b2d4e6a8c0f1b3d5e7a",
           "timestamp": "1764504000", "path": "/api/v1/integration/ping"}


@pytest.mark.parametrize(("scheme", "expected"), [("hmac-sha1", "3af30404da730af4753b422923cd25ef8ec635ef"),
                                                  ("hmac-sha256", "a1d0549cf539a35d42e0ad69092e3348cbb824a1948d6e4dc60d800f24f37bff")])
def test_the_docs_worked_example(scheme, expected):
    signed = signing.sign(scheme=scheme, payload={"hello": "sisnaker"}, **EXAMPLE)
    assert signed.body == b'{"hello":"sisnaker"}'  # serialised once, no spaces: 20 bytes
    assert signed.headers == {"Content-Type": "application/json", "client_code": EXAMPLE["client_code"],
                              "timestamp": EXAMPLE["timestamp"], "signature": expected}
    assert expected in DOCS


def test_the_published_prakerja_example():
    assert signing.signature(client_code="myclient_code", sign_key="my_sign_key", scheme="hmac-sha1", timestamp="1516239022",
                             path="/api/v1/integration/payment/redeem-code/commit",
                             body=b'{"redeem_code":"code"}') == "943c20a8e36b6243f576404b00fffdc86411ce1f"


def test_the_hyphen_header_and_a_raw_body():
    signed = signing.sign(client_code="C", sign_key="k", path="/p", body=b'{"a": 1}', timestamp="1", header_style="hyphen")
    assert "client-code" in signed.headers and "client_code" not in signed.headers and signed.body == b'{"a": 1}'
    with pytest.raises(ValueError):
        signing.sign(client_code="C", sign_key="k", path="/p", payload={}, header_style="dash")


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["hmac-sha1", "hmac-sha256"])
def test_the_endpoint_accepts_what_it_signs(pmo, platform, scheme):
    key = services.key_issue(actor=pmo, partner_id=platform.pk, scheme=scheme).secret
    signed = signing.sign(client_code=platform.client_code, sign_key=key, scheme=scheme, path="/api/v1/integration/ping",
                          payload={"hello": "sisnaker"})
    headers = {k: v for k, v in signed.headers.items() if k != "Content-Type"}
    response = Client().post(signed.path, data=signed.body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["data"]["client_code"] == platform.client_code
