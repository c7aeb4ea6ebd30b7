"""Writes for accounts and people. Each service: keyword-only, one transaction, permission check,
audit row in the same transaction. Services that views, the API, commands and the demo call are
durable (``transaction.atomic(durable=True)``): none of them runs inside another transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.core import audit, crypto, dates, gate, inserts, links, ratelimit
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import FUNDING_SOURCES, SCOPE_OF, Role
from sisnaker.notifications.services import notify_address, notify_user
from sisnaker.regions import nik as nik_rules
from sisnaker.regions.codes import Code as RegionCode
from sisnaker.regions.models import District, Regency

from . import onetime, security, selectors, throttle
from .backends import find_user
from .codes import Audit, Code
from .domain import added_by, classify_identifier, names_match, normalize_phone
from .models import IdentityDispute, PasswordResetCode, Person, RoleAssignment, SignUpClaim, User, email_is

NIK_TAKEN = Msg(
    "NIK ini sudah terdaftar. Silakan masuk dengan akun Anda, atau hubungi Disnaker setempat bila Anda tidak pernah mendaftar.",
    "This NIK is already registered. Please log in, or contact your local manpower office if you never registered.",
)
PERSON_AUDIT_FIELDS = [
    "full_name", "birth_date", "sex", "has_disability", "disability_kind", "education", "phone", "email",
    "domicile_district", "address",
]


@dataclass(frozen=True)
class SignUp:
    """What a citizen fills in to register."""

    nik: str = field(repr=False)  # never in logs or tracebacks (UU PDP)
    full_name: str
    birth_date: dt.date
    sex: str
    education: str
    phone: str
    email: str
    domicile_district: District
    password: str = field(repr=False)
    has_disability: bool = False
    disability_kind: str = ""
    address: str = ""
    # The language the person signs up in (the page's, or the API request's): their account's preference, in which
    # their SMS and e-mail are written (codes, password resets, decisions).
    language: str = "id"


def _nik_index(nik: str) -> str:
    return crypto.blind_index(nik, label="nik")


NAME_MAX = Person._meta.get_field("full_name").max_length  # 150
ADDRESS_MAX = Person._meta.get_field("address").max_length  # 300
EMAIL_MAX = Person._meta.get_field("email").max_length  # 254


def _clean_address(address: str) -> str:
    """An address as stored: trimmed, at most ``ADDRESS_MAX`` characters (refused past it, never cut or a
    database error)."""
    address = (address or "").strip()
    if len(address) > ADDRESS_MAX:
        raise ValidationFailed(
            Msg("Alamat terlalu panjang ({n} karakter): paling banyak {max} karakter. Singkat, mis. jalan, nomor, RT/RW, "
                "desa/kelurahan.",
                "The address is too long ({n} characters): at most {max}. Shorten it, e.g. street, number, RT/RW, village.")
            .format(n=len(address), max=ADDRESS_MAX),
            code=Code.ADDRESS_TOO_LONG,
            field="address",
        )
    return address


def _clean_email(email: str) -> str:
    """An e-mail address as stored: trimmed, lower case, empty or a valid address of at most ``EMAIL_MAX``
    characters."""
    email = (email or "").strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
        valid = len(email) <= EMAIL_MAX
    except DjangoValidationError:
        valid = False
    if not valid:
        raise ValidationFailed(
            Msg("Alamat e-mail tidak sah: tulis lengkap seperti nama@contoh.id (paling banyak {max} karakter), atau "
                "kosongkan.",
                "The e-mail address is not valid: write it in full like name@example.com (at most {max} characters), "
                "or leave it empty.").format(max=EMAIL_MAX),
            code=Code.EMAIL_INVALID,
            field="email",
        )
    return email


def _language(language: str | None) -> str:
    """A supported language code (``settings.LANGUAGES``), else the default."""
    supported = {code for code, _label in settings.LANGUAGES}
    return language if language in supported else settings.LANGUAGE_CODE


def _validate_person_fields(*, full_name: str, has_disability: bool, disability_kind: str, education: str) -> tuple[str, str]:
    name = " ".join((full_name or "").split())
    if len(name) < 2:
        raise ValidationFailed(
            Msg("Nama lengkap wajib diisi sesuai KTP.", "Full name is required, as on the ID card."),
            code=Code.NAME_REQUIRED,
            field="full_name",
        )
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            Msg("Nama lengkap terlalu panjang ({n} karakter): paling banyak {max} karakter. Tulis nama sesuai KTP, tanpa "
                "keterangan lain.",
                "The full name is too long ({n} characters): at most {max}. Write the name as on the ID card, nothing else.")
            .format(n=len(name), max=NAME_MAX),
            code=Code.NAME_TOO_LONG,
            field="full_name",
        )
    if education not in Person.Education.values:
        raise ValidationFailed(
            Msg("Pilih pendidikan terakhir dari daftar.", "Choose the highest education from the list."),
            code=Code.EDUCATION_INVALID,
            field="education",
        )
    if has_disability and disability_kind not in Person.Disability.values:
        raise ValidationFailed(
            Msg("Pilih jenis disabilitas.", "Choose the kind of disability."), code=Code.DISABILITY_KIND, field="disability_kind"
        )
    return name, (disability_kind if has_disability else "")


def _parse_nik(nik: str, *, today: dt.date):
    try:
        return nik_rules.parse(nik, today=today)
    except nik_rules.NikError as exc:
        exc.field = "nik"
        raise


def _validate_birth_date(birth_date: dt.date | None, *, today: dt.date) -> None:
    """A birth date as on an ID card: given, not in the future, not a slip of the year (1826 for 1986)."""
    if not isinstance(birth_date, dt.date):
        raise ValidationFailed(Msg("Isi tanggal lahir sesuai KTP.", "Enter the birth date as on the ID card."),
                               code=Code.BIRTH_DATE_FUTURE, field="birth_date")
    if birth_date > today:
        raise ValidationFailed(Msg("Tanggal lahir tidak boleh di masa depan.", "The birth date cannot be in the future."),
                               code=Code.BIRTH_DATE_FUTURE, field="birth_date")
    if birth_date.year < today.year - 120:  # nobody signs up or is corrected to 120
        raise ValidationFailed(Msg("Tanggal lahir {d_id} lebih dari 120 tahun yang lalu: periksa tahunnya.",
                                   "The birth date {d_en} is more than 120 years ago: check the year.").format(
                                       **dates.msg_params("d", birth_date)),
                               code=Code.BIRTH_DATE_TOO_EARLY, field="birth_date")


CONTACT_REQUIRED = Msg("Isi nomor HP atau e-mail: kode verifikasi dan pemulihan kata sandi dikirim ke sana.",
                       "Give a mobile number or an e-mail address: verification codes and password recovery go there.")
SIGNUP_LIMITED = Msg(
    "Terlalu banyak pendaftaran dari jaringan Anda. Coba lagi dalam {m} menit, atau datang ke posko Disnaker terdekat.",
    "Too many sign-ups from your network. Try again in {m} minutes, or visit the nearest manpower office post.",
)


def person_sign_up(*, data: SignUp, today: dt.date) -> Person | SignUpClaim:
    """Register a citizen with their NIK and create their log-in.

    Returns the new ``Person`` (logged-in sign-up), or a ``SignUpClaim`` when the NIK belongs to a
    *provisional* record (added by an institution or at a posko): a one-time code went to the phone
    typed here (by SMS), or to the e-mail address typed when no phone was, and ``signup_claim_verify``
    completes it. A phone or an e-mail address is needed, not both. Refuses a NIK that already has an account,
    a phone or e-mail used by another account, and a weak password. Sign-ups, and answers that show a
    NIK is registered, are rate limited per client address and network (``core.ratelimit``); the
    counts are kept even when the sign-up is refused."""
    # Counting this sign-up and checking that NIK answers are left (before anything that could tell whether this
    # NIK is registered): one statement.
    ratelimit.enforce_then_check("signup", "nik_answer", message=SIGNUP_LIMITED)
    checked = _sign_up_check(data=data, today=today)
    try:
        # The waiting room (core.gate): at most SISNAKER_GATES["signup"] hashes and writes at once; past it a
        # clear 503 with Retry-After (the form keeps what was typed) instead of a timeout.
        with gate.admit("signup"):
            # The hash before the transaction: no connection held in a transaction (nor a person's row locked)
            # for tens of milliseconds of CPU, and the same work whether or not the NIK is registered.
            password_hash = make_password(data.password)
            try:
                result = _sign_up(data=data, checked=checked, password_hash=password_hash)
            except _SignUpRaced as raced:
                # Two sign-ups with the same NIK/phone/e-mail at once: the database decided (its transaction is
                # rolled back, nothing half-saved); the user gets the same clear message as the sequential case.
                if Person.objects.filter(nik_index=raced.nik_index).exists():
                    raise Conflict(NIK_TAKEN, code=Code.NIK_TAKEN, field="nik") from raced.__cause__
                raise Conflict(
                    Msg("Nomor HP atau e-mail ini sudah dipakai akun lain.",
                        "This mobile number or e-mail is used by another account."),
                    code=Code.CONTACT_TAKEN,
                    field="phone",
                ) from raced.__cause__
    except Conflict as exc:
        if exc.code == Code.NIK_TAKEN:
            ratelimit.count("nik_answer")
        raise
    if isinstance(result, SignUpClaim):
        ratelimit.count("nik_answer")
        ratelimit.count("otp_send")
    return result


class _SignUpRaced(Exception):
    """A unique index refused a sign-up's rows (another sign-up took the NIK, phone or e-mail meanwhile)."""

    def __init__(self, nik_index: str) -> None:
        super().__init__("sign-up raced")
        self.nik_index = nik_index


@dataclass(frozen=True)
class _Checked:
    """A sign-up's input once checked without the database: the parsed NIK and the cleaned fields."""

    parsed: object
    name: str
    disability_kind: str
    email: str
    phone: str
    address: str = ""
    language: str = "id"


