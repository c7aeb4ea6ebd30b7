"""Absolute links to Sisnaker pages, for messages that leave the site (e-mail, SMS, QR codes)."""

from __future__ import annotations

from django.conf import settings

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
