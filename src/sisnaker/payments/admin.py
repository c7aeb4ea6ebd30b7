"""The Django admin's view of payments: for looking things up, never for changing them. Ledger rows are
append-only (the database refuses UPDATE and DELETE); payables, batches, payout accounts and incentive rules
change only through the services (pages and API), which check the permission, keep the state machines and the
ledger balanced and write the audit trail, so the admin shows them read-only too. Account numbers are shown
masked."""

from django.contrib import admin

from sisnaker.core.admin import ReadOnlyAdminMixin

from .models import (
    Batch,
    BatchLine,
    IncentiveRule,
    JournalEntry,
    LedgerAccount,
    LedgerLine,
    Payable,
    PayoutAccount,
)


class ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class LedgerLineInline(ReadOnlyInline):
    model = LedgerLine
    fields = ["account", "amount", "payable"]
    readonly_fields = fields


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnly):
    list_display = ["kind", "funding_source", "person"]
    list_filter = ["kind", "funding_source"]
    raw_id_fields = ["person"]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnly):
    list_display = ["posted_at", "kind", "idempotency_key", "posted_by", "memo"]
    list_filter = ["kind"]
    search_fields = ["idempotency_key", "memo"]
    date_hierarchy = "posted_at"
    inlines = [LedgerLineInline]


@admin.register(LedgerLine)
class LedgerLineAdmin(ReadOnly):
    list_display = ["entry", "account", "amount", "payable"]
    list_filter = ["account__kind", "account__funding_source"]
    list_select_related = ["entry", "account", "payable"]
    raw_id_fields = ["entry", "payable"]


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ReadOnly):
    list_display = ["created_at", "person", "institution", "provider_code", "number_masked", "holder_name", "match_score",
                    "status", "is_current"]
    list_filter = ["status", "channel", "is_current"]
    search_fields = ["holder_name", "number_last4"]
    exclude = ["number_encrypted"]
    raw_id_fields = ["person", "institution"]


@admin.register(IncentiveRule)
class IncentiveRuleAdmin(ReadOnly):
    list_display = ["funding_source", "program", "amount", "questionnaire_code", "is_active", "created_at"]
    list_filter = ["funding_source", "is_active"]


@admin.register(Payable)
class PayableAdmin(ReadOnly):
    list_display = ["idempotency_key", "kind", "status", "funding_source", "amount", "person", "institution", "created_at",
                    "paid_at"]
    list_filter = ["status", "kind", "funding_source"]
    search_fields = ["idempotency_key"]
    list_select_related = ["person", "institution"]
    raw_id_fields = ["person", "institution", "program", "enrollment", "rule"]


class BatchLineInline(ReadOnlyInline):
    model = BatchLine
    fields = ["reference", "payable", "provider_code", "holder_name", "amount", "status", "bank_reference", "failure_reason"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Batch)
class BatchAdmin(ReadOnly):
    list_display = ["pk", "funding_source", "kind", "status", "line_count", "total_amount", "created_by", "approved_by",
                    "created_at"]
    list_filter = ["status", "funding_source"]
    inlines = [BatchLineInline]


@admin.register(BatchLine)
class BatchLineAdmin(ReadOnly):
    list_display = ["reference", "batch", "payable", "provider_code", "amount", "status"]
    list_filter = ["status"]
    search_fields = ["reference", "bank_reference"]
    exclude = ["account_number_encrypted"]
    raw_id_fields = ["batch", "payable"]
