"""Placement's audit actions and error codes (``core/codes.py``; listed in docs/codes.md). Never change a value."""

from __future__ import annotations

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    AK1_APPLIED = "ak1.applied", Msg("Permohonan kartu AK/1 diajukan", "AK/1 card applied for")
    AK1_ISSUED = "ak1.issued", Msg("Kartu AK/1 diterbitkan", "AK/1 card issued")
    AK1_REFUSED = "ak1.refused", Msg("Permohonan kartu AK/1 ditolak", "AK/1 card application refused")
    AK1_REPORTED = "ak1.reported", Msg("Laporan enam bulanan kartu AK/1", "AK/1 six-monthly report")
    AK1_ENDED = "ak1.ended", Msg("Pemegang kartu AK/1 sudah bekerja", "AK/1 holder has found work")
    AK1_UPDATED = "ak1.updated", Msg("Data kartu AK/1 diubah", "AK/1 card data changed")
    AK1_REMINDED = "ak1.reminded", Msg("Pengingat laporan AK/1 dikirim", "AK/1 report reminders sent")
    AK1_PHOTO_CHANGED = "ak1.photo_changed", Msg("Pas foto kartu AK/1 diunggah", "AK/1 card photo uploaded")
    AK1_PHOTO_REQUESTED = "ak1.photo_requested", Msg("Pas foto baru kartu AK/1 diminta", "New AK/1 card photo requested")
    AK1_PHOTO_DELETED = "ak1.photo_deleted", Msg("Pas foto kartu AK/1 dihapus (masa simpan habis)",
                                                 "AK/1 card photo deleted (retention ended)")


class Code(ErrorCode):
    AK1_NOT_FOUND = "ak1_not_found", Msg("Kartu AK/1 tidak ditemukan", "AK/1 card not found")
    AK1_NO_PERSON = "ak1_no_person", Msg("Akun tidak memiliki data penduduk", "The account has no citizen record")
    AK1_TOO_YOUNG = "ak1_too_young", Msg("Belum cukup umur untuk kartu AK/1", "Too young for an AK/1 card")
    AK1_BLOCKED = "ak1_blocked", Msg("Masih ada permohonan atau kartu AK/1 yang berlaku", "An AK/1 application or valid card exists")
    AK1_REGION_UNKNOWN = "ak1_region_unknown", Msg("Kabupaten/kota KTP tidak dikenal", "The KTP's regency is unknown")
    AK1_DECIDED = "ak1_decided", Msg("Permohonan AK/1 sudah diputuskan", "The AK/1 application is already decided")
    AK1_FIELD = "ak1_field", Msg("Isian kartu AK/1 tidak sah", "Invalid AK/1 card field")
    AK1_REPORT_REFUSED = "ak1_report_refused", Msg("Laporan AK/1 tidak dapat diisi sekarang", "The AK/1 report cannot be filled now")
    AK1_NOT_ISSUED = "ak1_not_issued", Msg("Kartu AK/1 belum diterbitkan", "The AK/1 card is not issued")
    AK1_PHOTO = "ak1_photo", Msg("Pas foto tidak dapat dipakai", "The photo cannot be used")
    AK1_PHOTO_MISSING = "ak1_photo_missing", Msg("Pas foto belum ada atau diminta ulang", "The photo is missing or a new one was asked for")
    AK1_PHOTO_LOCKED = "ak1_photo_locked", Msg("Pas foto kartu ini tidak dapat diganti lagi", "This card's photo can no longer be replaced")


class JobsAudit(AuditAction):
    """Employers, vacancies, applications and placements (issue 12)."""

    COMPANY_REGISTERED = "company.registered", Msg("Perusahaan didaftarkan", "Company registered")
    COMPANY_APPROVED = "company.approve", Msg("Perusahaan disetujui", "Company approved")
    COMPANY_REJECTED = "company.reject", Msg("Pendaftaran perusahaan ditolak", "Company's registration rejected")
    COMPANY_SUSPENDED = "company.suspend", Msg("Perusahaan dibekukan", "Company suspended")
    COMPANY_REINSTATED = "company.reinstate", Msg("Perusahaan diaktifkan kembali", "Company reinstated")
    COMPANY_RESUBMITTED = "company.resubmit", Msg("Pendaftaran perusahaan diajukan ulang", "Company's registration resubmitted")
    COMPANY_STAFF_ADDED = "company.staff_added", Msg("Staf perusahaan ditambahkan", "Company staff added")
    COMPANY_UPDATED = "company.updated", Msg("Data perusahaan diubah", "Company's data changed")
    COMPANY_IDENTITY_CHANGED = "company.change_identity", Msg("Identitas perusahaan diubah, diperiksa ulang Disnaker",
                                                              "Company's identity changed, back to the regional office for review")
    COMPANY_MANAGER_CHANGED = "company.manager_changed", Msg("Pengelola perusahaan diganti", "Company's manager handed over")
    COMPANY_STAFF_REMOVED = "company.staff_removed", Msg("Staf perusahaan dikeluarkan", "Company staff removed")
    COMPANY_STAFF_LEFT = "company.staff_left", Msg("Staf keluar dari perusahaan", "Staff member left the company")
    VACANCY_CREATED = "vacancy.created", Msg("Lowongan dibuat", "Vacancy created")
    VACANCY_UPDATED = "vacancy.updated", Msg("Lowongan diubah", "Vacancy changed")
    VACANCY_PUBLISHED = "vacancy.publish", Msg("Lowongan ditayangkan", "Vacancy published")
    VACANCY_CLOSED = "vacancy.close", Msg("Lowongan ditutup", "Vacancy closed")
    VACANCY_FILLED = "vacancy.fill", Msg("Lowongan dilaporkan terisi", "Vacancy reported filled")
    APPLICATION_SUBMITTED = "application.submitted", Msg("Lamaran dikirim", "Application submitted")
    APPLICATION_MOVED = "application.moved", Msg("Tahap lamaran diubah", "Application moved to another stage")
    PLACEMENT_RECORDED = "placement.recorded", Msg("Penempatan kerja dicatat", "Placement recorded")
    OUTCOME_REPORTED = "outcome.reported", Msg("Keadaan kerja alumni dilaporkan", "Alumnus's work status reported")
    OUTCOME_REMINDED = "outcome.reminded", Msg("Wilayah diingatkan melaporkan alumni", "Regions reminded to report alumni")
    PLACEMENT_REPORTED = "placement.reported", Msg("Penempatan kerja dilaporkan pemberi kerja",
                                                   "Placement reported by the employer")
    PLACEMENT_ENDED = "placement.ended", Msg("Penempatan kerja berakhir (tidak lagi bekerja di sana)",
                                             "Placement ended (no longer works there)")
    PLACEMENT_CORRECTED = "placement.corrected", Msg("Laporan penempatan dikoreksi oleh laporan berikutnya",
                                                     "Placement report corrected by a later report")