def _identity_check(*, nik: str, full_name: str, birth_date: dt.date, sex: str, education: str, has_disability: bool,
                    disability_kind: str, address: str, today: dt.date) -> tuple[object, str, str, str]:
    """What a citizen types about themself, checked as every way of registering a NIK checks it (the sign-up, the
    API's, an account registering its NIK): the NIK, name (length too), sex, birth date, education, disability and
    address (length). Returns the parsed NIK, the name, the disability kind and the address as stored."""
    parsed = _parse_nik(nik, today=today)
    name, disability_kind = _validate_person_fields(
        full_name=full_name, has_disability=has_disability, disability_kind=disability_kind, education=education
    )
    if sex not in Person.Sex.values:
        raise ValidationFailed(Msg("Pilih jenis kelamin.", "Choose a sex."), code=Code.SEX_REQUIRED, field="sex")
    _validate_birth_date(birth_date, today=today)
    return parsed, name, disability_kind, _clean_address(address)


def _sign_up_check(*, data: SignUp, today: dt.date) -> _Checked:
    """Everything a sign-up can refuse without the database (NIK, fields and their lengths, contact, password
    strength), so that no refused input costs a password hash or a transaction — and no entry point (page, API,
    demo) gets past a check another one makes."""
    parsed, name, disability_kind, address = _identity_check(
        nik=data.nik, full_name=data.full_name, birth_date=data.birth_date, sex=data.sex, education=data.education,
        has_disability=data.has_disability, disability_kind=data.disability_kind, address=data.address, today=today)
    if not (data.phone or "").strip() and not (data.email or "").strip():  # before the NIK is looked up: the same for every NIK
        raise ValidationFailed(CONTACT_REQUIRED, code=Code.CONTACT_REQUIRED, field="phone")
    phone = normalize_phone(data.phone) if (data.phone or "").strip() else ""
    email = _clean_email(data.email)
    try:
        password_validation.validate_password(data.password, User(email=email, phone=phone, first_name=name[:150]))
    except DjangoValidationError as exc:
        raise ValidationFailed(
            Msg("Kata sandi belum aman: " + " ".join(exc.messages), "The password is not safe: " + " ".join(exc.messages)),
            code=Code.PASSWORD_WEAK,
            field="password",
        ) from exc
    return _Checked(parsed=parsed, name=name, disability_kind=disability_kind, email=email, phone=phone, address=address,
                    language=_language(data.language))


def _nik_warnings(parsed, *, birth_date: dt.date, sex: str) -> list[dict]:
    """What the NIK's digits say against themselves and against the declared birth date and sex, as a person keeps it."""
    return [{"code": w.code, "id": w.message.id, "en": w.message.en}
            for w in (*parsed.warnings, *nik_rules.compare_declared(parsed, birth_date=birth_date, sex=sex))]


def _new_person(*, parsed, index: str, data, full_name: str, disability_kind: str, phone: str, email: str, address: str,
                **links) -> Person:
    """An unsaved person for a parsed NIK (sealed, its blind index ``index``, its regions and warnings) with the
    birth date, sex, education, disability and domicile ``data`` declared, the checked name, contact and address,
    and ``links`` (``user``, ``registered_by``, ``added_by_institution_id``): every way a NIK becomes a record
    (sign-up, an account registering its NIK, a provisional record) builds it here."""
    return Person(
        nik_encrypted=crypto.encrypt(parsed.nik), nik_index=index, nik_regency_id=parsed.region.regency.code,
        nik_district_id=parsed.region.district.code if parsed.region.district else None,
        full_name=full_name, birth_date=data.birth_date, sex=data.sex,
        nik_warnings=_nik_warnings(parsed, birth_date=data.birth_date, sex=data.sex),
        has_disability=data.has_disability, disability_kind=disability_kind, education=data.education,
        phone=phone, email=email, domicile_district=data.domicile_district, address=address, **links,
    )


def _sign_up(*, data: SignUp, checked: _Checked, password_hash: str) -> Person | SignUpClaim:
    """The sign-up's reads and writes: one look-up, then either one statement that writes the account, its role,
    the person and the audit row (on PostgreSQL; a single statement is one transaction by itself, so no BEGIN and
    COMMIT round trips — elsewhere ``insert_linked`` opens a transaction), or the claim of a provisional record in
    a transaction of its own. A unique index refusing the rows (a sign-up with the same NIK, phone or e-mail
    written meanwhile) raises ``_SignUpRaced``."""
    parsed, name, disability_kind, email, phone = (
        checked.parsed, checked.name, checked.disability_kind, checked.email, checked.phone)
    nik = parsed.nik
    index = _nik_index(nik)
    # The NIK, the phone and the e-mail address in one round trip (three index probes).
    taken = selectors.sign_up_taken(nik_index=index, phone=phone, email=email)
    if taken.person_id is not None and not taken.provisional:
        raise Conflict(NIK_TAKEN, code=Code.NIK_TAKEN, field="nik")
    if taken.phone_taken:
        raise Conflict(
            Msg("Nomor HP ini sudah dipakai akun lain.", "This mobile number is used by another account."),
            code=Code.PHONE_TAKEN,
            field="phone",
        )
    if taken.email_taken:
        raise Conflict(
            Msg("Alamat e-mail ini sudah dipakai akun lain.", "This e-mail address is used by another account."),
            code=Code.EMAIL_TAKEN,
            field="email",
        )
    if taken.person_id is not None:
        return _sign_up_claim(person_id=taken.person_id, data=data, checked=checked, password_hash=password_hash)
    user = User(username=f"w{secrets.token_hex(6)}", email=email, phone=phone, first_name=name[:150], password=password_hash,
                preferred_language=checked.language)
    role = RoleAssignment(user=user, role=Role.CITIZEN)
    person = _new_person(parsed=parsed, index=index, data=data, full_name=name, disability_kind=disability_kind, phone=phone,
                         email=email, address=checked.address, user=user)
    warnings = person.nik_warnings
    event = audit.event(actor=user, action=Audit.PERSON_SIGNED_UP, obj=person,
                        after=audit.snapshot(person, PERSON_AUDIT_FIELDS) | {"nik_warnings": warnings})
    try:
        # The account, its citizen role, the person and the audit row: one statement on PostgreSQL.
        inserts.insert_linked([
            inserts.Row(user),
            inserts.Row(role, links={"user_id": 0}),
            inserts.Row(person, links={"user_id": 0}),
            inserts.Row(event, links={"actor_id": 0, "object_id": 2}, as_text=frozenset({"object_id"})),
        ])
    except IntegrityError as exc:
        raise _SignUpRaced(index) from exc
    return person


@transaction.atomic(durable=True)
def _sign_up_claim(*, person_id: int, data: SignUp, checked: _Checked, password_hash: str) -> SignUpClaim:
    # Lock the provisional record (two claims of one record start one at a time) and look again: it may have been
    # claimed since the look-up.
    existing = Person.objects.select_for_update().get(pk=person_id)
    if not existing.is_provisional:
        raise Conflict(NIK_TAKEN, code=Code.NIK_TAKEN, field="nik")
    return _claim_start(person=existing, declared=_declared(data=data, checked=checked), phone=checked.phone,
                        email=checked.email, password_hash=password_hash)


def _declared(*, data: SignUp | NikRegistration, checked: _Checked) -> dict:
    """What a claimant declared (no NIK, no password), kept on the claim and applied when it completes."""
    return {
        "full_name": checked.name, "birth_date": data.birth_date.isoformat(), "sex": data.sex, "education": data.education,
        "domicile_district": data.domicile_district.code, "address": checked.address,
        "has_disability": data.has_disability, "disability_kind": checked.disability_kind, "language": checked.language,
    }


# --- an account without a record registers its NIK ---------------------------------------------
#
# A citizen account can hold no record: its sign-up's NIK went to an identity dispute that a regional officer
# decided "not the owner" (the account stays, with the contact its code proved). Its holder then registers their
# own NIK here, signed in, with the sign-up's checks: a NIK nobody holds becomes their record at once; one held by
# a provisional record goes through the same claim (a one-time code to the account's phone, else its e-mail) or
# dispute; one held by another account is refused with the sign-up's answer and rate limit. Never while a dispute
# of the account is open (its outcome could join a record to it).

@dataclass(frozen=True)
class NikRegistration:
    """What a signed-in citizen account without a record types to register its NIK: the sign-up's identity and
    profile fields (the contact is the account's; there is no password to choose)."""

    nik: str = field(repr=False)  # never in logs or tracebacks (UU PDP)
    full_name: str
    birth_date: dt.date
    sex: str
    education: str
    domicile_district: District
    has_disability: bool = False
    disability_kind: str = ""
    address: str = ""


NIK_REGISTRATION_NOT_FOR_YOU = Msg(
    "Pendaftaran NIK di sini untuk akun warga yang belum terhubung dengan data NIK.",
    "Registering a NIK here is for citizen accounts that are not joined to a NIK record yet.",
)
NIK_TAKEN_FOR_ACCOUNT = Msg(
    "NIK ini sudah terdaftar pada akun lain. Periksa lagi NIK Anda sesuai KTP; bila benar dan Anda tidak pernah mendaftar "
    "dengannya, datanglah ke Disnaker setempat dengan membawa KTP.",
    "This NIK is registered to another account. Check your NIK against your ID card; if it is right and you never "
    "registered with it, visit your local manpower office with your ID card.",
)
ACCOUNT_NO_CONTACT = Msg(
    "Akun Anda tidak punya nomor HP atau e-mail untuk menerima kode verifikasi. Datanglah ke Disnaker atau posko terdekat "
    "dengan membawa KTP.",
    "Your account has no mobile number or e-mail address to receive a verification code. Visit the manpower office or "
    "the nearest post with your ID card.",
)


def _refuse_unless_nik_registrable(user: User) -> None:
    """Refuse a NIK registration by ``user`` unless it is an active citizen account holding no record and no open
    identity dispute (``selectors.nik_registration_open`` says the same for pages)."""
    if not user.is_active or not user.has_role(Role.CITIZEN):
        raise PermissionDenied(NIK_REGISTRATION_NOT_FOR_YOU)
    if Person.objects.filter(user=user).exists():
        raise Conflict(Msg("Akun Anda sudah terhubung dengan data NIK: lihat dan perbaiki di Akun saya.",
                           "Your account is already joined to a NIK record: see and correct it under My account."),
                       code=Code.ACCOUNT_HAS_PERSON, field="nik")
    if IdentityDispute.objects.filter(claimant=user, status=IdentityDispute.Status.OPEN).exists():
        raise Conflict(Msg("Data NIK yang Anda daftarkan masih diperiksa petugas Disnaker. Tunggu keputusannya: Anda diberi "
                           "tahu lewat SMS/e-mail.",
                           "The NIK data you registered is still being checked by the manpower office. Wait for the "
                           "decision: you will be told by SMS/e-mail."),
                       code=Code.DISPUTE_PENDING, field="nik")


