"""One-time codes sent to a phone (or an e-mail address): the one mechanism behind the sign-up claim's
code (``SignUpClaim``) and the password reset by SMS (``PasswordResetCode``).

A code is 6 random digits. It is never stored: the row keeps only a keyed hash (HMAC-SHA256 with the
site's secret) bound to what it is for (``purpose``) and to the random token of its request, so a code
cannot be replayed for another request or another purpose, and a database dump reveals no code. The
message goes out through ``notifications.notify_address`` with the code as its ``secret``: sent right
after the transaction commits, and only a copy with the code blanked is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings

from sisnaker.core.errors import Msg
from sisnaker.notifications.services import notify_address

DIGITS = 6


def new_token() -> str:
    """The random, unguessable name of one request (in the URL of its code page)."""
    return secrets.token_urlsafe(24)


def new_code() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def code_hash(*, purpose: str, token: str, code: str) -> str:
    """What is stored instead of ``code``."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{token}:{code}".encode(), hashlib.sha256).hexdigest()


def clean(typed: str) -> str:
    """A code as typed (spaces, dashes) reduced to its digits."""
    return "".join(ch for ch in (typed or "") if ch.isascii() and ch.isdigit())[:DIGITS]


def matches(*, purpose: str, token: str, stored_hash: str, typed: str, expires_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether ``typed`` is the live code of the request ``token`` (constant-time comparison)."""
    code = clean(typed)
    right = hmac.compare_digest(stored_hash, code_hash(purpose=purpose, token=token, code=code))
    return right and len(code) == DIGITS and now <= expires_at


def mask_phone(phone: str) -> str:
    return phone[:6] + "****" + phone[-3:] if phone else ""


def send(*, channel: str, to: str, topic: str, text: Msg, code: str, language: str = "id", subject: str = "") -> None:
    """Send ``text`` (with ``{code}`` in it) to a bare address, after commit; the stored copy has the code blanked."""
    message = text.format(code=code)
    notify_address(channel=channel, to=to, topic=topic, subject=subject, text=message.in_language(language), secret=code)
