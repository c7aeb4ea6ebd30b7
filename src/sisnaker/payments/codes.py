"""The audit actions and error codes of payments (listed in docs/codes.md)."""

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    PAYOUT_ACCOUNT_SET = "payout_account.set", Msg("Rekening pencairan dicatat", "Payout account recorded")
    PAYOUT_ACCOUNT_REVIEWED = "payout_account.reviewed", Msg("Nama pemilik rekening diperiksa petugas",
                                                             "Account holder's name checked by an officer")
    PAYOUT_ACCOUNT_HELD = "payout_account.held", Msg("Rekening ditahan: bank menolak transfer ke rekening ini",
                                                     "Payout account held: the bank refused a transfer to it")
    PAYABLE_CREATED = "payable.created", Msg("Kewajiban bayar timbul", "Payable created")
    PAYABLE_CANCELLED = "payable.cancelled", Msg("Kewajiban bayar dibatalkan", "Payable cancelled")
    PAYABLE_PAID = "payable.paid", Msg("Kewajiban bayar dibayar", "Payable paid")
    PAYABLE_FAILED = "payable.failed", Msg("Transfer gagal", "Transfer failed")
    PAYABLE_RETURNED = "payable.returned", Msg("Transfer dikembalikan bank", "Transfer returned by the bank")
    BATCH_CREATED = "batch.created", Msg("Batch pembayaran dibuat", "Payment batch created")
    BATCH_APPROVED = "batch.approved", Msg("Batch pembayaran disetujui", "Payment batch approved")
    BATCH_CANCELLED = "batch.cancelled", Msg("Batch pembayaran dibatalkan", "Payment batch cancelled")
    BATCH_EXPORTED = "batch.exported", Msg("Berkas transfer bank diunduh", "Bank transfer file downloaded")
    BATCH_RESULT_IMPORTED = "batch.result_imported", Msg("Hasil transfer bank diimpor", "Bank transfer result imported")
    INCENTIVE_RULE_SET = "incentive_rule.set", Msg("Aturan insentif dicatat", "Incentive rule recorded")


class Code(ErrorCode):
    ENTRY_UNBALANCED = "entry_unbalanced", Msg("Jurnal tidak seimbang", "Journal entry does not balance")
    PROVIDER_UNKNOWN = "payout_provider_unknown", Msg("Bank atau dompet digital tidak dikenal", "Unknown bank or e-wallet")
    ACCOUNT_NUMBER = "payout_account_number", Msg("Nomor rekening tidak sah", "Invalid account number")
    HOLDER_NAME = "payout_holder_name", Msg("Nama pemilik rekening wajib diisi", "Account holder's name required")
    REVIEW_STATE = "payout_review_state", Msg("Rekening ini tidak menunggu pemeriksaan", "This account is not waiting for a check")
    BATCH_STATE = "batch_state", Msg("Tindakan tidak berlaku untuk status batch", "Action not valid in the batch's status")
    BATCH_SELF_APPROVAL = "batch_self_approval", Msg("Pembuat batch tidak boleh menyetujuinya", "A batch's maker may not approve it")
    BATCH_EMPTY = "batch_empty", Msg("Tidak ada yang jatuh tempo untuk dibayar", "Nothing is due to pay")
    FUNDING_SOURCE = "funding_source", Msg("Sumber dana tidak dikenal", "Unknown funding source")
    RESULT_FILE = "batch_result_file", Msg("Berkas hasil bank tidak dapat diterapkan", "The bank's result file cannot be applied")
    PAYABLE_STATE = "payable_state", Msg("Tindakan tidak berlaku untuk status kewajiban", "Action not valid in the payable's status")
    AMOUNT = "payments_amount", Msg("Jumlah rupiah tidak sah", "Invalid rupiah amount")
    PERIOD = "payments_period", Msg("Periode tidak sah", "Invalid period")
