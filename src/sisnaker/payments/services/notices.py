"""Telling alumni about their incentive: when it becomes due, when it is paid, when a transfer fails or the
bank returns it. The services that cause these events call ``tell_after_commit`` with the ids of what
happened; after their transaction commits, a background task (``payments.tasks.tell``) writes the messages
set-based through notifications (SMS, WhatsApp, e-mail, whichever the person can be reached at), once per
event: the topic names the event's object (``domain.notice_topic``) and a topic already used is skipped.
Training fees are not told here (an institution is not a person)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sisnaker.core.links import absolute
from sisnaker.core.tasks import enqueue_with_transaction
from sisnaker.notifications import services as notifications
from sisnaker.notifications.models import Notification

from .. import domain
from ..models import BatchLine, Payable, PayoutAccount

CHUNK = 2000


def channels() -> tuple[str, ...]:
    """The channels alumni are told on (``SISNAKER_PAYMENT_NOTICE_CHANNELS``, default SMS and e-mail; add
    ``"whatsapp"`` where a WhatsApp gateway is configured); each person gets those they can be reached at."""
    return tuple(getattr(settings, "SISNAKER_PAYMENT_NOTICE_CHANNELS", ("sms", "email")))


def tell_after_commit(event: str, ids: list[int]) -> None:
    """Queue the messages of ``event`` for ``ids`` (payables for due/paid, batch lines for failed, ledger lines
    for returned) with the caller's transaction (``enqueue_with_transaction``): they go out once it commits, a
    rolled-back change tells nobody, and a crash after the COMMIT loses none."""
    if not ids:
        return
    from ..tasks import tell

    for start in range(0, len(ids), CHUNK):
        enqueue_with_transaction(tell, event=str(event), ids=list(ids[start:start + CHUNK]))


@dataclass(frozen=True, slots=True)
class _Event:
    object_id: int
    person_id: int
    amount: int
    program: str
    reason: str
    paid_at: dt.datetime | None


def _events(event: str, ids: list[int]) -> list[_Event]:
    incentive = {"kind__in": domain.PERSON_INCENTIVE_KINDS}
    if event in (domain.Notice.DUE, domain.Notice.PAID):
        # Told only while still true when the task runs (a paid message for a paid payable...).
        now_in = [domain.PayableStatus.PAID] if event == domain.Notice.PAID else [domain.PayableStatus.DUE, domain.PayableStatus.IN_BATCH]
        rows = (Payable.objects.filter(pk__in=ids, status__in=now_in, **incentive)
                .values_list("pk", "person_id", "amount", "program__title", "last_failure", "paid_at"))
        return [_Event(pk, person, amount, title, "", paid_at) for pk, person, amount, title, _reason, paid_at in rows]
    if event == domain.Notice.FAILED:
        rows = (BatchLine.objects.filter(pk__in=ids, **{f"payable__{k}": v for k, v in incentive.items()})
                .values_list("pk", "payable__person_id", "amount", "payable__program__title", "failure_reason"))
        return [_Event(pk, person, amount, title, reason, None) for pk, person, amount, title, reason in rows]
    if event == domain.Notice.RETURNED:
        from ..models import LedgerLine

        rows = (LedgerLine.objects.filter(pk__in=ids, **{f"payable__{k}": v for k, v in incentive.items()})
                .values_list("pk", "payable__person_id", "payable__amount", "payable__program__title", "payable__last_failure"))
        return [_Event(pk, person, amount, title, reason, None) for pk, person, amount, title, reason in rows]
    raise ValueError(f"unknown notice {event!r}")


def tell(*, event: str, ids: list[int], now: dt.datetime | None = None) -> int:
    """Write the messages of ``event`` for ``ids`` (see ``tell_after_commit``); returns how many people were
    told. A fixed number of queries per call: the events, the topics already used, the people's accounts,
    then ``notifications.notify_each``."""
    now = now or timezone.now()
    events = _events(event, ids)
    if not events:
        return 0
    topics = {domain.notice_topic(event, e.object_id): e for e in events}
    used = set(Notification.objects.filter(topic__in=list(topics)).values_list("topic", flat=True))
    todo = {t: e for t, e in topics.items() if t not in used}
    verified = set(PayoutAccount.objects.filter(person_id__in={e.person_id for e in todo.values()}, is_current=True,
                                                status=domain.PayoutStatus.VERIFIED).values_list("person_id", flat=True))
    mine_url, account_url = absolute(reverse("payments:mine")), absolute(reverse("payments:account"))
    outgoing = []
    for topic, e in todo.items():
        paid_on = timezone.localdate(e.paid_at) if e.paid_at else None
        subject, text = domain.incentive_notice(event, amount=e.amount, program=e.program, reason=e.reason, paid_on=paid_on,
                                                account_ok=e.person_id in verified, mine_url=mine_url, account_url=account_url)
        outgoing.append(notifications.Outgoing(person_id=e.person_id, topic=topic, subject=subject, text=text))
    sent = notifications.notify_each(messages=outgoing, channels=channels(), now=now)
    return len({n.person_id for n in sent})
