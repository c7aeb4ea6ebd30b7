"""Training institutions (Lembaga Pelatihan): BLKs of every kind and private LPKs.

Managers and instructors are attached through ``accounts.RoleAssignment`` (scope: institution).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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

    registry_number = models.CharField(max_length=40, unique=True)
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
    is_active = models.BooleanField(default=True)
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
        indexes = [models.Index(fields=["regency", "is_active"], name="institution_region_idx")]

    def __str__(self) -> str:
        return self.name

    # Permission scope (core.permissions).
    def scope_institution_id(self):
        return self.pk

    def scope_region_codes(self) -> set[str]:
        return {self.regency_id}
