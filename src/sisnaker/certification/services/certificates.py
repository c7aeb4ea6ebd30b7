"""Certificate services: issue (gated, gap-free national number, Ed25519 signature), issue all eligible
of a program (now, or started as a background task), revoke (never deletes).

Numbers (``domain.certificate_number``): ``<institution registry number>/<year>/<6-digit sequence>``,
the year being the issue date's year in Indonesia (Asia/Jakarta) — not the certificate's date, which is
the training's completion (``domain.certificate_date``; the choice is explained in ``domain``). The sequence comes from the
institution's ``CertificateCounter`` row for that year, locked with SELECT … FOR UPDATE and incremented
in the SAME transaction that inserts the certificate: an issue that fails anywhere rolls its
increment back, so the sequence has no gaps and no duplicates (``certificate_sequence_unique``).

Who may do what (``core.permissions.RULES``): ``certificate.issue`` — the manager of the program's
(approved) institution; ``certificate.revoke`` — that manager or a ministry curator (curators keep the
national certificate register); administrators may do everything. Only an approved institution issues
(``domain.issue_blocker``, checked in the issuing transaction even though the permission rules already
require it, so that an administrator or a queued batch cannot issue for an unvetted institution).
Payload version 2 adds the issuer's region and the holder's birth year; version 3 adds
``certificate_date`` (the completion date the certificate bears; ``issued_on`` stays the day of issue);
version 1 and 2 certificates keep verifying (``export.PAYLOAD_VERSIONS``).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.tasks import TaskResult
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, SisnakerError, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.core.tasks import enqueue_with_transaction
from sisnaker.institutions.models import Institution
from sisnaker.notifications import services as notifications
from sisnaker.notifications import text as sms_text
from sisnaker.training import domain as training_domain
from sisnaker.training.codes import Code as TrainingCode
from sisnaker.training.models import Enrollment, Program

from .. import domain, signing, tasks
from ..codes import Audit, Code
from ..models import Assessment, Certificate, CertificateCounter
from ..selectors.board import eligible_count
from ..selectors.readiness import readiness_for_program, readiness_of_loaded
from . import reminders

PAYLOAD_VERSION = 3
TITLE_COMPETENCY = "SERTIFIKAT KOMPETENSI"
TITLE_TRAINING = "SERTIFIKAT PELATIHAN"
REASON_MAX = 1000


# --- issue ---------------------------------------------------------------------------------------

def _not_ready(missing: list[Msg]) -> Conflict:
    message = Msg("Sertifikat belum dapat diterbitkan: {id}.", "The certificate cannot be issued yet: {en}.").format(
        id="; ".join(m.id for m in missing), en="; ".join(m.en for m in missing))
    return Conflict(message, code=Code.CERTIFICATE_NOT_READY, details={"missing": [str(m) for m in missing]})


def _require_approved(institution: Institution) -> None:
    blocker = domain.issue_blocker(institution_status=institution.status, institution_name=institution.name)
    if blocker is not None:
        raise PermissionDenied(blocker, code=Code.INSTITUTION_NOT_APPROVED, details={"institution_status": institution.status})


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


def completion_date(enrollment: Enrollment) -> dt.date:
    """The certificate's date for ``enrollment`` (``domain.certificate_date``): the program's completion (end
    date, or the day it was closed early), or the participant's last assessment (in Indonesia's time) when later."""
    last = Assessment.objects.filter(enrollment=enrollment).aggregate(last=Max("assessed_at"))["last"]
    return domain.certificate_date(completed_on=program_completion(enrollment.program),
                                   last_assessed_on=timezone.localtime(last).date() if last is not None else None)


def program_completion(program: Program) -> dt.date:
    """The day ``program``'s training was completed (its end date, or the day it was closed early)."""
    return training_domain.completion_date(end_date=program.end_date, closed_on=program.closed_on)