def person_register_nik(*, actor: User, data: NikRegistration, today: dt.date) -> Person | SignUpClaim:
    """A signed-in citizen account that holds no record (see above) registers its owner's NIK. Returns the new
    ``Person``, or a ``SignUpClaim`` when the NIK belongs to a provisional record: a one-time code went to the
    account's phone (its e-mail when it has none), and ``signup_claim_verify(..., actor=actor)`` completes it —
    the record joins this account (name and birth date matched) or a dispute opens. Rate limited and counted as a
    sign-up is (``signup``, ``nik_answer``), the counts kept when refused."""
    ratelimit.enforce_then_check("signup", "nik_answer", message=SIGNUP_LIMITED)
    _refuse_unless_nik_registrable(actor)
    parsed, name, disability_kind, address = _identity_check(
        nik=data.nik, full_name=data.full_name, birth_date=data.birth_date, sex=data.sex, education=data.education,
        has_disability=data.has_disability, disability_kind=data.disability_kind, address=data.address, today=today)
    phone, email = normalize_phone_or_blank(actor.phone), (actor.email or "").strip().lower()
    if not phone and not email:  # before the NIK is looked up: the same for every NIK
        raise ValidationFailed(ACCOUNT_NO_CONTACT, code=Code.CONTACT_REQUIRED, field="nik")
    checked = _Checked(parsed=parsed, name=name, disability_kind=disability_kind, email=email, phone=phone, address=address,
                       language=_language(actor.preferred_language))
    try:
        result = _register_nik(actor=actor, data=data, checked=checked)
    except Conflict as exc:
        if exc.code == Code.NIK_TAKEN:
            ratelimit.count("nik_answer")  # outside the rolled-back transaction: the count stays
        raise
    if isinstance(result, SignUpClaim):
        ratelimit.count("nik_answer")
        ratelimit.count("otp_send")
    return result


@transaction.atomic(durable=True)
def _register_nik(*, actor: User, data: NikRegistration, checked: _Checked) -> Person | SignUpClaim:
    user = User.objects.select_for_update().get(pk=actor.pk)  # one registration of an account at a time
    _refuse_unless_nik_registrable(user)
    parsed = checked.parsed
    index = _nik_index(parsed.nik)
    holder = Person.objects.select_for_update().filter(nik_index=index).first()
    if holder is not None:
        if not holder.is_provisional:
            raise Conflict(NIK_TAKEN_FOR_ACCOUNT, code=Code.NIK_TAKEN, field="nik")
        return _claim_start(person=holder, declared=_declared(data=data, checked=checked), phone=checked.phone,
                            email=checked.email, password_hash="", account=user)
    person = _new_person(parsed=parsed, index=index, data=data, full_name=checked.name, disability_kind=checked.disability_kind,
                         phone=checked.phone, email=checked.email, address=checked.address, user=user)
    try:
        with transaction.atomic():
            person.save(force_insert=True)
    except IntegrityError as exc:  # the same NIK registered at the same moment by another request
        raise Conflict(NIK_TAKEN_FOR_ACCOUNT, code=Code.NIK_TAKEN, field="nik") from exc
    audit.record(actor=user, action=Audit.PERSON_NIK_REGISTERED, obj=person,
                 after=audit.snapshot(person, PERSON_AUDIT_FIELDS) | {"nik_warnings": person.nik_warnings})
    return person


CONTACT_ANSWERS_LIMITED = Msg(
    "Terlalu banyak percobaan nomor HP atau e-mail yang sudah dipakai akun lain. Coba lagi dalam {m} menit.",
    "Too many tries of mobile numbers or e-mail addresses used by other accounts. Try again in {m} minutes.",
)


def person_update(
    *,
    actor: User,
    person: Person,
    education: str,
    phone: str,
    email: str,
    domicile_district: District,
    address: str = "",
    has_disability: bool = False,
    disability_kind: str = "",
    current_password: str | None = None,
    otp_token: str = "",
) -> Person:
    """A person corrects their own data (UU PDP): education, contact, domicile, address, disability. The
    identity data — NIK, name, birth date, sex, as on the ID card, and what a certificate is signed with — are
    corrected by staff only (``person_correct_identity``, after checking the ID card; the person asks through a
    correction request, ``privacy``): a holder renaming themself before their certificate is signed would get a
    signed certificate in a name nobody checked.

    Changing the mobile number or the e-mail (where log-ins and resets go) needs ``current_password`` of ``actor``,
    and a code from their authenticator when they have one (``security.confirm_identity``). That check runs first,
    outside the change's transaction, so a wrong guess stays counted against the account although the change is
    refused. Answers that a number or address belongs to another account are rate limited per client
    (``contact_answer``): they would otherwise tell anyone signed in whose contact is registered, as fast as
    they can ask."""
    ratelimit.check("contact_answer", message=CONTACT_ANSWERS_LIMITED)
    identity_confirmed = False
    if current_password:
        security.confirm_identity(user=actor, password=current_password, otp_token=otp_token)
        identity_confirmed = True
    try:
        return _person_update(
            actor=actor, person=person, education=education, phone=phone, email=email,
            domicile_district=domicile_district, address=address, has_disability=has_disability,
            disability_kind=disability_kind, identity_confirmed=identity_confirmed,
        )
    except Conflict as exc:
        if exc.code in (Code.PHONE_TAKEN, Code.EMAIL_TAKEN):
            ratelimit.count("contact_answer")  # outside the rolled-back transaction: the count stays
        raise


@transaction.atomic(durable=True)
def _person_update(
    *, actor: User, person: Person, education: str, phone: str, email: str, domicile_district: District,
    address: str, has_disability: bool, disability_kind: str, identity_confirmed: bool,
) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(actor, "person.edit_own", person)
    _name, disability_kind = _validate_person_fields(
        full_name=person.full_name, has_disability=has_disability, disability_kind=disability_kind, education=education
    )
    # A mobile number or an e-mail address, not both: people who signed up by e-mail have no phone.
    phone = normalize_phone(phone) if (phone or "").strip() else ""
    email = _clean_email(email)
    if not phone and not email:
        raise ValidationFailed(CONTACT_REQUIRED, code=Code.CONTACT_REQUIRED, field="phone")
    address = _clean_address(address)
    # The password first: whether a number or address is someone else's is told only to the account's owner.
    takes_over_contact = phone != person.phone or email != (person.email or "").strip().lower()
    if takes_over_contact and not identity_confirmed:
        raise ValidationFailed(security.REAUTH_REQUIRED, code=Code.REAUTH_REQUIRED, field="current_password")
    if phone and User.objects.filter(phone=phone).exclude(pk=person.user_id).exists():
        raise Conflict(
            Msg("Nomor HP ini sudah dipakai akun lain.", "This mobile number is used by another account."), code=Code.PHONE_TAKEN, field="phone"
        )
    if email and User.objects.filter(email_is(email)).exclude(pk=person.user_id).exists():
        raise Conflict(
            Msg("Alamat e-mail ini sudah dipakai akun lain.", "This e-mail address is used by another account."),
            code=Code.EMAIL_TAKEN,
            field="email",
        )
    before = audit.snapshot(person, PERSON_AUDIT_FIELDS)
    person.education, person.phone, person.email = education, phone, email
    person.domicile_district, person.address = domicile_district, address
    person.has_disability, person.disability_kind = has_disability, disability_kind
    person.save()
    if person.user_id:
        User.objects.filter(pk=person.user_id).update(phone=phone, email=email)
    after = audit.snapshot(person, PERSON_AUDIT_FIELDS)
    b, a = audit.changes(before, after)
    if a:
        audit.record(actor=actor, action=Audit.PERSON_UPDATED, obj=person, before=b, after=a)
    return person


CORRECTION_REASON_MAX = 500
NOT_CORRECTABLE = Msg("Data orang ini tidak ada atau tidak dapat Anda perbaiki.",
                      "This person's record does not exist or is not yours to correct.")


