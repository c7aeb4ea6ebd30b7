"""Pieces of the personal-link pages that other apps' pages reuse (placement's "Kerja saya" from a reminder's link):
the link's own refusals and the decorator that answers them with the link's refusal page. Not views."""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sisnaker.core.errors import SisnakerError

from .codes import Code

# The personal link's own refusals (unknown, expired, revoked, none opened).
LINK_CODES = {Code.LINK_UNKNOWN, Code.LINK_EXPIRED, Code.LINK_REVOKED, Code.LINK_MISSING}


def private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def link_page(view):
    """A page of the personal-link flow: never cached, and a link that cannot be used (unknown, expired,
    revoked, none opened) answers with the link's own refusal page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except SisnakerError as exc:
            if exc.code not in LINK_CODES:
                raise
            response = render(request, "certification/links/refused.html", {"text": str(exc.message), "code": exc.code},
                              status=exc.http_status)
        return private(response)

    return wrapped
