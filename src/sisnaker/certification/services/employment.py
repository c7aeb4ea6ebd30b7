"""The employment survey's reminders (survei kebekerjaan, issue 10): once a day, every alumnus whose survey
window is open (``domain.employment_window``: some days after graduation, for some days) and who has neither
filled it nor been reminded in this window gets one message with a personal link (purpose
``employment_survey``) that opens the survey on their phone without a password. Set-based: a fixed number of
queries whatever the number of alumni (one read of who is due, one bulk insert of links, notifications in
bulk, audit rows with ``record_many``). Run by the daily task (``tasks.send_employment_survey_reminders``) and
by ``sisnaker employmentreminders``; Sisnaker itself is the actor (no member of staff sends these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sisnaker.core import audit
from sisnaker.core.links import public_url
from sisnaker.core.models import AuditEvent
from sisnaker.notifications import services as notifications
from sisnaker.notifications import text as sms_text
from sisnaker.surveys import selectors as surveys
from sisnaker.surveys.domain import EMPLOYMENT_CODE
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import Enrollment

from .. import domain
from ..codes import Audit
from ..models import PersonalLink
from ..survey_rules import completed_on_expression, employment_days, employment_window
from . import links

TOPIC = "employment.survey"


@dataclass
class EmploymentReport:
    reminded: list[int] = field(default_factory=list)  # enrollment ids
    unreachable: int = 0
    already_today: int = 0

    def as_dict(self) -> dict:
        return {"reminded": len(self.reminded), "unreachable": self.unreachable, "already_today": self.already_today}


def due(*, today: dt.date) -> list[Enrollment]:
    """Alumni whose employment survey is open ``today``, not filled and not yet reminded (person, account and
    program loaded). One query."""
    opens_days, window_days = employment_days()
    earliest, latest = domain.employment_completed_on_range(today=today, opens_days=opens_days, window_days=window_days)
    completed = completed_on_expression()
    reminded = PersonalLink.objects.filter(enrollment_id=OuterRef("pk"), purpose=domain.LINK_PURPOSE_EMPLOYMENT,
                                           reason=domain.LINK_EMPLOYMENT)
    filled = surveys.responses_to(code=EMPLOYMENT_CODE).filter(enrollment_id=OuterRef("pk"))
    return list(
        Enrollment.objects.filter(state=E.GRADUATED, program__status=P.CLOSED)
        .annotate(completed_on=completed).filter(completed_on__gte=earliest, completed_on__lte=latest)
        .exclude(Exists(reminded)).exclude(Exists(filled))
        .select_related("person__user", "program").order_by("pk")
    )


def message(*, name: str, title: str, url: str, last: dt.date) -> tuple[str, str]:
    """Subject (e-mail) and SMS text (one SMS: first name, a shortened title, the link, the last day)."""
    first = sms_text.clip(domain.greeting_name(name), 12)
    hello = f"{first}, " if first else ""
    subject = f"Survei kebekerjaan: {title}"[:200]
    text = f"Sisnaker: {hello}isi survei kebekerjaan alumni \"{sms_text.clip(title, 22)}\": {url} (s.d. {last:%d/%m/%y})"
    return subject, text


def employment_reminders_send(*, now: dt.datetime | None = None, base_url: str = "") -> EmploymentReport:
    """Remind every alumnus whose employment survey is due (``due``), once per window, each with a new personal
    link; sent after commit; audited (each link, and the run)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    base_url = base_url or public_url() + "/"
    report = EmploymentReport()
    with transaction.atomic(durable=True):
        enrollments = due(today=today)
        reachable = []
        for e in enrollments:
            if notifications.recipients(e.person):
                reachable.append(e)
            else:
                report.unreachable += 1
        done = notifications.notified_today(person_ids=[e.person_id for e in reachable], topics=[TOPIC], now=now)
        todo = [e for e in reachable if (e.person_id, TOPIC) not in done]
        report.already_today = len(reachable) - len(todo)
        issued = links.issue_many(actor=None, wanted=[(e, e.person.full_name, domain.LINK_EMPLOYMENT) for e in todo],
                                  base_url=base_url, now=now, purpose=domain.LINK_PURPOSE_EMPLOYMENT)
        outgoing = []
        for e, link in zip(todo, issued, strict=True):
            subject, text = message(name=e.person.full_name, title=e.program.title, url=link.url,
                                    last=employment_window(e, completed=e.completed_on).last)
            outgoing.append(notifications.Outgoing(person_id=e.person_id, topic=TOPIC, subject=subject, text=text, secret=link.token))
        sent_to = {n.person_id for n in notifications.notify_each(messages=outgoing, now=now)}
        sent = [i for i in issued if i.enrollment.person_id in sent_to]
        links.revoke_unsent(actor=None, issued=[i for i in issued if i.enrollment.person_id not in sent_to], now=now)
        links.audit_issued(actor=None, issued=sent, now=now)
        report.reminded = [i.enrollment.pk for i in sent]
        audit.record(actor=None, action=Audit.EMPLOYMENT_REMINDERS_SENT, object_type="certification.employment_survey", at=now,
                     after={"reminded": report.reminded, "unreachable": report.unreachable,
                            "already_today": report.already_today, "day": today.isoformat()})
    return report


def ran_today(*, now: dt.datetime) -> bool:
    """Whether the day's reminders already ran (their audit row): the daily schedule queues them once."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return AuditEvent.objects.filter(action=Audit.EMPLOYMENT_REMINDERS_SENT, at__gte=start).exists()
