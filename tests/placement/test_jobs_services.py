"""Employers, vacancies, applications and placements at the service level (issue 12): registration and vetting
by the company's regency office, staff, vacancy rules and lifecycle, applying (AK/1 and certificates attached,
once per vacancy), stages, hiring → placement record and filled count; scope refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.certification import services as cert_services
from sisnaker.certification.models import Certificate
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.placement import domain, selectors, services
from sisnaker.placement.models import Application, Company, Occupation, Placement, Vacancy
from sisnaker.regions.models import District, Regency
from tests.factories import (
    CompanyFactory,
    CompetencyUnitFactory,
    PersonFactory,
    UserFactory,
    course,
    employer,
    staff,
)
from tests.placement.photos import PHOTO

NOW = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))
TODAY = NOW.date()


def company_data(**over) -> services.CompanyData:
    district = District.objects.get(code="32.73.01")
    values = dict(name="PT Maju Bersama", nib="1234567890123", sector="C", regency=district.regency, district=district,
                  address="Jl. Asia Afrika 1", contact_name="Bu Rina", phone="+62224201111", email="hrd@maju.test")
    values.update(over)
    return services.CompanyData(**values)


def vacancy_data(**over) -> services.VacancyData:
    refs = {k: over.pop(k) for k in ("regency", "occupation_code", "vocational_field", "unit_codes") if k in over}
    fields = dict(title="Operator Mesin CNC", openings=2, opens_on=TODAY, closes_on=TODAY + dt.timedelta(days=30),
                  skills="Mengoperasikan mesin CNC, membaca gambar teknik", work_type="full_time", sex="any", age_min=18,
                  age_max=35, min_education="smk", experience_years=1, wage_min=4_000_000, wage_max=5_500_000)
    fields.update(over)
    return services.VacancyData(fields=domain.VacancyInput(**fields), regency=refs.get("regency", Regency.objects.get(code="32.73")),
                                occupation_code=refs.get("occupation_code", "722"), vocational_field=refs.get("vocational_field"),
                                unit_codes=refs.get("unit_codes", ()))


@pytest.fixture
def officer(regions):
    return staff("regional_officer", region_code="32.73")


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # grants are cached per user object


def published(company: Company | None = None, **over) -> tuple[User, Vacancy]:
    boss = employer(company)
    vacancy = services.vacancy_create(actor=boss, company_id=Company.objects.get(staff_roles__user=boss).pk, data=vacancy_data(**over),
                                      now=NOW)
    return boss, services.vacancy_publish(actor=boss, vacancy_id=vacancy.pk, now=NOW)


# --- ISCO-08 -----------------------------------------------------------------------------------------------

def test_isco08_groups_are_loaded_with_their_parents(regions):
    counts = {level: Occupation.objects.filter(level=level).count() for level in (1, 2, 3)}
    assert counts == {1: 10, 2: 43, 3: 130}
    assert Occupation.objects.get(code="722").parent.parent.code == "7"
    assert Occupation.objects.get(code="25").title_en == "Information and Communications Technology Professionals"


# --- companies ---------------------------------------------------------------------------------------------

def test_registering_makes_a_pending_company_and_its_registrant_its_manager(regions, officer):
    citizen = PersonFactory().user
    company = services.company_register(actor=citizen, data=company_data(nib="1234-5678-90123"), now=NOW)
    assert (company.status, company.nib, company.manager_id) == ("pending", "1234567890123", citizen.pk)
    assert RoleAssignment.objects.filter(user=citizen, role="employer", company=company).exists()
    assert AuditEvent.objects.filter(action="company.registered", object_id=str(company.pk)).exists()
    assert company in selectors.company_queue(viewer=officer)


@pytest.mark.parametrize(("over", "field"), [
    ({"nib": "12345"}, "nib"), ({"nib": "12345678901234"}, "nib"), ({"nib": "12345678901ab"}, "nib"),
    ({"name": "  "}, "name"), ({"sector": "Z"}, "sector"), ({"regency": None}, "regency"),
    ({"phone": "", "email": ""}, "phone"),
])
def test_registration_refuses_bad_fields(regions, over, field):
    with pytest.raises(ValidationFailed) as refused:
        services.company_register(actor=PersonFactory().user, data=company_data(**over), now=NOW)
    assert refused.value.field == field


def test_district_must_lie_in_the_regency(regions):
    with pytest.raises(ValidationFailed) as refused:
        services.company_register(actor=PersonFactory().user, data=company_data(district=District.objects.get(code="35.78.01")), now=NOW)
    assert refused.value.field == "district"


def test_nib_is_unique_in_the_service_and_the_database(regions):
    services.company_register(actor=PersonFactory().user, data=company_data(), now=NOW)
    with pytest.raises(Conflict):
        services.company_register(actor=PersonFactory().user, data=company_data(name="PT Lain"), now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(name="PT Kembar", nib="1234567890123", regency_id="32.73")
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(name="PT Pendek", nib="123", regency_id="32.73")


def test_only_an_officer_of_the_companys_regency_decides(regions, officer):
    company = services.company_register(actor=PersonFactory().user, data=company_data(), now=NOW)
    for outsider in (staff("regional_officer", region_code="35.78"), staff("regional_officer", region_code="32"),
                     staff("curator"), PersonFactory().user):
        with pytest.raises(PermissionDenied):
            services.company_review(actor=outsider, company_id=company.pk, action="approve", now=NOW)
    assert company not in selectors.company_queue(viewer=staff("regional_officer", region_code="35.78"))
    approved = services.company_review(actor=officer, company_id=company.pk, action="approve", now=NOW)
    assert approved.status == "approved"
    assert AuditEvent.objects.filter(action="company.approve", object_id=str(company.pk)).exists()


def test_rejection_needs_a_reason_and_the_manager_may_resubmit(regions, officer):
    boss = PersonFactory().user
    company = services.company_register(actor=boss, data=company_data(), now=NOW)
    with pytest.raises(ValidationFailed):
        services.company_review(actor=officer, company_id=company.pk, action="reject", reason="  ", now=NOW)
    services.company_review(actor=officer, company_id=company.pk, action="reject", reason="NIB tidak cocok di OSS", now=NOW)
    with pytest.raises(Conflict):  # a rejected company cannot be approved without resubmitting
        services.company_review(actor=officer, company_id=company.pk, action="approve", now=NOW)
    again = services.company_resubmit(actor=fresh(boss), company_id=company.pk, data=company_data(nib="1234567890124"), now=NOW)
    assert (again.status, again.nib, again.status_reason) == ("pending", "1234567890124", "")


def test_suspend_and_reinstate_follow_the_table(regions, officer):
    company = CompanyFactory()
    with pytest.raises(Conflict):
        services.company_review(actor=officer, company_id=company.pk, action="reinstate", reason="x", now=NOW)
    services.company_review(actor=officer, company_id=company.pk, action="suspend", reason="Upah di bawah UMK", now=NOW)
    assert services.company_review(actor=officer, company_id=company.pk, action="reinstate", reason="Sudah diperbaiki",
                                   now=NOW).status == "approved"


def test_the_manager_of_an_approved_company_adds_staff(regions):
    company = CompanyFactory()
    boss = employer(company)
    clerk = UserFactory(username="hrd.kedua")
    services.company_add_staff(actor=boss, company_id=company.pk, username="hrd.kedua", now=NOW)
    assert RoleAssignment.objects.filter(user=clerk, role="employer", company=company, is_active=True).exists()
    with pytest.raises(PermissionDenied):  # staff who are not the manager
        services.company_add_staff(actor=fresh(clerk), company_id=company.pk, username="siapa", now=NOW)
    with pytest.raises(PermissionDenied):  # another company's manager
        services.company_add_staff(actor=employer(), company_id=company.pk, username="hrd.kedua", now=NOW)


def test_a_pending_companys_manager_adds_no_staff(regions):
    boss = PersonFactory().user
    company = services.company_register(actor=boss, data=company_data(), now=NOW)
    UserFactory(username="calon.staf")
    with pytest.raises(PermissionDenied):
        services.company_add_staff(actor=fresh(boss), company_id=company.pk, username="calon.staf", now=NOW)


# --- vacancies ---------------------------------------------------------------------------------------------

def test_a_pending_company_drafts_but_cannot_publish(regions):
    boss = PersonFactory().user
    company = services.company_register(actor=boss, data=company_data(), now=NOW)
    boss = fresh(boss)
    vacancy = services.vacancy_create(actor=boss, company_id=company.pk, data=vacancy_data(), now=NOW)
    assert vacancy.status == "draft"
    with pytest.raises(Conflict) as refused:
        services.vacancy_publish(actor=boss, vacancy_id=vacancy.pk, now=NOW)
    assert refused.value.code == "company_not_approved"
    assert not selectors.vacancy_search(selectors.SearchParams(), today=TODAY).exists()
    with pytest.raises(NotFound):  # nobody else sees the draft
        selectors.vacancy_page(viewer=PersonFactory().user, vacancy_id=vacancy.pk, today=TODAY)


def test_publish_close_and_report_filled(regions):
    boss, vacancy = published()
    assert (vacancy.status, vacancy.published_at) == ("published", NOW)
    assert list(selectors.vacancy_search(selectors.SearchParams(), today=TODAY)) == [vacancy]
    with pytest.raises(ValidationFailed):
        services.vacancy_fill(actor=boss, vacancy_id=vacancy.pk, filled=3, now=NOW)  # more than the 2 needed
    filled = services.vacancy_fill(actor=boss, vacancy_id=vacancy.pk, filled=2, now=NOW)
    assert (filled.status, filled.filled) == ("filled", 2)
    with pytest.raises(Conflict):
        services.vacancy_close(actor=boss, vacancy_id=vacancy.pk, now=NOW)
    assert AuditEvent.objects.filter(action="vacancy.fill", object_id=str(vacancy.pk)).exists()


def test_vacancy_fields_are_checked(regions):
    boss = employer()
    company_id = Company.objects.get(staff_roles__user=boss).pk
    for over, field in [({"openings": 0}, "openings"), ({"closes_on": TODAY - dt.timedelta(days=1)}, "closes_on"),
                        ({"age_min": 40, "age_max": 30}, "age_max"), ({"wage_min": 6_000_000}, "wage_max"),
                        ({"wage_min": None, "wage_max": None}, "wage_min"), ({"occupation_code": "999"}, "occupation"),
                        ({"skills": " "}, "skills"), ({"unit_codes": ("TIDAK.ADA",)}, "competency_units")]:
        with pytest.raises(ValidationFailed) as refused:
            services.vacancy_create(actor=boss, company_id=company_id, data=vacancy_data(**over), now=NOW)
        assert refused.value.field == field, over
    negotiable = services.vacancy_create(actor=boss, company_id=company_id,
                                         data=vacancy_data(wage_min=None, wage_max=None, wage_negotiable=True), now=NOW)
    assert negotiable.wage_negotiable and negotiable.wage_min is None


def test_vacancies_name_vocational_field_and_units(regions):
    unit = CompetencyUnitFactory()
    boss = employer()
    vacancy = services.vacancy_create(actor=boss, company_id=Company.objects.get(staff_roles__user=boss).pk,
                                      data=vacancy_data(vocational_field=unit.vocational_field, unit_codes=(unit.code.lower(),)), now=NOW)
    assert list(vacancy.competency_units.all()) == [unit]


def test_another_companys_staff_cannot_touch_a_vacancy(regions):
    _, vacancy = published()
    other = employer()
    with pytest.raises(PermissionDenied):
        services.vacancy_close(actor=other, vacancy_id=vacancy.pk, now=NOW)
    with pytest.raises(PermissionDenied):
        selectors.applicants(viewer=other, vacancy_id=vacancy.pk)


def test_vacancy_database_constraints(regions):
    _, vacancy = published()
    for change in ({"filled": 3}, {"closes_on": vacancy.opens_on - dt.timedelta(days=1)}, {"status": "gone"},
                   {"wage_min": None, "wage_negotiable": False}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Vacancy.objects.filter(pk=vacancy.pk).update(**change)


# --- applications ------------------------------------------------------------------------------------------

def test_applying_attaches_the_valid_ak1_card_and_certificates(regions, officer):
    c = course(participants=1)
    person = c.people[0]
    cert = Certificate.objects.create(enrollment=c.enrollments[0], number="BLK/2026/000001", institution=c.inst, year=2026,
                                      sequence=1, verification_id="v" * 20, payload="{}", signature="s", key_id="k",
                                      issued_at=NOW, issued_by=c.manager)
    boss, vacancy = published()
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, now=NOW, data=services.Ak1Application(
        birth_place="Bandung", marital_status="single", religion="islam", address="Jl. Merdeka 1", education="smk",
        other_training="", skills="Las"))
    services.ak1_issue(actor=officer, card_id=card.pk, now=NOW)
    application = services.application_submit(actor=person.user, vacancy_id=vacancy.pk, cover_note="Siap bekerja", now=NOW)
    assert application.ak1_card_id == card.pk and application.stage == "applied"
    assert list(application.certificates.all()) == [cert]
    # Revoked after the person applied: the employer no longer sees it as a credential (page nor API).
    _, (shown,) = selectors.applicants(viewer=boss, vacancy_id=vacancy.pk)
    assert [c.number for c in shown.certificates.all()] == [cert.number]
    cert_services.certificate_revoke(actor=c.manager, certificate=cert, reason="Data peserta salah", now=NOW)
    _, (shown,) = selectors.applicants(viewer=fresh(boss), vacancy_id=vacancy.pk)
    assert list(shown.certificates.all()) == []
    from django.test import Client
    page = Client()
    page.force_login(boss)
    assert cert.number not in page.get(f"/penempatan/lowongan/{vacancy.pk}/pelamar/").content.decode()
    with pytest.raises(Conflict):
        services.application_submit(actor=person.user, vacancy_id=vacancy.pk, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(vacancy=vacancy, person=person, applied_at=NOW, stage_changed_at=NOW)
    assert selectors.my_applications(user=person.user) == [application]
    # Hired: the employer returns the card, which ends as "found work" and asks for no more reports.
    for action in ("shortlist", "interview", "offer"):
        services.application_move(actor=boss, application_id=application.pk, action=action, now=NOW,
                                  note="Senin 7 Desember, 09.00, kantor pusat" if action == "interview" else "")
    services.application_move(actor=boss, application_id=application.pk, action="hire", start_date=TODAY, now=NOW)
    card.refresh_from_db()
    assert card.ended_on == TODAY and card.employer_name == vacancy.company.name and card.position == vacancy.title


def test_no_applying_to_a_draft_a_closed_or_a_suspended_companys_vacancy(regions, officer):
    boss, vacancy = published()
    seeker = PersonFactory().user
    draft = services.vacancy_create(actor=boss, company_id=vacancy.company_id, data=vacancy_data(), now=NOW)
    with pytest.raises(NotFound):
        services.application_submit(actor=seeker, vacancy_id=draft.pk, now=NOW)
    services.company_review(actor=officer, company_id=vacancy.company_id, action="suspend", reason="Diperiksa", now=NOW)
    with pytest.raises(NotFound):
        services.application_submit(actor=seeker, vacancy_id=vacancy.pk, now=NOW)
    assert not selectors.vacancy_search(selectors.SearchParams(), today=TODAY).exists()
    services.company_review(actor=officer, company_id=vacancy.company_id, action="reinstate", reason="Selesai", now=NOW)
    services.vacancy_close(actor=fresh(boss), vacancy_id=vacancy.pk, now=NOW)
    with pytest.raises(Conflict):
        services.application_submit(actor=seeker, vacancy_id=vacancy.pk, now=NOW)
    with pytest.raises(PermissionDenied):  # staff accounts have no person
        services.application_submit(actor=boss, vacancy_id=vacancy.pk, now=NOW)


def test_stages_through_hire_record_a_placement_and_fill_the_vacancy(regions):
    boss, vacancy = published(openings=1)
    seeker = PersonFactory()
    application = services.application_submit(actor=seeker.user, vacancy_id=vacancy.pk, now=NOW)
    with pytest.raises(Conflict):  # no skipping a stage
        services.application_move(actor=boss, application_id=application.pk, action="hire", start_date=TODAY, now=NOW)
    for action in ("shortlist", "interview", "offer"):
        services.application_move(actor=boss, application_id=application.pk, action=action, now=NOW,
                                  note="Senin 7 Desember, 09.00, kantor pusat" if action == "interview" else "")
    with pytest.raises(ValidationFailed):
        services.application_move(actor=boss, application_id=application.pk, action="hire", now=NOW)
    hired = services.application_move(actor=boss, application_id=application.pk, action="hire", start_date=TODAY, now=NOW)
    assert hired.stage == "hired"
    placement = Placement.objects.get(application=application)
    assert (placement.person, placement.company_id, placement.vacancy_id, placement.source, placement.position,
            placement.formal, placement.domestic, placement.sector) == (
        seeker, vacancy.company_id, vacancy.pk, "application", vacancy.title, True, True, "C")
    vacancy.refresh_from_db()
    assert (vacancy.filled, vacancy.status) == (1, "filled")
    assert AuditEvent.objects.filter(action="placement.recorded", object_id=str(placement.pk)).exists()


def test_no_hire_beyond_the_openings(regions, django_capture_on_commit_callbacks):
    boss, vacancy = published(openings=1)
    apps = [services.application_submit(actor=PersonFactory().user, vacancy_id=vacancy.pk, now=NOW) for _ in range(2)]
    for a in apps:
        for action in ("shortlist", "interview", "offer"):
            services.application_move(actor=boss, application_id=a.pk, action=action, now=NOW,
                                      note="Senin 7 Desember, 09.00, kantor pusat" if action == "interview" else "")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_move(actor=boss, application_id=apps[0].pk, action="hire", start_date=TODAY, now=NOW)
    # The last position hired: the other applicant's application is closed (and they are told), so no second hire.
    with pytest.raises(Conflict) as refused:
        services.application_move(actor=boss, application_id=apps[1].pk, action="hire", start_date=TODAY, now=NOW)
    assert refused.value.code == "application_stage"
    assert not Placement.objects.filter(application=apps[1]).exists()


def test_a_filled_vacancy_closes_the_applications_still_waiting_and_tells_their_applicants(regions, django_capture_on_commit_callbacks):
    """Applicants of a vacancy whose every position was filled waited for an answer that could not come."""
    from sisnaker.notifications.models import Notification

    boss, vacancy = published(openings=2)
    people = [PersonFactory() for _ in range(4)]
    apps = [services.application_submit(actor=p.user, vacancy_id=vacancy.pk, now=NOW) for p in people]
    services.application_move(actor=boss, application_id=apps[1].pk, action="shortlist", now=NOW)
    services.application_move(actor=boss, application_id=apps[2].pk, action="reject", note="Belum sesuai", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        for action in ("shortlist", "interview", "offer", "hire"):
            services.application_move(actor=boss, application_id=apps[3].pk, action=action, start_date=TODAY, now=NOW,
                                      note="Senin 7 Desember, 09.00, kantor pusat" if action == "interview" else "")
    assert Application.objects.get(pk=apps[0].pk).stage == "applied"  # one position still open: nobody closed yet
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_fill(actor=boss, vacancy_id=vacancy.pk, filled=2, now=NOW)  # the other filled outside Sisnaker
    stages = {a.pk: (a.stage, a.stage_note) for a in Application.objects.filter(vacancy=vacancy)}
    assert stages[apps[0].pk] == stages[apps[1].pk] == ("rejected", domain.FILLED_NOTE)
    assert stages[apps[2].pk] == ("rejected", "Belum sesuai") and stages[apps[3].pk][0] == "hired"
    told = set(Notification.objects.filter(topic=f"vacancy.{vacancy.pk}.filled").values_list("person_id", flat=True))
    assert told == {people[0].pk, people[1].pk}
    body = Notification.objects.filter(topic=f"vacancy.{vacancy.pk}.filled").first().body
    assert "sudah terisi" in body and body.endswith("/lowongan/")  # other vacancies, one tap away
    assert AuditEvent.objects.filter(action="application.moved", object_id=str(apps[0].pk), reason=domain.FILLED_NOTE).exists()


def test_the_housekeeping_pass_closes_what_a_dead_process_left_open_after_filling(regions):
    """The closing runs after the filling commit; here it never ran (no on_commit callbacks executed: the process
    died in between). The housekeeping pass answers those applicants, once, after leaving the normal path its time."""
    from sisnaker.notifications.models import Notification

    boss, vacancy = published(openings=1)
    people = [PersonFactory() for _ in range(3)]
    apps = [services.application_submit(actor=p.user, vacancy_id=vacancy.pk, now=NOW) for p in people]
    services.application_move(actor=boss, application_id=apps[1].pk, action="reject", note="Belum sesuai", now=NOW)
    services.vacancy_fill(actor=boss, vacancy_id=vacancy.pk, filled=1, now=NOW)
    assert Application.objects.get(pk=apps[0].pk).stage == "applied"  # left open by the dead process
    assert services.applications_close_for_filled_due(now=NOW + dt.timedelta(minutes=5)) == 0  # the normal path's time
    assert services.applications_close_for_filled_due(now=NOW + dt.timedelta(minutes=20)) == 2
    stages = {a.pk: (a.stage, a.stage_note) for a in Application.objects.filter(vacancy=vacancy)}
    assert stages[apps[0].pk] == stages[apps[2].pk] == ("rejected", domain.FILLED_NOTE)
    assert stages[apps[1].pk] == ("rejected", "Belum sesuai")
    told = set(Notification.objects.filter(topic=f"vacancy.{vacancy.pk}.filled").values_list("person_id", flat=True))
    assert told == {people[0].pk, people[2].pk}
    moved = AuditEvent.objects.get(action="application.moved", object_id=str(apps[0].pk), reason=domain.FILLED_NOTE)
    assert moved.actor_id is None
    assert services.applications_close_for_filled_due(now=NOW + dt.timedelta(hours=2)) == 0  # nothing twice
    assert "sisnaker.placement.services.applications_close_for_filled_due" in settings.SISNAKER_HOUSEKEEPING


def test_an_employer_cannot_see_or_move_another_companys_applicants(regions):
    _, vacancy = published()
    application = services.application_submit(actor=PersonFactory().user, vacancy_id=vacancy.pk, now=NOW)
    other = employer()
    with pytest.raises(PermissionDenied):
        selectors.applicants(viewer=other, vacancy_id=vacancy.pk)
    with pytest.raises(PermissionDenied):
        services.application_move(actor=other, application_id=application.pk, action="reject", now=NOW)
    with pytest.raises(PermissionDenied):  # a citizen neither
        services.application_move(actor=PersonFactory().user, application_id=application.pk, action="reject", now=NOW)


def test_a_suspended_companys_staff_no_longer_see_applicants(regions, officer):
    boss, vacancy = published()
    services.application_submit(actor=PersonFactory().user, vacancy_id=vacancy.pk, now=NOW)
    services.company_review(actor=officer, company_id=vacancy.company_id, action="suspend", reason="Diperiksa", now=NOW)
    with pytest.raises(PermissionDenied):
        selectors.applicants(viewer=fresh(boss), vacancy_id=vacancy.pk)


def test_rejection_keeps_its_note_for_the_applicant(regions):
    boss, vacancy = published()
    seeker = PersonFactory().user
    application = services.application_submit(actor=seeker, vacancy_id=vacancy.pk, now=NOW)
    services.application_move(actor=boss, application_id=application.pk, action="reject", note="Posisi sudah terisi", now=NOW)
    mine = selectors.my_applications(user=seeker)[0]
    assert (mine.stage, mine.stage_note) == ("rejected", "Posisi sudah terisi")


def test_search_filters(regions):
    field = CompetencyUnitFactory().vocational_field
    published(title="Juru Las Pipa", skills="Las SMAW dan GTAW", occupation_code="721", work_type="contract",
              min_education="sma", wage_min=6_000_000, wage_max=7_000_000, vocational_field=field)
    published(title="Koki Restoran", skills="Memasak", occupation_code="512", regency=Regency.objects.get(code="35.78"),
                        min_education="", wage_min=None, wage_max=None, wage_negotiable=True)

    def found(**params):
        return {v.title for v in selectors.vacancy_search(selectors.SearchParams(**params), today=TODAY)}

    assert found() == {"Juru Las Pipa", "Koki Restoran"}
    assert found(q="las") == {"Juru Las Pipa"} and found(q="koki restoran") == {"Koki Restoran"} and found(q="astronot") == set()
    assert found(occupation="72") == {"Juru Las Pipa"} and found(occupation="5") == {"Koki Restoran"}
    assert found(province="35") == {"Koki Restoran"} and found(regency="32.73") == {"Juru Las Pipa"}
    assert found(education="smp") == {"Koki Restoran"} and found(education="smk") == {"Juru Las Pipa", "Koki Restoran"}
    assert found(min_wage=6_500_000) == {"Juru Las Pipa"} and found(work_type="contract") == {"Juru Las Pipa"}
    assert found(q="las", work_type="full_time") == set()
    assert found(vocational_field=field.pk) == {"Juru Las Pipa"}
