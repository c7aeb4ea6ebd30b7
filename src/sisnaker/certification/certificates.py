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
* verify: anyone, without logging in.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sisnaker.core import audit
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, SisnakerError, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.training.models import Enrollment, Program

from . import domain, signing
from .models import Certificate, CertificateCounter
from .readiness import readiness_for_program, readiness_of_loaded

PAYLOAD_VERSION = 1
TITLE_COMPETENCY = "SERTIFIKAT KOMPETENSI"
TITLE_TRAINING = "SERTIFIKAT PELATIHAN"
REASON_MAX = 1000
EXPORT_FORMAT = "sisnaker-certificate/1"


# --- issue ---------------------------------------------------------------------------------------

def _not_ready(missing: list[Msg]) -> Conflict:
    message = Msg("Sertifikat belum dapat diterbitkan: {id}.", "The certificate cannot be issued yet: {en}.").format(
        id="; ".join(m.id for m in missing), en="; ".join(m.en for m in missing))
    return Conflict(message, code="certificate_not_ready", details={"missing": [str(m) for m in missing]})


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
    return {
        "v": PAYLOAD_VERSION,
        "title": TITLE_COMPETENCY if units else TITLE_TRAINING,
        "number": number,
        "verification_id": verification_id,
        "year": year,
        "sequence": sequence,
        "person": {"name": person.full_name, "nik_masked": person.nik_masked},
        "program": {
            "title": program.title,
            "hours": int(program.hours),
            "start_date": _iso_date(program.start_date),
            "end_date": _iso_date(program.end_date),
        },
        "units": [{"code": code, "title": title} for code, title in units],
        "institution": {"name": institution.name, "registry_number": institution.registry_number},
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
            "program", "program__institution", "person").filter(pk=pk).first()
        if locked is None:
            raise NotFound(Msg("Pendaftaran pelatihan tidak ditemukan.", "Enrollment not found."), code="enrollment_not_found")
        program = locked.program
        require(actor, "program.manage", program)
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


VALID, REVOKED, UNKNOWN, INVALID = "valid", "revoked", "unknown", "invalid"


@dataclass
class VerifyResult:
    """What the public may know of a certificate. ``status``: valid / revoked / unknown / invalid
    (the stored signature does not match: tampered)."""

    status: str
    query: str = ""
    number: str = ""
    masked_name: str = ""
    program_title: str = ""
    hours: int | None = None
    institution_name: str = ""
    institution_registry_number: str = ""
    issued_on: dt.date | None = None
    revoked_on: dt.date | None = None
    revoke_reason: str = ""
    signature_valid: bool | None = None
    key_id: str = ""
    verification_count: int = 0

    @property
    def found(self) -> bool:
        return self.status != UNKNOWN

    def as_dict(self) -> dict:
        return {
            "status": self.status, "number": self.number or None, "name_masked": self.masked_name or None,
            "program": self.program_title or None, "hours": self.hours,
            "institution": self.institution_name or None, "institution_registry_number": self.institution_registry_number or None,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "revoked_on": self.revoked_on.isoformat() if self.revoked_on else None,
            "revoke_reason": self.revoke_reason or None, "signature_valid": self.signature_valid,
            "key_id": self.key_id or None, "verification_count": self.verification_count,
        }


def _clean(value: str | None, limit: int) -> str:
    value = (value or "").strip()
    return value if 0 < len(value) <= limit else ""


def certificate_verify(*, number: str | None = None, verification_id: str | None = None) -> VerifyResult:
    """Look a certificate up by number or by verification id: two queries (read, count)."""
    number, verification_id = _clean(number, 80), _clean(verification_id, 32)
    query = number or verification_id
    if number:
        lookup = {"number": number}
    elif verification_id:
        lookup = {"verification_id": verification_id}
    else:
        return VerifyResult(status=UNKNOWN, query=query)
    row = Certificate.objects.filter(**lookup).values(
        "pk", "number", "payload", "signature", "key_id", "revoked_at", "revoke_reason", "verification_count").first()
    if row is None:
        return VerifyResult(status=UNKNOWN, query=query)
    Certificate.objects.filter(pk=row["pk"]).update(verification_count=F("verification_count") + 1)
    signature_valid = signing.verify(row["payload"], row["signature"], row["key_id"])
    try:
        fields = json.loads(row["payload"])
    except ValueError:
        fields, signature_valid = {}, False
    if signature_valid and fields.get("number") != row["number"]:
        signature_valid = False  # a valid signature over another certificate's payload
    person, program, institution = fields.get("person") or {}, fields.get("program") or {}, fields.get("institution") or {}
    issued_on = None
    try:
        issued_on = dt.date.fromisoformat(fields["issued_on"])
    except (KeyError, TypeError, ValueError):
        signature_valid = False
    # Revoked wins over everything: a verifier must never accept it.
    status = REVOKED if row["revoked_at"] is not None else (VALID if signature_valid else INVALID)
    return VerifyResult(
        status=status, query=query, number=row["number"], masked_name=domain.mask_name(str(person.get("name", ""))),
        program_title=str(program.get("title", "")), hours=program.get("hours"),
        institution_name=str(institution.get("name", "")), institution_registry_number=str(institution.get("registry_number", "")),
        issued_on=issued_on,
        revoked_on=timezone.localtime(row["revoked_at"]).date() if row["revoked_at"] else None,
        revoke_reason=row["revoke_reason"], signature_valid=signature_valid, key_id=row["key_id"],
        verification_count=row["verification_count"] + 1,
    )


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
    if data.get("number") and data["number"] != fields.get("number"):
        return OfflineResult(False, Msg("Nomor di berkas berbeda dengan nomor yang ditandatangani.",
                                        "The number in the file differs from the signed number."), number=str(fields.get("number")))
    return OfflineResult(True, Msg("Tanda tangan digital sah.", "The digital signature is valid."),
                         number=str(fields.get("number", "")), fields=fields)


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
