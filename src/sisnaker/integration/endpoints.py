"""The partner API's own endpoint (plain Django views under /api/v1/integration/, signed: ``auth.partner_signed``).

``ping`` lets a partner test its signing: it answers who signed (client code, kind, the key's id and scheme) and
the server's clock, so a partner whose clock is off sees by how much."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from .auth import ok, partner_signed


@partner_signed()
def ping(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    partner, key = request.partner, request.partner_key
    return ok({
        "client_code": partner.client_code,
        "name": partner.name,
        "kind": partner.kind,
        "key_id": key.key_id,
        "scheme": key.scheme,
        "server_time": now.isoformat().replace("+00:00", "Z"),
        "server_timestamp": int(now.timestamp()),
    })
