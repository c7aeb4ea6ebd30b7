"""The audit actions and error codes of institutions (listed in docs/codes.md)."""

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    REGISTERED = "institution.registered", Msg("Lembaga didaftarkan", "Institution registered")
    UPDATED = "institution.updated", Msg("Data lembaga diubah", "Institution's data changed")
    ACCREDITATION_SET = "institution.accreditation_set", Msg("Akreditasi LA-LPK dicatat", "LA-LPK accreditation recorded")
    APPROVED = "institution.approve", Msg("Lembaga disetujui", "Institution approved")
    REJECTED = "institution.reject", Msg("Pendaftaran lembaga ditolak", "Institution's registration rejected")
    SUSPENDED = "institution.suspend", Msg("Lembaga dibekukan", "Institution suspended")
    REINSTATED = "institution.reinstate", Msg("Lembaga diaktifkan kembali", "Institution reinstated")
    RESUBMITTED = "institution.resubmit", Msg("Pendaftaran lembaga diajukan ulang", "Institution's registration resubmitted")
    STAFF_ADDED = "institution.staff_added", Msg("Staf lembaga ditambahkan", "Institution staff added")
    IDENTITY_CHANGED = "institution.identity_changed", Msg("Nama, jenis, atau wilayah lembaga diubah; menunggu persetujuan lagi",
                                                           "Institution's name, kind or region changed; awaiting approval again")


# The audit action of each vetting decision (``services.institution_review``).
REVIEW_AUDIT = {"approve": Audit.APPROVED, "reject": Audit.REJECTED, "suspend": Audit.SUSPENDED,
                "reinstate": Audit.REINSTATED}


class Code(ErrorCode):
    INSTITUTION_NOT_FOUND = "institution_not_found", Msg("Lembaga tidak ditemukan", "Institution not found")
    REGISTRY_NUMBER = "institution_registry_number", Msg("Nomor registrasi lembaga tidak sah",
                                                         "Invalid institution registry number")
    NAME = "institution_name", Msg("Nama lembaga terlalu pendek", "Institution name too short")
    KIND = "institution_kind", Msg("Jenis lembaga wajib dipilih", "Kind of institution required")
    REGENCY = "institution_regency", Msg("Kabupaten/kota lembaga wajib dipilih", "Institution's regency required")
    EXISTS = "institution_exists", Msg("Nomor registrasi sudah dipakai", "Registry number already in use")
    REGISTRATIONS_OPEN = "institution_registrations_open", Msg("Terlalu banyak pendaftaran lembaga menunggu",
                                                               "Too many institution registrations waiting")
    STATUS = "institution_status", Msg("Tindakan tidak berlaku untuk status lembaga", "Action not valid in the institution's status")
    ACCREDITATION_STATUS = "accreditation_status", Msg("Status akreditasi tidak dikenal", "Unknown accreditation status")
    ACCREDITATION_INCOMPLETE = "accreditation_incomplete", Msg("Akreditasi belum lengkap", "Accreditation incomplete")
    REVIEW_ACTION = "review_action", Msg("Tindakan persetujuan tidak dikenal", "Unknown vetting action")
    LICENCE_NUMBER_REQUIRED = "licence_number_required", Msg("Nomor izin/SK/VIN wajib dicatat",
                                                             "Licence/decree/VIN number required")
    NOT_AN_APPROVER = "not_an_approver", Msg("Bukan pihak yang menyetujui lembaga", "Not an approver of institutions")
    STATUS_UNKNOWN = "status_unknown", Msg("Status tidak dikenal", "Unknown status")
    STAFF_ROLE = "staff_role", Msg("Peran staf harus instruktur atau pengelola", "Staff role must be instructor or manager")
    REVIEW_NEEDED = "institution_review_needed", Msg("Perubahan ini memerlukan persetujuan ulang",
                                                     "This change needs approval again")
    IDENTITY_LOCKED = "institution_identity_locked", Msg("Nama, jenis, dan wilayah lembaga yang dibekukan tidak dapat diubah",
                                                         "A suspended institution's name, kind and region cannot be changed")
    OWN_INSTITUTION = "institution_own", Msg("Tidak dapat memutuskan lembaga sendiri", "Cannot decide on one's own institution")
    STAFF_IDENTIFIER = "staff_identifier", Msg("Akun staf belum disebutkan", "Staff account not given")
