"""The exports app's audit actions and error codes (``core/codes.py``; listed in docs/codes.md).

The values are what stored audit rows and API clients already rely on: never change one."""

from __future__ import annotations

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    EXPORT_REQUESTED = "export.requested", Msg("Ekspor diminta", "Export requested")
    EXPORT_DOWNLOADED = "export.downloaded", Msg("Hasil ekspor diunduh", "Export downloaded")
    EXPORT_FILE_DELETED = "export.file_deleted", Msg("Berkas ekspor kedaluwarsa dihapus", "Expired export file deleted")


class Code(ErrorCode):
    EXPORT_SOURCE_UNKNOWN = "export_source_unknown", Msg("Jenis ekspor tidak dikenal", "Unknown kind of export")
    EXPORT_FORMAT_UNKNOWN = "export_format_unknown", Msg("Format ekspor tidak dikenal", "Unknown export format")
    EXPORT_PARAM_INVALID = "export_param_invalid", Msg("Isian ekspor tidak sah", "Invalid export parameter")
    EXPORT_NOT_FOUND = "export_not_found", Msg("Ekspor tidak ditemukan", "Export not found")
    EXPORT_NOT_READY = "export_not_ready", Msg("Ekspor belum selesai", "Export not finished yet")
    EXPORT_FILE_GONE = "export_file_gone", Msg("Berkas ekspor sudah dihapus", "Export file deleted")
