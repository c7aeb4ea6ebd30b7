"""The employer API (/api/v1/placement/…): a company's staff, with a token or their session, write, publish, close and
fill their vacancies, move their applicants through the stages, report and end placements; anyone reads the
published vacancies with the job search's filters. Every refusal is ``{code, message, field}``. The second half
tries it as an outsider: staff of another company, a pending company, a citizen, someone removed, a session without
its CSRF token — none of them sees or touches company A's vacancies, applicants or placements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.core.api_auth import token_create
from sisnaker.core.models import AuditEvent
from sisnaker.placement import services
from sisnaker.placement.models import Application, JobSeekerCard, Placement, Vacancy
from sisnaker.training.domain import EnrollmentState as E
from tests.factories import CompanyFactory, EnrollmentFactory, PersonFactory, employer, staff

pytestmark = pytest.mark.django_db
API = "/api/v1/placement"
TODAY = timezone.localdate()


def bearer(user) -> Client:
    _, secret = token_create(user=user, name="uji")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)


def session(user, **kw) -> Client:
    client = Client(raise_request_exception=False, **kw)
    client.force_login(user)
    return client


def refusal(response, status: int) -> dict:
    assert response.status_code == status, response.content.decode()[:400]
    body = response.json()
    assert set(body) >= {"code", "message", "field"} and body["code"] and body["message"], body
    return body


def body(**over) -> dict:
    values = {"title": "Operator Mesin CNC", "openings": 2, "opens_on": TODAY.isoformat(),
              "closes_on": (TODAY + dt.timedelta(days=30)).isoformat(), "skills": "Mesin CNC, gambar teknik",
              "work_type": "full_time", "regency": "32.73", "occupation": "722", "min_education": "smk", "wage_min": 4_000_000,
              "wage_max": 5_500_000}
    values.update(over)
    return values


def post(client, path, data=None):
    return client.post(f"{API}{path}", data or {}, content_type="application/json")


@pytest.fixture
def world(regions):
    a = CompanyFactory(name="PT Alpha Teknik")
    b = CompanyFactory(name="PT Beta Surabaya")
    boss_a, boss_b = employer(a), employer(b)
    return {"a": a, "b": b, "boss_a": boss_a, "boss_b": boss_b, "api_a": bearer(boss_a), "api_b": bearer(boss_b)}


def published(world, **over) -> dict:
    created = post(world["api_a"], f"/companies/{world['a'].pk}/vacancies", body(**over))
    assert created.status_code == 201, created.content
    vacancy = created.json()
    assert post(world["api_a"], f"/vacancies/{vacancy['id']}/publish").status_code == 200
    return vacancy


# --- the company's vacancies -------------------------------------------------------------------------------------

def test_staff_write_publish_change_close_and_fill_their_vacancies_with_a_token(world):
    api, a = world["api_a"], world["a"]
    created = post(api, f"/companies/{a.pk}/vacancies", body(competency_units=[]))
    assert created.status_code == 201
    draft = created.json()
    assert (draft["status"], draft["company"]["name"], draft["occupation"]["code"], draft["open_now"]) == (
        "draft", "PT Alpha Teknik", "722", False)
    assert Vacancy.objects.get(pk=draft["id"]).created_by == world["boss_a"]  # the token acts as its user
    # Field rules are the page's: every problem names its field.
    bad = refusal(post(api, f"/companies/{a.pk}/vacancies", body(title="x", openings=0)), 400)
    assert bad["code"] == "vacancy_field" and bad["field"] in ("title", "openings")
    # Every field at fault, each message in the caller's language (found trying the API as an outsider: the
    # service's {field: {"id": …, "en": …}} went out as it was).
    assert set(bad["errors"]) == {"title", "openings"} and all(isinstance(m, str) for m in bad["errors"].values())
    assert refusal(post(api, f"/companies/{a.pk}/vacancies", body(regency="99.99")), 400)["field"] == "regency"
    published_now = post(api, f"/vacancies/{draft['id']}/publish").json()
    assert published_now["status"] == "published" and published_now["open_now"]
    changed = api.patch(f"{API}/vacancies/{draft['id']}", {"openings": 3, "wage_negotiable": True}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["openings"] == 3 and changed.json()["title"] == "Operator Mesin CNC"
    nulled = refusal(api.patch(f"{API}/vacancies/{draft['id']}", {"title": None}, content_type="application/json"), 400)
    assert nulled["field"] == "title"
    listed = api.get(f"{API}/companies/{a.pk}/vacancies").json()
    assert [v["id"] for v in listed] == [draft["id"]]
    assert post(api, f"/vacancies/{draft['id']}/close").json()["status"] == "closed"
    assert refusal(post(api, f"/vacancies/{draft['id']}/close"), 409)["code"] == "vacancy_status"
    assert refusal(post(api, f"/vacancies/{draft['id']}/fill", {"filled": 9}), 400)["field"] == "filled"
    filled = post(api, f"/vacancies/{draft['id']}/fill", {"filled": 2}).json()
    assert (filled["status"], filled["filled"]) == ("filled", 2)
    assert AuditEvent.objects.filter(object_id=str(draft["id"]), action__startswith="vacancy.").count() == 5


def test_a_pending_company_writes_drafts_but_publishes_nothing(regions):
    pending = CompanyFactory(status="pending")
    api = bearer(employer(pending))
    draft = post(api, f"/companies/{pending.pk}/vacancies", body()).json()
    refused = refusal(post(api, f"/vacancies/{draft['id']}/publish"), 409)
    assert refused["code"] == "company_not_approved"


# --- the public search ---------------------------------------------------------------------------------------------

def test_anyone_searches_published_vacancies_with_the_pages_filters(world):
    cnc = published(world)
    published(world, title="Juru Las", occupation="721", work_type="contract", regency="32.04", min_education="smp",
              wage_min=3_000_000, wage_max=None)
    post(world["api_a"], f"/companies/{world['a'].pk}/vacancies", body(title="Draf Rahasia"))  # a draft: never public
    anonymous = Client()
    everything = anonymous.get(f"{API}/vacancies").json()
    assert everything["count"] == 2 and not everything["count_capped"]
    assert {v["title"] for v in everything["items"]} == {"Operator Mesin CNC", "Juru Las"}
    for query, titles in (("regency=32.73", {"Operator Mesin CNC"}), ("province=32", {"Operator Mesin CNC", "Juru Las"}),
                          ("work_type=contract", {"Juru Las"}), ("occupation=72", {"Operator Mesin CNC", "Juru Las"}),
                          ("occupation=722", {"Operator Mesin CNC"}), ("education=smp", {"Juru Las"}),
                          ("min_wage=5000000", {"Operator Mesin CNC"}), ("q=las", {"Juru Las"})):
        assert {v["title"] for v in anonymous.get(f"{API}/vacancies?{query}").json()["items"]} == titles, query
    for query, field in (("regency=32-73", "regency"), ("education=phd", "education"), ("work_type=gig", "work_type"),
                         ("province=3", "province"), ("occupation=7a", "occupation")):
        assert refusal(anonymous.get(f"{API}/vacancies?{query}"), 400)["field"] == field
    assert refusal(anonymous.get(f"{API}/vacancies?min_wage=-1"), 422)["field"] == "min_wage"
    one = anonymous.get(f"{API}/vacancies/{cnc['id']}")
    assert one.status_code == 200 and one.json()["skills"] == "Mesin CNC, gambar teknik"


def test_a_draft_is_the_same_404_as_nothing_for_all_but_its_staff(world):
    draft = post(world["api_a"], f"/companies/{world['a'].pk}/vacancies", body()).json()
    for client in (Client(), world["api_b"]):
        assert refusal(client.get(f"{API}/vacancies/{draft['id']}"), 404)["code"] == "vacancy_not_found"
        assert refusal(client.get(f"{API}/vacancies/999999"), 404)["code"] == "vacancy_not_found"
    assert world["api_a"].get(f"{API}/vacancies/{draft['id']}").json()["status"] == "draft"


# --- applicants ---------------------------------------------------------------------------------------------------

def test_staff_move_applicants_through_the_stages_and_hiring_records_the_placement(world):
    vacancy = published(world)
    person = PersonFactory(full_name="Dewi Pelamar")
    application = services.application_submit(actor=person.user, vacancy_id=vacancy["id"], now=timezone.now())
    api = world["api_a"]
    (listed,) = api.get(f"{API}/vacancies/{vacancy['id']}/applications").json()
    assert (listed["applicant"]["full_name"], listed["stage"], listed["actions"]) == ("Dewi Pelamar", "applied", ["shortlist", "reject"])
    assert person.nik not in str(listed)
    assert refusal(post(api, f"/applications/{application.pk}/move", {"action": "hire"}), 409)["code"] == "application_stage"
    assert refusal(post(api, f"/applications/{application.pk}/move", {"action": "promote"}), 400)["field"] == "action"
    for action in ("shortlist", "interview", "offer"):
        assert post(api, f"/applications/{application.pk}/move", {"action": action, "note": "Senin 7 Desember, 09.00, kantor pusat"}).status_code == 200
    assert refusal(post(api, f"/applications/{application.pk}/move", {"action": "hire"}), 400)["field"] == "start_date"
    hired = post(api, f"/applications/{application.pk}/move", {"action": "hire", "start_date": TODAY.isoformat()})
    assert hired.status_code == 200 and hired.json()["stage"] == "hired"
    placement = Placement.objects.get(application_id=application.pk)
    assert placement.source == "application" and placement.company == world["a"]
    (row,) = api.get(f"{API}/companies/{world['a'].pk}/placements").json()
    assert (row["full_name"], row["source"], row["end_date"]) == ("Dewi Pelamar", "application", None)
    ended = post(api, f"/placements/{placement.pk}/end", {"end_date": TODAY.isoformat()})
    assert ended.status_code == 200 and ended.json()["end_date"] == TODAY.isoformat()
    assert refusal(post(api, f"/placements/{placement.pk}/end", {"end_date": TODAY.isoformat()}), 409)["code"] == "placement_ended"


# --- placements reported ------------------------------------------------------------------------------------------

def test_staff_report_a_person_working_for_them_only_with_matching_data(world):
    alumna = PersonFactory(full_name="Rina Alumni", birth_date=dt.date(1998, 4, 2))
    enrollment = EnrollmentFactory(person=alumna, state=E.GRADUATED)
    api, a = world["api_a"], world["a"]
    data = {"nik": alumna.nik, "full_name": "rina  alumni", "birth_date": "1998-04-02", "position": "Teknisi",
            "start_date": (TODAY - dt.timedelta(days=3)).isoformat()}
    wrong = refusal(post(api, f"/companies/{a.pk}/placements", data | {"birth_date": "1998-04-03"}), 404)
    nobody = refusal(post(api, f"/companies/{a.pk}/placements", data | {"nik": PersonFactory.build().nik}), 404)
    assert wrong == nobody  # the same answer whether or not anyone holds the NIK
    assert wrong["code"] == "placement_person_not_matched" and wrong["field"] == "nik"
    assert refusal(post(api, f"/companies/{a.pk}/placements", data | {"nik": "123"}), 400)["field"] == "nik"
    made = post(api, f"/companies/{a.pk}/placements", data)
    assert made.status_code == 201
    out = made.json()
    assert (out["source"], out["employer_name"], out["follows_training"], out["formal"]) == ("employer", "PT Alpha Teknik", True, True)
    assert Placement.objects.get(pk=out["id"]).enrollment == enrollment
    assert refusal(post(api, f"/companies/{a.pk}/placements", data), 409)["code"] == "placement_exists"


def test_the_openapi_document_describes_the_employer_api():
    doc = Client().get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    report = paths["/api/v1/placement/companies/{company_id}/placements"]["post"]
    assert {"201", "400", "401", "403", "404", "409", "422", "429"} <= set(report["responses"])
    assert report["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ApiError")
    assert not paths["/api/v1/placement/vacancies"]["get"].get("security")  # public
    assert paths["/api/v1/placement/vacancies/{vacancy_id}/publish"]["post"].get("security")
    assert "placement" in paths["/api/v1/placement/applications/{application_id}/move"]["post"]["tags"]


# --- as an outsider -----------------------------------------------------------------------------------------------

def _a_objects(world):
    vacancy = published(world)
    draft = post(world["api_a"], f"/companies/{world['a'].pk}/vacancies", body(title="Draf A")).json()
    person = PersonFactory()
    application = services.application_submit(actor=person.user, vacancy_id=vacancy["id"], now=timezone.now())
    worker = PersonFactory(full_name="Pekerja A", birth_date=dt.date(1990, 5, 5))
    placement = services.placement_report(actor=world["boss_a"], company_id=world["a"].pk, now=timezone.now(),
                                          data=services.EmployerReport(nik=worker.nik, full_name=worker.full_name,
                                                                       birth_date=worker.birth_date, position="Las",
                                                                       start_date=TODAY))
    return vacancy, draft, application, placement


def _every_write_and_read(world, vacancy, draft, application, placement):
    a = world["a"].pk
    return [
        ("get", f"/companies/{a}/vacancies", None), ("post", f"/companies/{a}/vacancies", body()),
        ("patch", f"/vacancies/{draft['id']}", {"title": "Diambil alih"}), ("post", f"/vacancies/{draft['id']}/publish", None),
        ("post", f"/vacancies/{vacancy['id']}/close", None), ("post", f"/vacancies/{vacancy['id']}/fill", {"filled": 1}),
        ("get", f"/vacancies/{vacancy['id']}/applications", None),
        ("post", f"/applications/{application.pk}/move", {"action": "reject", "note": "x"}),
        ("get", f"/companies/{a}/placements", None),
        ("post", f"/companies/{a}/placements", {"nik": placement.person.nik, "full_name": placement.person.full_name,
                                                 "birth_date": placement.person.birth_date.isoformat(), "position": "x",
                                                 "start_date": TODAY.isoformat()}),
        ("post", f"/placements/{placement.pk}/end", {"end_date": TODAY.isoformat()}),
    ]


def _ask(client, method, path, data):
    if method == "get":
        return client.get(f"{API}{path}")
    return client.generic(method.upper(), f"{API}{path}", __import__("json").dumps(data or {}), content_type="application/json")


def _unchanged(vacancy, draft, application, placement):
    assert Vacancy.objects.get(pk=vacancy["id"]).status == "published"
    assert Vacancy.objects.get(pk=draft["id"]).status == "draft" and Vacancy.objects.get(pk=draft["id"]).title == "Draf A"
    assert Application.objects.get(pk=application.pk).stage == "applied"
    assert Placement.objects.get(pk=placement.pk).end_date is None
    assert Vacancy.objects.filter(company__name="PT Alpha Teknik").count() == 2


@pytest.mark.parametrize("who", ["other_company", "pending_company", "citizen", "officer", "anonymous"])
def test_an_outsider_sees_and_touches_none_of_company_as_objects(world, who):
    objects = _a_objects(world)
    clients = {
        "other_company": world["api_b"],
        "pending_company": bearer(employer(CompanyFactory(status="pending"))),
        "citizen": bearer(objects[2].person.user),  # the applicant themself: no employer of A
        "officer": session(staff("regional_officer", region_code="32.73")),  # the company's own regency office
        "anonymous": Client(raise_request_exception=False),
    }
    client = clients[who]
    for method, path, data in _every_write_and_read(world, *objects):
        response = _ask(client, method, path, data)
        expected = 401 if who == "anonymous" else 403
        assert response.status_code == expected, (who, method, path, response.status_code, response.content[:200])
        assert set(response.json()) >= {"code", "message", "field"}
        text = response.content.decode()
        assert "Pekerja A" not in text and objects[2].person.full_name not in text
    _unchanged(*objects)
    assert AuditEvent.objects.filter(action="person.looked_up").count() == 1  # only company A's own report


def test_extra_fields_and_other_ids_in_bodies_change_nothing(world):
    api_b = world["api_b"]
    created = post(api_b, f"/companies/{world['b'].pk}/vacancies", body() | {"company": world["a"].pk, "company_id": world["a"].pk,
                                                                             "status": "published", "filled": 2})
    assert created.status_code == 201
    vacancy = Vacancy.objects.get(pk=created.json()["id"])
    assert (vacancy.company, vacancy.status, vacancy.filled) == (world["b"], "draft", 0)


def test_a_session_needs_its_csrf_token_a_token_does_not(world):
    vacancy = published(world)
    strict = session(world["boss_a"], enforce_csrf_checks=True)
    refused = refusal(strict.post(f"{API}/vacancies/{vacancy['id']}/close", content_type="application/json"), 403)
    assert refused["code"] == "csrf_failed"
    assert Vacancy.objects.get(pk=vacancy["id"]).status == "published"
    assert strict.get(f"{API}/companies/{world['a'].pk}/vacancies").status_code == 200  # reads need no token


def test_staff_removed_lose_the_api_on_their_next_request(world):
    clerk = employer(world["a"], manager=False)
    api = bearer(clerk)
    assert api.get(f"{API}/companies/{world['a'].pk}/placements").status_code == 200
    services.company_remove_staff(actor=world["boss_a"], company_id=world["a"].pk, user_id=clerk.pk, now=timezone.now())
    assert refusal(api.get(f"{API}/companies/{world['a'].pk}/placements"), 403)
    assert refusal(api.get(f"{API}/companies/{world['a'].pk}/vacancies"), 403)


def test_a_suspended_companys_vacancies_leave_the_search_and_its_staff_lose_applicants(world):
    vacancy = published(world)
    assert Client().get(f"{API}/vacancies").json()["count"] == 1
    officer = staff("regional_officer", region_code="32.73")
    services.company_review(actor=officer, company_id=world["a"].pk, action="suspend", reason="Pemeriksaan", now=timezone.now())
    assert Client().get(f"{API}/vacancies").json()["count"] == 0
    api = bearer(User.objects.get(pk=world["boss_a"].pk))
    assert refusal(api.get(f"{API}/vacancies/{vacancy['id']}/applications"), 403)
    assert refusal(api.get(f"{API}/companies/{world['a'].pk}/placements"), 403)


def test_hiring_through_the_api_returns_the_ak1_card(world):
    vacancy = published(world)
    person = PersonFactory()
    card = JobSeekerCard.objects.create(
        person=person, regency_id="32.73", status="issued", nik_encrypted="x", full_name=person.full_name, birth_place="Bandung",
        birth_date=person.birth_date, sex="M", marital_status="single", religion="islam", address="Jl. Uji", education="smk",
        skills="las", submitted_at=timezone.now(), number="3273-2026-000001", year=2026, sequence=1, issued_on=TODAY,
        decided_by=staff("regional_officer", region_code="32.73"), decided_at=timezone.now())
    application = services.application_submit(actor=person.user, vacancy_id=vacancy["id"], now=timezone.now())
    for action in ("shortlist", "interview", "offer"):
        post(world["api_a"], f"/applications/{application.pk}/move", {"action": action, "note": "Senin 7 Desember, 09.00"})
    out = post(world["api_a"], f"/applications/{application.pk}/move", {"action": "hire", "start_date": TODAY.isoformat()}).json()
    assert out["ak1_number"] == "3273-2026-000001"
    card.refresh_from_db()
    assert card.ended_on == TODAY and card.employer_name == "PT Alpha Teknik"
