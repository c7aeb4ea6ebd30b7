"""Kartu Prakerja data: waves, province quotas, applications, exclusion lists.

Money is integer rupiah. A beneficiary's training balance is posted to the payments ledger (funding source
``prakerja``, the card's ``beneficiary`` account; incentives and purchases will be too): ``scope_funding_source``
says so to the permission rules, and every amount here is the wave's, so a later wave's change never rewrites an
earlier one's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from sisnaker.core import crypto
from sisnaker.regions.nik import mask as nik_mask

from .domain import (
    DEFAULT_MAX_PER_HOUSEHOLD,
    ApplicationStatus,
    AttendanceStatus,
    CardStatus,
    CourseType,
    CurationStatus,
    ExclusionCategory,
    PurchaseStatus,
    RedeemStatus,
    WaveStatus,
    reason_text,
    refusal_text,
)

FUNDING_SOURCE = "prakerja"


def _choices(pairs):
    return [(value, label.id) for value, label in pairs]


class Wave(models.Model):
    """A gelombang: when it takes applications, how many people it may select, and what they receive."""

    number = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=100)
    opens_on = models.DateField()
    closes_on = models.DateField()
    national_target = models.PositiveIntegerField()
    training_balance = models.BigIntegerField()
    post_training_incentive = models.BigIntegerField()
    post_training_incentive_count = models.PositiveSmallIntegerField()
    incentive_interval_days = models.PositiveSmallIntegerField(default=30)
    survey_incentive = models.BigIntegerField()
    survey_incentive_count = models.PositiveSmallIntegerField()
    purchase_deadline_days = models.PositiveSmallIntegerField()
    max_per_household = models.PositiveSmallIntegerField(default=DEFAULT_MAX_PER_HOUSEHOLD)
    status = models.CharField(max_length=10, choices=_choices(WaveStatus.CHOICES), default=WaveStatus.DRAFT)
    # The draw's seed (64 hex digits), made when the wave closes; its SHA-256 is published then, the seed at the draw.
    seed = models.CharField(max_length=64, blank=True)
    seed_commitment = models.CharField(max_length=64, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    # Closing and the draw run as background tasks (minutes at national size): the step asked for, by whom and
    # when, and the message of the last one that failed ({"id": …, "en": …}).
    step_pending = models.CharField(max_length=10, blank=True, choices=[("close", "close"), ("draw", "draw")])
    step_requested_at = models.DateTimeField(null=True, blank=True)
    step_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", db_index=False)
    step_error = models.JSONField(default=dict, blank=True)
    # The wave's applications counted once they can no longer change (``selectors.wave_figures`` reads them): closing writes
    # ``{"applications": {province: {status: n}}}``, the draw adds ``{"selected": {province: n}}``. The PMO's pages
    # read these instead of counting millions of rows per view; an open wave is counted live.
    counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="prakerja_wave_dates_ordered"),
            models.CheckConstraint(condition=Q(national_target__gt=0), name="prakerja_wave_target_positive"),
            models.CheckConstraint(condition=Q(max_per_household__gte=1), name="prakerja_wave_household_positive"),
            models.CheckConstraint(condition=Q(training_balance__gte=0, post_training_incentive__gte=0, survey_incentive__gte=0),
                                   name="prakerja_wave_amounts_not_negative"),
            models.CheckConstraint(condition=Q(status__in=["closed", "drawn"]) | Q(seed=""), name="prakerja_wave_seed_after_close"),
        ]

    def __str__(self) -> str:
        return self.name

    def scope_funding_source(self) -> str:
        return FUNDING_SOURCE

    def status_label(self):
        return dict(WaveStatus.CHOICES)[self.status]

    @property
    def incentive_total(self) -> int:
        return self.post_training_incentive * self.post_training_incentive_count + self.survey_incentive * self.survey_incentive_count


class ProvinceQuota(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="quotas")
    province = models.ForeignKey("regions.Province", on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField()
    # The weight it was computed from (workforce, unemployment...), empty when set by hand.
    weight = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["province_id"]
        constraints = [models.UniqueConstraint(fields=["wave", "province"], name="prakerja_quota_one_per_province")]

    def __str__(self) -> str:
        return f"{self.province_id}: {self.quota}"


class Application(models.Model):
    """One person's application to one wave. The NIK and KK are sealed (AES-GCM) with keyed blind indexes:
    ``(wave, nik_index)`` is unique (one application per NIK per wave), ``kk_index`` groups households."""

    # Indexes are few on purpose: closing a wave and its draw rewrite millions of these rows, and every index costs
    # an insertion per row rewritten (docs/prakerja.md "At national size"). ``wave`` is led by the composite
    # indexes below; nobody searches by ``created_by``/``reviewed_by`` (users are deactivated, never deleted);
    # ``kk_index``, ``verify_token`` and ``province`` are only compared for equality (no LIKE twin).
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="applications", db_index=False)
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    nik_encrypted = models.TextField()
    nik_index = models.CharField(max_length=64)
    kk_encrypted = models.TextField()
    kk_index = models.CharField(max_length=64)
    full_name = models.CharField(max_length=150)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1)
    education = models.CharField(max_length=10)
    in_formal_education = models.BooleanField(default=False)
    has_disability = models.BooleanField(default=False)
    # The province of the KTP (from the NIK, retired codes translated): the quota it counts against.
    province = models.ForeignKey("regions.Province", on_delete=models.PROTECT, related_name="+", db_index=False)
    nik_regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    domicile_district = models.ForeignKey("regions.District", on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(max_length=20)
    email = models.EmailField()
    status = models.CharField(max_length=12, choices=_choices(ApplicationStatus.CHOICES), default=ApplicationStatus.UNVERIFIED)
    reason = models.CharField(max_length=40, blank=True)  # domain.REASONS key when ineligible / not selected
    findings = models.JSONField(default=list, blank=True)  # identity verifier findings
    statement_version = models.PositiveSmallIntegerField()
    statement_signed_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    # A posko officer who entered it with the citizen (and when the citizen consented).
    assisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    consent_at = models.DateTimeField(null=True, blank=True)
    # The phone and e-mail codes (accounts.onetime: only keyed hashes bound to the token are stored).
    verify_token = models.CharField(max_length=64)
    phone_code_hash = models.CharField(max_length=64)
    email_code_hash = models.CharField(max_length=64)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    code_expires_at = models.DateTimeField()
    contacts_verified_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    db_index=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)
    # Set when the wave closes (published with the draw's list): the household's number within the wave and
    # its beneficiaries from earlier waves.
    household = models.PositiveIntegerField(null=True, blank=True)
    household_prior = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "nik_index"], name="prakerja_one_application_per_nik_per_wave"),
            models.UniqueConstraint(fields=["verify_token"], name="prakerja_app_verify_token_uniq"),
            models.CheckConstraint(condition=Q(assisted_by__isnull=True) | Q(consent_at__isnull=False),
                                   name="prakerja_assisted_needs_consent"),
            models.CheckConstraint(condition=~Q(status__in=["ineligible"]) | ~Q(reason=""), name="prakerja_ineligible_has_reason"),
        ]
        indexes = [
            models.Index(fields=["wave", "status", "province"], name="prakerja_app_wave_status_idx"),
            models.Index(fields=["nik_index", "status"], name="prakerja_app_nik_status_idx"),
            models.Index(fields=["kk_index"], name="prakerja_app_kk_idx"),
            models.Index(fields=["province"], name="prakerja_app_province_idx"),  # compared for equality only
        ]

    def __str__(self) -> str:
        return f"Prakerja #{self.pk}"

    def scope_user_id(self) -> int | None:
        return self.person.user_id if self.person_id else None

    @property
    def outcome(self) -> str:
        """The status as the citizen and officers read it. The draw leaves the applications' rows as they are and
        writes one narrow ``Selection`` row per selected application: an eligible application of a drawn wave is
        selected when it has one, else not selected (docs/prakerja.md "The draw"). Lists ``select_related`` it."""
        if self.status == ApplicationStatus.ELIGIBLE and self.wave.status == WaveStatus.DRAWN:
            return ApplicationStatus.SELECTED if hasattr(self, "selection") else ApplicationStatus.NOT_SELECTED
        return self.status

    def status_label(self):
        return dict(ApplicationStatus.CHOICES)[self.outcome]

    def reason_label(self):
        return reason_text(self.reason) if self.reason else None

    def reason_advice(self):
        """Why the reason keeps the applicant out, and what they can do (``domain.REFUSALS``)."""
        return refusal_text(self.reason) if self.reason else None

    @property
    def nik_masked(self) -> str:
        return nik_mask(crypto.decrypt(self.nik_encrypted))

    def scope_region_codes(self) -> set[str]:
        return {self.nik_regency_id, self.domicile_district_id}

    def scope_funding_source(self) -> str:
        return FUNDING_SOURCE


class Selection(models.Model):
    """One application selected by its wave's draw, with its rank (the order drawn, 1 first) and province (the
    published per-province lists and counts read these rows alone). The draw writes only these narrow rows (``COPY``
    on PostgreSQL), never the wide application rows: at national size rewriting 500,000 application rows and their
    indexes was most of the draw's time (docs/prakerja.md "At national size")."""

    application = models.OneToOneField(Application, primary_key=True, on_delete=models.PROTECT, related_name="selection")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="selections", db_index=False)
    province = models.ForeignKey("regions.Province", on_delete=models.PROTECT, related_name="+", db_index=False)
    rank = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the index of every per-wave read (the (wave, rank) b-tree leads with the wave).
            models.UniqueConstraint(fields=["wave", "rank"], name="prakerja_selection_rank_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="prakerja_selection_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"selected #{self.rank}: application {self.application_id}"


class ExclusionImport(models.Model):
    """One exclusion list file imported by a PMO officer, with its per-row report."""

    category = models.CharField(max_length=30, choices=_choices(ExclusionCategory.CHOICES))
    file_name = models.CharField(max_length=200)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    already = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)  # [{"row": 2, "outcome": "added"|"already"|"refused", "message": ...}]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.category}: {self.file_name}"


