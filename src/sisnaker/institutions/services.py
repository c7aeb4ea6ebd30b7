"""Writes for institutions: registration (pending; the registrant becomes its manager), vetting by the
authority (approve, reject, suspend, reinstate) and resubmission, edits, LA-LPK accreditation by
ministry curators, attaching instructors. Every service here is called by pages, the API or the demo,
never inside another transaction: each is durable (``transaction.atomic(durable=True)``)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts import selectors as account_selectors
from sisnaker.accounts.codes import Code as AccountCode
from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.core import audit, links
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.core.roles import Role
from sisnaker.notifications.services import notify_user
from sisnaker.regions.models import Regency

from . import domain, selectors
from .codes import REVIEW_AUDIT, Audit, Code
from .models import Institution, InstitutionStatusChange

FIELDS = ["registry_number", "name", "kind", "regency", "address", "phone", "email", "licence_number", "status"]
_REGISTRY = re.compile(r"^[A-Z0-9][A-Z0-9./\-]{2,39}$")


def _clean(*, registry_number: str, name: str, kind: str, regency: Regency | None) -> tuple[str, str]:
    number = (registry_number or "").strip().upper()
    if not _REGISTRY.match(number):
        raise ValidationFailed(
            Msg("Nomor registrasi/izin lembaga 3–40 karakter: huruf, angka, titik, garis miring, atau tanda hubung.",
                "The institution's registry/licence number is 3–40 characters: letters, digits, dots, slashes or dashes."),
            code=Code.REGISTRY_NUMBER, field="registry_number",
        )
    name = " ".join((name or "").split())
    if len(name) < 5:
        raise ValidationFailed(Msg("Nama lembaga minimal 5 karakter.", "The institution's name needs at least 5 characters."),
                               code=Code.NAME, field="name")
    if kind not in Institution.Kind.values:
        raise ValidationFailed(Msg("Pilih jenis lembaga.", "Choose the kind of institution."), code=Code.KIND, field="kind")
    if regency is None:
        raise ValidationFailed(Msg("Pilih kabupaten/kota lembaga.", "Choose the institution's regency/city."), code=Code.REGENCY, field="regency")
    return number, name


# A citizen may have at most this many registrations waiting (or rejected) at once: the approvers'
# queue is not a place to dump copies.
MAX_OPEN_REGISTRATIONS = 3


def _registry_conflict(number: str) -> Conflict:
    return Conflict(Msg("Nomor registrasi {n} sudah terdaftar atas lembaga lain (atau sangat mirip dengannya). "
                        "Bila Anda staf lembaga itu, minta pengelolanya menambahkan Anda.",
                        "Registry number {n} is already registered to another institution (or one very like it). "
                        "If you work there, ask its manager to add you.").format(n=number),
                    code=Code.EXISTS, field="registry_number")


def _record_status(*, institution: Institution, actor: User, status: str, at: dt.datetime, reason: str = "") -> None:
    InstitutionStatusChange.objects.create(institution=institution, status=status, at=at,
                                           actor=actor if getattr(actor, "is_authenticated", False) else None, reason=reason)


@transaction.atomic(durable=True)
def institution_register(
    *, actor: User, registry_number: str, name: str, kind: str, regency: Regency, address: str = "", phone: str = "",
    email: str = "", licence_number: str = "",
) -> Institution:
    """Register a training institution. It is *pending* until the authority approves it (a regional
    officer of its area for BLK UPTD/Komunitas and LPK, a ministry curator for UPTP and overseas BLKs);
    the registrant becomes its manager, but a pending institution can touch no people, programs or
    certificates. A private LPK also needs LA-LPK accreditation before it opens programs."""
    require(actor, "institution.register")
    number, name = _clean(registry_number=registry_number, name=name, kind=kind, regency=regency)
    key = domain.registry_key(number)
    if Institution.objects.filter(registry_key=key).exists():
        raise _registry_conflict(number)
    waiting = Institution.objects.filter(
        registered_by=actor, status__in=[Institution.Status.PENDING, Institution.Status.REJECTED]
    ).count()
    if waiting >= MAX_OPEN_REGISTRATIONS:
        raise Conflict(Msg("Anda sudah memiliki {n} pendaftaran lembaga yang belum disetujui. Tunggu keputusannya dulu.",
                           "You already have {n} institution registrations awaiting a decision. Wait for them first.").format(
                               n=waiting), code=Code.REGISTRATIONS_OPEN)
    now = timezone.now()
    try:
        with transaction.atomic():
            institution = Institution.objects.create(
                registry_number=number, registry_key=key, name=name, kind=kind, regency=regency, address=address.strip(),
                phone=phone.strip(), email=email.strip().lower(), licence_number=" ".join(licence_number.split())[:60],
                status=Institution.Status.PENDING, status_changed_at=now, registered_by=actor,
            )
    except IntegrityError as exc:
        raise _registry_conflict(number) from exc
    _record_status(institution=institution, actor=actor, status=Institution.Status.PENDING, at=now)
    RoleAssignment.objects.create(user=actor, role=Role.INSTITUTION_MANAGER, institution=institution, granted_by=actor)
    audit.record(actor=actor, action=Audit.REGISTERED, obj=institution, after=audit.snapshot(institution, FIELDS), at=now)
    _notify_approvers(institution=institution)
    return institution


def _notify_approvers(*, institution: Institution) -> None:
    # A link, not a path through the menu ("Lembaga → Persetujuan": the arrow also made the SMS UCS-2, 70 a part).
    text = Msg("Pendaftaran lembaga baru menunggu persetujuan Anda: {name} ({kind}, {number}, {regency}). "
               "Periksa izin/SK/VIN-nya: {link}",
               "A new institution registration awaits your approval: {name} ({kind}, {number}, {regency}). "
               "Check its licence/decree/VIN: {link}").format(
                   name=institution.name, kind=institution.get_kind_display(), number=institution.registry_number,
                   regency=institution.regency.name, link=links.absolute(reverse("institutions:review_queue")))
    for user in selectors.approvers_of(institution=institution):
        notify_user(user=user, topic="institution.pending", subject=f"Sisnaker: {institution.name}",
                    text=text.en if user.preferred_language == "en" else text.id)


IDENTITY_REVIEW_NEEDED = Msg(
    "Nama, jenis, atau kabupaten/kota lembaga adalah data yang diperiksa saat lembaga disetujui. Bila diubah, lembaga "
    "kembali menunggu persetujuan {who}, dan selama itu program serta peserta tidak dapat dikelola. Centang "
    "konfirmasinya bila memang ingin mengubahnya.",
    "The institution's name, kind and regency are what was checked when it was approved. If they change, the "
    "institution awaits approval by {who_en} again, and meanwhile its programs and participants cannot be managed. "
    "Tick the confirmation if you do want to change them.")
IDENTITY_LOCKED = Msg(
    "Lembaga ini sedang dibekukan: nama, jenis, dan kabupaten/kota lembaga tidak dapat diubah. Hubungi pihak yang "
    "membekukannya; alamat dan kontak tetap dapat diubah.",
    "This institution is suspended: its name, kind and regency cannot be changed. Contact whoever suspended it; the "
    "address and contacts can still be changed.")


@transaction.atomic(durable=True)
def institution_update(
    *, actor: User, institution: Institution, name: str, kind: str, regency: Regency, address: str = "", phone: str = "",
    email: str = "", confirm_review: bool = False,
) -> Institution:
    """Its manager changes the institution's data. Address and contacts change at once; the name, kind and regency
    (``domain.IDENTITY_FIELDS``, what the authority checked) change freely while pending or rejected, on an approved
    institution only with ``confirm_review`` — it goes back to pending for the (new) authority, who is told — and on
    a suspended one never (``domain.edit_outcome``)."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require(actor, "institution.edit", institution)
    _, name = _clean(registry_number=institution.registry_number, name=name, kind=kind, regency=regency)
    changed = [f for f, new in (("name", name), ("kind", kind), ("regency", regency.code))
               if (institution.regency_id if f == "regency" else getattr(institution, f)) != new]
    outcome = domain.edit_outcome(status=institution.status, identity_changed=bool(changed))
    if outcome == domain.REFUSE:
        raise Conflict(IDENTITY_LOCKED, code=Code.IDENTITY_LOCKED, field=changed[0])
    if outcome == domain.REVIEW and not confirm_review:
        who = domain.approver_name(kind)
        raise Conflict(IDENTITY_REVIEW_NEEDED.format(who=who.id, who_en=who.en), code=Code.REVIEW_NEEDED, field="confirm_review")
    before = audit.snapshot(institution, FIELDS)
    now = timezone.now()
    institution.name, institution.kind, institution.regency = name, kind, regency
    institution.address, institution.phone, institution.email = address.strip(), phone.strip(), email.strip().lower()
    if outcome == domain.REVIEW:
        institution.status = domain.institution_next_status(action="change_identity", status=institution.status)
        institution.status_reason, institution.status_changed_at = "", now
    institution.save()
    if outcome == domain.REVIEW:
        _record_status(institution=institution, actor=actor, status=institution.status, at=now)
    b, a = audit.changes(before, audit.snapshot(institution, FIELDS))
    if not a:
        return institution
    audit.record(actor=actor, action=Audit.IDENTITY_CHANGED if outcome == domain.REVIEW else Audit.UPDATED,
                 obj=institution, before=b, after=a, at=now)
    if changed and institution.status == Institution.Status.PENDING:
        # Pending (again), with data the authority has not seen, or now another authority's to decide: tell them.
        transaction.on_commit(lambda: _notify_approvers(institution=institution))
    return institution


