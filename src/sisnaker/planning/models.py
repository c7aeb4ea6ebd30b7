"""Training-needs planning: a region's proposal (``Plan``) for a year and its lines, one per vocational field
(docs/planning.md). The lifecycle is ``domain.TRANSITIONS``; the numbers beside it (demand, supply) are read by
``selectors`` from placement and training, never stored here."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from . import domain


class Plan(models.Model):
    """One region's proposal for one year: a province's own (``regency`` empty) or a regency's (kabupaten/kota).
    One plan per region and year (two partial unique constraints)."""

    year = models.PositiveSmallIntegerField()
    province = models.ForeignKey("regions.Province", on_delete=models.PROTECT, related_name="+")
    regency = models.ForeignKey("regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=domain.PlanStatus.choices, default=domain.PlanStatus.DRAFT)
    # The ministry's reason with the last return (kept after resubmission: the region answered it).
    return_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "province_id", "regency_id"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], condition=Q(regency__isnull=True),
                                    name="plan_one_per_province_year"),
            models.UniqueConstraint(fields=["regency", "year"], condition=Q(regency__isnull=False),
                                    name="plan_one_per_regency_year"),
            models.CheckConstraint(condition=Q(status__in=domain.PlanStatus.values), name="plan_status_valid"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="plan_year_range"),
            models.CheckConstraint(condition=~Q(status=domain.PlanStatus.RETURNED) | ~Q(return_reason=""),
                                   name="plan_returned_has_reason"),
            models.CheckConstraint(condition=~Q(status=domain.PlanStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                                   name="plan_submitted_at"),
        ]
        indexes = [models.Index(fields=["year", "province", "status"], name="plan_year_province_idx")]

    def __str__(self) -> str:
        return f"{self.region_code}/{self.year}"

    @property
    def region_code(self) -> str:
        return self.regency_id or self.province_id

    @property
    def region_name(self) -> str:
        return self.regency.name if self.regency_id else self.province.name

    @property
    def is_editable(self) -> bool:
        return domain.is_editable(self.status)

    # Permission scope (core.permissions): the plan's own area.
    def scope_region_codes(self) -> set[str]:
        return {self.region_code}


class PlanLine(models.Model):
    """A vocational field the region proposes, with the people to train and why. One per field per plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines")
    vocational_field = models.ForeignKey("training.VocationalField", on_delete=models.PROTECT, related_name="+")
    people = models.PositiveIntegerField()
    reason = models.TextField(max_length=domain.REASON_MAX)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "vocational_field"], name="plan_line_one_per_field"),
            models.CheckConstraint(condition=Q(people__gte=1, people__lte=domain.PEOPLE_MAX), name="plan_line_people_range"),
            models.CheckConstraint(condition=~Q(reason=""), name="plan_line_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.vocational_field_id}: {self.people}"

    def scope_region_codes(self) -> set[str]:
        return self.plan.scope_region_codes()
