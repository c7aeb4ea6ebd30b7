"""The REST API under /api/v1/ (django-ninja). Each app contributes a router from its ``api.py``;
the OpenAPI document is served at /api/v1/openapi.json and browsable docs at /api/v1/docs.

Every refusal has one shape, ``{code, message, field}`` (``ApiError``): a stable ``code``, a ``message``
in the caller's language (Indonesian by default, English by Accept-Language) and the ``field`` at
fault (or null). This module makes it so in one place, for every operation, including ones added
later:

* service refusals (``core.errors.SisnakerError``) → 400/403/404/409 (or the error's ``http_status``);
* request validation (ninja's 422) → ``invalid_value`` / ``value_required`` naming the field, with every
  field error in ``errors``; a body that cannot be read (bad JSON, wrong content type, not an object)
  → 400 ``invalid_body``; a body over Django's limit → 413 ``body_too_large``;
* authentication (401), CSRF and authorization (403), throttling (429), database refusals (400);
* a NUL character in any value → 400 ``invalid_character`` (``core/nul.py``);
* ``SisnakerAPI.get_openapi_schema`` documents, for every operation, the refusal statuses it can answer
  with the error schema (``document_refusals``), so the OpenAPI document matches what the API does.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import math
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import DataError
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from pydantic import Field

from sisnaker.accounts.api import router as accounts_router
from sisnaker.certification.api import router as certification_router
from sisnaker.core import nul
from sisnaker.core.codes import Code
from sisnaker.core.errors import Msg, SisnakerError, ValidationFailed
from sisnaker.institutions.api import router as institutions_router
from sisnaker.integration import openapi as integration_openapi
from sisnaker.payments.api import router as payments_router
from sisnaker.placement.api import router as placement_router
from sisnaker.regions.api import router as regions_router
from sisnaker.surveys.api import router as surveys_router
from sisnaker.training.api import router as training_router
from sisnaker.training.spreadsheets.api import router as training_io_router
from sisnaker.web.api_docs import LocalSwagger

# --- the refusal shape ----------------------------------------------------------------------------


class ApiError(Schema):
    """What every refusal of the API looks like."""

    code: str = Field(description="Stable machine-readable reason, e.g. `invalid_value`, `program_not_found`")
    message: str = Field(description="For people: Indonesian by default, English with `Accept-Language: en`")
    field: str | None = Field(description="The parameter or body field at fault (dotted for nested values), or null")


class ApiFieldError(Schema):
    field: str | None
    code: str
    message: str


class ApiValidationError(ApiError):
    """A request the schema refuses (422): the first problem in `code`, `message` and `field`; every
    problem in `errors`."""

    errors: list[ApiFieldError]


# --- messages -------------------------------------------------------------------------------------

INVALID_BODY = Msg(
    "Isi permintaan tidak dapat dibaca: kirim satu objek JSON yang sah dengan header 'Content-Type: application/json'.",
    "The request body cannot be read: send one valid JSON object with the header 'Content-Type: application/json'.",
)
BODY_TOO_LARGE = Msg("Isi permintaan terlalu besar.", "The request body is too large.")
NOT_AUTHENTICATED = Msg(
    "Perlu masuk: kirim sesi yang sah atau header 'Authorization: Bearer <token>'.",
    "Authentication required: send a valid session or an 'Authorization: Bearer <token>' header.",
)
CSRF_FAILED = Msg(
    "Permintaan dari sesi browser perlu token CSRF (header 'X-CSRFToken'), atau pakai token API.",
    "A request from a browser session needs the CSRF token (header 'X-CSRFToken'), or use an API token.",
)
FORBIDDEN = Msg("Anda tidak berwenang melakukan tindakan ini.", "You are not allowed to do this.")
NOT_FOUND = Msg("Data yang diminta tidak ditemukan.", "What was asked for was not found.")
METHOD_NOT_ALLOWED = Msg("Metode HTTP ini tidak diterima di alamat ini (lihat header Allow).",
                         "This HTTP method is not accepted at this address (see the Allow header).")
TOO_MANY = Msg("Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.", "Too many requests. Wait a moment and try again.")
OUT_OF_RANGE = Msg(
    "Ada isian yang terlalu panjang atau di luar batas. Periksa panjang teks dan besar angka lalu coba lagi.",
    "A value is too long or out of range. Check the text lengths and numbers, then try again.",
)

# pydantic error type → (id, en); {f} is the field, other names come from the error's context.
_VALIDATION_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("{f} wajib diisi.", "{f} is required."),
    "int": ("{f} harus bilangan bulat.", "{f} must be a whole number."),
    "float": ("{f} harus angka.", "{f} must be a number."),
    "decimal": ("{f} harus angka.", "{f} must be a number."),
    "bool": ("{f} harus true atau false.", "{f} must be true or false."),
    "string": ("{f} harus teks.", "{f} must be text."),
    "date": ("{f} harus tanggal dengan format YYYY-MM-DD.", "{f} must be a date formatted YYYY-MM-DD."),
    "datetime": ("{f} harus tanggal dan jam (ISO 8601).", "{f} must be a date and time (ISO 8601)."),
    "list": ("{f} harus daftar (array JSON).", "{f} must be a list (JSON array)."),
    "dict": ("{f} harus objek JSON.", "{f} must be a JSON object."),
    "literal_error": ("{f} harus salah satu dari: {expected}.", "{f} must be one of: {expected}."),
    "enum": ("{f} harus salah satu dari: {expected}.", "{f} must be one of: {expected}."),
    "greater_than": ("{f} harus lebih dari {gt}.", "{f} must be greater than {gt}."),
    "greater_than_equal": ("{f} paling kecil {ge}.", "{f} must be at least {ge}."),
    "less_than": ("{f} harus kurang dari {lt}.", "{f} must be less than {lt}."),
    "less_than_equal": ("{f} paling besar {le}.", "{f} must be at most {le}."),
    "too_short": ("{f} minimal berisi {min_length} butir.", "{f} needs at least {min_length} items."),
    "too_long": ("{f} paling banyak berisi {max_length} butir.", "{f} holds at most {max_length} items."),
    "string_too_short": ("{f} minimal {min_length} karakter.", "{f} needs at least {min_length} characters."),
    "string_too_long": ("{f} paling panjang {max_length} karakter.", "{f} is at most {max_length} characters long."),
}
_INVALID = ("Nilai {f} tidak sah.", "The value of {f} is not valid.")
_FIELD_WORD = ("Isian", "A value")  # when no field can be named


def _message_key(error_type: str) -> str:
    if error_type in _VALIDATION_MESSAGES:
        return error_type
    for prefix in ("int", "float", "decimal", "bool", "string", "datetime", "date", "list", "dict"):
        if error_type.startswith(prefix + "_"):
            return prefix
    if error_type in ("model_type", "model_attributes_type", "json_type"):
        return "dict"
    return ""


def _field_of(loc: tuple) -> tuple[str | None, bool]:
    """ninja's error location → (field name, whole body at fault). ``("body", "payload", "quota")`` is
    ``quota``: the body parameter's own name means nothing to the caller."""
    source, rest = (loc[0], list(loc[1:])) if loc else ("", [])
    if source == "body":
        if len(rest) <= 1:
            return None, True
        rest = rest[1:]
    field = ".".join(str(part) for part in rest)
    return field or None, False


