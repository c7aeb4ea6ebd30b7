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
from sisnaker.institutions.models import Institution
from sisnaker.notifications import services as notifications
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
        locked = Enrollment.objects.select_for_update(of=("self",)).select_related(
            "program", "program__institution__regency__province", "person").filter(pk=pk).first()
        if locked is None:
            raise NotFound(Msg("Pendaftaran pelatihan tidak ditemukan.", "Enrollment not found."), code=TrainingCode.ENROLLMENT_NOT_FOUND)
        program = locked.program
        require(actor, "certificate.issue", program)
        # Read in this transaction: an institution suspended a moment ago issues nothing more.
        _require_approved(program.institution)
        row = readiness_of_loaded(locked)
        if row.readiness.certified:
            raise Conflict(Msg("Sertifikat {n} sudah diterbitkan untuk peserta ini.",
                               "Certificate {n} was already issued for this participant.").format(n=row.certificate_number),
                           code=Code.CERTIFICATE_ALREADY_ISSUED, details={"number": row.certificate_number})
        if not row.readiness.eligible:
            raise _not_ready(row.missing)
        _require_completed(program, now)  # ready, but the training is not over: no certificate dated in the future
        institution = program.institution
        year = timezone.localtime(now).year
        sequence = _next_sequence(institution_id=institution.pk, year=year)
        number = domain.certificate_number(registry_number=institution.registry_number, year=year, sequence=sequence)
        verification_id = new_verification_id()
        dated = completion_date(locked)  # the training's completion, not this click
        payload = domain.canonical_payload(build_fields(
            enrollment=locked, number=number, verification_id=verification_id, year=year, sequence=sequence,
            issued_at=now, issued_by=actor, certificate_date=dated))
        signature, key_id = signing.sign(payload)
        certificate = Certificate.objects.create(
            enrollment=locked, number=number, institution=institution, year=year, sequence=sequence,
            verification_id=verification_id, payload=payload, signature=signature, key_id=key_id,
            issued_at=now, issued_by=actor,
        )
        audit.record(actor=actor, action=Audit.CERTIFICATE_ISSUED, obj=certificate, at=now,
                     after={"number": number, "enrollment": locked.pk, "program": program.pk, "key_id": key_id,
                            "certificate_date": dated.isoformat()})
        if announce:
            reminders.announce_after_commit(actor=actor, program_id=program.pk, enrollment_ids=[locked.pk], base_url=base_url)
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
    reminders.announce_after_commit(actor=actor, program_id=program.pk, enrollment_ids=issued_ids, base_url=base_url)
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

        def enqueue() -> None:
            started.result = tasks.issue_all_eligible.enqueue(program_id=program.pk, actor_id=actor.pk, total=started.total,
                                                              since=started.since.isoformat(), base_url=base_url)

        # robust: a queue that cannot be reached leaves ``result`` None (the page says so), never a 500
        # after the request was recorded.
        transaction.on_commit(enqueue, robust=True)
    return started


# --- revoke --------------------------------------------------------------------------------------

def certificate_revoke(*, actor: User, certificate: Certificate | int, reason: str, now: dt.datetime) -> Certificate:
    """Revoke with a reason (required). The row is kept: verifiers see "revoked", never "not found"."""
    pk = certificate if isinstance(certificate, int) else certificate.pk
    reason = " ".join((reason or "").split())
    with transaction.atomic(durable=True):
        cert = Certificate.objects.select_for_update().filter(pk=pk).first()
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
            raise Conflict(Msg("Sertifikat ini sudah dicabut pada {d}.", "This certificate was already revoked on {d}.").format(
                d=domain.format_date_id(timezone.localtime(cert.revoked_at).date())), code=Code.CERTIFICATE_ALREADY_REVOKED)
        cert.revoked_at, cert.revoked_by, cert.revoke_reason = now, actor, reason
        cert.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        # "Sertifikat Anda sudah terbit" still waiting in the queue would tell the holder the opposite of the truth.
        withdrawn = notifications.notifications_withdraw(
            person_ids=[cert.enrollment.person_id], topics=[reminders.ready_topic(cert.enrollment.program)], reason="sertifikat dicabut")
        audit.record(actor=actor, action=Audit.CERTIFICATE_REVOKED, obj=cert, at=now, reason=reason,
                     before={"revoked_at": None}, after={"revoked_at": now, "reason": reason, "messages_withdrawn": withdrawn})
    return cert