# The audit action of each company vetting step (``services.company_review``).
COMPANY_REVIEW_AUDIT = {"approve": JobsAudit.COMPANY_APPROVED, "reject": JobsAudit.COMPANY_REJECTED,
                        "suspend": JobsAudit.COMPANY_SUSPENDED, "reinstate": JobsAudit.COMPANY_REINSTATED}
VACANCY_AUDIT = {"publish": JobsAudit.VACANCY_PUBLISHED, "close": JobsAudit.VACANCY_CLOSED, "fill": JobsAudit.VACANCY_FILLED}


class JobsCode(ErrorCode):
    COMPANY_NOT_FOUND = "company_not_found", Msg("Perusahaan tidak ditemukan", "Company not found")
    COMPANY_FIELD = "company_field", Msg("Isian perusahaan tidak sah", "Invalid company field")
    NIB_INVALID = "nib_invalid", Msg("NIB harus 13 angka", "The NIB must be 13 digits")
    NIB_EXISTS = "nib_exists", Msg("NIB sudah terdaftar", "NIB already registered")
    COMPANY_STATUS = "company_status", Msg("Tindakan tidak berlaku untuk status perusahaan", "Action not valid in the company's status")
    COMPANY_NOT_APPROVED = "company_not_approved", Msg("Perusahaan belum disetujui", "Company not approved")
    COMPANY_REGISTRATIONS_OPEN = "company_registrations_open", Msg("Terlalu banyak pendaftaran perusahaan menunggu",
                                                                   "Too many company registrations waiting")
    COMPANY_REVIEW_NEEDED = "company_review_needed", Msg("Perubahan identitas perusahaan perlu diperiksa ulang",
                                                         "A change of the company's identity needs a new review")
    COMPANY_IDENTITY_LOCKED = "company_identity_locked", Msg("Identitas perusahaan yang dibekukan tidak dapat diubah",
                                                             "A suspended company's identity cannot change")
    COMPANY_NOT_STAFF = "company_not_staff", Msg("Bukan staf perusahaan ini", "Not staff of this company")
    COMPANY_MANAGER_STAYS = "company_manager_stays", Msg("Pengelola tidak dapat dikeluarkan", "The manager cannot be removed")
    VACANCY_NOT_FOUND = "vacancy_not_found", Msg("Lowongan tidak ditemukan", "Vacancy not found")
    VACANCY_FIELD = "vacancy_field", Msg("Isian lowongan tidak sah", "Invalid vacancy field")
    VACANCY_STATUS = "vacancy_status", Msg("Tindakan tidak berlaku untuk status lowongan", "Action not valid in the vacancy's status")
    VACANCY_NOT_OPEN = "vacancy_not_open", Msg("Lowongan tidak menerima lamaran", "The vacancy takes no applications")
    APPLICATION_NOT_FOUND = "application_not_found", Msg("Lamaran tidak ditemukan", "Application not found")
    APPLICATION_EXISTS = "application_exists", Msg("Sudah melamar lowongan ini", "Already applied to this vacancy")
    APPLICATION_STAGE = "application_stage", Msg("Tindakan tidak berlaku untuk tahap lamaran", "Action not valid in the application's stage")
    OUTCOME_FIELD = "outcome_field", Msg("Laporan keadaan kerja alumni tidak sah", "Invalid alumni work status report")
    VACANCY_FULL = "vacancy_full", Msg("Semua posisi lowongan sudah terisi", "All positions of the vacancy are filled")
    PERSON_NOT_MATCHED = "placement_person_not_matched", Msg("Data orang tidak cocok dengan penduduk terdaftar",
                                                             "The person's data match no registered person")
    PLACEMENT_NOT_FOUND = "placement_not_found", Msg("Penempatan kerja tidak ditemukan", "Placement not found")
    PLACEMENT_FIELD = "placement_field", Msg("Isian laporan penempatan tidak sah", "Invalid placement report field")
    PLACEMENT_EXISTS = "placement_exists", Msg("Orang ini sudah tercatat bekerja di perusahaan ini",
                                               "This person is already recorded as working for this company")
    PLACEMENT_ENDED = "placement_ended", Msg("Penempatan kerja sudah berakhir atau dikoreksi",
                                             "The placement already ended or was corrected")
    NOT_AN_ALUMNUS = "outcome_not_alumnus", Msg("Bukan pelatihan yang sudah Anda selesaikan (lulus)",
                                                "Not a training you graduated from")
    PLACEMENT_LOOKUPS = "placement_lookups_limited", Msg("Terlalu banyak percobaan untuk NIK ini",
                                                         "Too many attempts for this NIK")
