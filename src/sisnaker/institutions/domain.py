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


def publish_blocker(*, kind: str, institution_status: str, status: str, valid_until: dt.date | None,
                    today: dt.date) -> Msg | None:
    """Why this institution may not publish a program now, or None when it may. ``status`` is the
    LA-LPK accreditation status, ``institution_status`` the vetting status."""
    if institution_status == "pending":
        return Msg(
            "Lembaga ini masih menunggu persetujuan {who}; program dapat dibuka setelah disetujui.",
            "This institution is awaiting approval by {who_en}; programs can be opened once it is approved.",
        ).format(who=approver_name(kind).id, who_en=approver_name(kind).en)
    if institution_status == "rejected":
        return Msg(
            "Pendaftaran lembaga ini ditolak. Perbaiki datanya lalu ajukan ulang.",
            "This institution's registration was rejected. Correct its data and resubmit it.",
        )
    if institution_status != "approved":
        return Msg(
            "Lembaga ini dibekukan, sehingga tidak dapat membuka program.",
            "This institution is suspended and cannot open programs.",
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


# --- vetting ----------------------------------------------------------------------------------
#
#                 approve                suspend
#   pending ─────────────────► approved ─────────► suspended
#      │  ▲                       ▲                   │
#      │  │ resubmit              └───── reinstate ───┘
#      ▼  │ (manager, after correcting the data)
#   rejected
#
# Who decides follows the real authority (Permenaker on BLK/LPK licensing): the manpower office of the
# institution's province or regency licenses BLK UPTD, BLK Komunitas and private LPKs; the ministry
# runs its own UPTP centres and the overseas BLKs.

PENDING, APPROVED, REJECTED, SUSPENDED = "pending", "approved", "rejected", "suspended"
INSTITUTION_TRANSITIONS: dict[str, dict[str, str]] = {
    "approve": {PENDING: APPROVED},
    "reject": {PENDING: REJECTED},
    "suspend": {APPROVED: SUSPENDED},
    "reinstate": {SUSPENDED: APPROVED},
    "resubmit": {REJECTED: PENDING},
    # The manager changed what the authority checked (``IDENTITY_FIELDS``) on an approved institution: vetted again.
    "change_identity": {APPROVED: PENDING},
}
# Decisions that must say why (the manager and the audit trail read it).
REASON_REQUIRED = frozenset({"reject", "suspend", "reinstate"})
MINISTRY_KINDS = frozenset({"blk_uptp", "blk_ln"})

STATUS_LABELS = {
    PENDING: Msg("Menunggu persetujuan", "Awaiting approval"),
    APPROVED: Msg("Disetujui", "Approved"),
    REJECTED: Msg("Ditolak", "Rejected"),
    SUSPENDED: Msg("Dibekukan", "Suspended"),
}


# What the authority checked when it approved: the name (printed on every certificate), the kind (which rules apply:
# LA-LPK accreditation for private LPKs; and who vets it) and the regency (whose office vets it).
IDENTITY_FIELDS = ("name", "kind", "regency")

SAVE, REVIEW, REFUSE = "save", "review", "refuse"


def edit_outcome(*, status: str, identity_changed: bool) -> str:
    """What an edit by the institution's own manager does. Contacts and address always just change (``SAVE``), and so
    does everything while pending or rejected (nothing was approved yet; a rejected one is resubmitted after). A
    change of ``IDENTITY_FIELDS`` on an approved institution sends it back to pending for the (new) authority to
    approve again (``REVIEW``): an LPK turning itself into a BLK Komunitas would otherwise skip LA-LPK
    accreditation. On a suspended one it is refused (``REFUSE``): moving to another region would hand the
    suspension to an office that never imposed it."""
    if not identity_changed or status in (PENDING, REJECTED):
        return SAVE
    return REVIEW if status == APPROVED else REFUSE


def approval_authority(kind: str) -> str:
    """"ministry" for central (UPTP) and overseas BLKs, "regional" for everything licensed locally."""
    return "ministry" if kind in MINISTRY_KINDS else "regional"


def approver_name(kind: str) -> Msg:
    """Who approves an institution of ``kind``, as a message names them."""
    if approval_authority(kind) == "regional":
        return Msg("Disnaker", "the regional manpower office")
    return Msg("Kementerian", "the ministry")


def institution_next_status(*, action: str, status: str) -> str | None:
    """The status after ``action``, or None when the action is not allowed from ``status``."""
    return INSTITUTION_TRANSITIONS.get(action, {}).get(status)


def transition_refusal(*, action: str, status: str) -> Msg:
    label = STATUS_LABELS.get(status, Msg(status, status))
    return Msg(
        "Lembaga berstatus \"{s}\": tindakan ini tidak berlaku.", "The institution is \"{s_en}\": this action does not apply."
    ).format(s=label.id, s_en=label.en)


# Characters folded together in registry keys: typed look-alikes must not make a second institution.
_LOOKALIKES = str.maketrans({"O": "0", "Q": "0", "I": "1", "L": "1"})


def registry_key(number: str) -> str:
    """The registry number folded for uniqueness: upper case, only letters and digits, and look-alike
    characters mapped to one (O/Q→0, I/L→1). "BLK-3273-001", "blk 3273 0O1" and "BLK.3273.OO1" share
    one key. Letters outside A–Z are kept as they are (the registry number's own
    validation refuses them)."""
    text = "".join(ch for ch in (number or "").upper() if ch.isalnum())
    return text.translate(_LOOKALIKES)[:40]


def status_at(changes: list[tuple[dt.datetime, str]], when: dt.datetime) -> str | None:
    """The status in force at ``when`` from the history ``[(at, status), …]`` (any order); None when
    the institution had no status yet (it did not exist)."""
    current = None
    for at, status in sorted(changes, key=lambda c: c[0]):
        if at > when:
            break
        current = status
    return current
