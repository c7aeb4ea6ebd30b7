"""Forgotten passwords (issue 9 §2): a one-time code by SMS for whatever identifier the log-in accepts
(many citizens have no e-mail), or Django's link by e-mail. Codes expire, work once and only a few
wrong tries; requests and checks are rate limited per identifier and per client; the answer is the
same whether or not an account exists; a reset ends every session, keeps two-factor, and is audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.accounts import services
from sisnaker.accounts.models import LoginDevice, PasswordResetCode, User
from sisnaker.core import context
from sisnaker.core.errors import Conflict, NotFound, TooManyRequests, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.notifications.models import Notification
from tests.conftest import TODAY
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

OLD = "Rahasia-Kuat-2026"
NEW = "Sandi-Baru-Lebih-Kuat-77"








def codes_to(phone: str) -> list[str]:
    return [re.search(r"\b(\d{6})\b", text).group(1) for to, text in committed() if to == phone and "atur ulang" in text]


def last_code(phone: str) -> str:
    return codes_to(phone)[-1]


@pytest.fixture
def person(signup_data):
    return services.person_sign_up(data=signup_data(phone="0812-5555-0001", password=OLD), today=TODAY)


def in_request(ip: str):
    return context.activate(context.RequestContext(ip=ip))


# Service: the code ------------------------------------------------------------------------------

def test_a_code_by_sms_resets_the_password_once_and_is_never_stored(person, sms):
    reset = services.password_reset_request(identifier=person.nik)
    code = last_code("+6281255550001")
    assert reset.user == person.user and code not in reset.code_hash
    stored = Notification.objects.get(topic="otp.password_reset")
    assert code not in stored.body and "••••••" in stored.body

    user = services.password_reset_with_code(token=reset.token, code=code, password=NEW)
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(OLD)
    requested = AuditEvent.objects.get(action="user.password_reset_requested", object_id=str(user.pk))
    assert requested.after["channel"] == "sms" and requested.after["to"] == "+62812****001"
    done = AuditEvent.objects.get(action="user.password_reset", object_id=str(user.pk))
    assert done.after["channel"] == "sms" and done.after["sessions_ended"] is True
    # The account hears about it (a stranger with the code cannot hide the change).
    assert Notification.objects.filter(topic="password_reset", recipient="+6281255550001").exists()
    # Single use.
    with pytest.raises(NotFound):
        services.password_reset_with_code(token=reset.token, code=code, password="Lagi-Sandi-Lain-99")


@pytest.mark.parametrize("typed", ["nik", "0812 5555 0001", "+62-812-5555-0001", "warga@contoh.id"])
def test_every_identifier_the_log_in_accepts_sends_the_code_to_the_phone(signup_data, typed):
    person = services.person_sign_up(data=signup_data(phone="0812-5555-0001", email="warga@contoh.id", password=OLD), today=TODAY)
    reset = services.password_reset_request(identifier=person.nik if typed == "nik" else typed)
    assert reset.user == person.user and len(codes_to("+6281255550001")) == 1


def test_a_staff_username_works_and_an_account_without_phone_gets_the_code_by_e_mail(regions):
    user = services.staff_user_create(actor=None, username="pengelola.bdg", password=OLD, full_name="Pengelola",
                                      email="pengelola@blk.go.id")
    reset = services.password_reset_request(identifier="pengelola.bdg")
    committed()
    sent = Notification.objects.get(topic="otp.password_reset")
    assert reset.user == user and sent.channel == "email" and sent.recipient == "pengelola@blk.go.id"
    assert "••••••" in sent.body


def test_an_unknown_identifier_gets_the_same_answer_and_no_code(person, sms):
    for typed in ("0899 0000 1111", "3273010101010099", "nobody@contoh.id", "no.such.user"):
        reset = services.password_reset_request(identifier=typed)
        assert isinstance(reset, PasswordResetCode) and reset.user is None and reset.token
        # Wrong codes are answered exactly as for a real account, and counted the same.
        with pytest.raises(ValidationFailed) as exc:
            services.password_reset_with_code(token=reset.token, code="123456", password=NEW)
        assert exc.value.code == "reset_code_wrong"
    assert committed() == [] and not Notification.objects.exists()
    real = services.password_reset_request(identifier=person.nik)
    with pytest.raises(ValidationFailed) as exc:
        wrong = "000000" if last_code("+6281255550001") != "000000" else "111111"
        services.password_reset_with_code(token=real.token, code=wrong, password=NEW)
    assert exc.value.code == "reset_code_wrong"


def test_a_code_expires(person):
    reset = services.password_reset_request(identifier=person.nik)
    code = last_code("+6281255550001")
    PasswordResetCode.objects.filter(pk=reset.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationFailed):
        services.password_reset_with_code(token=reset.token, code=code, password=NEW)
    assert User.objects.get(pk=person.user_id).check_password(OLD)
    assert reset.expires_at - reset.created_at == dt.timedelta(minutes=10)


def test_wrong_codes_lock_the_request(person):
    reset = services.password_reset_request(identifier=person.nik)
    code = last_code("+6281255550001")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.RESET_MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            services.password_reset_with_code(token=reset.token, code=wrong, password=NEW)
    with pytest.raises(Conflict) as exc:
        services.password_reset_with_code(token=reset.token, code=code, password=NEW)
    assert exc.value.code == "reset_locked"
    assert User.objects.get(pk=person.user_id).check_password(OLD)


def test_a_new_request_voids_the_earlier_code(person):
    first = services.password_reset_request(identifier=person.nik)
    first_code = last_code("+6281255550001")
    second = services.password_reset_request(identifier="081255550001")
    with pytest.raises(ValidationFailed):
        services.password_reset_with_code(token=first.token, code=first_code, password=NEW)
    services.password_reset_with_code(token=second.token, code=last_code("+6281255550001"), password=NEW)


def test_a_weak_password_does_not_use_the_code_up(person):
    reset = services.password_reset_request(identifier=person.nik)
    code = last_code("+6281255550001")
    with pytest.raises(ValidationFailed) as exc:
        services.password_reset_with_code(token=reset.token, code=code, password="12345678")
    assert exc.value.code == "password_weak" and exc.value.field == "password"
    services.password_reset_with_code(token=reset.token, code=code, password=NEW)


# Service: rate limits ---------------------------------------------------------------------------

def test_requests_are_limited_per_identifier_known_or_not(person, settings):
    settings.SISNAKER_RATE_LIMITS = {"password_reset.id": (2, 3600)}
    for typed in (person.nik, "3273010101010099"):
        for _ in range(2):
            services.password_reset_request(identifier=typed)
        with pytest.raises(TooManyRequests):  # the same refusal for the unknown identifier: nothing leaks
            services.password_reset_request(identifier=typed)
    # The identifier is normalised (spaces, 0/+62), so typing it differently gains nothing.
    services.password_reset_request(identifier="0812 5555 0001")
    services.password_reset_request(identifier="+62 812-5555-0001")
    with pytest.raises(TooManyRequests):
        services.password_reset_request(identifier="6281255550001")


def test_requests_are_limited_per_client_address(person, settings):
    settings.SISNAKER_RATE_LIMITS = {"password_reset.ip": (2, 3600)}
    token = in_request("198.51.100.7")
    try:
        services.password_reset_request(identifier="0899 0000 1111")
        services.password_reset_request(identifier="0899 0000 2222")
        with pytest.raises(TooManyRequests):
            services.password_reset_request(identifier=person.nik)
    finally:
        context.deactivate(token)
    token = in_request("203.0.113.5")
    try:
        assert services.password_reset_request(identifier=person.nik).user == person.user
    finally:
        context.deactivate(token)


def test_codes_to_one_account_are_capped_whatever_identifier_without_a_word(signup_data, settings):
    settings.SISNAKER_RATE_LIMITS = {"password_reset.account": (1, 3600)}
    person = services.person_sign_up(data=signup_data(phone="0812-5555-0001", email="warga@contoh.id"), today=TODAY)
    assert services.password_reset_request(identifier=person.nik).user == person.user
    second = services.password_reset_request(identifier="warga@contoh.id")
    assert second.user is None and len(codes_to("+6281255550001")) == 1  # nothing sent, same answer


def test_code_checks_are_limited_per_address_and_per_identifier(person, settings):
    settings.SISNAKER_RATE_LIMITS = {"password_reset_check.ip": (3, 3600), "password_reset_check.id": (4, 3600)}
    token = in_request("198.51.100.7")
    try:
        reset = services.password_reset_request(identifier=person.nik)
        for _ in range(3):
            with pytest.raises(ValidationFailed):
                services.password_reset_with_code(token=reset.token, code="999999x", password=NEW)
        with pytest.raises(TooManyRequests):
            services.password_reset_with_code(token=reset.token, code=last_code("+6281255550001"), password=NEW)
    finally:
        context.deactivate(token)
    # From another address the same identifier has one check left (4 per identifier), whatever request it uses.
    token = in_request("203.0.113.5")
    try:
        fresh = services.password_reset_request(identifier=person.nik)
        services.password_reset_with_code(token=fresh.token, code=last_code("+6281255550001"), password=NEW)
        again = services.password_reset_request(identifier=person.nik)
        with pytest.raises(TooManyRequests):
            services.password_reset_with_code(token=again.token, code=last_code("+6281255550001"), password="Lagi-Sandi-Lain-99")
    finally:
        context.deactivate(token)


def test_purge_deletes_old_requests(person):
    reset = services.password_reset_request(identifier=person.nik)
    assert services.password_reset_codes_purge(now=timezone.now()) == 0
    assert services.password_reset_codes_purge(now=reset.expires_at + dt.timedelta(days=1, seconds=1)) == 1


# Pages ------------------------------------------------------------------------------------------

def _visible_text(html: str) -> str:
    """The page as a reader sees it (no CSRF token, which differs per response)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    html = re.sub(r"/akun/lupa-sandi/kode/[^/]+/", "/akun/lupa-sandi/kode/TOKEN/", html)  # its own address
    return re.sub(r'nonce="[^"]*"', "", html)