@transaction.atomic(durable=True)
def person_correct_identity(*, actor: User, person: Person, full_name: str, birth_date: dt.date | None, sex: str, reason: str,
                            today: dt.date) -> Person:
    """Correct the identity data of a record — name, birth date, sex, as on the ID card — with a reason
    (``person.correct_identity``): the institution that typed or imported a provisional record while nobody has
    claimed it (a wrong birth date in its file otherwise became the record, and its own re-import and the real
    person's sign-up were refused as a mismatch), or an officer of the NIK's region after checking the ID card.
    The NIK's own warnings are worked out again for the new birth date and sex. Audited with what changed; the
    owner (a claimed record) is told. A certificate already issued keeps the old data until it is replaced."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(actor, "person.correct_identity", person)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(Msg("Tuliskan dasar perbaikan (mis. KTP yang diperiksa, salah ketik pada berkas impor).",
                                   "Write what the correction rests on (e.g. the ID card checked, a typo in the imported file)."),
                               code=CoreCode.REASON_REQUIRED, field="reason")
    if len(reason) > CORRECTION_REASON_MAX:
        raise ValidationFailed(Msg("Alasan terlalu panjang (paling banyak {n} karakter).", "The reason is too long (at most {n} characters).")
                               .format(n=CORRECTION_REASON_MAX), code=CoreCode.REASON_REQUIRED, field="reason")
    name = " ".join((full_name or "").split())
    if len(name) < 2:
        raise ValidationFailed(Msg("Nama lengkap wajib diisi sesuai KTP (paling sedikit 2 huruf).",
                                   "Full name is required, as on the ID card (at least 2 letters)."),
                               code=Code.NAME_REQUIRED, field="full_name")
    if sex not in Person.Sex.values:
        raise ValidationFailed(Msg("Pilih jenis kelamin.", "Choose a sex."), code=Code.SEX_REQUIRED, field="sex")
    _validate_birth_date(birth_date, today=today)
    if (name, birth_date, sex) == (person.full_name, person.birth_date, person.sex):
        raise ValidationFailed(Msg("Data ini sama dengan yang tercatat: tidak ada yang diperbaiki.",
                                   "This is the data already on record: nothing was corrected."), code=Code.NOTHING_TO_CORRECT)
    before = audit.snapshot(person, ["full_name", "birth_date", "sex"])
    changed = [(Msg("nama", "name"), Msg(name, name)) if name != person.full_name else None,
               (Msg("tanggal lahir", "birth date"), Msg(dates.long_id(birth_date), dates.long_en(birth_date)))
               if birth_date != person.birth_date else None,
               (Msg("jenis kelamin", "sex"), Msg(*(("laki-laki", "male") if sex == Person.Sex.MALE else ("perempuan", "female"))))
               if sex != person.sex else None]
    person.full_name, person.birth_date, person.sex = name, birth_date, sex
    try:
        parsed = nik_rules.parse(crypto.decrypt(person.nik_encrypted), today=today)
    except nik_rules.NikError:  # a NIK accepted under older rules: its warnings stay as they were
        pass
    else:
        person.nik_warnings = _nik_warnings(parsed, birth_date=birth_date, sex=sex)
    person.save(update_fields=["full_name", "birth_date", "sex", "nik_warnings", "updated_at"])
    if person.user_id:
        User.objects.filter(pk=person.user_id).update(first_name=name[:150])
    b, a = audit.changes(before, audit.snapshot(person, ["full_name", "birth_date", "sex"]))
    audit.record(actor=actor, action=Audit.PERSON_IDENTITY_CORRECTED, obj=person, before=b, after=a, reason=reason)
    if person.user_id:
        user = User.objects.get(pk=person.user_id)
        en = user.preferred_language == "en"
        what = ", ".join(f"{(label.en if en else label.id)} {(value.en if en else value.id)}" for label, value in filter(None, changed))
        text = Msg("Data identitas Anda di Sisnaker diperbaiki oleh petugas: {what}. Alasan: {reason}. Bila tidak sesuai KTP Anda, "
                   "datanglah ke Disnaker dengan membawa KTP.",
                   "Your identity data in Sisnaker was corrected by staff: {what}. Reason: {reason}. If it does not match your ID "
                   "card, visit the manpower office with it.").format(what=what, reason=reason)
        notify_user(user=user, topic=f"person.identity_corrected.{person.pk}", subject="Sisnaker", text=text.en if en else text.id)
    return person


OUTSIDE_AREA = Msg("Orang ini di luar wilayah kerja Anda.", "This person is outside your area of responsibility.")
NOT_YOURS = Msg("Halaman ini hanya untuk petugas yang menangani data orang ini.",
                "This page is only for the staff in charge of this person's record.")


@transaction.atomic(durable=True)
def person_record_view(*, actor: User, person: Person, purpose: str = "") -> Person:
    """Staff open a person's full record: allowed by scope, and always logged (UU PDP)."""
    if not can(actor, "person.view", person):
        # "Outside your area" only to someone who has one (a regional officer); anyone else (a citizen, an employer)
        # is told plainly that the page is not for them.
        officer = any(g.role == Role.REGIONAL_OFFICER for g in getattr(actor, "grants", ()))
        raise PermissionDenied(OUTSIDE_AREA if officer else NOT_YOURS)
    audit.record(actor=actor, action=Audit.PERSON_VIEWED, obj=person, reason=purpose)
    return person


@transaction.atomic(durable=True)
def person_correction_open(*, actor: User, person: Person) -> Person:
    """Staff open a record's identity correction (its name, birth date and sex on screen): allowed to those who may
    correct it (``person.correct_identity``; NotFound to anyone else, who learns nothing about the record), and
    logged like any opening of a person's record — what the owner sees under "Siapa membuka data saya"."""
    if not can(actor, "person.correct_identity", person):
        raise NotFound(NOT_CORRECTABLE)
    audit.record(actor=actor, action=Audit.PERSON_VIEWED, obj=person, reason="perbaikan data identitas")
    return person


@transaction.atomic(durable=True)
def person_nik_search_record(*, actor: User, found: int) -> None:
    """Staff searched the residents list by a full NIK: who, when, from where and whether anyone in
    their scope matched (never the NIK itself)."""
    require(actor, "person.list")
    audit.record(actor=actor, action=Audit.PERSON_SEARCHED_BY_NIK, object_type="accounts.person", object_id="search",
                 after={"found": found})


@transaction.atomic(durable=True)
def person_export_own(*, actor: User, person: Person) -> dict:
    """Everything Sisnaker holds on a person, for them to download (UU PDP right of access)."""
    require(actor, "person.view_own", person)
    data = selectors.person_data_export(person=person)
    audit.record(actor=actor, action=Audit.PERSON_EXPORTED, obj=person)
    return data


@transaction.atomic(durable=True)
def role_grant(
    *, actor: User | None, user: User, role: Role | str, institution: Model | None = None, region_code: str = "",
    company: Model | None = None, funding_source: str = "",
) -> RoleAssignment:
    """Give ``user`` a role with its scope (an ``institutions.Institution``, a region code, a
    ``placement.Company`` or, for a finance officer, a funding source — none: national). ``actor=None`` only
    from trusted commands (demo, setup)."""
    return _role_grant(actor=actor, user=user, role=role, institution=institution, region_code=region_code, company=company,
                       funding_source=funding_source)


def _role_grant(
    *, actor: User | None, user: User, role: Role | str, institution: Model | None, region_code: str, company: Model | None,
    funding_source: str = "",
) -> RoleAssignment:
    if actor is not None:
        require(actor, "role.grant")
    role = Role(role)
    scope = SCOPE_OF[role]
    given = {"institution": institution is not None, "region": bool(region_code), "company": company is not None,
             "funding_source": bool(funding_source)}
    if scope == "funding_source":  # optional: none is national
        bad = any(v for k, v in given.items() if k != scope) or (funding_source and funding_source not in FUNDING_SOURCES)
    else:
        bad = scope is None and any(given.values()) or scope is not None and (not given[scope] or sum(given.values()) != 1)
    if bad:
        raise ValidationFailed(
            Msg(
                "Peran {role} memerlukan cakupan: {scope}.",
                "The role {role} needs this scope: {scope}.",
            ).format(role=role.label, scope=scope or "nasional/tanpa cakupan"),
            code=Code.ROLE_SCOPE,
        )
    if region_code:
        exists = Regency.objects.filter(code=region_code).exists() if "." in region_code else (
            Regency.objects.filter(province_id=region_code).exists()
        )
        if not exists:
            raise ValidationFailed(
                Msg("Kode wilayah {code} tidak dikenal.", "Unknown region code {code}.").format(code=region_code),
                code=RegionCode.REGION_UNKNOWN,
                field="region_code",
            )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, institution=institution, region_code=region_code, company=company, funding_source=funding_source,
        defaults={"granted_by": actor},
    )
    if not created and assignment.is_active:
        raise Conflict(Msg("Pengguna sudah memegang peran ini.", "The user already holds this role."), code=Code.ROLE_EXISTS)
    if not created:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    if role == Role.ADMIN:  # administrators also use the Django admin
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    audit.record(
        actor=actor or "system",
        action=Audit.ROLE_GRANTED,
        obj=assignment,
        after={"user": user.pk, "role": role.value, "institution": getattr(institution, "pk", None), "region_code": region_code, "company": getattr(company, "pk", None),
               **({"funding_source": funding_source} if funding_source else {})},
    )
    return assignment


@transaction.atomic(durable=True)
def role_revoke(*, actor: User, assignment: RoleAssignment, reason: str = "") -> RoleAssignment:
    require(actor, "role.grant")
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        raise Conflict(Msg("Peran ini sudah dicabut.", "This role was already revoked."), code=Code.ROLE_REVOKED)
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    if assignment.role == Role.ADMIN and not RoleAssignment.objects.filter(user_id=assignment.user_id, role=Role.ADMIN,
                                                                           is_active=True).exists():
        # The Django admin flags go with the role (granted together in role_grant).
        User.objects.filter(pk=assignment.user_id).update(is_staff=False, is_superuser=False)
    audit.record(actor=actor, action=Audit.ROLE_REVOKED, obj=assignment, before={"is_active": True}, after={"is_active": False}, reason=reason)
    return assignment


@transaction.atomic(durable=True)
def staff_user_create(*, actor: User | None, username: str, password: str, full_name: str, email: str = "") -> User:
    """A staff log-in (managers, officers, curators...). Roles are granted separately."""
    return _staff_user_create(actor=actor, username=username, password=password, full_name=full_name, email=email)


@transaction.atomic(durable=True)
def staff_login_set_up(
    *, username: str, role: Role | str, password: str | None = None, full_name: str = "", email: str = "",
    institution: Model | None = None, region_code: str = "", company: Model | None = None, funding_source: str = "",
) -> User:
    """From the server's shell (``sisnaker staffuser``, no actor): the staff log-in ``username`` holds
    ``role`` with its scope. The log-in is created first (with ``password``) when it does not exist; both
    in one transaction, so a refused role leaves no log-in behind."""
    user = User.objects.filter(username=username.strip()).first()
    if user is None:
        user = _staff_user_create(actor=None, username=username, password=password or "", full_name=full_name or username,
                                  email=email)
    _role_grant(actor=None, user=user, role=role, institution=institution, region_code=region_code, company=company,
                funding_source=funding_source)
    return user


def _staff_user_create(*, actor: User | None, username: str, password: str, full_name: str, email: str) -> User:
    if actor is not None:
        require(actor, "role.grant")
    username = username.strip()
    if not username or User.objects.filter(username=username).exists():
        raise Conflict(Msg("Nama pengguna sudah dipakai.", "That username is taken."), code=Code.USERNAME_TAKEN, field="username")
    user = User(username=username, email=email.strip().lower(), first_name=full_name[:150])
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            Msg("Kata sandi belum aman: " + " ".join(exc.messages), "The password is not safe: " + " ".join(exc.messages)),
            code=Code.PASSWORD_WEAK,
            field="password",
        ) from exc
    user.set_password(password)
    user.save()
    audit.record(actor=actor or "system", action=Audit.USER_CREATED, obj=user, after={"username": username, "email": user.email})
    return user


