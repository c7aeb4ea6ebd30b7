"""Personal links as the readiness board shows them: the usable link of each participant (one query)."""

from __future__ import annotations

import datetime as dt

from sisnaker.training.models import Program

from ..models import Certificate, PersonalLink


def active_links(*, program: Program, now: dt.datetime) -> dict[int, dict]:
    """Enrollment id → its usable link (``expires_at``, ``first_used_at``, ``last_used_at``), for ``program``."""
    rows = (PersonalLink.objects.filter(enrollment__program=program, revoked_at__isnull=True, expires_at__gt=now)
            .values("enrollment_id", "expires_at", "first_used_at", "last_used_at"))
    return {r["enrollment_id"]: r for r in rows}


def link_expiry(*, link_id: int) -> dt.datetime | None:
    return PersonalLink.objects.filter(pk=link_id).values_list("expires_at", flat=True).first()


def certificate_downloadable(*, enrollment_id: int) -> bool:
    """Whether the enrollment has a certificate that is not revoked."""
    return Certificate.objects.filter(enrollment_id=enrollment_id, revoked_at__isnull=True).exists()
