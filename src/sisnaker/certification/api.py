"""REST: /api/v1/certification/… — certificates.

* ``GET  /verify?number=…`` or ``?id=…``      public (no log-in): valid / revoked / unknown / invalid
* ``GET  /public-key``                        public: the Ed25519 public key (PEM) and its key id
* ``POST /enrollments/{id}/certificate``      staff: issue (409 ``certificate_not_ready`` lists ``missing``)
* ``GET  /certificates/{id}``                 owner, issuing institution's staff, curators: the signed export
* ``POST /certificates/{id}/revoke``          institution manager or curator, ``{"reason": "…"}``
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from sisnaker.core.api_auth import SESSION_OR_TOKEN, request_actor
from sisnaker.core.errors import Msg, PermissionDenied, ValidationFailed

from . import certificates, signing

router = Router(auth=SESSION_OR_TOKEN)


class VerifyQuery(Schema):
    number: str | None = None
    id: str | None = None


class VerifyOut(Schema):
    status: str  # valid | revoked | unknown | invalid
    number: str | None = None
    name_masked: str | None = None
    program: str | None = None
    hours: int | None = None
    institution: str | None = None
    institution_registry_number: str | None = None
    issued_on: dt.date | None = None
    revoked_on: dt.date | None = None
    revoke_reason: str | None = None
    signature_valid: bool | None = None
    key_id: str | None = None
    verification_count: int = 0


class PublicKeyOut(Schema):
    algorithm: str
    key_id: str
    public_key_pem: str
    development_key: bool


class CertificateOut(Schema):
    id: int
    number: str
    verification_id: str
    enrollment_id: int
    institution_id: int
    year: int
    sequence: int
    issued_at: dt.datetime
    revoked_at: dt.datetime | None = None
    revoke_reason: str = ""
    key_id: str
    signature: str
    payload: str
    format: str = certificates.EXPORT_FORMAT
    algorithm: str = signing.ALGORITHM


class RevokeIn(Schema):
    reason: str


@router.get("/verify", auth=None, response=VerifyOut, summary="Verify a certificate by number or QR id (public)")
def verify(request, q: Query[VerifyQuery]):
    if not (q.number or "").strip() and not (q.id or "").strip():
        raise ValidationFailed(Msg("Isi parameter number (nomor sertifikat) atau id (kode QR).",
                                   "Give the number (certificate number) or id (QR code) parameter."),
                               code="verify_query", field="number")
    return certificates.certificate_verify(number=q.number, verification_id=q.id).as_dict()


@router.get("/public-key", auth=None, response=PublicKeyOut, summary="The Ed25519 public key that signs certificates")
def public_key(request):
    return signing.public_key_info()


def _out(cert) -> dict:
    return {"id": cert.pk, "number": cert.number, "verification_id": cert.verification_id,
            "enrollment_id": cert.enrollment_id, "institution_id": cert.institution_id, "year": cert.year,
            "sequence": cert.sequence, "issued_at": cert.issued_at, "revoked_at": cert.revoked_at,
            "revoke_reason": cert.revoke_reason, "key_id": cert.key_id, "signature": cert.signature, "payload": cert.payload}


@router.post("/enrollments/{enrollment_id}/certificate", response={201: CertificateOut}, summary="Issue the certificate")
def issue(request, enrollment_id: int):
    cert = certificates.certificate_issue(actor=request_actor(request), enrollment=enrollment_id, now=timezone.now())
    return Status(201, _out(cert))


@router.get("/certificates/{certificate_id}", response=CertificateOut, summary="A certificate with its signed payload")
def certificate(request, certificate_id: int):
    cert = certificates.get_certificate(certificate_id=certificate_id)
    if not certificates.can_view(request_actor(request), cert):
        raise PermissionDenied()
    return _out(cert)


@router.post("/certificates/{certificate_id}/revoke", response=CertificateOut, summary="Revoke a certificate (kept, never deleted)")
def revoke(request, certificate_id: int, data: RevokeIn):
    cert = certificates.certificate_revoke(actor=request_actor(request), certificate=certificate_id, reason=data.reason,
                                           now=timezone.now())
    return _out(cert)
