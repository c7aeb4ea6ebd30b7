"""The append-only audit trail: who did what to which object, before → after, when, from where."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One state change. Rows are never updated nor deleted (database triggers refuse it)."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept even if the account is renamed: what the actor was called when acting.
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx")]
        verbose_name = "audit event"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.action} {self.object_type}#{self.object_id}"


class ApiToken(models.Model):
    """A bearer token for staff scripts (``Authorization: Bearer snk_…``). Only the SHA-256 of the
    secret is stored; the secret is shown once, when the token is created (``sisnaker apitoken``).
    ``prefix`` (the secret's first characters) identifies a token in lists without revealing it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RateCounter(models.Model):
    """Events counted per key and fixed time window (``core.ratelimit``)."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # epoch seconds, a multiple of window_seconds
    window_seconds = models.IntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start", "window_seconds"], name="ratecounter_unique_window"),
        ]
        indexes = [models.Index(fields=["window_start"], name="ratecounter_window_idx")]

    def __str__(self) -> str:
        return f"{self.key} @{self.window_start}: {self.count}"


class WorkerBeat(models.Model):
    """A running ``sisnaker worker``'s heartbeat (core.worker). A task left RUNNING by a worker whose beat
    stopped (killed with -9, its machine lost) is abandoned: another worker puts it back in the queue or,
    after too many attempts, marks it failed."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class PendingFile(models.Model):
    """A file written to the storage ahead of the transaction that will refer to it (an AK/1 photo): this row is
    committed before the file is written and deleted by that transaction (``storedfiles.WrittenAhead``). A row
    older than ``storedfiles.PENDING_GRACE`` belongs to a transaction that never committed, its process killed
    between the file and the COMMIT: housekeeping deletes the file (``storedfiles.pending_files_delete``)."""

    path = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.path} (since {self.created_at:%Y-%m-%d %H:%M})"
