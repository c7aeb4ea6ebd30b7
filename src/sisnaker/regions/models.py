"""Indonesia's administrative regions with their Kemendagri codes (dotted: 31, 31.74, 31.74.01).

The code is the primary key: it is what every official document, NIK and report uses, and it
makes "is this district inside that province" a prefix test.
"""

from django.db import models


class Province(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "provinsi"
        verbose_name_plural = "provinsi"

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    """Kabupaten or kota."""

    code = models.CharField(max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "kabupaten/kota"
        verbose_name_plural = "kabupaten/kota"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}\.[0-9]{2}$"), name="regency_code_format"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_city(self) -> bool:
        return self.name.startswith("Kota ")


class District(models.Model):
    """Kecamatan (distrik in Papua)."""

    code = models.CharField(max_length=8, primary_key=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "kecamatan"
        verbose_name_plural = "kecamatan"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$"), name="district_code_format"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code[:2]


class RetiredCode(models.Model):
    """A code no longer in the current list (region split, moved or renumbered), and the current
    code it resolves to. NIKs are never reissued, so old codes inside NIKs must keep resolving."""

    class Level(models.TextChoices):
        PROVINCE = "province", "provinsi"
        REGENCY = "regency", "kabupaten/kota"
        DISTRICT = "district", "kecamatan"

    old_code = models.CharField(max_length=8, primary_key=True)
    new_code = models.CharField(max_length=8)
    level = models.CharField(max_length=10, choices=Level.choices)
    retired_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["old_code"]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code}"
