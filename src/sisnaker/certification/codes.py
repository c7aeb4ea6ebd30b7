"""Certification's audit actions and error codes (``core/codes.py``; listed in docs/codes.md).

The values are what stored audit rows and API clients already rely on: never change one. Codes that
lower apps own (program/enrollment not found, a required reason...) are theirs: import those members (e.g. ``training.codes.Code.PROGRAM_NOT_FOUND``)."""

from __future__ import annotations

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    ASSESSMENT_RECORDED = "assessment.recorded", Msg("Penilaian kompetensi dicatat", "Competency assessment recorded")
    RESULT_ASSESSED = "enrollment.result_assessed", Msg("Hasil pelatihan dari penilaian kompetensi",
                                                        "Training result from the competency assessment")
    RESULT_CORRECTED = "enrollment.result_corrected", Msg("Hasil dikoreksi setelah program ditutup",
                                                          "Result corrected after the program closed")
    REVIEW_SUBMITTED = "review.submitted", Msg("Ulasan pelatihan dikirim", "Training review submitted")
    CERTIFICATE_ISSUED = "certificate.issued", Msg("Sertifikat diterbitkan", "Certificate issued")
    CERTIFICATE_REVOKED = "certificate.revoked", Msg("Sertifikat dicabut", "Certificate revoked")
    REGISTER_SEARCHED_BY_NIK = "certificate.register_searched_by_nik", Msg("Register sertifikat dicari dengan NIK",
                                                                         "Certificate register searched by NIK")
    CERTIFICATE_REPLACED = "certificate.replaced", Msg("Sertifikat pengganti diterbitkan", "Replacement certificate issued")
    ISSUE_ALL_REQUESTED = "certificate.issue_all_requested", Msg("Penerbitan semua sertifikat yang memenuhi syarat dimulai",
                                                                 "Issuing every eligible certificate started")
    REMINDERS_SENT = "certificate.reminders_sent", Msg("Pengingat sertifikat dikirim", "Certificate reminders sent")
    REMINDERS_QUEUED = "certificate.reminders_queued", Msg("Pengiriman tautan pribadi dijadwalkan di latar",
                                                           "Sending of personal links queued in the background")
    EMPLOYMENT_REMINDERS_SENT = "employment_survey.reminders_sent", Msg("Pengingat survei kebekerjaan dikirim",
                                                                          "Employment-survey reminders sent")
    CERTIFICATE_READY_SENT = "certificate.ready_sent", Msg("Kabar sertifikat terbit dikirim", "Certificate-issued messages sent")
    PERSONAL_LINK_ISSUED = "personal_link.issued", Msg("Tautan pribadi dibuat", "Personal link issued")
    PERSONAL_LINKS_PRINTED = "personal_link.printed", Msg("Lembar kode QR tautan pribadi dicetak", "Sheet of personal-link QR codes printed")
    PERSONAL_LINK_REVOKED = "personal_link.revoked", Msg("Tautan pribadi dicabut", "Personal link revoked")
    PERSONAL_LINK_OPENED = "personal_link.opened", Msg("Tautan pribadi dibuka pertama kali", "Personal link opened for the first time")
    PERSONAL_LINK_CERTIFICATE = "personal_link.certificate_downloaded", Msg("Sertifikat diunduh lewat tautan pribadi",
                                                                            "Certificate downloaded through a personal link")


