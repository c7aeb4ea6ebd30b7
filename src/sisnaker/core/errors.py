"""Errors that services raise and views turn into clear messages (never a 500).

Messages are bilingual at the source (``Msg``): Indonesian first, English second. ``str(msg)``
picks the active language, so pure domain code needs no translation catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Msg:
    """A user-facing message in Indonesian (``id``) and English (``en``)."""

    id: str
    en: str

    def format(self, **params: Any) -> Msg:
        return Msg(self.id.format(**params), self.en.format(**params))

    def in_language(self, language: str | None) -> str:
        return self.en if (language or "id").lower().startswith("en") else self.id

    def __str__(self) -> str:
        try:
            from django.utils.translation import get_language

            language = get_language()
        except Exception:  # outside Django (CLI, pure tests): Indonesian is the default
            language = None
        return self.in_language(language)


class SisnakerError(Exception):
    """Base for every refusal a user can cause. ``field`` names the form field at fault, if any.
    ``http_status`` is what the refusal means over HTTP: pages (``core.pages``) and the API
    (``sisnaker/api.py``) both answer with it."""

    http_status = 400

    def __init__(
        self, message: Msg, *, code: str = "invalid", field: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message.id)
        self.message = message
        self.code = code
        self.field = field
        self.details = details or {}

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(SisnakerError):
    """Input is wrong; the message says what and how to fix it."""


class PermissionDenied(SisnakerError):
    """The actor may not do this."""

    http_status = 403

    def __init__(self, message: Msg | None = None, *, code: str = "forbidden", **kw: Any) -> None:
        super().__init__(
            message or Msg("Anda tidak berwenang melakukan tindakan ini.", "You are not allowed to do this."),
            code=code,
            **kw,
        )


class Conflict(SisnakerError):
    """The request clashes with the current state (duplicate, already done, illegal transition)."""

    http_status = 409


class NotFound(SisnakerError):
    """The thing asked for does not exist (or the actor may not know it exists)."""

    http_status = 404


class TooManyRequests(SisnakerError):
    """Too many attempts from this address/network/account for now; ``retry_after`` in seconds."""

    http_status = 429

    def __init__(self, message: Msg | None = None, *, retry_after: int = 60, code: str = "rate_limited", **kw: Any) -> None:
        minutes = max(1, -(-int(retry_after) // 60))
        message = message or Msg("Terlalu banyak percobaan. Coba lagi dalam {m} menit.", "Too many attempts. Try again in {m} minutes.")
        super().__init__(
            message.format(m=minutes) if "{m}" in message.id else message,
            code=code, details={"retry_after": int(retry_after)}, **kw,
        )
        self.retry_after = int(retry_after)
