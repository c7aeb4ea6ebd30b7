"""A person's requests about their personal data, answered by the data-protection officer (``domain``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .domain import Kind, Status


class PrivacyRequest(models.Model):
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="privacy_requests")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    details = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="privacy_answers")

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="privacy_queue_idx")]
        constraints = [
            models.CheckConstraint(name="privacy_request_kind_known", condition=Q(kind__in=Kind.values)),
            models.CheckConstraint(name="privacy_request_status_known", condition=Q(status__in=Status.values)),
            # An open request has no answer; an answered one has its answer, its time and who gave it.
            models.CheckConstraint(name="privacy_request_answered_whole", condition=(
                Q(status=Status.OPEN, answered_at__isnull=True, answered_by__isnull=True)
                | (~Q(status=Status.OPEN) & Q(answered_at__isnull=False, answered_by__isnull=False) & ~Q(answer="")))),
            models.CheckConstraint(name="privacy_request_due_after_submitted", condition=Q(due_at__gt=models.F("submitted_at"))),
            # One open request of each kind per person: a second one (a double tap, two tabs) would only queue the same
            # work twice for the officer. The service refuses it and names the open one; this holds under any race.
            models.UniqueConstraint(fields=["person", "kind"], condition=Q(status=Status.OPEN),
                                    name="privacy_request_one_open_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
