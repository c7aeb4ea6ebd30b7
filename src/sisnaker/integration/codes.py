"""The audit actions and error codes of integration (listed in docs/codes.md).

The ``Code`` members from ``missing_signature_headers`` on are the refusals of a signed partner request
(``auth.partner_signed``): the ``code`` of the JSON envelope ``{"success": false, "code", "message", "data": null}``
(docs/integration.md)."""

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    PARTNER_REGISTERED = "partner.registered", Msg("Mitra integrasi didaftarkan", "Integration partner registered")
    PARTNER_REVOKED = "partner.revoked", Msg("Mitra integrasi dicabut", "Integration partner revoked")
    PARTNER_KEY_ISSUED = "partner_key.issued", Msg("Kunci tanda tangan mitra diterbitkan", "Partner signing key issued")
    PARTNER_KEY_ROTATED = "partner_key.rotated", Msg("Kunci tanda tangan mitra diganti", "Partner signing key rotated")
    PARTNER_KEY_REVOKED = "partner_key.revoked", Msg("Kunci tanda tangan mitra dicabut", "Partner signing key revoked")


class Code(ErrorCode):
    # PMO officers managing partners.
    PARTNER_NAME = "partner_name", Msg("Nama mitra wajib diisi", "The partner's name is required")
    PARTNER_KIND = "partner_kind", Msg("Jenis mitra tidak dikenal", "Unknown kind of partner")
    PARTNER_INSTITUTION = "partner_institution", Msg("Lembaga mitra tidak sah", "The partner's institution is not valid")
    PARTNER_INSTITUTION_TAKEN = "partner_institution_taken", Msg("Lembaga ini sudah menjadi mitra",
                                                                 "This institution is already a partner")
    PARTNER_NOT_FOUND = "partner_not_found", Msg("Mitra tidak ditemukan", "Partner not found")
    PARTNER_ALREADY_REVOKED = "partner_already_revoked", Msg("Mitra sudah dicabut", "The partner is already revoked")
    PARTNER_KEY_SCHEME = "partner_key_scheme", Msg("Skema kunci tidak dikenal", "Unknown key scheme")
    PARTNER_KEY_EXISTS = "partner_key_exists", Msg("Mitra sudah punya kunci aktif untuk skema ini",
                                                   "The partner already has an active key for this scheme")
    PARTNER_KEY_NOT_FOUND = "partner_key_not_found", Msg("Kunci tidak ditemukan", "Key not found")
    PARTNER_KEY_ALREADY_REVOKED = "partner_key_already_revoked", Msg("Kunci sudah dicabut", "The key is already revoked")
    # Refusals of a signed partner request (auth.partner_signed).
    MISSING_SIGNATURE_HEADERS = "missing_signature_headers", Msg("Header client_code, timestamp atau signature tidak ada",
                                                                 "Header client_code, timestamp or signature missing")
    TIMESTAMP_MALFORMED = "timestamp_malformed", Msg("Header timestamp bukan detik Unix", "The timestamp header is not Unix seconds")
    PARTNER_REVOKED = "partner_revoked", Msg("Mitra sudah dicabut", "The partner is revoked")
    TIMESTAMP_OUT_OF_WINDOW = "timestamp_out_of_window", Msg("Timestamp di luar batas waktu", "Timestamp outside the allowed window")
    KEY_EXPIRED = "key_expired", Msg("Kunci sudah tidak berlaku (diganti atau dicabut)", "The key is no longer valid (rotated or revoked)")
    SIGNATURE_INVALID = "signature_invalid", Msg("Tanda tangan tidak cocok", "The signature does not match")
    SIGNATURE_REPLAYED = "signature_replayed", Msg("Tanda tangan sudah pernah dipakai", "The signature was already used")
    PARTNER_KIND_NOT_ALLOWED = "partner_kind_not_allowed", Msg("Jenis mitra ini tidak boleh memakai endpoint ini",
                                                               "This kind of partner may not use this endpoint")
