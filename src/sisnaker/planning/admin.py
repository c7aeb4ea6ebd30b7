"""The Django admin's view of planning: for looking things up, never for changing them (plans change only through
the services, which check the permission, keep the lifecycle and write the audit trail)."""

from django.contrib import admin

from sisnaker.core.admin import ReadOnlyAdminMixin

from .models import Plan, PlanLine


class PlanLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PlanLine
    extra = 0
    can_delete = False
    fields = ["vocational_field", "people", "reason"]
    readonly_fields = fields


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "province", "regency", "status", "submitted_at"]
    list_filter = ["year", "status"]
    search_fields = ["province__name", "regency__name"]
    inlines = [PlanLineInline]
