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
    STEP_REQUESTED = "prakerja_wave.step_requested", Msg("Penutupan/pengundian gelombang diminta (diproses di latar belakang)",
                                                         "Closing/drawing a wave asked for (runs in the background)")
    STEP_FAILED = "prakerja_wave.step_failed", Msg("Penutupan/pengundian gelombang gagal", "Closing/drawing a wave failed")
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
    CATALOGUE_PROPOSED = "prakerja_catalogue.proposed", Msg("Program diajukan ke katalog Prakerja", "Program proposed for the Prakerja catalogue")
    CATALOGUE_STAGE1 = "prakerja_catalogue.stage1_decided", Msg("Kurasi tahap 1 (kurator kementerian) diputuskan",
                                                                "Curation stage 1 (ministry curator) decided")
    CATALOGUE_STAGE2 = "prakerja_catalogue.stage2_decided", Msg("Kurasi tahap 2 (PMO) diputuskan", "Curation stage 2 (PMO) decided")
    PURCHASE_REQUESTED = "prakerja_purchase.requested", Msg("Pembelian pelatihan Prakerja diminta", "Prakerja training purchase requested")
    PURCHASE_AUTHORISED = "prakerja_purchase.authorised", Msg("Pembelian disetujui PMO, saldo dibayarkan ke lembaga",
                                                              "Purchase authorised by the PMO, balance paid to the institution")
    PURCHASE_REFUSED = "prakerja_purchase.refused", Msg("Pembelian ditolak pemeriksaan PMO", "Purchase refused by the PMO's check")
    CONSENT_ASKED = "prakerja_purchase.consent_asked", Msg("Kode persetujuan pembelian dikirim ke pemilik kartu",
                                                           "Purchase consent code sent to the card holder")
    CONSENT_GIVEN = "prakerja_purchase.consented", Msg("Pemilik kartu menyetujui pembelian mitra",
                                                       "The card holder consented to the partner's purchase")
    CONSENT_RESENT = "prakerja_purchase.consent_resent", Msg("Kode persetujuan pembelian dikirim ulang ke pemilik kartu",
                                                             "Purchase consent code sent again to the card holder")
    CONSENT_FAILED = "prakerja_purchase.consent_failed", Msg("Kode persetujuan pembelian salah", "Wrong purchase consent code")
    CONSENT_LAPSED = "prakerja_purchase.consent_lapsed", Msg("Pembelian tanpa persetujuan pemilik kartu ditolak",
                                                             "Purchases without the card holder's consent refused")
    PURCHASE_CANCELLED = "prakerja_purchase.cancelled", Msg("Pembelian dibatalkan", "Purchase cancelled")
    PURCHASE_COMPLETED = "prakerja_purchase.completed", Msg("Lembaga melaporkan pelatihan selesai", "Institution reported the training completed")
    VOUCHER_EXCHANGED = "prakerja_voucher.exchanged", Msg("Voucher ditukar dengan kode redeem", "Voucher exchanged for redeem codes")
    REDEEM_COMMITTED = "prakerja_redeem.committed", Msg("Kode redeem dipakai", "Redeem code used")
    ATTENDANCE_REPORTED = "prakerja_redeem.attendance_reported", Msg("Kehadiran sesi dilaporkan", "Session attendance reported")
    INCENTIVES_DUE = "prakerja_incentive.due", Msg("Insentif Prakerja jatuh tempo", "Prakerja incentives became due")
    SURVEY_REMINDERS_SENT = "prakerja_survey.reminders_sent", Msg("Pengingat survei Prakerja ke-2/ke-3 dikirim",
                                                                  "Reminders of Prakerja surveys 2 and 3 sent")


