"""Certification: competency assessment per unit, the participant's review, certificates with a
national number, an Ed25519 signature and a public verification id; revocation never deletes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Upper
from django.utils.translation import gettext_lazy as _


class Assessment(models.Model):
    """An instructor's judgement of one participant on one competency unit."""

    class Result(models.TextChoices):
        COMPETENT = "competent", _("Kompeten")
        NOT_YET_COMPETENT = "not_yet_competent", _("Belum kompeten")

    enrollment = models.ForeignKey("training.Enrollment", on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey("training.CompetencyUnit", on_delete=models.PROTECT, related_name="assessments")
    result = models.CharField(max_length=20, choices=Result.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "unit"], name="assessment_once_per_unit"),
            models.CheckConstraint(name="assessment_score_range", condition=Q(score__isnull=True) | Q(score__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.unit_id}: {self.result}"


class Review(models.Model):
    """A participant's rating (1–5) and review of the training, once per enrollment."""

    enrollment = models.OneToOneField("training.Enrollment", on_delete=models.PROTECT, related_name="review")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField()
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    instructor_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(name="review_rating_1_5", condition=Q(rating__gte=1, rating__lte=5)),
            models.CheckConstraint(
                name="review_instructor_rating_1_5",
                condition=Q(instructor_rating__isnull=True) | Q(instructor_rating__gte=1, instructor_rating__lte=5),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.rating}/5"


class CertificateCounter(models.Model):
    """The last sequence number used per institution per year. Locked (SELECT … FOR UPDATE) and
    incremented in the transaction that inserts the certificate, so numbers have no gaps: a rolled
    back issue also rolls back its increment."""

    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["institution", "year"], name="certificate_counter_unique")]

    def __str__(self) -> str:
        return f"{self.institution_id}/{self.year}: {self.last}"


class Certificate(models.Model):
    """A competency certificate. Never deleted: a revoked certificate keeps its row.

    An enrollment has at most one standing (not revoked) certificate (``certificate_one_standing``); it may
    hold revoked ones before it. A certificate whose data was wrong is replaced (``certificate_replace``):
    revoked, and a new one issued with the current data, which ``replaces`` it; a plainly revoked one stays
    the enrollment's last (nothing issues a new one for it)."""

    enrollment = models.ForeignKey("training.Enrollment", on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(max_length=80, unique=True)
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="certificates")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    # Unguessable public id for the QR code (never the sequential id).
    verification_id = models.CharField(max_length=32, unique=True)
    # The canonical fields as signed (JSON text) and the Ed25519 signature (base64url).
    payload = models.TextField()
    signature = models.CharField(max_length=120)
    key_id = models.CharField(max_length=16)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoke_reason = models.TextField(blank=True)
    # The revoked certificate this one replaces (its verification page points here).
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    # A replacement only: when the first certificate of its chain was issued, i.e. when the person was certified. A
    # replacement corrects the data of that certification, it does not certify anew, so what counts from the
    # certification (the Prakerja instalments' schedule, the month the person counts as certified in the figures)
    # keeps this date. ``certified_at`` gives it for any certificate.
    first_issued_at = models.DateTimeField(null=True, blank=True)
    verification_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "sequence"], name="certificate_sequence_unique"),
            models.CheckConstraint(name="certificate_revocation_complete",
                                   condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason="")),
            models.UniqueConstraint(fields=["enrollment"], condition=Q(revoked_at__isnull=True), name="certificate_one_standing"),
            models.CheckConstraint(name="certificate_first_issue_of_replacement",
                                   condition=Q(replaces__isnull=True, first_issued_at__isnull=True)
                                   | Q(replaces__isnull=False, first_issued_at__isnull=False)),
        ]
        # Public look-ups by number ignore case (certificates.certificate_lookup).
        indexes = [models.Index(Upper("number"), name="certificate_number_upper_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def certified_at(self):
        """When the person was certified: this certificate's issue, or for a replacement its chain's first."""
        return self.first_issued_at or self.issued_at

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def scope_institution_id(self):
        return self.institution_id

    def scope_user_id(self):
        """The holder's account (``certificate.view``); load ``enrollment__person`` with the certificate."""
        return self.enrollment.person.user_id


# An enrollment's certificates with the one that stands for it first: the standing (not revoked) one, else the
# latest revoked. Every "the enrollment's certificate" reader takes the first in this order.
CURRENT_FIRST = (F("revoked_at").desc(nulls_first=True), F("pk").desc())


def certified_at_expression(prefix: str = "") -> Coalesce:
    """``Certificate.certified_at`` in a query, on the certificate reached by ``prefix`` ("" for a Certificate
    queryset): the first issue of a replacement's chain, else its own issue."""
    return Coalesce(f"{prefix}first_issued_at", f"{prefix}issued_at")


def current_of(certificates) -> Certificate | None:
    """The certificate that stands for an enrollment among ``certificates`` (all of its certificates, e.g.
    prefetched): the standing one, else the latest revoked; None when there are none."""
    certificates = list(certificates)
    standing = [cert for cert in certificates if cert.revoked_at is None]
    return standing[0] if standing else max(certificates, key=lambda cert: cert.pk, default=None)


class PersonalLink(models.Model):
    """A personal link sent to one participant (SMS/WhatsApp/e-mail or a printed QR code): it lets whoever
    holds it do the steps of ONE enrollment — the review, the work-readiness survey, the certificate
    download — without a password (``domain``: personal links). Only the SHA-256 of the token is kept.
    At most one usable link per enrollment and purpose: issuing a new one revokes the old one."""

    class Purpose(models.TextChoices):
        CERTIFICATE_STEPS = "certificate_steps", _("Langkah menuju sertifikat")
        EMPLOYMENT_SURVEY = "employment_survey", _("Survei kebekerjaan")

    enrollment = models.ForeignKey("training.Enrollment", on_delete=models.PROTECT, related_name="personal_links")
    purpose = models.CharField(max_length=30, choices=Purpose.choices, default=Purpose.CERTIFICATE_STEPS)
    token_hash = models.CharField(max_length=64, unique=True)
    # Why it was issued: "reminder" (steps to do), "certificate_ready", "result" (not yet competent), "print" (a QR
    # card), "employment" (the employment survey's reminder).
    reason = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    # None: issued by Sisnaker itself (the daily employment-survey reminder), not by a member of staff.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_used_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "purpose"], condition=Q(revoked_at__isnull=True),
                                    name="personal_link_one_unrevoked"),
            models.CheckConstraint(name="personal_link_expires_after_creation", condition=Q(expires_at__gt=models.F("created_at"))),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk} ({self.enrollment_id})"

    def scope_institution_id(self):
        """The institution of the enrollment's program; load ``enrollment__program`` with the link."""
        return self.enrollment.program.institution_id
