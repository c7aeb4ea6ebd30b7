"""A certificate as a file its holder keeps: the signed export (``certificate_export``: the canonical
payload, its Ed25519 signature and key id), and its offline check (``verify_export``) with the published
public key — no database. ``sisnaker verifycert`` and the PDF's attachment (``pdf.py``) use both."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils import timezone

from sisnaker.core.errors import Msg

from . import domain, signing
from .models import Certificate

EXPORT_FORMAT = "sisnaker-certificate/1"
# Every payload version this code can read (a signature over any of them verifies).
PAYLOAD_VERSIONS = frozenset({1, 2, 3})


def certificate_export(certificate: Certificate) -> dict:
    """The JSON a holder can keep and anyone can verify offline with the published public key. A revoked
    certificate's export says so (``revoked``: the day in WIB and the reason), as its PDF is stamped: outside the
    signed payload, which does not change, so it proves nothing offline — the verification page is what counts —
    but a file downloaded after the revocation does not pass for a valid one."""
    data = {"format": EXPORT_FORMAT, "algorithm": signing.ALGORITHM, "number": certificate.number,
            "verification_id": certificate.verification_id, "key_id": certificate.key_id,
            "payload": certificate.payload, "signature": certificate.signature}
    if certificate.revoked_at is not None:
        data["revoked"] = {"on": timezone.localtime(certificate.revoked_at).date().isoformat(), "reason": certificate.revoke_reason or ""}
    return data


@dataclass
class OfflineResult:
    valid: bool
    reason: Msg
    number: str = ""
    fields: dict = field(default_factory=dict)


def verify_export(data: dict, *, public_key=None) -> OfflineResult:
    """Check an exported certificate (``certificate_export``) with ``public_key`` (an Ed25519 public
    key; default: this installation's keyring, current and retired keys). No database."""
    if not isinstance(data, dict) or not isinstance(data.get("payload"), str) or not isinstance(data.get("signature"), str):
        return OfflineResult(False, Msg("Berkas bukan ekspor sertifikat Sisnaker (payload/signature tidak ada).",
                                        "Not a Sisnaker certificate export (payload/signature missing)."))
    payload, signature, key_id = data["payload"], data["signature"], str(data.get("key_id", ""))
    if public_key is not None:
        ok = signing.verify_with(public_key, payload, signature)
        if ok and key_id and signing.key_id_of(public_key) != key_id:
            ok = False
    else:
        ok = signing.verify(payload, signature, key_id)
    if not ok:
        return OfflineResult(False, Msg("Tanda tangan digital TIDAK cocok: isi sertifikat diubah atau kunci berbeda.",
                                        "The digital signature does NOT match: the content was altered or the key differs."))
    try:
        fields = json.loads(payload)
    except ValueError:
        fields = {}
    if not isinstance(fields, dict) or domain.canonical_payload(fields) != payload:
        return OfflineResult(False, Msg("Isi sertifikat tidak dalam bentuk kanonik.", "The payload is not canonical."))
    if fields.get("v") not in PAYLOAD_VERSIONS:
        return OfflineResult(False, Msg("Versi isi sertifikat {v} tidak dikenal oleh program ini; perbarui Sisnaker.",
                                        "Certificate payload version {v} is unknown to this program; update Sisnaker.").format(
                                            v=str(fields.get("v"))[:10]))
    if data.get("number") and data["number"] != fields.get("number"):
        return OfflineResult(False, Msg("Nomor di berkas berbeda dengan nomor yang ditandatangani.",
                                        "The number in the file differs from the signed number."), number=str(fields.get("number")))
    return OfflineResult(True, Msg("Tanda tangan digital sah.", "The digital signature is valid."),
                         number=str(fields.get("number", "")), fields=fields)

