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


class Code(ErrorCode):
    AK1_NOT_FOUND = "ak1_not_found", Msg("Kartu AK/1 tidak ditemukan", "AK/1 card not found")
    AK1_NO_PERSON = "ak1_no_person", Msg("Akun tidak memiliki data penduduk", "The account has no citizen record")
    AK1_BLOCKED = "ak1_blocked", Msg("Masih ada permohonan atau kartu AK/1 yang berlaku", "An AK/1 application or valid card exists")
    AK1_REGION_UNKNOWN = "ak1_region_unknown", Msg("Kabupaten/kota KTP tidak dikenal", "The KTP's regency is unknown")
    AK1_DECIDED = "ak1_decided", Msg("Permohonan AK/1 sudah diputuskan", "The AK/1 application is already decided")
    AK1_FIELD = "ak1_field", Msg("Isian kartu AK/1 tidak sah", "Invalid AK/1 card field")
    AK1_REPORT_REFUSED = "ak1_report_refused", Msg("Laporan AK/1 tidak dapat diisi sekarang", "The AK/1 report cannot be filled now")
    AK1_NOT_ISSUED = "ak1_not_issued", Msg("Kartu AK/1 belum diterbitkan", "The AK/1 card is not issued")
