"""Public verification of certificates, without logging in: by the QR code's unguessable id
(``certificate_verify``: the holder's full name and birth year, to compare with an ID card), or by
number AND the holder's birth date (``certificate_lookup``: a masked name; rate limited per client
address and network; a wrong birth date answers exactly like an unknown number). Each look-up counts
(``Certificate.verification_count``), so these are services, not reads. ``certificate_status`` is the
operator's look-up by number alone (``sisnaker verifycert NUMBER`` on the server)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone

from sisnaker.core import ratelimit
from sisnaker.core.errors import Msg, TooManyRequests, ValidationFailed
from sisnaker.core.net import network_of
from sisnaker.institutions.models import InstitutionStatusChange
from sisnaker.training.codes import Code as TrainingCode

from .. import domain, signing
from ..codes import Code
from ..models import Certificate

VALID, REVOKED, UNKNOWN, INVALID, UNAPPROVED = "valid", "revoked", "unknown", "invalid", "unapproved"

# Look-ups by number are limited per client address and per network (/24, /64): a verifier at a
# company checks a handful at a time; guessing a birth date needs thousands. Policies
# "certificate_lookup.ip" / "certificate_lookup.net" in core.ratelimit (SISNAKER_RATE_LIMITS overrides).


class LookupLimited(TooManyRequests):
    """Too many look-ups by number from one address or network: HTTP 429, try again later."""

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(
            Msg("Terlalu banyak pemeriksaan nomor sertifikat dari alamat atau jaringan Anda. Coba lagi dalam {m} menit. "
                "Memindai kode QR pada sertifikat tidak dibatasi.",
                "Too many certificate number look-ups from your address or network. Try again in {m} minutes. "
                "Scanning the certificate's QR code is not limited."),
            retry_after=retry_after,
        )


@dataclass
class VerifyResult:
    """What the public may know of a certificate.

    ``status``: valid / revoked / unknown / invalid (the stored signature does not match: tampered) /
    unapproved (genuine, but the issuing institution was not approved and active on the certificate's
    date, so it is not recognised). ``full_name`` and ``birth_year`` are filled only for a look-up by the
    QR code's id (``by == "id"``); a look-up by number shows the masked name only."""

    status: str
    query: str = ""
    by: str = ""
    number: str = ""
    masked_name: str = ""
    full_name: str = ""
    birth_year: int | None = None
    program_title: str = ""
    hours: int | None = None
    institution_name: str = ""
    institution_registry_number: str = ""
    institution_regency: str = ""
    institution_province: str = ""
    institution_status_on_issue: str | None = None
    institution_approved_on_issue: bool | None = None
    institution_approved_later: bool | None = None
    institution_status_now: str = ""
    institution_status_since: dt.date | None = None
    issued_on: dt.date | None = None
    # The date the certificate bears (the training's completion; version 1–2 payloads: ``issued_on``).
    certificate_date: dt.date | None = None
    revoked_on: dt.date | None = None
    revoke_reason: str = ""
    # The certificate that replaced a revoked one (wrong data on it, corrected): its number, and for a look-up by
    # the QR code's id (whoever holds it holds the certificate) its own verification id.
    replaced_by_number: str = ""
    replaced_by_id: str = ""
    signature_valid: bool | None = None
    key_id: str = ""
    verification_count: int = 0
    payload_version: int | None = None

    @property
    def found(self) -> bool:
        return self.status != UNKNOWN

    @property
    def institution_active_now(self) -> bool:
        return self.institution_status_now == "approved"

    def as_dict(self) -> dict:
        return {
            "status": self.status, "number": self.number or None, "name_masked": self.masked_name or None,
            "name": self.full_name or None, "birth_year": self.birth_year,
            "program": self.program_title or None, "hours": self.hours,
            "institution": self.institution_name or None, "institution_registry_number": self.institution_registry_number or None,
            "institution_regency": self.institution_regency or None, "institution_province": self.institution_province or None,
            "institution_status_on_issue_date": self.institution_status_on_issue,
            "institution_approved_on_issue_date": self.institution_approved_on_issue,
            "institution_approved_after_issue_date": self.institution_approved_later,
            "institution_status_now": self.institution_status_now or None,
            "institution_status_since": self.institution_status_since.isoformat() if self.institution_status_since else None,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "certificate_date": self.certificate_date.isoformat() if self.certificate_date else None,
            "revoked_on": self.revoked_on.isoformat() if self.revoked_on else None,
            "revoke_reason": self.revoke_reason or None, "replaced_by": self.replaced_by_number or None,
            "replaced_by_verification_id": self.replaced_by_id or None, "signature_valid": self.signature_valid,
            "key_id": self.key_id or None, "verification_count": self.verification_count,
        }