def otp_device_pending(*, actor: User, name: str) -> TOTPDevice:
    """The authenticator ``actor`` is adding (not confirmed yet, so it opens nothing): the one already
    started, or a new one with a fresh secret. ``otp_device_confirm`` turns it on."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=actor, name=name, confirmed=False)


OTP_DEVICE_NOT_YOURS = Msg("Autentikator ini bukan milik Anda.", "This authenticator is not yours.")


def otp_device_confirm(*, actor: User, device: TOTPDevice, token: str, current_password: str | None, otp_token: str = "") -> None:
    """Add an authenticator to ``actor``'s account: ``token`` is the first code of the new ``device``.
    Re-asks the password, and a code from an authenticator already on the account (so a session
    that has only the password cannot add a second one). Checks run before the change's transaction,
    so failures stay counted."""
    if device.user_id != actor.pk or device.confirmed:
        raise ValidationFailed(OTP_DEVICE_NOT_YOURS, code=Code.OTP_DEVICE)
    security.confirm_identity(user=actor, password=current_password, otp_token=otp_token)
    if not security.verify_new_device(device, token):
        raise ValidationFailed(
            Msg("Kode dari aplikasi baru salah. Pastikan jam ponsel Anda tepat lalu coba kode terbaru.",
                "The code from the new app is wrong. Check that your phone's clock is right and try the latest code."),
            code=Code.OTP_INVALID, field="token",
        )
    _otp_device_confirm(actor=actor, device=device)


@transaction.atomic(durable=True)
def _otp_device_confirm(*, actor: User, device: TOTPDevice) -> None:
    model = type(device)
    device = model.objects.select_for_update().get(pk=device.pk)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One pending enrolment at a time: drop other unconfirmed devices.
    model.objects.filter(user=actor, confirmed=False).delete()
    count = model.objects.filter(user=actor, confirmed=True).count()
    audit.record(actor=actor, action=Audit.USER_OTP_ENABLED, obj=actor, after={"otp": "totp", "device": device.name,
                                                                           "authenticators": count})
    security.forget_cached(actor)


def otp_device_remove(*, actor: User, device: TOTPDevice, current_password: str | None, otp_token: str = "") -> None:
    """Remove one of ``actor``'s authenticators, after the password and a current code. The last one
    cannot be removed while the account's roles require two-factor log-in (add the new one first)."""
    if device.user_id != actor.pk or not device.confirmed:
        raise ValidationFailed(OTP_DEVICE_NOT_YOURS, code=Code.OTP_DEVICE)
    _refuse_removing_the_last(actor=actor, device=device)
    security.confirm_identity(user=actor, password=current_password, otp_token=otp_token)
    with transaction.atomic(durable=True):
        model = type(device)
        list(model.objects.select_for_update().filter(user=actor).values_list("pk", flat=True))
        if not model.objects.filter(pk=device.pk, user=actor, confirmed=True).exists():
            raise ValidationFailed(OTP_DEVICE_NOT_YOURS, code=Code.OTP_DEVICE)
        _refuse_removing_the_last(actor=actor, device=device)
        model.objects.filter(pk=device.pk).delete()
        left = model.objects.filter(user=actor, confirmed=True).count()
        audit.record(actor=actor, action=Audit.USER_OTP_REMOVED, obj=actor, before={"device": device.name},
                     after={"authenticators": left})
    security.forget_cached(actor)


def _refuse_removing_the_last(*, actor: User, device: TOTPDevice) -> None:
    others = type(device).objects.filter(user=actor, confirmed=True).exclude(pk=device.pk).exists()
    if not others and security.must_use_2fa(actor):
        raise Conflict(
            Msg("Peran Anda mewajibkan verifikasi dua langkah: tambahkan autentikator baru dulu, baru hapus yang lama.",
                "Your role requires two-factor log-in: add the new authenticator first, then remove the old one."),
            code=Code.OTP_REQUIRED_BY_ROLE,
        )


@transaction.atomic(durable=True)
def otp_reset(*, actor: User, user: User, reason: str) -> int:
    """An administrator removes every authenticator of ``user`` (a lost phone), with a reason; the
    account owner is told. Returns how many were removed. The account must then enrol again (at once
    if its grace period is over)."""
    require(actor, "user.security_reset")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(Msg("Tuliskan alasannya (mis. ponsel hilang, sudah dicek identitasnya).",
                                   "Give the reason (e.g. phone lost, identity checked)."), code=CoreCode.REASON_REQUIRED, field="reason")
    if actor.pk == user.pk:
        raise ValidationFailed(Msg("Autentikator sendiri dihapus dari halaman keamanan akun.",
                                   "Remove your own authenticator from your account security page."), code=Code.OTP_RESET_SELF)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit.record(actor=actor, action=Audit.USER_OTP_RESET, obj=user, after={"authenticators_removed": removed}, reason=reason)
    notify_user(
        user=user, topic="otp_reset", channels=("email", "sms"),
        subject="Verifikasi dua langkah akun Sisnaker Anda disetel ulang",
        text=("Administrator menghapus aplikasi autentikator dari akun Sisnaker Anda. Saat masuk berikutnya, aktifkan lagi "
              "verifikasi dua langkah. Bila Anda tidak memintanya, segera hubungi administrator."),
    )
    return removed


