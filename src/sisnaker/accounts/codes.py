"""The audit actions and error codes of accounts and people (listed in docs/codes.md)."""

from sisnaker.core.codes import AuditAction, ErrorCode
from sisnaker.core.errors import Msg


class Audit(AuditAction):
    PERSON_SIGNED_UP = "person.signed_up", Msg("Warga mendaftar", "Citizen signed up")
    PERSON_UPDATED = "person.updated", Msg("Data warga diubah", "Person's data changed")
    PERSON_VIEWED = "person.viewed", Msg("Data lengkap warga dibuka petugas", "Person's full record opened by staff")
    PERSON_SEARCHED_BY_NIK = "person.searched_by_nik", Msg("Warga dicari dengan NIK", "People searched by NIK")
    PERSON_EXPORTED = "person.exported", Msg("Warga mengunduh datanya", "Person downloaded their data")
    PERSON_LOOKED_UP = "person.looked_up", Msg("NIK dicocokkan petugas", "NIK looked up by staff")
    PERSON_ADDED_PROVISIONAL = "person.added_provisional", Msg("Data warga sementara ditambahkan petugas",
                                                               "Provisional record added by staff")
    PERSON_CLAIM_STARTED = "person.claim_started", Msg("Pengambilalihan data dimulai", "Claim of a record started")
    PERSON_CLAIMED = "person.claimed", Msg("Data diambil alih oleh akun", "Record claimed by an account")
    PERSON_IDENTITY_DISPUTED = "person.identity_disputed", Msg("Sengketa data NIK dibuka", "Identity dispute opened")
    PERSON_IDENTITY_CONFIRMED = "person.identity_confirmed", Msg("Sengketa data: pengaju pemilik NIK",
                                                                 "Identity dispute: the claimant owns the NIK")
    PERSON_IDENTITY_REFUSED = "person.identity_refused", Msg("Sengketa data: pengaju bukan pemilik NIK",
                                                             "Identity dispute: the claimant does not own the NIK")
    PERSON_NIK_REGISTERED = "person.nik_registered", Msg("Warga mendaftarkan NIK pada akunnya",
                                                         "Citizen registered their NIK on their account")
    PERSON_IDENTITY_CORRECTED = "person.identity_corrected", Msg("Data identitas warga diperbaiki petugas",
                                                                 "Person's identity data corrected by staff")
    PEOPLE_REKEYED = "people.rekeyed", Msg("Data pribadi disegel ulang dengan kunci baru", "Personal data resealed with new keys")
    ROLE_GRANTED = "role.granted", Msg("Peran diberikan", "Role granted")
    ROLE_REVOKED = "role.revoked", Msg("Peran dicabut", "Role revoked")
    USER_CREATED = "user.created", Msg("Akun staf dibuat", "Staff log-in created")
    USER_OTP_ENABLED = "user.otp_enabled", Msg("Autentikator ditambahkan", "Authenticator added")
    USER_OTP_REMOVED = "user.otp_removed", Msg("Autentikator dihapus", "Authenticator removed")
    USER_PASSWORD_RESET_REQUESTED = "user.password_reset_requested", Msg("Atur ulang kata sandi diminta",
                                                                         "Password reset requested")
    USER_PASSWORD_RESET = "user.password_reset", Msg("Kata sandi diatur ulang", "Password reset")
    USER_OTP_RESET = "user.otp_reset", Msg("Verifikasi dua langkah disetel ulang", "Two-factor log-in reset")
    USER_LANGUAGE_SET = "user.language_set", Msg("Bahasa akun diganti", "Account language changed")


