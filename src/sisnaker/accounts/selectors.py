"""Reads for accounts and people."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from sisnaker.core import extensions, search
from sisnaker.core.errors import ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.permissions import can
from sisnaker.core.roles import STAFF_ROLES, Role
from sisnaker.regions.models import District, Regency

from .domain import added_by, normalize_phone
from .models import IdentityDispute, PasswordResetCode, Person, RoleAssignment, SignUpClaim, User, email_is

# Extension point (provided by payments): the person's current payout account, masked, as a dict (``provider``,
# ``channel``, ``number`` with only its last four digits, ``holder``, ``status``, ``status_label``), or None.
PAYOUT_ACCOUNT = "accounts.payout_account"


def payout_account_masked(person: Person) -> dict | None:
    return extensions.collect_one(PAYOUT_ACCOUNT, default=None, person=person)


@dataclass
class Home:
    display_name: str
    person: Person | None
    roles: list[dict] = field(default_factory=list)
    security_hint: bool = False
    dispute: IdentityDispute | None = None  # the latest identity dispute of an account without a record
    # A citizen account without a record and no open dispute: it may register its NIK (accounts:nik_register).
    nik_register: bool = False


def roles_of(*, user: User) -> list[dict]:
    assignments = (
        RoleAssignment.objects.filter(user=user, is_active=True)
        .select_related("institution", "company")
        .order_by("role")
    )
    out = []
    for a in assignments:
        scope = a.institution.name if a.institution else a.company.name if a.company else a.region_code
        out.append({"role": a.role, "label": a.get_role_display(), "scope": scope or ""})
    return out


def home_for(*, user: User) -> Home:
    person = Person.objects.select_related("domicile_district__regency").filter(user=user).first()
    roles = roles_of(user=user)
    is_staff_role = any(g.role in STAFF_ROLES for g in user.grants)
    has_otp = False
    if is_staff_role:
        has_otp = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    dispute = None if person else open_dispute_of(user=user)
    return Home(
        display_name=(person.full_name if person else user.get_full_name() or user.username),
        person=person,
        roles=roles,
        security_hint=is_staff_role and not has_otp,
        dispute=dispute,
        nik_register=_may_register_nik(user=user, has_person=person is not None,
                                       dispute_open=dispute is not None and dispute.status == IdentityDispute.Status.OPEN),
    )


def _may_register_nik(*, user: User, has_person: bool, dispute_open: bool) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.CITIZEN) and not has_person and not dispute_open


def nik_registration_open(*, user: User) -> bool:
    """Whether ``user`` may register a NIK on their account (``services.person_register_nik``): an active citizen
    account that holds no record and no open identity dispute."""
    return user.is_authenticated and _may_register_nik(
        user=user, has_person=Person.objects.filter(user=user).exists(),
        dispute_open=IdentityDispute.objects.filter(claimant=user, status=IdentityDispute.Status.OPEN).exists())


@dataclass(frozen=True)
class SignUpTaken:
    """What a sign-up's NIK, phone and e-mail address already belong to."""

    person_id: int | None  # the person holding the NIK, if any
    provisional: bool  # that person has no account of their own yet (added by an institution or a posko)
    phone_taken: bool
    email_taken: bool


def sign_up_lookup_sql(*, nik_index: str, phone: str, email: str) -> tuple[str, list]:
    """The one statement behind ``sign_up_taken`` (also for the benchmark's query plans)."""
    person, user = Person._meta.db_table, User._meta.db_table
    # Index probes only: the NIK's blind index, the phone, and LOWER(email) as the partial unique index
    # user_unique_email_ci holds it (non-empty addresses; see models.email_is).
    sql = f"SELECT id, user_id IS NULL, '', '' FROM {person} WHERE nik_index = %s"  # noqa: S608 (names from the models)
    params: list = [nik_index]
    wanted = []
    if phone:
        wanted.append("phone = %s")
        params.append(phone)
    if email:
        wanted.append("(LOWER(email) = LOWER(%s) AND NOT (email = ''))")
        params.append(email)
    if wanted:
        sql += f" UNION ALL SELECT NULL, NULL, phone, email FROM {user} WHERE {' OR '.join(wanted)}"  # noqa: S608
    return sql, params


def sign_up_taken(*, nik_index: str, phone: str, email: str) -> SignUpTaken:
    """Whether a sign-up's NIK (by its blind index), phone or e-mail address (any case) is already held, in one
    round trip: a sign-up asks this of every request at the Prakerja peak."""
    with connection.cursor() as cursor:
        cursor.execute(*sign_up_lookup_sql(nik_index=nik_index, phone=phone, email=email))
        rows = cursor.fetchall()
    holder = next((row for row in rows if row[0] is not None), None)
    contacts = [(p, e) for pk, _prov, p, e in rows if pk is None]
    return SignUpTaken(
        person_id=holder[0] if holder else None,
        provisional=bool(holder[1]) if holder else False,
        phone_taken=bool(phone) and any(p == phone for p, _e in contacts),
        email_taken=bool(email) and any((e or "").lower() == email.lower() for _p, e in contacts),
    )