def people_rekey(*, batch_size: int = 1000, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """After a key change: re-seal every NIK with the current first data key and
    recompute the NIK blind indexes. Batches of ``batch_size`` people, each batch one transaction;
    safe to run again (people already up to date are skipped). Returns counts."""
    total = Person.objects.count()
    done = resealed = reindexed = 0
    last_pk = 0
    while True:
        with transaction.atomic(durable=True):
            batch = list(
                Person.objects.select_for_update().filter(pk__gt=last_pk).order_by("pk")
                .only("pk", "nik_encrypted", "nik_index")[:batch_size]
            )
            if not batch:
                break
            changed = []
            for person in batch:
                nik = crypto.decrypt(person.nik_encrypted)
                dirty = False
                if crypto.needs_reseal(person.nik_encrypted):
                    person.nik_encrypted = crypto.encrypt(nik)
                    dirty = True
                    resealed += 1
                index = _nik_index(nik)
                if index != person.nik_index:
                    person.nik_index = index
                    dirty = True
                    reindexed += 1
                if dirty:
                    changed.append(person)
            Person.objects.bulk_update(changed, ["nik_encrypted", "nik_index"], batch_size=500)
            last_pk = batch[-1].pk
            done += len(batch)
        if progress:
            progress(done, total)
    with transaction.atomic(durable=True):
        audit.record(actor="system", action=Audit.PEOPLE_REKEYED, object_type="accounts.person", object_id="all",
                     after={"people": done, "resealed": resealed, "reindexed": reindexed})
    return {"people": done, "resealed": resealed, "reindexed": reindexed}


# --- claiming a provisional record ------------------------------------------------------------
#
# A person added by an institution's import or by staff has no account. When they sign up with
# their NIK, the record must not block them: they prove they hold the phone they typed (a one-time
# code), then the account takes the record over when the name and birth date they gave match it,
# or — when they do not — a regional officer of the NIK's region checks the ID card and decides.
# Both paths look the same to the one signing up until the code is verified, and neither ever shows
# what the record says.

CLAIM_CODE_TTL = dt.timedelta(minutes=15)
CLAIM_MAX_ATTEMPTS = 5
CLAIM_MAX_SENDS = 3


CLAIM_PURPOSE = "signup-claim"  # what a claim's code hash is bound to (accounts.onetime)


def _send_claim_code(*, claim: SignUpClaim, code: str) -> None:
    """The code to the contact the claimant gave: their phone by SMS, else their e-mail address, in the language
    they registered in."""
    language = (claim.declared or {}).get("language") or "id"
    onetime.send(channel=claim.channel, to=claim.phone or claim.email, topic="otp.signup_claim", code=code, language=language,
                 subject=(Msg("Kode verifikasi Sisnaker", "Your Sisnaker verification code").in_language(language)
                          if claim.channel == "email" else ""),
                 text=Msg(
                     "Kode verifikasi Sisnaker Anda: {code}. Berlaku 15 menit. Jangan berikan kode ini kepada siapa pun.",
                     "Your Sisnaker verification code: {code}. Valid for 15 minutes. Never share this code."))


def claim_destination(claim: SignUpClaim) -> str:
    """Where the claim's code went, masked (the contact the claimant typed: never the record's)."""
    return onetime.mask_phone(claim.phone) if claim.phone else _mask_email(claim.email)


def _claim_account_id(claim: SignUpClaim) -> int | None:
    """The signed-in account that registers its NIK through this claim (``person_register_nik``), or None for a
    sign-up's claim, which creates its account when it completes."""
    account = (claim.declared or {}).get("account")
    return account if isinstance(account, int) else None


def _claim_start(*, person: Person, declared: dict, phone: str, email: str, password_hash: str,
                 account: User | None = None) -> SignUpClaim:
    now = timezone.now()
    matches = names_match(declared["full_name"], person.full_name) and declared["birth_date"] == person.birth_date.isoformat()
    token, code = onetime.new_token(), onetime.new_code()
    claim = SignUpClaim.objects.create(
        token=token, kind=SignUpClaim.Kind.CLAIM if matches else SignUpClaim.Kind.DISPUTE, person=person,
        declared=declared | ({"account": account.pk} if account is not None else {}),
        password_hash=password_hash, phone=phone, email=email,
        code_hash=onetime.code_hash(purpose=CLAIM_PURPOSE, token=token, code=code),
        expires_at=now + CLAIM_CODE_TTL, created_at=now,
    )
    # Who tried to claim what is recorded even if the code never comes back (the NIK never in clear).
    audit.record(actor=account or "warga (pendaftaran)", action=Audit.PERSON_CLAIM_STARTED, obj=person, at=now,
                 after={"claim": claim.pk, "matches": matches, "channel": claim.channel, "to": claim_destination(claim)}
                 | ({"account": account.pk} if account is not None else {}))
    _send_claim_code(claim=claim, code=code)
    return claim


CLAIM_NOT_FOUND = Msg("Permintaan verifikasi tidak ditemukan atau sudah selesai. Ulangi pendaftaran.",
                      "Verification request not found or already completed. Sign up again.")


def _open_claim(token: str, now: dt.datetime, *, account: User | None = None) -> SignUpClaim:
    """The pending claim of ``token``, locked. A claim an account started (``person_register_nik``) is found only for
    that account, signed in; a sign-up's claim only without one."""
    claim = SignUpClaim.objects.select_for_update().select_related("person").filter(token=(token or "")[:64]).first()
    if claim is None or claim.completed_at is not None or _claim_account_id(claim) != (account.pk if account else None):
        raise NotFound(CLAIM_NOT_FOUND, code=Code.CLAIM_NOT_FOUND)
    if claim.attempts >= CLAIM_MAX_ATTEMPTS:
        raise Conflict(Msg("Kode salah terlalu sering. Ulangi pendaftaran untuk mendapat kode baru.",
                           "Too many wrong codes. Sign up again to get a new code."), code=Code.CLAIM_LOCKED)
    return claim


def signup_claims_purge(*, now: dt.datetime | None = None) -> int:
    """Housekeeping: delete sign-up claims a day after they expired or completed (an unfinished one
    holds a password hash and declared data that nobody confirmed). Returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=1)
    deleted, _ = SignUpClaim.objects.filter(Q(expires_at__lt=cutoff) | Q(completed_at__lt=cutoff)).delete()
    return deleted


@dataclass(frozen=True)
class ClaimOutcome:
    """What a verified claim became: the account to log in, and either the person it now holds or the
    dispute a regional officer will decide."""

    user: User
    person: Person | None
    dispute: IdentityDispute | None


def signup_claim_resend(*, token: str, actor: User | None = None) -> SignUpClaim:
    """Send a fresh code for a pending claim (at most ``CLAIM_MAX_SENDS`` in all; rate limited). ``actor``: the
    signed-in account whose NIK registration started the claim (``person_register_nik``); None for a sign-up's."""
    ratelimit.enforce("otp_send")
    with transaction.atomic(durable=True):
        now = timezone.now()
        claim = _open_claim(token, now, account=actor)
        if claim.sends >= CLAIM_MAX_SENDS:
            raise Conflict(Msg("Kode sudah dikirim {n} kali. Ulangi pendaftaran bila belum juga diterima.",
                               "The code was sent {n} times already. Sign up again if it still does not arrive.").format(
                                   n=claim.sends), code=Code.CLAIM_RESEND_LIMIT)
        code = onetime.new_code()
        claim.code_hash = onetime.code_hash(purpose=CLAIM_PURPOSE, token=claim.token, code=code)
        claim.expires_at, claim.sends = now + CLAIM_CODE_TTL, claim.sends + 1
        claim.save(update_fields=["code_hash", "expires_at", "sends"])
        _send_claim_code(claim=claim, code=code)
    return claim


def signup_claim_verify(*, token: str, code: str, actor: User | None = None) -> ClaimOutcome:
    """Check the one-time code of a pending claim and complete it: the account takes the provisional
    record over (name and birth date matched), or a dispute opens for a regional officer of the NIK's
    region (they did not). Wrong codes count against the claim and the client's address. The account is the
    one the claim creates (a sign-up's claim, ``actor`` None) or ``actor``, the signed-in account that started it
    (``person_register_nik``)."""
    ratelimit.enforce("otp_check")
    now = timezone.now()
    wrong = False
    with transaction.atomic(durable=True):
        claim = _open_claim(token, now, account=actor)
        if not onetime.matches(purpose=CLAIM_PURPOSE, token=claim.token, stored_hash=claim.code_hash, typed=code,
                               expires_at=claim.expires_at, now=now):
            SignUpClaim.objects.filter(pk=claim.pk).update(attempts=claim.attempts + 1)
            wrong = True
        else:
            outcome = _claim_complete(claim=claim, now=now)
    if wrong:  # raised outside the transaction, so the attempt stays counted
        raise ValidationFailed(Msg("Kode salah atau sudah kedaluwarsa. Periksa SMS terbaru, atau minta kode baru.",
                                   "Wrong or expired code. Check the latest SMS, or ask for a new code."),
                               code=Code.CLAIM_CODE_WRONG, field="code")
    return outcome


def _claim_complete(*, claim: SignUpClaim, now: dt.datetime) -> ClaimOutcome:
    person = Person.objects.select_for_update().get(pk=claim.person_id)
    declared = claim.declared
    account_id = _claim_account_id(claim)
    if account_id is not None:
        # An account registering its NIK: it must still hold no record and no open dispute (locked, looked at again).
        user = User.objects.select_for_update().get(pk=account_id)
        _refuse_unless_nik_registrable(user)
        if claim.kind == SignUpClaim.Kind.CLAIM and not person.is_provisional:
            raise Conflict(NIK_TAKEN, code=Code.NIK_TAKEN, field="nik")  # claimed by its owner meanwhile
    else:
        if (claim.phone and User.objects.filter(phone=claim.phone).exists()
                or claim.email and User.objects.filter(email_is(claim.email)).exists()):
            raise Conflict(Msg("Nomor HP atau e-mail ini sudah dipakai akun lain.", "This mobile number or e-mail is used by another account."),
                           code=Code.CONTACT_TAKEN, field="phone")
        user = User(username=f"w{secrets.token_hex(6)}", email=claim.email, phone=claim.phone,
                    first_name=declared.get("full_name", "")[:150], password=claim.password_hash,
                    preferred_language=_language(declared.get("language")))
        if claim.kind == SignUpClaim.Kind.CLAIM and not person.is_provisional:
            raise Conflict(NIK_TAKEN, code=Code.NIK_TAKEN, field="nik")  # claimed by its owner meanwhile
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.CITIZEN)
    claim.completed_at = now
    claim.save(update_fields=["completed_at"])
    if claim.kind == SignUpClaim.Kind.CLAIM:
        before = audit.snapshot(person, PERSON_AUDIT_FIELDS)
        old_contact = {"phone": person.phone, "email": person.email}
        person.user = user
        # The contact proven by the code replaces what the institution typed; one not given keeps it.
        person.phone, person.email = claim.phone or person.phone, claim.email or person.email
        person.education = declared.get("education") or person.education
        person.domicile_district_id = declared.get("domicile_district") or person.domicile_district_id
        person.address = declared.get("address", "") or person.address
        person.has_disability = bool(declared.get("has_disability"))
        person.disability_kind = declared.get("disability_kind", "") if person.has_disability else ""
        person.save()
        b, a = audit.changes(before, audit.snapshot(person, PERSON_AUDIT_FIELDS))
        audit.record(actor=user, action=Audit.PERSON_CLAIMED, obj=person, before=b, after=a | {"account": user.pk}, at=now)
        _tell_old_contact(person=person, old=old_contact, claim=claim)
        return ClaimOutcome(user=user, person=person, dispute=None)
    dispute = IdentityDispute.objects.create(person=person, claimant=user, declared=declared, created_at=now)
    audit.record(actor=user, action=Audit.PERSON_IDENTITY_DISPUTED, obj=person, at=now,
                 after={"dispute": dispute.pk, "declared_name": declared.get("full_name"), "declared_birth_date": declared.get("birth_date")})
    _tell_officers(dispute=dispute)
    return ClaimOutcome(user=user, person=None, dispute=dispute)


def person_added_by(person: Person) -> Msg:
    """Who added ``person``'s record (a provisional one: an institution, or a Disnaker posko's officer)."""
    return added_by(institution_name=person.added_by_institution.name if person.added_by_institution_id else "",
                    by_staff=person.registered_by_id is not None)


def _tell_old_contact(*, person: Person, old: dict, claim: SignUpClaim) -> None:
    """The record's earlier phone/e-mail (typed by whoever added it) hears that an account took it over,
    unless it is the very contact the claimant proved with the code."""
    who, contact = person_added_by(person), claim_destination(claim)
    text = Msg(f"Data Anda di Sisnaker (ditambahkan oleh {who.id}) kini terhubung dengan akun dengan kontak {contact}. "
               "Bila ini bukan Anda, segera hubungi Disnaker setempat.",
               f"Your Sisnaker record (added by {who.en}) is now joined to an account with the contact {contact}. "
               "If this was not you, contact your local manpower office at once.")
    if old["phone"] and normalize_phone_or_blank(old["phone"]) != claim.phone:
        notify_address(channel="sms", to=old["phone"], topic="person.claimed", subject="", text=text.id)
    if old["email"] and old["email"].lower() != (claim.email or "").lower():
        notify_address(channel="email", to=old["email"], topic="person.claimed", subject="Sisnaker", text=text.id)


