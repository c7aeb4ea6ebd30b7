"""The home page shows the citizen and the employer their pending work, each one click from where it is done: a
review found both home pages empty of it (a participant had to find "Pelatihan saya" to learn that the certificate
waited for their review and survey; an employer had to open each vacancy to see new applications)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sisnaker.certification.selectors import survey_url
from sisnaker.placement import services as placement
from sisnaker.placement.models import Company
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from tests.factories import EnrollmentFactory, PersonFactory, ProgramFactory
from tests.placement.test_jobs_services import NOW, published

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("web:home")).content.decode()


def test_a_participant_sees_the_review_and_survey_the_certificate_waits_for(client, regions):
    person = PersonFactory()
    running = ProgramFactory(status=P.RUNNING, today=timezone.localdate() - dt.timedelta(days=12), title="Las Listrik Dasar")
    enrollment = EnrollmentFactory(program=running, person=person, state=E.PARTICIPANT, source="self")
    registered = ProgramFactory(title="Menjahit Dasar")
    EnrollmentFactory(program=registered, person=person, state=E.REGISTERED, source="self")

    page = _home(client, person.user)
    assert 'id="my-todo"' in page
    assert reverse("certification:review", args=[enrollment.pk]) in page and survey_url(enrollment.pk) in page
    assert "Las Listrik Dasar" in page
    assert 'data-active-trainings="2"' in page  # both trainings still under way, on the "Pelatihan saya" button


def test_nothing_to_do_shows_no_list(client, regions):
    person = PersonFactory()
    EnrollmentFactory(program=ProgramFactory(), person=person, state=E.REGISTERED, source="self")
    page = _home(client, person.user)
    assert 'id="my-todo"' not in page and 'data-active-trainings="1"' in page


def test_an_employer_sees_the_applications_nobody_looked_at_yet(client, regions):
    boss, vacancy = published(title="Operator Las")
    now = NOW  # the vacancy's opening days
    applicants = [PersonFactory() for _ in range(3)]
    applications = [placement.application_submit(actor=p.user, vacancy_id=vacancy.pk, now=now) for p in applicants]
    placement.application_move(actor=boss, application_id=applications[0].pk, action="shortlist", now=now)

    page = _home(client, boss)
    assert 'id="waiting-applications"' in page
    assert reverse("placement:vacancy_applicants", args=[vacancy.pk]) in page
    start = page.index(f'data-vacancy="{vacancy.pk}"')
    assert '<strong class="count">2</strong>' in page[start:start + 400]  # the shortlisted one is no longer waiting

    # Another company's employer sees none of it.
    other, _ = published(title="Juru Masak")
    assert f'data-vacancy="{vacancy.pk}"' not in _home(client, other)


def test_a_suspended_companys_applications_are_not_offered(client, regions):
    boss, vacancy = published(title="Operator Las")
    applicant = PersonFactory()
    placement.application_submit(actor=applicant.user, vacancy_id=vacancy.pk, now=NOW)
    Company.objects.filter(pk=vacancy.company_id).update(status="suspended", status_reason="Izin usaha dicabut")
    assert 'id="waiting-applications"' not in _home(client, boss)


def test_no_certificate_waits_for_someone_who_did_not_pass_nor_after_half_a_year(client, regions):
    today = timezone.localdate()
    failed, old_alumnus, recent_alumnus = PersonFactory(), PersonFactory(), PersonFactory()
    recent = ProgramFactory(status=P.CLOSED, today=today - dt.timedelta(days=10), title="Baru Selesai")
    EnrollmentFactory(program=recent, person=failed, state=E.NOT_PASSED, source="self")
    EnrollmentFactory(program=recent, person=recent_alumnus, state=E.GRADUATED, source="self")
    long_ago = ProgramFactory(status=P.CLOSED, today=today - dt.timedelta(days=400), title="Lama Sekali")
    EnrollmentFactory(program=long_ago, person=old_alumnus, state=E.GRADUATED, source="self")
    assert 'id="my-todo"' not in _home(client, failed.user)
    assert 'id="my-todo"' not in _home(client, old_alumnus.user)
    assert "Baru Selesai" in _home(client, recent_alumnus.user).split('id="my-todo"')[1]


def test_the_home_page_reads_the_same_number_of_queries_whatever_the_number_of_trainings(client, regions):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(person) -> int:
        client.force_login(person.user)
        with CaptureQueriesContext(connection) as seen:
            client.get(reverse("web:home"))
        return len(seen)

    one, many = PersonFactory(), PersonFactory()
    running = dict(status=P.RUNNING, today=timezone.localdate() - dt.timedelta(days=12))
    EnrollmentFactory(program=ProgramFactory(**running), person=one, state=E.PARTICIPANT, source="self")
    for _ in range(4):
        EnrollmentFactory(program=ProgramFactory(**running), person=many, state=E.PARTICIPANT, source="self")
    queries(one)  # warm what is cached per process
    assert queries(many) == queries(one)
