"""The posko app's audit actions and error codes (``core/codes.py``; listed in docs/codes.md). Never change a value."""

from __future__ import annotations

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    POSKO_CREATED = "posko.created", Msg("Posko dibuat", "Posko created")
    POSKO_ACTIVATED = "posko.activated", Msg("Posko dibuka kembali", "Posko reopened")
    POSKO_DEACTIVATED = "posko.deactivated", Msg("Posko ditutup", "Posko closed")
    ASSISTED_ACCOUNT = "posko.assisted_account", Msg("Posko mencatat data warga", "Posko recorded a citizen's record")
    ASSISTED_TRAINING = "posko.assisted_training", Msg("Posko mendaftarkan warga pada pelatihan",
                                                       "Posko applied a citizen to a training")
    ASSISTED_PRAKERJA = "posko.assisted_prakerja", Msg("Posko mendaftarkan warga pada Kartu Prakerja",
                                                       "Posko applied a citizen to Kartu Prakerja")


class Code(ErrorCode):
    POSKO_NOT_FOUND = "posko_not_found", Msg("Posko tidak ditemukan", "Posko not found")
    POSKO_FIELD = "posko_field", Msg("Isian posko tidak sah", "Invalid posko field")
    POSKO_INACTIVE = "posko_inactive", Msg("Posko sedang ditutup", "The posko is closed")
    CONSENT_REQUIRED = "posko_consent_required", Msg("Persetujuan warga belum dicatat", "The citizen's consent is not recorded")
    ASSISTANCE_NOT_FOUND = "assistance_not_found", Msg("Warga tidak ditemukan di posko ini", "Citizen not found at this posko")
    PERSON_NOT_REGISTRABLE = "posko_person_not_registrable", Msg("Data warga tidak dapat dicatat di posko",
                                                                 "The citizen's record cannot be added at the posko")