def normalize_phone_or_blank(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValidationFailed:
        return ""


def _tell_officers(*, dispute: IdentityDispute) -> None:
    link = links.absolute(reverse("accounts:disputes"))
    text = Msg(f"Ada pendaftaran warga dengan NIK yang datanya berbeda dari data terdaftar, menunggu pemeriksaan Anda: {link}",
               f"A citizen signed up with a NIK whose data differ from the registered record; it awaits your check: {link}")
    for officer in selectors.officers_for_dispute(dispute=dispute):
        notify_user(user=officer, topic="person.identity_disputed", subject="Sisnaker: sengketa data NIK",
                    text=text.en if officer.preferred_language == "en" else text.id)


@transaction.atomic(durable=True)
def dispute_record_view(*, actor: User, dispute: IdentityDispute) -> None:
    """An officer opens a dispute, which shows the registered record beside the declared data: logged."""
    require(actor, "person.resolve_identity", dispute)
    audit.record(actor=actor, action=Audit.PERSON_VIEWED, obj=dispute.person, reason=f"sengketa data {dispute.pk}")


DISPUTE_OUTCOMES = ("owner", "not_owner")


@transaction.atomic(durable=True)
def identity_dispute_resolve(*, actor: User, dispute: IdentityDispute, outcome: str, note: str) -> IdentityDispute:
    """A regional officer of the NIK's region decides a dispute after checking the claimant's ID card:
    ``owner`` corrects the record's name and birth date to what the claimant declared and joins it to
    their account; ``not_owner`` leaves the record as it is. The claimant is told either way."""
    dispute = IdentityDispute.objects.select_for_update().select_related("person", "claimant").get(pk=dispute.pk)
    require(actor, "person.resolve_identity", dispute)
    if outcome not in DISPUTE_OUTCOMES:
        raise ValidationFailed(Msg("Pilih keputusan.", "Choose a decision."), code=Code.DISPUTE_OUTCOME, field="outcome")
    if dispute.status != IdentityDispute.Status.OPEN:
        raise Conflict(Msg("Sengketa ini sudah diputuskan.", "This dispute was already decided."), code=Code.DISPUTE_CLOSED)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(Msg("Tuliskan dasar keputusan (mis. KTP yang diperiksa).",
                                   "Write what the decision rests on (e.g. the ID card checked)."), code=CoreCode.REASON_REQUIRED, field="note")
    now = timezone.now()
    person = Person.objects.select_for_update().get(pk=dispute.person_id)
    if outcome == "owner":
        if not person.is_provisional:
            raise Conflict(Msg("Data ini sudah terhubung dengan akun lain; selesaikan melalui administrator.",
                               "This record is already joined to another account; settle it with an administrator."),
                           code=Code.PERSON_ALREADY_CLAIMED)
        if Person.objects.filter(user=dispute.claimant).exists():
            raise Conflict(Msg("Akun pengaju sudah memiliki data warga.", "The claimant's account already holds a record."),
                           code=Code.CLAIMANT_HAS_PERSON)
        before = audit.snapshot(person, PERSON_AUDIT_FIELDS)
        declared = dispute.declared
        person.user = dispute.claimant
        person.full_name = declared.get("full_name") or person.full_name
        person.birth_date = dt.date.fromisoformat(declared["birth_date"]) if declared.get("birth_date") else person.birth_date
        person.phone, person.email = dispute.claimant.phone, dispute.claimant.email or person.email
        person.save()
        b, a = audit.changes(before, audit.snapshot(person, PERSON_AUDIT_FIELDS))
        audit.record(actor=actor, action=Audit.PERSON_IDENTITY_CONFIRMED, obj=person, before=b, after=a | {"account": dispute.claimant_id},
                     reason=note, at=now)
    else:
        audit.record(actor=actor, action=Audit.PERSON_IDENTITY_REFUSED, obj=person, after={"dispute": dispute.pk}, reason=note, at=now)
    dispute.status = IdentityDispute.Status.OWNER if outcome == "owner" else IdentityDispute.Status.NOT_OWNER
    dispute.resolved_at, dispute.resolved_by, dispute.resolution_note = now, actor, note
    dispute.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
    _tell_claimant(dispute=dispute)
    return dispute


def _tell_claimant(*, dispute: IdentityDispute) -> None:
    """The claimant hears the decision, in their language, with what to do next."""
    if dispute.status == IdentityDispute.Status.OWNER:
        text = Msg("Petugas Disnaker telah memeriksa data Anda: data NIK Anda kini terhubung dengan akun Sisnaker Anda.",
                   "The manpower office checked your data: your NIK record is now joined to your Sisnaker account.")
    else:
        link = links.absolute(reverse("accounts:nik_register"))
        text = Msg("Petugas Disnaker tidak dapat menghubungkan data NIK tersebut dengan akun Anda. Catatan: {note}. "
                   "Akun Anda tetap aktif: masuk lalu daftarkan NIK Anda sendiri sesuai KTP di {link} . "
                   "Bila NIK itu memang milik Anda, datanglah ke Disnaker atau posko terdekat dengan membawa KTP.",
                   "The manpower office could not join that NIK record to your account. Note: {note}. "
                   "Your account stays open: log in and register your own NIK, as on your ID card, at {link} . "
                   "If that NIK is yours, visit the manpower office or the nearest post with your ID card.").format(
                       note=dispute.resolution_note, link=link)
    notify_user(user=dispute.claimant, topic=f"person.dispute_{dispute.status}", subject="Sisnaker",
                text=text.in_language(dispute.claimant.preferred_language))


@transaction.atomic(durable=True)
def user_language_set(*, actor: User, language: str) -> bool:
    """``actor`` chose the language of their pages (the switcher): it becomes their account's preference, in which
    their SMS and e-mail are written (one-time codes, password resets, decisions). Returns whether it changed."""
    if language not in {code for code, _label in settings.LANGUAGES}:
        raise ValidationFailed(Msg("Bahasa tidak dikenal: pilih Bahasa Indonesia atau English.",
                                   "Unknown language: choose Bahasa Indonesia or English."),
                               code=CoreCode.INVALID_VALUE, field="language")
    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.preferred_language == language:
        return False
    before = user.preferred_language
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    actor.preferred_language = language
    audit.record(actor=user, action=Audit.USER_LANGUAGE_SET, obj=user, before={"preferred_language": before},
                 after={"preferred_language": language})
    return True


def person_match_for_staff(
    *, actor: User, nik: str, full_name: str, birth_date: dt.date | None, purpose: str, on: Any, action: str = "program.manage"
) -> Person | None:
    """The registered person with this NIK, for staff who typed it, only when the name (``names_match``)
    and the birth date they gave match that person too; None otherwise, whether no one has the NIK or
    someone else's data does not match (callers answer both the same way, so a NIK is never a key to
    someone's data).

    ``action`` on ``on`` is the staff work the look-up serves (e.g. ``program.manage`` on the program a
    person is added to); it is checked first. Every look-up is recorded (``person.looked_up``: outcome,
    purpose and the masked NIK, never the NIK itself) in a transaction of its own, so a refused look-up
    stays recorded whatever the caller does next: call this before, not inside, the caller's transaction."""
    require(actor, action, on)
    digits = "".join(ch for ch in (nik or "") if ch.isdigit())
    masked = nik_rules.mask(digits) if len(digits) == 16 else "*" * 16
    with transaction.atomic(durable=True):
        person = Person.objects.filter(nik_index=_nik_index(digits)).first() if len(digits) == 16 else None
        if person is None:
            outcome = "not_found"
        elif birth_date is not None and person.birth_date == birth_date and names_match(person.full_name, full_name):
            outcome = "matched"
        else:
            outcome = "mismatch"
        audit.record(
            actor=actor, action=Audit.PERSON_LOOKED_UP, obj=person, object_type="accounts.person",
            object_id=person.pk if person is not None else "", reason=purpose[:500],
            after={"outcome": outcome, "purpose": purpose[:200], "nik": masked},
        )
    return person if outcome == "matched" else None


@dataclass(frozen=True, repr=False)
class ProvisionalPerson:
    """What staff type for someone who is not registered yet (at a posko, with the citizen and their KTP)."""

    nik: str
    full_name: str
    birth_date: dt.date
    sex: str
    education: str
    domicile_district: District
    phone: str = ""
    email: str = ""
    address: str = ""
    has_disability: bool = False
    disability_kind: str = ""

    def __repr__(self) -> str:  # never a NIK in logs
        return f"ProvisionalPerson(nik={nik_rules.mask(self.nik) if len(self.nik or '') == 16 else '?'!r})"


NOT_ADDABLE = Msg(
    "Data ini tidak dapat dicatat. Periksa NIK, nama lengkap, dan tanggal lahir sesuai KTP. Bila sudah sesuai, minta warga "
    "mendaftar sendiri dengan NIK-nya di Sisnaker: petugas Disnaker akan memeriksa datanya.",
    "This record cannot be added. Check the NIK, full name and birth date against the ID card. If they match it, ask the "
    "citizen to sign up with their NIK in Sisnaker: a manpower officer will check the record.",
)


def person_add_provisional(*, actor: User, data: ProvisionalPerson, today: dt.date,
                           added_by_institution_id: int | None = None) -> Person:
    """A *provisional* record typed by staff for someone not registered yet (``Person.is_provisional``: no
    account, until its owner claims it at sign-up with the NIK, matching name and birth date and a one-time code).

    Runs inside the caller's transaction: the caller checks its own permission (e.g. ``person.register_assisted``
    for a posko) and looks the NIK up first with ``person_match_for_staff``. A NIK that is already registered is
    refused with ``NOT_ADDABLE``, which says nothing about the registered record."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("person_add_provisional runs inside the caller's transaction")
    parsed = _parse_nik(data.nik, today=today)
    name, disability_kind = _validate_person_fields(
        full_name=data.full_name, has_disability=data.has_disability, disability_kind=data.disability_kind,
        education=data.education)
    if data.sex not in Person.Sex.values:
        raise ValidationFailed(Msg("Pilih jenis kelamin.", "Choose a sex."), code=Code.SEX_REQUIRED, field="sex")
    if data.birth_date > today:
        raise ValidationFailed(Msg("Tanggal lahir tidak boleh di masa depan.", "The birth date cannot be in the future."),
                               code=Code.BIRTH_DATE_FUTURE, field="birth_date")
    email = _clean_email(data.email)
    address = _clean_address(data.address)
    if not (data.phone or "").strip() and not email:
        raise ValidationFailed(Msg("Isi nomor HP atau e-mail warga: ke sana Sisnaker memberi tahu warga tentang datanya.",
                                   "Give the citizen's mobile number or e-mail address: Sisnaker tells them about their record there."),
                               code=Code.CONTACT_REQUIRED, field="phone")
    phone = normalize_phone(data.phone) if (data.phone or "").strip() else ""
    index = _nik_index(parsed.nik)
    if Person.objects.filter(nik_index=index).exists():
        raise Conflict(NOT_ADDABLE, code=Code.NIK_TAKEN, field="nik")
    person = _new_person(parsed=parsed, index=index, data=data, full_name=name, disability_kind=disability_kind, phone=phone,
                         email=email, address=address, user=None,
                         registered_by=actor if getattr(actor, "is_authenticated", False) else None,
                         added_by_institution_id=added_by_institution_id)
    try:
        with transaction.atomic():
            person.save(force_insert=True)
    except IntegrityError as exc:  # the same NIK added at the same moment by another request
        raise Conflict(NOT_ADDABLE, code=Code.NIK_TAKEN, field="nik") from exc
    audit.record(actor=actor, action=Audit.PERSON_ADDED_PROVISIONAL, obj=person,
                 after=audit.snapshot(person, PERSON_AUDIT_FIELDS) | {"nik": nik_rules.mask(parsed.nik),
                                                                       "added_by_institution": added_by_institution_id})
    return person


# --- forgotten passwords ----------------------------------------------------------------------
#
# Two ways back into an account, neither of which opens a session (the next log-in goes through the
# password and, for an account with an authenticator, its code: a reset never bypasses two-factor):
#
# * a one-time code (``accounts.onetime``, the sign-up claim's mechanism) sent by SMS to the account's
#   phone — or by e-mail to an account without one — for whatever identifier the log-in accepts
#   (``password_reset_request``, ``password_reset_with_code``): many citizens have no e-mail;
# * Django's own link by e-mail (``PasswordResetView`` and its token generator, see views.py), completed
#   by ``password_reset_with_link``.
#
# The answer to a request is the same whether or not the identifier leads to an account: a request row
# and a code page exist either way, and wrong codes are counted the same. Every completed reset ends the
# account's other sessions (the session hash follows the password), withdraws device-cookie trust, is
# recorded in the audit trail, and the account hears about it.

RESET_PURPOSE = "password-reset"
RESET_CODE_TTL = dt.timedelta(minutes=10)
RESET_MAX_ATTEMPTS = 5
RESET_LIMITED = Msg(
    "Terlalu banyak permintaan atur ulang kata sandi. Coba lagi dalam {m} menit, atau datang ke posko Disnaker terdekat.",
    "Too many password reset requests. Try again in {m} minutes, or visit the nearest manpower office post.",
)
RESET_CHECK_LIMITED = Msg("Terlalu banyak percobaan kode. Coba lagi dalam {m} menit.",
                          "Too many code attempts. Try again in {m} minutes.")
RESET_NOT_FOUND = Msg("Permintaan atur ulang kata sandi ini tidak ditemukan atau sudah dipakai. Minta kode baru.",
                      "This password reset request was not found or was already used. Ask for a new code.")
RESET_LOCKED = Msg("Kode salah terlalu sering. Minta kode baru.", "Too many wrong codes. Ask for a new code.")
RESET_CODE_WRONG = Msg("Kode salah atau sudah kedaluwarsa. Periksa SMS terbaru, atau minta kode baru.",
                       "Wrong or expired code. Check the latest SMS, or ask for a new code.")
RESET_CODE_TEXT = Msg(
    "Kode atur ulang kata sandi Sisnaker: {code}. Berlaku 10 menit. Jangan berikan kode ini kepada siapa pun, termasuk petugas.",
    "Your Sisnaker password reset code: {code}. Valid for 10 minutes. Never share this code, not even with staff.",
)


def _reset_identifier_key(identifier: str) -> str:
    kind, value = classify_identifier(identifier)
    return ratelimit.key_hash(f"password-reset:{kind}:{value}")


def _reset_destination(user: User | None) -> tuple[str, str] | None:
    """Where an account's reset code goes: its phone by SMS, else its e-mail; None when it has neither."""
    if user is None or not user.is_active:
        return None
    phone = normalize_phone_or_blank(user.phone)
    if phone:
        return "sms", phone
    if (user.email or "").strip():
        return "email", user.email.strip()
    return None


def password_reset_request(*, identifier: str) -> PasswordResetCode:
    """Someone forgot their password and typed an identifier the log-in accepts (phone, NIK, e-mail,
    username). When it leads to an active account with a phone (or else an e-mail), a 6-digit code goes
    there, live ``RESET_CODE_TTL``; the account's earlier codes stop working. Returns the request, whose
    token names the code page, whether or not an account was found, so callers answer both the same.

    Rate limited per client address and network and per identifier (``TooManyRequests``, the same for
    known and unknown identifiers); codes sent to one account are capped whatever identifier led to it
    (past the cap nothing is sent, silently). The counts are kept when the request is refused."""
    identifier = (identifier or "").strip()[:150]
    if not identifier:
        raise ValidationFailed(Msg("Ketik nomor HP, NIK, atau e-mail akun Anda.", "Type your account's mobile number, NIK or e-mail."),
                               code=Code.RESET_IDENTIFIER_REQUIRED, field="identifier")
    key = _reset_identifier_key(identifier)
    ratelimit.enforce("password_reset", message=RESET_LIMITED)
    ratelimit.enforce_subject("password_reset", key, message=RESET_LIMITED)
    user = find_user(identifier)
    destination = _reset_destination(user)
    if destination is not None and not ratelimit.hit(f"password_reset:account:{user.pk}", ratelimit.policy("password_reset.account")).allowed:
        destination = None  # enough codes went to this account for now; the answer stays the same
    with transaction.atomic(durable=True):
        now = timezone.now()
        token, code = onetime.new_token(), onetime.new_code()
        reset = PasswordResetCode.objects.create(
            token=token, user=user if destination else None, identifier_key=key, created_at=now, expires_at=now + RESET_CODE_TTL,
            code_hash=onetime.code_hash(purpose=RESET_PURPOSE, token=token, code=code),
        )
        if destination is not None:
            PasswordResetCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).exclude(pk=reset.pk).update(expires_at=now)
            channel, address = destination
            audit.record(actor="anonim (lupa kata sandi)", action=Audit.USER_PASSWORD_RESET_REQUESTED, obj=user, at=now,
                         after={"channel": channel, "to": onetime.mask_phone(address) if channel == "sms" else _mask_email(address)})
            onetime.send(channel=channel, to=address, topic="otp.password_reset", code=code, text=RESET_CODE_TEXT,
                         language=user.preferred_language, subject="Kode atur ulang kata sandi Sisnaker")
    return reset


