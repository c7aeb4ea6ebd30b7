"""A partner's client of the Sisnaker partner API, written from docs/integration.md: what a platform or an institution
would write. Its signer is ``sisnaker.integration.signing`` (standard library only, written from the docs, not from
Sisnaker's verifier; the docs' worked examples are checked against it in test_signing.py) — the same signer the demo's
platform uses. Used by test_live.py against a running server.

    client = PartnerClient("http://127.0.0.1:8000", client_code="SISN-…", sign_key="…", scheme="hmac-sha256")
    status, answer = client.post("/api/v1/integration/ping", {"hello": "sisnaker"})
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from sisnaker.integration import signing


class PartnerClient:
    def __init__(self, base_url: str, *, client_code: str, sign_key: str, scheme: str = "hmac-sha256",
                 header_style: str = "underscore") -> None:
        self.base_url = base_url.rstrip("/")
        self.client_code = client_code
        self.sign_key = sign_key
        self.scheme = scheme
        self.header_style = header_style  # "underscore": client_code (as published); "hyphen": client-code

    def signature(self, *, timestamp: str, path: str, body: bytes) -> str:
        return signing.signature(client_code=self.client_code, sign_key=self.sign_key, scheme=self.scheme, timestamp=timestamp,
                                 path=path, body=body)

    def prepare(self, path: str, payload: object, *, timestamp: str | None = None) -> urllib.request.Request:
        """A signed request: the body is serialised once and those very bytes are signed and sent."""
        signed = signing.sign(client_code=self.client_code, sign_key=self.sign_key, scheme=self.scheme, path=path, payload=payload,
                              timestamp=timestamp, header_style=self.header_style)
        return urllib.request.Request(self.base_url + path, data=signed.body, method="POST", headers=signed.headers)

    @staticmethod
    def send(request: urllib.request.Request) -> tuple[int, dict]:
        """(HTTP status, the JSON envelope) — refusals included."""
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the test server's URL
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def post(self, path: str, payload: object, *, timestamp: str | None = None) -> tuple[int, dict]:
        return self.send(self.prepare(path, payload, timestamp=timestamp))
