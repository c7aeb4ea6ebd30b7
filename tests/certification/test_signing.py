"""Ed25519 key handling: configured keys (PEM or base64 seed), the development key only outside
production, key ids, retired keys, tamper detection."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from sisnaker.certification import domain, signing

PAYLOAD = domain.canonical_payload({"number": "BLK-1/2026/000001", "person": {"name": "Siti Nurhaliza"}, "v": 1})


def test_development_key_is_deterministic_and_flagged(settings):
    settings.SISNAKER_SIGNING_KEY = None
    ring = signing.keyring()
    assert ring.development
    expected = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(signing.DEV_SEED_LABEL).digest()).public_key()
    assert ring.key_id == signing.key_id_of(expected)
    raw = expected.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert ring.key_id == hashlib.sha256(raw).hexdigest()[:8]
    assert signing.public_key_info()["development_key"] is True


def test_production_refuses_the_development_key(settings, monkeypatch):
    monkeypatch.delenv("SISNAKER_SIGNING_KEY", raising=False)
    settings.SISNAKER_SIGNING_KEY = None
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="SISNAKER_SIGNING_KEY"):
        signing.sign(PAYLOAD)


@pytest.mark.parametrize("form", ["pem", "base64", "base64url"])
def test_configured_key_in_each_form(settings, form):
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    settings.SISNAKER_SIGNING_KEY = {
        "pem": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode(),
        "base64": base64.b64encode(seed).decode(),
        "base64url": base64.urlsafe_b64encode(seed).decode().rstrip("="),
    }[form]
    signature, key_id = signing.sign(PAYLOAD)
    assert key_id == signing.key_id_of(key.public_key()) and not signing.keyring().development
    assert signing.verify(PAYLOAD, signature, key_id)
    assert signing.verify_with(key.public_key(), PAYLOAD, signature)


def test_bad_configured_keys_are_refused_clearly(settings):
    for bad, words in (("bm90LWEta2V5", "32 bytes"), ("-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----", "PEM"),
                       ("!!!", "32 bytes")):
        settings.SISNAKER_SIGNING_KEY = bad
        with pytest.raises(ImproperlyConfigured, match=words):
            signing.sign(PAYLOAD)


def test_tampered_payload_signature_or_key_id_fails(settings):
    settings.SISNAKER_SIGNING_KEY = base64.b64encode(os.urandom(32)).decode()
    signature, key_id = signing.sign(PAYLOAD)
    assert signing.verify(PAYLOAD, signature, key_id)
    assert not signing.verify(PAYLOAD.replace("Siti", "Sita"), signature, key_id)
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert not signing.verify(PAYLOAD, flipped, key_id)
    assert not signing.verify(PAYLOAD, "not base64 !!", key_id)
    assert not signing.verify(PAYLOAD, signature, "deadbeef")


def test_retired_keys_still_verify_old_signatures(settings):
    old = Ed25519PrivateKey.generate()
    settings.SISNAKER_SIGNING_KEY = base64.b64encode(
        old.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())).decode()
    signature, old_id = signing.sign(PAYLOAD)
    settings.SISNAKER_SIGNING_KEY = base64.b64encode(os.urandom(32)).decode()
    assert not signing.verify(PAYLOAD, signature, old_id)
    settings.SISNAKER_SIGNING_RETIRED_PUBLIC_KEYS = [signing.public_pem_of(old.public_key())]
    assert signing.verify(PAYLOAD, signature, old_id)
    assert signing.keyring().key_id != old_id


def test_public_key_round_trips_through_pem():
    info = signing.public_key_info()
    key = signing.parse_public_key(info["public_key_pem"])
    assert signing.key_id_of(key) == info["key_id"] and info["algorithm"] == "Ed25519"
    with pytest.raises(ValueError):
        signing.parse_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
