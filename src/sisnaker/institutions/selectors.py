"""Reads for institutions: one institution, "my institutions", its staff, the approvers' queue, the status
history, who approves what."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.core.roles import Role

from . import domain
from .models import Institution, InstitutionStatusChange

QUEUE_STATUSES = tuple(Institution.Status.values)
STAFF_ROLES = (Role.INSTITUTION_MANAGER, Role.INSTRUCTOR)


def institution_get(*, pk: int) -> Institution | None:
    return Institution.objects.select_related("regency__province").filter(pk=pk).first()


def institution_by_registry_number(*, number: str) -> Institution | None:
    """The institution whose registry number folds to the same key (``domain.registry_key``)."""
    return Institution.objects.filter(registry_key=domain.registry_key(number)).first()


def institutions_search(*, q: str = "") -> QuerySet[Institution]:
    """Every institution by name (the national view of curators), searched by name or registry number."""
    qs = Institution.objects.select_related("regency").order_by("name")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(registry_number__icontains=q))
    return qs


def staff_roles_of(*, user: User) -> QuerySet[RoleAssignment]:
    """The user's active roles at institutions (manager, instructor), with each institution."""
    return (RoleAssignment.objects.filter(user=user, is_active=True, role__in=STAFF_ROLES)
            .select_related("institution__regency").order_by("institution__name"))


def staff_of(*, institution: Institution) -> QuerySet[RoleAssignment]:
    """Everyone holding an active role at the institution, with their person."""
    return (RoleAssignment.objects.filter(institution=institution, is_active=True).select_related("user__person")
            .order_by("role", "user__username"))


def managers_of(*, institution: Institution) -> QuerySet[User]:
    """The institution's active managers (they hear the authority's decisions)."""
    return User.objects.filter(role_assignments__institution=institution, role_assignments__role=Role.INSTITUTION_MANAGER,
                               role_assignments__is_active=True, is_active=True).distinct()


def _reviewable(viewer: User) -> Q | None:
    """The institutions ``viewer`` may vet, as a filter (None: none at all). Mirrors the
    ``institution.review`` rule: regional officers for locally licensed kinds in their area,
    curators for the ministry's own kinds, administrators everything."""
    grants = viewer.grants
    if any(g.role == Role.ADMIN for g in grants):
        return Q()
    ministry = list(domain.MINISTRY_KINDS)
    parts = Q(pk__in=[])
    any_grant = False
    for g in grants:
        if g.role == Role.CURATOR:
            parts |= Q(kind__in=ministry)
            any_grant = True
        elif g.role == Role.REGIONAL_OFFICER and g.region_code:
            area = Q(regency_id=g.region_code) if "." in g.region_code else Q(regency__province_id=g.region_code)
            parts |= area & ~Q(kind__in=ministry)
            any_grant = True
    return parts if any_grant else None


def may_review_any(*, viewer: User) -> bool:
    return getattr(viewer, "is_authenticated", False) and _reviewable(viewer) is not None


def review_queue(*, viewer: User, status: str = "pending", q: str = "") -> QuerySet[Institution]:
    """Institutions in ``viewer``'s vetting scope with ``status`` (oldest registration first, so the
    queue is worked in order), optionally searched by name or registry number."""
    scope = _reviewable(viewer)
    if scope is None:
        return Institution.objects.none()
    qs = Institution.objects.filter(scope).select_related("regency__province", "registered_by")
    if status in QUEUE_STATUSES:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(registry_number__icontains=q) | Q(registry_key=domain.registry_key(q)))
    return qs.order_by("created_at", "pk")


def queue_counts(*, viewer: User) -> dict[str, int]:
    """How many institutions of each status the viewer's queue holds (one grouped query)."""
    scope = _reviewable(viewer)
    counts = dict.fromkeys(QUEUE_STATUSES, 0)
    if scope is None:
        return counts
    for row in Institution.objects.filter(scope).values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def status_history(*, institution: Institution) -> list[InstitutionStatusChange]:
    return list(InstitutionStatusChange.objects.filter(institution=institution).select_related("actor").order_by("at", "pk"))


def status_at(*, institution_id: int, when: dt.datetime) -> str | None:
    """The institution's vetting status in force at ``when`` (None: it did not exist yet)."""
    changes = list(InstitutionStatusChange.objects.filter(institution_id=institution_id, at__lte=when)
                   .order_by("at", "pk").values_list("at", "status"))
    return domain.status_at(changes, when)


def approvers_of(*, institution: Institution) -> QuerySet[User]:
    """The accounts that vet ``institution``: regional officers of its regency or province for locally
    licensed kinds, ministry curators for UPTP and overseas BLKs."""
    active = Q(role_assignments__is_active=True, is_active=True)
    if domain.approval_authority(institution.kind) == "ministry":
        who = Q(role_assignments__role=Role.CURATOR)
    else:
        who = Q(role_assignments__role=Role.REGIONAL_OFFICER) & (
            Q(role_assignments__region_code=institution.regency_id)
            | Q(role_assignments__region_code=institution.regency.province_id)
        )
    return User.objects.filter(active & who).distinct()
