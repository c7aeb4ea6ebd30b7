"""Survey pages with the test client: the form renders every kind of question, errors appear under
their questions with 400 and nothing is saved, the thank-you page, the read-only view once filled,
English question texts with the language cookie, 403 for someone else's enrollment (never 500), the
refusal page for an applicant, and the staff summary."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sisnaker.surveys.models import Answer, Response
from sisnaker.training.domain import ProgramStatus as P
from tests.factories import ManagerFactory, PersonFactory
from tests.training.test_services import user_of

from .conftest import CODE, valid_answers

pytestmark = pytest.mark.django_db


def client_for(user, language: str | None = None) -> Client:
    c = Client()
    c.force_login(user)
    if language:
        c.cookies["sisnaker_lang"] = language
    return c


def form_data(answers: dict) -> dict:
    return {f"q-{k}": v for k, v in answers.items()}


def url(enrollment) -> str:
    return reverse("surveys:fill", args=(CODE, enrollment.pk))


def question_block(html: str, code: str) -> str:
    """The markup of one question (from its opening tag to the next question)."""
    start = html.index(f'id="q-{code}"')
    nxt = html.find('class="question', start + 1)
    return html[start: nxt if nxt != -1 else len(html)]


def test_form_renders_each_kind_mobile_friendly(readiness, stage):
    enrollment = stage(P.RUNNING)
    response = client_for(user_of(enrollment.person)).get(url(enrollment))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Survei kesiapan kerja" in html and enrollment.program.title in html
    assert 'type="radio" name="q-kegiatan_saat_ini" value="mencari_kerja"' in html
    assert 'type="checkbox" name="q-saluran_cari_kerja" value="karirhub"' in html
    assert len(re.findall(r'type="radio" name="q-keyakinan_bekerja"', html)) == 5
    assert re.search(r'<input type="text" inputmode="numeric"[^>]*name="q-gaji_harapan"', html)
    assert re.search(r'<input type="date" id="q-siap_mulai"[^>]*min="\d{4}-\d\d-\d\d" max="\d{4}-\d\d-\d\d"', html)
    assert '<textarea id="q-keterampilan_dibutuhkan"' in html
    assert 'name="viewport"' in html


def test_submit_then_thank_you_then_read_only(readiness, stage):
    enrollment = stage(P.RUNNING)
    c = client_for(user_of(enrollment.person))
    response = c.post(url(enrollment), form_data(valid_answers()))
    assert response.status_code == 302 and response["Location"] == reverse("surveys:thanks", args=(CODE, enrollment.pk))
    assert Response.objects.filter(enrollment=enrollment).count() == 1

    thanks = c.get(response["Location"])
    html = thanks.content.decode()
    assert thanks.status_code == 200 and "Terima kasih!" in html and "3.500.000" in html and "Mencari kerja" in html

    again = c.get(url(enrollment))
    html = again.content.decode()
    assert again.status_code == 200 and "sudah Anda isi" in html and "<form method=\"post\" class=\"card survey\"" not in html
    assert "Karirhub / SIAPkerja Kemnaker, Media sosial" in html

    # A second submission (e.g. a stale tab) is refused: back to the read-only view, still one response.
    second = c.post(url(enrollment), form_data(valid_answers()), follow=True)
    assert second.status_code == 200 and "sudah diisi" in second.content.decode()
    assert Response.objects.filter(enrollment=enrollment).count() == 1


def test_errors_under_their_questions_with_400_and_nothing_saved(readiness, stage):
    enrollment = stage(P.RUNNING)
    answers = valid_answers() | {"keyakinan_bekerja": "", "gaji_harapan": "tiga juta", "saluran_cari_kerja": []}
    response = client_for(user_of(enrollment.person)).post(url(enrollment), form_data(answers))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Ada 3 jawaban" in html
    assert "Wajib diisi" in question_block(html, "keyakinan_bekerja")
    assert "Isi dengan angka" in question_block(html, "gaji_harapan")
    assert "Wajib diisi" in question_block(html, "saluran_cari_kerja")
    assert "errorlist" not in question_block(html, "kegiatan_saat_ini")
    # What was typed is kept.
    assert 'value="tiga juta"' in html and re.search(r'value="mencari_kerja" checked', html)
    assert "Bahasa Inggris untuk wawancara" in html
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_english_texts_with_the_language_cookie(readiness, stage):
    enrollment = stage(P.RUNNING)
    c = client_for(user_of(enrollment.person), language="en")
    html = c.get(url(enrollment)).content.decode()
    assert "Work-readiness survey" in html and "What is your main activity at the moment?" in html
    assert "Looking for work" in html and "Send answers" in html
    assert "Apa kegiatan utama Anda saat ini?" not in html
    bad = c.post(url(enrollment), form_data(valid_answers() | {"keyakinan_bekerja": ""}))
    assert bad.status_code == 400 and "This question must be answered" in question_block(bad.content.decode(), "keyakinan_bekerja")
    c.post(url(enrollment), form_data(valid_answers()))
    html = c.get(url(enrollment)).content.decode()
    assert "3,500,000" in html and "You have already filled this survey" in html


def test_someone_elses_enrollment_is_403(readiness, stage, manager):
    enrollment = stage(P.RUNNING)
    other = client_for(PersonFactory().user)
    for response in (other.get(url(enrollment)), other.post(url(enrollment), form_data(valid_answers())),
                     other.get(reverse("surveys:thanks", args=(CODE, enrollment.pk)))):
        assert response.status_code == 403 and "Akses ditolak" in response.content.decode()
    assert client_for(manager).get(url(enrollment)).status_code == 403  # staff have no person record
    assert not Response.objects.exists()


def test_not_found_and_not_eligible_pages(readiness, stage):
    applicant = stage(P.PUBLISHED)
    c = client_for(user_of(applicant.person))
    refused = c.get(url(applicant))
    assert refused.status_code == 409 and "Pendaftar" in refused.content.decode()
    assert c.post(url(applicant), form_data(valid_answers())).status_code == 409
    assert c.get(reverse("surveys:fill", args=(CODE, 999_999))).status_code == 404
    assert c.get(reverse("surveys:fill", args=("tidak-ada", applicant.pk))).status_code == 404
    assert c.get(reverse("surveys:thanks", args=(CODE, applicant.pk))).status_code == 302
    assert not Response.objects.exists()


def test_login_required(readiness, stage):
    enrollment = stage(P.RUNNING)
    response = Client().get(url(enrollment))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_staff_summary_page(readiness, stage, manager):
    enrollment = stage(P.RUNNING)
    client_for(user_of(enrollment.person)).post(url(enrollment), form_data(valid_answers()))
    page = reverse("surveys:summary", args=(CODE, enrollment.program_id))
    response = client_for(manager).get(page)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="responses">1<' in html
    assert "Karirhub / SIAPkerja Kemnaker" in html and "Rata-rata" in html and 'data-width="100.0"' in html
    assert "Bahasa Inggris untuk wawancara" not in html  # free text stays out of the summary
    outsider = ManagerFactory()
    assert client_for(outsider).get(page).status_code == 403
    assert client_for(user_of(enrollment.person)).get(page).status_code == 403
    assert client_for(manager).get(reverse("surveys:summary", args=(CODE, 999_999))).status_code == 404
