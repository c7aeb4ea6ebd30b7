"""The admin shows data; it never changes it behind the services' back.

Every model page here is read-only (no add, change or delete), so nothing escapes the audit trail.
The changes administrators need go through the services, which check permission and write the
audit row: grant a role (``role_grant``), revoke roles (``role_revoke``, an action with a reason),
create a staff log-in (``staff_user_create``), reset a user's two-factor log-in (``otp_reset``, an
action with a reason). Opening a person's record here is logged like on the staff page
(``person_record_view``). The site itself (``admin_site.py``) needs Sisnaker's verified log-in.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.core import extensions
from sisnaker.core.admin import ReadOnlyAdminMixin
from sisnaker.core.errors import Msg, SisnakerError
from sisnaker.core.pages import apply_error
from sisnaker.core.paging import EstimatedCountPaginator
from sisnaker.core.roles import FUNDING_SOURCES, Role

from . import services
from .backends import find_user
from .models import Person, RoleAssignment, User


class ReasonActionForm(helpers.ActionForm):
    reason = forms.CharField(label=gettext_lazy("Alasan"), required=False, max_length=500)


def _service_form_page(request, admin_site, *, title: str, form, back_url: str):
    context = {**admin_site.each_context(request), "title": title, "form": form, "back_url": back_url}
    return TemplateResponse(request, "admin/sisnaker/service_form.html", context, status=400 if form.errors else 200)


# Roles ------------------------------------------------------------------------------------------

class RoleGrantForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("Pengguna (nama pengguna, e-mail, nomor HP, atau NIK)"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Peran"), choices=Role.choices)
    institution = forms.CharField(label=gettext_lazy("Nomor registrasi lembaga (pengelola, instruktur)"), max_length=60,
                                  required=False)
    region_code = forms.CharField(label=gettext_lazy("Kode wilayah (petugas Disnaker), mis. 32 atau 32.73"), max_length=5,
                                  required=False)
    company = forms.CharField(label=gettext_lazy("NIB perusahaan (pemberi kerja)"), max_length=20, required=False)
    funding_source = forms.ChoiceField(label=gettext_lazy("Sumber dana (bendahara/PPK; kosong: nasional)"), required=False,
                                       choices=[("", "—"), *((s, s.upper()) for s in FUNDING_SOURCES)])

    # The form resolves what the administrator typed to the objects the service takes. Institutions and
    # companies belong to apps above accounts: the institution comes through an extension point that
    # institutions provides (``accounts.institution_by_registry_number``), the company by model name.
    def clean_user(self):
        user = find_user(self.cleaned_data["user"])
        if user is None:
            raise forms.ValidationError(str(Msg("Pengguna tidak ditemukan.", "User not found.")))
        return user

    def clean_institution(self):
        number = self.cleaned_data["institution"].strip()
        if not number:
            return None
        institution = extensions.collect_one("accounts.institution_by_registry_number", number=number)
        if institution is None:
            raise forms.ValidationError(str(Msg("Lembaga dengan nomor itu tidak ada.", "No institution has that number.")))
        return institution

    def clean_company(self):
        nib = self.cleaned_data["company"].strip()
        if not nib:
            return None
        company = apps.get_model("placement", "Company").objects.filter(nib=nib).first()
        if company is None:
            raise forms.ValidationError(str(Msg("Perusahaan dengan NIB itu tidak ada.", "No company has that NIB.")))
        return company


def _grant_from_form(request, form) -> RoleAssignment:
    d = form.cleaned_data
    return services.role_grant(actor=request.user, user=d["user"], role=d["role"], institution=d["institution"],
                               region_code=d["region_code"].strip(), company=d["company"],
                               funding_source=d["funding_source"])


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "institution", "region_code", "company", "funding_source", "is_active", "granted_by",
                    "granted_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__first_name", "region_code", "institution__name"]
    list_select_related = ["user", "institution", "company", "granted_by"]
    action_form = ReasonActionForm
    actions = ["revoke_roles"]
    change_list_template = "admin/accounts/roleassignment/change_list.html"

    def get_urls(self):
        return [path("beri/", self.admin_site.admin_view(self.grant_view), name="accounts_roleassignment_grant"),
                *super().get_urls()]

    def grant_view(self, request):
        form = RoleGrantForm(request.POST or None, initial={"user": request.GET.get("pengguna", "")[:150]})
        if request.method == "POST" and form.is_valid():
            try:
                assignment = _grant_from_form(request, form)
            except SisnakerError as exc:
                apply_error(form, exc)
            else:
                self.message_user(request, _("Peran diberikan: %(a)s") % {"a": assignment}, messages.SUCCESS)
                return redirect("admin:accounts_roleassignment_changelist")
        return _service_form_page(request, self.admin_site, title=_("Beri peran"), form=form,
                                  back_url=reverse("admin:accounts_roleassignment_changelist"))

    @admin.action(description=gettext_lazy("Cabut peran terpilih (isi alasannya)"))
    def revoke_roles(self, request, queryset):
        reason = request.POST.get("reason", "").strip()[:500]
        done = 0
        for assignment in queryset:
            try:
                services.role_revoke(actor=request.user, assignment=assignment, reason=reason)
                done += 1
            except SisnakerError as exc:
                self.message_user(request, f"{assignment}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)d peran dicabut.") % {"n": done}, messages.SUCCESS)


# Users ------------------------------------------------------------------------------------------

class RoleInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "institution", "region_code", "company", "is_active", "granted_by", "granted_at"]
    readonly_fields = fields


class StaffUserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Nama pengguna"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("Nama lengkap"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    password1 = forms.CharField(label=gettext_lazy("Kata sandi awal"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("Ulangi kata sandi"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return data


@admin.register(User)
class SisnakerUserAdmin(ReadOnlyAdminMixin, UserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "email", "phone", "first_name", "is_active", "is_staff", "otp_required_since"]
    search_fields = ["username", "email", "phone", "first_name"]
    action_form = ReasonActionForm
    actions = ["reset_two_factor"]
    change_list_template = "admin/accounts/user/change_list.html"

    def get_urls(self):
        return [path("tambah-staf/", self.admin_site.admin_view(self.add_staff_view), name="accounts_user_add_staff"),
                *super().get_urls()]

    def add_staff_view(self, request):
        form = StaffUserForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                user = services.staff_user_create(actor=request.user, username=d["username"], password=d["password1"],
                                                  full_name=d["full_name"], email=d["email"])
            except SisnakerError as exc:
                apply_error(form, exc, fields={"password": "password1"})
            else:
                self.message_user(request, _("Pengguna %(u)s dibuat. Beri perannya sekarang.") % {"u": user.username},
                                  messages.SUCCESS)
                return redirect(f"{reverse('admin:accounts_roleassignment_grant')}?pengguna={user.username}")
        return _service_form_page(request, self.admin_site, title=_("Tambah pengguna staf"), form=form,
                                  back_url=reverse("admin:accounts_user_changelist"))

    @admin.action(description=gettext_lazy("Setel ulang verifikasi dua langkah (ponsel hilang; isi alasannya)"))
    def reset_two_factor(self, request, queryset):
        reason = request.POST.get("reason", "")
        for user in queryset:
            try:
                removed = services.otp_reset(actor=request.user, user=user, reason=reason)
            except SisnakerError as exc:
                self.message_user(request, f"{user.username}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(u)s: %(n)d autentikator dihapus.") % {"u": user.username, "n": removed},
                                  messages.SUCCESS)


# People -----------------------------------------------------------------------------------------

@admin.register(Person)
class PersonAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # The NIK is never shown here (masked in the list); opening a record is logged like on the staff page.
    list_display = ["full_name", "nik_masked", "domicile_district", "education", "created_at"]
    search_fields = ["full_name"]
    exclude = ["nik_encrypted", "nik_index"]
    readonly_fields = ["nik_masked", "nik_regency", "nik_district", "nik_warnings", "user", "registered_by"]
    list_select_related = ["domicile_district"]
    ordering = ["full_name", "id"]  # total, and the order of the index person_name_idx
    # Counts: PostgreSQL's estimate for the whole table beyond 100,000 rows, never a second full count.
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        person = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if person is not None:
            # A refusal rises to the error page (core.pages.RefusalMiddleware).
            services.person_record_view(actor=request.user, person=person, purpose="admin")
        return super().change_view(request, object_id, form_url, extra_context)


# Authenticators and groups ----------------------------------------------------------------------

# django-otp's own page shows every user's secret key and QR code, and adds devices for anyone:
# replaced by a read-only list (resetting is the audited user action above).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = fields
    list_select_related = ["user"]


# Sisnaker's permissions are its roles (core/permissions.py); Django groups are not used.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
