"""Reads of placement: a citizen's AK/1 cards, one card for someone who may see it (``ak1.view``), the
regency office's queue (``ak1.queue``, each officer's own area), and the certificates a card lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sisnaker.accounts.models import Person, User
from sisnaker.certification.models import Certificate
from sisnaker.certification.selectors.certificates import certificates_of_person
from sisnaker.core.errors import Msg, NotFound, PermissionDenied
from sisnaker.core.permissions import can, require
from sisnaker.core.roles import Role

from . import domain
from .codes import Code
from .models import JobSeekerCard

VIEW_REFUSED = Msg("Kartu AK/1 ini hanya dapat dibuka oleh pemegangnya dan petugas dinas wilayahnya.",
                   "This AK/1 card can only be opened by its holder and officers of its region's office.")


def _cards() -> QuerySet[JobSeekerCard]:
    return JobSeekerCard.objects.select_related("person", "regency__province", "decided_by")


def my_cards(*, user: User) -> list[JobSeekerCard]:
    """The signed-in citizen's cards and applications, newest first."""
    return list(_cards().filter(person__user=user))


def card_for(*, viewer: User, card_id: int) -> JobSeekerCard:
    """The card, for a viewer who may see it (``ak1.view``); NotFound or PermissionDenied."""
    card = _cards().filter(pk=card_id).first()
    if card is None:
        raise NotFound(Msg("Kartu AK/1 tidak ditemukan.", "AK/1 card not found."), code=Code.AK1_NOT_FOUND)
    if not can(viewer, "ak1.view", card):
        raise PermissionDenied(VIEW_REFUSED)
    return card


def queue(*, viewer: User) -> list[JobSeekerCard]:
    """Waiting applications in the viewer's area (a regional officer's province or regency; all for an
    administrator), oldest first."""
    require(viewer, "ak1.queue")
    grants = list(getattr(viewer, "grants", ()))
    cards = _cards().filter(status=domain.CardStatus.SUBMITTED).order_by("submitted_at", "id")
    if any(g.role == Role.ADMIN for g in grants):
        return list(cards)
    area = Q(pk__in=[])
    for grant in grants:
        if grant.role == Role.REGIONAL_OFFICER and grant.region_code:
            area |= Q(regency_id=grant.region_code) | Q(regency__code__startswith=grant.region_code + ".")
    return list(cards.filter(area))


def certificates_of(card: JobSeekerCard) -> list[Certificate]:
    """The holder's training certificates from this system (not revoked): the card's non-formal education,
    attached by themselves (the caller has already checked ``ak1.view``)."""
    return certificates_of_person(person_id=card.person_id)


@dataclass(frozen=True)
class CardPage:
    card: JobSeekerCard
    certificates: list[Certificate]
    validity: str | None  # domain.Validity for an issued card
    valid_until: dt.date | None
    boxes: list[domain.ReportBox]
    may_decide: bool
    education_label: str


def card_page(*, viewer: User, card_id: int, today: dt.date) -> CardPage:
    """Everything the card page shows, for a viewer who may see it."""
    card = card_for(viewer=viewer, card_id=card_id)
    issued = card.status == domain.CardStatus.ISSUED and card.issued_on is not None
    return CardPage(
        card=card, certificates=certificates_of(card),
        validity=domain.validity(issued_on=card.issued_on, today=today) if issued else None,
        valid_until=domain.valid_until(card.issued_on) if issued else None,
        boxes=domain.report_boxes(issued_on=card.issued_on, today=today) if issued else [],
        may_decide=card.status == domain.CardStatus.SUBMITTED and can(viewer, "ak1.issue", card),
        education_label=str(dict(Person.Education.choices).get(card.education, card.education)),
    )
