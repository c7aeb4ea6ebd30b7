"""Payments: the double-entry ledger, payout accounts, incentive rules, payables and disbursement batches.
The rules are in ``domain.py``; the database holds every invariant money depends on (constraints here,
triggers in migrations/0002)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from sisnaker.core import crypto
from sisnaker.core.roles import FUNDING_SOURCES

from .domain import AccountKind, BatchStatus, EntryKind, LineStatus, PayableKind, PayableStatus, PayoutStatus

SOURCES = [(s, s.upper()) for s in FUNDING_SOURCES]


class LedgerAccount(models.Model):
    """One account of the ledger: a kind per funding source (a beneficiary's balance: per person, or per
    ``reference`` — the holder named outside payments, e.g. ``prakerja:<card number>``). Its balance is the sum of
    its lines (debits positive)."""

    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    funding_source = models.CharField(max_length=10, choices=SOURCES)
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["funding_source", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "funding_source"], condition=Q(person__isnull=True, reference=""),
                                    name="ledger_account_unique"),
            models.UniqueConstraint(fields=["kind", "funding_source", "reference"], condition=~Q(reference=""),
                                    name="ledger_account_unique_reference"),
            models.UniqueConstraint(fields=["kind", "funding_source", "person"], condition=Q(person__isnull=False),
                                    name="ledger_account_unique_person"),
            models.CheckConstraint(name="ledger_account_person_iff_beneficiary",
                                   condition=(Q(kind="beneficiary") & (Q(person__isnull=False) | ~Q(reference="")))
                                   | (~Q(kind="beneficiary") & Q(person__isnull=True, reference=""))),
            models.CheckConstraint(name="ledger_account_kind_valid", condition=Q(kind__in=AccountKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.funding_source}"


class JournalEntry(models.Model):
    """A balanced set of ledger lines, posted once. Append-only: the database refuses UPDATE and DELETE,
    an entry whose lines do not sum to zero (or has fewer than two) and a line added to a posted entry.
    The lines are written first, then the entry (its foreign keys are checked at commit), so the entry's
    insert trigger sees all of them. ``idempotency_key`` is unique: a posting happens at most once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    posted_at = models.DateTimeField(db_index=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    memo = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return self.idempotency_key


class LedgerLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lines")
    amount = models.BigIntegerField(help_text="rupiah; debit positive, credit negative")
    # The sub-ledger: which payable the line is about (the payable accounts are per funding source).
    payable = models.ForeignKey("Payable", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_lines")

    class Meta:
        constraints = [models.CheckConstraint(name="ledger_line_amount_nonzero", condition=~Q(amount=0))]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+d}"


class PayoutAccount(models.Model):
    """Where a person's (or an institution's) money goes: a bank account (bank code from ``data/banks.csv``)
    or an e-wallet (``data/ewallets.csv``). The number is stored encrypted. A change makes a new row and
    retires the old one (one current account per owner). ``status``: the holder name's match with the owner
    (``domain.name_verdict``); ``review`` waits for a finance officer (also after the bank refused a transfer
to it: ``bank_refusal``)."""

    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="payout_accounts")
    institution = models.ForeignKey("institutions.Institution", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="payout_accounts")
    channel = models.CharField(max_length=10, choices=[("bank", "bank"), ("ewallet", "e-wallet")])
    provider_code = models.CharField(max_length=20)
    number_encrypted = models.TextField()
    number_last4 = models.CharField(max_length=4)
    holder_name = models.CharField(max_length=150)
    match_score = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=PayoutStatus.choices)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)
    # The bank's reason when it failed or returned a transfer because of this account: it went back to review
    # (``domain.PAYOUT_TRANSITIONS``) and is not paid until an officer re-verifies it or the owner replaces it.
    bank_refusal = models.CharField(max_length=300, blank=True)
    bank_refused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="payout_account_one_owner",
                                   condition=Q(person__isnull=False, institution__isnull=True) | Q(person__isnull=True, institution__isnull=False)),
            models.UniqueConstraint(fields=["person"], condition=Q(is_current=True, person__isnull=False), name="payout_account_one_current_person"),
            models.UniqueConstraint(fields=["institution"], condition=Q(is_current=True, institution__isnull=False),
                                    name="payout_account_one_current_institution"),
            models.CheckConstraint(name="payout_account_status_valid", condition=Q(status__in=PayoutStatus.values)),
            models.CheckConstraint(name="payout_account_score_range", condition=Q(match_score__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.provider_code} ****{self.number_last4} a.n. {self.holder_name}"

    @property
    def number(self) -> str:
        return crypto.decrypt(self.number_encrypted)

    @property
    def number_masked(self) -> str:
        return "*" * 4 + self.number_last4

    def scope_user_id(self):
        return self.person.user_id if self.person_id else None


class IncentiveRule(models.Model):
    """An alumni incentive for filling the employment survey: per program, or per funding source (a program's
    own rule wins). One incentive per rule per person (``domain.incentive_key``)."""

    program = models.ForeignKey("training.Program", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    funding_source = models.CharField(max_length=10, choices=SOURCES)
    amount = models.PositiveBigIntegerField(help_text="rupiah")
    questionnaire_code = models.SlugField(max_length=50, default="employment")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["funding_source", "program_id"]
        constraints = [
            models.UniqueConstraint(fields=["funding_source"], condition=Q(program__isnull=True, is_active=True),
                                    name="incentive_rule_one_per_source"),
            models.UniqueConstraint(fields=["program"], condition=Q(program__isnull=False, is_active=True),
                                    name="incentive_rule_one_per_program"),
            models.CheckConstraint(name="incentive_rule_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.funding_source}/{self.program_id or '*'}: Rp{self.amount}"


class Payable(models.Model):
    """Money owed: an incentive to an alumnus or a training fee to an institution. ``idempotency_key`` is
    unique, so running the accrual again never owes twice."""

    kind = models.CharField(max_length=15, choices=PayableKind.choices)
    status = models.CharField(max_length=10, choices=PayableStatus.choices, default=PayableStatus.DUE, db_index=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    funding_source = models.CharField(max_length=10, choices=SOURCES)
    amount = models.PositiveBigIntegerField(help_text="rupiah")
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="payables")
    institution = models.ForeignKey("institutions.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="payables")
    program = models.ForeignKey("training.Program", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey("training.Enrollment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(IncentiveRule, null=True, blank=True, on_delete=models.PROTECT, related_name="payables")
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    # The bank's reason for the last failed (or returned) transfer (kept until it is paid).
    last_failure = models.CharField(max_length=300, blank=True)
    # How many times the bank sent a paid transfer back (each return owes it again; domain.entry_key).
    returns = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(name="payable_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="payable_party_matches_kind", condition=(
                Q(kind="incentive", person__isnull=False, institution__isnull=True, rule__isnull=False)
                | Q(kind="prakerja", person__isnull=False, institution__isnull=True, rule__isnull=True)
                | Q(kind="training_fee", person__isnull=True, institution__isnull=False))),
            models.CheckConstraint(name="payable_paid_at_iff_paid", condition=Q(status="paid", paid_at__isnull=False)
                                   | (~Q(status="paid") & Q(paid_at__isnull=True))),
            models.UniqueConstraint(fields=["rule", "person"], condition=Q(kind="incentive"), name="payable_incentive_once_per_rule"),
            models.UniqueConstraint(fields=["enrollment"], condition=Q(kind="incentive"), name="payable_incentive_once_per_enrollment"),
        ]
        indexes = [models.Index(fields=["status", "funding_source", "kind"], name="payable_due_idx")]

    def __str__(self) -> str:
        return self.idempotency_key

    def scope_funding_source(self) -> str:
        return self.funding_source


class Batch(models.Model):
    """A disbursement batch of one funding source (and optionally one kind of payable)."""

    funding_source = models.CharField(max_length=10, choices=SOURCES)
    kind = models.CharField(max_length=15, choices=PayableKind.choices, blank=True)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    line_count = models.PositiveIntegerField(default=0)
    total_amount = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "batches"
        constraints = [
            # Four eyes, in the database too.
            models.CheckConstraint(name="batch_approver_not_maker", condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by"))),
            models.CheckConstraint(name="batch_approved_has_approver",
                                   condition=Q(status__in=["draft", "cancelled"]) | Q(approved_by__isnull=False)),
            models.CheckConstraint(name="batch_status_valid", condition=Q(status__in=BatchStatus.values)),
        ]

    def __str__(self) -> str:
        return f"Batch #{self.pk} ({self.funding_source.upper()})"

    def scope_funding_source(self) -> str:
        return self.funding_source


class BatchLine(models.Model):
    """One payable in one batch, with the account it is paid to as it was when the batch was built.
    ``is_open`` while the line waits for the bank: a payable is in at most one open line (a constraint)."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="lines")
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, related_name="batch_lines")
    reference = models.CharField(max_length=40, unique=True)
    amount = models.PositiveBigIntegerField()
    provider_code = models.CharField(max_length=20)
    account_number_encrypted = models.TextField()
    holder_name = models.CharField(max_length=150)
    status = models.CharField(max_length=10, choices=LineStatus.choices, default=LineStatus.PENDING)
    is_open = models.BooleanField(default=True)
    bank_reference = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["payable"], condition=Q(is_open=True), name="batch_line_one_open_per_payable"),
            models.CheckConstraint(name="batch_line_open_iff_pending", condition=Q(is_open=True, status="pending")
                                   | (Q(is_open=False) & ~Q(status="pending"))),
            models.CheckConstraint(name="batch_line_failed_has_reason", condition=~Q(status="failed") | ~Q(failure_reason="")),
        ]
        indexes = [models.Index(fields=["batch", "status"], name="batch_line_status_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def account_number(self) -> str:
        return crypto.decrypt(self.account_number_encrypted)
