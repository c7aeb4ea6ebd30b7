"""A person added by an institution is provisional and never blocks its owner: signing up with that
NIK proves the phone by a one-time code and takes the record over when name and birth date match;
when they do not, a regional officer of the NIK's region decides. Nothing about the registered person
is shown on the way, the code is never stored, and NIK answers are rate limited per address/network."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts import services
from sisnaker.accounts.models import IdentityDispute, Person, SignUpClaim, User
from sisnaker.core import context
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.notifications.models import Notification
from tests.conftest import TODAY
from tests.factories import InstitutionFactory, PersonFactory, RegionalOfficerFactory
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]








def last_code(to: str) -> str:
    texts = [text for phone, text in committed() if phone == to]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


@pytest.fixture
def provisional(regions):
    """A person an institution imported: no account, the institution's typed phone."""
    inst = InstitutionFactory(registry_number="BLK-3273-050", name="UPTD BLK Kota Bandung")
    person = PersonFactory(provisional=True, added_by_institution=inst, full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4),
                           sex="F", education="sma", phone="+6281300000001")
    return person, person.nik


def sign_up(signup_data, nik, **overrides):
    data = dict(nik=nik, full_name="Siti Aminah, S.Pd.", birth_date=dt.date(1998, 3, 4), sex="F", phone="0812 7777 0001",
                email="siti.aminah@contoh.id")
    data.update(overrides)
    return services.person_sign_up(data=signup_data(**data), today=TODAY)


def test_the_owner_claims_the_record_with_a_code_and_keeps_its_enrollments(signup_data, provisional, sms):
    person, nik = provisional
    claim = sign_up(signup_data, nik)
    assert isinstance(claim, SignUpClaim) and claim.kind == "claim"
    assert Person.objects.get(pk=person.pk).user_id is None  # nothing taken over before the code
    code = last_code("+6281277770001")
    # The code travels by SMS but is never stored: not in the claim, not in the notification log.
    stored = Notification.objects.get(topic="otp.signup_claim")
    assert code not in stored.body and "••••••" in stored.body and code not in claim.code_hash

    with pytest.raises(ValidationFailed):
        services.signup_claim_verify(token=claim.token, code="000000" if code != "000000" else "111111")
    outcome = services.signup_claim_verify(token=claim.token, code=code)
    person.refresh_from_db()
    assert outcome.person == person and person.user == outcome.user and not person.is_provisional
    assert person.phone == "+6281277770001" and person.email == "siti.aminah@contoh.id"
    assert person.full_name == "SITI AMINAH"  # the registered name stays; only contact and profile are taken
    assert outcome.user.check_password("Rahasia-Kuat-2026") and outcome.user.has_role(Role.CITIZEN)
    assert AuditEvent.objects.filter(action="person.claimed", object_id=str(person.pk)).exists()
    # The phone the institution typed hears about it.
    committed()
    assert any(phone == "+6281300000001" and "terhubung dengan akun" in text for phone, text in sms)
    # A finished claim cannot be replayed.
    with pytest.raises(NotFound):
        services.signup_claim_verify(token=claim.token, code=code)


