"""Log filters that keep credentials out of access logs.

A personal link (``/l/<token>/``, sent by SMS and printed as QR codes) is a bearer credential for 30 days:
the development server's and gunicorn's access logs would write it down with every request line. Core's
``AppConfig.ready`` puts ``RedactPersonalLinks`` on those loggers; a reverse proxy in front needs its own
rule (docs/operations.md, "Access logs and personal data")."""

from __future__ import annotations

import logging
import re

# The token is URL-safe base64 (certification.domain: LINK_TOKEN_BYTES); the fixed pages under /l/ are words.
_LINK = re.compile(r"/l/[A-Za-z0-9_-]{16,}")
ACCESS_LOGGERS = ("django.server", "gunicorn.access")


def redact(text: str) -> str:
    return _LINK.sub("/l/-", text)


class RedactPersonalLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):  # gunicorn.access passes its atoms as a mapping
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install() -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPersonalLinks) for f in logger.filters):
            logger.addFilter(RedactPersonalLinks())
