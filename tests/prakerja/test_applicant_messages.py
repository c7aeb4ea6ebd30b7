"""What an applicant reads: the one-time code SMS/e-mail (a self-applicant is told never to give the code to anyone;
only a citizen helped at a posko is told to give it to the officer in front of them), and a refusal for
ineligibility that says why and what they can do, not just the reason's short label."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from sisnaker.core import crypto
from sisnaker.core.errors import ValidationFailed
from sisnaker.prakerja import domain, selectors, services
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.models import Application
from tests.factories import staff
from tests.sms import committed

from .conftest import NOW, apply_confirmed, data_for

pytestmark = pytest.mark.usefixtures("sms")


def _texts_to(phone: str, email: str) -> tuple[str, str]:
    sms = [text for to, text in committed() if to.endswith(phone[-6:]) and "Kartu Prakerja" in text][-1]
    body = [m.body for m in mail.outbox if m.to == [email]][-1]
    return sms, body


# --- the code message ------------------------------------------------------------------------------------------

def test_a_self_applicant_is_told_never_to_give_the_code_to_anyone(open_wave, applicant):
    wave, person = open_wave(), applicant()
    services.application_start(actor=person.user, wave=wave, data=data_for(person), now=NOW)
    for text in _texts_to(person.phone, "warga@contoh.id"):
        assert "jangan berikan kode ini kepada siapa pun" in text
        assert "posko" not in text  # nobody helps a self-applicant: no officer may ask for the code


def test_a_citizen_helped_at_a_posko_gives_the_code_only_to_the_officer_helping_in_person(open_wave, applicant):
    wave, person = open_wave(), applicant()
    officer = staff("regional_officer", region_code="32.73")
    services.application_start(actor=officer, wave=wave, data=data_for(person), now=NOW, assisted=True, consent=True)
    for text in _texts_to(person.phone, "warga@contoh.id"):
        assert "petugas posko yang sedang membantu Anda secara langsung" in text
        assert "Tidak sedang di posko? Jangan berikan kepada siapa pun." in text


# --- ineligibility: why, and what to do ------------------------------------------------------------------------

def test_every_reason_has_a_message_that_says_why_and_what_to_do():
    assert set(domain.REFUSALS) == set(domain.REASONS)
    for code, label in domain.REASONS.items():
        message = domain.refusal_text(code)
        assert message.id and message.en and message.id != message.en, code
        assert len(message.id) > 2 * len(label.id), code  # more than the label: why and what to do
    formal = domain.REFUSALS["formal_education"]
    assert "tidak dapat ikut Kartu Prakerja" in formal.id and "sesudah Anda lulus" in formal.id
    assert "cannot join Kartu Prakerja" in formal.en and "after you graduate" in formal.en


def test_a_student_is_told_students_cannot_join_and_what_they_can_do(open_wave, applicant):
    wave, person = open_wave(), applicant()
    with pytest.raises(ValidationFailed) as refused:
        services.application_start(actor=person.user, wave=wave, data=data_for(person, in_formal_education=True), now=NOW)
    assert refused.value.code == "prakerja_not_eligible" and refused.value.field == "in_formal_education"
    assert refused.value.message == domain.REFUSALS["formal_education"]
    assert refused.value.message != domain.REASONS["formal_education"]
    assert not Application.objects.exists()


def _form(person) -> dict:
    return {"nik": crypto.decrypt(person.nik_encrypted), "kk_number": "3273 0101 0126 0001", "full_name": person.full_name,
            "birth_date": person.birth_date.isoformat(), "sex": person.sex, "education": "smk", "phone": person.phone,
            "email": "warga@contoh.id", "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "statement": "on",
            "in_formal_education": "on"}


def test_the_apply_page_says_why_a_student_is_refused_in_both_languages(open_wave, applicant):
    from django.utils import timezone

    today = timezone.localdate()
    wave, person = open_wave(opens_on=today, closes_on=today), applicant()
    client = Client()
    client.force_login(person.user)
    page = client.post(reverse("prakerja:apply", args=[wave.pk]), _form(person))
    assert page.status_code == 200
    text = page.content.decode()
    assert "tidak dapat ikut Kartu Prakerja" in text and "sesudah Anda lulus atau berhenti" in text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = client.post(reverse("prakerja:apply", args=[wave.pk]), _form(person)).content.decode()
    assert "cannot join Kartu Prakerja" in text and "apply again without ticking it" in text
    assert not Application.objects.exists()


def test_my_prakerja_page_says_what_an_excluded_applicant_can_do(open_wave, applicant):
    wave, person = open_wave(), applicant()
    app = apply_confirmed(wave, person)
    Application.objects.filter(pk=app.pk).update(status=S.INELIGIBLE, reason="excluded:civil_servant")
    assert str(selectors.my_applications(person)[0].reason_advice().id).startswith("NIK Anda tercatat dalam daftar pengecualian")
    client = Client()
    client.force_login(person.user)
    page = client.get(reverse("prakerja:mine")).content.decode()
    assert "ASN (PNS/PPPK)" in page and "minta instansi Anda memperbaiki datanya" in page


def test_a_wave_takes_applications_from_midnight_of_its_first_day_in_indonesia(open_wave, applicant):
    """Found when CI ran past midnight WIB: the wave's days were compared with the UTC date, so a wave opening on
    11 March refused every application from 00:00 to 07:00 WIB that day ("Gelombang ini tidak sedang menerima
    pendaftaran")."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    first_day = dt.date(2026, 3, 11)
    wave, person = open_wave(opens_on=first_day, closes_on=first_day), applicant()
    half_past_midnight = dt.datetime(2026, 3, 11, 0, 30, tzinfo=ZoneInfo("Asia/Jakarta")).astimezone(dt.UTC)
    assert half_past_midnight.date() == dt.date(2026, 3, 10)  # still the day before in UTC
    application, _token = services.application_start(actor=person.user, wave=wave, data=data_for(person), now=half_past_midnight)
    assert application.pk is not None
