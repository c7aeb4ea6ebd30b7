"""SMS and WhatsApp gateways: one small interface, a logging gateway by default.

A gateway sends one text to one number and returns the provider's message id; it raises on failure
(any exception: the notification is marked failed with the exception's text)::

    class Gateway:
        def send(self, *, to: str, text: str) -> str: ...

Plugging a real provider
------------------------
Write a subclass anywhere importable and point the setting at it::

    # myoffice/sms.py
    import httpx
    from sisnaker.notifications.gateways import Gateway, GatewayError

    class ZenzivaGateway(Gateway):
        def __init__(self, *, url: str, userkey: str, passkey: str):
            self.url, self.userkey, self.passkey = url, userkey, passkey

        def send(self, *, to: str, text: str) -> str:
            r = httpx.post(self.url, data={"userkey": self.userkey, "passkey": self.passkey, "to": to, "message": text},
                           timeout=10)
            if r.status_code != 200:
                raise GatewayError(f"HTTP {r.status_code}: {r.text[:200]}")
            return r.json()["messageId"]

    # settings
    SISNAKER_SMS_GATEWAY = "myoffice.sms.ZenzivaGateway"
    SISNAKER_SMS_GATEWAY_OPTIONS = {"url": "https://…", "userkey": "…", "passkey": "…"}   # keyword arguments
    SISNAKER_WHATSAPP_GATEWAY = "…"            # and SISNAKER_WHATSAPP_GATEWAY_OPTIONS, the same way

Both settings default to ``sisnaker.notifications.gateways.LoggingGateway``, which writes the message to
the ``sisnaker.notifications`` logger and succeeds (development, demos, closed networks without a provider).
Numbers reach the gateway in international form (``+62812…``; see ``normalize_phone``).
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger("sisnaker.notifications")

DEFAULT_GATEWAY = "sisnaker.notifications.gateways.LoggingGateway"
SETTINGS = {"sms": "SISNAKER_SMS_GATEWAY", "whatsapp": "SISNAKER_WHATSAPP_GATEWAY"}


class GatewayError(Exception):
    """A provider refused or could not be reached; the message says why."""


class Gateway:
    """Send one text message to one phone number; return the provider's message id."""

    channel = "sms"

    def send(self, *, to: str, text: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingGateway(Gateway):
    """Writes the message to the log and succeeds. The default when no provider is configured."""

    def __init__(self, *, channel: str = "sms", **_options) -> None:
        self.channel = channel

    def send(self, *, to: str, text: str) -> str:
        message_id = f"log-{uuid.uuid4().hex[:16]}"
        logger.info("%s to %s [%s]: %s", self.channel.upper(), to, message_id, text)
        return message_id


def get_gateway(channel: str) -> Gateway:
    """The configured gateway for ``channel`` ("sms" or "whatsapp")."""
    if channel not in SETTINGS:
        raise ValueError(f"No gateway for channel {channel!r}")
    name = SETTINGS[channel]
    path = getattr(settings, name, DEFAULT_GATEWAY) or DEFAULT_GATEWAY
    options = dict(getattr(settings, f"{name}_OPTIONS", {}) or {})
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{name} = {path!r} cannot be imported: {exc}") from exc
    if cls is LoggingGateway or (isinstance(cls, type) and issubclass(cls, LoggingGateway)):
        options.setdefault("channel", channel)
    return cls(**options)


def normalize_phone(raw: str) -> str:
    """'0812-3456-7890' → '+6281234567890'; '62812…' → '+62812…'; '' when there is no usable number."""
    digits = "".join(ch for ch in (raw or "") if ch.isdigit())
    if not digits:
        return ""
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if len(digits) < 9:
        return ""
    return "+" + digits
