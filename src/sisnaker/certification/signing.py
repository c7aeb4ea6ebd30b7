"""Ed25519 signatures over a certificate's canonical payload (``domain.canonical_payload``).

The private key comes from ``settings.SISNAKER_SIGNING_KEY`` (or the environment variable of the same
name): either a PEM ("-----BEGIN PRIVATE KEY-----", PKCS#8, unencrypted) or the raw 32-byte seed in
base64/base64url. Generate one with::

    python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"

Outside production, when no key is configured, a **development-only** key is derived from a fixed,
public seed: certificates signed with it prove nothing. Production (``settings.PRODUCTION``) refuses
to sign or verify without a configured key (settings.py also refuses to start).

The key id is the first 8 hex digits of sha256(raw public key): it is stored with every certificate so
that a rotated key can still verify old certificates (list the retired public keys, PEM, in
``settings.SISNAKER_SIGNING_RETIRED_PUBLIC_KEYS``). The current public key is published at
``/v/kunci-publik/`` and ``/api/v1/certification/public-key`` so anyone can verify offline
(``sisnaker verifycert FILE --public-key key.pem``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "Ed25519"
# Public on purpose: the development key must never be mistaken for a secret.
DEV_SEED_LABEL = b"sisnaker-development-only-certificate-signing-key-NOT-FOR-PRODUCTION"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = (text or "").strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:8]


def public_pem_of(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def parse_private_key(value: str) -> Ed25519PrivateKey:
    """A PEM (PKCS#8) or a base64/base64url 32-byte seed → the private key."""
    value = (value or "").strip()
    if value.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(value.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured("SISNAKER_SIGNING_KEY is a PEM that cannot be read (unencrypted PKCS#8 expected).") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("SISNAKER_SIGNING_KEY must be an Ed25519 private key.")
        return key
    try:
        raw = b64url_decode(value.replace("+", "-").replace("/", "_"))
    except (ValueError, binascii.Error) as exc:
        raise ImproperlyConfigured("SISNAKER_SIGNING_KEY is neither a PEM nor base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("SISNAKER_SIGNING_KEY (base64) must decode to exactly 32 bytes (an Ed25519 seed).")
    return Ed25519PrivateKey.from_private_bytes(raw)


def parse_public_key(pem: str | bytes) -> Ed25519PublicKey:
    """A published public key (PEM SubjectPublicKeyInfo, or the raw 32 bytes in base64url)."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        if data.strip().startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data.strip())
        else:
            key = Ed25519PublicKey.from_public_bytes(b64url_decode(data.decode("ascii")))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("not an Ed25519 public key (PEM expected)") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class Keyring:
    private_key: Ed25519PrivateKey
    key_id: str
    public_pem: str
    development: bool
    # key id → public key: the current one and any retired ones (old certificates keep verifying).
    public_keys: dict

    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def _configured() -> tuple[str, tuple[str, ...], bool]:
    value = getattr(settings, "SISNAKER_SIGNING_KEY", None) or os.environ.get("SISNAKER_SIGNING_KEY", "")
    retired = tuple(getattr(settings, "SISNAKER_SIGNING_RETIRED_PUBLIC_KEYS", ()) or ())
    production = bool(getattr(settings, "PRODUCTION", False))
    return value, retired, production


@lru_cache(maxsize=4)
def _keyring(value: str, retired: tuple[str, ...], production: bool) -> Keyring:
    development = not value
    if development:
        if production:
            raise ImproperlyConfigured(
                "SISNAKER_ENV=production needs SISNAKER_SIGNING_KEY (an Ed25519 private key, PEM or base64 seed)."
            )
        private_key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(DEV_SEED_LABEL).digest())
    else:
        private_key = parse_private_key(value)
    public_key = private_key.public_key()
    keys = {key_id_of(public_key): public_key}
    for pem in retired:
        old = parse_public_key(pem)
        keys.setdefault(key_id_of(old), old)
    return Keyring(private_key=private_key, key_id=key_id_of(public_key), public_pem=public_pem_of(public_key),
                   development=development, public_keys=keys)


def keyring() -> Keyring:
    return _keyring(*_configured())


def sign(payload: str) -> tuple[str, str]:
    """(signature in base64url, key id) over the UTF-8 bytes of ``payload``."""
    ring = keyring()
    return b64url(ring.private_key.sign(payload.encode("utf-8"))), ring.key_id


def verify_with(public_key: Ed25519PublicKey, payload: str, signature: str) -> bool:
    try:
        public_key.verify(b64url_decode(signature), payload.encode("utf-8"))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def verify(payload: str, signature: str, key_id: str) -> bool:
    """True when ``signature`` is a valid signature of ``payload`` by the key ``key_id`` (current or
    retired). An unknown key id is simply invalid."""
    public_key = keyring().public_keys.get(key_id)
    return public_key is not None and verify_with(public_key, payload, signature)


def public_key_info() -> dict:
    ring = keyring()
    return {"algorithm": ALGORITHM, "key_id": ring.key_id, "public_key_pem": ring.public_pem,
            "development_key": ring.development}
