"""Planning's audit actions and error codes (``core/codes.py``; listed in docs/codes.md). Never change a value."""

from __future__ import annotations

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    PLAN_CREATED = "plan.created", Msg("Usulan kebutuhan pelatihan dibuat", "Training-needs proposal created")
    LINE_ADDED = "plan.line_added", Msg("Kejuruan ditambahkan ke usulan", "Vocational field added to the proposal")
    LINE_CHANGED = "plan.line_changed", Msg("Baris usulan diubah", "Proposal line changed")
    LINE_REMOVED = "plan.line_removed", Msg("Kejuruan dihapus dari usulan", "Vocational field removed from the proposal")
    PLAN_SUBMITTED = "plan.submit", Msg("Usulan diajukan ke Kementerian", "Proposal submitted to the ministry")
    PLAN_REOPENED = "plan.reopen", Msg("Usulan dibuka kembali oleh daerah", "Proposal reopened by its region")
    PLAN_RETURNED = "plan.return", Msg("Usulan dikembalikan oleh Kementerian", "Proposal returned by the ministry")


class Code(ErrorCode):
    PLAN_NOT_FOUND = "plan_not_found", Msg("Usulan tidak ditemukan", "Proposal not found")
    PLAN_REGION = "plan_region", Msg("Wilayah usulan tidak dikenal", "Unknown proposal region")
    PLAN_YEAR = "plan_year", Msg("Tahun usulan tidak dapat dipilih", "The proposal's year cannot be chosen")
    PLAN_EXISTS = "plan_exists", Msg("Usulan wilayah dan tahun itu sudah ada", "A proposal of that region and year exists")
    PLAN_STATUS = "plan_status", Msg("Tindakan tidak berlaku untuk status usulan", "Action not valid in the proposal's status")
    PLAN_EMPTY = "plan_empty", Msg("Usulan belum berisi kejuruan", "The proposal has no vocational field")
    PLAN_DEADLINE = "plan_deadline", Msg("Batas waktu usulan sudah lewat", "The proposals' deadline has passed")
    PLAN_RETURN_REASON = "plan_return_reason", Msg("Alasan pengembalian usulan wajib diisi", "A reason for returning the proposal is required")
    LINE_FIELD = "plan_line_field", Msg("Isian baris usulan tidak sah", "Invalid proposal line field")
    LINE_DUPLICATE = "plan_line_duplicate", Msg("Kejuruan sudah ada di usulan", "Vocational field already in the proposal")
    LINE_NOT_FOUND = "plan_line_not_found", Msg("Baris usulan tidak ditemukan", "Proposal line not found")


TRANSITION_AUDIT = {"submit": Audit.PLAN_SUBMITTED, "reopen": Audit.PLAN_REOPENED, "return": Audit.PLAN_RETURNED}
