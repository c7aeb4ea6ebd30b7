"""Writes for institutions: registration (the registrant becomes its manager), edits, accreditation
and activation by ministry curators, attaching instructors."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction

from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.core import audit
from sisnaker.core.errors import Conflict, Msg, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.core.roles import Role
from sisnaker.regions.models import Regency

from .models import Institution

FIELDS = ["registry_number", "name", "kind", "regency", "address", "phone", "email"]
_REGISTRY = re.compile(r"^[A-Z0-9][A-Z0-9./\-]{2,39}$")


def _clean(*, registry_number: str, name: str, kind: str, regency: Regency | None) -> tuple[str, str]:
    number = (registry_number or "").strip().upper()
    if not _REGISTRY.match(number):
        raise ValidationFailed(
            Msg("Nomor registrasi/izin lembaga 3–40 karakter: huruf, angka, titik, garis miring, atau tanda hubung.",
                "The institution's registry/licence number is 3–40 characters: letters, digits, dots, slashes or dashes."),
            code="institution_registry_number", field="registry_number",
        )
    name = " ".join((name or "").split())
    if len(name) < 5:
        raise ValidationFailed(Msg("Nama lembaga minimal 5 karakter.", "The institution's name needs at least 5 characters."),
                               code="institution_name", field="name")
    if kind not in Institution.Kind.values:
        raise ValidationFailed(Msg("Pilih jenis lembaga.", "Choose the kind of institution."), code="institution_kind", field="kind")
    if regency is None:
        raise ValidationFailed(Msg("Pilih kabupaten/kota lembaga.", "Choose the institution's regency/city."), code="institution_regency", field="regency")
    return number, name


@transaction.atomic
def institution_register(
    *, actor: User, registry_number: str, name: str, kind: str, regency: Regency, address: str = "", phone: str = "", email: str = ""
) -> Institution:
    """Register a training institution; the registrant becomes its manager. A private LPK cannot open
    programs until a curator records its LA-LPK accreditation."""
    require(actor, "institution.register")
    number, name = _clean(registry_number=registry_number, name=name, kind=kind, regency=regency)
    if Institution.objects.filter(registry_number=number).exists():
        raise Conflict(Msg("Nomor registrasi {n} sudah terdaftar atas lembaga lain. Minta pengelolanya menambahkan Anda.",
                           "Registry number {n} is already registered. Ask its manager to add you.").format(n=number),
                       code="institution_exists", field="registry_number")
    try:
        with transaction.atomic():
            institution = Institution.objects.create(
                registry_number=number, name=name, kind=kind, regency=regency, address=address.strip(),
                phone=phone.strip(), email=email.strip().lower(),
            )
    except IntegrityError as exc:
        raise Conflict(Msg("Nomor registrasi sudah terdaftar.", "Registry number already registered."),
                       code="institution_exists", field="registry_number") from exc
    RoleAssignment.objects.create(user=actor, role=Role.INSTITUTION_MANAGER, institution=institution, granted_by=actor)
    audit.record(actor=actor, action="institution.registered", obj=institution, after=audit.snapshot(institution, FIELDS))
    return institution


@transaction.atomic
def institution_update(
    *, actor: User, institution: Institution, name: str, kind: str, regency: Regency, address: str = "", phone: str = "", email: str = ""
) -> Institution:
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require(actor, "institution.edit", institution)
    _, name = _clean(registry_number=institution.registry_number, name=name, kind=kind, regency=regency)
    before = audit.snapshot(institution, FIELDS)
    institution.name, institution.kind, institution.regency = name, kind, regency
    institution.address, institution.phone, institution.email = address.strip(), phone.strip(), email.strip().lower()
    institution.save()
    b, a = audit.changes(before, audit.snapshot(institution, FIELDS))
    audit.record(actor=actor, action="institution.updated", obj=institution, before=b, after=a)
    return institution


@transaction.atomic
def institution_set_accreditation(
    *, actor: User, institution: Institution, status: str, grade: str = "", number: str = "", valid_until: dt.date | None = None
) -> Institution:
    """A ministry curator records the LA-LPK accreditation (or its revocation)."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require(actor, "institution.accredit", institution)
    if status not in Institution.Accreditation.values:
        raise ValidationFailed(Msg("Status akreditasi tidak dikenal.", "Unknown accreditation status."), code="accreditation_status", field="status")
    if status == Institution.Accreditation.ACCREDITED and (grade not in Institution.Grade.values or valid_until is None):
        raise ValidationFailed(Msg("Akreditasi memerlukan peringkat (A/B/C) dan tanggal berlaku.",
                                   "Accreditation needs a grade (A/B/C) and a valid-until date."), code="accreditation_incomplete", field="grade")
    fields = ["accreditation_status", "accreditation_grade", "accreditation_number", "accreditation_valid_until"]
    before = audit.snapshot(institution, fields)
    institution.accreditation_status = status
    institution.accreditation_grade = grade if status == "accredited" else ""
    institution.accreditation_number = number.strip()
    institution.accreditation_valid_until = valid_until if status == "accredited" else None
    institution.save()
    audit.record(actor=actor, action="institution.accreditation_set", obj=institution, before=before, after=audit.snapshot(institution, fields))
    return institution


@transaction.atomic
def institution_set_active(*, actor: User, institution: Institution, active: bool, reason: str) -> Institution:
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require(actor, "institution.accredit", institution)
    if not reason.strip():
        raise ValidationFailed(Msg("Tuliskan alasannya.", "Write the reason."), code="reason_required", field="reason")
    before = institution.is_active
    institution.is_active = active
    institution.save(update_fields=["is_active"])
    audit.record(actor=actor, action="institution.activated" if active else "institution.deactivated", obj=institution,
                 before={"is_active": before}, after={"is_active": active}, reason=reason)
    return institution


@transaction.atomic
def institution_add_staff(*, actor: User, institution: Institution, user: User, role: str) -> RoleAssignment:
    """A manager attaches an existing account as instructor (or co-manager) of the institution."""
    require(actor, "institution.manage_staff", institution)
    if role not in (Role.INSTRUCTOR, Role.INSTITUTION_MANAGER):
        raise ValidationFailed(Msg("Peran harus instruktur atau pengelola.", "The role must be instructor or manager."), code="staff_role")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, institution=institution, defaults={"granted_by": actor}
    )
    if not created and assignment.is_active:
        raise Conflict(Msg("Akun ini sudah memegang peran tersebut di lembaga ini.", "This account already holds that role here."), code="role_exists")
    if not created:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    audit.record(actor=actor, action="institution.staff_added", obj=assignment, after={"user": user.pk, "role": role, "institution": institution.pk})
    return assignment