def _require_completed(program: Program, now: dt.datetime) -> None:
    """Refuse issuing before the training's completion: a certificate never bears a date in the future."""
    blocker = domain.issue_date_blocker(completed_on=program_completion(program), today=timezone.localtime(now).date())
    if blocker is not None:
        raise Conflict(blocker, code=Code.CERTIFICATE_BEFORE_COMPLETION, details={"completed_on": program_completion(program).isoformat()})


def build_fields(*, enrollment: Enrollment, number: str, verification_id: str, year: int, sequence: int,
                 issued_at: dt.datetime, issued_by: User | None, certificate_date: dt.date | None = None) -> dict:
    """The canonical fields of a certificate (what is signed). Strings and integers only.
    ``certificate_date``: the date it bears (default: ``completion_date``)."""
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
            # The training's real last day: a program closed early ended then, not on its planned end.
            "end_date": _iso_date(program_completion(program)),
        },
        "units": [{"code": code, "title": title} for code, title in units],
        "institution": {
            "name": institution.name,
            "registry_number": institution.registry_number,
            "region": {"regency_code": regency.code, "regency": regency.name,
                       "province_code": regency.province.code, "province": regency.province.name},
        },
        "certificate_date": _iso_date(certificate_date or completion_date(enrollment)),
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


def certificate_issue(*, actor: User, enrollment: Enrollment | int, now: dt.datetime, base_url: str = "",
                      announce: bool = True) -> Certificate:
    """Issue the certificate of one enrollment, or refuse with the list of what is missing. Its own
    (durable) transaction: "issue all eligible" calls it once per participant, outside any transaction.
    Once committed, its holder is told "Sertifikat Anda sudah terbit" with a personal link on ``base_url``
    (``reminders.send_certificate_ready``) unless ``announce`` is False ("issue all eligible" tells everyone
    at its end, in one go)."""
    pk = enrollment if isinstance(enrollment, int) else enrollment.pk
    with transaction.atomic(durable=True):
        # Lock the enrollment row only (not program/institution): two issues of the same enrollment
        # serialise here; different enrollments meet only at the counter row.
        locked = _lock_enrollment(pk)
        if locked is None:
            raise NotFound(Msg("Pendaftaran pelatihan tidak ditemukan.", "Enrollment not found."), code=TrainingCode.ENROLLMENT_NOT_FOUND)
        program = locked.program
        require(actor, "certificate.issue", program)
        # Read in this transaction: an institution suspended a moment ago issues nothing more.
        _require_approved(program.institution)
        row = readiness_of_loaded(locked)
        if row.readiness.certified and row.certificate_revoked:
            raise Conflict(Msg("Sertifikat {n} peserta ini sudah dicabut tanpa pengganti: pencabutan bersifat final, sertifikat "
                               "pelatihan ini tidak diterbitkan lagi.",
                               "This participant's certificate {n} was revoked without a replacement: revocation is final, no "
                               "certificate is issued again for this training.").format(n=row.certificate_number),
                           code=Code.CERTIFICATE_ALREADY_ISSUED, details={"number": row.certificate_number})
        if row.readiness.certified:
            raise Conflict(Msg("Sertifikat {n} sudah diterbitkan untuk peserta ini.",
                               "Certificate {n} was already issued for this participant.").format(n=row.certificate_number),
                           code=Code.CERTIFICATE_ALREADY_ISSUED, details={"number": row.certificate_number})
        if not row.readiness.eligible:
            raise _not_ready(row.missing)
        _require_completed(program, now)  # ready, but the training is not over: no certificate dated in the future
        certificate = _sign_and_create(actor=actor, enrollment=locked, now=now)
        audit.record(actor=actor, action=Audit.CERTIFICATE_ISSUED, obj=certificate, at=now,
                     after={"number": certificate.number, "enrollment": locked.pk, "program": program.pk, "key_id": certificate.key_id,
                            "certificate_date": completion_date(locked).isoformat()})
        if announce:
            reminders.announce_with_transaction(actor=actor, program_id=program.pk, enrollment_ids=[locked.pk], base_url=base_url)
    return certificate


