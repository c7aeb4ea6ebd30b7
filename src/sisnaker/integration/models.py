"""Partners of the Kartu Prakerja integration API, their signing keys and the signatures already seen
(``domain`` has the rules)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .domain import Kind, Scheme, State


class Partner(models.Model):
    # Made by Sisnaker (domain.CLIENT_CODE_PREFIX + random letters and digits), never typed by the PMO.
    client_code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # An institution partner is one LPK/BLK; a platform is none.
    institution = models.ForeignKey("institutions.Institution", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="integration_partners")
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partners_registered")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(name="partner_kind_known", condition=Q(kind__in=Kind.values)),
            models.CheckConstraint(name="partner_state_known", condition=Q(state__in=State.values)),
            # An institution partner names its institution; a platform names none.
            models.CheckConstraint(name="partner_institution_by_kind", condition=(
                Q(kind=Kind.INSTITUTION, institution__isnull=False) | Q(kind=Kind.PLATFORM, institution__isnull=True))),
            models.CheckConstraint(name="partner_revoked_whole", condition=(
                Q(state=State.ACTIVE, revoked_at__isnull=True) | Q(state=State.REVOKED, revoked_at__isnull=False))),
            # One active partner per institution.
            models.UniqueConstraint(fields=["institution"], condition=Q(state=State.ACTIVE), name="partner_one_per_institution"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_code})"


class PartnerKey(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="keys")
    scheme = models.CharField(max_length=12, choices=Scheme.choices)
    # The signing key, sealed with the project's field encryption (core.crypto; `sisnaker rekey` re-seals it).
    secret_encrypted = models.TextField()
    # Not secret: the first 12 hex of SHA-256 of the key (domain.key_fingerprint), for display.
    key_id = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_keys_issued")
    # Set when the key is rotated out: it keeps working until then (the overlap for the partner to switch).
    not_after = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="partner_key_scheme_known", condition=Q(scheme__in=Scheme.values)),
            # At most one active (not rotated, not revoked) key per partner and scheme.
            models.UniqueConstraint(fields=["partner", "scheme"], condition=Q(not_after__isnull=True, revoked_at__isnull=True),
                                    name="partner_key_one_active_per_scheme"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.key_id}"


class SeenSignature(models.Model):
    """A signature already accepted: the unique constraint makes a second use fail even when two copies of a
    request arrive at once. Deleted by housekeeping once its timestamp is out of the window (``domain.replay_keep``)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "signature"], name="seen_signature_once")]

    def __str__(self) -> str:
        return f"{self.signature[:12]}… {self.seen_at:%Y-%m-%d %H:%M:%S}"
