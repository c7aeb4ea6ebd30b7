"""The audit actions and error codes of Kartu Prakerja (listed in docs/codes.md)."""

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    WAVE_CREATED = "prakerja_wave.created", Msg("Gelombang Prakerja dibuat", "Prakerja wave created")
    WAVE_UPDATED = "prakerja_wave.updated", Msg("Gelombang Prakerja diubah", "Prakerja wave changed")
    WAVE_OPENED = "prakerja_wave.opened", Msg("Gelombang Prakerja dibuka", "Prakerja wave opened")
    WAVE_CLOSED = "prakerja_wave.closed", Msg("Gelombang Prakerja ditutup", "Prakerja wave closed")
    WAVE_DRAWN = "prakerja_wave.drawn", Msg("Pengundian gelombang Prakerja", "Prakerja wave drawn")
    RESULTS_TOLD = "prakerja_wave.results_told", Msg("Hasil pengundian diberitahukan kepada pendaftar",
                                                     "Draw results told to the applicants")
    QUOTAS_SET = "prakerja_wave.quotas_set", Msg("Kuota provinsi ditetapkan", "Province quotas set")
    APPLICATION_STARTED = "prakerja_application.started", Msg("Pendaftaran Prakerja dimulai", "Prakerja application started")
    APPLICATION_SUBMITTED = "prakerja_application.submitted", Msg("Pendaftaran Prakerja dikirim", "Prakerja application submitted")
    APPLICATION_REVIEWED = "prakerja_application.reviewed", Msg("Identitas pendaftar diperiksa petugas PMO",
                                                                "Applicant's identity checked by a PMO officer")
    CARDS_ISSUED = "prakerja_card.issued", Msg("Kartu Prakerja diterbitkan dan saldo pelatihan dibukukan",
                                               "Prakerja cards issued and training balances posted")
    CARDS_EXPIRED = "prakerja_card.expired", Msg("Saldo Kartu Prakerja yang tidak dipakai dikembalikan",
                                                 "Unused Prakerja balances returned")
    RESIDENTS_LISTED = "prakerja_application.residents_listed", Msg("Daftar warga pendaftar Prakerja dibuka petugas daerah",
                                                                    "List of a region's Prakerja applicants opened by an officer")
    EXCLUSIONS_IMPORTED = "prakerja_exclusion.imported", Msg("Daftar pengecualian diimpor", "Exclusion list imported")


class Code(ErrorCode):
    WAVE_STATE = "prakerja_wave_state", Msg("Tindakan tidak berlaku untuk status gelombang", "Action not valid in the wave's status")
    WAVE_DATES = "prakerja_wave_dates", Msg("Tanggal gelombang tidak runtut", "The wave's dates are out of order")
    WAVE_NOT_OPEN = "prakerja_wave_not_open", Msg("Gelombang tidak sedang dibuka", "The wave is not open")
    QUOTA_SUM = "prakerja_quota_sum", Msg("Jumlah kuota provinsi tidak sama dengan target", "Province quotas do not sum to the target")
    QUOTA_MISSING = "prakerja_quota_missing", Msg("Kuota provinsi belum ditetapkan", "Province quotas not set")
    QUOTA_WEIGHTS = "prakerja_quota_weights", Msg("Bobot kuota tidak sah", "Invalid quota weights")
    REVIEWS_PENDING = "prakerja_reviews_pending", Msg("Masih ada pendaftar yang menunggu pemeriksaan",
                                                      "Applications still wait for a check")
    DUPLICATE = "prakerja_duplicate", Msg("NIK ini sudah mendaftar pada gelombang ini", "This NIK already applied in this wave")
    NOT_OWN_NIK = "prakerja_not_own_nik", Msg("NIK bukan milik akun ini", "The NIK is not this account's")
    KK_INVALID = "prakerja_kk_invalid", Msg("Nomor KK tidak sah", "Invalid KK number")
    NOT_ELIGIBLE = "prakerja_not_eligible", Msg("Tidak memenuhi syarat", "Not eligible")
    CONSENT_REQUIRED = "prakerja_consent_required", Msg("Persetujuan warga wajib dicatat", "The citizen's consent is required")
    STATEMENT_REQUIRED = "prakerja_statement_required", Msg("Pernyataan wajib disetujui", "The statement must be signed")
    CONTACT_REQUIRED = "prakerja_contact_required", Msg("Nomor HP dan e-mail wajib diisi", "Phone and e-mail are required")
    CODE_WRONG = "prakerja_code_wrong", Msg("Kode verifikasi salah atau kedaluwarsa", "Wrong or expired verification code")
    APPLICATION_STATE = "prakerja_application_state", Msg("Tindakan tidak berlaku untuk status pendaftaran",
                                                          "Action not valid in the application's status")
    EXCLUSION_FILE = "prakerja_exclusion_file", Msg("Berkas daftar pengecualian tidak dapat dibaca",
                                                    "The exclusion list file cannot be read")
