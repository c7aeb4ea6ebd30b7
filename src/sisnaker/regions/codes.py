"""The audit actions and error codes of regions and NIKs (listed in docs/codes.md)."""

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    LOADED = "regions.loaded", Msg("Data wilayah dimuat", "Regions loaded")


class Code(ErrorCode):
    REGION_NOT_FOUND = "region_not_found", Msg("Kode wilayah tidak dikenal", "Unknown region code")
    REGION_UNKNOWN = "region_unknown", Msg("Kode wilayah tidak dikenal", "Unknown region code")
    REGENCY_UNKNOWN = "regency_unknown", Msg("Kode kabupaten/kota tidak dikenal", "Unknown regency code")
    DISTRICT_UNKNOWN = "district_unknown", Msg("Kode kecamatan tidak dikenal", "Unknown district code")
    # NIK refusals (regions/nik.py); ``details["part"]`` names the part at fault.
    NIK_REQUIRED = "nik_required", Msg("NIK wajib diisi", "NIK required")
    NIK_NOT_DIGIT = "nik_not_digit", Msg("NIK hanya berisi angka", "NIK holds digits only")
    NIK_LENGTH = "nik_length", Msg("NIK harus 16 angka", "NIK must have 16 digits")
    NIK_PROVINCE_UNKNOWN = "nik_province_unknown", Msg("Kode provinsi NIK tidak dikenal", "Unknown province code in the NIK")
    NIK_REGENCY_UNKNOWN = "nik_regency_unknown", Msg("Kode kabupaten/kota NIK tidak dikenal", "Unknown regency code in the NIK")
    NIK_DAY_INVALID = "nik_day_invalid", Msg("Tanggal lahir NIK tidak sah", "Invalid day of birth in the NIK")
    NIK_MONTH_INVALID = "nik_month_invalid", Msg("Bulan lahir NIK tidak sah", "Invalid month of birth in the NIK")
    NIK_DATE_INVALID = "nik_date_invalid", Msg("Tanggal lahir NIK tidak ada", "Birth date in the NIK does not exist")
    NIK_BIRTH_FUTURE = "nik_birth_future", Msg("Tanggal lahir NIK di masa depan", "Birth date in the NIK in the future")
    NIK_SERIAL_ZERO = "nik_serial_zero", Msg("Nomor urut NIK 0000", "NIK serial number 0000")
