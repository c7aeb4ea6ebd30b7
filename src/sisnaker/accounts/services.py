"""Writes for accounts and people. Each service: keyword-only, one transaction, permission check,
audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from sisnaker.core import audit, crypto
from sisnaker.core.errors import Conflict, Msg, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.core.roles import SCOPE_OF, Role
from sisnaker.regions import nik as nik_rules
from sisnaker.regions.models import District, Regency

from .domain import mask_account_number, normalize_phone
from .models import Person, RoleAssignment, User

NIK_TAKEN = Msg(
    "NIK ini sudah terdaftar. Silakan masuk dengan akun Anda, atau hubungi Disnaker setempat bila Anda tidak pernah mendaftar.",
    "This NIK is already registered. Please log in, or contact your local manpower office if you never registered.",
)
PERSON_AUDIT_FIELDS = [
    "full_name", "birth_date", "sex", "has_disability", "disability_kind", "education", "phone", "email",
    "domicile_district", "address", "bank_name", "bank_account_holder",
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


def _nik_index(nik: str) -> str:
    return crypto.blind_index(nik, label="nik")


def _validate_person_fields(*, full_name: str, has_disability: bool, disability_kind: str, education: str) -> tuple[str, str]:
    name = " ".join((full_name or "").split())
    if len(name) < 2:
        raise ValidationFailed(
            Msg("Nama lengkap wajib diisi sesuai KTP.", "Full name is required, as on the ID card."),
            code="name_required",
            field="full_name",
        )
    if education not in Person.Education.values:
        raise ValidationFailed(
            Msg("Pilih pendidikan terakhir dari daftar.", "Choose the highest education from the list."),
            code="education_invalid",
            field="education",
        )
    if has_disability and disability_kind not in Person.Disability.values:
        raise ValidationFailed(
            Msg("Pilih jenis disabilitas.", "Choose the kind of disability."), code="disability_kind", field="disability_kind"
        )
    return name, (disability_kind if has_disability else "")


def _parse_nik(nik: str, *, today: dt.date):
    try:
        return nik_rules.parse(nik, today=today)
    except nik_rules.NikError as exc:
        exc.field = "nik"
        raise


@transaction.atomic
def person_sign_up(*, data: SignUp, today: dt.date) -> Person:
    """Register a citizen with their NIK and create their log-in. Refuses a NIK that is already
    registered, a phone or e-mail already used by another account, and a weak password."""
    parsed = _parse_nik(data.nik, today=today)
    nik = parsed.nik
    name, disability_kind = _validate_person_fields(
        full_name=data.full_name, has_disability=data.has_disability, disability_kind=data.disability_kind, education=data.education
    )
    if data.sex not in Person.Sex.values:
        raise ValidationFailed(Msg("Pilih jenis kelamin.", "Choose a sex."), code="sex_required", field="sex")
    if data.birth_date > today:
        raise ValidationFailed(
            Msg("Tanggal lahir tidak boleh di masa depan.", "The birth date cannot be in the future."),
            code="birth_date_future",
            field="birth_date",
        )
    phone = normalize_phone(data.phone)
    email = (data.email or "").strip().lower()
    index = _nik_index(nik)
    if Person.objects.filter(nik_index=index).exists():
        raise Conflict(NIK_TAKEN, code="nik_taken", field="nik")
    if User.objects.filter(phone=phone).exists():
        raise Conflict(
            Msg("Nomor HP ini sudah dipakai akun lain.", "This mobile number is used by another account."),
            code="phone_taken",
            field="phone",
        )
    if email and User.objects.filter(email__iexact=email).exists():
        raise Conflict(
            Msg("Alamat e-mail ini sudah dipakai akun lain.", "This e-mail address is used by another account."),
            code="email_taken",
            field="email",
        )
    user = User(username=f"w{secrets.token_hex(6)}", email=email, phone=phone, first_name=name[:150])
    try:
        password_validation.validate_password(data.password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            Msg("Kata sandi belum aman: " + " ".join(exc.messages), "The password is not safe: " + " ".join(exc.messages)),
            code="password_weak",
            field="password",
        ) from exc
    user.set_password(data.password)
    warnings = [
        {"code": w.code, "id": w.message.id, "en": w.message.en}
        for w in (*parsed.warnings, *nik_rules.compare_declared(parsed, birth_date=data.birth_date, sex=data.sex))
    ]
    try:
        with transaction.atomic():
            user.save()
            RoleAssignment.objects.create(user=user, role=Role.CITIZEN)
            person = Person.objects.create(
                user=user,
                nik_encrypted=crypto.encrypt(nik),
                nik_index=index,
                nik_regency_id=parsed.region.regency.code,
                nik_district_id=parsed.region.district.code if parsed.region.district else None,
                full_name=name,
                birth_date=data.birth_date,
                sex=data.sex,
                nik_warnings=warnings,
                has_disability=data.has_disability,
                disability_kind=disability_kind,
                education=data.education,
                phone=phone,
                email=email,
                domicile_district=data.domicile_district,
                address=data.address.strip(),
            )
    except IntegrityError as exc:
        # Two sign-ups with the same NIK/phone/e-mail at once: the database decides, the user gets the
        # same clear message as the sequential case.
        if Person.objects.filter(nik_index=index).exists():
            raise Conflict(NIK_TAKEN, code="nik_taken", field="nik") from exc
        raise Conflict(
            Msg("Nomor HP atau e-mail ini sudah dipakai akun lain.", "This mobile number or e-mail is used by another account."),
            code="contact_taken",
            field="phone",
        ) from exc
    audit.record(actor=user, action="person.signed_up", obj=person, after=audit.snapshot(person, PERSON_AUDIT_FIELDS) | {"nik_warnings": warnings})
    return person


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    full_name: str,
    education: str,
    phone: str,
    email: str,
    domicile_district: District,
    address: str = "",
    has_disability: bool = False,
    disability_kind: str = "",
    bank_name: str = "",
    bank_account_number: str = "",
    bank_account_holder: str = "",
) -> Person:
    """A person corrects their own data (UU PDP). The NIK, birth date and sex come from the NIK and
    are corrected by staff only; everything else here is the person's to change."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    require(actor, "person.edit_own", person)
    name, disability_kind = _validate_person_fields(
        full_name=full_name, has_disability=has_disability, disability_kind=disability_kind, education=education
    )
    phone = normalize_phone(phone)
    email = (email or "").strip().lower()
    account = "".join(ch for ch in (bank_account_number or "") if not ch.isspace() and ch != "-")
    if account and (not (account.isascii() and account.isdigit()) or not 5 <= len(account) <= 20):
        raise ValidationFailed(
            Msg("Nomor rekening hanya berisi 5–20 angka.", "The bank account number holds 5–20 digits."),
            code="bank_account_format",
            field="bank_account_number",
        )
    if account and not (bank_name.strip() and bank_account_holder.strip()):
        raise ValidationFailed(
            Msg("Isi nama bank dan nama pemilik rekening.", "Fill in the bank and the account holder's name."),
            code="bank_incomplete",
            field="bank_name",
        )
    if User.objects.filter(phone=phone).exclude(pk=person.user_id).exists():
        raise Conflict(
            Msg("Nomor HP ini sudah dipakai akun lain.", "This mobile number is used by another account."), code="phone_taken", field="phone"
        )
    if email and User.objects.filter(email__iexact=email).exclude(pk=person.user_id).exists():
        raise Conflict(
            Msg("Alamat e-mail ini sudah dipakai akun lain.", "This e-mail address is used by another account."),
            code="email_taken",
            field="email",
        )
    before = audit.snapshot(person, PERSON_AUDIT_FIELDS)
    old_account = person.bank_account_number
    person.full_name, person.education, person.phone, person.email = name, education, phone, email
    person.domicile_district, person.address = domicile_district, address.strip()
    person.has_disability, person.disability_kind = has_disability, disability_kind
    person.bank_name, person.bank_account_holder = bank_name.strip(), bank_account_holder.strip()
    person.bank_account_encrypted = crypto.encrypt(account) if account else ""
    person.save()
    if person.user_id:
        User.objects.filter(pk=person.user_id).update(phone=phone, email=email, first_name=name[:150])
    after = audit.snapshot(person, PERSON_AUDIT_FIELDS)
    b, a = audit.changes(before, after)
    if old_account != account:
        # The audit trail never holds a full account number.
        b["bank_account"], a["bank_account"] = mask_account_number(old_account), mask_account_number(account)
    if a:
        audit.record(actor=actor, action="person.updated", obj=person, before=b, after=a)
    return person


