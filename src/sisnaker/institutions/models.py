"""Training institutions (BLK/LPK). The foundation needs them as the scope of managers and
instructors; the training issue adds accreditation, programs and the rest."""

from django.db import models


class Institution(models.Model):
    class Kind(models.TextChoices):
        BLK_UPTP = "blk_uptp", "BLK UPTP (pusat)"
        BLK_UPTD = "blk_uptd", "BLK UPTD (daerah)"
        BLK_KOMUNITAS = "blk_komunitas", "BLK Komunitas"
        BLK_LUAR_NEGERI = "blk_ln", "BLK Luar Negeri"
        LPK = "lpk", "LPK swasta"
        OTHER = "other", "Lainnya"

    registry_number = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="institutions")
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
