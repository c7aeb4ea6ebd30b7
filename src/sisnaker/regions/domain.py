"""Pure rules about regions. No ORM, no clock."""

from __future__ import annotations

# Indonesia's three time zones by province code (Kemendagri). Central Indonesia (WITA, UTC+8):
# Bali, Nusa Tenggara, South/East/North Kalimantan and all of Sulawesi. Eastern Indonesia (WIT,
# UTC+9): Maluku, North Maluku and the Papua provinces. Everything else is Western (WIB, UTC+7),
# including West and Central Kalimantan.
WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
_WITA = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
_WIT = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})
ZONE_LABELS = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}


def time_zone_for(region_code: str | None) -> str:
    """The IANA zone of a province, regency or district code ("73", "73.71", "73.71.01")."""
    province = (region_code or "")[:2]
    if province in _WIT:
        return WIT
    if province in _WITA:
        return WITA
    return WIB