_ROW_FIELDS = (
    "pk", "number", "payload", "signature", "key_id", "issued_at", "revoked_at", "revoke_reason", "verification_count",
    "institution_id", "institution__name", "institution__registry_number", "institution__status",
    "institution__status_changed_at", "institution__regency__name", "institution__regency__province__name",
    "enrollment__person__birth_date", "replaced_by__number", "replaced_by__verification_id",
)


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def _result(row: dict, *, by: str, query: str) -> VerifyResult:
    """The verdict on one stored certificate (two more queries: the issuer's history, the count)."""
    Certificate.objects.filter(pk=row["pk"]).update(verification_count=F("verification_count") + 1)
    signature_valid = signing.verify(row["payload"], row["signature"], row["key_id"])
    try:
        fields = json.loads(row["payload"])
    except ValueError:
        fields = None
    if not isinstance(fields, dict):
        fields, signature_valid = {}, False
    if signature_valid and fields.get("number") != row["number"]:
        signature_valid = False  # a valid signature over another certificate's payload
    person, program, institution = (_dict(fields.get("person")), _dict(fields.get("program")),
                                    _dict(fields.get("institution")))
    region = _dict(institution.get("region"))
    issued_on = None
    try:
        issued_on = dt.date.fromisoformat(fields["issued_on"])
    except (KeyError, TypeError, ValueError):
        signature_valid = False
    certificate_date = domain.certificate_date_of(fields)
    if isinstance(fields.get("v"), int) and fields["v"] >= 3 and not isinstance(fields.get("certificate_date"), str):
        signature_valid = False  # version 3 always signs its date
    history = list(InstitutionStatusChange.objects.filter(institution_id=row["institution_id"]).values_list("at", "status"))
    standing = domain.issuer_standing(history=history, issued_at=row["issued_at"], status_now=row["institution__status"],
                                      status_changed_at=row["institution__status_changed_at"])
    # Revoked wins over everything, then a broken signature: a verifier must never accept either. A
    # genuine certificate of an institution that was not approved on its date is not recognised; one
    # whose institution was suspended later stays valid (the page says what the institution is now).
    if row["revoked_at"] is not None:
        status = REVOKED
    elif not signature_valid:
        status = INVALID
    elif not standing.recognised:
        status = UNAPPROVED
    else:
        status = VALID
    birth_year = person.get("birth_year")
    if not isinstance(birth_year, int):  # payload version 1 did not carry it
        birth_date = row["enrollment__person__birth_date"]
        birth_year = birth_date.year if birth_date else None
    reveal = by == "id"
    return VerifyResult(
        status=status, query=query, by=by, number=row["number"], masked_name=domain.mask_name(str(person.get("name", ""))),
        full_name=str(person.get("name", "")) if reveal else "", birth_year=birth_year if reveal else None,
        program_title=str(program.get("title", "")), hours=program.get("hours") if isinstance(program.get("hours"), int) else None,
        institution_name=str(institution.get("name", "") or row["institution__name"]),
        institution_registry_number=str(institution.get("registry_number", "") or row["institution__registry_number"]),
        # Version 2 signs the region as it was; version 1 shows the institution's region today.
        institution_regency=str(region.get("regency") or row["institution__regency__name"] or ""),
        institution_province=str(region.get("province") or row["institution__regency__province__name"] or ""),
        institution_status_on_issue=standing.status_on_issue, institution_approved_on_issue=standing.approved_on_issue,
        institution_approved_later=standing.approved_later,
        institution_status_now=standing.status_now, institution_status_since=_local_date(standing.since),
        issued_on=issued_on, certificate_date=certificate_date, revoked_on=_local_date(row["revoked_at"]), revoke_reason=row["revoke_reason"],
        replaced_by_number=row["replaced_by__number"] or "", replaced_by_id=(row["replaced_by__verification_id"] or "") if reveal else "",
        signature_valid=signature_valid, key_id=row["key_id"], verification_count=row["verification_count"] + 1,
        payload_version=fields.get("v") if isinstance(fields.get("v"), int) else None,
    )


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def certificate_verify(*, verification_id: str | None) -> VerifyResult:
    """The look-up behind the QR code (``/v/<id>/``): the id is 128 random bits, so whoever has it holds
    the certificate; the answer names the holder in full with their birth year, for comparing with an
    ID card. Three queries (read, the issuer's history, count)."""
    value = (verification_id or "").strip()
    if not domain.is_verification_id(value):
        return VerifyResult(status=UNKNOWN, query=value[:32], by="id")
    row = Certificate.objects.filter(verification_id=value).values(*_ROW_FIELDS).first()
    if row is None:
        return VerifyResult(status=UNKNOWN, query=value, by="id")
    return _result(row, by="id", query=value)


