"""Every refusal of the API is a 4xx in one shape, ``{code, message, field}``: service refusals,
request validation (422), bodies that cannot be read, authentication and CSRF; a NUL character
anywhere in a request is a clear 400 on the API and on the pages (never a 500 on PostgreSQL, never
stored on SQLite); a PATCH that sets a required program field to null names the field."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sisnaker.core.api_auth import token_create
from sisnaker.training.models import Program
from tests import factories
from tests.factories import CuratorFactory
from tests.training.test_services import user_of

pytestmark = pytest.mark.django_db
T = "/api/v1/training"


def client_for(user=None, **defaults) -> Client:
    client = Client(raise_request_exception=False, **defaults)
    if user is not None:
        client.force_login(user)
    return client


def refusal(response, status: int) -> dict:
    assert response.status_code == status, response.content.decode()[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"code", "message", "field"} and body["code"] and body["message"], body
    return body


@pytest.fixture
def course(regions):
    return factories.course(status="published")


# --- PATCH with null on fields that cannot be empty ----------------------------------------------

@pytest.mark.parametrize("field", ["boarding", "registration_opens", "start_date", "end_date", "registration_closes",
                                   "title", "hours", "quota", "fee", "mode", "funding", "selection_method", "regency",
                                   "vocational_field_id"])
def test_patch_null_on_a_required_program_field_is_a_400_naming_it(course, field):
    program = course.program
    before = Program.objects.filter(pk=program.pk).values().get()
    response = client_for(course.manager).patch(f"{T}/programs/{program.pk}", {field: None},
                                                content_type="application/json")
    body = refusal(response, 400)
    assert body["field"] == field
    assert Program.objects.filter(pk=program.pk).values().get() == before


def test_patch_null_message_follows_the_language(course):
    url = f"{T}/programs/{course.program.pk}"
    id_ = refusal(client_for(course.manager).patch(url, {"start_date": None}, content_type="application/json"), 400)
    en = refusal(client_for(course.manager, HTTP_ACCEPT_LANGUAGE="en").patch(url, {"start_date": None},
                                                                             content_type="application/json"), 400)
    assert id_["code"] == en["code"] == "value_required"
    assert "wajib" in id_["message"] and "required" in en["message"]


def test_patch_null_where_null_means_no_limit_still_works(course):
    response = client_for(course.manager).patch(f"{T}/programs/{course.program.pk}",
                                                {"min_age": None, "description": None}, content_type="application/json")
    assert response.status_code == 200 and response.json()["min_age"] is None


# --- request validation and unreadable bodies ---------------------------------------------------

def test_schema_refusal_is_422_in_the_one_shape_naming_the_field(course):
    manager = client_for(course.manager)
    body = refusal(manager.patch(f"{T}/programs/{course.program.pk}", {"quota": "banyak", "fee": "gratis"},
                                 content_type="application/json"), 422)
    assert body["code"] == "invalid_value" and body["field"] == "quota" and "'quota'" in body["message"]
    assert "bilangan bulat" in body["message"]
    assert {e["field"] for e in body["errors"]} == {"quota", "fee"}
    assert all(set(e) == {"field", "code", "message"} for e in body["errors"])
    english = client_for(course.manager, HTTP_ACCEPT_LANGUAGE="en").patch(
        f"{T}/programs/{course.program.pk}", {"quota": "banyak"}, content_type="application/json")
    assert "whole number" in refusal(english, 422)["message"]


def test_query_and_missing_values_name_their_field(course):
    body = refusal(client_for().get(f"{T}/catalogue", {"page_size": 101}), 422)
    assert body["field"] == "page_size" and body["code"] == "invalid_value" and "100" in body["message"]
    body = refusal(client_for().get(f"{T}/catalogue", {"starts_after": "kemarin"}), 422)
    assert body["field"] == "starts_after" and "YYYY-MM-DD" in body["message"]
    body = refusal(client_for(course.manager).post(f"{T}/programs/{course.program.pk}/transitions", {},
                                                   content_type="application/json"), 422)
    assert body["code"] == "value_required" and body["field"] == "action"
    body = refusal(client_for(course.manager).post(f"{T}/programs/{course.program.pk}/transitions",
                                                   {"action": ["publish"]}, content_type="application/json"), 422)
    assert body["field"] == "action" and "teks" in body["message"]


@pytest.mark.parametrize(("content", "content_type"), [
    ("{not json", "application/json"),
    ('{"quota": 1', "application/json"),
    ("[1, 2]", "application/json"),
    ('"quota"', "application/json"),
    ("quota=3", "application/x-www-form-urlencoded"),
    ("quota: 3", "text/plain"),
    ("", "application/json"),
])
def test_unreadable_body_is_400_invalid_body(course, content, content_type):
    response = client_for(course.manager).patch(f"{T}/programs/{course.program.pk}", content, content_type=content_type)
    body = refusal(response, 400)
    assert body["code"] == "invalid_body" and body["field"] is None and "JSON" in body["message"]


def test_body_over_the_limit_is_413(course, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = refusal(client_for(course.manager).patch(f"{T}/programs/{course.program.pk}", {"description": "x" * 2000},
                                                    content_type="application/json"), 413)
    assert body["code"] == "body_too_large"


def test_missing_body_on_a_post_is_400_invalid_body(course):
    body = refusal(client_for(course.manager).post(f"{T}/programs/{course.program.pk}/transitions"), 400)
    assert body["code"] == "invalid_body"


def test_authentication_csrf_and_unknown_urls_answer_in_the_shape(course):
    assert refusal(client_for().get(f"{T}/programs"), 401)["code"] == "not_authenticated"
    bad_token = Client(HTTP_AUTHORIZATION="Bearer snk_nope")
    assert refusal(bad_token.get(f"{T}/programs"), 401)["code"] == "not_authenticated"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(course.manager)
    body = refusal(strict.post(f"{T}/programs/{course.program.pk}/transitions", {"action": "publish"},
                               content_type="application/json"), 403)
    assert body["code"] == "csrf_failed"
    # Nobody signed in: a write says what is missing (a log-in or a token), not "CSRF" (found by trying it: an
    # anonymous upload of a bank's result file was told to send an X-CSRFToken).
    anonymous = Client(enforce_csrf_checks=True)
    for response in (anonymous.post(f"{T}/programs/{course.program.pk}/transitions", {"action": "publish"},
                                    content_type="application/json"),
                     anonymous.post("/api/v1/payments/batches/1/result", {"file": io.BytesIO(b"x")})):
        assert refusal(response, 401)["code"] == "not_authenticated"
    assert refusal(client_for().get("/api/v1/no-such-thing"), 404)["code"] == "not_found"
    assert refusal(client_for().get(f"{T}/programs/abc"), 422)["field"] == "program_id"
    refused = client_for(course.manager).delete(f"{T}/programs/{course.program.pk}")
    assert refusal(refused, 405)["code"] == "method_not_allowed" and set(refused["Allow"].split(", ")) >= {"GET", "PATCH"}


def test_a_rate_limit_refusal_is_429_with_retry_after(course, monkeypatch):
    from sisnaker.core.errors import Msg, TooManyRequests
    from sisnaker.training import api as training_api

    def limited(*args, **kwargs):
        raise TooManyRequests(Msg("Terlalu banyak.", "Too many."), retry_after=90)

    monkeypatch.setattr(training_api.selectors, "catalogue", limited)
    response = client_for().get(f"{T}/catalogue")
    assert refusal(response, 429)["code"] == "rate_limited" and response["Retry-After"] == "90"


def test_service_refusals_keep_their_code_and_field(course):
    _, secret = token_create(user=course.manager, name="skrip")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = refusal(client.patch(f"{T}/programs/{course.program.pk}", {"quota": 0}, content_type="application/json"), 400)
    assert body["code"] == "program_quota" and body["field"] == "quota"
    assert refusal(client.get(f"{T}/programs/999999999/enrollments"), 404)["code"] == "program_not_found"


# --- NUL characters --------------------------------------------------------------------------------

def test_nul_in_query_strings_of_pages_is_a_400_page(course):
    curator = client_for(CuratorFactory())
    anonymous = client_for()
    cases = [
        (anonymous, "/v/?nomor=%00"),
        (anonymous, "/v/?nomor=AB%00CD"),
        (curator, "/akun/orang/?q=%00"),
        (anonymous, "/pelatihan/?q=%00"),
        (anonymous, f"/pelatihan/{course.program.pk}/?q=%00"),
        (anonymous, "/wilayah/kabupaten/?province=%00"),
        (anonymous, "/wilayah/kecamatan/?regency=32%0073"),
        (anonymous, "/v/%00/"),
        (anonymous, "/pelatihan/?%00=1"),
    ]
    for client, url in cases:
        response = client.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/html")
        assert "karakter NUL" in response.content.decode(), url


def test_nul_page_is_in_the_chosen_language():
    client = client_for()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/v/?nomor=%00")
    assert response.status_code == 400 and "NUL character" in response.content.decode()


def test_nul_in_a_page_form_post_or_cookie_is_a_400(course):
    curator = client_for(CuratorFactory())
    for content_type in ("multipart", "urlencoded"):
        if content_type == "multipart":
            response = curator.post("/akun/orang/", {"q": "Siti\x00"})
        else:
            response = curator.post("/akun/orang/", "q=Siti%00", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400 and "karakter NUL" in response.content.decode(), content_type
    # A view that reads the form itself (the reason for withdrawing) meets the refusal as a
    # SisnakerError, and shows it as it shows its own refusals; nothing is saved.
    enrollment = course.enrollments[0]
    owner = client_for(user_of(enrollment.person))
    response = owner.post(f"/pelatihan/saya/{enrollment.pk}/mundur/", {"reason": "pindah\x00kota"}, follow=True)
    assert response.status_code == 200 and "karakter NUL" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.state != "withdrawn" and "\x00" not in enrollment.reason
    client = client_for(course.manager)
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijkl"
    response = client.get("/pelatihan/")
    assert response.status_code == 400 and "karakter NUL" in response.content.decode()


def test_nul_in_api_query_path_and_body_is_a_400_naming_the_field(course):
    manager = client_for(course.manager)
    body = refusal(client_for().get(f"{T}/catalogue?q=%00"), 400)
    assert body == {"code": "invalid_character", "message": body["message"], "field": "q"} and "NUL" in body["message"]
    assert refusal(client_for().get("/api/v1/regions/resolve/%00"), 400)["code"] == "invalid_character"
    assert refusal(client_for().get("/api/v1/surveys/%00"), 400)["code"] == "invalid_character"
    assert refusal(client_for().get("/api/v1/certification/verify?number=%00"), 400)["field"] == "number"
    before = Program.objects.filter(pk=course.program.pk).values().get()
    body = refusal(manager.patch(f"{T}/programs/{course.program.pk}", {"title": "Pelatihan\x00Las"},
                                 content_type="application/json"), 400)
    assert body["code"] == "invalid_character" and body["field"] == "title"
    body = refusal(manager.patch(f"{T}/programs/{course.program.pk}", '{"description": "a\\u0000b"}',
                                 content_type="application/json"), 400)
    assert body["field"] == "description"
    assert Program.objects.filter(pk=course.program.pk).values().get() == before
    # An escaped backslash before "u0000" is text, not a NUL.
    response = manager.patch(f"{T}/programs/{course.program.pk}", '{"description": "C:\\\\u0000"}',
                             content_type="application/json")
    assert response.status_code == 200 and response.json()["description"] == "C:\\u0000"


def test_a_lone_surrogate_in_a_json_body_is_a_400_naming_the_field_not_a_500(course):
    """"\\ud800" without its pair decodes to a str no database driver can encode: it answered 500 (anonymous
    sign-up included), before the permission check."""
    body = refusal(client_for().post("/api/v1/accounts/signup", '{"nik": "3273\\ud800", "full_name": "a"}',
                                     content_type="application/json"), 400)
    assert (body["code"], body["field"]) == ("invalid_character", "nik") and "UTF-16" in body["message"]
    before = Program.objects.filter(pk=course.program.pk).values().get()
    body = refusal(client_for(course.manager).patch(f"{T}/programs/{course.program.pk}", '{"tags": ["ok", "\\udfff"]}',
                                                    content_type="application/json"), 400)
    assert (body["code"], body["field"]) == ("invalid_character", "tags.1")
    assert Program.objects.filter(pk=course.program.pk).values().get() == before
    # A pair is a real character (here an emoji) and is taken.
    response = client_for(course.manager).patch(f"{T}/programs/{course.program.pk}", '{"description": "Las \\ud83d\\udd25"}',
                                                content_type="application/json")
    assert response.status_code == 200 and response.json()["description"] == "Las \U0001f525"


def test_nul_in_api_form_fields_is_refused_after_authentication(course):
    url = f"{T}/programs/{course.program.pk}/import"
    upload = SimpleUploadedFile("peserta.csv", b"nik,nama\n", content_type="text/csv")
    anonymous = client_for().post(url, {"file": upload, "late_reason": "x\x00"})
    assert refusal(anonymous, 401)["code"] == "not_authenticated"
    upload = SimpleUploadedFile("peserta.csv", b"nik,nama\n", content_type="text/csv")
    body = refusal(client_for(course.manager).post(url, {"file": upload, "late_reason": "terlambat\x00"}), 400)
    assert body["code"] == "invalid_character" and body["field"] == "late_reason"


def test_nul_in_the_request_id_header_never_reaches_the_audit_trail(course):
    from sisnaker.core.models import AuditEvent

    client = client_for(course.manager, HTTP_X_REQUEST_ID="abc\x00def")
    response = client.patch(f"{T}/programs/{course.program.pk}", {"hours": 200}, content_type="application/json")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="program.updated").latest("id")
    assert "\x00" not in event.request_id and response["X-Request-ID"] == event.request_id



def test_each_schema_problem_has_a_message_and_a_field():
    from django.utils import translation

    from sisnaker.api import _field_error

    with translation.override("id"):
        assert _field_error({"type": "greater_than_equal", "loc": ("query", "page"), "ctx": {"ge": 1}}) == {
            "field": "page", "code": "invalid_value", "message": "'page' paling kecil 1."}
        nested = _field_error({"type": "less_than_equal", "loc": ("body", "payload", "ids", 3)})  # no context given
        assert nested["field"] == "ids.3" and nested["message"] == "Nilai 'ids.3' tidak sah."
        assert _field_error({"type": "missing", "loc": ("body", "payload")})["code"] == "invalid_body"
        assert _field_error({"type": "missing", "loc": ("form", "mode")})["code"] == "value_required"
    with translation.override("en"):
        assert _field_error({"type": "literal_error", "loc": ("query", "format"), "ctx": {"expected": "'xlsx' or 'csv'"}})[
            "message"] == "'format' must be one of: 'xlsx' or 'csv'."