def user_by_username(*, username: str) -> User | None:
    return User.objects.filter(username=username.strip()).first()


def active_users_by_contact(*, username: str = "", email: str = "", phone: str = "", limit: int = 2) -> list[User]:
    """Active accounts with this username, e-mail (any case) or mobile number (any way it is written), at
    most ``limit``: callers that need exactly one ask for two."""
    username, email, phone = username.strip(), email.strip().lower(), phone.strip()
    query = Q()
    if username:
        query |= Q(username=username)
    if email:
        query |= email_is(email)
    if phone:
        try:
            query |= Q(phone=normalize_phone(phone))
        except ValidationFailed:  # an unparseable phone simply matches nobody
            query |= Q(phone=phone)
    if not query:
        return []
    return list(User.objects.filter(query, is_active=True)[:limit])


def active_user(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


def authenticators_of(*, user: User) -> list[TOTPDevice]:
    """The account's confirmed authenticators, oldest first."""
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def pending_claim(*, token: str, account: User | None = None) -> SignUpClaim | None:
    """The claim waiting for its code, or None (unknown or completed): a sign-up's (``account`` None), or the one
    ``account`` started registering its NIK (``services.person_register_nik``) — never another's."""
    claim = SignUpClaim.objects.filter(token=(token or "")[:64], completed_at__isnull=True).first()
    if claim is None:
        return None
    started_by = (claim.declared or {}).get("account")
    return claim if started_by == (account.pk if account is not None else None) else None


def password_reset_pending(*, token: str) -> PasswordResetCode | None:
    """The password reset request waiting for its code, or None (unknown or used). Requests that led to
    no account are found too: the code page must not tell them apart."""
    return PasswordResetCode.objects.filter(token=(token or "")[:64], used_at__isnull=True).first()


def person_get(*, person_id: int) -> Person | None:
    """One person with what their full record shows (regions, the institution that added them)."""
    return (Person.objects.select_related("domicile_district__regency__province", "nik_regency__province", "nik_district",
                                          "added_by_institution").filter(pk=person_id).first())


def dispute_get(*, dispute_id: int) -> IdentityDispute | None:
    return (IdentityDispute.objects.select_related("person__nik_regency", "person__added_by_institution", "claimant",
                                                   "resolved_by").filter(pk=dispute_id).first())


def person_for_user(*, user: User) -> Person | None:
    return Person.objects.select_related("domicile_district__regency__province", "nik_regency__province", "nik_district").filter(user=user).first()


def person_data_export(*, person: Person) -> dict:
    """A person's own data as JSON-ready dict (their right of access under UU PDP)."""
    d = person.domicile_district
    return {
        "nik": person.nik,
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.get_sex_display(),
        "nik_region": {"regency": person.nik_regency.name, "district": person.nik_district.name if person.nik_district else None},
        "domicile": {"province": d.regency.province.name, "regency": d.regency.name, "district": d.name, "address": person.address},
        "education": person.get_education_display(),
        "disability": {"has_disability": person.has_disability, "kind": person.get_disability_kind_display() if person.disability_kind else ""},
        "contact": {"phone": person.phone, "email": person.email},
        "payout_account": _exported(payout_account_masked(person)),
        "notes_for_staff": person.nik_warnings,
        "registered_at": person.created_at.isoformat(),
        "updated_at": person.updated_at.isoformat(),
        "roles": [r["label"] for r in roles_of(user=person.user)] if person.user_id else [],
        "audit_trail": [
            {"at": e.at.isoformat(), "action": e.action, "by": e.actor_label}
            for e in AuditEvent.objects.filter(object_type="accounts.person", object_id=str(person.pk)).order_by("at")
        ],
        # What the other modules hold about the person (extension point ``accounts.person_data``: each
        # provider answers a dict of sections for ``person``).
        **{key: value for section in extensions.collect("accounts.person_data", person=person) for key, value in section.items()},
    }


def _exported(account: dict | None) -> dict | None:
    return {k: str(v) for k, v in account.items()} if account else None


def person_public_view(*, viewer: User, person: Person) -> dict:
    """What a staff member sees of a person: NIK unmasked only for roles that need it."""
    return {
        "person": person,
        "nik": person.nik if can(viewer, "person.view_nik", person) else person.nik_masked,
        "payout_account": payout_account_masked(person),
    }


def audit_events(*, object_type: str = "", action: str = "", actor: str = "", limit: int = 100, before_id: int | None = None) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if object_type:
        qs = qs.filter(object_type=object_type)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if before_id:
        qs = qs.filter(id__lt=before_id)
    return qs.order_by("-id")[:limit]


def people_in_scope(*, viewer: User, q: str = "", region: str = "") -> QuerySet[Person]:
    """People a staff member may list: a regional officer sees residents (domicile or NIK region) of
    their area; national roles see everyone. ``q`` is a name, phone or a full NIK (blind index)."""
    qs = Person.objects.select_related("domicile_district__regency", "nik_regency")
    grants = viewer.grants
    national = any(g.role in (Role.ADMIN, Role.CURATOR, Role.PMO_OFFICER) for g in grants)
    if not national:
        areas = [g.region_code for g in grants if g.role == Role.REGIONAL_OFFICER and g.region_code]
        if not areas:
            return qs.none()
        # The area's districts and regencies are read first from the (small) region tables and given to the person
        # query as lists of codes: matched by equality on the persons' indexed foreign keys (never a LIKE over every
        # person), and estimated from their statistics, so a small regency is read through its own rows (a sub-query
        # here made PostgreSQL guess three quarters of the country and walk the name index: 2.8 s for an empty
        # regency at 1,000,000 persons, against 1 ms now).
        districts: list[str] = []
        regencies: list[str] = []
        for area in areas:
            districts += District.objects.filter(code__startswith=area + ".").values_list("code", flat=True)
            regencies += Regency.objects.filter(code__startswith=area).values_list("code", flat=True)
        qs = qs.filter(Q(domicile_district_id__in=districts) | Q(nik_regency_id__in=regencies))
    if region:
        qs = qs.filter(domicile_district_id__in=list(District.objects.filter(code__startswith=region).values_list("code", flat=True)))
    q = (q or "").strip()
    digits = "".join(ch for ch in q if ch.isdigit())
    index = search.nik_index_of(q)
    if index:
        qs = qs.filter(nik_index=index)
    elif q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(phone__icontains=digits or q))
    return qs.order_by("full_name", "pk")


