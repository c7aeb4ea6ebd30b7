"""Per-request context (client IP, request id) that the audit trail reads.

Held in a ContextVar so that services need no request argument; the middleware sets it and
commands/tasks leave it empty.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestContext:
    ip: str | None = None
    request_id: str | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "sisnaker_request_context", default=RequestContext()  # noqa: B039 - frozen, immutable
)


def current() -> RequestContext:
    return _current.get()


def activate(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
