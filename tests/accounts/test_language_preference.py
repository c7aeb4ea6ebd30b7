"""The chosen language is the account's (a defect an outside tester found: ``User.preferred_language`` had no writer
but the demo seed, so every SMS and e-mail — password reset code, claim code, a dispute's outcome — was Indonesian):

* the switcher, used while signed in, saves the choice on the account (audited), and nothing for a visitor;
* a sign-up saves the language it was made in (page or API), and its claim code is written in it;
* the one-time codes follow the recipient's language;
* a log-in on a browser that never chose sets that browser's language from the account (LanguageMiddleware reads
  the cookie only), without overriding a browser's own choice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.accounts import services
from sisnaker.accounts.models import User
from sisnaker.core.models import AuditEvent
from tests.conftest import make_nik
from tests.factories import PASSWORD, InstitutionFactory, PersonFactory
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

COOKIE = settings.LANGUAGE_COOKIE_NAME


def switch(client: Client, language: str, nxt: str = "/"):
    return client.post(reverse("accounts:language"), {"language": language, "next": nxt})


def sms_to(phone: str) -> list[str]:
    return [text for to, text in committed() if to == phone]


def test_switching_while_signed_in_saves_the_accounts_language_and_its_codes_follow(citizen):
    client = Client()
    client.force_login(citizen.user)
    response = switch(client, "en", "/akun/saya/")
    assert response.status_code == 302 and response["Location"] == "/akun/saya/"
    assert response.cookies[COOKIE].value == "en"
    assert User.objects.get(pk=citizen.user_id).preferred_language == "en"
    event = AuditEvent.objects.get(action="user.language_set", object_id=str(citizen.user_id))
    assert event.before == {"preferred_language": "id"} and event.after == {"preferred_language": "en"}
    switch(client, "en")  # no change, no second row
    assert AuditEvent.objects.filter(action="user.language_set").count() == 1

    services.password_reset_request(identifier=citizen.user.phone)
    texts = sms_to(citizen.user.phone)
    assert texts and texts[-1].startswith("Your Sisnaker password reset code")

    switch(client, "id")
    assert User.objects.get(pk=citizen.user_id).preferred_language == "id"
    services.password_reset_request(identifier=citizen.user.phone)
    assert sms_to(citizen.user.phone)[-1].startswith("Kode atur ulang kata sandi Sisnaker")


def test_a_visitors_switch_saves_nothing_and_an_unknown_language_changes_nothing(citizen):
    response = switch(Client(), "en")
    assert response.cookies[COOKIE].value == "en" and not AuditEvent.objects.filter(action="user.language_set").exists()
    client = Client()
    client.force_login(citizen.user)
    response = switch(client, "xx")
    assert response.status_code == 302 and COOKIE not in response.cookies
    assert User.objects.get(pk=citizen.user_id).preferred_language == "id"


def test_a_session_still_waiting_for_its_authenticator_code_saves_nothing(citizen):
    TOTPDevice.objects.create(user=citizen.user, name="HP", confirmed=True)
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": citizen.user.phone, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:otp_verify")
    assert switch(client, "en").cookies[COOKIE].value == "en"  # the page's language changes
    assert User.objects.get(pk=citizen.user_id).preferred_language == "id"


def test_a_sign_up_in_english_keeps_english_for_the_account_and_its_claim_code(regions):
    page = Client()
    page.cookies[COOKIE] = "en"
    form = {"nik": make_nik(birth=dt.date(1998, 3, 4), female=True), "full_name": "Rina Marlina", "birth_date": "1998-03-04",
            "sex": "F", "phone": "0812 7777 0501", "email": "", "domicile_0": "32", "domicile_1": "32.73",
            "domicile_2": "32.73.01", "domicile": "32.73.01", "education": "sma", "password": PASSWORD, "password2": PASSWORD}
    assert page.post(reverse("accounts:signup"), form).status_code == 302
    assert User.objects.get(phone="+6281277770501").preferred_language == "en"

    api = Client()
    body = {"nik": make_nik(birth=dt.date(1998, 3, 4), female=True), "full_name": "Budi Santoso", "birth_date": "1998-03-04",
            "sex": "F", "education": "sma", "phone": "081277770502", "domicile_district": "32.73.01", "password": PASSWORD}
    assert api.post("/api/v1/accounts/signup", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").status_code == 201
    assert User.objects.get(phone="+6281277770502").preferred_language == "en"

    # A NIK a training centre recorded: the claim code is in English, and so is the account it creates.
    inst = InstitutionFactory(registry_number="BLK-3273-080", name="UPTD BLK Kota Bandung")
    record = PersonFactory(provisional=True, added_by_institution=inst, full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4),
                           sex="F")
    response = api.post("/api/v1/accounts/signup", body | {"nik": record.nik, "full_name": "Siti Aminah", "phone": "081277770503"},
                        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202
    text = sms_to("+6281277770503")[-1]
    assert text.startswith("Your Sisnaker verification code")
    code = text.split(": ")[1][:6]
    outcome = services.signup_claim_verify(token=response.json()["verification_token"], code=code)
    assert outcome.user.preferred_language == "en"


def test_a_log_in_on_a_browser_that_never_chose_takes_the_accounts_language(citizen):
    User.objects.filter(pk=citizen.user_id).update(preferred_language="en")
    fresh = Client()
    response = fresh.post(reverse("accounts:login"), {"username": citizen.user.phone, "password": PASSWORD})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    home = fresh.get("/")
    assert home["Content-Language"] == "en"
    # A browser that chose stays as it chose.
    chosen = Client()
    chosen.cookies[COOKIE] = "id"
    response = chosen.post(reverse("accounts:login"), {"username": citizen.user.phone, "password": PASSWORD})
    assert response.status_code == 302 and COOKIE not in response.cookies
    assert chosen.get("/")["Content-Language"] == "id"