class Exclusion(models.Model):
    """A NIK (its blind index only) on an exclusion list of one category."""

    nik_index = models.CharField(max_length=64)
    category = models.CharField(max_length=30, choices=_choices(ExclusionCategory.CHOICES))
    source = models.ForeignKey(ExclusionImport, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["nik_index", "category"], name="prakerja_exclusion_once")]

    def __str__(self) -> str:
        return f"exclusion {self.pk} ({self.category})"


class Card(models.Model):
    """A Kartu Prakerja: issued to a selected application at the draw (``domain.card_number``). Its training
    balance lives in the payments ledger (funding source ``prakerja``, the beneficiary account with reference
    ``ledger_reference``); ``granted`` is what was posted, ``deadline`` the last day of the first purchase."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="card")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="cards")
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=16, unique=True)
    granted = models.BigIntegerField(help_text="rupiah")
    issued_at = models.DateTimeField()
    deadline = models.DateField()
    status = models.CharField(max_length=10, choices=_choices(CardStatus.CHOICES), default=CardStatus.ACTIVE)
    expired_at = models.DateTimeField(null=True, blank=True)
    # What authorised purchases took from the balance (less refunds): kept with the ledger posting in the same
    # transaction, so the database itself refuses a balance below zero (``prakerja_card_spent_within_granted``).
    spent = models.BigIntegerField(default=0, help_text="rupiah")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[CardStatus.ACTIVE, CardStatus.EXPIRED]), name="prakerja_card_status_valid"),
            models.CheckConstraint(condition=Q(status=CardStatus.EXPIRED, expired_at__isnull=False)
                                   | Q(status=CardStatus.ACTIVE, expired_at__isnull=True), name="prakerja_card_expired_at_iff_expired"),
            models.CheckConstraint(condition=Q(granted__gte=0), name="prakerja_card_granted_not_negative"),
            models.CheckConstraint(condition=Q(spent__gte=0, spent__lte=F("granted")), name="prakerja_card_spent_within_granted"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="prakerja_card_due_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def ledger_reference(self) -> str:
        return ledger_reference(self.number)

    def status_label(self):
        return dict(CardStatus.CHOICES)[self.status]

    def scope_user_id(self) -> int | None:
        return self.person.user_id if self.person_id else None

    def scope_funding_source(self) -> str:
        return FUNDING_SOURCE


def ledger_reference(card_number: str) -> str:
    """The beneficiary account's reference in the payments ledger for one card."""
    return f"prakerja:{card_number}"


