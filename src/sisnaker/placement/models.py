"""Placement: employers (``Company``, the scope of the employer role), ISCO-08 occupations, the AK/1
job-seeker card and its reports, vacancies (lowongan), applications, placement records and alumni outcomes
(docs/placement.md)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language

from sisnaker.core import crypto
from sisnaker.regions.nik import mask as mask_nik

from . import domain


class Company(models.Model):
    """An employer (pemberi kerja). One that registers itself is *pending* until a regional officer of its
    regency's office approves it (``domain.CompanyStatus``, ``domain.COMPANY_TRANSITIONS``); its staff are
    ``accounts.RoleAssignment`` rows of the employer role; ``manager`` (the registrant at first) adds staff."""

    name = models.CharField(max_length=200)
    # Nomor Induk Berusaha (OSS business id): 13 digits. Empty only on companies created before registration
    # (by an administrator); every registration needs one.
    nib = models.CharField(max_length=13, blank=True)
    sector = models.CharField(max_length=1, blank=True, choices=[(k, t) for k, t in domain.KBLI_SECTIONS])
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="companies")
    district = models.ForeignKey("regions.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=300, blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=domain.CompanyStatus.CHOICES, default=domain.CompanyStatus.PENDING)
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(fields=["nib"], condition=~models.Q(nib=""), name="company_unique_nib"),
            models.CheckConstraint(condition=Q(nib="") | Q(nib__regex=r"^[0-9]{13}$"), name="company_nib_13_digits"),
            models.CheckConstraint(condition=Q(status__in=sorted(domain.CompanyStatus.ALL)), name="company_status_valid"),
            models.CheckConstraint(condition=Q(sector="") | Q(sector__in=sorted(domain.KBLI_LETTERS)), name="company_sector_kbli"),
            models.CheckConstraint(condition=~Q(status__in=["rejected", "suspended"]) | ~Q(status_reason=""),
                                   name="company_decision_reason"),
        ]
        indexes = [models.Index(fields=["regency", "status"], name="company_region_status_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == domain.CompanyStatus.APPROVED

    # Permission scope (core.permissions).
    def scope_company_id(self):
        return self.pk

    def scope_company_manager_id(self):
        return self.manager_id

    def scope_region_codes(self) -> set[str]:
        return {self.regency_id}


class Occupation(models.Model):
    """An ISCO-08 group (major 1 digit, sub-major 2, minor 3, unit 4), loaded from ``data/isco08.csv`` by
    migrations 0004 (levels 1-3) and 0008 (unit groups, titles). ``title_en`` is the ILO title, ``title_id`` the
    Indonesian (KBJI 2014) one; pages show the one of the user's language (``title``)."""

    code = models.CharField(max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    title_en = models.CharField(max_length=200)
    title_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{1,4}$"), name="occupation_code_digits"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="occupation_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        """The title in the active language (Indonesian unless the user chose English)."""
        return self.title_in(get_language())

    def title_in(self, language: str | None) -> str:
        if (language or "id").lower().startswith("en"):
            return self.title_en
        return self.title_id or self.title_en


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
    # The pas foto (placement/photo.py: a cleaned 300×400 JPEG): its path in the default storage (private; served
    # only by the permission-checked view), empty when there is none (not uploaded yet, or deleted once no longer
    # kept). ``photo_request``: the officer's reason for asking a new one; issuing waits until the holder uploads it.
    photo_path = models.CharField(max_length=200, blank=True)
    photo_request = models.TextField(blank=True, max_length=domain.REASON_MAX)

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
class Vacancy(models.Model):
    """A vacancy (lowongan) with the fields Perpres 57/2023 asks of a vacancy report: the employer, job title,
    number needed, validity period, age, sex, education, skills, experience, wage and work location; plus the
    ISCO-08 occupation and the training vocational field and competency units it wants, so vacancies meet
    trainings. On PostgreSQL a generated ``search`` tsvector column (GIN-indexed) backs the full-text search;
    it is added by migration 0004 only there, so the model does not declare it; so is matching's covering index
    ``vacancy_match_idx`` (migration 0007)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="vacancies")
    title = models.CharField(max_length=domain.TITLE_MAX)
    openings = models.PositiveIntegerField()
    filled = models.PositiveIntegerField(default=0)
    opens_on = models.DateField()
    closes_on = models.DateField()
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=3, choices=domain.SEX_REQUIREMENTS, default="any")
    min_education = models.CharField(max_length=10, blank=True)  # accounts.Person.Education; empty: any
    skills = models.TextField(max_length=domain.SKILLS_VACANCY_MAX)
    description = models.TextField(blank=True, max_length=domain.DESCRIPTION_MAX)
    experience_years = models.PositiveSmallIntegerField(default=0)
    wage_min = models.PositiveBigIntegerField(null=True, blank=True)  # rupiah a month
    wage_max = models.PositiveBigIntegerField(null=True, blank=True)
    wage_negotiable = models.BooleanField(default=False)
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")  # work location
    province = models.ForeignKey("regions.Province", on_delete=models.PROTECT, related_name="+")  # the regency's, for the filter
    work_type = models.CharField(max_length=12, choices=domain.WORK_TYPES)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="vacancies")
    vocational_field = models.ForeignKey("training.VocationalField", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="vacancies")
    competency_units = models.ManyToManyField("training.CompetencyUnit", blank=True, related_name="vacancies")
    # How many competency units it wants (the rows of ``competency_units``), kept by the vacancy services in the
    # transaction that sets them: matching divides by it for thousands of rows, which counting per row made slow
    # (bench/bench_matching.py). ``services.vacancy_units_recount`` rebuilds it after a bulk load.
    units_wanted = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=domain.VacancyStatus.CHOICES, default=domain.VacancyStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # closed or reported filled
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name_plural = "vacancies"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=sorted(domain.VacancyStatus.ALL)), name="vacancy_status_valid"),
            models.CheckConstraint(condition=Q(openings__gte=1), name="vacancy_openings_positive"),
            models.CheckConstraint(condition=Q(filled__lte=F("openings")), name="vacancy_filled_within_openings"),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="vacancy_dates_ordered"),
            models.CheckConstraint(condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_min__lte=F("age_max")),
                                   name="vacancy_age_ordered"),
            models.CheckConstraint(condition=Q(wage_min__isnull=True) | Q(wage_max__isnull=True) | Q(wage_min__lte=F("wage_max")),
                                   name="vacancy_wage_ordered"),
            models.CheckConstraint(condition=Q(wage_negotiable=True) | Q(wage_min__isnull=False), name="vacancy_wage_given"),
            models.CheckConstraint(condition=Q(sex__in=sorted(domain.SEX_VALUES)), name="vacancy_sex_valid"),
            models.CheckConstraint(condition=Q(work_type__in=sorted(domain.WORK_TYPE_VALUES)), name="vacancy_work_type_valid"),
            models.CheckConstraint(condition=Q(status="draft") | Q(published_at__isnull=False), name="vacancy_published_at"),
        ]
        indexes = [
            # The public search: published, still open, newest first (keys first, then the page's rows).
            models.Index(fields=["status", "-published_at", "-id"], name="vacancy_search_idx"),
            models.Index(fields=["regency", "status"], name="vacancy_regency_idx"),
            models.Index(fields=["province", "status"], name="vacancy_province_idx"),
            models.Index(fields=["company", "status"], name="vacancy_company_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def scope_company_id(self):
        return self.company_id

    def scope_region_codes(self) -> set[str]:
        return {self.regency_id}


class Application(models.Model):
    """A job seeker's application to a published vacancy: one per person per vacancy. The person's AK/1 card
    (the valid one when they applied) and training certificates are attached by reference, not copied."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="job_applications")
    ak1_card = models.ForeignKey(JobSeekerCard, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    certificates = models.ManyToManyField("certification.Certificate", blank=True, related_name="+")
    cover_note = models.TextField(blank=True, max_length=1000)
    stage = models.CharField(max_length=12, choices=domain.Stage.CHOICES, default=domain.Stage.APPLIED)
    stage_note = models.TextField(blank=True)  # the employer's note with the last move (a rejection's reason)
    applied_at = models.DateTimeField()
    stage_changed_at = models.DateTimeField()
    stage_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "person"], name="application_one_per_person"),
            models.CheckConstraint(condition=Q(stage__in=sorted(domain.Stage.ALL)), name="application_stage_valid"),
        ]
        indexes = [models.Index(fields=["vacancy", "stage"], name="application_vacancy_stage_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.vacancy_id} ({self.stage})"

    # Permission scope: the applicant, and the vacancy's company.
    def scope_user_id(self):
        return self.person.user_id

    def scope_company_id(self):
        return self.vacancy.company_id


class Placement(models.Model):
    """A placement record: a person at work, from a hire through an application (``source`` "application", linked
    to it and its vacancy), an employer's report (``company`` set), the alumnus's own report, or a regional
    officer's. ``end_date``: the last day worked, once the company (or the alumnus, for their own report) said the
    person left. ``corrected_at``: the alumnus's own report (or the regional office's) was wrong and a later report
    of theirs replaced it; a corrected placement stays (history) but is not counted (``selectors.counted_placements``)."""

    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="placements")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    employer_name = models.CharField(max_length=200)  # as reported (the company's name when there is one)
    position = models.CharField(max_length=domain.TITLE_MAX)
    start_date = models.DateField()
    sector = models.CharField(max_length=1, blank=True)  # KBLI section letter
    formal = models.BooleanField(default=True)  # employed (formal) or self-employed
    domestic = models.BooleanField(default=True)  # in Indonesia or overseas
    source = models.CharField(max_length=12, choices=domain.PlacementSource.CHOICES)
    vacancy = models.ForeignKey(Vacancy, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    application = models.OneToOneField(Application, null=True, blank=True, on_delete=models.PROTECT, related_name="placement")
    regency = models.ForeignKey("regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The training it follows (the alumnus's graduated enrolment), when reported as an outcome of one.
    enrollment = models.ForeignKey("training.Enrollment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    end_date = models.DateField(null=True, blank=True)  # the last day worked ("no longer works here")
    corrected_at = models.DateTimeField(null=True, blank=True)  # replaced by a later report from the same side
    # The last change after creation (ended, corrected): the figures' incremental refresh reads it (reporting.sources).
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(source__in=sorted(domain.PlacementSource.ALL)), name="placement_source_valid"),
            models.CheckConstraint(condition=~Q(source="application") | Q(application__isnull=False, vacancy__isnull=False),
                                   name="placement_application_linked"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="placement_end_after_start"),
            # Only a report is ever corrected, by a later report from the same side: the alumnus's own, or the
            # regional office's (``services.outcomes``); hires and employers' records are ended, never corrected.
            models.CheckConstraint(condition=Q(corrected_at__isnull=True) | Q(source__in=["alumnus", "officer"]),
                                   name="placement_corrected_report"),
            # A company records a person at work once at a time (a hire or its own report, not ended): what
            # ``services.reports.refuse_if_at_work`` checks under the company's row lock, held by the database too.
            # (The sources as ORs, not IN: PostgreSQL's text of an IN over varchar does not read back as itself, and the
            # demo seed rebuilds its indexes from that text.)
            models.UniqueConstraint(fields=["person", "company"], name="placement_one_open_per_company",
                                    condition=Q(company__isnull=False, end_date__isnull=True)
                                    & (Q(source=domain.PlacementSource.APPLICATION) | Q(source=domain.PlacementSource.EMPLOYER))),
        ]
        indexes = [models.Index(fields=["person", "start_date"], name="placement_person_idx"),
                   models.Index(fields=["company", "-start_date"], name="placement_company_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.employer_name}"

    # Permission scope: the company that hired or reported the person (none for officers' and alumni's reports).
    def scope_company_id(self):
        return self.company_id if self.source in domain.COMPANY_SOURCES else None


class Outcome(models.Model):
    """What is known of an alumnus's work after one training (``enrollment``, graduated), reported by a regional
    officer (of the alumnus's domicile, also for boarding alumni trained elsewhere), by the employer, or by the
    alumnus. At work, it points to the placement record made with it. The latest report of an enrollment is
    its outcome; earlier ones stay (history). The employment survey's answers and hires through applications
    count as known outcomes without a row here (``selectors.known_outcome``)."""

    enrollment = models.ForeignKey("training.Enrollment", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=14, choices=domain.OutcomeStatus.CHOICES)
    placement = models.OneToOneField(Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="outcome")
    source = models.CharField(max_length=12, choices=domain.PlacementSource.CHOICES)
    # Empty only for an alumnus's own report through a personal link without an account (the audit row names the link).
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=sorted(domain.OutcomeStatus.ALL)), name="outcome_status_valid"),
            models.CheckConstraint(condition=Q(source__in=sorted(domain.PlacementSource.ALL)), name="outcome_source_valid"),
            models.CheckConstraint(name="outcome_at_work_has_placement",
                                   condition=Q(status__in=sorted(domain.OutcomeStatus.AT_WORK), placement__isnull=False)
                                   | ~Q(status__in=sorted(domain.OutcomeStatus.AT_WORK)) & Q(placement__isnull=True)),
            models.CheckConstraint(name="outcome_reporter_known", condition=Q(reported_by__isnull=False) | Q(source="alumnus")),
        ]
        indexes = [models.Index(fields=["enrollment", "reported_at"], name="outcome_enrollment_idx")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.status}"
