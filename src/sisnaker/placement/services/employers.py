"""Employers: a signed-in user registers a company (pending; they become its manager with the employer role),
a regional officer of the company's regency office approves or rejects it (with a reason), suspends or
reinstates it; after a rejection the staff correct it and resubmit; the staff keep its data up to date (a change
of its identity — name, NIB, regency — sends an approved company back to the office: ``domain.company_edit_outcome``);
the manager of an approved company adds staff accounts; the manager hands the role over and removes staff.
Transitions: ``domain.COMPANY_TRANSITIONS``. Every service locks the company row first, then its role rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from sisnaker.accounts import selectors as account_selectors
from sisnaker.accounts.codes import Code as AccountCode
from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.core import audit
from sisnaker.core.codes import Code as CoreCode
from sisnaker.core.errors import Conflict, Msg, NotFound, ValidationFailed
from sisnaker.core.permissions import require
from sisnaker.core.roles import Role
from sisnaker.notifications.services import notify_user
from sisnaker.regions.models import District, Regency

from .. import domain
from ..codes import COMPANY_REVIEW_AUDIT, JobsAudit, JobsCode
from ..models import Company

FIELDS = ["name", "nib", "sector", "regency", "district", "address", "contact_name", "phone", "email", "status"]
MAX_OPEN_REGISTRATIONS = 3
REASON_MAX = 1000


@dataclass(frozen=True, slots=True)
class CompanyData:
    name: str
    nib: str
    sector: str
    regency: Regency | None
    district: District | None = None
    address: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""


def _clean(data: CompanyData) -> dict:
    name = " ".join((data.name or "").split())
    if not domain.COMPANY_NAME_MIN <= len(name) <= 200:
        raise ValidationFailed(Msg("Nama perusahaan 3–200 karakter.", "The company's name is 3–200 characters."),
                               code=JobsCode.COMPANY_FIELD, field="name")
    nib = domain.nib_clean(data.nib)
    if nib is None:
        raise ValidationFailed(Msg("NIB (Nomor Induk Berusaha dari OSS) terdiri dari 13 angka.",
                                   "The NIB (business identity number from OSS) is 13 digits."), code=JobsCode.NIB_INVALID, field="nib")
    if data.sector not in domain.KBLI_LETTERS:
        raise ValidationFailed(Msg("Pilih sektor usaha (KBLI).", "Choose the business sector (KBLI)."), code=JobsCode.COMPANY_FIELD, field="sector")
    if data.regency is None:
        raise ValidationFailed(Msg("Pilih kabupaten/kota perusahaan.", "Choose the company's regency/city."), code=JobsCode.COMPANY_FIELD,
                               field="regency")
    if data.district is not None and data.district.regency_id != data.regency.pk:
        raise ValidationFailed(Msg("Kecamatan tidak berada di kabupaten/kota yang dipilih.", "The district is not in the chosen regency."),
                               code=JobsCode.COMPANY_FIELD, field="district")
    if not (data.phone or "").strip() and not (data.email or "").strip():
        raise ValidationFailed(Msg("Isi nomor telepon atau e-mail kontak perusahaan.", "Give the company's contact phone or e-mail."),
                               code=JobsCode.COMPANY_FIELD, field="phone")
    return dict(name=name, nib=nib, sector=data.sector, regency=data.regency, district=data.district,
                address=" ".join((data.address or "").split())[:300], contact_name=" ".join((data.contact_name or "").split())[:150],
                phone=(data.phone or "").strip()[:30], email=(data.email or "").strip().lower())


def _nib_conflict(nib: str) -> Conflict:
    return Conflict(Msg("NIB {n} sudah terdaftar atas perusahaan lain. Bila Anda staf perusahaan itu, minta pengelolanya "
                        "menambahkan Anda.",
                        "NIB {n} is already registered to another company. If you work there, ask its manager to add you.").format(n=nib),
                    code=JobsCode.NIB_EXISTS, field="nib")


def approvers_of(company: Company):
    """Regional officers of the company's regency office: who vet it."""
    return User.objects.filter(is_active=True, role_assignments__is_active=True, role_assignments__role=Role.REGIONAL_OFFICER,
                               role_assignments__region_code=company.regency_id).distinct()


def _tell(users, *, topic: str, subject: str, text: Msg) -> None:
    for user in users:
        notify_user(user=user, topic=topic, subject=subject, text=text.en if user.preferred_language == "en" else text.id)


