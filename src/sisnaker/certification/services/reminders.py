"""Reminders from the readiness board, each with a personal link (``links``): every participant who still
has a step of their own to do (the review, the work-readiness survey) gets one message naming those steps,
every participant whose certificate exists gets a "certificate ready" message, and every one assessed not yet
competent or not passed gets their result (with the review and survey they may still write, no certificate
promised); at most once a day per program and kind of message. The link opens their steps without a password (no account needed: people added by an import have
none). Sent after commit through the notifications task (``notifications.services``), audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.errors import Msg
from sisnaker.core.links import public_url
from sisnaker.core.permissions import require
from sisnaker.core.tasks import enqueue_with_transaction
from sisnaker.notifications import services as notifications
from sisnaker.notifications import text as sms_text
from sisnaker.training.models import Program

from .. import domain, tasks
from ..codes import Audit
from ..selectors.readiness import Row, readiness_for_enrollments, readiness_for_program
from . import links


def reminder_topic(program: Program) -> str:
    return f"certificate.reminder.{program.pk}"


def ready_topic(program: Program) -> str:
    return f"certificate.ready.{program.pk}"


def result_topic(program: Program) -> str:
    return f"training.result.{program.pk}"


@dataclass
class ReminderReport:
    reminded: list[str] = field(default_factory=list)  # names
    certificate_ready: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)  # not yet competent / not passed: their result and own steps
    already_today: list[str] = field(default_factory=list)
    waiting_for_instructor: list[str] = field(default_factory=list)  # nothing the participant can do
    unreachable: list[str] = field(default_factory=list)  # no e-mail, no phone

    @property
    def sent(self) -> int:
        return len(self.reminded) + len(self.certificate_ready) + len(self.results)

    @property
    def message(self) -> Msg:
        parts = [Msg("Tautan pribadi terkirim ke {n} peserta.", "Personal links sent to {n} participant(s).").format(n=self.sent)]
        if self.sent:
            parts.append(Msg("({r} pengingat, {c} sertifikat siap, {h} hasil belum kompeten.)",
                             "({r} reminder(s), {c} certificate(s) ready, {h} not-yet-competent result(s).)")
                         .format(r=len(self.reminded), c=len(self.certificate_ready), h=len(self.results)))
        if self.unreachable:
            parts.append(Msg("{n} tidak dapat dihubungi (tanpa e-mail/nomor HP): {names}. Cetak kode QR untuk mereka.",
                             "{n} not reachable (no e-mail/phone): {names}. Print QR codes for them.")
                         .format(n=len(self.unreachable), names=", ".join(self.unreachable[:10])))
        if self.already_today:
            parts.append(Msg("{n} sudah dikirimi hari ini.", "{n} already sent today.").format(n=len(self.already_today)))
        if self.waiting_for_instructor:
            parts.append(Msg("{n} hanya menunggu penilaian instruktur.", "{n} only wait for the instructor's assessment.")
                         .format(n=len(self.waiting_for_instructor)))
        return Msg(" ".join(p.id for p in parts), " ".join(p.en for p in parts))


STEP_WORDS = {"reviewed": "ulasan", "survey": "survei"}


def link_message(*, purpose: str, name: str, program: Program, todo: list[str], url: str,
                 expires_at: dt.datetime) -> tuple[str, str]:
    """Subject (e-mail) and text of a message carrying a personal link. The text fits one SMS (160 GSM
    characters) with a link of up to 60 characters: the first name, a shortened title, the steps, the link
    and its expiry; nothing else of the person."""
    first = sms_text.clip(domain.greeting_name(name), 12)
    hello = f"{first}, " if first else ""
    title = sms_text.clip(program.title, 22)
    until = timezone.localtime(expires_at).strftime("%d/%m/%y")
    if purpose == domain.LINK_CERTIFICATE_READY:
        subject = f"Sertifikat Anda sudah terbit: {program.title}"[:200]
        text = f"Sisnaker: {hello}sertifikat \"{title}\" sudah terbit. Unduh: {url} (s.d. {until})"
    elif purpose == domain.LINK_RESULT:  # no certificate is promised: the result, and the steps still open
        subject = f"Hasil pelatihan: {program.title}"[:200]
        steps = " & isi " + "/".join(STEP_WORDS[s] for s in todo) if todo else ""
        text = f"Sisnaker: {hello}lihat hasil \"{title}\"{steps}: {url} (s.d. {until})"
    else:
        steps = " & ".join(STEP_WORDS[s] for s in todo)
        subject = f"Pengingat sertifikat: {program.title}"[:200]
        text = f"Sisnaker: {hello}isi {steps} utk sertifikat \"{title}\": {url} (s.d. {until})"
    return subject, text


def _topic(program: Program, purpose: str) -> str:
    return {domain.LINK_CERTIFICATE_READY: ready_topic, domain.LINK_RESULT: result_topic}.get(purpose, reminder_topic)(program)


def _send(*, actor: User, program: Program, wanted: list[tuple[Row, str]], base_url: str, now: dt.datetime,
          report: ReminderReport) -> list[links.IssuedLink]:
    """Send a personal link to each ``(row, purpose)`` that can be reached and did not get that message today,
    noting each in ``report``. Set-based: a fixed number of queries whatever the number of participants (who
    got what today, one revocation, one bulk insert of links, one of notifications). Runs inside the caller's
    transaction, which holds the program's row locked so that two sends never both pass the daily check."""
    reachable = []
    for r, purpose in wanted:
        if notifications.recipients(r.enrollment.person):
            reachable.append((r, purpose))
        else:
            report.unreachable.append(r.name)
    done = notifications.notified_today(person_ids=[r.enrollment.person_id for r, _ in reachable],
                                        topics={_topic(program, p) for _, p in reachable}, now=now)
    todo = []
    for r, purpose in reachable:
        if (r.enrollment.person_id, _topic(program, purpose)) in done:
            report.already_today.append(r.name)
        else:
            todo.append((r, purpose))
    issued = links.issue_many(actor=actor, wanted=[(r.enrollment, r.name, purpose) for r, purpose in todo], base_url=base_url, now=now)
    outgoing = []
    for (r, purpose), link in zip(todo, issued, strict=True):
        subject, text = link_message(purpose=purpose, name=r.name, program=program, todo=domain.own_todo(domain.steps(r.readiness)),
                                     url=link.url, expires_at=link.expires_at)
        outgoing.append(notifications.Outgoing(person_id=r.enrollment.person_id, topic=_topic(program, purpose), subject=subject,
                                               text=text, secret=link.token))
    sent_to = {n.person_id for n in notifications.notify_each(messages=outgoing, now=now)}
    sent, unsent = [], []
    for (r, purpose), link in zip(todo, issued, strict=True):
        if r.enrollment.person_id in sent_to:
            sent.append(link)
            {domain.LINK_CERTIFICATE_READY: report.certificate_ready, domain.LINK_RESULT: report.results}.get(
                purpose, report.reminded).append(r.name)
        else:  # not sent after all: this link must not work
            unsent.append(link)
            report.already_today.append(r.name)
    links.revoke_unsent(actor=actor, issued=unsent, now=now)
    links.audit_issued(actor=actor, issued=sent, now=now)
    return sent


