"""Links to Sisnaker pages: absolute ones for messages that leave the site (e-mail, SMS, QR codes), and many of one
page at once (``reverser``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

DEVELOPMENT_URL = "http://127.0.0.1:8000"


def public_url(request=None) -> str:
    """The site's public base URL, without a trailing slash: ``SISNAKER_PUBLIC_URL``, else the host of
    ``request``, else the development server's address."""
    configured = (getattr(settings, "SISNAKER_PUBLIC_URL", "") or "").rstrip("/")
    if configured:
        return configured
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEVELOPMENT_URL


def absolute(path: str, request=None) -> str:
    """``path`` (from ``reverse``) as an absolute URL."""
    return public_url(request) + path


_MARK = "987654321987654321"


def reverser(viewname: str, kwarg: str, **kwargs):
    """``reverse(viewname, kwargs={kwarg: value, **kwargs})`` for many values of one integer ``kwarg``: reversed once,
    then each value put in by string (a page of fifty rows with three links each spent more on ``reverse`` than on
    its rows' query)."""
    head, tail = reverse(viewname, kwargs={kwarg: int(_MARK), **kwargs}).split(_MARK)
    return lambda value: f"{head}{int(value)}{tail}"
