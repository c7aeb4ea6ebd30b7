"""The OpenAPI document lists, for every operation, the refusals it can answer with the one error
schema, generically (operations added later get them too), without overriding what an operation
declares itself."""

from __future__ import annotations

import pytest
from django.test import Client
from ninja import Router, Schema

from sisnaker.api import REFUSALS, SisnakerAPI, refusal_statuses
from sisnaker.core.api_auth import SESSION_OR_TOKEN

ERROR = "#/components/schemas/ApiError"
VALIDATION = "#/components/schemas/ApiValidationError"


def operations(doc: dict):
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def schema_ref(response: dict) -> str | None:
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


class ThingIn(Schema):
    name: str


@pytest.fixture(scope="module")
def doc():
    return Client().get("/api/v1/openapi.json").json()


def test_error_schemas_are_components(doc):
    schemas = doc["components"]["schemas"]
    assert set(schemas["ApiError"]["required"]) == {"code", "message", "field"}
    assert set(schemas["ApiValidationError"]["required"]) == {"code", "message", "field", "errors"}
    assert set(schemas["ApiFieldError"]["properties"]) == {"field", "code", "message"}


def test_every_operation_documents_the_refusals_it_can_answer(doc):
    count = 0
    for method, path, operation in operations(doc):
        if path.startswith("/api/v1/integration/"):
            # The signed partner API (integration app) answers in the published Kartu Prakerja envelope and documents
            # its own refusals (tests/integration/test_auth.py::test_the_openapi_document_describes_the_signed_api); it has no rate limit,
            # no path parameters and takes any JSON body as signed bytes.
            continue
        count += 1
        codes = {int(code) for code in operation["responses"]}
        secured = bool(operation.get("security"))
        has_path = "{" in path
        has_input = bool(operation.get("parameters")) or "requestBody" in operation
        expected = {400, 429} | ({422} if has_input else set()) | ({401, 403, 404} if secured else set())
        expected |= {404} if has_path or "requestBody" in operation else set()
        expected |= {409} if method in ("post", "put", "patch", "delete") else set()
        expected |= {413} if "requestBody" in operation else set()
        assert expected <= codes, (method, path, sorted(expected - codes))
        for code in expected:
            response = operation["responses"][str(code)]
            assert response["description"]
            assert schema_ref(response), (method, path, code)
        if 422 in expected and schema_ref(operation["responses"]["422"]) != VALIDATION:
            pytest.fail(f"{method} {path}: 422 should use ApiValidationError")
    assert count >= 40


def test_what_an_operation_declares_itself_is_kept(doc):
    survey = doc["paths"]["/api/v1/surveys/{code}/responses"]["post"]["responses"]
    # The survey refusals carry their own schema (with the per-question errors).
    assert schema_ref(survey["400"]) not in (ERROR, None)
    assert schema_ref(survey["422"]) == VALIDATION


def test_a_new_operation_gets_its_refusals_without_declaring_them():
    api = SisnakerAPI(title="t", version="x", urls_namespace="refusals-test")
    router = Router(auth=SESSION_OR_TOKEN)

    @router.post("/things/{thing_id}", response={201: ThingIn})
    def thing_create(request, thing_id: int, payload: ThingIn):
        return 201, payload

    @router.get("/ping", auth=None, response=ThingIn)
    def ping(request):
        return {"name": "pong"}

    api.add_router("/", router)
    document = api.get_openapi_schema(path_prefix="")
    created = document["paths"]["/things/{thing_id}"]["post"]["responses"]
    assert sorted(int(c) for c in created) == [201, 400, 401, 403, 404, 409, 413, 422, 429, 503]
    assert schema_ref(created[422]) == VALIDATION and schema_ref(created[403]) == ERROR
    assert sorted(int(c) for c in document["paths"]["/ping"]["get"]["responses"]) == [200, 400, 429]
    assert "ApiError" in document["components"]["schemas"]


def test_refusal_statuses_rule():
    assert refusal_statuses("get", {"responses": {}}) == [400, 429]
    # A public operation whose body names something (a sign-up claim, an id) may not find it.
    assert refusal_statuses("post", {"requestBody": {}}) == [400, 404, 409, 413, 422, 429, 503]
    assert refusal_statuses("get", {"parameters": [{"in": "query", "name": "q"}]}) == [400, 422, 429]
    assert refusal_statuses("delete", {"parameters": [{"in": "path", "name": "id"}], "security": [{"x": []}]}) == [
        400, 401, 403, 404, 409, 422, 429]
    assert set(REFUSALS) == {400, 401, 403, 404, 409, 413, 422, 429, 503}
