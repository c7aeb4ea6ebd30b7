"""Assistance posts (posko) and the log of the help given there (see ``domain.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .domain import AssistanceKind, ConsentMethod, PoskoKind, RecordOutcome


class Posko(models.Model):
    """A place where a Disnaker office or a training centre helps citizens in person."""

    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=PoskoKind.choices)
    # The training centre that runs it (kind training_centre only).
    institution = models.ForeignKey("institutions.Institution", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("regions.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["regency_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="training_centre", institution__isnull=False)
                           | Q(kind="regional_office", institution__isnull=True)),
                name="posko_institution_matches_kind"),
            models.UniqueConstraint(fields=["regency", "name"], name="posko_name_unique_in_regency"),
        ]

    def __str__(self) -> str:
        return self.name

    # Permission scope (core.permissions).
    def scope_region_codes(self) -> set[str]:
        return {self.regency_id}

    def scope_institution_id(self):
        return self.institution_id


class Assistance(models.Model):
    """One act of help at a posko, with the citizen's consent (how, which text, when)."""

    posko = models.ForeignKey(Posko, on_delete=models.PROTECT, related_name="assistances")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=AssistanceKind.choices)
    # The citizen's record; empty only for a Prakerja application of someone without a Sisnaker record (the
    # application itself says who applied).
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    record_outcome = models.CharField(max_length=10, choices=RecordOutcome.choices, blank=True)
    enrollment = models.ForeignKey("training.Enrollment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    prakerja_application = models.ForeignKey("prakerja.Application", null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="+")
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    consent_version = models.CharField(max_length=20)
    consent_at = models.DateTimeField()
    created_at = models.DateTimeField()
    # The day in the posko's own time zone (WIB/WITA/WIT): what the daily and weekly counts group by.
    day = models.DateField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(consent_version=""), name="posko_assistance_consent_version"),
            models.CheckConstraint(
                condition=(Q(kind="account", person__isnull=False, record_outcome__in=["created", "linked"],
                             enrollment__isnull=True, prakerja_application__isnull=True)
                           | Q(kind="training", person__isnull=False, enrollment__isnull=False, record_outcome="",
                               prakerja_application__isnull=True)
                           | Q(kind="prakerja", prakerja_application__isnull=False, record_outcome="", enrollment__isnull=True)),
                name="posko_assistance_links_match_kind"),
        ]
        indexes = [models.Index(fields=["posko", "day"], name="posko_assistance_day_idx"),
                   models.Index(fields=["posko", "person"], name="posko_assistance_person_idx")]

    def __str__(self) -> str:
        return f"Bantuan posko #{self.pk}"

    def scope_region_codes(self) -> set[str]:
        return {self.posko.regency_id}

    def scope_institution_id(self):
        return self.posko.institution_id
