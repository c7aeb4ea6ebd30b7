"""The audit actions and error codes of privacy (listed in docs/codes.md)."""

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    PRIVACY_REQUEST_SUBMITTED = "privacy_request.submitted", Msg("Permintaan data pribadi diajukan", "Personal-data request submitted")
    PRIVACY_REQUEST_ANSWERED = "privacy_request.answered", Msg("Permintaan data pribadi dijawab", "Personal-data request answered")


class Code(ErrorCode):
    PRIVACY_REQUEST_KIND = "privacy_request_kind", Msg("Jenis permintaan tidak dikenal", "Unknown kind of request")
    PRIVACY_REQUEST_DETAILS = "privacy_request_details", Msg("Jelaskan permintaan Anda", "Describe your request")
    PRIVACY_REQUEST_ANSWER = "privacy_request_answer", Msg("Jawaban wajib diisi", "An answer is required")
    PRIVACY_REQUEST_CLOSED = "privacy_request_closed", Msg("Permintaan ini sudah dijawab", "This request was already answered")
    PRIVACY_REQUEST_OPEN_LIMIT = "privacy_request_open_limit", Msg("Terlalu banyak permintaan terbuka",
                                                                   "Too many open requests")
    PRIVACY_REQUEST_ALREADY_OPEN = "privacy_request_already_open", Msg("Permintaan jenis ini masih menunggu jawaban",
                                                                       "A request of this kind is still waiting for its answer")
