"""No dead end after an identity dispute decided "not the owner" (a defect an outside tester found on a production
server): the sign-up's account stays, without a record, and every citizen page refused it; signing up again was
refused because its phone was taken, and a signed-in user could not reach the sign-up. Now such an account registers
its owner's NIK while signed in, with the sign-up's checks: a free NIK becomes its record, one held by a provisional
record goes through the same one-time code (claim or a new dispute), one held by another account gets the sign-up's
answer and rate limit. The decision's message says what to do next, and the claimant is never told which institution
recorded the disputed NIK."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sisnaker.accounts import services
from sisnaker.accounts.codes import Code
from sisnaker.accounts.models import IdentityDispute, Person, SignUpClaim, User
from sisnaker.core import context
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.notifications.models import Notification
from sisnaker.regions.models import District
from tests.conftest import TODAY, make_nik
from tests.factories import InstitutionFactory, PersonFactory, RegionalOfficerFactory
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

CLAIMANT_PHONE = "+6281277770301"
FORM = {
    "full_name": "Rina Marlina", "birth_date": "1996-02-11", "sex": "F",
    "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "domicile": "32.73.01",
    "education": "smk", "address": "Jl. Merdeka 1",
}


def last_code(to: str) -> str:
    texts = [text for phone, text in committed() if phone == to]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def institution_record(**kw) -> Person:
    inst = InstitutionFactory(registry_number=f"BLK-3273-{kw.pop('serial', 60)}", name="UPTD BLK Kota Bandung")
    values = dict(full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4), sex="F", education="sma", phone="+6281300000031")
    return PersonFactory(provisional=True, added_by_institution=inst, **values | kw)


def posko_record(*, nik: str | None = None) -> Person:
    """A record a Disnaker officer made at the office's posko (no institution), as posko.services does."""
    officer = RegionalOfficerFactory(username="disnaker.posko", area="32.73")
    data = services.ProvisionalPerson(
        nik=nik or make_nik(birth=dt.date(1998, 3, 4), female=True), full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4),
        sex="F", education="sma", domicile_district=District.objects.get(code="32.73.01"), phone="081300000032")
    with transaction.atomic():
        return services.person_add_provisional(actor=officer, data=data, today=TODAY, added_by_institution_id=None)


def disputed_account(signup_data, record: Person) -> tuple[User, IdentityDispute]:
    """Someone signs up with ``record``'s NIK but another name, proves the phone: an account without a record."""
    claim = services.person_sign_up(data=signup_data(nik=record.nik, full_name="Rina Marlina", birth_date=dt.date(1996, 2, 11),
                                                     sex="F", phone=CLAIMANT_PHONE), today=TODAY)
    outcome = services.signup_claim_verify(token=claim.token, code=last_code(CLAIMANT_PHONE))
    assert outcome.person is None and outcome.dispute is not None
    return outcome.user, outcome.dispute


def decide_not_owner(dispute: IdentityDispute) -> None:
    officer = RegionalOfficerFactory(username="disnaker.bdg", area="32.73")
    services.identity_dispute_resolve(actor=officer, dispute=dispute, outcome="not_owner", note="NIK salah ketik")


def registration(**overrides) -> services.NikRegistration:
    values = dict(nik=make_nik(birth=dt.date(1996, 2, 11), female=True), full_name="Rina Marlina", birth_date=dt.date(1996, 2, 11),
                  sex="F", education="smk", domicile_district=District.objects.get(code="32.73.01"))
    return services.NikRegistration(**values | overrides)


