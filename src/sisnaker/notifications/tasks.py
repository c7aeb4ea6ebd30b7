"""Background sending (django.tasks): one task per notification, enqueued after commit by ``notify``."""

from __future__ import annotations

from django.tasks import task


@task
def send_notification(*, notification_id: int) -> dict:
    """Send one queued notification; a missing or already handled one is skipped (safe to re-run)."""
    from .models import Notification
    from .services import deliver

    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return {"id": notification_id, "status": "missing"}
    notification = deliver(notification)
    return {"id": notification_id, "status": notification.status, "error": notification.error}
