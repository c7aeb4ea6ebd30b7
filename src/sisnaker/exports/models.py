"""An export asked for by a user and written by the background worker (docs/exports.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """One export: who asked, which source with which parameters, the format, how far the worker is, and the
    file it made (in the default storage: ``MEDIA_ROOT/exports/jobs/``, or S3). ``token`` (128 random bits) names
    it in URLs; only its requester is shown it or may download the file. The file may hold NIKs: it is kept
    ``KEEP_HOURS`` and then deleted by housekeeping (``services.exports_delete_expired``); a download after
    ``expires_at`` is refused even while the file is still there."""

    KEEP_HOURS = 24

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV (.csv)"

    class Status(models.TextChoices):
        QUEUED = "queued", _("menunggu giliran pekerja latar")
        RUNNING = "running", _("sedang berjalan")
        DONE = "done", _("selesai")
        REFUSED = "refused", _("ditolak")
        FAILED = "failed", _("gagal")

    token = models.CharField(max_length=32, unique=True)
    source = models.CharField(max_length=60)
    params = models.JSONField(default=dict)
    label = models.CharField(max_length=200, blank=True)  # what it is of (a program's title, a region's name)
    format = models.CharField(max_length=4, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)  # rows written
    expected = models.PositiveIntegerField(default=0)  # rows the source said it had
    nik_visible = models.BooleanField(default=False)  # whether the file holds full NIKs
    path = models.CharField(max_length=255, blank=True)  # the stored file
    file_name = models.CharField(max_length=150, blank=True)  # the name it downloads as
    size = models.PositiveBigIntegerField(default=0)
    error = models.JSONField(null=True, blank=True)  # a refusal or a failure: {code, id, en}
    task_id = models.CharField(max_length=64, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # when its stored file was deleted

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="export_job_format_known", condition=Q(format__in=["xlsx", "csv"])),
            models.CheckConstraint(name="export_job_status_known",
                                   condition=Q(status__in=["queued", "running", "done", "refused", "failed"])),
            models.CheckConstraint(name="export_job_expires_after_creation", condition=Q(expires_at__gt=F("created_at"))),
        ]
        indexes = [models.Index(fields=["created_by", "created_at"], name="export_job_requester_idx")]

    def __str__(self) -> str:
        return f"export {self.source} {self.token[:8]}…"

    def scope_user_id(self):
        return self.created_by_id

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        expected = max(self.expected, self.done)
        return int(self.done * 100 / expected) if expected else 0
