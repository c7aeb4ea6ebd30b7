"""What a person's data may hold is checked by the services, so every entry point gets the same answer (defects an
outside tester found on a production server):

* the API sign-up took a 409-character name, a 5,000-character address and ``email: "not-an-email"`` (only the web
  form checked them; on PostgreSQL a value longer than its column is a database error, a 500): now refused by field,
  in both languages, by the sign-up, its claim of a provisional record, a profile update and a posko's record;
* a citizen who signed up with an e-mail only could not save their profile (the phone was required and an empty one
  was "normalised"): a phone may be empty when there is an e-mail, and at least one contact stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sisnaker.accounts import services
from sisnaker.accounts.codes import Code
from sisnaker.accounts.models import Person, SignUpClaim, User
from sisnaker.core.errors import ValidationFailed
from sisnaker.regions.models import District
from tests.conftest import TODAY, make_nik
from tests.factories import InstitutionFactory, PersonFactory, RegionalOfficerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

API_BODY = {"full_name": "Siti Aminah", "birth_date": "1998-03-04", "sex": "F", "education": "sma",
            "phone": "081277770401", "domicile_district": "32.73.01", "password": "Rahasia-Kuat-2026"}


@pytest.mark.parametrize(("field", "value", "code"), [
    ("full_name", "Siti " + "A" * 404, Code.NAME_TOO_LONG),
    ("address", "Jl. " + "x" * 4996, Code.ADDRESS_TOO_LONG),
    ("email", "not-an-email", Code.EMAIL_INVALID),
    ("email", "a" * 250 + "@contoh.id", Code.EMAIL_INVALID),
], ids=["long-name", "long-address", "not-an-email", "long-email"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_api_sign_up_refuses_what_the_columns_cannot_hold_by_field(regions, field, value, code, lang):
    users = User.objects.count()
    response = Client().post("/api/v1/accounts/signup", API_BODY | {"nik": make_nik(birth=dt.date(1998, 3, 4), female=True),
                                                                     field: value},
                             content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code and body["field"] == field
    assert ("e-mail" if field == "email" else "") in body["message"]
    assert ("at most" if lang == "en" else "paling banyak") in body["message"]
    assert User.objects.count() == users and not Person.objects.filter(full_name__startswith="Siti A").exists()


def test_the_claim_of_a_provisional_record_gets_the_same_checks(regions, signup_data):
    inst = InstitutionFactory(registry_number="BLK-3273-070", name="UPTD BLK Kota Bandung")
    record = PersonFactory(provisional=True, added_by_institution=inst, full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4),
                           sex="F")
    for overrides, field in [({"address": "x" * 301}, "address"), ({"email": "siti@", "phone": ""}, "email"),
                             ({"full_name": "S" * 151}, "full_name")]:
        with pytest.raises(ValidationFailed) as refused:
            services.person_sign_up(data=signup_data(**{"nik": record.nik, "full_name": "Siti Aminah",
                                                        "birth_date": dt.date(1998, 3, 4), "sex": "F"} | overrides), today=TODAY)
        assert refused.value.field == field
    assert not SignUpClaim.objects.filter(person=record).exists()
    # At the limits, accepted: the claim keeps them whole.
    claim = services.person_sign_up(data=signup_data(nik=record.nik, full_name="Siti Aminah", birth_date=dt.date(1998, 3, 4),
                                                     sex="F", address="y" * 300), today=TODAY)
    assert claim.declared["address"] == "y" * 300


def test_a_profile_update_and_a_posko_record_get_the_same_checks(citizen):
    base = dict(actor=citizen.user, person=citizen, education=citizen.education, phone=citizen.phone, email=citizen.email,
                domicile_district=citizen.domicile_district)
    with pytest.raises(ValidationFailed) as refused:
        services.person_update(**base | {"address": "x" * 301})
    assert refused.value.code == Code.ADDRESS_TOO_LONG and refused.value.field == "address"
    with pytest.raises(ValidationFailed) as refused:
        services.person_update(**base | {"email": "not-an-email", "current_password": "Rahasia-Kuat-2026"})
    assert refused.value.code == Code.EMAIL_INVALID and refused.value.field == "email"
    assert Person.objects.get(pk=citizen.pk).address == citizen.address

    officer = RegionalOfficerFactory(username="disnaker.posko", area="32.73")
    data = services.ProvisionalPerson(
        nik=make_nik(birth=dt.date(1998, 3, 4), female=True), full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4), sex="F",
        education="sma", domicile_district=District.objects.get(code="32.73.01"), email="bukan-email")
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.person_add_provisional(actor=officer, data=data, today=TODAY)
    assert refused.value.field == "email"


# An e-mail-only citizen ----------------------------------------------------------------------------

PROFILE_FORM = {"education": "smk", "phone": "", "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01",
                "domicile": "32.73.01"}


def test_a_citizen_who_signed_up_with_an_e_mail_only_saves_their_profile(regions, signup_data):
    person = services.person_sign_up(data=signup_data(phone="", email="rina@contoh.id"), today=TODAY)
    assert person.phone == "" and person.user.phone == ""
    client = Client()
    client.force_login(person.user)
    response = client.post(reverse("accounts:profile"), PROFILE_FORM | {"email": "rina@contoh.id", "address": "Jl. Baru 3"})
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.address == "Jl. Baru 3" and person.phone == "" and person.email == "rina@contoh.id"
    # Another account without a phone is no "number used by another account".
    other = services.person_sign_up(data=signup_data(phone="", email="budi@contoh.id"), today=TODAY)
    assert client.post(reverse("accounts:profile"), PROFILE_FORM | {"email": "rina@contoh.id", "address": "Jl. Baru 4"}).status_code == 302
    assert other.phone == ""


def test_at_least_one_contact_stays(regions, signup_data):
    person = services.person_sign_up(data=signup_data(phone="", email="rina@contoh.id"), today=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        services.person_update(actor=person.user, person=person, education="smk", phone="", email="",
                               domicile_district=person.domicile_district, current_password="Rahasia-Kuat-2026")
    assert refused.value.code == Code.CONTACT_REQUIRED
    client = Client()
    client.force_login(person.user)
    page = client.post(reverse("accounts:profile"), PROFILE_FORM | {"email": "", "current_password": "Rahasia-Kuat-2026"})
    assert page.status_code == 400 and "Isi nomor HP atau e-mail" in page.content.decode()
    person.refresh_from_db()
    assert person.email == "rina@contoh.id"
