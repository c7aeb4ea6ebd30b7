"""The placement job played across its roles, where it broke at the seams: a hire of someone the company had already
reported working there recorded them twice (and the figures counted them twice); a hire's start date was never
checked (1900, 2099: stuck, since an end date cannot precede it); a hire of an alumnus was not credited to their
training (the BBPLK Bekasi question: who of our trained people works?); an AK/1 card that ended because its holder
found work blocked a new card for two years, after that job was lost."""

from __future__ import annotations

import datetime as dt

import pytest

from sisnaker.core.errors import Conflict, ValidationFailed
from sisnaker.placement import domain, services
from sisnaker.placement.models import Application, Outcome, Placement
from sisnaker.training.domain import EnrollmentState as E
from tests.factories import EnrollmentFactory, PersonFactory, staff
from tests.placement.photos import PHOTO
from tests.placement.test_jobs_services import NOW, TODAY, published

pytestmark = pytest.mark.django_db


def hire(boss, application, *, start=TODAY):
    for action in ("shortlist", "interview", "offer"):
        services.application_move(actor=boss, application_id=application.pk, action=action, now=NOW,
                                  note="Senin 7 Desember, 09.00, kantor pusat" if action == "interview" else "")
    return services.application_move(actor=boss, application_id=application.pk, action="hire", start_date=start, now=NOW)


def test_a_hire_of_someone_the_company_already_reported_working_there_is_refused(regions):
    boss, vacancy = published()
    seeker = PersonFactory()
    services.placement_report(actor=boss, company_id=vacancy.company_id, now=NOW, data=services.EmployerReport(
        nik=seeker.nik, full_name=seeker.full_name, birth_date=seeker.birth_date, position="Operator", start_date=TODAY))
    application = services.application_submit(actor=seeker.user, vacancy_id=vacancy.pk, now=NOW)
    with pytest.raises(Conflict) as refused:
        hire(boss, application)
    assert refused.value.code == "placement_exists"
    assert Placement.objects.filter(person=seeker).count() == 1


@pytest.mark.parametrize("start", [dt.date(1900, 1, 1), dt.date(2099, 12, 31)])
def test_a_hire_starting_before_the_person_could_work_or_years_ahead_is_refused(regions, start):
    boss, vacancy = published()
    seeker = PersonFactory(birth_date=dt.date(2000, 1, 2))
    application = services.application_submit(actor=seeker.user, vacancy_id=vacancy.pk, now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        hire(boss, application, start=start)
    assert refused.value.field == "start_date"
    assert not Placement.objects.exists()
    hired = services.application_move(actor=boss, application_id=application.pk, action="hire",  # a start next month is fine
                                      start_date=TODAY + dt.timedelta(days=30), now=NOW)
    assert hired.stage == "hired"


def test_an_employer_report_of_work_before_the_age_of_15_is_refused(regions):
    boss, vacancy = published()
    person = PersonFactory(birth_date=dt.date(1995, 5, 17))
    with pytest.raises(ValidationFailed) as refused:
        services.placement_report(actor=boss, company_id=vacancy.company_id, now=NOW, data=services.EmployerReport(
            nik=person.nik, full_name=person.full_name, birth_date=person.birth_date, position="Operator", start_date=dt.date(1950, 1, 1)))
    assert refused.value.field == "start_date"


def test_a_hire_of_an_alumnus_counts_as_the_outcome_of_their_training(regions):
    boss, vacancy = published()
    alumnus = PersonFactory()
    graduated = EnrollmentFactory(person=alumnus, state=E.GRADUATED)
    application = services.application_submit(actor=alumnus.user, vacancy_id=vacancy.pk, now=NOW)
    hire(boss, application)
    placement = Placement.objects.get(person=alumnus)
    assert placement.enrollment_id == graduated.pk
    outcome = Outcome.objects.get(enrollment=graduated)
    assert (outcome.status, outcome.placement_id, outcome.source) == (domain.OutcomeStatus.EMPLOYED, placement.pk, "application")


def test_a_card_that_ended_when_its_holder_found_work_does_not_block_a_new_one(regions):
    officer = staff("regional_officer", region_code="32.73")
    boss, vacancy = published()
    person = PersonFactory()
    data = services.Ak1Application(birth_place="Bandung", marital_status="single", religion="islam", address="Jl. Merdeka 1",
                                   education="smk", other_training="", skills="Las")
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, now=NOW, data=data)
    services.ak1_issue(actor=officer, card_id=card.pk, now=NOW)
    hire(boss, services.application_submit(actor=person.user, vacancy_id=vacancy.pk, now=NOW))
    card.refresh_from_db()
    assert card.ended_on == TODAY
    # The job is lost; they register as a job seeker again.
    again = services.ak1_apply(photo_upload=PHOTO, actor=person.user, now=NOW + dt.timedelta(days=60), data=data)
    assert again.pk != card.pk and again.status == "submitted"


