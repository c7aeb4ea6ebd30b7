"""After wrong authenticator codes django-otp makes the next check wait (1, 2, 4… seconds): a code typed during that
wait is not checked at all. It used to be answered "wrong or expired" — also the right code — and nobody was told to
wait (a defect an outside tester found). Now such an attempt is told apart and says how many seconds are left; the
wait itself is unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.accounts import security, services
from sisnaker.accounts.codes import Code
from sisnaker.core.errors import TooManyRequests
from sisnaker.core.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = factories.PASSWORD


def right_code(device: TOTPDevice) -> str:
    """The current code, usable again in this time step, without touching the throttle."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def after_wrong_codes(device: TOTPDevice, *, failures: int, seconds_ago: float = 0) -> None:
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=failures, throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=seconds_ago))


def test_the_code_page_says_how_long_to_wait_and_then_takes_the_right_code(regions):
    user = factories.staff(Role.ADMIN, username="adm.wait", password=PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "adm.wait", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:otp_verify")

    after_wrong_codes(device, failures=4)  # django-otp: 8 seconds before the next check
    response = client.post(reverse("accounts:otp_verify"), {"token": right_code(device)})
    page = response.content.decode()
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 8
    assert "detik" in page and "Kode salah atau sudah kedaluwarsa" not in page
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 4  # the wait is not reset (nor lengthened) by the unchecked code

    client.cookies["sisnaker_lang"] = "en"
    english = client.post(reverse("accounts:otp_verify"), {"token": right_code(device)}).content.decode()
    assert "seconds" in english and "wrong or has expired" not in english

    after_wrong_codes(device, failures=4, seconds_ago=9)  # the wait is over
    response = client.post(reverse("accounts:otp_verify"), {"token": right_code(device)})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_wrong_code_outside_the_wait_is_still_wrong_and_starts_it(regions):
    user = factories.staff(Role.ADMIN, username="adm.wrong", password=PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    good = right_code(device)
    wrong = "000000" if good != "000000" else "111111"
    assert security.verify_code(user, wrong) is None
    device.refresh_from_db()
    assert device.throttling_failure_count == 1 and device.throttling_failure_timestamp is not None
    after_wrong_codes(device, failures=2)  # a second wrong code: 2 seconds
    with pytest.raises(TooManyRequests) as waiting:
        security.verify_code(user, good)
    assert waiting.value.code == Code.OTP_THROTTLED and waiting.value.field == "otp_token"
    assert 1 <= waiting.value.retry_after <= 2 and f"{waiting.value.retry_after} detik" in waiting.value.message.id


def test_a_change_that_re_asks_the_code_says_so_too(citizen):
    device = TOTPDevice.objects.create(user=citizen.user, name="HP", confirmed=True)
    after_wrong_codes(device, failures=3)
    with pytest.raises(TooManyRequests) as waiting:
        services.person_update(actor=citizen.user, person=citizen, education=citizen.education, phone="081299990001",
                               email=citizen.email, domicile_district=citizen.domicile_district, current_password=PASSWORD,
                               otp_token=right_code(device))
    assert waiting.value.code == Code.OTP_THROTTLED and waiting.value.field == "otp_token"
    assert "seconds" in waiting.value.message.en
    citizen.refresh_from_db()
    assert citizen.phone != "+6281299990001"