class Code(ErrorCode):
    # A person's data.
    NAME_REQUIRED = "name_required", Msg("Nama lengkap wajib diisi", "Full name required")
    EDUCATION_INVALID = "education_invalid", Msg("Pendidikan tidak ada dalam daftar", "Education not in the list")
    DISABILITY_KIND = "disability_kind", Msg("Jenis disabilitas wajib dipilih", "Kind of disability required")
    SEX_REQUIRED = "sex_required", Msg("Jenis kelamin wajib dipilih", "Sex required")
    BIRTH_DATE_FUTURE = "birth_date_future", Msg("Tanggal lahir di masa depan", "Birth date in the future")
    NOTHING_TO_CORRECT = "person_nothing_to_correct", Msg("Tidak ada data yang diubah", "Nothing was changed")
    BIRTH_DATE_TOO_EARLY = "birth_date_too_early", Msg("Tanggal lahir lebih dari 120 tahun yang lalu", "Birth date more than 120 years ago")
    PHONE_REQUIRED = "phone_required", Msg("Nomor HP wajib diisi", "Mobile number required")
    PHONE_COUNTRY = "phone_country", Msg("Nomor HP bukan nomor Indonesia", "Mobile number not Indonesian")
    PHONE_DIGITS = "phone_digits", Msg("Nomor HP hanya berisi angka", "Mobile number holds digits only")
    PHONE_FORMAT = "phone_format", Msg("Nomor HP tidak dikenali", "Unrecognised mobile number")
    NAME_TOO_LONG = "full_name_too_long", Msg("Nama lengkap terlalu panjang", "Full name too long")
    ADDRESS_TOO_LONG = "person_address_too_long", Msg("Alamat terlalu panjang", "Address too long")
    EMAIL_INVALID = "person_email_invalid", Msg("Alamat e-mail tidak sah", "Invalid e-mail address")
    # Sign-up and its claim of a provisional record.
    NIK_TAKEN = "nik_taken", Msg("NIK sudah terdaftar", "NIK already registered")
    PHONE_TAKEN = "phone_taken", Msg("Nomor HP dipakai akun lain", "Mobile number used by another account")
    EMAIL_TAKEN = "email_taken", Msg("E-mail dipakai akun lain", "E-mail used by another account")
    CONTACT_REQUIRED = "contact_required", Msg("Nomor HP atau e-mail wajib diisi", "A mobile number or an e-mail is required")
    CONTACT_TAKEN = "contact_taken", Msg("Nomor HP atau e-mail dipakai akun lain", "Mobile number or e-mail used by another account")
    PASSWORD_WEAK = "password_weak", Msg("Kata sandi belum aman", "Password not safe")
    CLAIM_NOT_FOUND = "claim_not_found", Msg("Permintaan verifikasi tidak ditemukan", "Verification request not found")
    CLAIM_LOCKED = "claim_locked", Msg("Kode salah terlalu sering", "Too many wrong codes")
    CLAIM_RESEND_LIMIT = "claim_resend_limit", Msg("Kode sudah terlalu sering dikirim", "Code sent too many times")
    CLAIM_CODE_WRONG = "claim_code_wrong", Msg("Kode verifikasi salah atau kedaluwarsa", "Wrong or expired verification code")
    # Identity disputes.
    DISPUTE_OUTCOME = "dispute_outcome", Msg("Keputusan sengketa wajib dipilih", "Dispute decision required")
    DISPUTE_CLOSED = "dispute_closed", Msg("Sengketa sudah diputuskan", "Dispute already decided")
    PERSON_ALREADY_CLAIMED = "person_already_claimed", Msg("Data sudah terhubung dengan akun lain",
                                                           "Record already joined to another account")
    ACCOUNT_HAS_PERSON = "account_has_person", Msg("Akun sudah terhubung dengan data NIK", "Account already joined to a NIK record")
    DISPUTE_PENDING = "dispute_pending", Msg("Sengketa data NIK akun masih diperiksa", "The account's identity dispute is still open")
    CLAIMANT_HAS_PERSON = "claimant_has_person", Msg("Akun pengaju sudah memiliki data warga", "Claimant already holds a record")
    # Roles and staff log-ins.
    ROLE_SCOPE = "role_scope", Msg("Cakupan peran tidak sesuai", "Wrong scope for the role")
    ROLE_EXISTS = "role_exists", Msg("Peran sudah dipegang", "Role already held")
    ROLE_REVOKED = "role_revoked", Msg("Peran sudah dicabut", "Role already revoked")
    USERNAME_TAKEN = "username_taken", Msg("Nama pengguna sudah dipakai", "Username taken")
    # Log-in, re-authentication and two-factor.
    LOGIN_THROTTLED = "login_throttled", Msg("Terlalu banyak percobaan masuk yang gagal", "Too many failed log-in attempts")
    REAUTH_REQUIRED = "reauth_required", Msg("Kata sandi saat ini diperlukan", "Current password required")
    REAUTH_FAILED = "reauth_failed", Msg("Kata sandi saat ini salah", "Current password wrong")
    OTP_REQUIRED = "otp_required", Msg("Kode autentikator diperlukan", "Authenticator code required")
    OTP_INVALID = "otp_invalid", Msg("Kode autentikator salah", "Wrong authenticator code")
    OTP_THROTTLED = "otp_throttled", Msg("Terlalu banyak kode autentikator salah: tunggu sebentar",
                                         "Too many wrong authenticator codes: wait a moment")
    OTP_ENROLMENT_REQUIRED = "otp_enrolment_required", Msg("Verifikasi dua langkah wajib diaktifkan",
                                                           "Two-factor log-in must be turned on")
    OTP_DEVICE = "otp_device", Msg("Autentikator bukan milik akun ini", "Authenticator not this account's")
    OTP_REQUIRED_BY_ROLE = "otp_required_by_role", Msg("Peran mewajibkan verifikasi dua langkah",
                                                       "The role requires two-factor log-in")
    # Forgotten passwords.
    RESET_IDENTIFIER_REQUIRED = "reset_identifier_required", Msg("Nomor HP, NIK, atau e-mail wajib diisi",
                                                                 "Mobile number, NIK or e-mail required")
    RESET_NOT_FOUND = "reset_not_found", Msg("Permintaan atur ulang kata sandi tidak ditemukan",
                                             "Password reset request not found")
    RESET_LOCKED = "reset_locked", Msg("Kode atur ulang salah terlalu sering", "Too many wrong reset codes")
    RESET_CODE_WRONG = "reset_code_wrong", Msg("Kode atur ulang salah atau kedaluwarsa", "Wrong or expired reset code")
    OTP_RESET_SELF = "otp_reset_self", Msg("Autentikator sendiri tidak disetel ulang di sini", "Own authenticator not reset here")