def _lock_enrollment(pk: int) -> Enrollment | None:
    """The enrollment's row locked (only it: not program/institution, so issues of different enrollments meet only at
    the counter row), with what a certificate is built from: program, institution, region, person."""
    return Enrollment.objects.select_for_update(of=("self",)).select_related(
        "program", "program__institution__regency__province", "person").filter(pk=pk).first()


def _sign_and_create(*, actor: User, enrollment: Enrollment, now: dt.datetime, replaces: Certificate | None = None) -> Certificate:
    """A new certificate for ``enrollment`` (loaded with its program, institution and person) with the data as
    it is now: the institution's next number of the year, signed, dated at the training's completion (not
    this click). Inside the caller's transaction, which holds the enrollment's row."""
    institution = enrollment.program.institution
    year = timezone.localtime(now).year
    sequence = _next_sequence(institution_id=institution.pk, year=year)
    number = domain.certificate_number(registry_number=institution.registry_number, year=year, sequence=sequence)
    verification_id = new_verification_id()
    payload = domain.canonical_payload(build_fields(
        enrollment=enrollment, number=number, verification_id=verification_id, year=year, sequence=sequence,
        issued_at=now, issued_by=actor, certificate_date=completion_date(enrollment)))
    signature, key_id = signing.sign(payload)
    return Certificate.objects.create(
        enrollment=enrollment, number=number, institution=institution, year=year, sequence=sequence,
        verification_id=verification_id, payload=payload, signature=signature, key_id=key_id,
        issued_at=now, issued_by=actor, replaces=replaces, first_issued_at=replaces.certified_at if replaces is not None else None,
    )


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


def certificates_issue_eligible(*, actor: User, program: Program, now: dt.datetime,
                                progress: Callable[[int, int], None] | None = None, base_url: str = "") -> dict:
    """Issue the certificate of every eligible participant of ``program``: each in its own transaction
    (one failure never undoes the others; numbers stay gap-free since a failed issue rolls back its
    own increment). Returns ``{"issued", "numbers", "already_certified", "skipped", "total"}`` where
    ``skipped`` lists everyone not issued with the reasons; ``progress(done, total)`` is called after
    each eligible participant. What the "issue all eligible" task runs (``certificates_issue_all_start``).
    At the end every new holder is told "Sertifikat Anda sudah terbit" with a personal link on ``base_url``, in
    one set-based send (``reminders.send_certificate_ready``)."""
    require(actor, "certificate.issue", program)
    _require_approved(Institution.objects.only("status", "name").get(pk=program.institution_id))
    _require_completed(program, now)
    rows = readiness_for_program(program=program)
    summary = IssueSummary()
    eligible = []
    for r in rows:
        if r.readiness.certified:
            summary.already_certified += 1
        elif r.readiness.eligible:
            eligible.append(r)
        else:
            summary.skipped.append({"enrollment_id": r.enrollment.pk, "name": r.name, "code": Code.CERTIFICATE_NOT_READY.value,
                                    "reasons": [str(m) for m in r.missing]})
    summary.total = len(eligible)
    if progress:
        progress(0, summary.total)
    issued_ids = []
    for done, r in enumerate(eligible, start=1):
        try:
            certificate = certificate_issue(actor=actor, enrollment=r.enrollment.pk, now=now, announce=False)
        except SisnakerError as exc:
            summary.skipped.append({"enrollment_id": r.enrollment.pk, "name": r.name, "code": exc.code,
                                    "reasons": exc.details.get("missing") or [str(exc.message)]})
        else:
            summary.issued += 1
            summary.numbers.append(certificate.number)
            issued_ids.append(r.enrollment.pk)
        if progress:
            progress(done, summary.total)
    reminders.announce_with_transaction(actor=actor, program_id=program.pk, enrollment_ids=issued_ids, base_url=base_url)
    return summary.as_dict()


