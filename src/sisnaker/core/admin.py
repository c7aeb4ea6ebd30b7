from django.apps import apps
from django.contrib import admin

from . import codes
from .models import AuditEvent
from .paging import EstimatedCountPaginator


class ReadOnlyAdminMixin:
    """Look, never touch: the admin of a model whose changes go through its app's services (an audit row, the
    rules, the ledger's balance), so that nobody edits them behind those. Every app's admin uses it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActionFilter(admin.SimpleListFilter):
    """By action, from the registered audit actions (``core.codes``), not Django's ``SELECT DISTINCT`` over
    every row of the trail."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes.load_all()
        return sorted((str(a), str(a)) for a in codes.all_audit_actions())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    """By object type: the "app.model" labels of the installed models (no scan of the trail)."""

    title = "object type"
    parameter_name = "object_type"

    # Rows about no single model: the demo and seed loaders, reference and region data.
    OTHER = ("demo", "reference", "regions", "seed")

    def lookups(self, request, model_admin):
        labels = {m._meta.label_lower for m in apps.get_models()} | set(self.OTHER)
        return [(label, label) for label in sorted(labels)]

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "ip"]
    # A date filter (today, past 7 days, this month, this year) rather than ``date_hierarchy``, whose
    # drill-down runs a DISTINCT over the dates of every row on each page view (issue 14 §2).
    # Nor the default filters on action and object type (a DISTINCT over every row each): their choices are known.
    list_filter = [("at", admin.DateFieldListFilter), ActionFilter, ObjectTypeFilter]
    search_fields = ["actor_label", "object_id", "object_label"]
    ordering = ["-at", "-id"]  # total: the admin adds no "-pk", the index on ``at`` serves it
    # Counts: PostgreSQL's estimate for the whole table beyond 100,000 rows, never a second full count.
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