class Code(ErrorCode):
    WAVE_STATE = "prakerja_wave_state", Msg("Tindakan tidak berlaku untuk status gelombang", "Action not valid in the wave's status")
    WAVE_BUSY = "prakerja_wave_busy", Msg("Gelombang sedang diproses", "The wave is being processed")
    WAVE_DATES = "prakerja_wave_dates", Msg("Tanggal gelombang tidak runtut", "The wave's dates are out of order")
    WAVE_NOT_OPEN = "prakerja_wave_not_open", Msg("Gelombang tidak sedang dibuka", "The wave is not open")
    QUOTA_SUM = "prakerja_quota_sum", Msg("Jumlah kuota provinsi tidak sama dengan target", "Province quotas do not sum to the target")
    QUOTA_MISSING = "prakerja_quota_missing", Msg("Kuota provinsi belum ditetapkan", "Province quotas not set")
    QUOTA_WEIGHTS = "prakerja_quota_weights", Msg("Bobot kuota tidak sah", "Invalid quota weights")
    CLOSE_REASON_REQUIRED = "prakerja_close_reason_required", Msg("Menutup gelombang sebelum tanggal tutupnya memerlukan alasan",
                                                                  "Closing a wave before its closing date needs a reason")
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
    CATALOGUE_STATE = "prakerja_catalogue_state", Msg("Tindakan tidak berlaku untuk status kurasi", "Action not valid in the curation status")
    CATALOGUE_INPUT = "prakerja_catalogue_input", Msg("Data pengajuan katalog tidak sah", "Invalid catalogue proposal")
    NOTE_REQUIRED = "prakerja_note_required", Msg("Alasan penolakan wajib ditulis", "A rejection needs a note")
    IDEMPOTENCY_MISMATCH = "prakerja_idempotency_mismatch", Msg("Kunci idempotensi sudah dipakai untuk permintaan lain",
                                                                "The idempotency key was used for another request")
    PURCHASE_STATE = "prakerja_purchase_state", Msg("Tindakan tidak berlaku untuk status pembelian", "Action not valid in the purchase's status")
    NO_ACCOUNT = "prakerja_card_no_account", Msg("Kartu belum terhubung ke akun Sisnaker", "The card is not linked to a Sisnaker account")
    CARD_INACTIVE = "prakerja_card_inactive", Msg("Kartu Prakerja tidak aktif", "The Prakerja card is not active")
    DEADLINE_PASSED = "prakerja_deadline_passed", Msg("Batas waktu pembelian sudah lewat", "The purchase deadline has passed")
    NOT_CURATED = "prakerja_not_curated", Msg("Pelatihan tidak ada dalam katalog Prakerja", "The training is not in the Prakerja catalogue")
    UNFINISHED_PURCHASE = "prakerja_unfinished_purchase", Msg("Pelatihan sebelumnya belum selesai", "The earlier training is not finished")
    ALREADY_BOUGHT = "prakerja_already_bought", Msg("Pelatihan ini sudah dibeli dengan kartu ini", "This training was already bought with this card")
    BALANCE_INSUFFICIENT = "prakerja_balance_insufficient", Msg("Saldo pelatihan tidak cukup", "The training balance is not enough")
    ENROL_REFUSED = "prakerja_enrol_refused", Msg("Peserta tidak dapat didaftarkan ke program", "The participant cannot be enrolled in the program")
    CONSENT_CODE_WRONG = "prakerja_consent_code_wrong", Msg("Kode persetujuan pembelian salah", "Wrong purchase consent code")
    CONSENT_LOCKED = "prakerja_consent_locked", Msg("Kode persetujuan salah terlalu sering: pembelian dikunci",
                                                    "Too many wrong consent codes: the purchase is locked")
    CONSENT_EXPIRED = "prakerja_consent_expired", Msg("Kode persetujuan pembelian kedaluwarsa", "The purchase consent code expired")
    CONSENT_NOT_PENDING = "prakerja_consent_not_pending", Msg("Pembelian tidak menunggu persetujuan",
                                                              "The purchase does not wait for consent")
    CONSENT_RESEND_TOO_SOON = "prakerja_consent_resend_too_soon", Msg("Kode persetujuan baru diminta terlalu cepat",
                                                                      "A new consent code was asked for too soon")
    CONSENT_RESEND_LIMIT = "prakerja_consent_resend_limit", Msg("Kode persetujuan sudah terlalu sering dikirim ulang",
                                                                "The consent code was sent again too many times")
    CONSENT_REQUEST_LIMIT = "prakerja_consent_request_limit", Msg("Kartu ini terlalu sering dimintai persetujuan pembelian",
                                                                  "This card was asked for purchase consent too often")
    VOUCHER_NOT_FOUND = "prakerja_voucher_not_found", Msg("Kode voucher tidak ditemukan", "Voucher code not found")
    REDEEM_NOT_FOUND = "redeem_not_found", Msg("Kode redeem tidak ditemukan", "Redeem code not found")
    REDEEM_WRONG_COURSE_TYPE = "redeem_wrong_course_type", Msg("Kode redeem untuk jenis pelatihan lain", "Redeem code for another course type")
    REDEEM_OTHER_INSTITUTION = "redeem_other_institution", Msg("Kode redeem milik lembaga lain", "Redeem code of another institution")
    REDEEM_CODE_CANCELLED = "redeem_code_cancelled", Msg("Kode redeem dibatalkan", "Redeem code cancelled")
    REDEEM_TRANSACTION_CANCELLED = "redeem_transaction_cancelled", Msg("Transaksi kode redeem dibatalkan", "The redeem code's purchase was cancelled")
    REDEEM_ALREADY_USED = "redeem_already_used", Msg("Kode redeem sudah dipakai", "Redeem code already used")
    REDEEM_TOO_EARLY = "redeem_too_early", Msg("Kode redeem belum berlaku", "Redeem code not valid yet")
    REDEEM_TOO_LATE = "redeem_too_late", Msg("Kode redeem sudah tidak berlaku", "Redeem code no longer valid")
    REDEEM_WRONG_SEQUENCE = "redeem_wrong_sequence", Msg("Nomor sesi tidak sesuai", "Wrong session number")
    REDEEM_NOT_USED = "redeem_not_used", Msg("Belum ada sesi yang di-redeem", "No session was redeemed yet")
    COMPLETION_ABSENT = "prakerja_completion_absent", Msg("Peserta tercatat tidak hadir di semua sesi",
                                                          "The participant is recorded absent from every session")
    EXCLUSION_FILE = "prakerja_exclusion_file", Msg("Berkas daftar pengecualian tidak dapat dibaca",
                                                    "The exclusion list file cannot be read")