# --- revoke --------------------------------------------------------------------------------------


@dataclass
class IssueAllStarted:
    """What ``certificates_issue_all_start`` started: the participants eligible when it was asked
    (``total``), counted from ``since``; ``result`` is the queued task's result, set once the request's
    transaction has committed (None when nobody was eligible, or when the task could not be queued)."""

    total: int
    since: dt.datetime
    result: TaskResult | None = None


def certificates_issue_all_start(*, actor: User, program: Program, now: dt.datetime, base_url: str = "") -> IssueAllStarted:
    """"Issue all eligible" as a background task (``tasks.issue_all_eligible``), so the manager never
    waits for hundreds of signatures: checks who asks and for which institution, counts the eligible,
    records the request in the audit trail and queues the task once that is committed. Nothing is queued
    (and nothing recorded) when nobody is eligible."""
    with transaction.atomic(durable=True):
        require(actor, "certificate.issue", program)
        _require_approved(Institution.objects.only("status", "name").get(pk=program.institution_id))
        _require_completed(program, now)
        started = IssueAllStarted(total=eligible_count(program=program), since=now.replace(microsecond=0))
        if started.total == 0:
            return started
        audit.record(actor=actor, action=Audit.ISSUE_ALL_REQUESTED, obj=program, at=now,
                     after={"eligible": started.total, "since": started.since.isoformat()})

        # Queued with the request's transaction (``enqueue_with_transaction``); with a backend that queues after the
        # commit, a queue that cannot be reached leaves ``result`` None (the page says so), never a 500.
        enqueue_with_transaction(tasks.issue_all_eligible, program_id=program.pk, actor_id=actor.pk, total=started.total,
                                 since=started.since.isoformat(), base_url=base_url,
                                 then=lambda result: setattr(started, "result", result))
    return started


# --- revoke --------------------------------------------------------------------------------------

def certificate_revoke(*, actor: User, certificate: Certificate | int, reason: str, now: dt.datetime) -> Certificate:
    """Revoke with a reason (required). The row is kept: verifiers see "revoked", never "not found"."""
    pk = certificate if isinstance(certificate, int) else certificate.pk
    reason = _reason(reason)
    with transaction.atomic(durable=True):
        cert = _lock_standing(actor=actor, pk=pk, reason=reason)
        withdrawn = _revoke(actor=actor, cert=cert, reason=reason, now=now)
        audit.record(actor=actor, action=Audit.CERTIFICATE_REVOKED, obj=cert, at=now, reason=reason,
                     before={"revoked_at": None}, after={"revoked_at": now, "reason": reason, "messages_withdrawn": withdrawn})
        _tell_holder(cert=cert, replacement=None, reason=reason)
    return cert