@transaction.atomic(durable=True)
def company_register(*, actor: User, data: CompanyData, now: dt.datetime) -> Company:
    """Register a company: *pending* until a regional officer of its regency approves it. The registrant
    becomes its manager (employer role); until approval the company can publish nothing."""
    require(actor, "company.register")
    values = _clean(data)
    if Company.objects.filter(nib=values["nib"]).exists():
        raise _nib_conflict(values["nib"])
    waiting = Company.objects.filter(registered_by=actor, status__in=[domain.CompanyStatus.PENDING, domain.CompanyStatus.REJECTED]).count()
    if waiting >= MAX_OPEN_REGISTRATIONS:
        raise Conflict(Msg("Anda sudah memiliki {n} pendaftaran perusahaan yang belum disetujui.",
                           "You already have {n} company registrations awaiting a decision.").format(n=waiting),
                       code=JobsCode.COMPANY_REGISTRATIONS_OPEN)
    try:
        with transaction.atomic():
            company = Company.objects.create(**values, status=domain.CompanyStatus.PENDING, status_changed_at=now,
                                             registered_by=actor, manager=actor)
    except IntegrityError as exc:  # the same NIB registered at the same moment
        raise _nib_conflict(values["nib"]) from exc
    RoleAssignment.objects.create(user=actor, role=Role.EMPLOYER, company=company, granted_by=actor)
    audit.record(actor=actor, action=JobsAudit.COMPANY_REGISTERED, obj=company, after=audit.snapshot(company, FIELDS), at=now)
    _tell(approvers_of(company), topic="company.pending", subject=f"Sisnaker: {company.name}",
          text=Msg("Pendaftaran perusahaan baru menunggu persetujuan Anda: {name} (NIB {nib}). Periksa NIB-nya di OSS.",
                   "A new company registration awaits your approval: {name} (NIB {nib}). Check its NIB in OSS.").format(
                       name=company.name, nib=company.nib))
    return company


def _locked(company_id: int) -> Company:
    company = Company.objects.select_for_update().filter(pk=company_id).first()
    if company is None:
        raise NotFound(Msg("Perusahaan tidak ditemukan.", "Company not found."), code=JobsCode.COMPANY_NOT_FOUND)
    return company


_DECISION_TEXT = {
    "approve": Msg("Perusahaan {name} telah DISETUJUI. Anda sekarang dapat menayangkan lowongan di Sisnaker.",
                   "Company {name} has been APPROVED. You can now publish vacancies in Sisnaker."),
    "reject": Msg("Pendaftaran perusahaan {name} DITOLAK. Alasan: {reason}. Perbaiki datanya lalu ajukan ulang.",
                  "The registration of company {name} was REJECTED. Reason: {reason}. Correct it and resubmit."),
    "suspend": Msg("Perusahaan {name} DIBEKUKAN. Alasan: {reason}. Lowongannya tidak tayang selama dibekukan.",
                   "Company {name} has been SUSPENDED. Reason: {reason}. Its vacancies are hidden while it is suspended."),
    "reinstate": Msg("Perusahaan {name} telah DIAKTIFKAN KEMBALI. Catatan: {reason}.", "Company {name} has been REINSTATED. Note: {reason}."),
}


