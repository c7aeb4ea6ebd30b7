"""Bad input never gives a 500: query strings and form fields whose "digits" int() refuses ("²" is
``isdigit()`` but not an int; more than 4300 digits is refused by ``int()``), dates that parse but do
not exist, ids and page numbers beyond what a database integer holds, fees and ages beyond their columns."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sisnaker.core.roles import Role
from sisnaker.training import services as training
from tests.certification.test_assessment import make_course
from tests.training.test_services import make_staff

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"  # 20 digits: beyond BIGINT


@pytest.fixture
def course(signup_data):
    return make_course(signup_data)


def client_for(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_page_numbers_and_ids_in_query_strings_never_500(course):
    manager, program = client_for(course.manager), course.program
    curator, admin = client_for(make_staff(None, Role.CURATOR)), client_for(make_staff(None, Role.ADMIN))
    manage = reverse("training:manage", args=[program.pk])
    cases = [
        (client_for(), reverse("training:catalogue") + "?page=²", 200),
        (client_for(), reverse("training:unit_options") + "?vocational_field=²", 200),
        (manager, manage + "?page=²", 200),
        (manager, manage + "?per=²", 200),
        (manager, manage + "?page=" + "9" * 5000, 200),
        (curator, reverse("training:reference") + "?field=²", 200),
        (curator, reverse("training:reference") + "?unit=²", 200),
        (admin, reverse("accounts:audit") + "?before=²", 200),
    ]
    for client, url, status in cases:
        assert client.get(url).status_code == status, url


def test_bulk_form_page_size_with_odd_digits(course):
    e = course.enrollments[0]
    response = client_for(course.manager).post(reverse("training:bulk", args=[course.program.pk]),
                                               {"action": "drop_out", "ids": [str(e.pk)], "per": "²"})
    assert response.status_code == 302


def test_program_form_with_odd_vocational_field(course):
    response = client_for(course.manager).post(reverse("training:program_edit", args=[course.program.pk]),
                                               {"vocational_field": "²", "title": "Program"})
    assert response.status_code == 400


def test_assessment_score_with_odd_digits_is_a_message(course):
    e, u = course.enrollments[0], course.units[0]
    instructor = client_for(course.instructor)
    data = {f"r-{e.pk}-{u.pk}": "K", f"s-{e.pk}-{u.pk}": "²"}
    response = instructor.post(reverse("certification:assess", args=[course.program.pk]), data)
    assert response.status_code == 400 and "Nilai angka harus bilangan bulat" in response.content.decode()
    response = instructor.post(reverse("certification:assess_cell", args=[course.program.pk]), {"cell": f"{e.pk}-{u.pk}", **data},
                                HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Nilai angka harus bilangan bulat" in response.content.decode()


def test_issue_progress_with_odd_total_and_impossible_date(course):
    url = reverse("certification:board_issue_progress", args=[course.program.pk, "abc"])
    manager = client_for(course.manager)
    assert manager.get(url + "?total=²").status_code == 200
    assert manager.get(url + "?total=3&since=2026-13-45T00:00:00").status_code == 200


def test_api_page_number_beyond_an_sql_offset_is_refused_not_500(course):
    assert client_for().get("/api/v1/training/catalogue?page=" + HUGE).status_code == 422
    response = client_for(course.manager).get(f"/api/v1/training/programs/{course.program.pk}/enrollments?page={HUGE}")
    assert response.status_code == 422
    assert client_for().get("/api/v1/training/catalogue?page=1000000").status_code == 200


def test_api_ids_beyond_bigint_are_refused_per_id(course):
    manager, program = client_for(course.manager), course.program
    e = course.enrollments[0]
    response = manager.post(f"/api/v1/training/programs/{program.pk}/results",
                            {"ids": [int(HUGE), e.pk], "result": "passed"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["done"] == [e.pk] and [r["id"] for r in response.json()["refused"]] == [int(HUGE)]
    response = manager.post(f"/api/v1/training/programs/{program.pk}/enrollments/bulk",
                            {"ids": [int(HUGE)], "action": "drop_out"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["refused"][0]["code"] == "not_found"


def test_service_ignores_ids_beyond_bigint(course):
    result = training.enrollments_transition(actor=course.manager, program=course.program, enrollment_ids=[int(HUGE)],
                                             action="drop_out")
    assert result.done == [] and result.refused[0].code == "not_found"


@pytest.mark.parametrize(("body", "field"), [
    ({"fee": 10**20}, "fee"),
    ({"min_age": -1}, "min_age"),
    ({"max_age": 70000}, "max_age"),
    ({"competency_unit_ids": [int(HUGE)]}, "competency_units"),
])
def test_api_fee_and_ages_beyond_their_columns_are_messages(signup_data, body, field):
    course = make_course(signup_data, status="published")
    response = client_for(course.manager).patch(f"/api/v1/training/programs/{course.program.pk}", body,
                                                content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == field


@pytest.mark.django_db
def test_api_value_too_long_for_the_database_is_a_400_not_a_500(client, monkeypatch):
    """A DataError from the database (e.g. text longer than its column on PostgreSQL) becomes a 400."""
    from django.db import DataError

    from sisnaker.training import api as training_api

    def boom(*args, **kwargs):
        raise DataError("value too long for type character varying(200)")

    monkeypatch.setattr(training_api.selectors, "catalogue", boom)
    response = client.get("/api/v1/training/catalogue")
    assert response.status_code == 400
    assert response.json()["code"] == "value_out_of_range"