def _lock(program: Program) -> None:
    """Serialise the sends of one program (the board's button pressed twice, an issue at the same moment)."""
    Program.objects.select_for_update().filter(pk=program.pk).values_list("pk", flat=True).first()


def send_reminders(*, actor: User, program: Program, base_url: str = "", now: dt.datetime | None = None) -> ReminderReport:
    """Send a personal link to every participant of ``program`` who still has their own steps to do
    (review, readiness survey) and to every one whose certificate exists, once a day per program. Each
    gets a new link (the previous one stops working); the token goes only into the message, sealed until
    the notifications task sends it. Sent after commit; audited (the batch, and each link). A fixed number of
    queries whatever the size of the class."""
    now = now or timezone.now()
    report = ReminderReport()
    with transaction.atomic(durable=True):
        require(actor, "personal_link.send", program)
        _lock(program)
        wanted = []
        for r in readiness_for_program(program=program, states=domain.LINK_STATES):
            purpose = domain.link_purpose_for(r.readiness)
            if purpose is None:
                if not r.readiness.assessed and not domain.own_todo(domain.steps(r.readiness)):
                    report.waiting_for_instructor.append(r.name)
                continue
            wanted.append((r, purpose))
        sent = _send(actor=actor, program=program, wanted=wanted, base_url=base_url, now=now, report=report)
        by_purpose: dict[str, list[int]] = {}
        for link in sent:
            by_purpose.setdefault(link.purpose, []).append(link.enrollment.pk)
        audit.record(actor=actor, action=Audit.REMINDERS_SENT, obj=program, at=now,
                     after={"reminded": by_purpose.get(domain.LINK_REMINDER, []),
                            "certificate_ready": by_purpose.get(domain.LINK_CERTIFICATE_READY, []),
                            "results": by_purpose.get(domain.LINK_RESULT, []),
                            "already_today": len(report.already_today),
                            "waiting_for_instructor": len(report.waiting_for_instructor),
                            "unreachable": len(report.unreachable)})
    return report