@transaction.atomic(durable=True)
def company_review(*, actor: User, company_id: int, action: str, reason: str = "", now: dt.datetime) -> Company:
    """A regional officer of the company's regency office decides: approve or reject (with a reason) a pending
    company, suspend (with a reason) an approved one, reinstate (with a note) a suspended one. Its staff are told."""
    if action not in domain.COMPANY_REVIEW_ACTIONS:
        raise ValidationFailed(Msg("Tindakan tidak dikenal.", "Unknown action."), code=JobsCode.COMPANY_STATUS, field="action")
    company = _locked(company_id)
    require(actor, "company.review", company)
    to = domain.company_next_status(action=action, status=company.status)
    if to is None:
        raise Conflict(domain.company_transition_refusal(status=company.status), code=JobsCode.COMPANY_STATUS)
    reason = " ".join((reason or "").split())
    if action in domain.REASON_REQUIRED_ACTIONS and not reason:
        raise ValidationFailed(Msg("Tuliskan alasannya; perusahaan akan membacanya.", "Write the reason; the company will read it."),
                               code=CoreCode.REASON_REQUIRED, field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(Msg("Alasan paling banyak {n} karakter.", "The reason is at most {n} characters.").format(n=REASON_MAX),
                               code=JobsCode.COMPANY_FIELD, field="reason")
    before = {"status": company.status}
    company.status, company.status_reason, company.status_changed_at = to, reason, now
    company.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit.record(actor=actor, action=COMPANY_REVIEW_AUDIT[action], obj=company, before=before, after={"status": to},
                 reason=reason, at=now)
    staff = User.objects.filter(is_active=True, role_assignments__company=company, role_assignments__is_active=True).distinct()
    _tell(staff, topic=f"company.{action}", subject=f"Sisnaker: {company.name}",
          text=_DECISION_TEXT[action].format(name=company.name, reason=reason or "-"))
    return company


@transaction.atomic(durable=True)
def company_resubmit(*, actor: User, company_id: int, data: CompanyData, now: dt.datetime) -> Company:
    """After a rejection its staff correct the data and ask again: back to pending."""
    company = _locked(company_id)
    require(actor, "company.edit", company)
    return _resubmit(actor=actor, company=company, values=_checked_values(company, data), now=now)


def _checked_values(company: Company, data: CompanyData) -> dict:
    values = _clean(data)
    if Company.objects.filter(nib=values["nib"]).exclude(pk=company.pk).exists():
        raise _nib_conflict(values["nib"])
    return values


def _save(company: Company, values: dict) -> None:
    for name, value in values.items():
        setattr(company, name, value)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as exc:  # the same NIB taken by another company at the same moment
        raise _nib_conflict(values["nib"]) from exc


def _resubmit(*, actor: User, company: Company, values: dict, now: dt.datetime) -> Company:
    to = domain.company_next_status(action="resubmit", status=company.status)
    if to is None:
        raise Conflict(domain.company_transition_refusal(status=company.status), code=JobsCode.COMPANY_STATUS)
    before = audit.snapshot(company, FIELDS)
    company.status, company.status_reason, company.status_changed_at = to, "", now
    _save(company, values)
    b, a = audit.changes(before, audit.snapshot(company, FIELDS))
    audit.record(actor=actor, action=JobsAudit.COMPANY_RESUBMITTED, obj=company, before=b, after=a, at=now)
    _tell_identity_review(company)
    return company


def _tell_identity_review(company: Company) -> None:
    _tell(approvers_of(company), topic="company.pending", subject=f"Sisnaker: {company.name}",
          text=Msg("Perusahaan {name} (NIB {nib}) menunggu pemeriksaan Anda: datanya diajukan atau diubah. Periksa NIB-nya di OSS.",
                   "Company {name} (NIB {nib}) awaits your review: its data were submitted or changed. Check its NIB in OSS.").format(
                       name=company.name, nib=company.nib))


def _identity_changed(company: Company, values: dict) -> list[str]:
    current = {"name": company.name, "nib": company.nib, "regency": company.regency_id}
    wanted = {"name": values["name"], "nib": values["nib"], "regency": values["regency"].pk}
    return [f for f in domain.COMPANY_IDENTITY_FIELDS if current[f] != wanted[f]]


REVIEW_NEEDED = Msg(
    "Nama, NIB dan kabupaten/kota perusahaan sudah diperiksa Disnaker. Mengubahnya mengembalikan perusahaan ke status "
    "\"menunggu persetujuan\": lowongannya tidak tayang dan pelamar tidak dapat diproses sampai Disnaker menyetujui lagi. "
    "Centang persetujuan di bawah bila Anda tetap ingin mengubahnya.",
    "The company's name, NIB and regency were checked by the regional office. Changing them returns the company to "
    "\"pending\": its vacancies are hidden and applicants cannot be handled until the office approves it again. Tick the "
    "confirmation below if you still want to change them.")
IDENTITY_LOCKED = Msg(
    "Perusahaan sedang dibekukan: nama, NIB dan kabupaten/kota tidak dapat diubah. Hubungi Disnaker kabupaten/kota "
    "Anda; alamat dan kontak tetap dapat diubah.",
    "The company is suspended: its name, NIB and regency cannot change. Contact your regency's manpower office; the "
    "address and contacts can still be changed.")


@transaction.atomic(durable=True)
def company_update(*, actor: User, company_id: int, data: CompanyData, confirm_review: bool = False,
                   now: dt.datetime) -> Company:
    """Its staff change the company's data. The sector, the district (in the same regency), the address and the
    contacts change at once. The identity the office checked (name, NIB, regency: ``domain.COMPANY_IDENTITY_FIELDS``)
    changes freely while the company is pending; on an approved company only with ``confirm_review``, and the
    company goes back to pending for the (new) regency office to approve again; on a suspended company never. A
    rejected company's corrected data are its resubmission. Each change is one audit row naming what changed."""
    company = _locked(company_id)
    require(actor, "company.edit", company)
    values = _checked_values(company, data)
    changed = _identity_changed(company, values)
    outcome = domain.company_edit_outcome(status=company.status, identity_changed=bool(changed))
    if outcome == domain.CompanyEdit.RESUBMIT:
        return _resubmit(actor=actor, company=company, values=values, now=now)
    if outcome == domain.CompanyEdit.REFUSE:
        raise Conflict(IDENTITY_LOCKED, code=JobsCode.COMPANY_IDENTITY_LOCKED, field=changed[0])
    if outcome == domain.CompanyEdit.REVIEW and not confirm_review:
        raise Conflict(REVIEW_NEEDED, code=JobsCode.COMPANY_REVIEW_NEEDED, field="confirm_review")
    before = audit.snapshot(company, FIELDS)
    if outcome == domain.CompanyEdit.REVIEW:
        company.status = domain.company_next_status(action="change_identity", status=company.status)
        company.status_reason, company.status_changed_at = "", now
    _save(company, values)
    b, a = audit.changes(before, audit.snapshot(company, FIELDS))
    if not a:
        return company
    action = JobsAudit.COMPANY_IDENTITY_CHANGED if outcome == domain.CompanyEdit.REVIEW else JobsAudit.COMPANY_UPDATED
    audit.record(actor=actor, action=action, obj=company, before=b, after=a, at=now)
    if changed:  # pending (again), with an identity the office has not seen: tell the office that decides now
        _tell_identity_review(company)
    return company


STAFF_NOT_FOUND = Msg("Akun tidak ditemukan (atau ditemukan lebih dari satu). Periksa lagi datanya.",
                      "Account not found (or more than one matched). Check the details.")


@transaction.atomic(durable=True)
def company_add_staff(*, actor: User, company_id: int, username: str = "", email: str = "", phone: str = "",
                      now: dt.datetime) -> RoleAssignment:
    """The manager of an approved company attaches an existing account as its staff (employer role). The
    permission is checked before the account is looked for, so a refusal reveals nothing about accounts."""
    company = _locked(company_id)
    require(actor, "company.manage_staff", company)
    if not (username.strip() or email.strip() or phone.strip()):
        raise ValidationFailed(Msg("Isi nama pengguna, e-mail, atau nomor HP akun yang ditambahkan.",
                                   "Give the account's username, e-mail or phone."), code=JobsCode.COMPANY_FIELD, field="username")
    found = account_selectors.active_users_by_contact(username=username, email=email, phone=phone, limit=2)
    if len(found) != 1:
        raise NotFound(STAFF_NOT_FOUND, code=CoreCode.USER_NOT_FOUND, field="username")
    user = found[0]
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=Role.EMPLOYER, company=company,
                                                               defaults={"granted_by": actor})
    if not created and assignment.is_active:
        raise Conflict(Msg("Akun ini sudah menjadi staf perusahaan ini.", "This account is already staff of this company."),
                       code=AccountCode.ROLE_EXISTS)
    if not created:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    audit.record(actor=actor, action=JobsAudit.COMPANY_STAFF_ADDED, obj=assignment,
                 after={"user": user.pk, "company": company.pk}, at=now)
    return assignment



