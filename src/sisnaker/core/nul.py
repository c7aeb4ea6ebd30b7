"""The NUL character (U+0000) is refused wherever input enters (and, in JSON bodies, lone UTF-16 surrogates).

PostgreSQL cannot store it in text (psycopg raises "text fields cannot contain NUL" and the request
would answer 500), SQLite silently stores it, and no person ever types one. So a request that
carries a NUL in its path, query string, cookies, or (for pages) its form or JSON body is refused
at the door by ``core.middleware.NulGuardMiddleware`` with a clear 400; the API checks its parsed
JSON, form and query values again (``sisnaker.api``), after authentication. Form fields of pages
are covered a second time by Django's own ``ProhibitNullCharactersValidator`` on every CharField.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import SuspiciousOperation

from .codes import Code
from .errors import Msg, ValidationFailed

NUL = "\x00"
MESSAGE = Msg(
    "Isian memuat karakter yang tidak diizinkan (karakter NUL). Hapus karakter itu lalu coba lagi.",
    "The input contains a character that is not allowed (the NUL character). Remove it and try again.",
)
CODE = Code.INVALID_CHARACTER

# "\u0000" inside a JSON text, not preceded by an escaped backslash ("\\u0000" is a backslash and "u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


# A lone UTF-16 surrogate (U+D800–U+DFFF): JSON may write one as "\ud800" without its pair, Python's json.loads
# keeps it, and no database driver can encode it (UnicodeEncodeError, a 500). Nothing a person types is one: a
# paired escape ("\ud83d\ude00") decodes to the real character and never matches.
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
SURROGATE_MESSAGE = Msg(
    "Isian memuat karakter yang tidak sah (separuh pasangan UTF-16 tanpa pasangannya, seperti \\ud800). "
    "Kirim teks Unicode yang utuh lalu coba lagi.",
    "The input contains an invalid character (half of a UTF-16 surrogate pair, such as \\ud800). "
    "Send whole Unicode text and try again.",
)


class NulCharacter(ValidationFailed):
    """Input with a NUL character. ``field`` names the parameter (or the dotted path in a JSON body)."""

    def __init__(self, field: str | None = None) -> None:
        super().__init__(MESSAGE, code=CODE, field=field)


class LoneSurrogate(ValidationFailed):
    """A JSON body with a lone UTF-16 surrogate (``_FORBIDDEN``); same code as a NUL."""

    def __init__(self, field: str | None = None) -> None:
        super().__init__(SURROGATE_MESSAGE, code=CODE, field=field)


class NulInForm(NulCharacter, SuspiciousOperation):
    """A NUL character found while a page's form body was parsed: Django answers 400 (handler400)."""


def first_in_pairs(pairs: Iterable[tuple[Any, Any]]) -> tuple[bool, str | None]:
    """Whether a key or a value of (key, value) pairs holds a NUL, and the key at fault."""
    for key, value in pairs:
        key_text = key if isinstance(key, str) else ""
        if NUL in key_text:
            return True, None
        if isinstance(value, str) and NUL in value:
            return True, key_text
    return False, None


def find_in_data(data: Any, path: str = "") -> tuple[str | None, str | None]:
    """Look through parsed JSON (dicts, lists, strings) for a NUL or a lone surrogate; returns (the character found
    or None, dotted path of the value)."""
    if isinstance(data, str):
        found = _FORBIDDEN.search(data)
        return (found.group(), path or None) if found else (None, None)
    if isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(key, str) and (in_key := _FORBIDDEN.search(key)):
                return in_key.group(), path or None
            found, where = find_in_data(value, f"{path}.{key}" if path else str(key))
            if found:
                return found, where
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found, where = find_in_data(value, f"{path}.{index}" if path else str(index))
            if found:
                return found, where
    return None, None


def refuse_in_data(data: Any) -> None:
    """Refuse parsed JSON holding a NUL (``NulCharacter``) or a lone surrogate (``LoneSurrogate``) anywhere."""
    found, where = find_in_data(data)
    if found == NUL:
        raise NulCharacter(where)
    if found:
        raise LoneSurrogate(where)


def in_json_bytes(body: bytes) -> bool:
    """A JSON text that decodes to a string holding NUL (escaped ``\\u0000``, or a raw NUL byte)."""
    return b"\x00" in body or bool(_JSON_NUL.search(body))
