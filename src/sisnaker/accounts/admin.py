from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Person, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    raw_id_fields = ["institution", "company", "granted_by"]


@admin.register(User)
class SisnakerUserAdmin(UserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "email", "phone", "first_name", "is_active", "is_staff"]
    search_fields = ["username", "email", "phone", "first_name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    # The NIK is never shown here: staff open a person's record through the logged page.
    list_display = ["full_name", "nik_masked", "domicile_district", "education", "created_at"]
    search_fields = ["full_name"]
    exclude = ["nik_encrypted", "nik_index", "bank_account_encrypted"]
    readonly_fields = ["nik_masked", "nik_regency", "nik_district", "nik_warnings", "user", "registered_by"]
    raw_id_fields = ["domicile_district"]
    list_select_related = ["domicile_district"]

    def has_add_permission(self, request):
        return False  # people register through the sign-up service (NIK checks, audit)
