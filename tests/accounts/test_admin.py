"""The admin changes nothing behind the services' back (issue 7 §3): every page is read-only, the
changes administrators need (roles, staff log-ins, two-factor resets) go through audited services,
and opening a person's record there is logged."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.accounts.models import Person, RoleAssignment, User
from sisnaker.core.models import AuditEvent
from tests.factories import AdminFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Kuat-2026"


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="adm", first_name="Admin", password=PASSWORD)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_admin_page_is_read_only(admin_user):
    """Whatever is registered (ours, django-otp's, django-tasks-db's...), no add/change/delete: a new
    registration that allows editing must come with a service and fail here first."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert admin.site._registry, "nothing registered?"
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), label
            assert not inline.has_change_permission(request), label
            assert not inline.has_delete_permission(request), label
    assert {m._meta.label for m in admin.site._registry} >= {"accounts.User", "accounts.Person", "accounts.RoleAssignment",
                                                             "core.AuditEvent", "otp_totp.TOTPDevice"}
    assert "auth.Group" not in {m._meta.label for m in admin.site._registry}


def test_editing_a_person_through_the_admin_is_refused_and_viewing_is_logged(admin_client, citizen):
    """Before: an admin edit of a person wrote no audit row."""
    url = reverse("admin:accounts_person_change", args=[citizen.pk])
    response = admin_client.post(url, {"full_name": "Diubah Lewat Admin", "education": "s1", "phone": "+6281300000000"})
    assert response.status_code == 403
    assert Person.objects.get(pk=citizen.pk).full_name == citizen.full_name
    page = admin_client.get(url)
    assert page.status_code == 200 and citizen.nik not in page.content.decode()
    event = AuditEvent.objects.get(action="person.viewed", object_id=str(citizen.pk))
    assert event.reason == "admin" and event.actor.username == "adm"
    assert admin_client.post(reverse("admin:accounts_person_delete", args=[citizen.pk]), {"post": "yes"}).status_code == 403


def test_users_cannot_be_edited_nor_passwords_set_through_the_admin(admin_client, citizen):
    user = citizen.user
    response = admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]),
                                 {"username": user.username, "is_superuser": "on", "is_staff": "on"})
    assert response.status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff
    password_url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert admin_client.post(password_url, {"password1": "Baru-Sekali-2026", "password2": "Baru-Sekali-2026"}).status_code == 403
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_roles_are_granted_and_revoked_through_the_audited_services(admin_client, citizen, regions):
    institution = InstitutionFactory(registry_number="BLK-ADM-01", name="BLK Admin")
    grant_url = reverse("admin:accounts_roleassignment_grant")
    assert admin_client.get(grant_url).status_code == 200
    # Refusals of the service come back on the form (scope missing, unknown user).
    refused = admin_client.post(grant_url, {"user": citizen.user.phone, "role": "regional_officer"})
    assert refused.status_code == 400 and "cakupan" in refused.content.decode()
    assert admin_client.post(grant_url, {"user": "tidak-ada", "role": "curator"}).status_code == 400
    response = admin_client.post(grant_url, {"user": citizen.user.phone, "role": "institution_manager",
                                             "institution": "blk-adm-01"})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=citizen.user, role="institution_manager")
    assert assignment.institution == institution and assignment.granted_by.username == "adm"
    granted = AuditEvent.objects.get(action="role.granted", object_id=str(assignment.pk))
    assert granted.actor.username == "adm"

    changelist = reverse("admin:accounts_roleassignment_changelist")
    response = admin_client.post(changelist, {"action": "revoke_roles", "_selected_action": [assignment.pk],
                                              "reason": "pindah tugas"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.get(pk=assignment.pk).is_active
    revoked = AuditEvent.objects.get(action="role.revoked", object_id=str(assignment.pk))
    assert revoked.reason == "pindah tugas" and revoked.actor.username == "adm"
    # The inline on the user page shows roles but cannot change them.
    page = admin_client.get(reverse("admin:accounts_user_change", args=[citizen.user_id]))
    assert page.status_code == 200 and "Pengelola lembaga" in page.content.decode()


def test_staff_log_ins_are_created_through_the_service(admin_client):
    url = reverse("admin:accounts_user_add_staff")
    weak = admin_client.post(url, {"username": "kurator2", "full_name": "Kurator Dua", "password1": "123", "password2": "123"})
    assert weak.status_code == 400 and not User.objects.filter(username="kurator2").exists()
    response = admin_client.post(url, {"username": "kurator2", "full_name": "Kurator Dua", "email": "k2@example.id",
                                       "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and "pengguna=kurator2" in response.url
    created = AuditEvent.objects.get(action="user.created", object_id=str(User.objects.get(username="kurator2").pk))
    assert created.actor.username == "adm"


def test_two_factor_reset_is_an_audited_action_and_secrets_are_never_shown(admin_client, citizen):
    device = TOTPDevice.objects.create(user=citizen.user, name="HP", confirmed=True)
    changelist = admin_client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert changelist.status_code == 200
    detail = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert detail.status_code == 200 and device.key not in detail.content.decode()
    # django-otp's own pages that showed the secret as a QR code are gone with its admin.
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (302, 404)
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code in (302, 404)
    users = reverse("admin:accounts_user_changelist")
    admin_client.post(users, {"action": "reset_two_factor", "_selected_action": [citizen.user_id], "reason": ""})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()  # a reason is required
    admin_client.post(users, {"action": "reset_two_factor", "_selected_action": [citizen.user_id],
                              "reason": "ponsel hilang, identitas dicek di loket"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.get(action="user.otp_reset").reason == "ponsel hilang, identitas dicek di loket"