def test_after_not_owner_the_account_registers_its_own_nik_and_reaches_citizen_pages(regions, signup_data):
    user, dispute = disputed_account(signup_data, institution_record())
    decide_not_owner(dispute)
    # The decision says what to do next: register the own NIK, signed in, at its page.
    told = Notification.objects.filter(topic="person.dispute_not_owner").order_by("-pk").first()
    assert told is not None and reverse("accounts:nik_register") in told.body and "daftarkan NIK Anda sendiri" in told.body

    client = Client()
    client.force_login(user)
    home = client.get("/").content.decode()
    assert 'id="nik-dispute"' in home and "Data NIK Anda sedang diperiksa" not in home
    assert reverse("accounts:nik_register") in home and "NIK salah ketik" in home
    assert reverse("accounts:nik_register") in client.get(reverse("accounts:profile")).content.decode()

    nik = make_nik(birth=dt.date(1996, 2, 11), female=True)
    response = client.post(reverse("accounts:nik_register"), FORM | {"nik": nik})
    assert response.status_code == 302 and response["Location"] == "/", response.content.decode()[:2000]
    person = Person.objects.get(user=user)
    assert person.nik == nik and person.full_name == "Rina Marlina" and person.phone == CLAIMANT_PHONE
    assert AuditEvent.objects.filter(action="person.nik_registered", object_id=str(person.pk)).exists()
    # A citizen page that refused the account now opens, and the notice is gone.
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200 and person.nik_masked in profile.content.decode()
    assert 'id="nik-dispute"' not in client.get("/").content.decode()
    # Once joined, the page leads to the profile instead.
    assert client.get(reverse("accounts:nik_register"))["Location"] == reverse("accounts:profile")


def test_not_while_the_dispute_is_open_nor_for_an_account_that_holds_a_record_or_is_staff(regions, signup_data):
    user, _dispute = disputed_account(signup_data, institution_record())
    with pytest.raises(Conflict) as refused:
        services.person_register_nik(actor=user, data=registration(), today=TODAY)
    assert refused.value.code == Code.DISPUTE_PENDING
    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:nik_register"))["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Data NIK Anda sedang diperiksa" in home and reverse("accounts:nik_register") not in home

    citizen = PersonFactory().user
    with pytest.raises(Conflict) as refused:
        services.person_register_nik(actor=citizen, data=registration(), today=TODAY)
    assert refused.value.code == Code.ACCOUNT_HAS_PERSON
    officer = RegionalOfficerFactory(username="disnaker.x", area="32.73")
    with pytest.raises(PermissionDenied):
        services.person_register_nik(actor=officer, data=registration(), today=TODAY)
    staff = Client()
    staff.force_login(officer)
    assert staff.get(reverse("accounts:nik_register")).status_code == 403
    assert not Person.objects.filter(user__in=[user, officer]).exists()


def test_a_nik_of_another_account_gets_the_sign_up_answer_and_its_rate_limit(regions, signup_data, settings):
    settings.SISNAKER_RATE_LIMITS = {"nik_answer.ip": (2, 3600)}
    user, dispute = disputed_account(signup_data, institution_record())
    decide_not_owner(dispute)
    owner = PersonFactory(full_name="Orang Lain", birth_date=dt.date(1990, 1, 1))
    token = context.activate(context.RequestContext(ip="198.51.100.44"))
    try:
        for _ in range(2):
            with pytest.raises(Conflict) as refused:
                services.person_register_nik(actor=user, data=registration(nik=owner.nik), today=TODAY)
            assert refused.value.code == Code.NIK_TAKEN and refused.value.field == "nik"
            assert "Orang Lain" not in str(refused.value.message)
        # No more answers about NIKs from this address, not even for a free one.
        with pytest.raises(TooManyRequests):
            services.person_register_nik(actor=user, data=registration(), today=TODAY)
    finally:
        context.deactivate(token)
    assert not Person.objects.filter(user=user).exists()


def test_the_same_field_checks_as_the_sign_up(regions, signup_data):
    user, dispute = disputed_account(signup_data, institution_record())
    decide_not_owner(dispute)
    for overrides, field in [({"nik": "1234"}, "nik"), ({"full_name": "A" * 151}, "full_name"),
                             ({"address": "x" * 301}, "address"), ({"birth_date": dt.date(2999, 1, 1)}, "birth_date")]:
        with pytest.raises(ValidationFailed) as refused:
            services.person_register_nik(actor=user, data=registration(**overrides), today=TODAY)
        assert refused.value.field == field
    assert not Person.objects.filter(user=user).exists()


