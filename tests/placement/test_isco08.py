"""ISCO-08 occupations (issue 12): the data file (every major, sub-major, minor and unit group, each with its ILO
English and KBJI 2014 Indonesian title), migrations 0004 and 0008, the job search's filter by a group taking in
the vacancies of the groups under it, and the titles shown in the user's language."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
from collections import Counter

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.placement import domain, selectors, services
from sisnaker.placement.forms import FastSelect, SearchForm
from sisnaker.placement.models import Occupation, Vacancy
from sisnaker.placement.reference import ISCO08_CSV, isco08_rows, load_isco08, sync_isco08_titles
from sisnaker.regions.models import Regency
from tests.factories import CompanyFactory, employer

migration_0004 = importlib.import_module("sisnaker.placement.migrations.0004_occupations_search")
migration_0008 = importlib.import_module("sisnaker.placement.migrations.0008_isco08_unit_groups")


def _file_rows() -> list[dict[str, str]]:
    with ISCO08_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- the data file -----------------------------------------------------------------------------------------

def test_the_file_has_every_group_of_isco08_once():
    rows = _file_rows()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) == 619
    assert all(c.isdigit() for c in codes)
    assert Counter(len(c) for c in codes) == {1: 10, 2: 43, 3: 130, 4: 436}


def test_every_group_below_a_major_group_has_its_parent_on_file():
    codes = {r["code"] for r in _file_rows()}
    assert [c for c in codes if len(c) > 1 and c[:-1] not in codes] == []
    # and every minor group has at least one unit group (ISCO-08 has no empty minor group)
    assert [c for c in codes if len(c) == 3 and not any(u[:3] == c for u in codes if len(u) == 4)] == []


def test_every_group_has_both_titles_and_they_fit_the_model():
    rows = _file_rows()
    assert list(rows[0]) == ["code", "title_en", "title_id"]
    limit_en = Occupation._meta.get_field("title_en").max_length
    limit_id = Occupation._meta.get_field("title_id").max_length
    bad = [r["code"] for r in rows
           if not r["title_en"].strip() or not r["title_id"].strip() or r["title_en"] != r["title_en"].strip()
           or r["title_id"] != r["title_id"].strip() or "  " in r["title_en"] + r["title_id"]
           or len(r["title_en"]) > limit_en or len(r["title_id"]) > limit_id]
    assert bad == []


@pytest.mark.parametrize(("code", "title_en", "title_id"), [
    ("7", "Craft and Related Trades Workers", "Pekerja Pengolahan, Kerajinan, dan YBDI"),
    ("72", "Metal, Machinery and Related Trades Workers", "Pekerja Logam, Permesinan dan YBDI"),
    ("7212", "Welders and Flame Cutters", "Pekerja Pengelasan"),
    ("2512", "Software Developers", "Pengembang Perangkat Lunak"),
    ("5120", "Cooks", "Juru Masak"),
    ("6111", "Field Crop and Vegetable Growers", "Pekerja Pertanian Tanaman Pangan dan Tanaman Semusim"),
    ("9629", "Elementary Workers Not Elsewhere Classified", "Pekerja Kasar YTDL"),
    ("0110", "Commissioned Armed Forces Officers", "Perwira TNI dan POLRI"),  # KBJI splits 011 by force
    ("2659", "Creative and Performing Artists Not Elsewhere Classified", "Seniman Kreatif dan Pertunjukan YTDL"),
])
def test_known_titles(code, title_en, title_id):
    row = next(r for r in _file_rows() if r["code"] == code)
    assert (row["title_en"], row["title_id"]) == (title_en, title_id)


def test_rows_come_parents_first_and_by_level():
    rows = isco08_rows()
    seen: set[str] = set()
    for row in rows:
        assert len(row["code"]) == 1 or row["code"][:-1] in seen
        seen.add(row["code"])
    assert {len(r["code"]) for r in isco08_rows(max_level=3)} == {1, 2, 3}


# --- migrations --------------------------------------------------------------------------------------------

def _delete_all_occupations():
    for level in (4, 3, 2, 1):  # children first: the parent is PROTECTed
        Occupation.objects.filter(level=level).delete()


@pytest.mark.django_db
def test_the_migrated_database_has_every_group_with_the_file_titles():
    # What migrations 0004 then 0008 leave, from an empty table: the test database's own migrated rows may have
    # been flushed by a transactional test run before this one on the same worker.
    _delete_all_occupations()
    migration_0004.load_occupations(django_apps, None)
    migration_0008.add_unit_groups(django_apps, None)
    assert Counter(Occupation.objects.values_list("level", flat=True)) == {1: 10, 2: 43, 3: 130, 4: 436}
    on_file = {r["code"]: (r["title_en"], r["title_id"]) for r in _file_rows()}
    assert {o.code: (o.title_en, o.title_id) for o in Occupation.objects.all()} == on_file
    welders = Occupation.objects.get(code="7212")
    assert (welders.level, welders.parent_id, welders.parent.parent_id, welders.parent.parent.parent_id) == (4, "721", "72", "7")


@pytest.mark.django_db
def test_migration_0004_loads_only_the_groups_of_levels_1_to_3():
    _delete_all_occupations()
    migration_0004.load_occupations(django_apps, None)
    assert Counter(Occupation.objects.values_list("level", flat=True)) == {1: 10, 2: 43, 3: 130}
    migration_0004.load_occupations(django_apps, None)  # again: nothing more
    assert Occupation.objects.count() == 183


@pytest.mark.django_db
def test_migration_0008_adds_the_unit_groups_and_the_titles_once():
    # The state 0004 left before the file had Indonesian titles: levels 1-3, English titles only.
    _delete_all_occupations()
    load_isco08(Occupation, max_level=3)
    Occupation.objects.update(title_id="")
    Occupation.objects.filter(code="25").update(title_en="stale")

    migration_0008.add_unit_groups(django_apps, None)
    assert Counter(Occupation.objects.values_list("level", flat=True)) == {1: 10, 2: 43, 3: 130, 4: 436}
    assert Occupation.objects.filter(title_id="").count() == 0
    assert Occupation.objects.get(code="25").title_en == "Information and Communications Technology Professionals"
    assert Occupation.objects.get(code="111").title_id == "Pejabat Pembuat Peraturan Perundang-Undangan dan Pejabat Tinggi Pemerintah"

    migration_0008.add_unit_groups(django_apps, None)  # idempotent
    assert Occupation.objects.count() == 619
    assert sync_isco08_titles(Occupation) == 0 and load_isco08(Occupation) == 0


@pytest.mark.django_db
def test_migration_0008_reversed_keeps_the_unit_groups_vacancies_use(regions):
    vacancy = _published("Juru Las", "7212")
    migration_0008.remove_unused_unit_groups(django_apps, None)
    assert list(Occupation.objects.filter(level=4).values_list("code", flat=True)) == ["7212"]
    assert Occupation.objects.count() == 183 + 1
    vacancy.refresh_from_db()
    assert vacancy.occupation_id == "7212"
    migration_0008.add_unit_groups(django_apps, None)  # and forward again
    assert Occupation.objects.filter(level=4).count() == 436


# --- vacancies and the job search -----------------------------------------------------------------------------

def _published(title: str, occupation_code: str) -> Vacancy:
    company = CompanyFactory()
    boss = employer(company)
    today = timezone.localdate()
    fields = domain.VacancyInput(title=title, openings=1, opens_on=today, closes_on=today + dt.timedelta(days=30),
                                 skills="Bekerja teliti dan rapi", work_type="full_time", sex="any", age_min=18, age_max=45,
                                 min_education="sma", experience_years=0, wage_min=4_000_000, wage_max=5_000_000)
    data = services.VacancyData(fields=fields, regency=Regency.objects.get(code="32.73"), occupation_code=occupation_code)
    vacancy = services.vacancy_create(actor=boss, company_id=company.pk, data=data, now=timezone.now())
    return services.vacancy_publish(actor=boss, vacancy_id=vacancy.pk, now=timezone.now())


@pytest.fixture
def vacancies(regions):
    return {code: _published(title, code) for code, title in [
        ("7212", "Juru Las Pipa"), ("7213", "Pekerja Pelat Baja"), ("722", "Pandai Besi Umum"), ("7231", "Mekanik Mobil"),
        ("5120", "Koki Restoran"), ("2512", "Pemrogram Backend")]}


@pytest.mark.django_db
@pytest.mark.parametrize(("group", "titles"), [
    ("7", {"Juru Las Pipa", "Pekerja Pelat Baja", "Pandai Besi Umum", "Mekanik Mobil"}),
    ("72", {"Juru Las Pipa", "Pekerja Pelat Baja", "Pandai Besi Umum", "Mekanik Mobil"}),
    ("721", {"Juru Las Pipa", "Pekerja Pelat Baja"}),
    ("7212", {"Juru Las Pipa"}),
    ("722", {"Pandai Besi Umum"}),
    ("512", {"Koki Restoran"}),
    ("25", {"Pemrogram Backend"}),
    ("9", set()),
])
def test_filtering_by_a_group_finds_the_vacancies_of_every_group_under_it(vacancies, group, titles):
    found = selectors.vacancy_search(selectors.SearchParams(occupation=group), today=timezone.localdate())
    assert {v.title for v in found} == titles


@pytest.mark.django_db
def test_the_search_page_filters_by_a_minor_group(vacancies):
    page = Client().get(reverse("jobs:search"), {"occupation": "721"}).content.decode()
    assert "Juru Las Pipa" in page and "Pekerja Pelat Baja" in page
    assert "Pandai Besi Umum" not in page and "Koki Restoran" not in page
    assert '<option value="721" selected>721 · Pekerja Pencetak Struktur' in page


@pytest.mark.django_db
def test_the_search_form_takes_any_group_and_drops_what_is_not_one(regions):
    choices = selectors.occupations_choices()
    for value, expected in [("7212", "7212"), ("721", "721"), ("0", "0"), ("7219", ""), ("72120", ""), ("x", "")]:
        form = SearchForm({"occupation": value}, occupations=choices)
        assert form.params()["occupation"] == expected, value


# --- titles in the user's language ----------------------------------------------------------------------------

def _client(language: str | None) -> Client:
    client = Client()
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.django_db
def test_a_vacancy_shows_its_occupation_in_indonesian_and_in_english_when_chosen(vacancies):
    url = reverse("jobs:detail", args=[vacancies["7212"].pk])
    indonesian = _client(None).get(url).content.decode()
    assert "7212 Pekerja Pengelasan" in indonesian and "Welders" not in indonesian
    assert "7212 Pekerja Pengelasan" in _client("id").get(url).content.decode()
    english = _client("en").get(url).content.decode()
    assert "7212 Welders and Flame Cutters" in english and "Pekerja Pengelasan" not in english


@pytest.mark.django_db
def test_the_search_select_is_grouped_by_major_group_in_the_users_language(regions):
    page = _client(None).get(reverse("jobs:search")).content.decode()
    assert page.count("<optgroup ") == 10
    assert '<optgroup label="7 · Pekerja Pengolahan, Kerajinan, dan YBDI"><option value="7">7 · Pekerja Pengolahan' in page
    assert '<option value="7212">7212 · Pekerja Pengelasan</option>' in page
    select = page[page.index('name="occupation"'):]
    select = select[:select.index("</select>")]
    assert select.count("<option ") == 1 + 619
    english = _client("en").get(reverse("jobs:search")).content.decode()
    assert '<optgroup label="7 · Craft and Related Trades Workers">' in english
    assert '<option value="7212">7212 · Welders and Flame Cutters</option>' in english


@pytest.mark.django_db
def test_the_choices_cost_one_query_and_follow_the_code_order(regions, django_assert_num_queries):
    with django_assert_num_queries(1):
        groups = selectors.occupations_choices()
    assert [label.split(" · ")[0] for label, _ in groups] == [str(d) for d in range(10)]
    values = [v for _, options in groups for v, _ in options]
    assert values == sorted(values) and len(values) == 619
    assert all(options[0][0] == label.split(" · ")[0] for label, options in groups)  # the major group comes first


@pytest.mark.django_db
def test_an_employer_picks_a_unit_group_on_the_vacancy_form(regions):
    company = CompanyFactory()
    client = Client()
    client.force_login(employer(company))
    url = reverse("placement:vacancy_create", args=[company.pk])
    form = client.get(url).content.decode()
    assert '<option value="7212">7212 · Pekerja Pengelasan</option>' in form
    today = timezone.localdate()
    response = client.post(url, {
        "title": "Juru Las", "occupation": "7212", "openings": "2", "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=20)).isoformat(), "work_type": "full_time", "province": "32",
        "regency": "32.73", "sex": "any", "age_min": "18", "age_max": "40", "min_education": "smk", "experience_years": "0",
        "skills": "Las SMAW", "description": "", "wage_min": "4000000", "wage_max": "5000000", "vocational_field": "",
        "competency_units": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Vacancy.objects.get(company=company).occupation_id == "7212"


def test_an_occupation_title_follows_the_language():
    welders = Occupation(code="7212", level=4, title_en="Welders and Flame Cutters", title_id="Pekerja Pengelasan")
    assert welders.title_in("id") == welders.title_in(None) == "Pekerja Pengelasan"
    assert welders.title_in("en") == welders.title_in("en-gb") == "Welders and Flame Cutters"
    assert Occupation(code="1", level=1, title_en="Managers", title_id="").title_in("id") == "Managers"  # no Indonesian: English


def test_the_fast_select_renders_groups_and_flat_options_escaped():
    widget = FastSelect(choices=[("", "Semua"), ("A <b>", [("1", "satu & dua"), ("2", "dua")]), ("3", "tiga")])
    html = widget.render("occupation", "2")
    assert html == ('<select name="occupation"><option value="">Semua</option><optgroup label="A &lt;b&gt;">'
                    '<option value="1">satu &amp; dua</option><option value="2" selected>dua</option></optgroup>'
                    '<option value="3">tiga</option></select>')