def certificate_replace(*, actor: User, certificate: Certificate | int, reason: str, now: dt.datetime,
                        base_url: str = "") -> Certificate:
    """Replace a certificate whose data was wrong (a name corrected since, a wrong program title): it is
    revoked with ``reason`` and a new one is issued in the same transaction with the data as it is now (the
    institution's next number, signed today, dated at the training's completion like the first). The old
    number's verification points to the new one; the holder is told, and gets the new certificate's personal
    link after commit. For the issuing institution's manager (``certificate.revoke`` and ``certificate.issue``:
    a curator may revoke but issues nothing). Returns the new certificate."""
    pk = certificate if isinstance(certificate, int) else certificate.pk
    reason = _reason(reason)
    with transaction.atomic(durable=True):
        old = _lock_standing(actor=actor, pk=pk, reason=reason)
        enrollment = _lock_enrollment(old.enrollment_id)
        program = enrollment.program
        if not can(actor, "certificate.issue", program):
            raise PermissionDenied(Msg("Hanya pengelola lembaga penerbit yang dapat menerbitkan sertifikat pengganti.",
                                       "Only the issuing institution's manager may issue a replacement certificate."))
        # Read in this transaction: an institution suspended a moment ago issues nothing more.
        _require_approved(program.institution)
        # The new certificate rests on the same facts as the first: still competent, the program still running or closed.
        readiness = readiness_of_loaded(enrollment).readiness
        if not (readiness.assessed and readiness.program_allows):
            raise Conflict(Msg("Peserta ini tidak lagi memenuhi syarat sertifikat (hasil penilaian atau status programnya berubah): "
                               "cabut sertifikat tanpa pengganti.",
                               "This participant no longer meets the certificate's conditions (their assessment or the program's "
                               "status changed): revoke the certificate without a replacement."), code=Code.CERTIFICATE_NOT_READY)
        withdrawn = _revoke(actor=actor, cert=old, reason=reason, now=now)
        new = _sign_and_create(actor=actor, enrollment=enrollment, now=now, replaces=old)
        audit.record(actor=actor, action=Audit.CERTIFICATE_REVOKED, obj=old, at=now, reason=reason,
                     before={"revoked_at": None},
                     after={"revoked_at": now, "reason": reason, "messages_withdrawn": withdrawn, "replaced_by": new.number})
        audit.record(actor=actor, action=Audit.CERTIFICATE_REPLACED, obj=new, at=now, reason=reason,
                     after={"number": new.number, "replaces": old.number, "enrollment": enrollment.pk, "program": program.pk,
                            "key_id": new.key_id, "changed": sorted(domain.replaced_fields(old.payload, new.payload))})
        _tell_holder(cert=old, replacement=new, reason=reason)
        reminders.announce_with_transaction(actor=actor, program_id=program.pk, enrollment_ids=[enrollment.pk], base_url=base_url)
    return new


def replacement_changes(*, certificate: Certificate) -> list[Msg]:
    """What a replacement of ``certificate`` would carry differently, from the data as it is now (the person's
    corrected name, the program's title...): the parts named for the manager's form, empty when the new one
    would say the same. Reads only (its program's units)."""
    enrollment = Enrollment.objects.select_related("program__institution__regency__province", "person").get(pk=certificate.enrollment_id)
    try:
        fields = json.loads(certificate.payload)
    except ValueError:
        fields = None
    if not isinstance(fields, dict):  # a damaged payload (its verification says so): everything would differ
        fields = {}
    now_fields = build_fields(enrollment=enrollment, number=fields.get("number", ""), verification_id=fields.get("verification_id", ""),
                              year=certificate.year, sequence=certificate.sequence, issued_at=certificate.issued_at,
                              issued_by=None, certificate_date=completion_date(enrollment))
    changed = domain.replaced_fields(certificate.payload, domain.canonical_payload(now_fields))
    return [label for key, label in domain.REPLACED_LABELS.items() if key in changed]


def _reason(reason: str) -> str:
    """The revocation's reason as kept (spaces folded); ``_lock_standing`` refuses it empty or too long."""
    return " ".join((reason or "").split())


