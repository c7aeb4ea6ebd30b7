import datetime as dt

import pytest
from django.db import connection

from sisnaker.accounts import services
from sisnaker.accounts.models import Person, User
from sisnaker.core.errors import Conflict, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.regions.nik import NikError

from ..conftest import TODAY, make_nik

pytestmark = pytest.mark.django_db


def test_sign_up_stores_the_nik_encrypted_never_in_plain_text(signup_data):
    data = signup_data()
    person = services.person_sign_up(data=data, today=TODAY)
    assert person.nik == data.nik
    assert person.nik_masked == data.nik[:4] + "********" + data.nik[12:]
    assert person.nik_regency_id == "32.73" and person.nik_district_id == "32.73.01"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_person")
        rows = cursor.fetchall()
    assert rows and all(data.nik not in str(value) for row in rows for value in row)
    assert person.user.check_password("Rahasia-Kuat-2026")
    assert person.user.has_role("citizen")
    event = AuditEvent.objects.get(action="person.signed_up", object_id=str(person.pk))
    assert event.actor_id == person.user_id and data.nik not in str(event.after)


def test_same_nik_cannot_register_twice(signup_data):
    first = signup_data()
    services.person_sign_up(data=first, today=TODAY)
    # Typed with spaces the second time: still the same NIK.
    spaced = " ".join(first.nik[i : i + 4] for i in range(0, 16, 4))
    with pytest.raises(Conflict) as info:
        services.person_sign_up(data=signup_data(nik=spaced), today=TODAY)
    assert info.value.code == "nik_taken" and info.value.field == "nik"
    assert "sudah terdaftar" in info.value.message.id and "already registered" in info.value.message.en
    assert Person.objects.count() == 1 and User.objects.filter(person__isnull=False).count() == 1


def test_invalid_nik_is_refused_with_the_part_that_is_wrong(signup_data):
    with pytest.raises(NikError) as info:
        services.person_sign_up(data=signup_data(nik="3273019905950001"), today=TODAY)
    assert info.value.field == "nik"
    assert Person.objects.count() == 0 and not User.objects.filter(phone__startswith="+62").exists()


def test_birth_date_and_sex_that_differ_from_the_nik_are_warnings_not_refusals(signup_data):
    nik = make_nik(birth=dt.date(1990, 1, 2), female=False)
    person = services.person_sign_up(
        data=signup_data(nik=nik, birth_date=dt.date(1990, 2, 1), sex="F"), today=TODAY
    )
    codes = {w["code"] for w in person.nik_warnings}
    assert {"birth_date_mismatch", "sex_mismatch"} <= codes
    assert person.birth_date == dt.date(1990, 2, 1)  # what the person declared is kept


def test_a_birth_year_slip_of_more_than_120_years_is_refused(signup_data):
    nik = make_nik(birth=dt.date(1986, 3, 12), female=False)
    with pytest.raises(ValidationFailed) as refused:
        services.person_sign_up(data=signup_data(nik=nik, birth_date=dt.date(1826, 3, 12)), today=TODAY)
    assert (refused.value.code, refused.value.field) == ("birth_date_too_early", "birth_date")


def test_an_email_or_phone_of_another_account_is_refused_with_its_own_code(signup_data):
    first = services.person_sign_up(data=signup_data(email="Siti.R@Contoh.id"), today=TODAY)
    with pytest.raises(Conflict) as info:  # the same address in other letters, another phone
        services.person_sign_up(data=signup_data(email="siti.r@contoh.ID"), today=TODAY)
    assert (info.value.code, info.value.field) == ("email_taken", "email")
    with pytest.raises(Conflict) as info:  # both taken (by the same account): the phone is named first
        services.person_sign_up(data=signup_data(email="siti.r@contoh.id", phone=first.phone), today=TODAY)
    assert (info.value.code, info.value.field) == ("phone_taken", "phone")
    second = services.person_sign_up(data=signup_data(email="budi@contoh.id", phone=""), today=TODAY)
    with pytest.raises(Conflict) as info:  # the phone of one account, the e-mail of another
        services.person_sign_up(data=signup_data(email="BUDI@contoh.id", phone=first.phone), today=TODAY)
    assert info.value.code == "phone_taken"
    with pytest.raises(Conflict) as info:  # no phone at all, a taken e-mail
        services.person_sign_up(data=signup_data(email="budi@contoh.id", phone=""), today=TODAY)
    assert info.value.code == "email_taken"
    assert Person.objects.count() == 2 and second.email == "budi@contoh.id"


def test_retired_nik_region_resolves_to_todays_region(signup_data):
    # Merauke was 91.01 (Papua) when many NIKs were issued; it is 93.01 (Papua Selatan) today.
    person = services.person_sign_up(data=signup_data(nik=make_nik(district="91.01.01")), today=TODAY)
    assert person.nik_regency_id == "93.01"
    assert person.nik_regency.province.name == "Papua Selatan"


def test_phone_and_password_rules(signup_data):
    with pytest.raises(ValidationFailed) as info:
        services.person_sign_up(data=signup_data(phone="12345"), today=TODAY)
    assert info.value.field == "phone"
    with pytest.raises(ValidationFailed) as info:
        services.person_sign_up(data=signup_data(password="12345678"), today=TODAY)
    assert info.value.field == "password"
    first = services.person_sign_up(data=signup_data(phone="0812-1111-2222"), today=TODAY)
    assert first.phone == "+6281211112222"
    with pytest.raises(Conflict) as info:
        services.person_sign_up(data=signup_data(phone="+62 812 1111 2222"), today=TODAY)
    assert info.value.code == "phone_taken"
    assert Person.objects.count() == 1