def _number_or_refusal(number: str | None) -> str:
    cleaned = domain.clean_number(number)
    if cleaned is None:
        raise ValidationFailed(Msg("Nomor sertifikat tidak valid: paling banyak {n} karakter huruf, angka, dan tanda baca biasa.",
                                   "Not a certificate number: at most {n} characters of letters, digits and plain punctuation.").format(
                                       n=domain.NUMBER_MAX), code=Code.CERTIFICATE_NUMBER_INVALID, field="number")
    if not cleaned:
        raise ValidationFailed(Msg("Isi nomor sertifikat.", "Enter the certificate number."), code=Code.CERTIFICATE_NUMBER_REQUIRED,
                               field="number")
    return cleaned


def certificate_lookup(*, number: str | None, birth_date: dt.date | None, client_ip: str | None,
                       now: dt.datetime | None = None) -> VerifyResult:
    """The public look-up by number: it needs the holder's birth date too, and answers with a masked
    name. A wrong birth date and an unknown number give the same answer (``unknown``) from the same
    single query, so the look-up tells nothing about who holds a number. Case is ignored. Each
    look-up counts against the client's address and network (``lookup_limits``); past the limit it
    raises ``LookupLimited`` (HTTP 429) before touching any certificate."""
    cleaned = _number_or_refusal(number)
    if not isinstance(birth_date, dt.date) or isinstance(birth_date, dt.datetime):
        raise ValidationFailed(Msg("Isi tanggal lahir pemegang sertifikat.", "Enter the certificate holder's birth date."),
                               code=TrainingCode.BIRTH_DATE_REQUIRED, field="birth_date")
    decision = ratelimit.hit_all([
        (f"certificate_lookup:ip:{client_ip or '-'}", ratelimit.policy("certificate_lookup.ip")),
        (f"certificate_lookup:net:{network_of(client_ip)}" if client_ip else "", ratelimit.policy("certificate_lookup.net")),
    ], now=now)
    if not decision.allowed:
        raise LookupLimited(retry_after=max(1, decision.retry_after))
    row = (Certificate.objects.annotate(number_key=Upper("number"))
           .filter(number_key=domain.number_key(cleaned), enrollment__person__birth_date=birth_date)
           .values(*_ROW_FIELDS).first())
    if row is None:
        return VerifyResult(status=UNKNOWN, query=cleaned, by="number")
    return _result(row, by="number", query=cleaned)


def certificate_status(*, number: str) -> VerifyResult:
    """An operator's look-up by number alone (``sisnaker verifycert NUMBER`` on the server: whoever runs
    it already reads the database). Masked name, like the public look-up by number; not for pages."""
    cleaned = domain.clean_number(number)
    if not cleaned:
        return VerifyResult(status=UNKNOWN, query=(number or "")[:domain.NUMBER_MAX], by="number")
    row = (Certificate.objects.annotate(number_key=Upper("number")).filter(number_key=domain.number_key(cleaned))
           .values(*_ROW_FIELDS).first())
    if row is None:
        return VerifyResult(status=UNKNOWN, query=cleaned, by="number")
    return _result(row, by="number", query=cleaned)
