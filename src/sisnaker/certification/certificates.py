"""Certificate services: issue (gated, gap-free national number, Ed25519 signature), issue all eligible
of a program, revoke (never deletes), verify (public; counts every look-up).

Numbers (``domain.certificate_number``): ``<institution registry number>/<year>/<6-digit sequence>``,
the year being the issue date's year in Indonesia (Asia/Jakarta). The sequence comes from the
institution's ``CertificateCounter`` row for that year, locked with SELECT … FOR UPDATE and incremented
in the SAME transaction that inserts the certificate: an issue that fails anywhere rolls its
increment back, so the sequence has no gaps and no duplicates (``certificate_sequence_unique``).

Who may do what:

* issue: the institution manager (``program.manage`` on the program);
* revoke: the institution manager (``program.manage``) or a ministry curator — curators keep the
  national certificate register, and the permission they hold for that is ``institution.accredit``
  (national scope); administrators may do everything;
* verify: anyone, without logging in — by the QR code's unguessable id (``certificate_verify``: the
  holder's full name and birth year, to compare with an ID card), or by number AND the holder's birth
  date (``certificate_lookup``: a masked name; rate limited per client address and network; a wrong
  birth date answers exactly like an unknown number).

Only an approved institution issues (``domain.issue_blocker``, checked in the issuing transaction even
though the permission rules already require it). Payload version 2 adds the issuer's region and the
holder's birth year; version 1 certificates keep verifying.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone

from sisnaker.core import audit, ratelimit
from sisnaker.core.errors import (
    Conflict,
    Msg,
    NotFound,
    PermissionDenied,
    SisnakerError,
    TooManyRequests,
    ValidationFailed,
)
from sisnaker.core.net import network_of
from sisnaker.core.permissions import can, require
from sisnaker.institutions.models import Institution, InstitutionStatusChange
from sisnaker.training.models import Enrollment, Program

from . import domain, signing
from .models import Certificate, CertificateCounter
from .readiness import readiness_for_program, readiness_of_loaded

PAYLOAD_VERSION = 2
# Every payload version this code can read (a signature over any of them verifies).
PAYLOAD_VERSIONS = frozenset({1, 2})
TITLE_COMPETENCY = "SERTIFIKAT KOMPETENSI"
TITLE_TRAINING = "SERTIFIKAT PELATIHAN"
REASON_MAX = 1000
EXPORT_FORMAT = "sisnaker-certificate/1"


# --- issue ---------------------------------------------------------------------------------------

def _not_ready(missing: list[Msg]) -> Conflict:
    message = Msg("Sertifikat belum dapat diterbitkan: {id}.", "The certificate cannot be issued yet: {en}.").format(
        id="; ".join(m.id for m in missing), en="; ".join(m.en for m in missing))
    return Conflict(message, code="certificate_not_ready", details={"missing": [str(m) for m in missing]})


def _require_approved(institution) -> None:
    blocker = domain.issue_blocker(institution_status=institution.status, institution_name=institution.name)
    if blocker is not None:
        raise PermissionDenied(blocker, code="institution_not_approved", details={"institution_status": institution.status})


def _next_sequence(*, institution_id: int, year: int) -> int:
    """Lock the institution's counter row for ``year`` (creating it race-safely) and take the next
    number. Must run inside the issuing transaction."""
    counter = CertificateCounter.objects.select_for_update().filter(institution_id=institution_id, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: losing the creation race must not abort the issue
                CertificateCounter.objects.create(institution_id=institution_id, year=year, last=0)
        except IntegrityError:
            pass  # another transaction created it first; the lock below waits for it
        counter = CertificateCounter.objects.select_for_update().get(institution_id=institution_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _iso_date(value: dt.date) -> str:
    return value.isoformat()


def build_fields(*, enrollment: Enrollment, number: str, verification_id: str, year: int, sequence: int,
                 issued_at: dt.datetime, issued_by) -> dict:
    """The canonical fields of a certificate (what is signed). Strings and integers only."""
    program = enrollment.program
    institution = program.institution
    person = enrollment.person
    units = sorted(program.competency_units.values_list("code", "title"))
    signatory = (issued_by.get_full_name() or issued_by.get_username()) if issued_by is not None else ""
    regency = institution.regency
    return {
        "v": PAYLOAD_VERSION,
        "title": TITLE_COMPETENCY if units else TITLE_TRAINING,
        "number": number,
        "verification_id": verification_id,
        "year": year,
        "sequence": sequence,
        "person": {"name": person.full_name, "nik_masked": person.nik_masked, "birth_year": person.birth_date.year},
        "program": {
            "title": program.title,
            "hours": int(program.hours),
            "start_date": _iso_date(program.start_date),
            "end_date": _iso_date(program.end_date),
        },
        "units": [{"code": code, "title": title} for code, title in units],
        "institution": {
            "name": institution.name,
            "registry_number": institution.registry_number,
            "region": {"regency_code": regency.code, "regency": regency.name,
                       "province_code": regency.province.code, "province": regency.province.name},
        },
        "issued_on": _iso_date(timezone.localtime(issued_at).date()),
        "issued_at": issued_at.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "signatory": {"name": signatory, "title": f"Kepala/Pengelola {institution.name}"},
    }


def new_verification_id() -> str:
    """128 random bits, URL-safe (22 characters); never starting with "-" so that it can be typed as a
    command-line argument (``sisnaker verifycert <id>``)."""
    while True:
        value = secrets.token_urlsafe(16)
        if not value.startswith("-"):
            return value


def certificate_issue(*, actor, enrollment: Enrollment | int, now: dt.datetime) -> Certificate:
    """Issue the certificate of one enrollment, or refuse with the list of what is missing."""
    pk = enrollment if isinstance(enrollment, int) else enrollment.pk
    with transaction.atomic():
        # Lock the enrollment row only (not program/institution): two issues of the same enrollment
        # serialise here; different enrollments meet only at the counter row.
        locked = Enrollment.objects.select_for_update(of=("self",)).select_related(
            "program", "program__institution__regency__province", "person").filter(pk=pk).first()
        if locked is None:
            raise NotFound(Msg("Pendaftaran pelatihan tidak ditemukan.", "Enrollment not found."), code="enrollment_not_found")
        program = locked.program
        require(actor, "program.manage", program)
        # Read in this transaction: an institution suspended a moment ago issues nothing more.
        _require_approved(program.institution)
        row = readiness_of_loaded(locked)
        if row.readiness.certified:
            raise Conflict(Msg("Sertifikat {n} sudah diterbitkan untuk peserta ini.",
                               "Certificate {n} was already issued for this participant.").format(n=row.certificate_number),
                           code="certificate_already_issued", details={"number": row.certificate_number})
        if not row.readiness.eligible:
            raise _not_ready(row.missing)
        institution = program.institution
        year = timezone.localtime(now).year
        sequence = _next_sequence(institution_id=institution.pk, year=year)
        number = domain.certificate_number(registry_number=institution.registry_number, year=year, sequence=sequence)
        verification_id = new_verification_id()
        payload = domain.canonical_payload(build_fields(
            enrollment=locked, number=number, verification_id=verification_id, year=year, sequence=sequence,
            issued_at=now, issued_by=actor))
        signature, key_id = signing.sign(payload)
        certificate = Certificate.objects.create(
            enrollment=locked, number=number, institution=institution, year=year, sequence=sequence,
            verification_id=verification_id, payload=payload, signature=signature, key_id=key_id,
            issued_at=now, issued_by=actor,
        )
        audit.record(actor=actor, action="certificate.issued", obj=certificate, at=now,
                     after={"number": number, "enrollment": locked.pk, "program": program.pk, "key_id": key_id})
    return certificate


@dataclass
class IssueSummary:
    issued: int = 0
    numbers: list[str] = field(default_factory=list)
    already_certified: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"enrollment_id", "name", "code", "reasons": [...]}
    total: int = 0

    def as_dict(self) -> dict:
        return {"issued": self.issued, "numbers": self.numbers, "already_certified": self.already_certified,
                "skipped": self.skipped, "total": self.total}


def certificates_issue_eligible(*, actor, program: Program, now: dt.datetime,
                                progress: Callable[[int, int], None] | None = None) -> dict:
    """Issue the certificate of every eligible participant of ``program``: each in its own transaction
    (one failure never undoes the others; numbers stay gap-free since a failed issue rolls back its
    own increment). Returns ``{"issued", "numbers", "already_certified", "skipped", "total"}`` where
    ``skipped`` lists everyone not issued with the reasons; ``progress(done, total)`` is called after
    each eligible participant."""
    require(actor, "program.manage", program)
    _require_approved(Institution.objects.only("status", "name").get(pk=program.institution_id))
    rows = readiness_for_program(program=program)
    summary = IssueSummary()
    eligible = []
    for r in rows:
        if r.readiness.certified:
            summary.already_certified += 1
        elif r.readiness.eligible:
            eligible.append(r)
        else:
            summary.skipped.append({"enrollment_id": r.enrollment.pk, "name": r.name, "code": "certificate_not_ready",
                                    "reasons": [str(m) for m in r.missing]})
    summary.total = len(eligible)
    if progress:
        progress(0, summary.total)
    for done, r in enumerate(eligible, start=1):
        try:
            certificate = certificate_issue(actor=actor, enrollment=r.enrollment.pk, now=now)
        except SisnakerError as exc:
            summary.skipped.append({"enrollment_id": r.enrollment.pk, "name": r.name, "code": exc.code,
                                    "reasons": exc.details.get("missing") or [str(exc.message)]})
        else:
            summary.issued += 1
            summary.numbers.append(certificate.number)
        if progress:
            progress(done, summary.total)
    return summary.as_dict()


# --- revoke --------------------------------------------------------------------------------------

def can_revoke(actor, certificate: Certificate) -> bool:
    return can(actor, "program.manage", certificate) or can(actor, "institution.accredit", certificate)


def certificate_revoke(*, actor, certificate: Certificate | int, reason: str, now: dt.datetime) -> Certificate:
    """Revoke with a reason (required). The row is kept: verifiers see "revoked", never "not found"."""
    pk = certificate if isinstance(certificate, int) else certificate.pk
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().filter(pk=pk).first()
        if cert is None:
            raise NotFound(Msg("Sertifikat tidak ditemukan.", "Certificate not found."), code="certificate_not_found")
        if not can_revoke(actor, cert):
            raise PermissionDenied(Msg("Hanya pengelola lembaga penerbit atau kurator Kementerian yang dapat mencabut sertifikat.",
                                       "Only the issuing institution's manager or a ministry curator may revoke a certificate."))
        if not reason:
            raise ValidationFailed(Msg("Tuliskan alasan pencabutan sertifikat.", "Give the reason for revoking the certificate."),
                                   code="reason_required", field="reason")
        if len(reason) > REASON_MAX:
            raise ValidationFailed(Msg("Alasan terlalu panjang (paling banyak {n} karakter).",
                                       "The reason is too long (at most {n} characters).").format(n=REASON_MAX),
                                   code="reason_too_long", field="reason")
        if cert.revoked_at is not None:
            raise Conflict(Msg("Sertifikat ini sudah dicabut pada {d}.", "This certificate was already revoked on {d}.").format(
                d=format_date_id(timezone.localtime(cert.revoked_at).date())), code="certificate_already_revoked")
        cert.revoked_at, cert.revoked_by, cert.revoke_reason = now, actor, reason
        cert.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit.record(actor=actor, action="certificate.revoked", obj=cert, at=now, reason=reason,
                     before={"revoked_at": None}, after={"revoked_at": now, "reason": reason})
    return cert


# --- verify --------------------------------------------------------------------------------------

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")


def format_date_id(value: dt.date) -> str:
    """23 November 2026."""
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


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
    revoked_on: dt.date | None = None
    revoke_reason: str = ""
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
            "revoked_on": self.revoked_on.isoformat() if self.revoked_on else None,
            "revoke_reason": self.revoke_reason or None, "signature_valid": self.signature_valid,
            "key_id": self.key_id or None, "verification_count": self.verification_count,
        }


_ROW_FIELDS = (
    "pk", "number", "payload", "signature", "key_id", "issued_at", "revoked_at", "revoke_reason", "verification_count",
    "institution_id", "institution__name", "institution__registry_number", "institution__status",
    "institution__status_changed_at", "institution__regency__name", "institution__regency__province__name",
    "enrollment__person__birth_date",
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
        issued_on=issued_on, revoked_on=_local_date(row["revoked_at"]), revoke_reason=row["revoke_reason"],
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
                                       n=domain.NUMBER_MAX), code="certificate_number_invalid", field="number")
    if not cleaned:
        raise ValidationFailed(Msg("Isi nomor sertifikat.", "Enter the certificate number."), code="certificate_number_required",
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
                               code="birth_date_required", field="birth_date")
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


# --- export and offline verification -------------------------------------------------------------

def certificate_export(certificate: Certificate) -> dict:
    """The JSON a holder can keep and anyone can verify offline with the published public key."""
    return {"format": EXPORT_FORMAT, "algorithm": signing.ALGORITHM, "number": certificate.number,
            "verification_id": certificate.verification_id, "key_id": certificate.key_id,
            "payload": certificate.payload, "signature": certificate.signature}


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


def issuer_standing_of(certificate: Certificate) -> domain.IssuerStanding:
    """The issuing institution's standing on the certificate's date and today (one query)."""
    institution = certificate.institution
    history = list(InstitutionStatusChange.objects.filter(institution_id=institution.pk).values_list("at", "status"))
    return domain.issuer_standing(history=history, issued_at=certificate.issued_at, status_now=institution.status,
                                  status_changed_at=institution.status_changed_at)


def get_certificate(*, certificate_id: int) -> Certificate:
    cert = (Certificate.objects.select_related("enrollment__person", "enrollment__program", "institution", "issued_by",
                                               "revoked_by").filter(pk=certificate_id).first())
    if cert is None:
        raise NotFound(Msg("Sertifikat tidak ditemukan.", "Certificate not found."), code="certificate_not_found")
    return cert


def can_view(actor, certificate: Certificate) -> bool:
    """The person themself, the issuing institution's staff (manager, instructors), curators, admins."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    enrollment = certificate.enrollment
    if enrollment.person.user_id is not None and enrollment.person.user_id == actor.pk:
        return True
    return can(actor, "program.assess", certificate) or can(actor, "institution.accredit", certificate)
