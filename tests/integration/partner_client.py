"""A partner's client of the Sisnaker partner API, written from docs/integration.md only (it imports nothing of
Sisnaker): what a platform or an institution would write. Used by test_live.py against a running server.

    client = PartnerClient("http://127.0.0.1:8000", client_code="SISN-…", sign_key="…", scheme="hmac-sha256")
    status, answer = client.post("/api/v1/integration/ping", {"hello": "sisnaker"})
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request


class PartnerClient:
    def __init__(self, base_url: str, *, client_code: str, sign_key: str, scheme: str = "hmac-sha256",
                 header_style: str = "underscore") -> None:
        self.base_url = base_url.rstrip("/")
        self.client_code = client_code
        self.sign_key = sign_key
        self.digest = {"hmac-sha1": hashlib.sha1, "hmac-sha256": hashlib.sha256}[scheme]
        self.header_style = header_style  # "underscore": client_code (as published); "hyphen": client-code

    def signature(self, *, timestamp: str, path: str, body: bytes) -> str:
        signed = (self.client_code + timestamp + "POST" + path).encode() + body
        return hmac.new(self.sign_key.encode(), signed, self.digest).hexdigest()

    def prepare(self, path: str, payload: object, *, timestamp: str | None = None) -> urllib.request.Request:
        """A signed request: the body is serialised once and those very bytes are signed and sent."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        timestamp = timestamp or str(int(time.time()))
        name = "client_code" if self.header_style == "underscore" else "client-code"
        headers = {"Content-Type": "application/json", name: self.client_code, "timestamp": timestamp,
                   "signature": self.signature(timestamp=timestamp, path=path, body=body)}
        return urllib.request.Request(self.base_url + path, data=body, method="POST", headers=headers)

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
