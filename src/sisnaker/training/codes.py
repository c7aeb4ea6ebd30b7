"""Training's audit actions and error codes (``core/codes.py``; listed in docs/codes.md).

The values are what stored audit rows and API clients already rely on: never change one."""

from __future__ import annotations

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    # reference data
    VOCATIONAL_FIELD_SAVED = "reference.vocational_field_saved", Msg("Kejuruan disimpan", "Vocational field saved")
    COMPETENCY_UNIT_SAVED = "reference.competency_unit_saved", Msg("Unit kompetensi disimpan", "Competency unit saved")
    REFERENCE_LOADED = "reference.loaded", Msg("Data referensi awal dimuat", "Starter reference data loaded")
    # programs (the lifecycle actions are ``program.<action>`` of domain.PROGRAM_TRANSITIONS)
    PROGRAM_CREATED = "program.created", Msg("Program dibuat", "Program created")
    PROGRAM_UPDATED = "program.updated", Msg("Program diubah", "Program edited")
    PROGRAM_INSTRUCTORS_CHANGED = "program.instructors_changed", Msg("Instruktur pengampu diganti", "Instructors reassigned")
    PROGRAM_COPIED_AS_BATCH = "program.copied_as_batch", Msg("Angkatan baru dibuat dari program lain",
                                                             "New batch created from another program")
    PROGRAM_PUBLISH = "program.publish", Msg("Pendaftaran program dibuka", "Program registration opened")
    PROGRAM_CLOSE_REGISTRATION = "program.close_registration", Msg("Pendaftaran ditutup, seleksi dimulai",
                                                                   "Registration closed, selection started")
    PROGRAM_START = "program.start", Msg("Pelatihan dimulai", "Training started")
    PROGRAM_CLOSE = "program.close", Msg("Program ditutup", "Program closed")
    PROGRAM_CANCEL = "program.cancel", Msg("Program dibatalkan", "Program cancelled")
    # enrollments
    ENROLLMENT_REGISTERED = "enrollment.registered", Msg("Warga mendaftar", "Citizen registered")
    ENROLLMENT_RECORDED = "enrollment.recorded", Msg("Pendaftar dicatat pengelola", "Applicant recorded by the manager")
    ENROLLMENT_LATE_RECORDED = "enrollment.late_recorded", Msg("Pendaftaran susulan dicatat", "Late registration recorded")
    ENROLLMENT_SELECT = "enrollment.select", Msg("Lolos seleksi", "Selected")
    ENROLLMENT_ACCEPT = "enrollment.accept", Msg("Diterima sebagai peserta", "Accepted as participant")
    ENROLLMENT_REJECT = "enrollment.reject", Msg("Dinyatakan tidak lolos", "Rejected")
    ENROLLMENT_WITHDRAW = "enrollment.withdraw", Msg("Mengundurkan diri", "Withdrew")
    ENROLLMENT_DROP_OUT = "enrollment.drop_out", Msg("Dinyatakan putus di tengah", "Marked as dropped out")
    ENROLLMENT_WITHDRAWN_NOT_ME = "enrollment.withdrawn_not_me", Msg("Dilaporkan pemiliknya: bukan dia yang mendaftar",
                                                                     "Reported by its owner: not them who registered")
    ENROLLMENT_RESULT_SET = "enrollment.result_set", Msg("Hasil pelatihan dicatat", "Training result recorded")
    ENROLLMENT_NOT_SELECTED_AT_START = "enrollment.not_selected_at_start", Msg(
        "Tidak lolos: seleksi berakhir saat pelatihan dimulai", "Not selected: selection ended when the training started")
    ENROLLMENT_NOT_SELECTED_AT_CLOSE = "enrollment.not_selected_at_close", Msg(
        "Tidak lolos: program ditutup sebelum diterima", "Not selected: the program closed before acceptance")
    ENROLLMENT_WITHDRAWN_PROGRAM_CANCELLED = "enrollment.withdrawn_program_cancelled", Msg(
        "Mundur karena program dibatalkan", "Withdrawn: the program was cancelled")
    ENROLLMENT_CLOSED = "enrollment.closed", Msg("Hasil akhir saat program ditutup", "Final outcome when the program closed")
    # spreadsheets
    PROGRAM_IMPORT = "program.import", Msg("Berkas peserta diimpor", "Participant file imported")
    PROGRAM_IMPORT_REFUSED = "program.import_refused", Msg("Impor berkas ditolak", "File import refused")
    ENROLLMENT_IMPORTED = "enrollment.imported", Msg("Pendaftar diimpor dari berkas", "Applicant imported from a file")
    ENROLLMENT_LATE_IMPORTED = "enrollment.late_imported", Msg("Pendaftaran susulan diimpor dari berkas",
                                                               "Late registration imported from a file")
    ERROR_FILE_KEPT = "program.import_error_file_kept", Msg("Berkas galat impor disimpan", "Import error file kept")
    ERROR_FILE_DOWNLOADED = "program.import_error_file_downloaded", Msg("Berkas galat impor diunduh",
                                                                        "Import error file downloaded")
    ERROR_FILE_DELETED = "program.import_error_file_deleted", Msg("Berkas galat impor dihapus", "Import error file deleted")
    PROGRAM_EXPORT = "program.export", Msg("Daftar peserta diekspor", "Participant list exported")
    IMPORT_QUEUED = "program.import_queued", Msg("Impor berkas besar dijadwalkan di latar", "Large file import queued in the background")
    EXPORT_QUEUED = "program.export_queued", Msg("Ekspor besar dijadwalkan di latar", "Large export queued in the background")
    EXPORT_DOWNLOADED = "program.export_downloaded", Msg("Hasil ekspor diunduh", "Export downloaded")
    JOB_FILE_DELETED = "program.spreadsheet_job_file_deleted", Msg("Berkas tugas impor/ekspor dihapus",
                                                                   "Import/export job file deleted")
    MOVE_QUEUED = "program.move_queued", Msg("Langkah program besar dijadwalkan di latar",
                                             "Big program's step queued in the background")
    MOVE_REFUSED = "program.move_refused", Msg("Langkah program di latar ditolak", "Background program step refused")
    # People's data opened or looked up from training's pages. Accounts writes the same actions: once
    # accounts has its codes module, these two become its members (values are unique across apps).

    @classmethod
    def program(cls, action: str) -> Audit:
        """The audit action of a program transition (``publish`` → ``program.publish``)."""
        return cls(f"program.{action}")

    @classmethod
    def enrollment(cls, action: str) -> Audit:
        """The audit action of an enrollment transition (``accept`` → ``enrollment.accept``)."""
        return cls(f"enrollment.{action}")


