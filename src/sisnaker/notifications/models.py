"""Every message Sisnaker sends (e-mail, SMS, WhatsApp), with its delivery status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Antre")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")  # the provider refused it or could not be reached
        # Called back before delivery because it was no longer true (``services.notifications_withdraw``): not a
        # delivery failure, and not counted as one.
        WITHDRAWN = "withdrawn", _("Ditarik")

    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Indexed with its topic and time (``notification_person_topic_idx``), not alone: "did this person get this topic
    # today" is asked for thousands of people at once, and the index of the topic alone made PostgreSQL walk every
    # message of a topic sent to a program's 100,000 applicants, once per 2,000 of them.
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="notifications",
                               db_index=False)
    recipient = models.CharField(max_length=200)  # e-mail address or +62 number
    topic = models.CharField(max_length=60)  # e.g. "certificate.reminder"
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # A secret the message carries (a personal link's token), encrypted (core.crypto) until the message is
    # delivered, then erased; ``body`` keeps it blanked (``SECRET_MASK``), so no secret is stored in clear.
    sealed = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the retention period (``SISNAKER_NOTIFICATION_KEEP_DAYS``) erased the message's address, subject,
    # text and error (``services.notifications_erase_old``): the row stays as the record that a message of this
    # topic went to this person on this channel, which reminders use to send each one only once.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["topic", "created_at"], name="notification_topic_idx"),
                   models.Index(fields=["person", "topic", "created_at"], name="notification_person_topic_idx"),
                   models.Index(fields=["created_at"], condition=models.Q(erased_at__isnull=True),
                                name="notification_to_erase_idx")]

    def __str__(self) -> str:
        return f"{self.channel} {self.topic} → {self.recipient}"
