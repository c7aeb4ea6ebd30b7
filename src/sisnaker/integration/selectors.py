"""Reads of integration: the PMO's partner list and one partner with its keys."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from sisnaker.accounts.models import User
from sisnaker.core.permissions import require

from .models import Partner, PartnerKey


def partners(*, actor: User) -> QuerySet[Partner]:
    require(actor, "integration.manage")
    return (Partner.objects.select_related("institution")
            .annotate(n_keys=Count("keys", filter=Q(keys__revoked_at__isnull=True))).order_by("state", "name", "id"))


def partner(*, actor: User, partner_id: int) -> Partner | None:
    require(actor, "integration.manage")
    return Partner.objects.select_related("institution", "created_by").filter(pk=partner_id).first()


def keys_of(*, partner: Partner) -> QuerySet[PartnerKey]:
    return PartnerKey.objects.filter(partner=partner).select_related("created_by").order_by("-created_at", "-id")
