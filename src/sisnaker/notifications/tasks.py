"""Background sending (django.tasks): one task per notification, enqueued after commit by ``notify``, and
batches from ``notify_many``. ``deliver`` sends one notification now and records the outcome."""

from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone

from .gateways import get_gateway
from .models import Notification


def deliver(notification: Notification) -> Notification:
    """Send one queued notification now and record the outcome (sent, or failed with the error). Only
    the status is written back: a body changed in memory (a one-time code) is sent, never saved."""
    if notification.status != Notification.Status.QUEUED:
        return notification
    try:
        if notification.channel == Notification.Channel.EMAIL:
            send_mail(notification.subject or "Sisnaker", notification.body, None, [notification.recipient])
        else:
            get_gateway(notification.channel).send(to=notification.recipient, text=notification.body)
    except Exception as exc:  # any provider failure is recorded, never raised at the user
        notification.status = Notification.Status.FAILED
        notification.error = f"{type(exc).__name__}: {exc}"[:2000]
        Notification.objects.filter(pk=notification.pk).update(status=notification.status, error=notification.error)
    else:
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.error = ""
        Notification.objects.filter(pk=notification.pk).update(status=notification.status, sent_at=notification.sent_at, error="")
    return notification


@task
def send_notification(*, notification_id: int) -> dict:
    """Send one queued notification; a missing or already handled one is skipped (safe to re-run)."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return {"id": notification_id, "status": "missing"}
    notification = deliver(notification)
    return {"id": notification_id, "status": notification.status, "error": notification.error}


@task
def send_notifications(*, notification_ids: list[int]) -> dict:
    """Send queued notifications (a batch from ``notify_many``); ones already handled are skipped."""
    statuses: dict[str, int] = {}
    for notification in Notification.objects.filter(pk__in=notification_ids, status=Notification.Status.QUEUED):
        status = deliver(notification).status
        statuses[status] = statuses.get(status, 0) + 1
    return statuses