def test_wrong_codes_lock_the_claim(signup_data, provisional):
    _, nik = provisional
    claim = sign_up(signup_data, nik)
    for _ in range(services.CLAIM_MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            services.signup_claim_verify(token=claim.token, code="99999x")
    with pytest.raises(Conflict) as exc:
        services.signup_claim_verify(token=claim.token, code=last_code("+6281277770001"))
    assert exc.value.code == "claim_locked"
    assert Person.objects.filter(user__isnull=False).count() == 0


def test_an_expired_code_is_refused(signup_data, provisional):
    _, nik = provisional
    claim = sign_up(signup_data, nik)
    SignUpClaim.objects.filter(pk=claim.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationFailed):
        services.signup_claim_verify(token=claim.token, code=last_code("+6281277770001"))
    services.signup_claim_resend(token=claim.token)
    assert services.signup_claim_verify(token=claim.token, code=last_code("+6281277770001")).person is not None


def test_a_mismatch_goes_to_the_officer_of_the_nik_region_and_reveals_nothing(signup_data, provisional):
    person, nik = provisional
    claim = sign_up(signup_data, nik, full_name="Siti Aminah Putri", birth_date=dt.date(1998, 4, 3))
    assert claim.kind == "dispute"
    outcome = services.signup_claim_verify(token=claim.token, code=last_code("+6281277770001"))
    assert outcome.person is None and outcome.dispute.status == "open"
    assert outcome.user.has_role(Role.CITIZEN) and not Person.objects.filter(user=outcome.user).exists()
    person.refresh_from_db()
    assert person.is_provisional and person.full_name == "SITI AMINAH"

    far = RegionalOfficerFactory(username="disnaker.sby", area="35.78")
    with pytest.raises(PermissionDenied):
        services.identity_dispute_resolve(actor=far, dispute=outcome.dispute, outcome="owner",
                                          note="KTP diperiksa")
    near = RegionalOfficerFactory(username="disnaker.bdg", email="bdg@disnaker.go.id", area="32.73")
    with pytest.raises(ValidationFailed):
        services.identity_dispute_resolve(actor=near, dispute=outcome.dispute, outcome="owner", note="")
    services.identity_dispute_resolve(actor=near, dispute=outcome.dispute, outcome="owner",
                                      note="KTP asli diperiksa di kantor, 30/11/2026")
    person.refresh_from_db()
    assert person.user == outcome.user and person.full_name == "Siti Aminah Putri"
    assert person.birth_date == dt.date(1998, 4, 3)
    assert AuditEvent.objects.filter(action="person.identity_confirmed", object_id=str(person.pk)).exists()


def test_the_officer_pages(signup_data, provisional):
    person, nik = provisional
    claim = sign_up(signup_data, nik, full_name="Orang Lain")
    dispute = services.signup_claim_verify(token=claim.token, code=last_code("+6281277770001")).dispute
    officer = RegionalOfficerFactory(username="disnaker.jabar", area="32")
    client = Client()
    client.force_login(officer)
    assert "Orang Lain" in client.get(reverse("accounts:disputes")).content.decode()
    page = client.get(reverse("accounts:dispute", args=[dispute.pk])).content.decode()
    assert "SITI AMINAH" in page and "Orang Lain" in page
    assert AuditEvent.objects.filter(action="person.viewed", object_id=str(person.pk), actor=officer).exists()
    response = client.post(reverse("accounts:dispute", args=[dispute.pk]), {"outcome": "not_owner", "note": "NIK salah ketik"})
    assert response.status_code == 302
    assert IdentityDispute.objects.get(pk=dispute.pk).status == "not_owner"
    assert Person.objects.get(pk=person.pk).is_provisional
    # The claimant's home page says so.
    home = Client()
    home.force_login(dispute.claimant)
    assert "NIK salah ketik" in home.get("/").content.decode()


def test_sign_up_page_walks_through_the_code(client, provisional, sms):
    _, nik = provisional
    response = client.post(reverse("accounts:signup"), {
        "nik": nik, "full_name": "Siti Aminah", "birth_date": "1998-03-04", "sex": "F", "phone": "081277770001",
        "email": "", "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "domicile": "32.73.01",
        "education": "sma", "password": "Rahasia-Kuat-2026", "password2": "Rahasia-Kuat-2026",
    })
    assert response.status_code == 302 and "/akun/daftar/verifikasi/" in response["Location"], response.content.decode()[:3000]
    page = client.get(response["Location"]).content.decode()
    assert "SITI AMINAH" not in page and "+62812****001" in page
    response = client.post(response["Location"], {"code": last_code("+6281277770001")})
    assert response.status_code == 302
    assert client.get("/").status_code == 200 and "_auth_user_id" in client.session


def test_nik_answers_are_rate_limited_per_address(signup_data, settings):
    settings.SISNAKER_RATE_LIMITS = {"nik_answer.ip": (3, 3600)}
    owner = services.person_sign_up(data=signup_data(), today=TODAY)
    token = context.activate(context.RequestContext(ip="198.51.100.7"))
    try:
        for _ in range(3):
            with pytest.raises(Conflict):
                services.person_sign_up(data=signup_data(nik=owner.nik), today=TODAY)
        # The fourth probe gets no answer about the NIK at all — not even for a fresh one.
        with pytest.raises(TooManyRequests):
            services.person_sign_up(data=signup_data(nik=owner.nik), today=TODAY)
        with pytest.raises(TooManyRequests):
            services.person_sign_up(data=signup_data(), today=TODAY)
    finally:
        context.deactivate(token)
    # Another address is not affected.
    token = context.activate(context.RequestContext(ip="203.0.113.5"))
    try:
        with pytest.raises(Conflict):
            services.person_sign_up(data=signup_data(nik=owner.nik), today=TODAY)
    finally:
        context.deactivate(token)


def test_sign_ups_are_rate_limited_per_network(signup_data, settings):
    settings.SISNAKER_RATE_LIMITS = {"signup.net": (2, 3600)}
    for last in (1, 2):
        token = context.activate(context.RequestContext(ip=f"198.51.100.{last}"))
        try:
            services.person_sign_up(data=signup_data(), today=TODAY)
        finally:
            context.deactivate(token)
    token = context.activate(context.RequestContext(ip="198.51.100.99"))
    try:
        with pytest.raises(TooManyRequests):
            services.person_sign_up(data=signup_data(), today=TODAY)
    finally:
        context.deactivate(token)


def test_api_claim_flow(provisional):
    _, nik = provisional
    api = Client()
    body = {"nik": nik, "full_name": "Siti Aminah", "birth_date": "1998-03-04", "sex": "F", "education": "sma",
            "phone": "081277770001", "domicile_district": "32.73.01", "password": "Rahasia-Kuat-2026"}
    response = api.post("/api/v1/accounts/signup", body, content_type="application/json")
    assert response.status_code == 202 and response.json()["destination"] == "+62812****001"
    token = response.json()["verification_token"]
    bad = api.post("/api/v1/accounts/signup/verify", {"verification_token": token, "code": "12345"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "claim_code_wrong"
    ok = api.post("/api/v1/accounts/signup/verify", {"verification_token": token, "code": last_code("+6281277770001")},
                  content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "claimed"


# Issue 9 §2: records an import or staff added without a phone, or with an e-mail only -----------

SIGNUP_FORM = {
    "full_name": "Siti Aminah", "birth_date": "1998-03-04", "sex": "F", "email": "",
    "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "domicile": "32.73.01",
    "education": "sma", "password": "Rahasia-Kuat-2026", "password2": "Rahasia-Kuat-2026",
}


def _enrolled(person):
    from sisnaker.training.models import Enrollment
    from tests.training.test_services import make_program, make_staff

    manager = make_staff("pengelola.claim", Role.INSTITUTION_MANAGER, person.added_by_institution)
    program = make_program(manager, person.added_by_institution)
    now = timezone.now()
    return Enrollment.objects.create(program=program, person=person, state="participant", source="import",
                                     registered_at=now, state_changed_at=now)


@pytest.mark.parametrize("on_record", [{"phone": "", "email": ""}, {"phone": "", "email": "siti.lama@contoh.id"}],
                         ids=["no-contact", "email-only"])
def test_a_record_without_a_phone_is_claimed_with_a_new_phone_and_keeps_its_enrolments(client, provisional, sms, on_record):
    person, nik = provisional
    Person.objects.filter(pk=person.pk).update(**on_record)
    person.refresh_from_db()
    enrollment = _enrolled(person)
    response = client.post(reverse("accounts:signup"), SIGNUP_FORM | {"nik": nik, "phone": "0812 7777 0002"})
    # Never "already registered, log in": the owner of a provisional record goes on to the code.
    assert response.status_code == 302 and "/akun/daftar/verifikasi/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "+62812****002" in page and "sudah terdaftar" not in page and "SITI AMINAH" not in page
    response = client.post(response["Location"], {"code": last_code("+6281277770002")})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    person.refresh_from_db()
    user = User.objects.get(pk=client.session["_auth_user_id"])
    assert person.user == user and person.phone == "+6281277770002" and user.phone == "+6281277770002"
    assert person.email == on_record["email"]  # an e-mail the institution typed stays on the record
    enrollment.refresh_from_db()
    assert enrollment.person_id == person.pk and enrollment.state == "participant"
    assert AuditEvent.objects.filter(action="person.claimed", object_id=str(person.pk)).exists()
    # The account now logs in with the new phone, and sees its enrolment.
    other = Client()
    assert other.post(reverse("accounts:login"), {"username": "081277770002", "password": "Rahasia-Kuat-2026"}).status_code == 302
    assert enrollment.program.title in other.get("/pelatihan/saya/").content.decode()


def test_a_record_with_an_e_mail_is_claimed_with_that_e_mail_on_the_account(provisional, signup_data, sms):
    person, nik = provisional
    Person.objects.filter(pk=person.pk).update(phone="", email="siti.aminah@contoh.id")
    claim = sign_up(signup_data, nik, email="Siti.Aminah@contoh.id", phone="0812 7777 0003")
    assert isinstance(claim, SignUpClaim) and claim.kind == "claim"
    outcome = services.signup_claim_verify(token=claim.token, code=last_code("+6281277770003"))
    person.refresh_from_db()
    assert outcome.person == person and outcome.user.email == "siti.aminah@contoh.id" == person.email
    # Nothing went to the record's e-mail about a takeover: it is the same address.
    assert not Notification.objects.filter(topic="person.claimed").exists()


def test_the_sign_up_never_answers_already_registered_for_a_provisional_record(client, provisional, sms):
    _, nik = provisional
    for overrides in ({}, {"full_name": "Nama Lain Sekali", "phone": "0812 7777 0005"}):
        response = client.post(reverse("accounts:signup"), SIGNUP_FORM | {"nik": nik, "phone": "0812 7777 0004"} | overrides)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert "sudah terdaftar" not in client.get(response["Location"]).content.decode()
