"""Signing a request to the partner API, the partner's side (docs/integration.md "Signing a request").

What a platform or an institution writes to call Sisnaker: the body serialised once, HMAC (SHA-1 for an
``hmac-sha1`` key, SHA-256 for an ``hmac-sha256`` key) of ``client_code + timestamp + "POST" + path + body`` with
the sign key's text, in lowercase hex, and the three headers. Used by the demo (a demo platform buys a training the
way a real one does) and by the tests' partner client (tests/integration/partner_client.py).

Standard library only, and written from the docs, not from the verifier (``domain.string_to_sign`` /
``auth.verify``): a test that signs with this module checks Sisnaker against what the docs promise, and the docs'
worked examples are checked against this module (tests/integration/test_signing.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

DIGESTS = {"hmac-sha1": hashlib.sha1, "hmac-sha256": hashlib.sha256}


def body_of(payload: object) -> bytes:
    """The JSON body as sent: serialised once, without spaces (sign these very bytes, send these very bytes)."""
    return json.dumps(payload, separators=(",", ":")).encode()


def signature(*, client_code: str, sign_key: str, scheme: str, timestamp: str, path: str, body: bytes) -> str:
    """Lowercase hex HMAC of ``client_code + timestamp + "POST" + path + body`` (the key's text as given)."""
    signed = (client_code + timestamp + "POST" + path).encode() + body
    return hmac.new(sign_key.encode(), signed, DIGESTS[scheme]).hexdigest()


@dataclass(frozen=True)
class SignedRequest:
    path: str
    body: bytes
    headers: dict[str, str]  # Content-Type, client_code (or client-code), timestamp, signature


def sign(*, client_code: str, sign_key: str, path: str, payload: object = None, body: bytes | None = None,
         scheme: str = "hmac-sha256", timestamp: str | None = None, header_style: str = "underscore") -> SignedRequest:
    """A signed POST to ``path`` (without host or query): ``payload`` serialised by ``body_of``, or ``body`` as is.
    ``timestamp``: Unix seconds as text, now by default. ``header_style`` "underscore" sends ``client_code`` (as
    published), "hyphen" sends ``client-code`` (which proxies keep)."""
    if header_style not in ("underscore", "hyphen"):
        raise ValueError(f"header_style: 'underscore' or 'hyphen', not {header_style!r}")
    data = body if body is not None else body_of(payload)
    timestamp = timestamp or str(int(time.time()))
    name = "client_code" if header_style == "underscore" else "client-code"
    return SignedRequest(path=path, body=data, headers={
        "Content-Type": "application/json", name: client_code, "timestamp": timestamp,
        "signature": signature(client_code=client_code, sign_key=sign_key, scheme=scheme, timestamp=timestamp, path=path, body=data)})
