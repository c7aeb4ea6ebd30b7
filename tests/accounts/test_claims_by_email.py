"""People without a phone claim their record by e-mail (issue 9 §2): a person an institution imported with
only an e-mail (or nothing) on record signs up with their NIK and an e-mail address instead of a phone; when
name and birth date match, the one-time code goes to that address and the account takes the record over
with its enrollments. The trust rules stay: the code proves the contact, a mismatch opens a dispute that
looks the same, nothing about the record is shown, and the contact rule is checked before the NIK is looked
up. Their forgotten password comes back by an e-mailed code, from the log-in page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from sisnaker.accounts import services
from sisnaker.accounts.models import Person, SignUpClaim, User
from sisnaker.core.errors import ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.notifications.models import Notification
from sisnaker.training.models import Enrollment
from tests.conftest import TODAY
from tests.factories import InstitutionFactory, PersonFactory, ProgramFactory, enrollments_in
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]
PASSWORD = "Rahasia-Kuat-2026"
NEW = "Sandi-Baru-Lebih-Kuat-77"


def code_mailed_to(address: str, words: str = "verifikasi") -> str:
    committed()
    bodies = [m.body for m in mail.outbox if m.to == [address] and words in m.body]
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


@pytest.fixture
def imported(regions):
    """Someone an institution imported with only an e-mail address, enrolled in one of its programs."""
    inst = InstitutionFactory(name="UPTD BLK Kota Bandung")
    person = PersonFactory(provisional=True, added_by_institution=inst, full_name="DEWI LESTARI", birth_date=dt.date(1999, 8, 17),
                           sex="F", phone="", email="dewi.lestari@contoh.id")
    enrollment = enrollments_in(ProgramFactory(institution=inst), people=[person])[0]
    return person, enrollment


def sign_up(signup_data, nik, **overrides):
    data = dict(nik=nik, full_name="Dewi Lestari", birth_date=dt.date(1999, 8, 17), sex="F", phone="",
                email="dewi.lestari@contoh.id")
    data.update(overrides)
    return services.person_sign_up(data=signup_data(**data), today=TODAY)


def test_an_email_only_person_claims_the_record_by_email_with_its_enrollments(signup_data, imported, sms):
    person, enrollment = imported
    claim = sign_up(signup_data, person.nik)
    assert isinstance(claim, SignUpClaim) and (claim.kind, claim.channel) == ("claim", "email")
    assert services.claim_destination(claim) == "de***@contoh.id"
    code = code_mailed_to("dewi.lestari@contoh.id")
    stored = Notification.objects.get(topic="otp.signup_claim")
    assert stored.channel == "email" and code not in stored.body  # the code is never kept
    assert not sms  # no SMS to anyone

    outcome = services.signup_claim_verify(token=claim.token, code=code)
    person.refresh_from_db()
    assert outcome.person == person and person.user == outcome.user and not person.is_provisional
    assert (outcome.user.phone, outcome.user.email) == ("", "dewi.lestari@contoh.id")
    assert Enrollment.objects.get(pk=enrollment.pk).person.user == outcome.user
    started = AuditEvent.objects.get(action="person.claim_started", object_id=str(person.pk))
    assert started.after["channel"] == "email" and started.after["to"] == "de***@contoh.id"
    # The e-mail logs in.
    from sisnaker.accounts.backends import find_user
    assert find_user("dewi.lestari@contoh.id") == outcome.user


def test_a_new_email_or_phone_given_is_proven_by_its_code_and_the_records_contact_hears(signup_data, imported, sms):
    person, _ = imported
    claim = sign_up(signup_data, person.nik, email="dewi.baru@contoh.id")
    assert claim.channel == "email"
    outcome = services.signup_claim_verify(token=claim.token, code=code_mailed_to("dewi.baru@contoh.id"))
    person.refresh_from_db()
    assert person.user == outcome.user and person.email == "dewi.baru@contoh.id"
    committed()
    told = [m for m in mail.outbox if m.to == ["dewi.lestari@contoh.id"]]
    assert len(told) == 1 and "terhubung dengan akun" in told[0].body and "de***@contoh.id" in told[0].body


def test_a_record_with_nothing_on_it_is_claimed_with_a_new_phone(signup_data, regions, sms):
    person = PersonFactory(provisional=True, added_by_institution=InstitutionFactory(), full_name="ANDI", birth_date=dt.date(1990, 1, 2),
                           sex="M", phone="", email="")
    claim = sign_up(signup_data, person.nik, full_name="Andi", birth_date=dt.date(1990, 1, 2), sex="M", phone="0812 3333 0009",
                    email="")
    assert claim.channel == "sms"
    committed()
    code = re.search(r"\b(\d{6})\b", [t for to, t in sms if to == "+6281233330009"][-1]).group(1)
    assert services.signup_claim_verify(token=claim.token, code=code).person == person


def test_a_mismatch_by_email_opens_a_dispute_and_looks_the_same(signup_data, imported, client):
    person, _ = imported
    claim = sign_up(signup_data, person.nik, full_name="Dewi Lestari Putri", email="orang.lain@contoh.id")
    assert (claim.kind, claim.channel) == ("dispute", "email")
    outcome = services.signup_claim_verify(token=claim.token, code=code_mailed_to("orang.lain@contoh.id"))
    assert outcome.person is None and outcome.dispute.status == "open"
    assert Person.objects.get(pk=person.pk).is_provisional


def test_a_phone_or_an_email_is_needed_whatever_the_nik(signup_data, imported):
    person, _ = imported
    from tests.conftest import make_nik
    for nik in (person.nik, make_nik(birth=dt.date(1999, 8, 17), female=True)):
        with pytest.raises(ValidationFailed) as exc:
            sign_up(signup_data, nik, phone="", email="")
        assert (exc.value.code, exc.value.field) == ("contact_required", "phone")
    assert not SignUpClaim.objects.exists() and not User.objects.filter(person__isnull=False).exists()


def test_a_new_citizen_may_sign_up_with_an_email_only(signup_data, regions):
    person = services.person_sign_up(data=signup_data(phone="", email="Tanpa.HP@Contoh.id"), today=TODAY)
    assert isinstance(person, Person) and (person.user.phone, person.user.email) == ("", "tanpa.hp@contoh.id")
    # A second e-mail-only account: a blank phone is no one's phone.
    assert isinstance(services.person_sign_up(data=signup_data(phone="", email="kedua@contoh.id"), today=TODAY), Person)


def test_the_pages_from_sign_up_to_a_forgotten_password_by_email(client, imported):
    person, _ = imported
    form = {"nik": person.nik, "full_name": "Dewi Lestari", "birth_date": "1999-08-17", "sex": "F", "phone": "",
            "email": "dewi.lestari@contoh.id", "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "education": "smk", "password": PASSWORD, "password2": PASSWORD}
    nothing = client.post(reverse("accounts:signup"), form | {"email": ""})
    assert nothing.status_code == 400 and "Isi nomor HP atau e-mail" in nothing.content.decode()
    response = client.post(reverse("accounts:signup"), form)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:signup"))
    page = client.get(response.url).content.decode()
    assert "lewat e-mail ke de***@contoh.id" in page and "DEWI LESTARI" not in page
    done = client.post(response.url, {"code": code_mailed_to("dewi.lestari@contoh.id")})
    assert done.status_code == 302 and Person.objects.get(pk=person.pk).user is not None
    client.logout()

    # "Lupa kata sandi" on the log-in page: the code goes to the e-mail, the only contact.
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in login_page
    reset = client.post(reverse("accounts:password_reset"), {"identifier": "dewi.lestari@contoh.id"})
    assert reset.status_code == 302
    code = code_mailed_to("dewi.lestari@contoh.id", words="atur ulang")
    done = client.post(reset.url, {"code": code, "password": NEW, "password2": NEW})
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    assert client.post(reverse("accounts:login"), {"username": person.nik, "password": NEW}).status_code == 302
    assert "_auth_user_id" in client.session