def password_reset_link_limit(*, email: str) -> None:
    """Before Django's reset-by-link form sends its mail: the same limits as ``password_reset_request``
    (per client and per identifier, known or not), sharing its counts."""
    ratelimit.enforce("password_reset", message=RESET_LIMITED)
    ratelimit.enforce_subject("password_reset", _reset_identifier_key(email), message=RESET_LIMITED)


def _mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:2]}***@{domain}"


def password_reset_with_code(*, token: str, code: str, password: str) -> User:
    """Set a new password with the code of a reset request. A wrong or expired code counts against the
    request (locked after ``RESET_MAX_ATTEMPTS``), the client's address and the identifier, also when the
    request led to no account; a weak password is refused without using the code up. Returns the account,
    which is *not* logged in (see ``password_reset_done``)."""
    ratelimit.enforce("password_reset_check", message=RESET_CHECK_LIMITED)
    key = PasswordResetCode.objects.filter(token=(token or "")[:64]).values_list("identifier_key", flat=True).first()
    if key is None:
        raise NotFound(RESET_NOT_FOUND, code=Code.RESET_NOT_FOUND)
    ratelimit.enforce_subject("password_reset_check", key, message=RESET_CHECK_LIMITED)
    wrong = False
    with transaction.atomic(durable=True):
        now = timezone.now()
        reset = PasswordResetCode.objects.select_for_update().get(token=token[:64])
        if reset.used_at is not None:
            raise NotFound(RESET_NOT_FOUND, code=Code.RESET_NOT_FOUND)
        if reset.attempts >= RESET_MAX_ATTEMPTS:
            raise Conflict(RESET_LOCKED, code=Code.RESET_LOCKED, field="code")
        if reset.user_id is None or not onetime.matches(purpose=RESET_PURPOSE, token=reset.token, stored_hash=reset.code_hash,
                                                        typed=code, expires_at=reset.expires_at, now=now):
            PasswordResetCode.objects.filter(pk=reset.pk).update(attempts=reset.attempts + 1)
            wrong = True
        else:
            user = User.objects.select_for_update().get(pk=reset.user_id)
            _set_new_password(user=user, password=password)
            reset.used_at = now
            reset.save(update_fields=["used_at"])
            password_reset_done(user=user, channel="sms" if normalize_phone_or_blank(user.phone) else "email", now=now)
    if wrong:  # raised outside the transaction, so the attempt stays counted
        raise ValidationFailed(RESET_CODE_WRONG, code=Code.RESET_CODE_WRONG, field="code")
    return user


@transaction.atomic(durable=True)
def password_reset_with_link(*, user: User, password: str) -> User:
    """Set a new password from Django's e-mailed link (the view has checked its token, which the new
    password then invalidates: one use)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _set_new_password(user=user, password=password)
    password_reset_done(user=user, channel="email_link", now=timezone.now())
    return user


def _set_new_password(*, user: User, password: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            Msg("Kata sandi belum aman: " + " ".join(exc.messages), "The password is not safe: " + " ".join(exc.messages)),
            code=Code.PASSWORD_WEAK, field="password",
        ) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    password_validation.password_changed(password, user)


def password_reset_done(*, user: User, channel: str, now: dt.datetime) -> None:
    """What follows every reset, inside its transaction: every session of the account ends (Django checks
    each session against a hash of the password, which just changed), no browser keeps device-cookie trust,
    live codes stop working, an audit row, and a message to the account. Authenticators stay: the next log-in
    still asks for their code."""
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    devices = throttle.forget_account(user=user, now=now)
    audit.record(actor=user, action=Audit.USER_PASSWORD_RESET, obj=user, at=now,
                 after={"channel": channel, "sessions_ended": True, "devices_forgotten": devices})
    text = Msg("Kata sandi akun Sisnaker Anda baru saja diganti dan semua sesi yang terbuka diakhiri. "
               "Bila bukan Anda yang menggantinya, segera hubungi Disnaker setempat.",
               "Your Sisnaker password was just changed and every open session was ended. "
               "If you did not change it, contact your local manpower office at once.")
    notify_user(user=user, topic="password_reset", subject="Kata sandi Sisnaker Anda diganti",
                text=text.in_language(user.preferred_language))


def password_reset_codes_purge(*, now: dt.datetime | None = None) -> int:
    """Housekeeping: delete reset requests a day after they expired. Returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=1)
    deleted, _ = PasswordResetCode.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