class Code(ErrorCode):
    # programs
    PROGRAM_NOT_FOUND = "program_not_found", Msg("Program tidak ditemukan", "Program not found")
    PROGRAM_ACTION = "program_action", Msg("Tindakan program tidak dikenal", "Unknown program action")
    PROGRAM_TRANSITION = "program_transition", Msg("Perubahan status program tidak sah", "Illegal program status change")
    PROGRAM_LOCKED = "program_locked", Msg("Program tidak dapat diubah lagi", "The program can no longer be edited")
    PROGRAM_NOT_OPEN = "program_not_open", Msg("Program tidak menerima pendaftar", "The program takes no applicants")
    PROGRAM_NOT_RUNNING = "program_not_running", Msg("Program tidak sedang berjalan", "The program is not running")
    PROGRAM_WINDOW_OVER = "program_window_over", Msg("Tanggal tutup pendaftaran sudah lewat", "The registration closing date has passed")
    PROGRAM_QUOTA_BELOW_ACCEPTED = "program_quota_below_accepted", Msg("Kuota di bawah jumlah peserta",
                                                                       "Quota below the accepted participants")
    PROGRAM_CHOICE = "program_choice", Msg("Pilihan tidak dikenal", "Unknown choice")
    PROGRAM_NO_UNITS = "program_no_units", Msg("Program belum memiliki unit kompetensi", "The program has no competency units")
    PROGRAM_UNITS = "program_units", Msg("Unit kompetensi tidak dikenal atau tidak aktif", "Unknown or inactive competency units")
    PROGRAM_INSTRUCTORS = "program_instructors", Msg("Bukan instruktur aktif lembaga ini", "Not an active instructor of this institution")
    PROGRAM_INSTRUCTORS_LOCKED = "program_instructors_locked", Msg("Instruktur program ini tidak dapat diganti lagi",
                                                                   "This program's instructors can no longer be changed")
    # one per field of domain.validate_program_fields (``program_<field>``)
    PROGRAM_TITLE = "program_title", Msg("Judul program tidak sah", "Invalid program title")
    PROGRAM_HOURS = "program_hours", Msg("Jumlah JP tidak sah", "Invalid training hours")
    PROGRAM_END_DATE = "program_end_date", Msg("Tanggal selesai tidak sah", "Invalid end date")
    PROGRAM_REGISTRATION_CLOSES = "program_registration_closes", Msg("Tanggal tutup pendaftaran tidak sah",
                                                                     "Invalid registration closing date")
    PROGRAM_QUOTA = "program_quota", Msg("Kuota tidak sah", "Invalid quota")
    PROGRAM_DIPA_REFERENCE = "program_dipa_reference", Msg("Nomor DIPA wajib untuk APBN", "APBN needs a DIPA reference")
    PROGRAM_FEE = "program_fee", Msg("Biaya tidak sah", "Invalid fee")
    PROGRAM_MIN_AGE = "program_min_age", Msg("Usia minimal tidak sah", "Invalid minimum age")
    PROGRAM_MAX_AGE = "program_max_age", Msg("Usia maksimal tidak sah", "Invalid maximum age")
    PROGRAM_MIN_EDUCATION = "program_min_education", Msg("Pendidikan minimal tidak dikenal", "Unknown minimum education")
    INSTITUTION_CANNOT_PUBLISH = "institution_cannot_publish", Msg("Lembaga belum boleh membuka pendaftaran",
                                                                   "The institution may not open registration yet")
    INSTITUTION_NOT_ACTIVE = "institution_not_active", Msg("Lembaga penyelenggara tidak aktif", "The institution is not active")
    VOCATIONAL_FIELD_UNKNOWN = "vocational_field_unknown", Msg("Kejuruan tidak dikenal", "Unknown vocational field")
    REFERENCE_REQUIRED = "reference_required", Msg("Kode dan nama wajib diisi", "Code and name are required")
    # enrollments
    ENROLLMENT_NOT_FOUND = "enrollment_not_found", Msg("Pendaftaran tidak ditemukan", "Enrollment not found")
    ENROLLMENT_ACTION = "enrollment_action", Msg("Tindakan pendaftaran tidak dikenal", "Unknown enrollment action")
    ENROLLMENT_TRANSITION = "enrollment_transition", Msg("Perubahan status pendaftaran tidak sah", "Illegal enrollment change")
    ENROLLMENT_CERTIFIED = "enrollment_certified", Msg("Sertifikat sudah terbit: pendaftaran tidak dapat ditarik",
                                                       "Certificate issued: the enrollment cannot be withdrawn")
    ENROLLMENT_PROGRAM_STATUS = "enrollment_program_status", Msg("Tidak sah pada status program ini",
                                                                 "Not allowed in this program status")
    REGISTRATION_CLOSED = "registration_closed", Msg("Pendaftaran tidak dibuka", "Registration is not open")
    ALREADY_REGISTERED = "already_registered", Msg("Sudah terdaftar di program ini", "Already registered for this program")
    NOT_ELIGIBLE = "not_eligible", Msg("Belum memenuhi syarat", "Not eligible")
    SCHEDULE_CLASH = "schedule_clash", Msg("Jadwal bentrok dengan pendaftaran aktif", "Clashes with an active enrollment")
    QUOTA_FULL = "quota_full", Msg("Kuota penuh", "Quota full")
    LATE_REASON_REQUIRED = "late_reason_required", Msg("Alasan pendaftaran susulan wajib diisi", "A late registration needs a reason")
    RESULT_UNKNOWN = "result_unknown", Msg("Hasil tidak dikenal", "Unknown result")
    RESULT_FROM_UNITS = "result_from_units", Msg("Hasil mengikuti penilaian unit kompetensi", "The result follows the unit assessments")
    STATE_UNKNOWN = "state_unknown", Msg("Status pendaftaran tidak dikenal", "Unknown enrollment state")
    NO_PERSON = "no_person", Msg("Akun tanpa profil warga", "Account without a citizen profile")
    # bulk refusals (one per enrollment a bulk action did not change)
    NOT_PARTICIPANT = "not_participant", Msg("Bukan peserta aktif", "Not an active participant")
    # add by NIK
    NIK_FORMAT = "nik_format", Msg("NIK harus 16 angka", "The NIK must be 16 digits")
    BIRTH_DATE_REQUIRED = "birth_date_required", Msg("Tanggal lahir wajib diisi", "Birth date required")
    PERSON_NOT_FOUND = "person_not_found", Msg("Tidak ada orang dengan data ini", "No person with this data")
    # spreadsheets: the file
    IMPORT_MODE = "import_mode", Msg("Cara impor tidak dikenal", "Unknown import mode")
    IMPORT_CONFLICT = "import_conflict", Msg("Data program berubah selama impor", "The program changed during the import")
    IMPORT_FILE_EMPTY = "import_file_empty", Msg("Berkas kosong", "Empty file")
    IMPORT_FILE_TOO_LARGE = "import_file_too_large", Msg("Berkas terlalu besar", "File too large")
    IMPORT_FILE_CORRUPT = "import_file_corrupt", Msg("Berkas Excel rusak", "Damaged Excel file")
    IMPORT_FILE_FORMAT = "import_file_format", Msg("Bukan berkas CSV atau Excel", "Neither a CSV nor an Excel file")
    IMPORT_FILE_PROTECTED = "import_file_protected", Msg("Berkas dilindungi kata sandi", "Password-protected file")
    IMPORT_NO_SHEET = "import_no_sheet", Msg("Tidak ada lembar kerja", "No worksheet")
    IMPORT_SHEET_TOO_LARGE = "import_sheet_too_large", Msg("Lembar kerja terlalu besar", "Worksheet too large")
    IMPORT_TOO_MANY_ROWS = "import_too_many_rows", Msg("Terlalu banyak baris", "Too many rows")
    IMPORT_CSV_INVALID = "import_csv_invalid", Msg("CSV tidak dapat dibaca", "Unreadable CSV")
    IMPORT_HEADER_MISSING = "import_header_missing", Msg("Baris judul tidak ditemukan", "No header row")
    IMPORT_HEADER_DUPLICATE = "import_header_duplicate", Msg("Kolom judul ganda", "Duplicated header column")
    IMPORT_COLUMNS_MISSING = "import_columns_missing", Msg("Kolom wajib tidak ada", "Required columns missing")
    IMPORT_NO_ROWS = "import_no_rows", Msg("Tidak ada baris data", "No data rows")
    # spreadsheets: warnings about the whole file (the import still goes through)
    IMPORT_COLUMNS_UNKNOWN = "import_columns_unknown", Msg("Kolom tidak dikenali, diabaikan", "Unrecognised columns, ignored")
    IMPORT_COLUMNS_NOT_STORED = "import_columns_not_stored", Msg("Kolom dikenali tetapi tidak disimpan",
                                                                 "Recognised columns that are not stored")
    # spreadsheets: one cell
    NIK_NUMBER_LOST = "nik_number_lost", Msg("NIK kehilangan digit", "The NIK lost digits")
    NIK_CELL_TYPE = "nik_cell_type", Msg("Isi sel NIK tidak dikenal", "Unknown NIK cell content")
    DATE_INVALID = "date_invalid", Msg("Tanggal tidak dikenali", "Unrecognised date")
    DATE_AMBIGUOUS = "date_ambiguous", Msg("Urutan tanggal meragukan", "Ambiguous date order")
    ADDRESS_TOO_LONG = "address_too_long", Msg("Alamat terlalu panjang", "Address too long")
    SEX_INVALID = "sex_invalid", Msg("Jenis kelamin tidak dikenali", "Unrecognised sex")
    EDUCATION_REQUIRED = "education_required", Msg("Pendidikan wajib diisi", "Education required")
    YES_NO_INVALID = "yes_no_invalid", Msg("Isian ya/tidak tidak dikenali", "Unrecognised yes/no")
    DISABILITY_KIND_INVALID = "disability_kind_invalid", Msg("Jenis disabilitas tidak dikenali", "Unrecognised disability kind")
    STATUS_INVALID = "status_invalid", Msg("Status tidak dikenali", "Unrecognised status")
    DISTRICT_FORMAT = "district_format", Msg("Kode kecamatan harus 6 digit", "The district code needs 6 digits")
    EMAIL_INVALID = "email_invalid", Msg("Alamat e-mail tidak sah", "Invalid e-mail address")
    NAME_TOO_LONG = "name_too_long", Msg("Nama terlalu panjang", "Name too long")
    # spreadsheets: error files and export
    ERROR_FILE_NOT_FOUND = "error_file_not_found", Msg("Berkas galat tidak ditemukan", "Error file not found")
    ERROR_FILE_EXPIRED = "error_file_expired", Msg("Berkas galat kedaluwarsa", "Error file expired")
    EXPORT_STATE = "export_state", Msg("Status ekspor tidak dikenal", "Unknown export state")
    JOB_NOT_FOUND = "spreadsheet_job_not_found", Msg("Tugas impor/ekspor tidak ditemukan", "Import/export job not found")
    JOB_FILE_GONE = "spreadsheet_job_file_gone", Msg("Berkas hasil tugas tidak ada lagi", "The job's file is gone")
    # lifecycle steps of big programs in the background (training.moves)
    PROGRAM_MOVE_OPEN = "program_move_open", Msg("Langkah program sedang dikerjakan di latar",
                                                 "A step of the program is being done in the background")
    PROGRAM_MOVE_NOT_FOUND = "program_move_not_found", Msg("Langkah program tidak ditemukan", "Program step not found")
    # Codes that lower apps answer too (accounts, institutions, the API's request checks): once those
    # apps have their codes modules, these become their members (values are unique across apps).
