"""Personal links (issue 9 §1): reminders and "certificate ready" messages carry a link to ONE enrollment's
steps — review, work-readiness survey, certificate download — that works without a password, expires, can
be revoked (and is replaced by a newer one), is rate limited and audited. Only a hash of the token is
stored. Opening it gives a capability for that enrollment only: not a log-in, not another enrollment."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import Person, User
from sisnaker.certification import services as cert_services
from sisnaker.certification.models import Certificate, PersonalLink, Review
from sisnaker.core import crypto
from sisnaker.core.errors import Conflict, PermissionDenied
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.notifications import gateways
from sisnaker.notifications.models import Notification
from sisnaker.surveys import services as survey_services
from sisnaker.surveys.models import Response
from tests.certification.test_board import assess, build, enroll, login
from tests.conftest import make_nik
from tests.sms import SmsBox
from tests.surveys.conftest import valid_answers
from tests.training.test_services import make_institution, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

TOKEN_RE = re.compile(r"/l/([A-Za-z0-9_-]{22})/")






def provisional(setup, *, name="Fajar Nugraha", phone="+6281300000077") -> Person:
    """Someone the institution added (an import): no account, a phone typed by the institution."""
    nik = make_nik(birth=dt.date(1999, 4, 5))
    return Person.objects.create(
        nik_encrypted=crypto.encrypt(nik), nik_index=crypto.blind_index(nik, label="nik"), nik_regency_id="32.73",
        nik_district_id="32.73.01", full_name=name, birth_date=dt.date(1999, 4, 5), sex="M", education="sma",
        phone=phone, email="", domicile_district_id="32.73.01", added_by_institution=setup.institution,
    )


@pytest.fixture
def setup(signup_data, sms):
    s = build()
    fajar = provisional(s)
    s.enrollments["Fajar"] = enroll(s.program, fajar)
    assess(s.enrollments["Fajar"], s.units, s.instructor)
    return s


def send(setup, django_capture_on_commit_callbacks, actor=None):
    with django_capture_on_commit_callbacks(execute=True):
        return cert_services.send_reminders(actor=actor or setup.manager, program=setup.program, base_url="http://testserver/")


def token_to(phone: str) -> str:
    texts = [text for to, text in SmsBox.sent if to == phone]
    assert texts, f"no SMS to {phone}"
    return TOKEN_RE.search(texts[-1]).group(1)


def phone_of(enrollment) -> str:
    return gateways.normalize_phone(Person.objects.get(pk=enrollment.person_id).phone)


def open_link(client: Client, token: str, **extra):
    return client.get(f"/l/{token}/", **extra)


# --- sending ---------------------------------------------------------------------------------------------

def test_links_go_to_those_who_block_and_to_those_whose_certificate_is_ready(setup, django_capture_on_commit_callbacks):
    e = setup.enrollments
    cert_services.certificate_issue(actor=setup.manager, enrollment=e["Ani"], now=timezone.now())
    report = send(setup, django_capture_on_commit_callbacks)
    assert sorted(report.reminded) == ["Budi Santoso", "Citra Kirana", "Eko Prasetyo", "Fajar Nugraha"]
    assert report.certificate_ready == ["Ani Lengkap"] and report.waiting_for_instructor == ["Dedi Menunggu"]
    assert report.sent == 5 and not report.unreachable
    ani = next(m for m in mail.outbox if m.to == ["ani@contoh.id"])
    assert "sudah terbit" in ani.body and TOKEN_RE.search(ani.body)
    # Fajar has no account: the link is all he needs, and the message does not send him to a log-in.
    fajar = next(text for to, text in SmsBox.sent if to == "+6281300000077")
    assert "ulasan & survei" in fajar and "akun" not in fajar and "masuk" not in fajar.lower()
    assert PersonalLink.objects.filter(revoked_at__isnull=True).count() == 5


def test_unreachable_people_are_counted_and_named(setup, django_capture_on_commit_callbacks):
    Person.objects.filter(pk=setup.enrollments["Fajar"].person_id).update(phone="")
    report = send(setup, django_capture_on_commit_callbacks)
    assert report.unreachable == ["Fajar Nugraha"]
    assert "1 tidak dapat dihubungi" in report.message.id and "Fajar Nugraha" in report.message.id
    assert not PersonalLink.objects.filter(enrollment=setup.enrollments["Fajar"]).exists()  # no link nobody receives


def test_the_token_is_never_stored_in_clear(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cert_services.send_reminders(actor=setup.manager, program=setup.program, base_url="http://testserver/")
    queued = list(Notification.objects.all())
    assert queued and all(n.sealed and "•" * 22 in n.body and not TOKEN_RE.search(n.body) for n in queued)
    for callback in callbacks:
        callback()
    tokens = {TOKEN_RE.search(text).group(1) for _, text in SmsBox.sent} | {TOKEN_RE.search(m.body).group(1) for m in mail.outbox}
    assert len(tokens) == 4
    hashes = set(PersonalLink.objects.values_list("token_hash", flat=True))
    assert hashes == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    # Nowhere in the database in clear: links, notifications (sealed secrets erased once sent), audit trail.
    stored = json.dumps(list(PersonalLink.objects.values()), default=str) + json.dumps(list(Notification.objects.values()), default=str)
    stored += json.dumps(list(AuditEvent.objects.values("before", "after", "object_label")), default=str)
    assert not any(t in stored for t in tokens)
    assert not Notification.objects.exclude(sealed="").exists()
    assert AuditEvent.objects.filter(action="personal_link.issued").count() == 4


def test_a_new_link_revokes_the_old_one(setup, django_capture_on_commit_callbacks, client):
    send(setup, django_capture_on_commit_callbacks)
    old = token_to(phone_of(setup.enrollments["Fajar"]))
    # The next day (the once-a-day rule), a new reminder: the old link stops working.
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        cert_services.send_reminders(actor=setup.manager, program=setup.program, base_url="http://testserver/", now=tomorrow)
    new = token_to(phone_of(setup.enrollments["Fajar"]))
    assert new != old
    refused = open_link(client, old)
    assert refused.status_code == 410 and "tidak berlaku" in refused.content.decode()
    assert open_link(Client(), new).status_code == 302


# --- opening and doing the steps -------------------------------------------------------------------------

def test_the_link_leads_through_review_then_survey_then_done(setup, django_capture_on_commit_callbacks, client):
    send(setup, django_capture_on_commit_callbacks)
    fajar = setup.enrollments["Fajar"]
    token = token_to(phone_of(fajar))
    response = open_link(client, token)
    assert response.status_code == 302 and response["Location"] == reverse("links:review")
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    page = client.get(reverse("links:review"))
    html = page.content.decode()
    assert page.status_code == 200 and "Fajar N******" in html and "Fajar Nugraha" not in html
    assert 'name="rating"' in html and "checked" not in html  # no answer is prefilled
    response = client.post(reverse("links:review"), {"rating": "4", "text": "Instrukturnya sabar, praktiknya banyak."})
    assert response.status_code == 302 and response["Location"] == reverse("links:survey")
    review = Review.objects.get(enrollment=fajar)
    assert review.rating == 4
    page = client.get(reverse("links:survey"))
    assert page.status_code == 200 and 'name="q-kegiatan_saat_ini"' in page.content.decode()
    answers = valid_answers()
    response = client.post(reverse("links:survey"), {f"q-{k}": v for k, v in answers.items()})
    assert response.status_code == 302 and response["Location"] == reverse("links:steps")
    assert Response.objects.filter(enrollment=fajar).exists()
    steps = client.get(reverse("links:steps")).content.decode()
    assert 'id="all-done"' in steps and 'id="step-review" data-done="1"' in steps and 'id="step-survey" data-done="1"' in steps
    # Audited: the first open, the review and the survey, each by the link (no account).
    link = PersonalLink.objects.get(enrollment=fajar, revoked_at__isnull=True)
    label = f"tautan pribadi #{link.pk} (pendaftaran #{fajar.pk})"
    for action in ("personal_link.opened", "review.submitted", "survey.response_submitted"):
        event = AuditEvent.objects.get(action=action)
        assert event.actor_id is None and event.actor_label == label, action
    assert link.first_used_at and link.last_used_at
    # Opening it again leads to the done page, and is not a second "first open".
    assert open_link(client, token)["Location"] == reverse("links:steps")
    assert AuditEvent.objects.filter(action="personal_link.opened").count() == 1


def test_the_steps_page_shows_nothing_of_the_person_but_a_masked_name(setup, django_capture_on_commit_callbacks, client):
    send(setup, django_capture_on_commit_callbacks)
    fajar = setup.enrollments["Fajar"]
    open_link(client, token_to(phone_of(fajar)))
    html = client.get(reverse("links:steps")).content.decode()
    person = Person.objects.get(pk=fajar.person_id)
    nik = crypto.decrypt(person.nik_encrypted)
    assert "Fajar N******" in html and "Nugraha" not in html
    for secret in (nik, nik[:6], "081300000077", "+6281300000077", "1999"):
        assert secret not in html, secret
    # Fajar has no account: the page offers (never forces) one, through the sign-up that claims his record.
    assert 'id="keep-account"' in html and reverse("accounts:signup") in html and "Buat akun" in html


def test_someone_with_an_account_is_offered_the_log_in_instead(setup, django_capture_on_commit_callbacks, client):
    send(setup, django_capture_on_commit_callbacks)
    open_link(client, TOKEN_RE.search(next(m for m in mail.outbox if m.to == ["budi@contoh.id"]).body).group(1))
    html = client.get(reverse("links:steps")).content.decode()
    assert reverse("accounts:login") in html and "Buat akun" not in html


def test_certificate_download_through_the_link(setup, django_capture_on_commit_callbacks, client):
    ani = setup.enrollments["Ani"]
    cert = cert_services.certificate_issue(actor=setup.manager, enrollment=ani, now=timezone.now())
    send(setup, django_capture_on_commit_callbacks)
    token = TOKEN_RE.search(next(m for m in mail.outbox if m.to == ["ani@contoh.id"]).body).group(1)
    assert open_link(client, token)["Location"] == reverse("links:steps")
    assert reverse("links:certificate") in client.get(reverse("links:steps")).content.decode()
    pdf = client.get(reverse("links:certificate"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "no-store" in pdf["Cache-Control"]
    event = AuditEvent.objects.get(action="personal_link.certificate_downloaded")
    assert event.object_id == str(cert.pk) and event.actor_id is None


# --- refusals ------------------------------------------------------------------------------------------

def test_unknown_and_malformed_tokens_are_a_plain_not_found(setup, client):
    for token in ("A" * 22, "x", "..%2F..%2Fakun", "a" * 80):
        response = client.get(f"/l/{token}/")
        assert response.status_code == 404, token
    html = client.get("/l/" + "B" * 22 + "/").content.decode()
    assert "Tautan tidak ditemukan" in html and "Budi" not in html and "kedaluwarsa" not in html


def test_expired_links_are_refused_with_a_clear_page_in_both_languages(setup, django_capture_on_commit_callbacks, client, settings):
    send(setup, django_capture_on_commit_callbacks)
    fajar = setup.enrollments["Fajar"]
    token = token_to(phone_of(fajar))
    past = timezone.now() - dt.timedelta(days=31)
    PersonalLink.objects.filter(enrollment=fajar).update(created_at=past, expires_at=past + dt.timedelta(days=30))
    response = open_link(client, token)
    html = response.content.decode()
    assert response.status_code == 410 and "sudah kedaluwarsa" in html and "Minta tautan baru" in html
    assert "Fajar" not in html
    reader = Client()
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = open_link(reader, token)
    assert english.status_code == 410 and "This personal link expired" in english.content.decode()


def test_the_expiry_is_a_setting(setup, django_capture_on_commit_callbacks, settings):
    settings.SISNAKER_PERSONAL_LINK_DAYS = 7
    send(setup, django_capture_on_commit_callbacks)
    link = PersonalLink.objects.get(enrollment=setup.enrollments["Fajar"])
    assert dt.timedelta(days=6, hours=23) < link.expires_at - link.created_at <= dt.timedelta(days=7)


def test_revoked_by_the_manager_stops_working_even_in_an_open_session(setup, django_capture_on_commit_callbacks, client):
    send(setup, django_capture_on_commit_callbacks)
    fajar = setup.enrollments["Fajar"]
    token = token_to(phone_of(fajar))
    assert open_link(client, token).status_code == 302
    assert client.get(reverse("links:review")).status_code == 200
    manager = Client()
    login(manager, setup.manager)
    board = manager.get(reverse("certification:board", kwargs={"program_id": setup.program.pk})).content.decode()
    revoke_url = reverse("certification:link_revoke", kwargs={"enrollment_id": fajar.pk})
    assert revoke_url in board
    response = manager.post(revoke_url, follow=True)
    assert response.status_code == 200 and "dicabut" in response.content.decode()
    # The session that opened it is refused at once; so is the token.
    for url in (reverse("links:review"), reverse("links:survey"), reverse("links:steps")):
        refused = client.get(url)
        assert refused.status_code == 410 and "tidak berlaku" in refused.content.decode(), url
    assert client.post(reverse("links:review"), {"rating": "5", "text": "x" * 30}).status_code == 410
    assert not Review.objects.filter(enrollment=fajar).exists()
    assert open_link(Client(), token).status_code == 410
    assert AuditEvent.objects.filter(action="personal_link.revoked", actor=setup.manager).count() == 1
    # Nothing left to revoke: a message, not an error.
    again = manager.post(revoke_url, follow=True)
    assert again.status_code == 200 and "tidak memiliki tautan pribadi yang aktif" in again.content.decode()


def test_only_the_institutions_managers_revoke_send_and_print(setup, django_capture_on_commit_callbacks, citizen):
    send(setup, django_capture_on_commit_callbacks)
    fajar = setup.enrollments["Fajar"]
    other_manager = make_staff(None, Role.INSTITUTION_MANAGER, make_institution())
    for user in (setup.instructor, other_manager, User.objects.get(pk=citizen.user_id)):
        c = Client()
        login(c, user)
        assert c.post(reverse("certification:link_revoke", kwargs={"enrollment_id": fajar.pk})).status_code == 403
        assert c.post(reverse("certification:board_remind", kwargs={"program_id": setup.program.pk})).status_code == 403
        assert c.post(reverse("certification:board_links_print", kwargs={"program_id": setup.program.pk})).status_code == 403
    anonymous = Client()
    assert anonymous.post(reverse("certification:link_revoke", kwargs={"enrollment_id": fajar.pk})).status_code == 302
    assert PersonalLink.objects.filter(enrollment=fajar, revoked_at__isnull=True).count() == 1


def test_opening_links_is_rate_limited(setup, client, settings):
    settings.SISNAKER_RATE_LIMITS = {"personal_link.ip": (3, 900), "personal_link.net": (50, 900)}
    for _ in range(3):
        assert client.get("/l/" + "C" * 22 + "/", REMOTE_ADDR="203.0.113.7").status_code == 404
    limited = client.get("/l/" + "C" * 22 + "/", REMOTE_ADDR="203.0.113.7")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert client.get("/l/" + "C" * 22 + "/", REMOTE_ADDR="198.51.100.1").status_code == 404  # another network


# --- the capability is for one enrollment only -------------------------------------------------------------

def test_a_link_is_not_a_log_in_and_reaches_no_other_page(setup, django_capture_on_commit_callbacks, client):
    send(setup, django_capture_on_commit_callbacks)
    budi, citra = setup.enrollments["Budi"], setup.enrollments["Eko"]
    token = TOKEN_RE.search(next(m for m in mail.outbox if m.to == ["budi@contoh.id"]).body).group(1)
    assert open_link(client, token).status_code == 302
    assert client.get(reverse("links:review")).status_code == 200
    # Not logged in: every page of the person's account (and anyone's) goes to the log-in page.
    for url in (reverse("accounts:profile"), reverse("accounts:data_download"), reverse("my_trainings"),
                reverse("certification:mine"), reverse("certification:review", kwargs={"enrollment_id": budi.pk}),
                reverse("certification:review", kwargs={"enrollment_id": citra.pk}),
                reverse("surveys:fill", args=("kesiapan-kerja", budi.pk)), reverse("surveys:fill", args=("kesiapan-kerja", citra.pk))):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url
    assert client.post(reverse("certification:review", kwargs={"enrollment_id": citra.pk}),
                       {"rating": "1", "text": "x" * 30}).status_code == 302
    assert not Review.objects.filter(enrollment__in=[budi, citra]).exists()


def test_services_refuse_a_link_holder_on_another_enrollment(setup, django_capture_on_commit_callbacks):
    send(setup, django_capture_on_commit_callbacks)
    fajar, budi = setup.enrollments["Fajar"], setup.enrollments["Budi"]
    link = PersonalLink.objects.get(enrollment=fajar, revoked_at__isnull=True)
    holder = cert_services.link_holder(link_id=link.pk, enrollment_id=fajar.pk, person_id=fajar.person_id)
    with pytest.raises(PermissionDenied):
        cert_services.review_submit(actor=holder, enrollment=budi, rating=5, text="Bagus sekali pelatihannya.", now=timezone.now())
    with pytest.raises(PermissionDenied):
        survey_services.response_submit(actor=holder, code="kesiapan-kerja", person=Person.objects.get(pk=budi.person_id),
                                        enrollment=budi, answers=valid_answers(), now=timezone.now())
    # A forged capability (the link's id with another enrollment) is refused too: the link is re-read.
    forged = cert_services.link_holder(link_id=link.pk, enrollment_id=budi.pk, person_id=budi.person_id)
    with pytest.raises(Exception) as info:
        cert_services.review_submit(actor=forged, enrollment=budi, rating=5, text="Bagus sekali pelatihannya.", now=timezone.now())
    assert getattr(info.value, "code", "") == "personal_link_unknown"
    assert not Review.objects.filter(enrollment=budi).exists()


def test_a_session_without_a_link_is_told_to_open_it(client, setup):
    for name in ("links:steps", "links:review", "links:survey", "links:certificate"):
        response = client.get(reverse(name))
        assert response.status_code == 404 and "tautan pribadi dari SMS" in response.content.decode(), name


# --- printing ------------------------------------------------------------------------------------------------

def test_print_sheet_has_one_qr_card_per_participant_and_replaces_earlier_links(setup, django_capture_on_commit_callbacks, client):
    send(setup, django_capture_on_commit_callbacks)
    old = token_to(phone_of(setup.enrollments["Fajar"]))
    login(client, setup.manager)
    response = client.post(reverse("certification:board_links_print", kwargs={"program_id": setup.program.pk}))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count('class="link-card"') == 4 and html.count("<svg") == 4
    assert "Fajar Nugraha" in html and setup.program.title in html and "Berlaku sampai" in html
    tokens = set(TOKEN_RE.findall(html))
    assert len(tokens) == 4 and old not in tokens
    assert open_link(Client(), old).status_code == 410
    assert open_link(Client(), tokens.pop()).status_code == 302
    event = AuditEvent.objects.get(action="personal_link.printed")
    assert len(event.after["enrollments"]) == 4 and event.actor == setup.manager
    assert Certificate.objects.count() == 0


def test_one_lost_card_is_reprinted_without_voiding_the_rest_of_the_class(setup, django_capture_on_commit_callbacks, client):
    """Reprinting the whole sheet for one lost card voided every card the class already held."""
    login(client, setup.manager)
    sheet = client.post(reverse("certification:board_links_print", kwargs={"program_id": setup.program.pk})).content.decode()
    held = set(TOKEN_RE.findall(sheet))
    board = client.get(reverse("certification:board", kwargs={"program_id": setup.program.pk})).content.decode()
    fajar = setup.enrollments["Fajar"]
    url = reverse("certification:link_print_one", kwargs={"enrollment_id": fajar.pk})
    assert f'action="{url}"' in board and "Cetak kartu QR" in board
    waiting = reverse("certification:link_print_one", kwargs={"enrollment_id": setup.enrollments["Dedi"].pk})
    assert f'action="{waiting}"' not in board  # nothing he can do yet: the sheet gives him no card either
    response = client.post(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count('class="link-card"') == 1 and "Fajar Nugraha" in html
    (new,) = set(TOKEN_RE.findall(html))
    fajar_old = PersonalLink.objects.filter(enrollment=fajar, revoked_at__isnull=False)
    assert fajar_old.count() == 1  # his lost card stops working ...
    still = [t for t in held if open_link(Client(), t).status_code == 302]
    assert len(still) == len(held) - 1  # ... everyone else's keeps working
    assert open_link(Client(), new).status_code == 302
    assert AuditEvent.objects.filter(action="personal_link.printed").latest("id").after["enrollments"] == [fajar.pk]
    refused = client.post(waiting, follow=True)
    assert "tidak memerlukan kartu tautan" in refused.content.decode()
    with pytest.raises(PermissionDenied):
        cert_services.personal_link_print_one(actor=make_staff(role=Role.INSTITUTION_MANAGER, institution=make_institution()),
                                               enrollment_id=fajar.pk, base_url="http://testserver/")


# --- not yet competent, not passed: their result, never a certificate ------------------------------------

def test_someone_not_yet_competent_gets_a_link_to_their_result_that_promises_no_certificate(
        setup, django_capture_on_commit_callbacks, client):
    gita = provisional(setup, name="Gita Belum", phone="+6281300000078")
    e = enroll(setup.program, gita)
    assess(e, setup.units[:1], setup.instructor)
    assess(e, setup.units[1:], setup.instructor, result="not_yet_competent")
    report = send(setup, django_capture_on_commit_callbacks)
    assert report.results == ["Gita Belum"] and "Gita Belum" not in report.reminded
    assert "1 hasil belum kompeten" in report.message.id
    text = next(t for to, t in SmsBox.sent if to == "+6281300000078")
    assert "hasil" in text and "ulasan/survei" in text and "sertifikat" not in text.lower() and len(text) <= 160
    link = PersonalLink.objects.get(enrollment=e, revoked_at__isnull=True)
    assert link.reason == "result"
    # Own steps first, as everyone: the review, the survey, then the result per unit — no certificate step.
    assert open_link(client, token_to("+6281300000078"))["Location"] == reverse("links:review")
    client.post(reverse("links:review"), {"rating": "3", "text": "Materinya padat, waktunya kurang untuk praktik."})
    response = client.post(reverse("links:survey"), {f"q-{k}": v for k, v in valid_answers().items()})
    assert response["Location"] == reverse("links:steps")
    html = client.get(reverse("links:steps")).content.decode()
    assert "Hasil pelatihan Anda" in html and 'id="all-done"' in html
    assert html.count('data-result="not_yet_competent"') == 1 and html.count('data-result="competent"') == 1
    assert setup.units[1].code in html and 'id="step-certificate"' not in html and "menuju sertifikat" not in html


def test_not_passed_alumni_of_a_closed_program_are_reached_and_counted_on_the_board(setup, django_capture_on_commit_callbacks, client):
    from tests.factories import EnrollmentFactory, ProgramFactory
    program = ProgramFactory(institution=setup.institution, status="closed", units=setup.units, today=timezone.localdate())
    hadi = provisional(setup, name="Hadi Tidaklulus", phone="+6281300000079")
    e = EnrollmentFactory(program=program, person=hadi, state="not_passed", result="failed", source="import")
    assess(e, setup.units, setup.instructor, result="not_yet_competent")
    with django_capture_on_commit_callbacks(execute=True):
        report = cert_services.send_reminders(actor=setup.manager, program=program, base_url="http://testserver/")
    assert report.results == ["Hadi Tidaklulus"] and report.sent == 1
    login(client, setup.manager)
    board = client.get(reverse("certification:board", kwargs={"program_id": program.pk})).content.decode()
    assert 'data-count="not-competent">1<' in board and 'id="send-links" disabled' not in board
    sheet = client.post(reverse("certification:board_links_print", kwargs={"program_id": program.pk})).content.decode()
    assert sheet.count('class="link-card"') == 1 and "melihat hasil pelatihan" in sheet


@pytest.mark.parametrize(("overall", "state", "status", "steps", "certified", "purpose", "next_step"), [
    ("competent", "participant", "running", (False, False), False, "reminder", "reviewed"),
    ("competent", "graduated", "closed", (True, True), False, None, "done"),
    ("competent", "graduated", "closed", (True, True), True, "certificate_ready", "done"),
    ("not_yet_competent", "participant", "running", (False, False), False, "result", "reviewed"),
    ("not_yet_competent", "not_passed", "closed", (True, False), False, "result", "survey"),
    ("not_yet_competent", "not_passed", "closed", (True, True), False, "result", "done"),
    ("pending", "not_passed", "closed", (False, False), False, "result", "reviewed"),  # closed before being assessed
    ("pending", "participant", "running", (True, True), False, None, "done"),  # only the instructor's step is left
])
def test_why_a_link_is_sent_and_where_it_leads(overall, state, status, steps, certified, purpose, next_step):
    from sisnaker.certification import domain
    results = {"competent": {1: "competent"}, "not_yet_competent": {1: "not_yet_competent"}, "pending": {}}[overall]
    r = domain.readiness(unit_ids=[1], results=results, reviewed=steps[0], surveyed=steps[1], program_status=status,
                         enrollment_state=state, certified=certified)
    assert domain.link_purpose_for(r) == purpose
    assert domain.link_next_step(r) == next_step


# --- "Sertifikat Anda sudah terbit", sent by issuing ---------------------------------------------------------

def test_issuing_one_certificate_tells_its_holder_with_a_link_once_a_day(setup, django_capture_on_commit_callbacks, client):
    ani = setup.enrollments["Ani"]
    with django_capture_on_commit_callbacks(execute=True):
        cert_services.certificate_issue(actor=setup.manager, enrollment=ani, now=timezone.now(), base_url="http://testserver/")
    message = next(m for m in mail.outbox if m.to == ["ani@contoh.id"])
    assert "Sertifikat Anda sudah terbit" in message.subject and "sudah terbit" in message.body
    token = TOKEN_RE.search(message.body).group(1)
    assert PersonalLink.objects.get(enrollment=ani, revoked_at__isnull=True).reason == "certificate_ready"
    assert open_link(client, token)["Location"] == reverse("links:steps")
    assert AuditEvent.objects.get(action="certificate.ready_sent").after["certificate_ready"] == [ani.pk]
    # The board's button the same day does not send it again (and her link keeps working).
    report = send(setup, django_capture_on_commit_callbacks)
    assert "Ani Lengkap" in report.already_today and "Ani Lengkap" not in report.certificate_ready
    assert len([m for m in mail.outbox if m.to == ["ani@contoh.id"]]) == 1
    assert open_link(Client(), token).status_code == 302


def test_a_refused_issue_sends_nothing(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        cert_services.certificate_issue(actor=setup.manager, enrollment=setup.enrollments["Budi"], now=timezone.now())
    assert not mail.outbox and not PersonalLink.objects.exists()


def test_issue_all_eligible_tells_every_new_holder_in_one_send(regions, django_capture_on_commit_callbacks):
    from tests.certification.test_board import review, survey
    from tests.factories import course
    c = course(participants=4, end_date=timezone.localdate())  # its last training day: certificates may be issued
    for e in c.enrollments:
        assess(e, c.units, c.instructor)
        review(e)
        survey(e)
    with django_capture_on_commit_callbacks(execute=True):
        out = cert_services.certificates_issue_eligible(actor=c.manager, program=c.program, now=timezone.now(),
                                                        base_url="http://testserver/")
    assert out["issued"] == 4
    ready = [(to, text) for to, text in SmsBox.sent if "sudah terbit" in text]
    assert sorted(to for to, _ in ready) == sorted(p.phone for p in c.people)
    assert all(TOKEN_RE.search(text) and "http://testserver/l/" in text for _, text in ready)
    assert AuditEvent.objects.filter(action="certificate.ready_sent").count() == 1
    assert PersonalLink.objects.filter(enrollment__program=c.program, reason="certificate_ready", revoked_at__isnull=True).count() == 4
