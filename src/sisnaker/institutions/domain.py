"""Pure rules about institutions. No ORM, no clock."""

from __future__ import annotations

import datetime as dt

from sisnaker.core.errors import Msg

# Private LPKs must hold a valid LA-LPK accreditation to open programs; government and community
# BLKs are established by decree and are not accredited by LA-LPK.
NEEDS_ACCREDITATION = frozenset({"lpk"})


def accreditation_state(*, status: str, valid_until: dt.date | None, today: dt.date) -> str:
    """'valid', 'expired', 'revoked' or 'none' — what pages show and rules use."""
    if status == "revoked":
        return "revoked"
    if status != "accredited" or valid_until is None:
        return "none"
    return "valid" if valid_until >= today else "expired"


def publish_blocker(*, kind: str, is_active: bool, status: str, valid_until: dt.date | None, today: dt.date) -> Msg | None:
    """Why this institution may not publish a program now, or None when it may."""
    if not is_active:
        return Msg(
            "Lembaga ini tidak aktif, sehingga tidak dapat membuka program. Hubungi kurator Kementerian.",
            "This institution is inactive and cannot open programs. Contact the ministry curator.",
        )
    if kind not in NEEDS_ACCREDITATION:
        return None
    state = accreditation_state(status=status, valid_until=valid_until, today=today)
    if state == "valid":
        return None
    if state == "expired":
        return Msg(
            "Akreditasi LA-LPK lembaga ini berakhir pada {date}. Perpanjang akreditasi sebelum membuka program.",
            "This institution's LA-LPK accreditation expired on {date}. Renew it before opening programs.",
        ).format(date=valid_until.isoformat())
    if state == "revoked":
        return Msg(
            "Akreditasi LA-LPK lembaga ini dicabut; program tidak dapat dibuka.",
            "This institution's LA-LPK accreditation was revoked; programs cannot be opened.",
        )
    return Msg(
        "LPK swasta harus terakreditasi LA-LPK untuk membuka program.",
        "A private LPK must be accredited by LA-LPK to open programs.",
    )
