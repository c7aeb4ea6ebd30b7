"""Issue 10's reach: alumni of a training that ended a month ago, added by the institution (no account, a
phone only), get the daily employment-survey reminder by SMS and finish the survey from its link on a 390×844
phone. Someone who works answers the job's questions, which appear only once "Bekerja" is chosen; someone not
working sees none of them. Every tap is counted."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sisnaker.certification import services
from sisnaker.surveys.models import Response
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from tests.browser.test_certification_journey import _new_page, _no_horizontal_scroll
from tests.browser.test_personal_link_journey import SmsBox
from tests.factories import EnrollmentFactory, PersonFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TAPS = 12


def test_alumni_finish_the_employment_survey_from_the_reminder_on_a_phone(browser, live_server, settings, regions):
    settings.SISNAKER_SMS_GATEWAY = "tests.browser.test_personal_link_journey.SmsBox"
    SmsBox.sent = []
    today = timezone.localdate()
    program = ProgramFactory(status=P.CLOSED, title="Menjahit Angkatan I", today=today - dt.timedelta(days=30))
    ayu, budi = (EnrollmentFactory(program=program, state=E.GRADUATED, source="import",
                                   person=PersonFactory(provisional=True, full_name=name, added_by_institution=program.institution))
                 for name in ("Ayu Lestari", "Budi Saputra"))
    # --- the day's reminders (what the daily task runs)
    report = services.employment_reminders_send(base_url=live_server.url + "/")
    assert sorted(report.reminded) == sorted([ayu.pk, budi.pk])
    links = {to: re.search(r"https?://\S+/l/[A-Za-z0-9_-]{22}/", text).group(0) for to, text in SmsBox.sent}
    assert set(links) == {ayu.person.phone, budi.person.phone}

    # --- Ayu works: the job's questions appear once she says so
    ctx, phone = _new_page(browser, live_server.url)
    phone.goto(links[ayu.person.phone])
    expect(phone.get_by_role("heading", name="Survei kebekerjaan")).to_be_visible()
    expect(phone.locator("#q-employer-question")).to_be_hidden()
    _no_horizontal_scroll(phone)
    taps = 0

    def tap(locator):
        nonlocal taps
        taps += 1
        locator.click()

    def fill(selector, value):
        nonlocal taps
        taps += 1
        phone.fill(selector, value)

    tap(phone.locator("#q-status").get_by_label("Bekerja (karyawan/buruh/pegawai)"))
    expect(phone.locator("#q-employer-question")).to_be_visible()
    expect(phone.locator("#q-looking")).to_be_hidden()
    fill("#q-employer", "CV Busana Priangan")
    tap(phone.locator("#q-sector").get_by_label("Industri pengolahan / manufaktur"))
    fill("#q-position", "Operator mesin jahit")
    tap(phone.locator("#q-wage_range").get_by_label("Rp2.000.000 – Rp3.000.000"))
    fill("#q-start_date", (today - dt.timedelta(days=10)).isoformat())
    tap(phone.locator("#q-relevance input[value='5']"))
    tap(phone.get_by_role("button", name="Kirim jawaban"))
    expect(phone.locator("#step-employment")).to_have_attribute("data-done", "1")
    _no_horizontal_scroll(phone)
    print(f"\nTaps, working: {taps}")
    assert taps <= MAX_TAPS
    ctx.close()
    answers = {a.question.code: a.value for a in Response.objects.get(enrollment=ayu).answers.select_related("question")}
    assert answers["status"] == "working" and answers["employer"] == "CV Busana Priangan" and answers["relevance"] == 5

    # --- Budi does not work: three taps, none of the job's questions
    ctx, phone = _new_page(browser, live_server.url)
    phone.goto(links[budi.person.phone])
    taps = 0
    tap(phone.locator("#q-status").get_by_label("Tidak bekerja"))
    expect(phone.locator("#q-sector")).to_be_hidden()
    tap(phone.locator("#q-looking").get_by_label("Mencari kerja"))
    tap(phone.get_by_role("button", name="Kirim jawaban"))
    expect(phone.locator("#step-employment")).to_have_attribute("data-done", "1")
    assert taps == 3
    ctx.close()
    answers = {a.question.code: a.value for a in Response.objects.get(enrollment=budi).answers.select_related("question")}
    assert answers == {"status": "not_working", "looking": "mencari_kerja"}
