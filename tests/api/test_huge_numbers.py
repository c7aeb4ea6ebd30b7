"""Every integer the API reads — in the path, the query or a JSON body — past the largest database key is refused with
a 4xx, never a 500 (found by trying it: ``GET /payments/payables?program_id=9223372036854775808`` was a server error on
SQLite, which cannot compare such a number). Deterministic: each operation once, as an administrator, every integer it
declares set to 2**63 (and 10**30)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sisnaker.api import api
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db
HUGE = (2**63, 10**30)


def _schema_of(node: dict, components: dict) -> dict:
    ref = node.get("$ref")
    return components[ref.rsplit("/", 1)[-1]] if ref else node


def _is_integer(node: dict, components: dict) -> bool:
    node = _schema_of(node, components)
    if node.get("type") == "integer":
        return True
    return any(_schema_of(n, components).get("type") == "integer" for n in node.get("anyOf", []))


def _operations():
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            if method not in ("get", "post", "put", "patch", "delete") or path.startswith("/api/v1/integration/"):
                continue  # the signed partner API refuses unsigned requests first (its own tests cover its numbers)
            yield path, method, op, components


def _cases(path: str, op: dict, components: dict, huge: int):
    params = op.get("parameters", [])
    path_ints = {p["name"] for p in params if p["in"] == "path" and _is_integer(p.get("schema", {}), components)}
    query_ints = [p["name"] for p in params if p["in"] == "query" and _is_integer(p.get("schema", {}), components)]
    body_schema = (op.get("requestBody", {}).get("content", {}).get("application/json", {}) or {}).get("schema")
    body_ints = []
    if body_schema:
        body = _schema_of(body_schema, components)
        body_ints = [name for name, prop in body.get("properties", {}).items() if _is_integer(prop, components)]

    def url(big_in_path: set[str]) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(huge) if m.group(1) in big_in_path else "1", path)

    for name in path_ints:
        yield url({name}), {}, None
    for name in query_ints:
        yield url(set()), {name: str(huge)}, None
    for name in body_ints:
        yield url(set()), {}, {name: huge}


@pytest.mark.parametrize("huge", HUGE)
def test_no_integer_past_a_key_is_a_server_error(regions, huge):
    client = Client(raise_request_exception=False)
    client.force_login(AdminFactory())
    failures = []
    for path, method, op, components in _operations():
        for url, query, body in _cases(path, op, components, huge):
            if method == "get":
                response = client.get(url, query)
            else:
                send = getattr(client, method)
                target = url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
                response = send(target, body if body is not None else {}, content_type="application/json")
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url} {query or ''} {body or ''} → {response.status_code}")
    assert not failures, "\n".join(failures)