class CatalogueEntry(models.Model):
    """A training program proposed by its institution for the Prakerja catalogue, and its two curation stages
    (``domain.CurationStatus``): stage 1 by a ministry curator, stage 2 by a PMO officer. Only a ``curated`` entry
    can be bought. ``price`` is the program's Prakerja price, set when proposed. ``sessions``: the start of each
    session (ISO date-times; the redeem codes' windows), at least one (the program's start)."""

    program = models.OneToOneField("training.Program", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    course_code = models.CharField(max_length=20, unique=True)
    course_type = models.CharField(max_length=10, choices=_choices(CourseType.CHOICES))
    price = models.BigIntegerField(help_text="rupiah")
    sessions = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=_choices(CurationStatus.CHOICES), default=CurationStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    stage1_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stage1_at = models.DateTimeField(null=True, blank=True)
    stage1_note = models.CharField(max_length=500, blank=True)
    stage2_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stage2_at = models.DateTimeField(null=True, blank=True)
    stage2_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        verbose_name_plural = "catalogue entries"
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="prakerja_entry_price_positive"),
            models.CheckConstraint(condition=Q(status__in=[s for s, _l in CurationStatus.CHOICES]), name="prakerja_entry_status_valid"),
            models.CheckConstraint(condition=Q(course_type__in=[s for s, _l in CourseType.CHOICES]), name="prakerja_entry_course_type_valid"),
            # Stage 2 only after stage 1; curated only with both decisions recorded.
            models.CheckConstraint(condition=Q(stage2_at__isnull=True) | Q(stage1_at__isnull=False), name="prakerja_entry_stages_ordered"),
            models.CheckConstraint(condition=~Q(status="curated") | Q(stage1_by__isnull=False, stage2_by__isnull=False),
                                   name="prakerja_entry_curated_has_both_stages"),
            models.CheckConstraint(condition=~Q(status="stage1_accepted") | Q(stage1_by__isnull=False, stage2_at__isnull=True),
                                   name="prakerja_entry_stage1_recorded"),
            models.CheckConstraint(condition=~Q(status="proposed") | Q(stage1_at__isnull=True, stage2_at__isnull=True),
                                   name="prakerja_entry_proposed_undecided"),
            # A rejection always says why.
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(stage1_note="") | ~Q(stage2_note=""),
                                   name="prakerja_entry_rejection_has_note"),
        ]
        indexes = [models.Index(fields=["status", "proposed_at"], name="prakerja_entry_worklist_idx")]

    def __str__(self) -> str:
        return self.course_code

    def status_label(self):
        return dict(CurationStatus.CHOICES)[self.status]

    def course_type_label(self):
        return dict(CourseType.CHOICES)[self.course_type]

    def scope_institution_id(self):
        return self.institution_id

    def scope_funding_source(self) -> str:
        return FUNDING_SOURCE