def home_region_code(*, user: User) -> str | None:
    """The region whose clock the user lives by: a citizen's domicile district, else the area of a
    regional officer, the regency of their institution or company."""
    person = Person.objects.filter(user=user).values_list("domicile_district_id", flat=True).first()
    if person:
        return person
    for assignment in RoleAssignment.objects.filter(user=user, is_active=True).select_related("institution", "company"):
        if assignment.role == Role.REGIONAL_OFFICER and assignment.region_code:
            return assignment.region_code
        if assignment.institution_id:
            return assignment.institution.regency_id
        if assignment.company_id:
            return assignment.company.regency_id
    return None


def officers_for_dispute(*, dispute) -> QuerySet[User]:
    """Regional officers of the NIK's regency or province: they decide an identity dispute."""
    regency = dispute.person.nik_regency_id
    return User.objects.filter(
        Q(role_assignments__region_code=regency) | Q(role_assignments__region_code=regency.split(".")[0]),
        role_assignments__role=Role.REGIONAL_OFFICER, role_assignments__is_active=True, is_active=True,
    ).distinct()


def disputes_in_scope(*, viewer: User, status: str = "open") -> QuerySet[IdentityDispute]:
    """Identity disputes a regional officer may decide (NIK region inside their area); all for national
    administrators. Oldest first."""
    qs = IdentityDispute.objects.select_related("person__nik_regency", "person__added_by_institution", "claimant").filter(status=status)
    if any(g.role == Role.ADMIN for g in viewer.grants):
        return qs.order_by("created_at", "pk")
    areas = [g.region_code for g in viewer.grants if g.role == Role.REGIONAL_OFFICER and g.region_code]
    if not areas:
        return qs.none()
    scope = Q(pk__in=[])
    for area in areas:
        scope |= Q(person__nik_regency_id=area) if "." in area else Q(person__nik_regency__province_id=area)
    return qs.filter(scope).order_by("created_at", "pk")


def open_dispute_of(*, user: User) -> IdentityDispute | None:
    """The account's latest identity dispute (open or decided), or None; ``added_by`` says who recorded the disputed
    record by kind only (never the institution's name: the claimant may not be its owner)."""
    dispute = (IdentityDispute.objects.select_related("person").filter(claimant=user)
               .order_by("-created_at", "-pk").first())
    if dispute is not None:
        dispute.added_by = added_by(institution_name="lembaga" if dispute.person.added_by_institution_id else "",
                                    by_staff=dispute.person.registered_by_id is not None, named=False)
    return dispute