# A class of more participants than this is sent its links by the worker: the links, their sealed messages and audit
# rows of 96,000 participants took 70 s, past a request's timeout.
LINKS_INLINE_MAX = 2000


def link_audience(*, program: Program) -> int:
    """How many participants the board's links could go to (from the program's maintained counters)."""
    counts = program.state_counts
    return sum(counts.get(state, 0) for state in domain.LINK_STATES)


@dataclass(frozen=True)
class RemindersQueued:
    """``send_reminders_start`` queued the send: ``audience`` participants at most."""

    audience: int

    @property
    def message(self) -> Msg:
        return Msg("Tautan pribadi sedang dikirim di latar ke paling banyak {n} peserta; jumlah yang terkirim tercatat di "
                   "riwayat program.",
                   "Personal links are being sent in the background to at most {n} participants; how many were sent is "
                   "recorded in the program's history.").format(n=self.audience)


def send_reminders_start(*, actor: User, program: Program, base_url: str = "") -> ReminderReport | RemindersQueued:
    """The board's "Kirim tautan pribadi": ``send_reminders`` at once for a class of up to ``LINKS_INLINE_MAX``
    participants, else queued for the worker (``tasks.send_personal_links``) with the same rules, after the same
    permission check."""
    audience = link_audience(program=program)
    if audience <= LINKS_INLINE_MAX:
        return send_reminders(actor=actor, program=program, base_url=base_url)
    with transaction.atomic(durable=True):
        require(actor, "personal_link.send", program)
        audit.record(actor=actor, action=Audit.REMINDERS_QUEUED, obj=program, after={"participants": audience})
        enqueue_with_transaction(tasks.send_personal_links, program_id=program.pk, actor_id=actor.pk,
                                 base_url=base_url or public_url() + "/")
    return RemindersQueued(audience=audience)


def send_certificate_ready(*, actor: User, program_id: int, enrollment_ids: list[int], base_url: str = "",
                           now: dt.datetime | None = None) -> ReminderReport:
    """"Sertifikat Anda sudah terbit", each message with a personal link (purpose certificate_ready), to the
    holders of certificates just issued (``enrollment_ids`` of program ``program_id``): what issuing runs once
    its certificates are committed (one issue, or "issue all eligible" at its end). Set-based, once a day per
    program like the board's messages, so pressing "Kirim tautan pribadi" afterwards does not send it again.
    The caller already checked ``certificate.issue``; audited (the batch, and each link)."""
    now = now or timezone.now()
    base_url = base_url or public_url() + "/"  # a message leaves the site: its link is absolute
    report = ReminderReport()
    with transaction.atomic(durable=True):
        program = Program.objects.select_for_update().filter(pk=program_id).first()  # as ``_lock``: one send at a time
        if program is None:
            return report
        rows = readiness_for_enrollments(enrollment_ids=enrollment_ids).values()
        wanted = [(r, domain.LINK_CERTIFICATE_READY) for r in sorted(rows, key=lambda r: (r.name, r.enrollment.pk))
                  # Revoked meanwhile (between the issue and this task): nothing to announce.
                  if r.enrollment.program_id == program.pk and r.readiness.certified and not r.certificate_revoked]
        sent = _send(actor=actor, program=program, wanted=wanted, base_url=base_url, now=now, report=report)
        if wanted:
            audit.record(actor=actor, action=Audit.CERTIFICATE_READY_SENT, obj=program, at=now,
                         after={"certificate_ready": [link.enrollment.pk for link in sent],
                                "already_today": len(report.already_today), "unreachable": len(report.unreachable)})
    return report


def announce_with_transaction(*, actor: User, program_id: int, enrollment_ids: list[int], base_url: str = "") -> None:
    """Queue ``send_certificate_ready`` (the task ``tasks.announce_certificates_ready``) with the issuing transaction:
    it runs once the certificates are committed, and a server killed right after that COMMIT does not lose it (with
    the database backend the task's row commits with them). A message that cannot be prepared never undoes or fails
    an issue: the task fails, logged, and the board's "Kirim tautan pribadi" sends it later."""
    if enrollment_ids:
        enqueue_with_transaction(tasks.announce_certificates_ready, program_id=program_id, enrollment_ids=list(enrollment_ids),
                                 actor_id=actor.pk, base_url=base_url)
