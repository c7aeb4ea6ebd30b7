"""Personal links as the readiness board shows them (the usable link of each participant, one query), and what
a link's pages show the person: their result per unit."""

from __future__ import annotations

import datetime as dt

from sisnaker.core.errors import Msg
from sisnaker.training.models import Enrollment, Program

from .. import domain
from ..models import Assessment, Certificate, PersonalLink

UNIT_PENDING = Msg("Belum dinilai", "Not assessed")


def active_links(*, program: Program, now: dt.datetime, enrollment_ids: list[int] | None = None) -> dict[int, dict]:
    """Enrollment id → its usable link (``expires_at``, ``first_used_at``, ``last_used_at``), for ``program``
    (only of ``enrollment_ids`` when given: the board's shown page, not a big program's every link)."""
    rows = PersonalLink.objects.filter(enrollment__program=program, revoked_at__isnull=True, expires_at__gt=now)
    if enrollment_ids is not None:
        rows = rows.filter(enrollment_id__in=enrollment_ids)
    rows = rows.values("enrollment_id", "expires_at", "first_used_at", "last_used_at")
    return {r["enrollment_id"]: r for r in rows}


def link_expiry(*, link_id: int) -> dt.datetime | None:
    return PersonalLink.objects.filter(pk=link_id).values_list("expires_at", flat=True).first()


def certificate_downloadable(*, enrollment_id: int) -> bool:
    """Whether the enrollment has a certificate that is not revoked."""
    return Certificate.objects.filter(enrollment_id=enrollment_id, revoked_at__isnull=True).exists()


def unit_results(*, enrollment: Enrollment) -> list[dict]:
    """The result of each competency unit of the enrollment's program, in code order, for the person's own
    page: ``code``, ``title``, ``result`` ("competent", "not_yet_competent", or "pending" when not assessed)
    and its ``label``. Two queries."""
    results = dict(Assessment.objects.filter(enrollment=enrollment).values_list("unit_id", "result"))
    out = []
    for unit_id, code, title in enrollment.program.competency_units.order_by("code").values_list("pk", "code", "title"):
        result = results.get(unit_id, domain.PENDING)
        label = domain.OVERALL_LABELS[result] if result != domain.PENDING else UNIT_PENDING
        out.append({"code": code, "title": title, "result": result, "label": str(label)})
    return out