@transaction.atomic(durable=True)
def institution_set_accreditation(
    *, actor: User, institution: Institution, status: str, grade: str = "", number: str = "", valid_until: dt.date | None = None
) -> Institution:
    """A ministry curator records the LA-LPK accreditation (or its revocation)."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require(actor, "institution.accredit", institution)
    if status not in Institution.Accreditation.values:
        raise ValidationFailed(Msg("Status akreditasi tidak dikenal.", "Unknown accreditation status."), code=Code.ACCREDITATION_STATUS, field="status")
    if status == Institution.Accreditation.ACCREDITED and (grade not in Institution.Grade.values or valid_until is None):
        raise ValidationFailed(Msg("Akreditasi memerlukan peringkat (A/B/C) dan tanggal berlaku.",
                                   "Accreditation needs a grade (A/B/C) and a valid-until date."), code=Code.ACCREDITATION_INCOMPLETE, field="grade")
    fields = ["accreditation_status", "accreditation_grade", "accreditation_number", "accreditation_valid_until"]
    before = audit.snapshot(institution, fields)
    institution.accreditation_status = status
    institution.accreditation_grade = grade if status == "accredited" else ""
    institution.accreditation_number = number.strip()
    institution.accreditation_valid_until = valid_until if status == "accredited" else None
    institution.save()
    audit.record(actor=actor, action=Audit.ACCREDITATION_SET, obj=institution, before=before, after=audit.snapshot(institution, fields))
    return institution


REVIEW_ACTIONS = ("approve", "reject", "suspend", "reinstate")


@transaction.atomic(durable=True)
def institution_review(
    *, actor: User, institution: Institution, action: str, reason: str = "", licence_number: str | None = None,
) -> Institution:
    """The authority decides on an institution: ``approve`` (a pending one, after checking its licence /
    decree / VIN number, which must be recorded), ``reject`` (a pending one, with the reason the manager
    will read), ``suspend`` (an approved one, with a reason) or ``reinstate`` (a suspended one). Recorded
    in the status history and the audit trail; the institution's managers are told."""
    if action not in REVIEW_ACTIONS:
        raise ValidationFailed(Msg("Tindakan tidak dikenal.", "Unknown action."), code=Code.REVIEW_ACTION, field="action")
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require(actor, "institution.review", institution)
    if institution.registered_by_id == actor.pk or RoleAssignment.objects.filter(
            user=actor, institution=institution, is_active=True).exists():
        # Vetting is someone else's check: an officer or curator who registered (or works at) the institution
        # would otherwise approve it themself, or lift its suspension.
        raise PermissionDenied(Msg("Anda terdaftar sebagai pendaftar atau staf lembaga ini, sehingga tidak dapat "
                                   "memutuskannya. Keputusan diambil oleh petugas lain yang berwenang.",
                                   "You registered or work at this institution, so you cannot decide on it. Another "
                                   "authorised officer decides."), code=Code.OWN_INSTITUTION)
    to = domain.institution_next_status(action=action, status=institution.status)
    if to is None:
        raise Conflict(domain.transition_refusal(action=action, status=institution.status), code=Code.STATUS)
    reason = (reason or "").strip()
    if action in domain.REASON_REQUIRED and not reason:
        raise ValidationFailed(Msg("Tuliskan alasannya; pengelola lembaga akan membacanya.",
                                   "Write the reason; the institution's manager will read it."), code=CoreCode.REASON_REQUIRED, field="reason")
    if licence_number is not None and licence_number.strip():
        institution.licence_number = " ".join(licence_number.split())[:60]
    if action == "approve" and not institution.licence_number:
        raise ValidationFailed(Msg("Catat nomor izin operasional / SK pendirian / VIN yang sudah Anda periksa sebelum menyetujui.",
                                   "Record the operating licence / establishment decree / VIN number you checked before approving."),
                               code=Code.LICENCE_NUMBER_REQUIRED, field="licence_number")
    before = {"status": institution.status, "licence_number": institution.licence_number}
    now = timezone.now()
    institution.status, institution.status_reason, institution.status_changed_at = to, reason, now
    institution.save(update_fields=["status", "status_reason", "status_changed_at", "licence_number"])
    _record_status(institution=institution, actor=actor, status=to, at=now, reason=reason)
    audit.record(actor=actor, action=REVIEW_AUDIT[action], obj=institution, before=before,
                 after={"status": to, "licence_number": institution.licence_number}, reason=reason, at=now)
    _notify_managers(institution=institution, action=action, reason=reason)
    return institution