def _active_staff_role(company: Company, user_id) -> RoleAssignment | None:
    return (RoleAssignment.objects.select_for_update().select_related("user")
            .filter(company=company, role=Role.EMPLOYER, is_active=True, user_id=user_id, user__is_active=True).first())


NOT_STAFF = Msg("Akun itu bukan staf aktif perusahaan ini.", "That account is not active staff of this company.")


@transaction.atomic(durable=True)
def company_hand_over(*, actor: User, company_id: int, to_user_id: int, leave: bool = False, now: dt.datetime) -> Company:
    """The manager makes another active staff member the company's manager (there is one manager). The old
    manager stays staff, or, with ``leave``, loses the company at once (their employer role ends). The new
    manager is told."""
    company = _locked(company_id)
    require(actor, "company.hand_over", company)
    if str(to_user_id) == str(company.manager_id):
        raise ValidationFailed(Msg("Akun itu sudah menjadi pengelola perusahaan ini.", "That account already manages this company."),
                               code=JobsCode.COMPANY_NOT_STAFF, field="user")
    target = _active_staff_role(company, to_user_id)
    if target is None:
        raise ValidationFailed(NOT_STAFF, code=JobsCode.COMPANY_NOT_STAFF, field="user")
    old_manager_id = company.manager_id
    company.manager = target.user
    company.save(update_fields=["manager"])
    audit.record(actor=actor, action=JobsAudit.COMPANY_MANAGER_CHANGED, obj=company, before={"manager": old_manager_id},
                 after={"manager": target.user_id}, at=now)
    if leave and old_manager_id is not None:
        old = _active_staff_role(company, old_manager_id)
        if old is not None:
            _end_role(actor=actor, assignment=old, company=company, reason="handed over and left", now=now)
    _tell([target.user], topic="company.manager", subject=f"Sisnaker: {company.name}",
          text=Msg("Anda sekarang pengelola perusahaan {name} di Sisnaker: Anda menambah dan mengeluarkan staf.",
                   "You now manage company {name} in Sisnaker: you add and remove its staff.").format(name=company.name))
    return company


