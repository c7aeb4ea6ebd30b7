"""Ed25519 signatures of the seed's certificate payloads in a helper process (``demo.seed``): the same
signature ``certification.signing.sign`` gives (Ed25519 is deterministic, and the seed checks the first one
against it), computed on another core while the seed generates the next rows. Nothing here but the key and
the signing, so that the helper needs no Django."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

_key: Ed25519PrivateKey | None = None


def init(raw: bytes) -> None:
    global _key  # noqa: PLW0603 — the helper process's one key
    _key = Ed25519PrivateKey.from_private_bytes(raw)


def sign_many(payloads: list[str]) -> list[str]:
    """The base64url signatures (no padding) of the UTF-8 bytes of each payload, in order."""
    assert _key is not None, "init() first"
    sign = _key.sign
    return [base64.urlsafe_b64encode(sign(p.encode("utf-8"))).rstrip(b"=").decode("ascii") for p in payloads]