@transaction.atomic(durable=True)
def institution_resubmit(*, actor: User, institution: Institution) -> Institution:
    """After a rejection the manager corrects the data and asks again: back to pending."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require(actor, "institution.edit", institution)
    to = domain.institution_next_status(action="resubmit", status=institution.status)
    if to is None:
        raise Conflict(domain.transition_refusal(action="resubmit", status=institution.status), code=Code.STATUS)
    now = timezone.now()
    before = institution.status
    institution.status, institution.status_reason, institution.status_changed_at = to, "", now
    institution.save(update_fields=["status", "status_reason", "status_changed_at"])
    _record_status(institution=institution, actor=actor, status=to, at=now)
    audit.record(actor=actor, action=Audit.RESUBMITTED, obj=institution, before={"status": before}, after={"status": to}, at=now)
    return institution


_DECISION_TEXT = {
    "approve": Msg("Lembaga {name} ({number}) telah DISETUJUI. Anda sekarang dapat membuka program dan mengelola peserta di Sisnaker.",
                   "Institution {name} ({number}) has been APPROVED. You can now open programs and manage participants in Sisnaker."),
    "reject": Msg("Pendaftaran lembaga {name} ({number}) DITOLAK. Alasan: {reason}. Perbaiki datanya lalu ajukan ulang di Sisnaker.",
                  "The registration of institution {name} ({number}) was REJECTED. Reason: {reason}. Correct it and resubmit in Sisnaker."),
    "suspend": Msg("Lembaga {name} ({number}) DIBEKUKAN. Alasan: {reason}. Selama dibekukan, program dan peserta tidak dapat dikelola.",
                   "Institution {name} ({number}) has been SUSPENDED. Reason: {reason}. While suspended, programs and participants cannot be managed."),
    "reinstate": Msg("Lembaga {name} ({number}) telah DIAKTIFKAN KEMBALI. Catatan: {reason}.",
                     "Institution {name} ({number}) has been REINSTATED. Note: {reason}."),
}


# Approved (or reinstated) is not yet "you can open programs" for a private LPK without a valid LA-LPK accreditation:
# the message said it could, then publishing was refused with nobody named to ask.
_STILL_NEEDS = Msg("Namun program belum dapat dibuka: {blocker} Akreditasi dicatat oleh kurator Kementerian Ketenagakerjaan; "
                   "kirimkan nomor, peringkat, dan masa berlaku sertifikat akreditasi LA-LPK Anda kepada kurator.",
                   "Programs cannot be opened yet, though: {blocker_en} The accreditation is recorded by a Ministry of Manpower "
                   "curator; send the number, grade and validity of your LA-LPK accreditation certificate to the curator.")


def _notify_managers(*, institution: Institution, action: str, reason: str) -> None:
    text = _DECISION_TEXT[action].format(name=institution.name, number=institution.registry_number, reason=reason or "-")
    if action in ("approve", "reinstate"):
        blocker = domain.publish_blocker(kind=institution.kind, institution_status="approved", status=institution.accreditation_status,
                                         valid_until=institution.accreditation_valid_until, today=timezone.localdate())
        if blocker is not None:
            still = _STILL_NEEDS.format(blocker=blocker.id, blocker_en=blocker.en)
            text = Msg(f"{text.id} {still.id}", f"{text.en} {still.en}")
    for user in selectors.managers_of(institution=institution):
        notify_user(user=user, topic=f"institution.{action}", subject=f"Sisnaker: {institution.name}",
                    text=text.en if user.preferred_language == "en" else text.id)


STAFF_NOT_FOUND = Msg("Akun tidak ditemukan (atau ditemukan lebih dari satu). Periksa lagi datanya.",
                      "Account not found (or more than one matched). Check the details.")


@transaction.atomic(durable=True)
def institution_add_staff(
    *, actor: User, institution: Institution, role: str, user: User | None = None, username: str = "", email: str = "",
    phone: str = "",
) -> RoleAssignment:
    """A manager attaches an existing account as instructor (or co-manager) of the institution: ``user``,
    or the one active account with this ``username``, ``email`` or ``phone``. Permission is checked
    before the account is looked for, so a refusal reveals nothing about accounts."""
    require(actor, "institution.manage_staff", institution)
    if user is None:
        if not (username.strip() or email.strip() or phone.strip()):
            raise ValidationFailed(Msg("Isi nama pengguna, e-mail, atau nomor HP akun yang ditambahkan.",
                                       "Give the account's username, e-mail or phone."), code=Code.STAFF_IDENTIFIER,
                                   field="username")
        found = account_selectors.active_users_by_contact(username=username, email=email, phone=phone, limit=2)
        if len(found) != 1:
            raise NotFound(STAFF_NOT_FOUND, code=CoreCode.USER_NOT_FOUND, field="username")
        user = found[0]
    if role not in (Role.INSTRUCTOR, Role.INSTITUTION_MANAGER):
        raise ValidationFailed(Msg("Peran harus instruktur atau pengelola.", "The role must be instructor or manager."), code=Code.STAFF_ROLE)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, institution=institution, defaults={"granted_by": actor}
    )
    if not created and assignment.is_active:
        raise Conflict(Msg("Akun ini sudah memegang peran tersebut di lembaga ini.", "This account already holds that role here."), code=AccountCode.ROLE_EXISTS)
    if not created:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    audit.record(actor=actor, action=Audit.STAFF_ADDED, obj=assignment, after={"user": user.pk, "role": role, "institution": institution.pk})
    return assignment