def _lock_standing(*, actor: User, pk: int, reason: str) -> Certificate:
    """The certificate, locked, for revoking or replacing: refused unless ``actor`` may revoke it, ``reason``
    is given and it still stands."""
    cert = Certificate.objects.select_for_update(of=("self",)).select_related("enrollment__program", "enrollment__person").filter(pk=pk).first()
    if cert is None:
        raise NotFound(Msg("Sertifikat tidak ditemukan.", "Certificate not found."), code=Code.CERTIFICATE_NOT_FOUND)
    if not can(actor, "certificate.revoke", cert):
        raise PermissionDenied(Msg("Hanya pengelola lembaga penerbit atau kurator Kementerian yang dapat mencabut sertifikat.",
                                   "Only the issuing institution's manager or a ministry curator may revoke a certificate."))
    if not reason:
        raise ValidationFailed(Msg("Tuliskan alasan pencabutan sertifikat.", "Give the reason for revoking the certificate."),
                               code=CoreCode.REASON_REQUIRED, field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(Msg("Alasan terlalu panjang (paling banyak {n} karakter).",
                                   "The reason is too long (at most {n} characters).").format(n=REASON_MAX),
                               code=Code.REASON_TOO_LONG, field="reason")
    if cert.revoked_at is not None:
        day = domain.format_date_id(timezone.localtime(cert.revoked_at).date())
        replacement = Certificate.objects.filter(replaces_id=cert.pk).values_list("number", flat=True).first()
        if replacement:  # a second click on "replace": the first one did it
            raise Conflict(Msg("Sertifikat ini sudah dicabut pada {d} dan diganti dengan {r}.",
                               "This certificate was already revoked on {d} and replaced by {r}.").format(d=day, r=replacement),
                           code=Code.CERTIFICATE_ALREADY_REVOKED, details={"replaced_by": replacement})
        raise Conflict(Msg("Sertifikat ini sudah dicabut pada {d}.", "This certificate was already revoked on {d}.").format(d=day),
                       code=Code.CERTIFICATE_ALREADY_REVOKED)
    return cert


def _revoke(*, actor: User, cert: Certificate, reason: str, now: dt.datetime) -> int:
    """Mark ``cert`` (locked) revoked; returns how many queued "ready" messages were withdrawn."""
    cert.revoked_at, cert.revoked_by, cert.revoke_reason = now, actor, reason
    cert.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    # "Sertifikat Anda sudah terbit" still waiting in the queue would tell the holder the opposite of the truth.
    return notifications.notifications_withdraw(
        person_ids=[cert.enrollment.person_id], topics=[reminders.ready_topic(cert.enrollment.program)], reason="sertifikat dicabut")


def _tell_holder(*, cert: Certificate, replacement: Certificate | None, reason: str) -> None:
    """The holder learns that their certificate was revoked (or replaced, with the new number) and why: it is
    their document, shown to employers. Queued in the caller's transaction, sent after commit."""
    person = cert.enrollment.person
    program = cert.enrollment.program.title
    if replacement is None:
        text = Msg("Sertifikat {n} (pelatihan {p}) Anda telah dicabut oleh lembaga penerbit dan tidak berlaku lagi. Alasan: {r}. "
                   "Hubungi lembaga pelatihan bila ada pertanyaan.",
                   "Your certificate {n} (training {p}) was revoked by the issuing institution and is no longer valid. Reason: {r}. "
                   "Contact the training institution with any questions.")
    else:
        text = Msg("Sertifikat {n} (pelatihan {p}) Anda diganti dengan sertifikat baru {new}. Alasan: {r}. "
                   "Sertifikat lama tidak berlaku lagi; gunakan yang baru.",
                   "Your certificate {n} (training {p}) was replaced by a new certificate {new}. Reason: {r}. "
                   "The old one is no longer valid; use the new one.")
    # An SMS, too: the reason is cut short (the certificate's page and its verification show it whole).
    # The sentence puts its own full stop after the reason ("… BLK).." otherwise).
    text = text.format(n=cert.number, p=sms_text.clip(program, sms_text.PROGRAM_TITLE), r=sms_text.reason(reason),
                       new=replacement.number if replacement else "")
    language = getattr(person.user, "preferred_language", "id") if person.user_id else "id"
    notifications.notify(person=person, topic=f"certificate.revoked.{cert.pk}", subject="Sertifikat Sisnaker",
                         text=text.en if language == "en" else text.id)


@transaction.atomic(durable=True)
def register_nik_search_record(*, actor: User, found: int) -> None:
    """A curator searched the national certificate register by a full NIK: who, when and whether a certificate
    matched (never the NIK itself), as for the residents list (UU PDP: a look-up of one person is recorded)."""
    require(actor, "certificate.register")
    audit.record(actor=actor, action=Audit.REGISTER_SEARCHED_BY_NIK, object_type="certification.certificate",
                 object_id="register", after={"found": found})
