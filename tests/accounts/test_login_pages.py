"""Log-in by e-mail/phone/NIK, lockout after repeated failures, TOTP two-factor, audit page access."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.accounts import services
from sisnaker.accounts.models import User
from tests.conftest import TODAY
from tests.factories import AdminFactory, CuratorFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Kuat-2026"


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.parametrize("how", ["email", "phone", "nik", "nik_spaced"])
def test_citizen_logs_in_with_what_they_remember(client, regions, how):
    person = PersonFactory(email="rahma@example.id", phone="+6281277771234")
    identifier = {
        "email": "Rahma@Example.id",
        "phone": "+62 812 7777 1234",
        "nik": person.nik,
        "nik_spaced": " ".join(person.nik[i : i + 4] for i in range(0, 16, 4)),
    }[how]
    response = _login(client, identifier)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.user_id)


def test_wrong_password_gets_a_clear_message_and_no_session(client, citizen):
    response = _login(client, citizen.phone, "salah-sandi")
    assert response.status_code == 400
    assert "salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_slow_the_account_down(client, citizen, settings):
    for _ in range(settings.SISNAKER_LOGIN_FREE_FAILURES):
        _login(client, citizen.phone, "salah-sandi")
    response = _login(client, citizen.phone)  # even the right password waits now
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # NIKs are never written in plain text into the throttle tables.
    from sisnaker.accounts.models import LoginCounter
    from sisnaker.core.models import RateCounter

    _login(client, "9999999999999999", "salah")
    assert not LoginCounter.objects.filter(key__contains="9999999999999999").exists()
    assert not RateCounter.objects.filter(key__contains="9999999999999999").exists()


def test_staff_turn_on_totp_and_then_need_a_code(client):
    staff = CuratorFactory(username="kurator1", first_name="Kurator", password=PASSWORD)
    assert _login(client, "kurator1").status_code == 302
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    bad = client.post(reverse("accounts:otp_setup"), {"token": "000000", "current_password": PASSWORD})
    assert bad.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
    # The password is re-asked before an authenticator is added.
    assert client.post(reverse("accounts:otp_setup"), {"token": code}).status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.post(reverse("accounts:otp_setup"), {"token": code, "current_password": PASSWORD}).status_code == 302
    assert TOTPDevice.objects.get(user=staff).confirmed

    client.post(reverse("accounts:logout"))
    response = _login(client, "kurator1")
    assert response.status_code == 302 and response.url == reverse("accounts:otp_verify")
    assert "_auth_user_id" not in client.session  # not logged in before the code
    assert client.post(reverse("accounts:otp_verify"), {"token": "123456"}).status_code == 400
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again for the test
    device.save()
    device.throttle_reset()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
    assert client.post(reverse("accounts:otp_verify"), {"token": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_only_administrators_read_the_audit_trail(client, citizen, signup_data):
    services.person_sign_up(data=signup_data(), today=TODAY)  # an audited action to read
    client.force_login(citizen.user)
    assert client.get(reverse("accounts:audit")).status_code == 403
    admin = AdminFactory(username="adm", first_name="Adm")
    client.force_login(admin)
    page = client.get(reverse("accounts:audit") + "?action=person.")
    assert page.status_code == 200
    assert "person.signed_up" in page.content.decode()


def test_signup_page_shows_field_errors_in_indonesian_and_english(client, regions):
    bad = {"nik": "12345", "full_name": "A B", "birth_date": "1995-05-17", "sex": "F", "phone": "0812",
           "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "education": "smk",
           "password": PASSWORD, "password2": PASSWORD}
    response = client.post(reverse("accounts:signup"), bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "16 angka" in body and "Nomor HP" in body
    # A browser asking for English still gets Indonesian until English is chosen.
    assert "16 angka" in client.post(reverse("accounts:signup"), bad, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies["sisnaker_lang"] = "en"
    response = client.post(reverse("accounts:signup"), bad)
    assert response.status_code == 400
    assert "16 digits" in response.content.decode()
    assert User.objects.filter(phone__startswith="+62").count() == 0