@transaction.atomic
def person_record_view(*, actor: User, person: Person, purpose: str = "") -> Person:
    """Staff open a person's full record: allowed by scope, and always logged (UU PDP)."""
    require(actor, "person.view", person)
    audit.record(actor=actor, action="person.viewed", obj=person, reason=purpose)
    return person


@transaction.atomic
def person_export_own(*, actor: User, person: Person) -> dict:
    """Everything Sisnaker holds on a person, for them to download (UU PDP right of access)."""
    require(actor, "person.view_own", person)
    from . import selectors

    data = selectors.person_data_export(person=person)
    audit.record(actor=actor, action="person.exported", obj=person)
    return data


@transaction.atomic
def role_grant(
    *, actor: User | None, user: User, role: Role | str, institution=None, region_code: str = "", company=None
) -> RoleAssignment:
    """Give ``user`` a role with its scope. ``actor=None`` only from trusted commands (demo, setup)."""
    if actor is not None:
        require(actor, "role.grant")
    role = Role(role)
    scope = SCOPE_OF[role]
    given = {"institution": institution is not None, "region": bool(region_code), "company": company is not None}
    if scope is None and any(given.values()) or scope is not None and (not given[scope] or sum(given.values()) != 1):
        raise ValidationFailed(
            Msg(
                "Peran {role} memerlukan cakupan: {scope}.",
                "The role {role} needs this scope: {scope}.",
            ).format(role=role.label, scope=scope or "nasional/tanpa cakupan"),
            code="role_scope",
        )
    if region_code:
        exists = Regency.objects.filter(code=region_code).exists() if "." in region_code else (
            Regency.objects.filter(province_id=region_code).exists()
        )
        if not exists:
            raise ValidationFailed(
                Msg("Kode wilayah {code} tidak dikenal.", "Unknown region code {code}.").format(code=region_code),
                code="region_unknown",
                field="region_code",
            )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, institution=institution, region_code=region_code, company=company,
        defaults={"granted_by": actor},
    )
    if not created and assignment.is_active:
        raise Conflict(Msg("Pengguna sudah memegang peran ini.", "The user already holds this role."), code="role_exists")
    if not created:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    if role == Role.ADMIN:  # administrators also use the Django admin
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    audit.record(
        actor=actor or "system",
        action="role.granted",
        obj=assignment,
        after={"user": user.pk, "role": role.value, "institution": getattr(institution, "pk", None), "region_code": region_code, "company": getattr(company, "pk", None)},
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment, reason: str = "") -> RoleAssignment:
    require(actor, "role.grant")
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        raise Conflict(Msg("Peran ini sudah dicabut.", "This role was already revoked."), code="role_revoked")
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    audit.record(actor=actor, action="role.revoked", obj=assignment, before={"is_active": True}, after={"is_active": False}, reason=reason)
    return assignment


