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
from .models import JobSeekerCard, JobSeekerReport

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
    state: str | None = None  # domain.CardState for an issued card
    state_label: str = ""
    reports: dict[int, JobSeekerReport] | None = None
    open_box: int | None = None
    may_report: bool = False  # the holder, or an officer of the card's regency office
    may_update: bool = False  # the holder, while the card is valid


def reports_of(card: JobSeekerCard) -> dict[int, JobSeekerReport]:
    return {r.box: r for r in JobSeekerReport.objects.filter(card=card)}


def card_page(*, viewer: User, card_id: int, today: dt.date) -> CardPage:
    """Everything the card page shows, for a viewer who may see it."""
    card = card_for(viewer=viewer, card_id=card_id)
    issued = card.status == domain.CardStatus.ISSUED and card.issued_on is not None
    reports = reports_of(card) if issued else {}
    reported = {n: r.reported_on for n, r in reports.items()}
    state = domain.card_state(issued_on=card.issued_on, today=today, reported=reported, ended_on=card.ended_on) if issued else None
    holder = card.person.user_id == viewer.pk
    may_report = issued and state not in (domain.CardState.ENDED,) and (
        can(viewer, "ak1.report_own", card) if holder else can(viewer, "ak1.issue", card)) and (
        state != domain.CardState.EXPIRED or domain.open_box(issued_on=card.issued_on, today=today, reported=reported) is not None)
    return CardPage(
        card=card, certificates=certificates_of(card),
        validity=domain.validity(issued_on=card.issued_on, today=today) if issued else None,
        valid_until=domain.valid_until(card.issued_on) if issued else None,
        boxes=domain.report_boxes(issued_on=card.issued_on, today=today, reported=reported, ended_on=card.ended_on) if issued else [],
        may_decide=card.status == domain.CardStatus.SUBMITTED and can(viewer, "ak1.issue", card),
        education_label=str(dict(Person.Education.choices).get(card.education, card.education)),
        state=state, state_label=str(domain.CardState.LABELS.get(state, "")) if state else "",
        reports=reports, open_box=domain.open_box(issued_on=card.issued_on, today=today, reported=reported) if issued else None,
        may_report=bool(may_report),
        may_update=issued and holder and state not in (domain.CardState.ENDED, domain.CardState.EXPIRED)
        and can(viewer, "ak1.report_own", card),
    )


@dataclass(frozen=True)
class Verification:
    """What anyone who scans an AK/1 card's QR code sees: no NIK, no address."""

    found: bool
    number: str = ""
    full_name: str = ""
    office: str = ""
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    state: str = ""
    state_label: str = ""
    officer: str = ""
    signature_valid: bool = False


def verify(*, verification_id: str, today: dt.date) -> Verification:
    """The look-up behind the card's QR code: the id is 128 random bits, so whoever has it holds the card (or
    a copy). Checks the stored signature against the payload too."""
    from sisnaker.certification import signing
    from sisnaker.certification.domain import is_verification_id

    if not is_verification_id(verification_id):
        return Verification(found=False)
    card = JobSeekerCard.objects.select_related("regency").filter(
        verification_id=verification_id, status=domain.CardStatus.ISSUED).first()
    if card is None:
        return Verification(found=False)
    reported = dict(JobSeekerReport.objects.filter(card=card).values_list("box", "reported_on"))
    state = domain.card_state(issued_on=card.issued_on, today=today, reported=reported, ended_on=card.ended_on)
    return Verification(
        found=True, number=card.number, full_name=card.full_name, office=card.regency.name, issued_on=card.issued_on,
        valid_until=domain.valid_until(card.issued_on), state=state, state_label=str(domain.CardState.LABELS[state]),
        officer=card.officer_name,
        signature_valid=bool(card.signature) and signing.verify(card.payload, card.signature, card.key_id),
    )


def person_data(*, person) -> dict:
    """The person's AK/1 cards for their own data export (UU PDP right of access; the accounts export asks
    through the ``accounts.person_data`` extension point)."""
    cards = []
    for card in JobSeekerCard.objects.filter(person_id=person.pk).select_related("regency").prefetch_related("reports").order_by("id"):
        cards.append({
            "number": card.number, "status": card.status, "office": card.regency.name,
            "submitted_at": card.submitted_at.isoformat(), "issued_on": card.issued_on.isoformat() if card.issued_on else None,
            "birth_place": card.birth_place, "marital_status": card.marital_status, "religion": card.religion,
            "address": card.address, "education": card.education, "other_training": card.other_training, "skills": card.skills,
            "officer": card.officer_name, "refuse_reason": card.refuse_reason,
            "ended_on": card.ended_on.isoformat() if card.ended_on else None, "employer_name": card.employer_name,
            "position": card.position,
            "reports": [{"box": r.box, "outcome": r.outcome, "reported_on": r.reported_on.isoformat(), "by_office": r.by_office}
                        for r in card.reports.all()],
        })
    return {"ak1_cards": cards}
