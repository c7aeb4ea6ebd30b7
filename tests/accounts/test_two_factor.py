"""Staff two-factor that holds (issue 7 §3): the admin uses Sisnaker's verified log-in, a session
opened with the password alone reaches nothing, sensitive changes re-ask the password (and the code)
in the service, roles that see personal data must enrol after a grace period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.accounts import security, services
from sisnaker.accounts.models import Person, User
from sisnaker.core.api_auth import token_create
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Kuat-2026"


def staff(username: str, role: Role = Role.ADMIN, **scope) -> User:
    return factories.staff(role, username=username, first_name=username.title(), password=PASSWORD, **scope)


def with_authenticator(user: User, name: str = "HP") -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def code(device: TOTPDevice) -> str:
    """A valid code now, usable even if the test already used this time step."""
    device.refresh_from_db()
    device.last_t = -1
    device.throttle_reset(commit=False)
    device.save()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def login_with_code(client: Client, username: str, device: TOTPDevice) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:otp_verify")
    response = client.post(reverse("accounts:otp_verify"), {"token": code(device)})
    assert response.status_code == 302


# The admin --------------------------------------------------------------------------------------

def test_admin_login_with_the_password_alone_opens_nothing(client):
    """The reported bypass: POST /admin/login/ with only the password used to give a session that
    opened the admin and the audit trail."""
    admin_user = staff("adm")
    with_authenticator(admin_user)
    response = client.post("/admin/login/", {"username": "adm", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("accounts:audit")).status_code == 302
    assert client.get("/admin/accounts/person/").status_code == 302


def test_admin_login_page_sends_to_sisnaker_login_and_back(client):
    admin_user = staff("adm")
    device = with_authenticator(admin_user)
    response = client.get("/admin/login/?next=/admin/core/auditevent/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=/admin/core/auditevent/"
    client.post(reverse("accounts:login") + "?next=/admin/core/auditevent/",
                {"username": "adm", "password": PASSWORD, "next": "/admin/core/auditevent/"})
    response = client.post(reverse("accounts:otp_verify"), {"token": code(device)})
    assert response.status_code == 302 and response.url == "/admin/core/auditevent/"
    assert client.get("/admin/core/auditevent/").status_code == 200


def test_a_password_only_session_of_a_2fa_account_reaches_only_the_code_page(client, settings):
    """However such a session came about (an old session, another log-in path), the central check
    sends it to the code page; the API answers 403 with a stable code."""
    admin_user = staff("adm")
    device = with_authenticator(admin_user)
    client.force_login(admin_user)
    for url in ["/admin/", reverse("accounts:audit"), reverse("accounts:people"), "/", reverse("accounts:otp_setup"),
                reverse("accounts:otp_remove"), reverse("accounts:profile")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:otp_verify")), url
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"
    # POSTs are refused too (not only pages).
    assert client.post(reverse("accounts:otp_setup"), {"token": "123456", "current_password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=admin_user, confirmed=False).exists()
    # The code page and log-out stay open; the right code unlocks the session where it was going.
    assert client.get(reverse("accounts:otp_verify")).status_code == 200
    response = client.post(reverse("accounts:otp_verify") + "?next=/admin/", {"token": code(device), "next": "/admin/"})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("accounts:audit")).status_code == 200
    assert client.get("/api/v1/accounts/me").status_code == 200


def test_an_api_token_is_its_own_credential_and_an_unverified_session_adds_nothing(client):
    officer = staff("officer", Role.REGIONAL_OFFICER, region_code="32.73")
    with_authenticator(officer)
    _, secret = token_create(user=officer, name="skrip laporan")
    script = Client()
    assert script.get("/api/v1/training/programs", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    client.force_login(officer)
    assert client.get("/api/v1/training/programs").status_code == 403
    # The session is ignored when a token is presented; a bad token is refused whatever the session,
    # and an endpoint that knows only sessions sees nobody.
    assert client.get("/api/v1/training/programs", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert client.get("/api/v1/training/programs", HTTP_AUTHORIZATION="Bearer snk_wrong").status_code == 401
    assert client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_the_admin_needs_the_administrator_role_not_just_the_flags(client):
    admin_user = staff("adm")
    assignment = admin_user.role_assignments.get(role=Role.ADMIN)
    other_admin = staff("adm2")
    services.role_revoke(actor=other_admin, assignment=assignment, reason="mutasi")
    # Even if the flags stayed (set by hand, or by an older version), the site checks the role.
    User.objects.filter(pk=admin_user.pk).update(is_staff=True, is_superuser=True)
    admin_user.refresh_from_db()
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/").status_code == 403


def test_an_administrator_who_must_use_2fa_is_sent_to_enrol_before_the_admin_even_in_grace(client, settings):
    settings.SISNAKER_REQUIRE_2FA = True
    staff("adm")
    client.post(reverse("accounts:login"), {"username": "adm", "password": PASSWORD})
    assert client.get(reverse("accounts:audit")).status_code == 200  # grace period: pages work
    response = client.get("/admin/", follow=False)
    assert response.status_code == 302
    response = client.get(response.url)  # the admin's login → Sisnaker's enrolment page
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_setup"))


# Sensitive changes re-ask the password (and the code) in the service ------------------------------

def _update(person, actor, **kw):
    values = dict(education=person.education, phone=person.phone, email=person.email,
                  domicile_district=person.domicile_district)
    values.update(kw)
    return services.person_update(actor=actor, person=person, **values)


def test_changing_phone_or_email_needs_the_current_password(citizen):
    # (The payout account has its own page and asks the same: tests/payments.)
    for change in [{"phone": "0813-9999-0001"}, {"email": "baru@example.id"}]:
        with pytest.raises(ValidationFailed) as info:
            _update(citizen, citizen.user, **change)
        assert info.value.code == "reauth_required" and info.value.field == "current_password"
        with pytest.raises(ValidationFailed) as info:
            _update(citizen, citizen.user, current_password="bukan-sandinya", **change)
        assert info.value.code == "reauth_failed"
    person = Person.objects.get(pk=citizen.pk)
    assert (person.phone, person.email) == (citizen.phone, citizen.email)
    assert not AuditEvent.objects.filter(action="person.updated").exists()
    # Other corrections need no password; with the password the contact changes.
    _update(citizen, citizen.user, address="Jl. Baru 1")
    _update(citizen, citizen.user, phone="0813-9999-0001", current_password=PASSWORD)
    assert Person.objects.get(pk=citizen.pk).phone == "+6281399990001"
    assert User.objects.get(pk=citizen.user_id).phone == "+6281399990001"


def test_with_2fa_on_the_code_is_needed_too(citizen):
    device = with_authenticator(citizen.user)
    with pytest.raises(ValidationFailed) as info:
        _update(citizen, citizen.user, email="baru@example.id", current_password=PASSWORD)
    assert info.value.code == "otp_required" and info.value.field == "otp_token"
    with pytest.raises(ValidationFailed) as info:
        _update(citizen, citizen.user, email="baru@example.id", current_password=PASSWORD, otp_token="000000")
    assert info.value.code == "otp_invalid"
    _update(citizen, citizen.user, email="baru@example.id", current_password=PASSWORD, otp_token=code(device))
    assert Person.objects.get(pk=citizen.pk).email == "baru@example.id"


def test_wrong_passwords_at_the_change_count_against_the_account(citizen, settings):
    from sisnaker.accounts.throttle import LoginThrottled

    for _ in range(settings.SISNAKER_LOGIN_FREE_FAILURES):
        with pytest.raises(ValidationFailed):
            _update(citizen, citizen.user, email="baru@example.id", current_password="tebak")
    with pytest.raises(LoginThrottled):
        _update(citizen, citizen.user, email="baru@example.id", current_password=PASSWORD)


def test_adding_an_authenticator_needs_the_password_and_the_current_code(citizen):
    user = citizen.user
    first = TOTPDevice.objects.create(user=user, name="HP lama", confirmed=False)
    with pytest.raises(ValidationFailed) as info:
        services.otp_device_confirm(actor=user, device=first, token=code(first), current_password=None)
    assert info.value.code == "reauth_required"
    services.otp_device_confirm(actor=user, device=first, token=code(first), current_password=PASSWORD)
    second = TOTPDevice.objects.create(user=user, name="HP baru", confirmed=False)
    with pytest.raises(ValidationFailed) as info:  # the password alone no longer suffices
        services.otp_device_confirm(actor=user, device=second, token=code(second), current_password=PASSWORD)
    assert info.value.code == "otp_required"
    assert not TOTPDevice.objects.get(pk=second.pk).confirmed
    services.otp_device_confirm(actor=user, device=second, token=code(second), current_password=PASSWORD,
                                otp_token=code(first))
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 2
    assert AuditEvent.objects.filter(action="user.otp_enabled", actor=user).count() == 2
    other = TOTPDevice.objects.create(user=User.objects.create(username="lain"), name="x", confirmed=False)
    with pytest.raises(ValidationFailed):
        services.otp_device_confirm(actor=user, device=other, token=code(other), current_password=PASSWORD)


def test_remove_authenticator_page(client, citizen):
    user = citizen.user
    old, new = with_authenticator(user, "HP lama"), with_authenticator(user, "HP baru")
    login_with_code(client, user.phone, new)
    page = client.get(reverse("accounts:otp_remove"))
    assert page.status_code == 200 and "HP lama" in page.content.decode()
    refused = client.post(reverse("accounts:otp_remove"), {"device": old.pk, "current_password": "salah", "otp_token": code(new)})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(pk=old.pk).exists()
    refused = client.post(reverse("accounts:otp_remove"), {"device": old.pk, "current_password": PASSWORD, "otp_token": "000000"})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(pk=old.pk).exists()
    done = client.post(reverse("accounts:otp_remove"), {"device": old.pk, "current_password": PASSWORD, "otp_token": code(new)})
    assert done.status_code == 302
    assert list(TOTPDevice.objects.filter(user=user).values_list("name", flat=True)) == ["HP baru"]
    event = AuditEvent.objects.get(action="user.otp_removed")
    assert event.actor_id == user.pk and event.after == {"authenticators": 1}


def test_the_last_authenticator_stays_while_the_role_requires_one(settings):
    settings.SISNAKER_REQUIRE_2FA = True
    curator = staff("kur", Role.CURATOR)
    device = with_authenticator(curator)
    with pytest.raises(Conflict) as info:
        services.otp_device_remove(actor=curator, device=device, current_password=PASSWORD, otp_token=code(device))
    assert info.value.code == "otp_required_by_role"
    settings.SISNAKER_REQUIRE_2FA = False
    services.otp_device_remove(actor=curator, device=device, current_password=PASSWORD, otp_token=code(device))
    assert not TOTPDevice.objects.filter(user=curator).exists()


def test_administrator_resets_a_lost_authenticator_with_a_reason(citizen):
    admin_user = staff("adm")
    with_authenticator(citizen.user)
    with pytest.raises(ValidationFailed):
        services.otp_reset(actor=admin_user, user=citizen.user, reason=" ")
    with pytest.raises(PermissionDenied):
        services.otp_reset(actor=staff("kur", Role.CURATOR), user=citizen.user, reason="ponsel hilang")
    assert services.otp_reset(actor=admin_user, user=citizen.user, reason="ponsel hilang, KTP dicek") == 1
    assert not TOTPDevice.objects.filter(user=citizen.user).exists()
    event = AuditEvent.objects.get(action="user.otp_reset")
    assert event.reason == "ponsel hilang, KTP dicek" and event.object_id == str(citizen.user_id)
    from sisnaker.notifications.models import Notification

    assert Notification.objects.filter(topic="otp_reset", recipient=citizen.phone).exists()


# Roles that must use TOTP -----------------------------------------------------------------------

@pytest.mark.parametrize("role,scope", [
    (Role.ADMIN, {}), (Role.REGIONAL_OFFICER, {"region_code": "32"}), (Role.PMO_OFFICER, {}), (Role.CURATOR, {}),
])
def test_required_roles_get_a_grace_period_then_only_the_enrolment_page(client, settings, role, scope):
    settings.SISNAKER_REQUIRE_2FA = True
    settings.SISNAKER_2FA_GRACE_DAYS = 7
    user = staff("petugas", role, **scope)
    response = client.post(reverse("accounts:login"), {"username": "petugas", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "mewajibkan verifikasi dua langkah" in response.content.decode()  # told, with the deadline
    user.refresh_from_db()
    started = user.otp_required_since
    assert started is not None and timezone.now() - started < dt.timedelta(minutes=1)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get("/api/v1/accounts/me").status_code == 200
    # A second log-in does not restart the grace period.
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "petugas", "password": PASSWORD})
    assert User.objects.get(pk=user.pk).otp_required_since == started

    User.objects.filter(pk=user.pk).update(otp_required_since=timezone.now() - dt.timedelta(days=7, minutes=1))
    for url in ["/", reverse("accounts:profile"), reverse("accounts:people"), reverse("training:catalogue")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_setup")), url
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 403 and api.json()["code"] == "otp_enrolment_required"
    page = client.get(reverse("accounts:otp_setup"))
    body = page.content.decode()
    assert page.status_code == 200
    for words in ["Google Authenticator", "Pindai kode QR", "kode 6 angka", "ponsel hilang", "administrator"]:
        assert words in body
    # Enrolling (password + first code) opens everything again.
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": code(device), "current_password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get("/api/v1/accounts/me").status_code == 200
    # Log-out stays possible in every state.
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_after_the_grace_period_a_fresh_log_in_goes_straight_to_enrolment(client, settings):
    settings.SISNAKER_REQUIRE_2FA = True
    user = staff("pengelola", Role.CURATOR)
    User.objects.filter(pk=user.pk).update(otp_required_since=timezone.now() - dt.timedelta(days=30))
    response = client.post(reverse("accounts:login"), {"username": "pengelola", "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_setup"))
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_institution_manager_is_a_required_role_citizen_and_instructor_are_not(settings, citizen):
    settings.SISNAKER_REQUIRE_2FA = True
    institution = factories.InstitutionFactory(registry_number="BLK-2FA-1", name="BLK Uji")
    manager = staff("pengelola", Role.INSTITUTION_MANAGER, institution=institution)
    instructor = staff("instruktur", Role.INSTRUCTOR, institution=institution)
    assert security.must_use_2fa(manager)
    assert not security.must_use_2fa(instructor) and not security.must_use_2fa(citizen.user)
    settings.SISNAKER_2FA_ROLES = ("institution_manager", "instructor")  # the set is a setting
    assert security.must_use_2fa(User.objects.get(pk=instructor.pk))


def test_off_by_default_in_development(client, settings):
    assert settings.SISNAKER_REQUIRE_2FA is False
    staff("kur", Role.CURATOR)
    client.post(reverse("accounts:login"), {"username": "kur", "password": PASSWORD})
    assert client.get(reverse("accounts:people")).status_code == 200
    assert User.objects.get(username="kur").otp_required_since is None


def test_an_enrolment_required_session_cannot_use_a_token_free_api(client, settings):
    settings.SISNAKER_REQUIRE_2FA = True
    settings.SISNAKER_2FA_GRACE_DAYS = 0
    officer = staff("off", Role.REGIONAL_OFFICER, region_code="32.73")
    client.force_login(officer)
    response = client.get("/api/v1/training/programs")
    assert response.status_code == 403 and response.json()["code"] == "otp_enrolment_required"


def test_profile_page_asks_for_the_password_when_the_phone_changes(client, citizen):
    client.force_login(citizen.user)
    form = {"full_name": citizen.full_name, "education": citizen.education, "phone": "0813-5555-0001", "email": "",
            "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "address": ""}
    refused = client.post(reverse("accounts:profile"), form)
    assert refused.status_code == 400
    assert "masukkan kata sandi Anda saat ini" in refused.content.decode()
    assert Person.objects.get(pk=citizen.pk).phone == citizen.phone
    assert client.post(reverse("accounts:profile"), form | {"current_password": PASSWORD}).status_code == 302
    assert Person.objects.get(pk=citizen.pk).phone == "+6281355550001"