def test_a_provisional_record_of_the_own_nik_is_claimed_with_the_code_to_the_account(regions, signup_data):
    user, dispute = disputed_account(signup_data, institution_record())
    decide_not_owner(dispute)
    own = institution_record(serial=61, full_name="RINA MARLINA", birth_date=dt.date(1996, 2, 11), phone="+6281300000033")
    client = Client()
    client.force_login(user)
    response = client.post(reverse("accounts:nik_register"), FORM | {"nik": own.nik})
    assert response.status_code == 302 and "/akun/nik/verifikasi/" in response["Location"]
    claim = SignUpClaim.objects.get(person=own, completed_at__isnull=True)
    page = client.get(response["Location"]).content.decode()
    assert "+62812****301" in page and "RINA MARLINA" not in page
    code = last_code(CLAIMANT_PHONE)
    # Nobody else completes it: not without an account (the sign-up's code page or API), not another account.
    assert Client().get(reverse("accounts:signup_verify", args=[claim.token])).status_code == 404
    with pytest.raises(NotFound):
        services.signup_claim_verify(token=claim.token, code=code)
    other = Client()
    other.force_login(PersonFactory().user)
    assert other.get(response["Location"]).status_code == 404

    users = User.objects.count()
    done = client.post(response["Location"], {"code": code})
    assert done.status_code == 302 and done["Location"] == "/"
    own.refresh_from_db()
    assert own.user == user and User.objects.count() == users  # joined to this account, no new one
    assert own.phone == CLAIMANT_PHONE and own.full_name == "RINA MARLINA"
    assert AuditEvent.objects.filter(action="person.claimed", object_id=str(own.pk)).exists()


def test_a_provisional_record_with_other_data_opens_a_new_dispute_for_the_account(regions, signup_data):
    user, dispute = disputed_account(signup_data, institution_record())
    decide_not_owner(dispute)
    other_record = posko_record(nik=make_nik(birth=dt.date(1996, 2, 11), female=True, district="32.73.02"))
    claim = services.person_register_nik(actor=user, data=registration(nik=other_record.nik, full_name="Rina M."), today=TODAY)
    assert isinstance(claim, SignUpClaim) and claim.kind == "dispute"
    outcome = services.signup_claim_verify(token=claim.token, code=last_code(CLAIMANT_PHONE), actor=user)
    assert outcome.user == user and outcome.person is None and outcome.dispute.status == "open"
    assert IdentityDispute.objects.filter(claimant=user).count() == 2
    # The claimant reads who recorded the NIK by kind only (a posko officer), never an institution's name.
    client = Client()
    client.force_login(user)
    home = client.get("/").content.decode()
    assert "dicatat petugas posko Disnaker untuk NIK ini" in home


@pytest.mark.parametrize(("make", "said", "never"), [
    (posko_record, "dicatat petugas posko Disnaker", "dicatat lembaga pelatihan"),
    (institution_record, "dicatat lembaga pelatihan", "UPTD BLK Kota Bandung"),
], ids=["disnaker-posko", "institution"])
def test_the_claimant_and_the_officer_read_who_recorded_the_disputed_nik(regions, signup_data, make, said, never):
    record = make()
    user, dispute = disputed_account(signup_data, record)
    client = Client()
    client.force_login(user)
    home = client.get("/").content.decode()
    assert said in home and never not in home
    officer = Client()
    officer.force_login(RegionalOfficerFactory(username="disnaker.jabar", area="32"))
    queue = officer.get(reverse("accounts:disputes")).content.decode()
    assert f"Ditambahkan oleh {services.person_added_by(record).id}" in queue


def test_a_citizen_account_without_a_record_or_a_dispute_is_led_to_the_registration(regions, signup_data):
    user = User.objects.create_user(username="wtanpa", phone="+6281277770399", password="Rahasia-Kuat-2026")
    services.role_grant(actor=None, user=user, role=Role.CITIZEN)
    client = Client()
    client.force_login(user)
    home = client.get("/").content.decode()
    assert 'id="nik-register"' in home and reverse("accounts:nik_register") in home
    assert client.get(reverse("accounts:nik_register")).status_code == 200
    assert client.post(reverse("accounts:nik_register"), FORM | {"nik": "123"}).status_code == 400
