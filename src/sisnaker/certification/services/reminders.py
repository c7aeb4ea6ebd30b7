"""Reminders from the readiness board: every participant who still has a step of their own to do (the
review, the work-readiness survey) gets one message listing exactly those steps with their links, at
most once a day per program. Sent after commit (``notifications.services``), audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core import audit
from sisnaker.core.errors import Msg
from sisnaker.core.permissions import require
from sisnaker.notifications import services as notifications
from sisnaker.surveys.domain import READINESS_CODE
from sisnaker.training.models import Program

from .. import domain
from ..codes import Audit
from ..selectors.readiness import readiness_for_program


def reminder_topic(program: Program) -> str:
    return f"certificate.reminder.{program.pk}"


@dataclass
class ReminderReport:
    reminded: list[str] = field(default_factory=list)  # names
    already_today: list[str] = field(default_factory=list)
    waiting_for_instructor: list[str] = field(default_factory=list)  # nothing the participant can do
    unreachable: list[str] = field(default_factory=list)  # no e-mail, no phone

    @property
    def message(self) -> Msg:
        parts = [Msg("{n} peserta diingatkan.", "{n} participant(s) reminded.").format(n=len(self.reminded))]
        if self.already_today:
            parts.append(Msg("{n} sudah diingatkan hari ini.", "{n} already reminded today.").format(n=len(self.already_today)))
        if self.waiting_for_instructor:
            parts.append(Msg("{n} hanya menunggu penilaian instruktur.", "{n} only wait for the instructor's assessment.")
                         .format(n=len(self.waiting_for_instructor)))
        if self.unreachable:
            parts.append(Msg("{n} tanpa e-mail/nomor HP: {names}.", "{n} without e-mail/phone: {names}.")
                         .format(n=len(self.unreachable), names=", ".join(self.unreachable[:10])))
        return Msg(" ".join(p.id for p in parts), " ".join(p.en for p in parts))


def _url(base_url: str, name: str, **kwargs) -> str:
    return base_url.rstrip("/") + reverse(name, kwargs=kwargs)


def reminder_text(*, name: str, program: Program, enrollment_id: int, todo: list[str], base_url: str) -> tuple[str, str]:
    """Subject and body of one participant's reminder: only their own missing steps, each with its link."""
    lines = []
    if "reviewed" in todo:
        lines.append(f"- Beri penilaian (1–5) dan ulasan pelatihan: {_url(base_url, 'certification:review', enrollment_id=enrollment_id)}")
    if "survey" in todo:
        lines.append(f"- Isi survei kesiapan kerja: "
                     f"{_url(base_url, 'surveys:fill', code=READINESS_CODE, enrollment_id=enrollment_id)}")
    institution = program.institution.name
    subject = f"Pengingat sertifikat: {program.title}"[:200]
    body = (
        f"Halo {name},\n\n"
        f"Sertifikat pelatihan \"{program.title}\" ({institution}) baru dapat diterbitkan setelah Anda menyelesaikan "
        f"langkah berikut:\n" + "\n".join(lines) + "\n\n"
        f"Masuk ke Sisnaker dengan akun Anda untuk mengisinya. Terima kasih.\n{institution}"
    )
    return subject, body


def send_reminders(*, actor: User, program: Program, base_url: str = "", now: dt.datetime | None = None) -> ReminderReport:
    """Remind every participant who still has a step of their own to do (review, readiness survey), once a
    day per program, listing exactly their steps with links. Sent after commit (notifications.services)."""
    now = now or timezone.now()
    report = ReminderReport()
    reminded_ids = []
    topic = reminder_topic(program)
    with transaction.atomic(durable=True):
        require(actor, "program.manage", program)
        rows = [r for r in readiness_for_program(program=program)
                if r.enrollment.state in domain.CERTIFIABLE_STATES and not r.readiness.certified]
        for r in rows:
            steps = domain.steps(r.readiness)
            todo = domain.own_todo(steps)
            if not todo:
                if not steps["assessed"]:
                    report.waiting_for_instructor.append(r.name)
                continue
            person = r.enrollment.person
            if not notifications.recipients(person):
                report.unreachable.append(r.name)
                continue
            if notifications.already_notified(person=person, topic=topic, now=now):
                report.already_today.append(r.name)
                continue
            subject, body = reminder_text(name=r.name, program=program, enrollment_id=r.enrollment.pk, todo=todo,
                                          base_url=base_url)
            if notifications.notify(person=person, topic=topic, subject=subject, text=body, now=now):
                report.reminded.append(r.name)
                reminded_ids.append(r.enrollment.pk)
            else:
                report.already_today.append(r.name)
        audit.record(actor=actor, action=Audit.REMINDERS_SENT, obj=program, at=now,
                     after={"reminded": reminded_ids, "already_today": len(report.already_today),
                            "waiting_for_instructor": len(report.waiting_for_instructor),
                            "unreachable": len(report.unreachable)})
    return report