@transaction.atomic
def staff_user_create(*, actor: User | None, username: str, password: str, full_name: str, email: str = "") -> User:
    """A staff log-in (managers, officers, curators...). Roles are granted separately."""
    if actor is not None:
        require(actor, "role.grant")
    username = username.strip()
    if not username or User.objects.filter(username=username).exists():
        raise Conflict(Msg("Nama pengguna sudah dipakai.", "That username is taken."), code="username_taken", field="username")
    user = User(username=username, email=email.strip().lower(), first_name=full_name[:150])
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            Msg("Kata sandi belum aman: " + " ".join(exc.messages), "The password is not safe: " + " ".join(exc.messages)),
            code="password_weak",
            field="password",
        ) from exc
    user.set_password(password)
    user.save()
    audit.record(actor=actor or "system", action="user.created", obj=user, after={"username": username, "email": user.email})
    return user


@transaction.atomic
def otp_device_confirm(*, actor: User, device) -> None:
    """Turn on two-factor log-in for ``actor`` with a TOTP device whose first code was verified."""
    if device.user_id != actor.pk:
        raise ValidationFailed(Msg("Perangkat ini bukan milik Anda.", "This device is not yours."), code="otp_device")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator at a time: drop stale unconfirmed devices.
    type(device).objects.filter(user=actor, confirmed=False).delete()
    audit.record(actor=actor, action="user.otp_enabled", obj=actor, after={"otp": "totp"})


