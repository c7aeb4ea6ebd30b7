"""Rules of the partner registry and of signed partner requests (the Kartu Prakerja integration API).

A **partner** is a digital platform that sells curated trainings or a training institution (LPK/BLK) that
redeems codes; the PMO registers it and issues its signing keys. A **key** is either

* ``hmac-sha1``   — the published Kartu Prakerja scheme, for integrations that exist already;
* ``hmac-sha256`` — the same string signed with SHA-256, recommended for new partners.

A signed request carries the headers ``client_code``, ``timestamp`` (Unix seconds) and ``signature``::

    signature = lowercase hex of HMAC(key, client_code + timestamp + "POST" + path + raw body bytes)

with the key's text (UTF-8) as the HMAC key, the path as requested (``/api/v1/integration/ping``, no query
string) and the body exactly as sent. Refused (each with its own code, ``codes.Code``): missing headers, a
malformed timestamp, an unknown or revoked partner, a timestamp outside ±``skew`` of the server's clock, no
valid key, a key that was rotated out or revoked, a wrong signature, a signature seen before, a partner kind the
endpoint does not serve.

Key lifecycle (``key_state``)::

    active ──rotate──▶ retiring (valid until not_after = rotation + overlap) ──time──▶ expired
      └──────revoke──────┴──▶ revoked

At most one *active* key per partner and scheme (a database constraint); a rotation keeps at most one retiring
key per scheme (an older one is cut off at once). Pure: times are passed in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from django.utils.translation import gettext_lazy as _

from sisnaker.core.choices import Choices
from sisnaker.core.errors import Msg

SIGNED_METHOD = "POST"
DEFAULT_SKEW_SECONDS = 300
DEFAULT_OVERLAP_DAYS = 7
CLIENT_CODE_PREFIX = "SISN-"
CLIENT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by people
CLIENT_CODE_LENGTH = 12
NAME_MAX = 200
# The longest timestamp header accepted: Unix seconds have 10 digits until the year 2286.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_HEX = re.compile(r"[0-9a-f]+")


class Kind(Choices):
    PLATFORM = "platform", _("Platform digital")
    INSTITUTION = "institution", _("Lembaga pelatihan (LPK/BLK)")


class State(Choices):
    ACTIVE = "active", _("Aktif")
    REVOKED = "revoked", _("Dicabut")


class Scheme(Choices):
    HMAC_SHA1 = "hmac-sha1", _("HMAC-SHA1 (skema Prakerja yang diterbitkan)")
    HMAC_SHA256 = "hmac-sha256", _("HMAC-SHA256 (disarankan untuk mitra baru)")


ALL_KINDS = frozenset(Kind.values)
_DIGESTS = {Scheme.HMAC_SHA1: hashlib.sha1, Scheme.HMAC_SHA256: hashlib.sha256}
# Hex length of each scheme's signature: tells which keys to try.
SIGNATURE_LENGTH = {Scheme.HMAC_SHA1: 40, Scheme.HMAC_SHA256: 64}


def string_to_sign(*, client_code: str, timestamp: str, path: str, body: bytes, method: str = SIGNED_METHOD) -> bytes:
    """What is signed: client_code + timestamp + method + path, then the raw body bytes as sent."""
    return (client_code + timestamp + method + path).encode() + body


def signature(*, scheme: str, key: str, message: bytes) -> str:
    """Lowercase hex HMAC of ``message`` with ``key`` (its UTF-8 bytes) under ``scheme``."""
    return hmac.new(key.encode(), message, _DIGESTS[Scheme(scheme)]).hexdigest()


def signature_matches(*, scheme: str, key: str, message: bytes, given: str) -> bool:
    """Constant-time comparison of ``given`` (case-insensitive hex) with the expected signature."""
    return hmac.compare_digest(signature(scheme=scheme, key=key, message=message).encode(), given.strip().lower().encode())


def schemes_for(given: str) -> list[str]:
    """The schemes whose signatures look like ``given`` (by length; hex only)."""
    text = given.strip().lower()
    if not _HEX.fullmatch(text):
        return []
    return [scheme for scheme, length in SIGNATURE_LENGTH.items() if len(text) == length]


def parse_timestamp(text: str) -> int | None:
    """Unix seconds from the header, or None when it is not 1–12 digits."""
    text = text.strip()
    return int(text) if _TIMESTAMP.fullmatch(text) else None


def timestamp_in_window(*, timestamp: int, now: dt.datetime, skew_seconds: int) -> bool:
    # Whole seconds on both sides, so that the window is as wide into the past as into the future.
    return abs(timestamp - int(now.timestamp())) <= skew_seconds


def key_fingerprint(secret: str) -> str:
    """A short, non-secret id of a key (first 12 hex of its SHA-256): shown on the PMO page and to the partner, who
    can compare it with ``sha256(key)`` to see they hold the right one."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def key_usable(*, revoked_at: dt.datetime | None, not_after: dt.datetime | None, now: dt.datetime) -> bool:
    return revoked_at is None and (not_after is None or now < not_after)


def key_state(*, revoked_at: dt.datetime | None, not_after: dt.datetime | None, now: dt.datetime) -> str:
    """active, retiring (rotated, still valid until not_after), expired, revoked."""
    if revoked_at is not None:
        return "revoked"
    if not_after is None:
        return "active"
    return "retiring" if now < not_after else "expired"


KEY_STATE_LABELS = {
    "active": Msg("Aktif", "Active"),
    "retiring": Msg("Lama, berlaku sampai", "Old, valid until"),
    "expired": Msg("Kedaluwarsa", "Expired"),
    "revoked": Msg("Dicabut", "Revoked"),
}


def registration_problem(*, name: str, kind: str, has_institution: bool) -> tuple[str, Msg] | None:
    """(field, message) of what is wrong with a registration, or None."""
    if not name.strip():
        return "name", Msg("Tulis nama mitra.", "Write the partner's name.")
    if len(name.strip()) > NAME_MAX:
        return "name", Msg("Nama mitra paling panjang {n} karakter.", "The partner's name is at most {n} characters.").format(n=NAME_MAX)
    if kind not in Kind.values:
        return "kind", Msg("Pilih jenis mitra: platform digital atau lembaga pelatihan.",
                           "Choose the kind of partner: digital platform or training institution.")
    if kind == Kind.INSTITUTION and not has_institution:
        return "institution", Msg("Mitra lembaga pelatihan perlu nomor registrasi lembaganya.",
                                  "A training-institution partner needs its institution's registry number.")
    if kind == Kind.PLATFORM and has_institution:
        return "institution", Msg("Platform digital tidak terikat pada satu lembaga: kosongkan nomor registrasi.",
                                  "A digital platform is not tied to an institution: leave the registry number empty.")
    return None


def replay_keep(*, skew_seconds: int) -> dt.timedelta:
    """How long a seen signature is kept: a signature is accepted only while its timestamp is within ±skew of the
    clock, so after 2 × skew (plus a minute for clock steps) it cannot be replayed anyway."""
    return dt.timedelta(seconds=2 * skew_seconds + 60)
