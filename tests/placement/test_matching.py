"""Matching on a real database (issue 12): the ranking order on a small world, the SQL score equal to the
Python score the reasons come from, the education gate, boarding alumni matched back home, a person without
certificates matched on location and education; candidates only with a valid AK/1 card and a certificate, for
the vacancy's own approved company only; the pages."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sisnaker.certification.models import Certificate
from sisnaker.core.errors import NotFound, PermissionDenied
from sisnaker.placement import matching, selectors_matching, services
from sisnaker.placement.models import Company, Vacancy
from sisnaker.regions.models import Regency
from sisnaker.training.models import VocationalField
from tests.factories import CompanyFactory, CompetencyUnitFactory, PersonFactory, course, employer, staff
from tests.placement.photos import PHOTO
from tests.placement.test_jobs_services import NOW, TODAY, published, vacancy_data

_numbers = itertools.count(1)


def certify(c, index: int = 0) -> Certificate:
    n = next(_numbers)
    return Certificate.objects.create(enrollment=c.enrollments[index], number=f"BLK/2026/M{n:05d}", institution=c.inst, year=2026,
                                      sequence=1000 + n, verification_id=f"m{n:031d}", payload="{}", signature="s", key_id="k",
                                      issued_at=NOW, issued_by=c.manager)


def card_for(person, officer):
    card = services.ak1_apply(photo_upload=PHOTO, actor=person.user, now=NOW, data=services.Ak1Application(
        birth_place="Bandung", marital_status="single", religion="islam", address="Jl. Merdeka 1", education=person.education,
        other_training="", skills="Pemrograman"))
    return services.ak1_issue(actor=officer, card_id=card.pk, now=NOW)


@pytest.fixture
def world(regions):
    """A course of 4 units in Kota Bandung; alumnus A lives in Kota Bandung (certified), C lives in Surabaya
    (boarding, certified); vacancies asking those 4 units + 1 other, in Kota Bandung, Kabupaten Bandung (same
    province) and Surabaya; one asking nothing; one asking S1; one draft."""
    c = course(participants=3, units=4)
    a, c_person, d = c.people
    c_person.domicile_district_id = "35.78.01"
    c_person.save(update_fields=["domicile_district"])
    certify(c, 0)
    certify(c, 1)
    certify(c, 2)
    other = CompetencyUnitFactory(vocational_field=c.program.vocational_field)
    codes = [u.code for u in c.units] + [other.code]
    field = c.program.vocational_field
    boss, v_home = published(title="Programmer Kota Bandung", unit_codes=codes, vocational_field=field)
    company = Company.objects.get(pk=v_home.company_id)
    _, v_province = published(company, title="Programmer Kab Bandung", unit_codes=codes, vocational_field=field,
                              regency=Regency.objects.get(code="32.04"))
    _, v_far = published(company, title="Programmer Surabaya", unit_codes=codes, vocational_field=field,
                         regency=Regency.objects.get(code="35.78"))
    _, v_plain = published(company, title="Kasir Kota Bandung", min_education="")
    _, v_s1 = published(company, title="Analis Kota Bandung", unit_codes=codes, vocational_field=field, min_education="s1")
    draft = services.vacancy_create(actor=boss, company_id=company.pk, data=vacancy_data(title="Draf", unit_codes=codes, vocational_field=field),
                                   now=NOW)
    return {"course": c, "a": a, "c": c_person, "d": d, "boss": boss, "company": company, "home": v_home, "province": v_province,
            "far": v_far, "plain": v_plain, "s1": v_s1, "draft": draft}


def titles(items):
    return [i.vacancy.title for i in items]


def test_an_alumnus_gets_units_field_and_home_first_with_reasons_that_add_up(world):
    seeker = selectors_matching.seeker_of(world["a"])
    assert len(seeker.unit_ids) == 4
    items = selectors_matching.recommend_vacancies(seeker, today=TODAY)
    assert titles(items) == ["Programmer Kota Bandung", "Programmer Kab Bandung", "Programmer Surabaya", "Kasir Kota Bandung"]
    assert [i.match.score for i in items] == [90, 75, 60, 35]
    for item in items:
        assert item.sql_score == item.match.score == sum(r.points for r in item.reasons)
    first = items[0]
    assert first.reasons[0].message.id == "Anda memiliki 4 dari 5 unit kompetensi yang diminta"
    assert len(first.matched_units) == 4
    assert first.reasons[-1].message.id == "Di kabupaten/kota Anda"


def test_below_the_minimum_education_and_drafts_are_never_recommended(world):
    items = selectors_matching.recommend_vacancies(selectors_matching.seeker_of(world["a"]), today=TODAY)
    assert "Analis Kota Bandung" not in titles(items) and "Draf" not in titles(items)
    world["a"].education = "s1"
    world["a"].save(update_fields=["education"])
    items = selectors_matching.recommend_vacancies(selectors_matching.seeker_of(world["a"]), today=TODAY)
    assert titles(items)[:2] == ["Analis Kota Bandung", "Programmer Kota Bandung"] or titles(items)[:2] == [
        "Programmer Kota Bandung", "Analis Kota Bandung"]


def test_a_boarding_alumnus_is_matched_back_home(world):
    items = selectors_matching.recommend_vacancies(selectors_matching.seeker_of(world["c"]), today=TODAY)
    assert titles(items)[0] == "Programmer Surabaya"
    assert items[0].match.score == 90


def test_a_person_without_certificates_gets_location_and_education_matches(world):
    person = PersonFactory(education="sma")
    items = selectors_matching.recommend_vacancies(selectors_matching.seeker_of(person), today=TODAY)
    scores = {i.vacancy.title: i.match.score for i in items}
    assert scores == {"Programmer Kota Bandung": 35, "Kasir Kota Bandung": 35, "Programmer Kab Bandung": 20, "Programmer Surabaya": 5}
    assert all(i.sql_score == i.match.score for i in items)
    assert items[0].reasons[0].message.id == "Anda memiliki 0 dari 5 unit kompetensi yang diminta" or items[0].vacancy.title == "Kasir Kota Bandung"


def test_a_suspended_companys_vacancies_are_not_recommended(world):
    Company.objects.filter(pk=world["company"].pk).update(status="suspended", status_reason="Diperiksa")
    assert selectors_matching.recommend_vacancies(selectors_matching.seeker_of(world["a"]), today=TODAY) == []


def test_candidates_are_card_holders_with_certificates_best_first(world):
    officer = staff("regional_officer", region_code="32.73")
    card_for(world["a"], officer)
    card_for(world["c"], officer)  # the card goes to the NIK's regency office: Kota Bandung
    card_for(PersonFactory(full_name="Tanpa Sertifikat"), officer)  # no certificate: not an alumnus
    # world["d"] is certified but holds no AK/1 card: never suggested.
    page = selectors_matching.candidates_for(viewer=world["boss"], vacancy_id=world["home"].pk, today=TODAY)
    assert [i.person.pk for i in page.items] == [world["a"].pk, world["c"].pk]
    assert [i.match.score for i in page.items] == [90, 60]
    assert all(i.sql_score == i.match.score for i in page.items)
    assert page.items[0].reasons[0].message.id == "Memiliki 4 dari 5 unit kompetensi yang diminta"
    # An S1 vacancy: nobody with SMK.
    assert selectors_matching.candidates_for(viewer=world["boss"], vacancy_id=world["s1"].pk, today=TODAY).items == []


def test_an_expired_or_ended_card_is_not_suggested(world):
    officer = staff("regional_officer", region_code="32.73")
    card = card_for(world["a"], officer)
    later = TODAY.replace(year=TODAY.year + 2)
    assert selectors_matching.candidates_for(viewer=world["boss"], vacancy_id=world["home"].pk, today=TODAY).items
    assert selectors_matching.candidates_for(viewer=world["boss"], vacancy_id=world["home"].pk, today=later).items == []
    type(card).objects.filter(pk=card.pk).update(ended_on=TODAY)
    assert selectors_matching.candidates_for(viewer=world["boss"], vacancy_id=world["home"].pk, today=TODAY).items == []


def test_another_companys_staff_cannot_see_the_candidates(world):
    other = employer()
    with pytest.raises(PermissionDenied):
        selectors_matching.candidates_for(viewer=other, vacancy_id=world["home"].pk, today=TODAY)
    pending = employer(CompanyFactory(status="pending"))
    with pytest.raises(PermissionDenied):
        selectors_matching.candidates_for(viewer=pending, vacancy_id=world["home"].pk, today=TODAY)
    with pytest.raises(PermissionDenied):
        selectors_matching.candidates_for(viewer=world["a"].user, vacancy_id=world["home"].pk, today=TODAY)
    with pytest.raises(NotFound):
        selectors_matching.candidates_for(viewer=world["boss"], vacancy_id=999_999, today=TODAY)


def test_a_staff_account_has_no_recommendations(world):
    with pytest.raises(PermissionDenied):
        selectors_matching.my_recommendations(viewer=world["boss"], today=TODAY)


def test_the_pages(world, client):
    today = timezone.localdate()  # the pages read the clock: the world's vacancies are open today
    Vacancy.objects.update(opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30))
    officer = staff("regional_officer", region_code="32.73")
    card = card_for(world["a"], officer)
    type(card).objects.filter(pk=card.pk).update(issued_on=today)
    client.force_login(world["a"].user)
    response = client.get(reverse("placement:match_mine"))
    assert response.status_code == 200
    assert "Anda memiliki 4 dari 5 unit kompetensi yang diminta" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("placement:match_mine")).content.decode()
    for text in ("Jobs for me", "You hold 4 of the 5 competency units this job asks for", "Matching units:", "of 50 points",
                 "Vacancies asking for more education than yours are not shown."):
        assert text in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    client.force_login(world["boss"])
    response = client.get(reverse("placement:match_candidates", args=[world["home"].pk]))
    html = response.content.decode()
    assert response.status_code == 200 and world["a"].full_name in html
    assert world["a"].nik not in html and world["a"].phone not in html
    client.force_login(employer())
    assert client.get(reverse("placement:match_candidates", args=[world["home"].pk])).status_code == 403


def test_pruning_never_changes_the_ranking(regions):
    """The pruned statement (vacancies with the seeker's units + the newest of each score class) returns what
    scoring every vacancy returns, for small limits where pruning leaves most rows out."""
    rng = random.Random(3)
    fields = [VocationalField.objects.get_or_create(code=f"UJI-M{i}", defaults={"name": f"Kejuruan {i}"})[0] for i in range(3)]
    units = {f.pk: CompetencyUnitFactory.create_batch(4, vocational_field=f) for f in fields}
    regencies = list(Regency.objects.filter(code__in=["32.73", "32.04", "32.01", "35.78", "31.71"]))
    company = CompanyFactory()
    boss = employer(company)
    for n in range(36):
        field = rng.choice([*fields, None])
        codes = [u.code for u in rng.sample(units[field.pk], rng.randint(1, 4))] if field and rng.random() < 0.7 else []
        data = vacancy_data(title=f"Lowongan {n}", regency=rng.choice(regencies), vocational_field=field, unit_codes=codes,
                            min_education=rng.choice(["", "sd", "sma", "smk", "d3", "s1"]))
        vacancy = services.vacancy_create(actor=boss, company_id=company.pk, data=data, now=NOW)
        services.vacancy_publish(actor=boss, vacancy_id=vacancy.pk, now=NOW + dt.timedelta(minutes=rng.randint(0, 5)))
    all_units = [u.pk for us in units.values() for u in us]
    for _ in range(12):
        regency = rng.choice(regencies)
        seeker = matching.Seeker(unit_ids=frozenset(rng.sample(all_units, rng.randint(0, 6))),
                                 field_ids=frozenset(f.pk for f in rng.sample(fields, rng.randint(0, 2))),
                                 education=rng.choice(["sd", "sma", "smk", "d3", "s1"]), regency=regency.code,
                                 province=regency.province_id)
        for limit in (1, 3, 5, 20):
            pruned = selectors_matching.recommend_vacancies(seeker, today=TODAY, limit=limit, prune=True)
            full = selectors_matching.recommend_vacancies(seeker, today=TODAY, limit=limit, prune=False)
            assert [(i.vacancy.pk, i.sql_score) for i in pruned] == [(i.vacancy.pk, i.sql_score) for i in full]
            assert all(i.sql_score == i.match.score for i in pruned)


def test_the_stored_count_of_wanted_units_follows_the_services_and_the_recount(regions):
    """``Vacancy.units_wanted`` (matching divides by it instead of counting per row): set by creating and changing
    a vacancy, rebuilt set-based after a bulk load of links; the SQL score reads it (a wrong count, a wrong score)."""
    field = VocationalField.objects.get_or_create(code="UJI-CNT", defaults={"name": "Kejuruan hitung"})[0]
    units = CompetencyUnitFactory.create_batch(4, vocational_field=field)
    boss, vacancy = published(title="Juru Hitung", unit_codes=[u.code for u in units[:3]], vocational_field=field)
    assert Vacancy.objects.get(pk=vacancy.pk).units_wanted == 3
    services.vacancy_update(actor=boss, vacancy_id=vacancy.pk, now=NOW,
                            data=vacancy_data(title="Juru Hitung", unit_codes=[units[0].code], vocational_field=field))
    assert Vacancy.objects.get(pk=vacancy.pk).units_wanted == 1
    # Links added behind the services (a bulk load): the recount puts the count right, and the score follows it.
    Vacancy.competency_units.through.objects.create(vacancy_id=vacancy.pk, competencyunit_id=units[3].pk)
    seeker = matching.Seeker(unit_ids=frozenset({units[0].pk}), field_ids=frozenset(), education="s1", regency="35.78",
                             province="35")
    [stale] = selectors_matching.recommend_vacancies(seeker, today=TODAY, limit=1)
    assert stale.sql_score != stale.match.score  # 1 of 1 in SQL, 1 of 2 in the rule
    assert services.vacancy_units_recount([vacancy.pk]) == 1
    assert Vacancy.objects.get(pk=vacancy.pk).units_wanted == 2
    [item] = selectors_matching.recommend_vacancies(seeker, today=TODAY, limit=1)
    assert item.sql_score == item.match.score == matching.W_UNITS // 2 + matching.W_EDUCATION
