"""Certification's deployment check (``sisnaker check --deploy``, which ``sisnaker checkdeploy`` runs):
production signs certificates with its own Ed25519 key (``SISNAKER_SIGNING_KEY``), never the public
development one, and the configured key must sign and verify."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from . import signing


@checks.register(checks.Tags.security, deploy=True)
def signing_key_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not settings.SISNAKER_SIGNING_KEY:
        return [checks.Error("SISNAKER_SIGNING_KEY not set: certificates would carry the public development signature",
                             hint="Generate one with `sisnaker genkey` (docs/operations.md).", id="sisnaker.certification.E001")]
    try:
        signature, key_id = signing.sign("sisnaker-checkdeploy")
        valid = signing.verify("sisnaker-checkdeploy", signature, key_id)
    except Exception as exc:  # noqa: BLE001 - any failure is reported as such
        return [checks.Error(f"SISNAKER_SIGNING_KEY unusable: {exc}", id="sisnaker.certification.E002")]
    if not valid:
        return [checks.Error(f"SISNAKER_SIGNING_KEY (key id {key_id}) signs what it cannot verify",
                             id="sisnaker.certification.E002")]
    return []
