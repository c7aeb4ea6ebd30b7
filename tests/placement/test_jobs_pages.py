"""Jobs through the pages: an employer registers a company, the regency officer approves it, the employer drafts
and publishes a vacancy, a citizen finds it at /lowongan/ (no log-in) and applies, the employer hires; bad
search input never fails; drafts stay hidden."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.placement.models import Application, Company, Placement, Vacancy
from tests.factories import PersonFactory, staff


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _vacancy_form(**over) -> dict:
    today = timezone.localdate()
    values = {"title": "Penjahit Garmen", "occupation": "753", "openings": "3", "opens_on": today.isoformat(),
              "closes_on": (today + dt.timedelta(days=20)).isoformat(), "work_type": "full_time", "province": "32",
              "regency": "32.73", "sex": "any", "age_min": "18", "age_max": "40", "min_education": "smp",
              "experience_years": "0", "skills": "Menjahit dengan mesin jahit industri", "description": "",
              "wage_min": "3800000", "wage_max": "4200000", "vocational_field": "", "competency_units": ""}
    values.update(over)
    return values


@pytest.mark.django_db
def test_the_whole_flow_through_the_pages(regions):
    boss_person = PersonFactory(full_name="Bu Rina")
    boss = _client(boss_person.user)
    response = boss.post(reverse("placement:company_register"), {
        "name": "CV Busana Priangan", "nib": "9120000999999", "sector": "C", "location_0": "32", "location_1": "32.73",
        "location_2": "32.73.01", "address": "Jl. Cibaduyut 1", "contact_name": "Rina", "phone": "+62224209999", "email": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    company = Company.objects.get(nib="9120000999999")
    assert company.status == "pending"

    # Pending: the draft is saved, publishing is refused with the reason.
    response = boss.post(reverse("placement:vacancy_create", args=[company.pk]), _vacancy_form())
    assert response.status_code == 302
    vacancy = Vacancy.objects.get(company=company)
    response = boss.post(reverse("placement:vacancy_status", args=[vacancy.pk, "publish"]), follow=True)
    assert "menunggu persetujuan" in response.content.decode()
    assert _client().get(reverse("jobs:detail", args=[vacancy.pk])).status_code == 404

    officer = _client(staff("regional_officer", region_code="32.73"))
    assert "CV Busana Priangan" in officer.get(reverse("placement:company_queue")).content.decode()
    assert officer.post(reverse("placement:company_review", args=[company.pk]), {"action": "approve", "reason": ""}).status_code == 302
    assert boss.post(reverse("placement:vacancy_status", args=[vacancy.pk, "publish"])).status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == "published"

    # Anyone finds it; a citizen applies.
    found = _client().get(reverse("jobs:search"), {"q": "penjahit", "province": "32", "regency": "32.73", "education": "sma",
                                                   "work_type": "full_time", "occupation": "75", "min_wage": "4000000"})
    assert "Penjahit Garmen" in found.content.decode()
    assert "Penjahit Garmen" not in _client().get(reverse("jobs:search"), {"q": "akuntan"}).content.decode()
    seeker = PersonFactory(full_name="Dewi Lestari")
    citizen = _client(seeker.user)
    assert citizen.post(reverse("jobs:apply", args=[vacancy.pk]), {"cover_note": "Pengalaman 2 tahun"}).status_code == 302
    application = Application.objects.get(person=seeker)
    mine = citizen.get(reverse("placement:my_applications")).content.decode()
    assert "Penjahit Garmen" in mine and "Melamar" in mine

    applicants = boss.get(reverse("placement:vacancy_applicants", args=[vacancy.pk])).content.decode()
    assert "Dewi Lestari" in applicants
    for action in ("shortlist", "interview", "offer"):
        assert boss.post(reverse("placement:application_move", args=[application.pk]), {"action": action, "note": "Senin 7 Desember, 09.00, kantor pusat"}).status_code == 302
    assert boss.post(reverse("placement:application_move", args=[application.pk]),
                     {"action": "hire", "start_date": timezone.localdate().isoformat()}).status_code == 302
    assert Placement.objects.filter(application=application, source="application").exists()
    assert "Diterima bekerja" in citizen.get(reverse("placement:my_applications")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    {"page": "x"}, {"page": "99999"}, {"min_wage": "banyak"}, {"min_wage": "-5"}, {"province": "99"}, {"regency": "xx"},
    {"occupation": "9999"}, {"vocational_field": "abc"}, {"education": "phd"}, {"work_type": "<script>"}, {"q": "a" * 500},
    {"q": "'); DROP TABLE x; --"},
])
def test_bad_search_input_never_fails(regions, query):
    assert _client().get(reverse("jobs:search"), query).status_code == 200


@pytest.mark.django_db
def test_a_nul_in_the_query_is_a_bad_request_not_an_error(regions):
    assert _client().get(reverse("jobs:search"), {"q": "\x00"}).status_code == 400  # core/nul.py refuses NUL everywhere


@pytest.mark.django_db
def test_a_vacancy_that_does_not_exist_is_404(regions):
    assert _client().get(reverse("jobs:detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_a_citizen_without_a_valid_ak1_card_is_told_before_and_after_applying(regions):
    # A QA pass: an alumnus applied, was told "Kartu AK/1 dan sertifikat Anda terlampir", and the employer saw "no
    # valid AK/1"; nothing had told them that employers' candidate lists hold only card holders.
    from sisnaker.placement.models import JobSeekerCard
    from tests.placement.test_jobs_services import published

    today = timezone.localdate()
    window = {"opens_on": today, "closes_on": today + dt.timedelta(days=10)}
    _boss, vacancy = published(title="Penjahit", **window)
    seeker = PersonFactory(full_name="Dewi Lestari")
    citizen = _client(seeker.user)
    page = citizen.get(reverse("jobs:detail", args=[vacancy.pk])).content.decode()
    assert "no-ak1" in page and reverse("placement:ak1_mine") in page and "terlampir dengan sendirinya." in page
    assert "no-ak1" in citizen.get(reverse("placement:match_mine")).content.decode()
    done = citizen.post(reverse("jobs:apply", args=[vacancy.pk]), {"cover_note": ""}, follow=True).content.decode()
    assert "tanpa kartu AK/1" in done and "Kartu AK/1 dan sertifikat Anda terlampir" not in done

    # With a valid card: attached, and said so.
    JobSeekerCard.objects.create(
        person=seeker, regency_id="32.73", status="issued", nik_encrypted="x", full_name=seeker.full_name, birth_place="Bandung",
        birth_date=seeker.birth_date, sex="F", marital_status="single", religion="islam", address="Jl. Uji", education="smk",
        skills="jahit", submitted_at=timezone.now(), number="3273-2026-000009", year=2026, sequence=9, issued_on=today,
        decided_by=staff("regional_officer", region_code="32.73"), decided_at=timezone.now())
    other = published(vacancy.company, title="Penjahit 2", **window)[1]
    assert "no-ak1" not in citizen.get(reverse("jobs:detail", args=[other.pk])).content.decode()
    assert "no-ak1" not in citizen.get(reverse("placement:match_mine")).content.decode()
    done = citizen.post(reverse("jobs:apply", args=[other.pk]), {"cover_note": ""}, follow=True).content.decode()
    assert "Kartu AK/1 dan sertifikat Anda terlampir" in done
    assert Application.objects.get(vacancy=other).ak1_card_id is not None


@pytest.mark.django_db
def test_moving_someone_elses_application_tells_nothing_about_it(regions):
    # A QA probe: any signed-in user posting to an application's move URL was sent to its vacancy's applicants page
    # when it existed, to their company page when not.
    from tests.placement.test_jobs_services import published

    _boss, vacancy = published()
    application = Application.objects.create(vacancy=vacancy, person=PersonFactory(), stage="applied",
                                             applied_at=timezone.now(), stage_changed_at=timezone.now())
    outsider = _client(PersonFactory().user)
    existing = outsider.post(reverse("placement:application_move", args=[application.pk]), {})
    missing = outsider.post(reverse("placement:application_move", args=[application.pk + 1000]), {})
    assert existing.status_code == missing.status_code == 302 and existing["Location"] == missing["Location"]
    assert str(vacancy.pk) not in existing["Location"]
    # The company's staff still go back to the applicants page.
    back = _client(_boss).post(reverse("placement:application_move", args=[application.pk]), {})
    assert back["Location"] == reverse("placement:vacancy_applicants", args=[vacancy.pk])
