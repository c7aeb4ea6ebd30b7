"""Training institutions (Lembaga Pelatihan): BLKs of every kind and private LPKs.

Managers and instructors are attached through ``accounts.RoleAssignment`` (scope: institution).
An institution that registers itself is *pending* until the real authority approves it
(``domain.INSTITUTION_TRANSITIONS``); only an approved institution's staff may touch people,
programs or certificates (``core.permissions``: the ``_approved_institution`` matcher).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .domain import approval_authority


class Institution(models.Model):
    class Kind(models.TextChoices):
        BLK_UPTP = "blk_uptp", _("BLK UPTP (pusat)")
        BLK_UPTD = "blk_uptd", _("BLK UPTD (daerah)")
        BLK_KOMUNITAS = "blk_komunitas", _("BLK Komunitas")
        BLK_LUAR_NEGERI = "blk_ln", _("BLK Luar Negeri")
        LPK = "lpk", _("LPK swasta")
        OTHER = "other", _("Lainnya")

    class Accreditation(models.TextChoices):
        """LA-LPK (Lembaga Akreditasi LPK) status."""

        NONE = "none", _("Belum terakreditasi")
        ACCREDITED = "accredited", _("Terakreditasi")
        REVOKED = "revoked", _("Dicabut")

    class Grade(models.TextChoices):
        A = "A", _("A")
        B = "B", _("B")
        C = "C", _("C")

    class Status(models.TextChoices):
        """Vetting by the authority (``domain.INSTITUTION_TRANSITIONS``).

        pending   registered, waiting for the regional officer / ministry curator; nothing that touches
                  people, programs or certificates works
        approved  checked by the authority: the institution works
        rejected  refused with a reason; its manager may correct the data and resubmit (→ pending)
        suspended approved before, frozen now (with a reason); reinstating returns it to approved
        """

        PENDING = "pending", _("Menunggu persetujuan")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")
        SUSPENDED = "suspended", _("Dibekukan")

    registry_number = models.CharField(max_length=40, unique=True)
    # The registry number with case, spaces, punctuation and look-alike characters (O/0, I/L/1)
    # folded (domain.registry_key): two institutions can never differ only by such details.
    registry_key = models.CharField(max_length=40, unique=True)
    # The operating licence (izin operasional) or VIN of an LPK / BLK Komunitas, which the
    # approving officer checks against the licensing records.
    licence_number = models.CharField(max_length=60, blank=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="institutions")
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    accreditation_status = models.CharField(max_length=12, choices=Accreditation.choices, default=Accreditation.NONE)
    accreditation_grade = models.CharField(max_length=1, choices=Grade.choices, blank=True)
    accreditation_number = models.CharField(max_length=60, blank=True)
    accreditation_valid_until = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="institution_accreditation_complete",
                condition=~Q(accreditation_status="accredited")
                | (Q(accreditation_valid_until__isnull=False) & ~Q(accreditation_grade="")),
            ),
        ]
        indexes = [
            models.Index(fields=["regency", "status"], name="institution_region_idx"),
            models.Index(fields=["status", "created_at"], name="institution_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    # Permission scope (core.permissions).
    def scope_institution_id(self):
        return self.pk

    def scope_region_codes(self) -> set[str]:
        return {self.regency_id}

    def scope_approval_authority(self) -> str:
        """Who vets this institution: "regional" (Disnaker of its area) or "ministry" (curators)."""
        return approval_authority(self.kind)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class InstitutionStatusChange(models.Model):
    """Append-only history of an institution's status: which status held from when. Certificates are
    checked against it ("was the institution approved on the certificate's date?")."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(max_length=12, choices=Institution.Status.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["institution", "at", "id"]
        indexes = [models.Index(fields=["institution", "at"], name="institution_status_at_idx")]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.status} @{self.at:%Y-%m-%d %H:%M}"
