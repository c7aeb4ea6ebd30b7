"""The demo's partners of the signed API (docs/integration.md): a digital platform that buys a Kartu Prakerja training
and a training institution that redeems it, each the way a real partner does — every request signed by
``sisnaker.integration.signing`` (the partner's signer) and handled by the real endpoint (the view the URL resolves
to, its ``partner_signed`` check — signature, timestamp window, replay guard — included), only without a socket: the
request is built by Django's ``RequestFactory``, so the demo needs no server running while it loads.

The beneficiary's phone is ``DemoPhone``: while the demo buys, the SMS gateway is this one, which keeps the texts
(the consent code among them) so that the demo's beneficiary can read the code out to the platform."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from django.test import RequestFactory
from django.test.utils import override_settings
from django.urls import resolve

from sisnaker.integration import signing
from sisnaker.notifications.gateways import Gateway, normalize_phone

logger = logging.getLogger("sisnaker.notifications")


class DemoPhone(Gateway):
    """The demo beneficiaries' phones: keeps each text it is given (and logs it, as the logging gateway does)."""

    inbox: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, **_options) -> None:
        pass

    def send(self, *, to: str, text: str) -> str:
        DemoPhone.inbox.append((to, text))
        logger.info("SMS to %s [demo phone]: %s", to, text)
        return f"demo-{len(DemoPhone.inbox)}"

    @classmethod
    @contextlib.contextmanager
    def in_use(cls) -> Iterator[type[DemoPhone]]:
        """SMS go to the demo phones (and their inbox starts empty) for the duration."""
        cls.inbox.clear()
        with override_settings(SISNAKER_SMS_GATEWAY=f"{cls.__module__}.{cls.__qualname__}", SISNAKER_SMS_GATEWAY_OPTIONS={}):
            yield cls

    @classmethod
    def last_code(cls, phone: str, *, marker: str) -> str:
        """The 6-digit code of the last text to ``phone`` containing ``marker`` ("" when none came)."""
        number = normalize_phone(phone)
        for to, text in reversed(cls.inbox):
            if to == number and marker in text:
                found = re.search(r"\b(\d{6})\b", text)
                return found.group(1) if found else ""
        return ""


@dataclass(frozen=True)
class DemoPartner:
    """A partner's client (a platform or an institution): ``post`` signs the payload with the partner's key and hands
    the request to the endpoint's view."""

    client_code: str
    sign_key: str
    scheme: str = "hmac-sha256"

    def post(self, path: str, payload: dict) -> tuple[int, dict]:
        """(HTTP status, the JSON envelope) of a signed POST to ``path`` — refusals included."""
        signed = signing.sign(client_code=self.client_code, sign_key=self.sign_key, scheme=self.scheme, path=path, payload=payload)
        headers = {name: value for name, value in signed.headers.items() if name != "Content-Type"}
        request = RequestFactory().post(signed.path, data=signed.body, content_type="application/json", headers=headers)
        match = resolve(signed.path)
        response = match.func(request, *match.args, **match.kwargs)
        return response.status_code, json.loads(response.content)