def _end_role(*, actor: User, assignment: RoleAssignment, company: Company, reason: str, now: dt.datetime) -> None:
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    audit.record(actor=actor, action=JobsAudit.COMPANY_STAFF_REMOVED, obj=assignment, before={"is_active": True},
                 after={"is_active": False, "user": assignment.user_id, "company": company.pk}, reason=reason, at=now)


@transaction.atomic(durable=True)
def company_remove_staff(*, actor: User, company_id: int, user_id: int, now: dt.datetime) -> RoleAssignment:
    """The manager removes a staff member: their employer role of the company ends, so from their next request
    they see none of its vacancies or applicants (grants are read per request). The manager is never removed:
    they hand the role over first (``company_hand_over``, which may also let them leave)."""
    company = _locked(company_id)
    require(actor, "company.remove_staff", company)
    if str(user_id) == str(company.manager_id):
        raise Conflict(Msg("Pengelola tidak dapat dikeluarkan. Serahkan peran pengelola kepada staf lain terlebih dahulu.",
                           "The manager cannot be removed. Hand the manager role over to another staff member first."),
                       code=JobsCode.COMPANY_MANAGER_STAYS, field="user")
    assignment = _active_staff_role(company, user_id)
    if assignment is None:
        raise NotFound(NOT_STAFF, code=JobsCode.COMPANY_NOT_STAFF, field="user")
    _end_role(actor=actor, assignment=assignment, company=company, reason="", now=now)
    _tell([assignment.user], topic="company.staff_removed", subject=f"Sisnaker: {company.name}",
          text=Msg("Anda tidak lagi menjadi staf perusahaan {name} di Sisnaker.",
                   "You are no longer staff of company {name} in Sisnaker.").format(name=company.name))
    return assignment


@transaction.atomic(durable=True)
def company_leave(*, actor: User, company_id: int, now: dt.datetime) -> RoleAssignment:
    """A staff member leaves the company by themselves (``company.leave``, whatever the company's status): their
    employer role of it ends at once, so their very next request sees none of its vacancies or applicants
    (grants are read per request). Not the manager: they hand the role over first (``company_hand_over``, whose
    "leave" box does both). The manager is told."""
    company = _locked(company_id)
    require(actor, "company.leave", company)
    if str(actor.pk) == str(company.manager_id):
        raise Conflict(Msg("Anda pengelola perusahaan ini: serahkan dulu peran pengelola kepada staf lain (centang “Saya "
                           "keluar…” saat menyerahkan untuk sekaligus keluar).",
                           "You manage this company: first hand the manager role over to another staff member (tick “I "
                           "leave…” when handing over to leave at the same time)."),
                       code=JobsCode.COMPANY_MANAGER_STAYS)
    assignment = _active_staff_role(company, actor.pk)
    if assignment is None:
        raise NotFound(Msg("Anda bukan staf aktif perusahaan ini.", "You are not active staff of this company."),
                       code=JobsCode.COMPANY_NOT_STAFF)
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    audit.record(actor=actor, action=JobsAudit.COMPANY_STAFF_LEFT, obj=assignment, before={"is_active": True},
                 after={"is_active": False, "user": actor.pk, "company": company.pk}, at=now)
    if company.manager_id is not None:
        name = actor.get_full_name() or actor.get_username()
        _tell(User.objects.filter(pk=company.manager_id, is_active=True), topic="company.staff_left",
              subject=f"Sisnaker: {company.name}",
              text=Msg("{who} keluar dari perusahaan {name} di Sisnaker; aksesnya ke perusahaan sudah berakhir.",
                       "{who} left company {name} in Sisnaker; their access to the company has ended.").format(
                           who=name, name=company.name))
    return assignment
