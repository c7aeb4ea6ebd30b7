"""Searching people by NIK without the NIK ever travelling in a URL (where access logs keep it).

Search forms POST; a 16-digit NIK in the query is replaced by ``nik:<blind index>`` before the
redirect to the result page, and selectors accept either form."""

from __future__ import annotations

import re

from . import crypto

TOKEN_PREFIX = "nik:"
_TOKEN = re.compile(r"^nik:[0-9a-f]{64}$")


def _nik_digits(q: str) -> str | None:
    compact = "".join(ch for ch in q if not (ch.isspace() or ch in ".-"))
    return compact if len(compact) == 16 and compact.isascii() and compact.isdigit() else None


def protect_query(q: str) -> str:
    """The query to put in a URL: a NIK becomes its keyed hash, anything else stays."""
    q = (q or "").strip()
    nik = _nik_digits(q)
    return TOKEN_PREFIX + crypto.blind_index(nik, label="nik") if nik else q


def nik_index_of(q: str) -> str | None:
    """The blind index a query searches for (a token or a plain NIK), or None for a name search."""
    q = (q or "").strip()
    if _TOKEN.match(q):
        return q[len(TOKEN_PREFIX):]
    nik = _nik_digits(q)
    return crypto.blind_index(nik, label="nik") if nik else None


def is_token(q: str) -> bool:
    return bool(_TOKEN.match((q or "").strip()))


def looks_like_mistyped_nik(q: str) -> bool:
    """Digits only (spaces, dots and dashes aside), 10 to 20 of them, but not 16: a NIK typed wrong, which a search
    must not put in a URL as it is (``protect_query`` hashes only a whole NIK)."""
    compact = "".join(ch for ch in (q or "") if not (ch.isspace() or ch in ".-"))
    return compact.isascii() and compact.isdigit() and 10 <= len(compact) <= 20 and len(compact) != 16
