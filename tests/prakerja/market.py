"""Test data for curation and purchase: a drawn wave whose beneficiaries hold cards, a Prakerja-funded program of
an approved institution curated in both stages, and helpers to buy, redeem and complete."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from sisnaker.certification.models import Certificate
from sisnaker.prakerja import purchases
from sisnaker.prakerja.models import Card, CatalogueEntry, Purchase
from sisnaker.training.models import Program
from tests.factories import InstitutionFactory, ManagerFactory, ProgramFactory, staff
from tests.sms import SmsBox, committed

from .conftest import NOW
from .test_cards import drawn_wave

PRICE = 1_000_000
SESSION_1 = timezone.make_aware(dt.datetime(2026, 3, 25, 9, 0))
SESSION_2 = timezone.make_aware(dt.datetime(2026, 3, 26, 9, 0))


@dataclass
class Market:
    wave: object
    cards: list
    people: list
    inst: object
    manager: object
    curator: object
    pmo: object
    program: Program
    entry: CatalogueEntry

    @property
    def card(self) -> Card:
        return self.cards[0]


def prakerja_program(inst, **kw) -> Program:
    return ProgramFactory(institution=inst, funding=Program.Funding.PRAKERJA, today=NOW.date(), quota=5, **kw)


def curate(program, *, manager, curator, pmo, price=PRICE, sessions=(SESSION_1, SESSION_2), course_type="") -> CatalogueEntry:
    entry = purchases.catalogue_propose(actor=manager, program=program, price=price, sessions=list(sessions),
                                        course_type=course_type, now=NOW)
    entry = purchases.catalogue_decide(actor=curator, entry=entry, stage=1, accept=True, note="", now=NOW)
    return purchases.catalogue_decide(actor=pmo, entry=entry, stage=2, accept=True, note="Sesuai.", now=NOW)


def market(open_wave, applicant, pmo, *, applicants=2, seats=2) -> Market:
    wave, people = drawn_wave(open_wave, applicant, pmo, applicants=applicants, seats=seats)
    cards = list(Card.objects.filter(wave=wave).select_related("person").order_by("pk"))
    inst = InstitutionFactory()
    manager = ManagerFactory(institution=inst)
    curator = staff("curator")
    program = prakerja_program(inst)
    entry = curate(program, manager=manager, curator=curator, pmo=pmo)
    return Market(wave, cards, [c.person for c in cards], inst, manager, curator, pmo, program, entry)


def buy(card, program, *, key="k-1", platform="", now=NOW, actor="holder") -> Purchase:
    """A purchase request and the PMO's rule check that its commit queues."""
    actor = card.person.user if actor == "holder" else actor
    purchase = purchases.purchase_request(actor=actor, card=card, program=program, platform_code=platform,
                                          idempotency_key=key, now=now)
    committed()
    purchase.refresh_from_db()
    return purchase


def certify(enrollment, *, by, at=NOW) -> Certificate:
    return Certificate.objects.create(enrollment=enrollment, number=f"BLK/2026/{enrollment.pk:06d}", institution=enrollment.program.institution,
                                      year=2026, sequence=enrollment.pk, verification_id=f"v{enrollment.pk:019d}", payload="{}",
                                      signature="s", key_id="k", issued_at=at, issued_by=by)


def consent_code(card: Card) -> str:
    """The last purchase consent code sent by SMS to the phone verified for the card's application."""
    committed()
    phone = card.application.phone
    texts = [t for to, t in SmsBox.sent if to == phone and "persetujuan" in t]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def consent(purchase: Purchase, *, now=NOW) -> Purchase:
    """The beneficiary gives the platform the code they received; the platform relays it (then the rule check runs)."""
    purchases.purchase_consent(actor=None, via=purchase.platform_code, purchase=purchase, code=consent_code(purchase.card), now=now)
    committed()
    purchase.refresh_from_db()
    return purchase
