"""Placement: employers (``Company``, the scope of the employer role) and the AK/1 job-seeker card.
Vacancies, matching and placement records come with later steps of the placement issue."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sisnaker.core import crypto
from sisnaker.regions.nik import mask as mask_nik

from . import domain


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


class JobSeekerCounter(models.Model):
    """The last AK/1 sequence number used per regency office per year (``domain.card_number``). Locked
    (SELECT … FOR UPDATE) and incremented in the transaction that issues the card, so numbers have no gaps:
    a rolled back issue also rolls back its increment."""

    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["regency", "year"], name="jobseeker_counter_unique")]

    def __str__(self) -> str:
        return f"{self.regency_id}/{self.year}: {self.last}"


class JobSeekerCard(models.Model):
    """An AK/1 job-seeker card (kartu kuning): applied for online by a citizen, issued (or refused) by the
    regency office of the regency on their KTP. The card's fields are copied from the application and the
    person when applying, so that the card keeps what was issued; the NIK is kept sealed (AES-GCM).
    Training certificates of this system are not copied: the card page lists the holder's certificates."""

    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="job_seeker_cards")
    # The regency office it goes to: the NIK's regency, or its current successor.
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=domain.CardStatus.CHOICES, default=domain.CardStatus.SUBMITTED)
    nik_encrypted = models.TextField()
    full_name = models.CharField(max_length=150)
    birth_place = models.CharField(max_length=domain.BIRTH_PLACE_MAX)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1)
    marital_status = models.CharField(max_length=10, choices=domain.MARITAL_STATUSES)
    religion = models.CharField(max_length=10, choices=domain.RELIGIONS)
    address = models.CharField(max_length=domain.ADDRESS_MAX)
    education = models.CharField(max_length=10)  # formal education (accounts.Person.Education)
    other_training = models.TextField(blank=True, max_length=domain.TRAINING_MAX)  # non-formal, outside this system
    skills = models.TextField(max_length=domain.SKILLS_MAX)
    submitted_at = models.DateTimeField()
    # Issue: number, year and sequence (gap-free per regency and year), signed off by the placement officer.
    number = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    officer_name = models.CharField(max_length=150, blank=True)  # the pengantar kerja who signed, as signed
    refuse_reason = models.TextField(blank=True)
    # Verification (reusing the certificates' Ed25519 key, certification.signing): set when issued. The QR on the
    # printed card opens /penempatan/ak1/v/<verification_id>/; ``payload`` is the signed canonical JSON.
    verification_id = models.CharField(max_length=32, blank=True)
    payload = models.TextField(blank=True)
    signature = models.CharField(max_length=100, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    # The card ends when its holder reports having found work (``services.ak1_report``).
    ended_on = models.DateField(null=True, blank=True)
    employer_name = models.CharField(max_length=domain.EMPLOYER_MAX, blank=True)
    position = models.CharField(max_length=domain.POSITION_MAX, blank=True)
    # The last report box a reminder went out for (0: none yet): each box is reminded of once.
    reminded_box = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=sorted(domain.CardStatus.ALL)), name="jobseeker_card_status_valid"),
            models.CheckConstraint(
                name="jobseeker_card_issued_fields",
                condition=Q(status=domain.CardStatus.ISSUED, year__isnull=False, sequence__isnull=False, issued_on__isnull=False,
                            decided_by__isnull=False) & ~Q(number="")
                | ~Q(status=domain.CardStatus.ISSUED) & Q(number="", year__isnull=True, sequence__isnull=True, issued_on__isnull=True),
            ),
            models.CheckConstraint(name="jobseeker_card_refusal_reason",
                                   condition=~Q(status=domain.CardStatus.REFUSED) | ~Q(refuse_reason="")),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="jobseeker_card_unique_number"),
            models.UniqueConstraint(fields=["regency", "year", "sequence"], condition=Q(sequence__isnull=False),
                                    name="jobseeker_card_sequence_unique"),
            models.UniqueConstraint(fields=["verification_id"], condition=~Q(verification_id=""),
                                    name="jobseeker_card_unique_verification"),
            models.CheckConstraint(name="jobseeker_card_ended_when_issued",
                                   condition=Q(ended_on__isnull=True) | Q(status=domain.CardStatus.ISSUED)),
            # One waiting application per person.
            models.UniqueConstraint(fields=["person"], condition=Q(status=domain.CardStatus.SUBMITTED),
                                    name="jobseeker_card_one_waiting"),
        ]
        indexes = [models.Index(fields=["regency", "status", "submitted_at"], name="jobseeker_card_queue_idx")]

    def __str__(self) -> str:
        return self.number or f"AK/1 #{self.pk}"

    @property
    def nik(self) -> str:
        return crypto.decrypt(self.nik_encrypted)

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    # Permission scope (core.permissions): the holder, and the regency office the card belongs to.
    def scope_user_id(self):
        return self.person.user_id

    def scope_region_codes(self) -> set[str]:
        return {self.regency_id}


class JobSeekerReport(models.Model):
    """One filled report box of an AK/1 card (``domain.report_boxes``): still looking, or found work."""

    card = models.ForeignKey(JobSeekerCard, on_delete=models.PROTECT, related_name="reports")
    box = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=10, choices=domain.ReportOutcome.CHOICES)
    reported_on = models.DateField()
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # True when an officer of the regency office recorded it for the holder (who came to the office).
    by_office = models.BooleanField(default=False)

    class Meta:
        ordering = ["card", "box"]
        constraints = [
            models.UniqueConstraint(fields=["card", "box"], name="jobseeker_report_one_per_box"),
            models.CheckConstraint(condition=Q(box__gte=1, box__lte=domain.REPORT_BOXES), name="jobseeker_report_box_range"),
            models.CheckConstraint(condition=Q(outcome__in=sorted(domain.ReportOutcome.ALL)), name="jobseeker_report_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.card} #{self.box}: {self.outcome}"
