"""The surveys API with the test client: the questionnaire, submitting (201, then 409), every wrong
answer at once as JSON with 400, refusals as 403/404/409 (never 500), bearer tokens, reading one's
response back, the staff summary, and the OpenAPI document."""

from __future__ import annotations

import pytest
from django.test import Client

from sisnaker.core.api_auth import token_create
from sisnaker.surveys.models import Response
from sisnaker.training.domain import ProgramStatus as P
from tests.factories import ManagerFactory, PersonFactory
from tests.training.test_services import user_of

from .conftest import CODE, valid_answers

pytestmark = pytest.mark.django_db
S = f"/api/v1/surveys/{CODE}"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c: Client, body, **extra):
    return c.post(f"{S}/responses", body, content_type="application/json", **extra)


def test_questionnaire_is_public(readiness):
    response = Client().get(S)
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == CODE and data["version"] == 1 and len(data["questions"]) == 10
    first = data["questions"][0]
    assert first["kind"] == "single" and first["choices"][0] == {"value": "bekerja", "label": "Bekerja (karyawan/buruh)",
                                                                 "label_en": "Working (employee)"}
    assert Client().get("/api/v1/surveys/tidak-ada").json()["code"] == "questionnaire_not_found"


def test_submit_then_conflict_and_read_back(readiness, stage):
    enrollment = stage(P.RUNNING)
    c = client_for(user_of(enrollment.person))
    answers = valid_answers() | {"gaji_harapan": 3500000, "keyakinan_bekerja": 4}
    response = post(c, {"enrollment_id": enrollment.pk, "answers": answers})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["enrollment_id"] == enrollment.pk and data["version"] == 1
    assert data["answers"]["gaji_harapan"] == 3500000 and data["answers"]["saluran_cari_kerja"] == ["karirhub", "media_sosial"]

    again = post(c, {"enrollment_id": enrollment.pk, "answers": answers})
    assert again.status_code == 409 and again.json()["code"] == "survey_already_filled"

    mine = c.get(f"{S}/responses/{enrollment.pk}")
    assert mine.status_code == 200 and mine.json()["answers"] == data["answers"]


def test_every_wrong_answer_at_once(readiness, stage):
    enrollment = stage(P.RUNNING)
    c = client_for(user_of(enrollment.person))
    response = post(c, {"enrollment_id": enrollment.pk,
                        "answers": valid_answers() | {"keyakinan_bekerja": 7, "siap_mulai": "kapan-kapan", "cv_siap": ["ya", "belum"],
                                                      "x": 1}})
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "answers_invalid"
    assert set(data["errors"]) == {"keyakinan_bekerja", "siap_mulai", "cv_siap", "x"}
    assert data["errors"]["keyakinan_bekerja"].startswith("\u201cSeberapa yakin")
    english = post(c, {"enrollment_id": enrollment.pk, "answers": {"keyakinan_bekerja": 7}}, HTTP_ACCEPT_LANGUAGE="en")
    assert "How confident are you" in english.json()["errors"]["keyakinan_bekerja"]
    assert not Response.objects.exists()


def test_refusals_are_json(readiness, stage, manager):
    enrollment = stage(P.RUNNING)
    other = client_for(PersonFactory().user)
    body = {"enrollment_id": enrollment.pk, "answers": valid_answers()}
    assert post(other, body).status_code == 403
    assert post(other, body).json()["code"] == "enrollment_not_own"
    assert other.get(f"{S}/responses/{enrollment.pk}").status_code == 403
    assert post(client_for(manager), body).json()["code"] == "not_a_person"
    assert post(Client(), body).status_code == 401
    owner = client_for(user_of(enrollment.person))
    assert post(owner, {"enrollment_id": 999_999, "answers": {}}).status_code == 404
    assert owner.get(f"{S}/responses/{enrollment.pk}").status_code == 404
    assert post(owner, {"enrollment_id": enrollment.pk}).status_code == 422  # body shape: ninja's own check
    assert post(owner, {"enrollment_id": enrollment.pk, "answers": ["x"]}).status_code == 422
    applicant = stage(P.PUBLISHED)
    refused = post(client_for(user_of(applicant.person)), {"enrollment_id": applicant.pk, "answers": valid_answers()})
    assert refused.status_code == 409 and refused.json()["code"] == "survey_not_eligible"
    assert not Response.objects.exists()


def test_bearer_token(readiness, stage):
    enrollment = stage(P.RUNNING)
    _, secret = token_create(user=user_of(enrollment.person), name="skrip uji")
    response = Client().post(f"{S}/responses", {"enrollment_id": enrollment.pk, "answers": valid_answers()},
                             content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 201


def test_summary_for_staff(readiness, stage, manager):
    enrollment = stage(P.RUNNING)
    post(client_for(user_of(enrollment.person)), {"enrollment_id": enrollment.pk, "answers": valid_answers()})
    path = f"{S}/programs/{enrollment.program_id}/summary"
    data = client_for(manager).get(path).json()
    assert data["responses"] == 1 and data["eligible_enrollments"] == 1
    questions = {q["code"]: q for q in data["versions"][0]["questions"]}
    assert questions["keyakinan_bekerja"]["average"] == 4.0
    assert {c["value"]: c["count"] for c in questions["cv_siap"]["choices"]} == {"ya": 0, "belum": 1}
    outsider = ManagerFactory()
    assert client_for(outsider).get(path).status_code == 403
    assert client_for(user_of(enrollment.person)).get(path).status_code == 403
    assert client_for(manager).get(f"{S}/programs/999999/summary").status_code == 404


def test_openapi_lists_the_survey_endpoints(readiness):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/surveys/{code}/responses" in paths
    assert "/api/v1/surveys/{code}/programs/{program_id}/summary" in paths
