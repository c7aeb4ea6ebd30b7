"""The signed partner API in the OpenAPI document (/api/v1/openapi.json). Its endpoints are plain Django views,
not Ninja operations, so they are described here and added by ``sisnaker.api`` (``document``): the signing scheme
(three header security schemes that go together), the envelope, a worked signature example, and each endpoint an
app ``register``s — prakerja's redeem-code endpoints register themselves the same way as ``ping`` below.
"""

from __future__ import annotations

import copy
from typing import Any

from . import domain

# The worked example (docs/integration.md has the same; tests/integration checks the hex).
EXAMPLE = {
    "client_code": "SISN-7KQ2M9XW4HPA",
    "sign_key": "8c1f0e6a2b4d4c7e9a3f5b1d2e6c8a0f4b7d9e1c3a5f7b2d4e6a8c0f1b3d5e7a",
    "timestamp": "1764504000",  # 2025-11-30T12:00:00Z
    "path": "/api/v1/integration/ping",
    "body": '{"hello":"sisnaker"}',
    "hmac-sha1": "3af30404da730af4753b422923cd25ef8ec635ef",
    "hmac-sha256": "a1d0549cf539a35d42e0ad69092e3348cbb824a1948d6e4dc60d800f24f37bff",
}

SIGNING = f"""**Signed partner requests** (Kartu Prakerja integration API, wire-compatible with the published one; see
docs/integration.md). Every request is a `POST` with a JSON body and three headers:

* `client_code` — the partner's code from the PMO (`client-code` is accepted too: some proxies drop underscored names);
* `timestamp` — Unix seconds; refused when more than 5 minutes from the server's clock;
* `signature` — lowercase hex of HMAC(sign_key, client_code + timestamp + "POST" + path + body), with HMAC-SHA1 for an
  `hmac-sha1` key (the published scheme) or HMAC-SHA256 for an `hmac-sha256` key (recommended for new partners). The
  path is the request path without the query string; the body is the raw bytes exactly as sent. A signature is
  accepted once.

Worked example: client_code `{EXAMPLE["client_code"]}`, sign_key `{EXAMPLE["sign_key"]}`, timestamp
`{EXAMPLE["timestamp"]}`, path `{EXAMPLE["path"]}`, body `{EXAMPLE["body"]}`. The string signed is
`{EXAMPLE["client_code"]}{EXAMPLE["timestamp"]}POST{EXAMPLE["path"]}{EXAMPLE["body"]}`; its HMAC-SHA1 is
`{EXAMPLE["hmac-sha1"]}` and its HMAC-SHA256 `{EXAMPLE["hmac-sha256"]}`.

Answers use the published envelope `{{"success": true, "message": "OK", "data": {{...}}}}`; a refusal is
`{{"success": false, "code": "<code>", "message": "...", "field": "<the body's field at fault, or null>", "data": null}}`
with a stable `code`."""

SECURITY_SCHEMES = {
    "partnerClientCode": {"type": "apiKey", "in": "header", "name": "client_code",
                          "description": "The partner's client code (also accepted as `client-code`)."},
    "partnerTimestamp": {"type": "apiKey", "in": "header", "name": "timestamp",
                         "description": "Unix seconds; within ±5 minutes of the server's clock."},
    "partnerSignature": {"type": "apiKey", "in": "header", "name": "signature", "description": SIGNING},
}
SECURITY = [{"partnerClientCode": [], "partnerTimestamp": [], "partnerSignature": []}]

