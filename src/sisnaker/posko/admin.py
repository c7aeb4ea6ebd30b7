"""The Django admin's view of poskos and their assistance log: for looking things up, never for changing them (poskos
open and close, and help is logged, only through the services, which check the scope and the consent and write the
audit trail)."""

from django.contrib import admin

from sisnaker.core.admin import ReadOnlyAdminMixin

from .models import Assistance, Posko


@admin.register(Posko)
class PoskoAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "regency", "institution", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(Assistance)
class AssistanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "posko", "kind", "record_outcome", "officer", "consent_version"]
    list_filter = ["kind", "record_outcome"]
    list_select_related = ["posko", "officer"]
    raw_id_fields = ["person", "enrollment", "prakerja_application"]
