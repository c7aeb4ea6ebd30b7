"""REST: /api/v1/certification/… — certificates.

* ``GET  /verify?id=…``                       public (no log-in), the QR code's id: valid / revoked / unknown /
                                              invalid / unapproved, with the holder's full name and birth year
* ``POST /verify``                            public, ``{"number": "…", "birth_date": "YYYY-MM-DD"}``: the same
                                              verdict with a masked name; a wrong birth date answers like an
                                              unknown number; rate limited per address and network (429)
* ``GET  /public-key``                        public: the Ed25519 public key (PEM) and its key id
* ``POST /enrollments/{id}/certificate``      staff: issue (409 ``certificate_not_ready`` lists ``missing``)
* ``GET  /certificates/{id}``                 owner, issuing institution's staff, curators: the signed export
* ``POST /certificates/{id}/revoke``          institution manager or curator, ``{"reason": "…"}``
* ``POST /certificates/{id}/replace``         institution manager, ``{"reason": "…"}``: revoked, and a new one issued
                                              with the data as it is now (201, the new certificate, ``replaces_id``)
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from sisnaker.core import links
from sisnaker.core.api_auth import SESSION_OR_TOKEN, request_actor
from sisnaker.core.errors import Msg, ValidationFailed
from sisnaker.core.net import client_ip

from . import export, selectors, services, signing
from .codes import Code

router = Router(auth=SESSION_OR_TOKEN)


class VerifyQuery(Schema):
    id: str | None = None
    # Not accepted here (a look-up by number needs the birth date: POST /verify); kept to say so.
    number: str | None = None


class LookupIn(Schema):
    number: str
    birth_date: dt.date


class VerifyOut(Schema):
    status: str  # valid | revoked | unknown | invalid | unapproved
    number: str | None = None
    name_masked: str | None = None
    name: str | None = None  # full name: only for a look-up by the QR code's id
    birth_year: int | None = None  # only for a look-up by the QR code's id
    program: str | None = None
    hours: int | None = None
    institution: str | None = None
    institution_registry_number: str | None = None
    institution_regency: str | None = None
    institution_province: str | None = None
    institution_status_on_issue_date: str | None = None  # pending | approved | rejected | suspended | null (no record)
    institution_approved_on_issue_date: bool | None = None
    # A certificate older than institution vetting: the authority approved the institution afterwards.
    institution_approved_after_issue_date: bool | None = None
    institution_status_now: str | None = None
    institution_status_since: dt.date | None = None
    issued_on: dt.date | None = None
    certificate_date: dt.date | None = Field(None, description="The date the certificate bears: the training's completion "
                                                                "(end date, or the last assessment when later)")
    revoked_on: dt.date | None = None
    revoke_reason: str | None = None
    replaced_by: str | None = Field(None, description="A revoked certificate that was replaced (wrong data on it): the number "
                                                      "of the certificate that replaces it")
    replaced_by_verification_id: str | None = Field(None, description="Its QR code's id: only for a look-up by id")
    signature_valid: bool | None = None
    key_id: str | None = None
    verification_count: int = 0


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class LimitedOut(ErrorOut):
    retry_after: int  # seconds, also in the Retry-After header


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
    replaces_id: int | None = None  # the revoked certificate this one replaces
    key_id: str
    signature: str
    payload: str
    format: str = export.EXPORT_FORMAT
    algorithm: str = signing.ALGORITHM


class RevokeIn(Schema):
    reason: str


@router.get("/verify", auth=None, response={200: VerifyOut, 400: ErrorOut},
            summary="Verify a certificate by its QR code's id (public)")
def verify(request, q: Query[VerifyQuery]):
    if (q.number or "").strip():
        raise ValidationFailed(Msg("Pemeriksaan dengan nomor sertifikat memerlukan tanggal lahir pemegang: kirim POST /verify "
                                   "dengan number dan birth_date.",
                                   "A look-up by certificate number needs the holder's birth date: send POST /verify with "
                                   "number and birth_date."), code=Code.VERIFY_BIRTH_DATE_REQUIRED, field="birth_date")
    if not (q.id or "").strip():
        raise ValidationFailed(Msg("Isi parameter id (kode QR), atau periksa dengan nomor melalui POST /verify.",
                                   "Give the id (QR code) parameter, or look up by number with POST /verify."),
                               code=Code.VERIFY_QUERY, field="id")
    return services.certificate_verify(verification_id=q.id).as_dict()


@router.post("/verify", auth=None, response={200: VerifyOut, 400: ErrorOut, 429: LimitedOut},
             summary="Verify a certificate by its number and the holder's birth date (public, rate limited)")
def verify_number(request, data: LookupIn, response: HttpResponse):
    address = request.client_ip if hasattr(request, "client_ip") else client_ip(request)
    try:
        result = services.certificate_lookup(number=data.number, birth_date=data.birth_date, client_ip=address,
                                             now=timezone.now())
    except services.LookupLimited as exc:
        response["Retry-After"] = str(exc.retry_after)
        return Status(429, {"code": exc.code, "message": str(exc.message), "field": None, "retry_after": exc.retry_after})
    return result.as_dict()


@router.get("/public-key", auth=None, response=PublicKeyOut, summary="The Ed25519 public key that signs certificates")
def public_key(request):
    return signing.public_key_info()


def _out(cert) -> dict:
    return {"id": cert.pk, "number": cert.number, "verification_id": cert.verification_id,
            "enrollment_id": cert.enrollment_id, "institution_id": cert.institution_id, "year": cert.year,
            "sequence": cert.sequence, "issued_at": cert.issued_at, "revoked_at": cert.revoked_at,
            "revoke_reason": cert.revoke_reason, "replaces_id": cert.replaces_id, "key_id": cert.key_id, "signature": cert.signature, "payload": cert.payload}


@router.post("/enrollments/{enrollment_id}/certificate", response={201: CertificateOut}, summary="Issue the certificate")
def issue(request, enrollment_id: int):
    cert = services.certificate_issue(actor=request_actor(request), enrollment=enrollment_id, now=timezone.now(),
                                      base_url=links.public_url(request) + "/")
    return Status(201, _out(cert))


@router.get("/certificates/{certificate_id}", response=CertificateOut, summary="A certificate with its signed payload")
def certificate(request, certificate_id: int):
    return _out(selectors.certificate_for(viewer=request_actor(request), certificate_id=certificate_id))


@router.post("/certificates/{certificate_id}/revoke", response=CertificateOut, summary="Revoke a certificate (kept, never deleted)")
def revoke(request, certificate_id: int, data: RevokeIn):
    cert = services.certificate_revoke(actor=request_actor(request), certificate=certificate_id, reason=data.reason,
                                       now=timezone.now())
    return _out(cert)


@router.post("/certificates/{certificate_id}/replace", response={201: CertificateOut},
             summary="Replace a certificate whose data was wrong: revoked, and a new one issued with the current data")
def replace(request, certificate_id: int, data: RevokeIn):
    cert = services.certificate_replace(actor=request_actor(request), certificate=certificate_id, reason=data.reason,
                                        now=timezone.now(), base_url=links.public_url(request) + "/")
    return Status(201, _out(cert))