SCHEMAS = {
    "PartnerRefusal": {
        "type": "object", "title": "PartnerRefusal", "required": ["success", "code", "message", "data"],
        "properties": {
            "success": {"type": "boolean", "enum": [False]},
            "code": {"type": "string", "description": "Stable reason, e.g. `signature_invalid` (docs/codes.md)"},
            "message": {"type": "string", "description": "For people: Indonesian by default, English with `Accept-Language: en`"},
            "field": {"type": ["string", "null"], "description": "The body's field at fault (`invalid_value`, `value_required`, ...); "
                                                             "null when the refusal is about the request as a whole"},
            "data": {"type": "null"},
        },
    },
    "PartnerPing": {
        "type": "object", "title": "PartnerPing",
        "required": ["client_code", "name", "kind", "key_id", "scheme", "server_time", "server_timestamp"],
        "properties": {
            "client_code": {"type": "string"}, "name": {"type": "string"},
            "kind": {"type": "string", "enum": sorted(domain.ALL_KINDS)},
            "key_id": {"type": "string", "description": "The id of the key that signed (first 12 hex of its SHA-256)"},
            "scheme": {"type": "string", "enum": list(domain.Scheme.values)},
            "server_time": {"type": "string", "format": "date-time"},
            "server_timestamp": {"type": "integer", "description": "The server's clock in Unix seconds"},
        },
    },
}

REFUSALS = {
    400: "`timestamp_malformed`: the timestamp header is not Unix seconds",
    401: "Not authenticated: `missing_signature_headers`, `timestamp_out_of_window`, `key_expired` (a rotated-out or "
         "revoked key), `signature_invalid` (no valid key of this client code matches: an unknown client code, no key of "
         "the signature's scheme, or a wrong signature all get this one answer)",
    403: "`partner_revoked` (only to a request signed with the partner's key), or `partner_kind_not_allowed` (the "
         "endpoint is not for this kind of partner)",
    405: "`method_not_allowed`: POST only",
    409: "`signature_replayed`: this signature was used before; sign again with a new timestamp",
    413: "`body_too_large`",
}

_operations: dict[str, dict[str, Any]] = {}


def _envelope(data_ref: str) -> dict:
    return {"type": "object", "required": ["success", "message", "data"], "properties": {
        "success": {"type": "boolean", "enum": [True]}, "message": {"type": "string"},
        "data": {"$ref": f"#/components/schemas/{data_ref}"}}}


def register(path: str, *, operation_id: str, summary: str, description: str, data_schema: str,
             request_schema: dict | None = None, request_example: Any = None, extra_refusals: dict[int, str] | None = None,
             schemas: dict[str, dict] | None = None, tags: tuple[str, ...] = ("partner API (signed)",)) -> None:
    """Describe a signed endpoint at ``path`` (``/api/v1/integration/...``): its answer's ``data`` is the component
    ``data_schema`` (give new ones in ``schemas``); ``extra_refusals`` adds the endpoint's own statuses."""
    SCHEMAS.update(schemas or {})
    refusals = dict(REFUSALS) | dict(extra_refusals or {})
    body: dict[str, Any] = {"schema": request_schema or {"type": "object"}}
    if request_example is not None:
        body["example"] = request_example
    responses: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": _envelope(data_schema)}}}}
    for status, text in sorted(refusals.items()):
        responses[str(status)] = {"description": text,
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PartnerRefusal"}}}}
    _operations[path] = {"post": {
        "operationId": operation_id, "summary": summary, "description": description, "tags": list(tags),
        "security": SECURITY, "requestBody": {"required": False, "content": {"application/json": body}},
        "responses": responses,
    }}


def document(schema: dict) -> dict:
    """Add the signing scheme, the envelope schemas and every registered signed endpoint to ``schema``."""
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(copy.deepcopy(SECURITY_SCHEMES))
    components.setdefault("schemas", {}).update(copy.deepcopy(SCHEMAS))
    schema.setdefault("paths", {}).update(copy.deepcopy(_operations))
    return schema


register(
    "/api/v1/integration/ping", operation_id="integration_ping", summary="Test a partner's signing",
    description="Answers who signed (client code, kind, the key's id and scheme) and the server's clock. Any body is "
                "accepted (it is signed like any other); send `{}` or a small JSON object.\n\n" + SIGNING,
    data_schema="PartnerPing", request_example={"hello": "sisnaker"},
)
