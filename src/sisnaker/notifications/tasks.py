"""Background sending (django.tasks): one task per notification, enqueued after commit by ``notify``, and
batches from ``notify_many``. ``deliver`` sends one notification now and records the outcome."""

from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone

from sisnaker.core import crypto

from .gateways import get_gateway
from .models import Notification

# What replaces a secret in a stored message body (``services.seal``), one per character of the secret.
SECRET_MASK = "•"


def _unseal(notification: Notification) -> str:
    """The text to send: the stored body, with its sealed secret (if any) put back."""
    if not notification.sealed:
        return notification.body
    secret = crypto.decrypt(notification.sealed)
    return notification.body.replace(SECRET_MASK * len(secret), secret)


def deliver(notification: Notification) -> Notification:
    """Send one queued notification now and record the outcome (sent, or failed with the error). Only
    the status is written back: a body changed in memory (a one-time code) is sent, never saved. A sealed
    secret (a personal link's token) is decrypted into the text sent, then erased whatever the outcome."""
    if notification.status != Notification.Status.QUEUED:
        return notification
    try:
        text = _unseal(notification)
        if notification.channel == Notification.Channel.EMAIL:
            send_mail(notification.subject or "Sisnaker", text, None, [notification.recipient])
        else:
            get_gateway(notification.channel).send(to=notification.recipient, text=text)
    except Exception as exc:  # any provider failure is recorded, never raised at the user
        notification.status = Notification.Status.FAILED
        notification.error = f"{type(exc).__name__}: {exc}"[:2000]
        notification.sealed = ""
        Notification.objects.filter(pk=notification.pk).update(status=notification.status, error=notification.error, sealed="")
    else:
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.error = ""
        notification.sealed = ""
        Notification.objects.filter(pk=notification.pk).update(status=notification.status, sent_at=notification.sent_at, error="",
                                                                sealed="")
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


@task
def tell_people_later(*, topic: str, groups: list[dict], at: str, channels: list[str], while_true: dict | None = None) -> dict:
    """``services.tell_people`` for an audience too large to write in the request that caused the message: run
    after that change committed. Safe to re-run (a worker killed half-way), even days later: whom it told from the
    change's day on is skipped. ``while_true``: it stops once the news is no longer true (``services.tell_people``)."""
    import datetime as dt

    from . import services  # it imports this module

    written = services.tell_groups(topic=topic, groups=groups, at=dt.datetime.fromisoformat(at), channels=channels,
                                   while_true=while_true)
    return {"notifications": written}