def test_the_log_in_page_links_to_the_reset(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in page and "Lupa kata sandi?" in page


def test_forgot_password_pages_by_sms(client, person):
    signed_in = Client()
    signed_in.force_login(person.user)
    LoginDevice.objects.create(user=person.user, token_hash="x" * 64, created_at=timezone.now(), last_used_at=timezone.now())
    assert client.get(reverse("accounts:password_reset")).status_code == 200
    response = client.post(reverse("accounts:password_reset"), {"identifier": "0812-5555-0001"})
    assert response.status_code == 302 and response.url.startswith("/akun/lupa-sandi/kode/")
    page = client.get(response.url).content.decode()
    assert "+62812" not in page and person.full_name not in page  # nothing about the account
    bad = client.post(response.url, {"code": "000000" if last_code("+6281255550001") != "000000" else "111111",
                                     "password": NEW, "password2": NEW})
    assert bad.status_code == 400 and "Kode salah" in bad.content.decode()
    mismatch = client.post(response.url, {"code": last_code("+6281255550001"), "password": NEW, "password2": NEW + "x"})
    assert mismatch.status_code == 400
    done = client.post(response.url, {"code": last_code("+6281255550001"), "password": NEW, "password2": NEW})
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    assert "_auth_user_id" not in client.session  # a reset opens no session
    assert "Kata sandi sudah diganti" in client.get(done.url).content.decode()
    # The other session ended; the device cookie no longer lets anyone skip the throttle.
    assert signed_in.get(reverse("accounts:profile")).status_code == 302
    assert "_auth_user_id" not in signed_in.session
    assert not LoginDevice.objects.filter(user=person.user, revoked_at__isnull=True).exists()
    # Used: the code page is gone.
    assert client.get(response.url).status_code == 404
    # And the new password logs in.
    assert client.post(reverse("accounts:login"), {"username": person.nik, "password": NEW}).status_code == 302
    assert "_auth_user_id" in client.session


def test_existing_and_unknown_identifiers_get_identical_pages(client, person):
    known = client.post(reverse("accounts:password_reset"), {"identifier": person.nik})
    unknown = client.post(reverse("accounts:password_reset"), {"identifier": "3273010101010099"})
    assert known.status_code == unknown.status_code == 302
    pattern = re.compile(r"^/akun/lupa-sandi/kode/[A-Za-z0-9_-]{32}/$")
    assert pattern.match(known.url) and pattern.match(unknown.url)
    known_page, unknown_page = client.get(known.url), client.get(unknown.url)
    assert known_page.status_code == unknown_page.status_code == 200
    assert _visible_text(known_page.content.decode()) == _visible_text(unknown_page.content.decode())
    wrong = {"code": "000000" if last_code("+6281255550001") != "000000" else "111111", "password": NEW, "password2": NEW}
    known_wrong, unknown_wrong = client.post(known.url, wrong), client.post(unknown.url, wrong)
    assert known_wrong.status_code == unknown_wrong.status_code == 400
    assert _visible_text(known_wrong.content.decode()) == _visible_text(unknown_wrong.content.decode())


def test_pages_answer_429_past_the_limits(client, person, settings):
    settings.SISNAKER_RATE_LIMITS = {"password_reset.id": (1, 3600)}
    client.post(reverse("accounts:password_reset"), {"identifier": person.nik})
    refused = client.post(reverse("accounts:password_reset"), {"identifier": person.nik})
    assert refused.status_code == 429 and "Retry-After" in refused
    assert "Terlalu banyak permintaan" in refused.content.decode()


def test_staff_with_an_authenticator_still_needs_the_code_after_a_reset(client, regions):
    staff = services.staff_user_create(actor=None, username="admin.bdg", password=OLD, full_name="Admin")
    services.role_grant(actor=None, user=staff, role=Role.ADMIN)
    User.objects.filter(pk=staff.pk).update(phone="+6281255550009")
    TOTPDevice.objects.create(user=staff, name="HP", confirmed=True)
    response = client.post(reverse("accounts:password_reset"), {"identifier": "admin.bdg"})
    client.post(response.url, {"code": last_code("+6281255550009"), "password": NEW, "password2": NEW})
    assert User.objects.get(pk=staff.pk).check_password(NEW)
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()  # the reset keeps the authenticator
    assert "_auth_user_id" not in client.session
    login = client.post(reverse("accounts:login"), {"username": "admin.bdg", "password": NEW})
    assert login.status_code == 302 and login.url == reverse("accounts:otp_verify")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:audit")).status_code == 302


def test_forgot_password_by_e_mail_link(client, signup_data, settings):
    settings.SISNAKER_PUBLIC_URL = "https://sisnaker.example.go.id"
    person = services.person_sign_up(data=signup_data(email="warga@contoh.id", password=OLD), today=TODAY)
    signed_in = Client()
    signed_in.force_login(person.user)
    page = client.get(reverse("accounts:password_reset_email"))
    assert page.status_code == 200
    response = client.post(reverse("accounts:password_reset_email"), {"email": "WARGA@contoh.id"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_email_sent")
    unknown = client.post(reverse("accounts:password_reset_email"), {"email": "tidak.ada@contoh.id"})
    assert unknown.status_code == 302 and unknown.url == response.url  # the same answer
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["warga@contoh.id"]
    link = re.search(r"https://sisnaker\.example\.go\.id(/akun/lupa-sandi/email/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    assert User.objects.get(pk=person.user_id).check_password(NEW) and "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="user.password_reset", object_id=str(person.user_id)).after["channel"] == "email_link"
    assert "_auth_user_id" not in signed_in.session or signed_in.get(reverse("accounts:profile")).status_code == 302
    # The link works once.
    again = client.get(link, follow=True).content.decode()
    assert "tidak berlaku lagi" in again and "new_password1" not in again


def test_e_mail_requests_share_the_limits(client, signup_data, settings):
    settings.SISNAKER_RATE_LIMITS = {"password_reset.id": (1, 3600)}
    services.person_sign_up(data=signup_data(email="warga@contoh.id"), today=TODAY)
    client.post(reverse("accounts:password_reset"), {"identifier": "warga@contoh.id"})
    refused = client.post(reverse("accounts:password_reset_email"), {"email": "warga@contoh.id"})
    assert refused.status_code == 429 and not mail.outbox


def test_signed_in_visitors_are_sent_home(person):
    signed_in = Client()
    signed_in.force_login(person.user)
    for name in ("password_reset", "password_reset_email", "password_reset_email_sent", "password_reset_complete"):
        response = signed_in.get(reverse(name if ":" in name else f"accounts:{name}"))
        assert response.status_code == 302 and response.url == reverse("web:home"), name


def test_unknown_code_page_is_not_found(client, regions):
    assert client.get(reverse("accounts:password_reset_code", args=["no-such-token"])).status_code == 404


def test_pages_in_english(client, person, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("accounts:password_reset")).content.decode()
    assert "Forgot your password" in page
    response = client.post(reverse("accounts:password_reset"), {"identifier": person.nik})
    assert "New password" in client.get(response.url).content.decode()
    assert "Forgot your password?" in client.get(reverse("accounts:login")).content.decode()


def test_people_added_by_others_have_no_password_and_are_pointed_to_the_sign_up(client, regions, sms):
    from sisnaker.accounts.models import Person
    from sisnaker.core import crypto
    from tests.conftest import approved_institution, make_nik

    nik = make_nik(birth=dt.date(1998, 3, 4), female=True)
    Person.objects.create(
        nik_encrypted=crypto.encrypt(nik), nik_index=crypto.blind_index(nik, label="nik"), nik_regency_id="32.73",
        nik_district_id="32.73.01", full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4), sex="F", education="sma",
        phone="+6281300000001", domicile_district_id="32.73.01",
        added_by_institution=approved_institution(registry_number="BLK-3273-077", name="UPTD BLK Uji"),
    )
    response = client.post(reverse("accounts:password_reset"), {"identifier": nik})
    assert committed() == []  # no account, no code (and the same answer as for anyone)
    page = client.get(response.url).content.decode()
    assert f'href="{reverse("accounts:signup")}"' in page and "belum punya kata sandi" in page
    assert f'href="{reverse("accounts:signup")}"' in client.get(reverse("accounts:password_reset")).content.decode()
