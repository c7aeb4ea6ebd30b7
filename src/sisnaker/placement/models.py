"""Employers. The foundation needs companies as the scope of the employer role; vacancies and
placements come with the placement issue."""

from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=200)
    # Nomor Induk Berusaha (OSS business id), 13 digits, when known.
    nib = models.CharField(max_length=13, blank=True)
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="companies")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(fields=["nib"], condition=~models.Q(nib=""), name="company_unique_nib")
        ]

    def __str__(self) -> str:
        return self.name