def test_the_applicant_is_told_of_each_step_with_the_employers_note(regions):
    from sisnaker.notifications.models import Notification

    boss, vacancy = published()
    seeker = PersonFactory()
    application = services.application_submit(actor=seeker.user, vacancy_id=vacancy.pk, now=NOW)
    services.application_move(actor=boss, application_id=application.pk, action="shortlist", now=NOW)
    services.application_move(actor=boss, application_id=application.pk, action="interview", now=NOW,
                              note="Rabu 11 Maret pukul 09.00 di kantor kami, Jl. Asia Afrika 1")
    texts = list(Notification.objects.filter(person=seeker, channel="sms").order_by("pk").values_list("body", flat=True))
    assert len(texts) == 2 and "diundang wawancara" in texts[1] and "Rabu 11 Maret pukul 09.00" in texts[1]
    assert texts[1].endswith("/penempatan/lamaran/saya/")  # a link to open on the phone, not a menu to find
    services.application_move(actor=boss, application_id=application.pk, action="offer", now=NOW)
    services.application_move(actor=boss, application_id=application.pk, action="hire", start_date=TODAY, now=NOW)
    last = Notification.objects.filter(person=seeker, channel="sms").order_by("-pk").first()
    assert "diterima bekerja" in last.body and f"{TODAY:%d/%m/%Y}" in last.body


def test_a_child_gets_no_ak1_card(regions):
    person = PersonFactory(birth_date=dt.date(2015, 3, 12))
    data = services.Ak1Application(birth_place="Bandung", marital_status="single", religion="islam", address="Jl. Merdeka 1",
                                   education="sd", other_training="", skills="-")
    with pytest.raises(Conflict) as refused:
        services.ak1_apply(photo_upload=PHOTO, actor=person.user, now=NOW, data=data)
    assert refused.value.code == "ak1_too_young"


def test_a_search_link_naming_only_the_regency_filters_by_it(regions):
    from django.http import QueryDict

    from sisnaker.placement.forms import SearchForm

    params = SearchForm(QueryDict("regency=32.73")).params()
    assert (params["province"], params["regency"]) == ("32", "32.73")
    assert SearchForm(QueryDict("regency=99.99")).params()["regency"] == ""  # unknown: dropped, as before


def test_date_boxes_show_their_date_in_every_language(regions):
    """A browser's date box takes only YYYY-MM-DD: the Indonesian format (02-12-2026) left the vacancy's dates blank on
    every edit, and a sign-up form shown again after an error lost the birth date."""
    from django.utils import translation

    from sisnaker.accounts.forms import SignUpForm
    from sisnaker.placement.forms import MoveForm

    for language in ("id", "en"):
        with translation.override(language):
            assert 'value="2026-12-02"' in str(MoveForm(initial={"start_date": dt.date(2026, 12, 2)})["start_date"])
            assert 'value="1995-05-17"' in str(SignUpForm(initial={"birth_date": dt.date(1995, 5, 17)})["birth_date"])


def test_an_interview_invitation_without_day_time_and_place_is_refused_and_sends_nothing(regions):
    from sisnaker.notifications.models import Notification

    boss, vacancy = published()
    seeker = PersonFactory()
    application = services.application_submit(actor=seeker.user, vacancy_id=vacancy.pk, now=NOW)
    services.application_move(actor=boss, application_id=application.pk, action="shortlist", now=NOW)
    for note in ("", "besok"):
        with pytest.raises(ValidationFailed) as refused:
            services.application_move(actor=boss, application_id=application.pk, action="interview", now=NOW, note=note)
        assert refused.value.field == "note" and "hari, jam, dan tempat" in refused.value.message.id
    assert Application.objects.get(pk=application.pk).stage == "shortlisted"
    assert Notification.objects.filter(person=seeker, channel="sms").count() == 1  # the shortlist's only