class Code(ErrorCode):
    LINKS_PRINT_TOO_MANY = "links_print_too_many", Msg("Terlalu banyak kartu QR untuk satu lembar cetak",
                                                       "Too many QR cards for one printed sheet")
    # competency assessment
    ASSESSMENT_RESULT = "assessment_result", Msg("Hasil penilaian harus K atau BK", "The result must be K or BK")
    ASSESSMENT_SCORE = "assessment_score", Msg("Nilai angka 0–100", "The score is 0–100")
    ASSESSMENT_NOTE = "assessment_note", Msg("Catatan terlalu panjang", "Note too long")
    ASSESSMENT_RESULT_MISSING = "assessment_result_missing", Msg("Nilai tanpa hasil K/BK", "A score without a K/BK result")
    ASSESSMENT_CERTIFIED = "assessment_certified", Msg("Sertifikat sudah terbit: penilaian terkunci",
                                                       "Certificate issued: the assessment is locked")
    ASSESSMENT_NOT_ALLOWED = "assessment_not_allowed", Msg("Tidak dapat dinilai pada status ini", "Cannot be assessed in this state")
    ASSESSMENT_ENTRIES = "assessment_entries", Msg("Ada nilai yang tidak dapat disimpan", "Some entries cannot be saved")
    ASSESSMENT_CELL = "assessment_cell", Msg("Sel penilaian tidak dikenal", "Unknown assessment cell")
    ASSESSMENT_IMPORT_CELL = "assessment_import_cell", Msg("Isi sel penilaian tidak dikenal", "Assessment cell not understood")
    ASSESSMENT_IMPORT_HEADER = "assessment_import_header", Msg("Baris judul templat penilaian tidak ditemukan",
                                                               "The assessment template's header row is missing")
    ASSESSMENT_IMPORT_COLUMNS = "assessment_import_columns", Msg("Kolom berkas penilaian tidak sesuai program",
                                                                 "The assessment file's columns do not fit the program")
    ASSESSMENT_IMPORT_EMPTY = "assessment_import_empty", Msg("Berkas penilaian tanpa baris peserta", "Assessment file without participant rows")
    ASSESSMENT_NOT_OPEN = "assessment_not_open", Msg("Penilaian dibuka pada tanggal mulai program", "Assessment opens on the program's start date")
    ENROLLMENT_NOT_IN_PROGRAM = "enrollment_not_in_program", Msg("Peserta tidak ada di program ini", "Participant not in this program")
    UNIT_NOT_IN_PROGRAM = "unit_not_in_program", Msg("Unit kompetensi bukan bagian program", "Competency unit not in the program")
    # reviews
    REVIEW_EXISTS = "review_exists", Msg("Ulasan sudah diberikan", "Already reviewed")
    REVIEW_NOT_ALLOWED = "review_not_allowed", Msg("Belum/tidak dapat memberi ulasan", "Cannot review now")
    REVIEW_RATING = "review_rating", Msg("Penilaian bintang 1–5", "A rating of 1–5 stars")
    REVIEW_TEXT_SHORT = "review_text_short", Msg("Ulasan terlalu pendek", "Review too short")
    REVIEW_TEXT_LONG = "review_text_long", Msg("Ulasan terlalu panjang", "Review too long")
    REVIEW_INSTRUCTOR = "review_instructor", Msg("Bukan instruktur lembaga ini", "Not an instructor of this institution")
    REVIEW_INSTRUCTOR_RATING = "review_instructor_rating", Msg("Nilai instruktur 1–5", "An instructor rating of 1–5")
    REVIEW_INSTRUCTOR_MISSING = "review_instructor_missing", Msg("Instruktur yang dinilai tidak dipilih", "No instructor chosen")
    # certificates
    CERTIFICATE_NOT_FOUND = "certificate_not_found", Msg("Sertifikat tidak ditemukan", "Certificate not found")
    CERTIFICATE_BEFORE_COMPLETION = "certificate_before_completion", Msg("Pelatihan belum selesai: sertifikat belum dapat terbit",
                                                                         "Training not completed: certificates cannot be issued yet")
    CERTIFICATE_NOT_READY = "certificate_not_ready", Msg("Syarat sertifikat belum lengkap", "Certificate requirements not met")
    CERTIFICATE_ALREADY_ISSUED = "certificate_already_issued", Msg("Sertifikat sudah diterbitkan", "Certificate already issued")
    CERTIFICATE_ALREADY_REVOKED = "certificate_already_revoked", Msg("Sertifikat sudah dicabut", "Certificate already revoked")
    INSTITUTION_NOT_APPROVED = "institution_not_approved", Msg("Lembaga belum disetujui atau dibekukan",
                                                               "Institution not approved or suspended")
    REASON_TOO_LONG = "reason_too_long", Msg("Alasan terlalu panjang", "Reason too long")
    ISSUE_TASK_NOT_FOUND = "issue_task_not_found", Msg("Tugas penerbitan tidak ditemukan", "Issuing job not found")
    # personal links
    LINK_UNKNOWN = "personal_link_unknown", Msg("Tautan tidak ditemukan", "Link not found")
    LINK_EXPIRED = "personal_link_expired", Msg("Tautan pribadi kedaluwarsa", "Personal link expired")
    LINK_REVOKED = "personal_link_revoked", Msg("Tautan pribadi sudah tidak berlaku", "Personal link no longer valid")
    LINK_MISSING = "personal_link_missing", Msg("Buka dulu tautan pribadi dari SMS/e-mail", "Open the personal link from the SMS/e-mail first")
    LINK_NO_CERTIFICATE = "personal_link_no_certificate", Msg("Sertifikat belum terbit", "No certificate yet")
    LINK_NONE_ACTIVE = "personal_link_none_active", Msg("Tidak ada tautan pribadi yang aktif", "No active personal link")
    LINK_NOT_NEEDED = "personal_link_not_needed", Msg("Peserta ini tidak memerlukan tautan pribadi sekarang",
                                                      "This participant needs no personal link now")
    # public verification
    CERTIFICATE_NUMBER_INVALID = "certificate_number_invalid", Msg("Nomor sertifikat tidak valid", "Not a certificate number")
    CERTIFICATE_NUMBER_REQUIRED = "certificate_number_required", Msg("Nomor sertifikat wajib diisi", "Certificate number required")
    VERIFY_BIRTH_DATE_REQUIRED = "verify_birth_date_required", Msg("Pemeriksaan dengan nomor perlu tanggal lahir",
                                                                   "A look-up by number needs the birth date")
    VERIFY_QUERY = "verify_query", Msg("Parameter id tidak ada", "The id parameter is missing")