def _field_error(error: dict) -> dict:
    field, whole_body = _field_of(tuple(error.get("loc") or ()))
    error_type = str(error.get("type", ""))
    if whole_body or error_type == "json_invalid":
        return {"field": None, "code": Code.INVALID_BODY, "message": str(INVALID_BODY)}
    key = _message_key(error_type)
    id_, en = _VALIDATION_MESSAGES.get(key, _INVALID)
    params = {name: value for name, value in (error.get("ctx") or {}).items() if isinstance(value, str | int | float)}
    name_id, name_en = (f"'{field}'", f"'{field}'") if field else _FIELD_WORD
    try:
        message = Msg(id_.format(f=name_id, **params), en.format(f=name_en, **params))
    except (KeyError, IndexError):  # a message whose context pydantic did not give
        message = Msg(_INVALID[0].format(f=name_id), _INVALID[1].format(f=name_en))
    code = Code.VALUE_REQUIRED if error_type == "missing" else Code.INVALID_VALUE
    return {"field": field, "code": code, "message": str(message)}


# --- the API object -------------------------------------------------------------------------------


class SisnakerParser(Parser):
    """ninja's JSON parser, refusing NUL characters in JSON, query and form values (``core/nul.py``).
    Runs after authentication, when the operation reads its parameters."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        # A request body is one JSON object. (ninja's schemas read attributes of anything else: the JSON
        # string "quota" would become {"title": "Quota"}.) ninja also parses each field of a multipart
        # body with this method, through a stand-in request without a method; those may be any JSON.
        if request.method is not None and not isinstance(data, dict):
            raise ValidationFailed(INVALID_BODY, code=Code.INVALID_BODY)
        nul.refuse_in_data(data)  # ninja turns these into HttpError(400) "from" them; the handler unwraps it
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                text = item if isinstance(item, str) else getattr(item, "name", None)  # uploaded files: the name
                if nul.NUL in key or (isinstance(text, str) and nul.NUL in text):
                    raise nul.NulCharacter(key if nul.NUL not in key else None)
        return result


class SisnakerAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_refusals(schema)
        # The signed partner API: plain Django views under /api/v1/integration/ with their own envelope and refusals,
        # added after document_refusals (which describes the Ninja operations' refusal shape).
        integration_openapi.document(schema)
        return schema

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and not inspect.iscoroutinefunction(pattern.callback):
                pattern.callback = _method_not_allowed_as_json(pattern.callback)
        return urls


def _method_not_allowed_as_json(view):
    """ninja answers a method no operation takes with a plain-text 405: give it the refusal shape."""

    @functools.wraps(view)  # keeps csrf_exempt
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            refused = error_response(request, status=405, code=Code.METHOD_NOT_ALLOWED, message=METHOD_NOT_ALLOWED)
            refused["Allow"] = response.get("Allow", "")
            return refused
        return response

    return wrapped


api = SisnakerAPI(
    title="Sisnaker API",
    version="1",
    description=(
        "Sistem Informasi Ketenagakerjaan. Every refusal is a JSON object `{code, message, field}` "
        "(schema `ApiError`): a stable `code`, a `message` that follows Accept-Language (id default, en), and "
        "the `field` at fault or null. A request the schema refuses answers 422 with every field error in "
        "`errors`; a body that cannot be read answers 400 `invalid_body`."
    ),
    urls_namespace="api",
    docs=LocalSwagger(),  # Swagger UI from the npm lock file, not a CDN
    parser=SisnakerParser(),
)


def error_response(request: HttpRequest, *, status: int, code: str, message: Msg | str, field: str | None = None,
                   **extra: Any):
    return api.create_response(request, {"code": code, "message": str(message), "field": field, **extra}, status=status)


def status_of(exc: SisnakerError) -> int:
    """Every refusal class carries its HTTP status (core.errors): the pages answer the same."""
    return exc.http_status


@api.exception_handler(SisnakerError)
def sisnaker_error(request, exc: SisnakerError):
    status = status_of(exc)
    details = dict(exc.details)
    if isinstance(details.get("errors"), dict):
        # A service that checks a whole form names every field at fault ({field: message}, as the surveys API
        # documents it): each message in the caller's language, never the bilingual Msg itself.
        details["errors"] = {str(f): str(m) if isinstance(m, Msg) else m for f, m in details["errors"].items()}
    response = error_response(request, status=status, code=exc.code, message=exc.message, field=exc.field, **details)
    retry_after = getattr(exc, "retry_after", None) or exc.details.get("retry_after")
    if status in (429, 503) and isinstance(retry_after, int):
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def request_invalid(request, exc: ValidationError):
    errors = [_field_error(e) for e in exc.errors] or [{"field": None, "code": Code.INVALID_VALUE, "message": str(INVALID_BODY)}]
    first = errors[0]
    if first["code"] == Code.INVALID_BODY:
        return error_response(request, status=400, code=Code.INVALID_BODY, message=first["message"])
    return error_response(request, status=422, code=first["code"], message=first["message"], field=first["field"],
                          errors=errors)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, SisnakerError):  # e.g. a NUL character found while parsing the body
        return sisnaker_error(request, exc.__cause__)
    status = exc.status_code
    if status == 400:
        unreadable = str(exc).startswith("Cannot parse request body")  # ninja's BodyModel
        return error_response(request, status=400, code=Code.INVALID_BODY if unreadable else Code.BAD_REQUEST,
                              message=INVALID_BODY if unreadable else str(exc))
    if status == 401:
        return error_response(request, status=401, code=Code.NOT_AUTHENTICATED, message=NOT_AUTHENTICATED)
    if status == 403:
        csrf = "csrf" in str(exc).lower()
        return error_response(request, status=403, code=Code.CSRF_FAILED if csrf else Code.FORBIDDEN,
                              message=CSRF_FAILED if csrf else FORBIDDEN)
    if status == 404:
        return error_response(request, status=404, code=Code.NOT_FOUND, message=NOT_FOUND)
    if status == 429:
        response = error_response(request, status=429, code=Code.RATE_LIMITED, message=TOO_MANY)
        wait = getattr(exc, "wait", None)
        if wait:
            response["Retry-After"] = str(math.ceil(wait))
        return response
    return error_response(request, status=status, code=f"http_{status}", message=str(exc))


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return error_response(request, status=401, code=Code.NOT_AUTHENTICATED, message=NOT_AUTHENTICATED)


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, status=404, code=Code.NOT_FOUND, message=NOT_FOUND)


def _log_suspicious(exc: SuspiciousOperation) -> None:
    # As Django does for the pages: the security log hears of it.
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))


@api.exception_handler(RequestDataTooBig)
def body_too_large(request, exc):
    _log_suspicious(exc)
    return error_response(request, status=413, code=Code.BODY_TOO_LARGE, message=BODY_TOO_LARGE)


@api.exception_handler(MultiPartParserError)
def multipart_unreadable(request, exc):
    return error_response(request, status=400, code=Code.INVALID_BODY, message=INVALID_BODY)


@api.exception_handler(TooManyFieldsSent)
def too_many_fields(request, exc):
    _log_suspicious(exc)
    return error_response(request, status=400, code=Code.INVALID_BODY, message=INVALID_BODY)


@api.exception_handler(SuspiciousOperation)
def suspicious(request, exc):
    _log_suspicious(exc)
    return error_response(request, status=400, code=Code.BAD_REQUEST, message=INVALID_BODY)


@api.exception_handler(DataError)
def database_refused_value(request, exc):
    # A value the database cannot hold (text longer than its column, a number out of range, a NUL
    # character on PostgreSQL) that slipped past validation: a clear 400, not a 500.
    if "NUL" in str(exc):
        return sisnaker_error(request, nul.NulCharacter())
    return error_response(request, status=400, code=Code.VALUE_OUT_OF_RANGE, message=OUT_OF_RANGE)


# --- OpenAPI: the refusals each operation can answer ----------------------------------------------

REFUSALS: dict[int, str] = {
    400: "Refused: the input is wrong (`code` says why, `field` says where), the body cannot be read "
         "(`invalid_body`) or holds a NUL character (`invalid_character`)",
    401: "Not authenticated: send a session or 'Authorization: Bearer <token>'",
    403: "Not allowed for the caller (or the session's CSRF token is missing)",
    404: "Not found (or not visible to the caller)",
    409: "Conflicts with the current state (duplicate, already done, illegal transition)",
    413: "The request body is too large",
    422: "The request does not match the schema: `errors` lists every field at fault",
    429: "Too many requests: wait as long as `Retry-After` says",
    503: "Busy: too many requests at once on this path (sign-up, log-in); send it again after `Retry-After` seconds",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_schemas() -> dict[str, dict]:
    schemas: dict[str, dict] = {}
    for model in (ApiError, ApiValidationError):
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        schemas.update(definition.pop("$defs", {}))
        schemas[model.__name__] = definition
    return schemas


def refusal_statuses(method: str, operation: dict) -> list[int]:
    """Which refusals an operation can answer, from what it declares: every operation may refuse input
    (400) and be rate limited (429); parameters or a body can fail the schema (422); an authenticated
    operation can refuse the caller (401, 403) and hide what the caller may not see (404); a path
    parameter or a body names something that may not exist (404); a write can conflict with the state
    (409); a body can be too large (413); a POST may find its path busy (503)."""
    has_path = any(p.get("in") == "path" for p in operation.get("parameters", []))
    has_params = bool(operation.get("parameters")) or "requestBody" in operation
    secured = bool(operation.get("security"))
    statuses = [400, 429]
    if has_params:
        statuses.append(422)
    if secured:
        statuses += [401, 403]
    if secured or has_path or "requestBody" in operation:
        statuses.append(404)
    if method.lower() in ("post", "put", "patch", "delete"):
        statuses.append(409)
    if "requestBody" in operation:
        statuses.append(413)
    if method.lower() == "post":
        statuses.append(503)  # a gated path is full (core/gate.py)
    return sorted(statuses)


def document_refusals(schema: dict) -> dict:
    """Add to every operation of an OpenAPI document the refusals it can answer (``refusal_statuses``)
    with the error schema, keeping any response an operation declares itself."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(_error_schemas())
    media = api.renderer.media_type
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in refusal_statuses(method, operation):
                if str(status) in responses or status in responses:
                    continue
                model = "ApiValidationError" if status == 422 else "ApiError"
                responses[status] = {"description": REFUSALS[status], "content": {media: {"schema": _ref(model)}}}
    return schema


api.add_router("/certification/", certification_router, tags=["certification"])
api.add_router("/surveys/", surveys_router, tags=["surveys"])
api.add_router("/regions/", regions_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/institutions/", institutions_router, tags=["institutions"])
api.add_router("/training/", training_router, tags=["training"])
api.add_router("/training/", training_io_router, tags=["training import/export"])
api.add_router("/payments/", payments_router, tags=["payments"])
api.add_router("/placement/", placement_router, tags=["placement"])