class Purchase(models.Model):
    """A training bought with a card's balance (``domain.PurchaseStatus``) on a platform: ``platform_code`` empty
    for Sisnaker itself, else the partner platform's client code. ``(platform_code, idempotency_key)`` is unique:
    a request sent twice is one purchase. Authorising posts ``prakerja-purchase:<id>`` to the ledger (the balance
    pays the institution's training-fee payable ``payable``) and gives the voucher code."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="purchases")
    entry = models.ForeignKey(CatalogueEntry, on_delete=models.PROTECT, related_name="purchases")
    program = models.ForeignKey("training.Program", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("institutions.Institution", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("accounts.Person", on_delete=models.PROTECT, related_name="+")
    price = models.BigIntegerField(help_text="rupiah")
    platform_code = models.CharField(max_length=40, blank=True, default="")
    idempotency_key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)  # domain.request_fingerprint: the key's parameters
    invoice_code = models.CharField(max_length=24, unique=True)
    status = models.CharField(max_length=10, choices=_choices(PurchaseStatus.CHOICES), default=PurchaseStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    # The PMO's rule check: who (empty: Sisnaker's own authorisation service, the system) and when.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal = models.CharField(max_length=30, blank=True)  # domain.AUTHORISE_REFUSALS key when refused
    ledger_key = models.CharField(max_length=60, blank=True)
    payable = models.OneToOneField("payments.Payable", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    voucher_code = models.CharField(max_length=20, null=True, blank=True, unique=True)
    # One live purchase per enrollment (``prakerja_purchase_one_per_enrollment``); a cancelled purchase keeps the
    # enrollment it withdrew, and buying the same course again enrols the buyer on that enrollment once more.
    enrollment = models.ForeignKey("training.Enrollment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    # Completed and an incentive may still become due (an instalment's day, a survey window): what the hourly accrual
    # reads (``purchases.incentives_accrue``); cleared once ``domain.incentives_settled``.
    incentives_open = models.BooleanField(default=False)
    completion_reported_by = models.CharField(max_length=150, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # The beneficiary's consent to a partner platform's purchase (status ``consent``): one code sent to the phone and
    # e-mail verified for the card's application; only its keyed hash bound to ``consent_token`` is kept
    # (accounts.onetime). ``consented_at``: when the holder confirmed (by the code, or logged in on Sisnaker).
    consent_token = models.CharField(max_length=64, blank=True)
    consent_code_hash = models.CharField(max_length=64, blank=True)
    consent_attempts = models.PositiveSmallIntegerField(default=0)
    consent_expires_at = models.DateTimeField(null=True, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    consented_via = models.CharField(max_length=10, blank=True)  # "code" (relayed by the platform) or "account"

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["platform_code", "idempotency_key"], name="prakerja_purchase_idempotent"),
            models.UniqueConstraint(fields=["enrollment"], condition=Q(enrollment__isnull=False) & ~Q(status="cancelled"),
                                    name="prakerja_purchase_one_per_enrollment"),
            # "A second training can be bought only when the first is finished."
            models.UniqueConstraint(fields=["card"], condition=Q(status__in=["consent", "requested", "authorised"]),
                                    name="prakerja_purchase_one_unfinished_per_card"),
            models.CheckConstraint(condition=Q(price__gt=0), name="prakerja_purchase_price_positive"),
            models.CheckConstraint(condition=Q(status__in=[s for s, _l in PurchaseStatus.CHOICES]), name="prakerja_purchase_status_valid"),
            models.CheckConstraint(condition=Q(status__in=["consent", "requested", "refused"]) | Q(status="cancelled", voucher_code__isnull=True)
                                   | Q(decided_at__isnull=False, voucher_code__isnull=False, payable__isnull=False),
                                   name="prakerja_purchase_authorised_has_voucher_and_payable"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(refusal=""), name="prakerja_purchase_refused_has_reason"),
            models.CheckConstraint(condition=Q(status="completed", completed_at__isnull=False)
                                   | (~Q(status="completed") & Q(completed_at__isnull=True)), name="prakerja_purchase_completed_at"),
            models.CheckConstraint(condition=Q(status="cancelled", cancelled_at__isnull=False)
                                   | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)), name="prakerja_purchase_cancelled_at"),
            # Waiting for consent: a live code, never consented yet, and never past the wrong-code limit.
            models.CheckConstraint(condition=~Q(status="consent") | (~Q(consent_code_hash="") & Q(consent_expires_at__isnull=False,
                                                                                                   consented_at__isnull=True)),
                                   name="prakerja_purchase_consent_has_code"),
            models.CheckConstraint(condition=Q(consent_attempts__lte=5), name="prakerja_purchase_consent_attempts_max"),
            # A purchase that asked for consent is debited only once given: past ``consent`` it was either confirmed,
            # or refused/cancelled without a debit.
            models.CheckConstraint(condition=Q(consent_code_hash="") | Q(status__in=["consent", "refused", "cancelled"])
                                   | Q(consented_at__isnull=False), name="prakerja_purchase_debited_after_consent"),
            models.CheckConstraint(condition=Q(incentives_open=False) | Q(status="completed"), name="prakerja_purchase_incentives_open_completed"),
        ]
        indexes = [models.Index(fields=["institution", "status"], name="prakerja_purchase_inst_idx"),
                   models.Index(fields=["id"], condition=Q(incentives_open=True), name="prakerja_purchase_incent_idx"),
                   # A platform's own purchases in order, a page at a time (``selectors.platform_purchases``).
                   models.Index(fields=["platform_code", "id"], name="prakerja_purchase_platform_idx")]

    def __str__(self) -> str:
        return self.invoice_code

    def status_label(self):
        return dict(PurchaseStatus.CHOICES)[self.status]

    @property
    def platform_name(self) -> str:
        return self.platform_code or "Sisnaker"

    def scope_user_id(self):
        return self.person.user_id

    def scope_institution_id(self):
        return self.institution_id

    def scope_funding_source(self) -> str:
        return FUNDING_SOURCE


class RedeemCode(models.Model):
    """One session of a purchase: the institution exchanges the voucher for one redeem code per session
    (``sequence`` 1, 2, ...), valid from 1 hour before to 1 hour after the session's start
    (``domain.redeem_refusal``). Used once; attendance is reported per session."""

    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="redeem_codes")
    sequence = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20, unique=True)
    schedule_code = models.CharField(max_length=40)
    session_start = models.DateTimeField()
    status = models.CharField(max_length=10, choices=_choices(RedeemStatus.CHOICES), default=RedeemStatus.ACTIVE)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.CharField(max_length=150, blank=True)  # the manager's user name or the partner's client code
    attendance_status = models.CharField(max_length=10, choices=_choices(AttendanceStatus.CHOICES), default=AttendanceStatus.PENDING)
    attendance_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["purchase", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["purchase", "sequence"], name="prakerja_redeem_one_per_session"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="prakerja_redeem_sequence_positive"),
            models.CheckConstraint(condition=Q(status="used", redeemed_at__isnull=False)
                                   | (~Q(status="used") & Q(redeemed_at__isnull=True)), name="prakerja_redeem_used_iff_redeemed"),
            models.CheckConstraint(condition=Q(attendance_status="pending") | Q(status="used", attendance_at__isnull=False),
                                   name="prakerja_redeem_attendance_after_redeem"),
        ]

    def __str__(self) -> str:
        return self.code

    def scope_institution_id(self):
        return self.purchase.institution_id
