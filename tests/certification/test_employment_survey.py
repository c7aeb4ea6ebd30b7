"""The employment survey (survei kebekerjaan, issue 10): alumni fill it in a window that opens some days after
graduation (the training's completion) and lasts some days, both settings; one response per enrollment. A
daily task reminds each alumnus once per window with a personal link that opens the survey on a phone without
a password; "Pelatihan saya" offers it while it is open. Set-based and audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.certification import domain, services, tasks
from sisnaker.certification.models import PersonalLink
from sisnaker.core.models import AuditEvent
from sisnaker.surveys.models import Response
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from tests.factories import EnrollmentFactory, PersonFactory, ProgramFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

TOKEN_RE = re.compile(r"/l/([A-Za-z0-9_-]{22})/")
NOT_WORKING = {"q-status": "not_working", "q-looking": "mencari_kerja"}


# --- the rule -------------------------------------------------------------------------------------------------

@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(0, 400), st.integers(1, 400),
       st.integers(-500, 900))
def test_the_window_opens_after_graduation_and_the_set_based_range_agrees(completed, opens, length, offset):
    today = completed + dt.timedelta(days=offset)
    window = domain.employment_window(completed_on=completed, opens_days=opens, window_days=length)
    assert window.opens == completed + dt.timedelta(days=opens) and (window.last - window.opens).days == length - 1
    refusal = domain.employment_survey_refusal(state=E.GRADUATED, program_status=P.CLOSED, completed_on=completed, today=today,
                                               opens_days=opens, window_days=length)
    assert (refusal is None) == window.is_open(today) == (opens <= offset < opens + length)
    earliest, latest = domain.employment_completed_on_range(today=today, opens_days=opens, window_days=length)
    assert (earliest <= completed <= latest) == window.is_open(today)


@pytest.mark.parametrize(("state", "status"), [(E.PARTICIPANT, P.RUNNING), (E.NOT_PASSED, P.CLOSED), (E.WITHDRAWN, P.CLOSED)])
def test_only_alumni_fill_it(state, status):
    refusal = domain.employment_survey_refusal(state=state, program_status=status, completed_on=dt.date(2026, 1, 1),
                                               today=dt.date(2026, 2, 5), opens_days=30, window_days=30)
    assert refusal is not None and "alumni" in refusal.id


# --- who is reminded ------------------------------------------------------------------------------------------

def _today():
    return timezone.localdate()


def alumni_program(ended_days_ago: int, **kw):
    """A closed program whose training ended ``ended_days_ago`` days ago."""
    return ProgramFactory(status=P.CLOSED, today=_today() - dt.timedelta(days=ended_days_ago - 1), **kw)


def alumnus(program, state=E.GRADUATED, **person):
    return EnrollmentFactory(program=program, person=PersonFactory(**person), state=state, source="manager")


def remind(django_capture_on_commit_callbacks, **kw):
    with django_capture_on_commit_callbacks(execute=True):
        return services.employment_reminders_send(base_url="http://testserver/", **kw)


def test_alumni_in_their_window_are_reminded_once_with_a_link(regions, sms, django_capture_on_commit_callbacks):
    program = alumni_program(35)  # window: days 30..59 after the end
    assert program.closed_on == program.end_date == _today() - dt.timedelta(days=35)
    due = alumnus(program, full_name="Rina Alumni")
    no_phone = alumnus(program, full_name="Tono Tanpakontak", phone="")
    filled = alumnus(program, full_name="Sudah Mengisi")
    not_passed = alumnus(program, state=E.NOT_PASSED, full_name="Tidak Lulus")
    too_soon = alumnus(alumni_program(10), full_name="Baru Lulus")
    too_late = alumnus(alumni_program(61), full_name="Sudah Lewat")
    from sisnaker.surveys import services as survey_services
    survey_services.ensure_default_questionnaires()
    version = survey_services.questionnaire_current(code="employment")
    Response.objects.create(version=version, questionnaire=version.questionnaire, person=filled.person, enrollment=filled,
                            submitted_at=timezone.now())

    report = remind(django_capture_on_commit_callbacks)
    assert report.reminded == [due.pk] and report.unreachable == 1
    texts = [text for to, text in sms if to == due.person.phone]
    assert len(texts) == 1 and "survei kebekerjaan" in texts[0] and TOKEN_RE.search(texts[0]) and len(texts[0]) <= 160
    link = PersonalLink.objects.get(enrollment=due)
    assert (link.purpose, link.reason, link.created_by) == ("employment_survey", "employment", None)
    for other in (no_phone, filled, not_passed, too_soon, too_late):
        assert not PersonalLink.objects.filter(enrollment=other).exists()
    run = AuditEvent.objects.get(action="employment_survey.reminders_sent")
    assert run.actor_id is None and run.after["reminded"] == [due.pk]
    assert AuditEvent.objects.get(action="personal_link.issued").after["enrollment"] == due.pk

    # Once per window: later runs (the same day, the next days) remind nobody again.
    assert remind(django_capture_on_commit_callbacks).reminded == []
    assert remind(django_capture_on_commit_callbacks, now=timezone.now() + dt.timedelta(days=3)).reminded == []
    assert len([t for to, t in sms if to == due.person.phone]) == 1


def test_the_window_is_a_setting(regions, settings, django_capture_on_commit_callbacks):
    program = alumni_program(5)
    e = alumnus(program)
    assert remind(django_capture_on_commit_callbacks).reminded == []
    settings.SISNAKER_EMPLOYMENT_SURVEY_OPENS_DAYS = 3
    settings.SISNAKER_EMPLOYMENT_SURVEY_WINDOW_DAYS = 2
    assert remind(django_capture_on_commit_callbacks).reminded == []  # days 3..4: closed again on day 5
    settings.SISNAKER_EMPLOYMENT_SURVEY_WINDOW_DAYS = 10
    assert remind(django_capture_on_commit_callbacks).reminded == [e.pk]


def test_a_program_closed_early_counts_from_its_close(regions, django_capture_on_commit_callbacks):
    program = alumni_program(40)
    from sisnaker.training.models import Program
    # Planned to end 10 days ago, closed 40 days ago: graduation was the close.
    Program.objects.filter(pk=program.pk).update(end_date=_today() - dt.timedelta(days=10),
                                                 closed_on=_today() - dt.timedelta(days=40))
    e = alumnus(program)
    assert remind(django_capture_on_commit_callbacks).reminded == [e.pk]


def test_reminding_30_alumni_takes_as_many_queries_as_5(regions, django_capture_on_commit_callbacks):
    counts = {}
    for n in (5, 30):
        program = alumni_program(31)
        for _ in range(n):
            alumnus(program)
        with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as ctx:
            report = services.employment_reminders_send(base_url="http://testserver/")
        counts[n] = len(ctx.captured_queries)
        assert len(report.reminded) == n
    assert counts[30] == counts[5], counts


# --- reached by the link, on "Pelatihan saya" -------------------------------------------------------------------

def test_the_link_opens_the_survey_and_only_the_job_questions_of_someone_who_works_are_required(
        regions, sms, django_capture_on_commit_callbacks):
    e = alumnus(alumni_program(31), full_name="Rina Alumni")
    remind(django_capture_on_commit_callbacks)
    token = TOKEN_RE.search(next(t for to, t in sms if to == e.person.phone)).group(1)
    client = Client()
    response = client.get(f"/l/{token}/")
    assert response.status_code == 302 and response["Location"] == reverse("links:employment")
    page = client.get(reverse("links:employment")).content.decode()
    assert "Survei kebekerjaan" in page and 'data-show-if="q-status"' in page and "Rina A****" in page
    # Working without the job's answers: refused on those questions only, nothing saved.
    refused = client.post(reverse("links:employment"), {"q-status": "working"})
    assert refused.status_code == 400 and not Response.objects.exists()
    html = refused.content.decode()
    assert html.count('class="errorlist"') == 6
    # Not working: the status and what they do now are enough (a stale employer field is dropped).
    done = client.post(reverse("links:employment"), NOT_WORKING | {"q-employer": "PT Lama"})
    assert done.status_code == 302 and done["Location"] == reverse("links:steps")
    response = Response.objects.get(enrollment=e, questionnaire__code="employment")
    assert {a.question.code: a.value for a in response.answers.select_related("question")} == {
        "status": "not_working", "looking": "mencari_kerja"}
    event = AuditEvent.objects.get(action="survey.response_submitted")
    assert event.actor_id is None and event.actor_label.startswith("tautan pribadi #")
    steps = client.get(reverse("links:steps")).content.decode()
    assert 'id="step-employment" data-done="1"' in steps
    assert client.get(reverse("links:employment"))["Location"] == reverse("links:steps")  # one response per enrollment


def test_the_employment_link_does_not_replace_the_certificate_link(regions, sms, django_capture_on_commit_callbacks):
    e = alumnus(alumni_program(31))
    from tests.factories import ManagerFactory
    manager = ManagerFactory(institution=e.program.institution)
    services.links.issue_many(actor=manager, wanted=[(e, "", domain.LINK_CERTIFICATE_READY)], base_url="http://testserver/",
                              now=timezone.now())
    remind(django_capture_on_commit_callbacks)
    assert PersonalLink.objects.filter(enrollment=e, revoked_at__isnull=True).count() == 2


def test_my_trainings_offers_the_survey_only_while_it_is_open(regions, client):
    open_ = alumnus(alumni_program(31))
    person = open_.person
    soon = EnrollmentFactory(program=alumni_program(3), person=person, state=E.GRADUATED)
    client.force_login(person.user)
    html = client.get(reverse("my_trainings")).content.decode()
    fill = reverse("surveys:fill", args=("employment", open_.pk))
    assert html.count("Isi survei kebekerjaan") == 1 and fill in html
    assert reverse("surveys:fill", args=("employment", soon.pk)) not in html
    # The account's own survey page takes it too, with the same conditional questions.
    response = client.post(fill, NOT_WORKING)
    assert response.status_code == 302 and Response.objects.filter(enrollment=open_).exists()
    assert "Survei kebekerjaan terisi" in client.get(reverse("my_trainings")).content.decode()
    # Before the window opens the engine refuses (certification's rule through the extension point).
    refused = client.post(reverse("surveys:fill", args=("employment", soon.pk)), NOT_WORKING)
    assert refused.status_code in (302, 409) and not Response.objects.filter(enrollment=soon).exists()


# --- the daily schedule ------------------------------------------------------------------------------------------

def test_the_daily_job_queues_the_reminders_once_a_day_and_not_at_night(regions, settings):
    alumnus(alumni_program(31))
    settings.SISNAKER_EMPLOYMENT_SURVEY_HOUR = 9
    night = timezone.localtime().replace(hour=2, minute=0)
    morning = night.replace(hour=9, minute=30)
    assert tasks.employment_reminders_due(now=night) == "too early"
    assert tasks.employment_reminders_due(now=morning) == "queued"  # the immediate backend runs it at once
    assert AuditEvent.objects.filter(action="employment_survey.reminders_sent").count() == 1
    assert tasks.employment_reminders_due(now=morning.replace(hour=15)) == "ran today"


def test_the_command_sends_them_now(regions, sms):
    from io import StringIO

    from django.core.management import call_command
    e = alumnus(alumni_program(31))
    out = StringIO()
    call_command("employmentreminders", "--base-url", "http://contoh.test/", stdout=out)
    assert "1 terkirim" in out.getvalue()
    assert PersonalLink.objects.filter(enrollment=e, purpose="employment_survey").exists()