def people_rekey(*, batch_size: int = 1000, progress=None) -> dict[str, int]:
    """After a key change: re-seal every NIK and bank account with the current first data key and
    recompute the NIK blind indexes. Batches of ``batch_size`` people, each batch one transaction;
    safe to run again (people already up to date are skipped). Returns counts."""
    total = Person.objects.count()
    done = resealed = reindexed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.select_for_update().filter(pk__gt=last_pk).order_by("pk")
                .only("pk", "nik_encrypted", "nik_index", "bank_account_encrypted")[:batch_size]
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
                if person.bank_account_encrypted and crypto.needs_reseal(person.bank_account_encrypted):
                    person.bank_account_encrypted = crypto.encrypt(crypto.decrypt(person.bank_account_encrypted))
                    dirty = True
                index = _nik_index(nik)
                if index != person.nik_index:
                    person.nik_index = index
                    dirty = True
                    reindexed += 1
                if dirty:
                    changed.append(person)
            Person.objects.bulk_update(changed, ["nik_encrypted", "nik_index", "bank_account_encrypted"], batch_size=500)
            last_pk = batch[-1].pk
            done += len(batch)
        if progress:
            progress(done, total)
    with transaction.atomic():
        audit.record(actor="system", action="people.rekeyed", object_type="accounts.person", object_id="all",
                     after={"people": done, "resealed": resealed, "reindexed": reindexed})
    return {"people": done, "resealed": resealed, "reindexed": reindexed}



def person_match_for_staff(
    *, actor: User, nik: str, full_name: str, birth_date: dt.date | None, purpose: str, on, action: str = "program.manage"
) -> Person | None:
    """The registered person with this NIK, for staff who typed it, only when the name (``names_match``)
    and the birth date they gave match that person too; None otherwise, whether no one has the NIK or
    someone else's data does not match (callers answer both the same way, so a NIK is never a key to
    someone's data).

    ``action`` on ``on`` is the staff work the look-up serves (e.g. ``program.manage`` on the program a
    person is added to); it is checked first. Every look-up is recorded (``person.looked_up``: outcome,
    purpose and the masked NIK, never the NIK itself) in a transaction of its own, so a refused look-up
    stays recorded whatever the caller does next: call this before, not inside, the caller's transaction."""
    from .domain import names_match

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
            actor=actor, action="person.looked_up", obj=person, object_type="accounts.person",
            object_id=person.pk if person is not None else "", reason=purpose[:500],
            after={"outcome": outcome, "purpose": purpose[:200], "nik": masked},
        )
    return person if outcome == "matched" else None
