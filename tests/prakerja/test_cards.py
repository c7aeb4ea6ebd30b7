"""Kartu Prakerja's cards and training balances on the payments ledger: issued at the draw (one entry per card,
set-based), returned to the budget after the purchase deadline, shown to the citizen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.core.errors import Conflict, PermissionDenied
from sisnaker.core.models import AuditEvent
from sisnaker.payments.models import JournalEntry, LedgerAccount, LedgerLine
from sisnaker.payments.services import ledger
from sisnaker.prakerja import domain, services
from sisnaker.prakerja.domain import CardStatus
from sisnaker.prakerja.models import Application, Card, Selection
from tests.conftest import make_nik

from .conftest import EARLY, NOW, apply_confirmed, kk_of

pytestmark = pytest.mark.usefixtures("sms")
BALANCE = 3_500_000


# --- domain -------------------------------------------------------------------------------------------------

def test_luhn_check_digit_and_card_number():
    assert domain.luhn_digit("7992739871") == "3"  # the textbook example
    number = domain.card_number(wave_number=7, application_id=42)
    assert number == "0007" + "00000000042" + domain.luhn_digit("000700000000042") and len(number) == 16
    assert domain.card_number_valid(number)
    for i in range(16):  # every single mistyped digit is caught
        wrong = number[:i] + str((int(number[i]) + 3) % 10) + number[i + 1:]
        assert not domain.card_number_valid(wrong)
    swapped = number[:13] + number[14] + number[13] + number[15]  # "42" → "24"
    assert not domain.card_number_valid(swapped)
    assert not domain.card_number_valid(number[:-1]) and not domain.card_number_valid("٠" * 16)
    with pytest.raises(ValueError):
        domain.card_number(wave_number=10_000, application_id=1)


def test_purchase_deadline_and_expiry():
    deadline = domain.purchase_deadline(dt.date(2026, 4, 1), 30)
    assert deadline == dt.date(2026, 5, 1)
    assert not domain.card_expires(status=CardStatus.ACTIVE, deadline=deadline, today=deadline)  # the last day still counts
    assert domain.card_expires(status=CardStatus.ACTIVE, deadline=deadline, today=deadline + dt.timedelta(days=1))
    assert not domain.card_expires(status=CardStatus.EXPIRED, deadline=deadline, today=deadline + dt.timedelta(days=9))
    assert domain.card_state(status=CardStatus.ACTIVE, deadline=deadline, today=deadline) == "active"
    assert domain.card_state(status=CardStatus.ACTIVE, deadline=deadline, today=deadline + dt.timedelta(days=1)) == "expiring"
    assert domain.card_state(status=CardStatus.EXPIRED, deadline=deadline, today=deadline) == "expired"


# --- services -------------------------------------------------------------------------------------------------

def drawn_wave(open_wave, applicant, pmo, *, applicants=4, seats=3, drawn_at=NOW):
    wave = open_wave(quotas={"32": seats}, national_target=seats, training_balance=BALANCE)
    people = [applicant() for _ in range(applicants)]
    for i, person in enumerate(people):
        apply_confirmed(wave, person, kk=kk_of(make_nik(), serial=100 + i))
    services.wave_close(actor=pmo, wave=wave, reason=EARLY, now=NOW)
    services.wave_draw(actor=pmo, wave=wave, now=drawn_at)
    wave.refresh_from_db()
    return wave, people


def ledger_state():
    return (JournalEntry.objects.count(), LedgerLine.objects.count(), LedgerLine.objects.aggregate(s=Sum("amount"))["s"] or 0)


def budget_spent() -> int:
    return int(LedgerLine.objects.filter(account__kind="budget", account__funding_source="prakerja")
               .aggregate(s=Sum("amount"))["s"] or 0)


def held(cards) -> dict[str, int]:
    return ledger.balances("beneficiary", "prakerja", [c.ledger_reference for c in cards])


def test_the_draw_issues_a_card_and_posts_the_balance_once(open_wave, applicant, pmo):
    wave, _people = drawn_wave(open_wave, applicant, pmo)
    selected = set(Application.objects.filter(wave=wave, selection__isnull=False).values_list("pk", flat=True))
    cards = list(Card.objects.filter(wave=wave))
    assert {c.application_id for c in cards} == selected and len(cards) == 3
    assert all(domain.card_number_valid(c.number) and c.granted == BALANCE for c in cards)
    assert {c.deadline for c in cards} == {NOW.date() + dt.timedelta(days=wave.purchase_deadline_days)}
    assert set(held(cards).values()) == {BALANCE}
    entries, lines, total = ledger_state()
    assert (entries, lines, total) == (3, 6, 0)  # one entry per card, balanced
    assert budget_spent() == 3 * BALANCE
    assert set(JournalEntry.objects.values_list("kind", flat=True)) == {"grant"}
    assert LedgerAccount.objects.filter(kind="beneficiary", funding_source="prakerja").count() == 3
    audit = AuditEvent.objects.get(action="prakerja_card.issued")
    assert audit.after["issued"] == 3 and audit.after["posted"] == 3
    # Running it again issues and posts nothing (and writes no audit row).
    assert services.cards_issue(actor=pmo, wave=wave, now=NOW) == {"issued": 0, "posted": 0}
    assert ledger_state() == (entries, lines, 0) and AuditEvent.objects.filter(action="prakerja_card.issued").count() == 1


def test_issuing_is_for_drawn_waves_and_pmo_officers(open_wave, applicant, pmo):
    wave = open_wave()
    with pytest.raises(Conflict):
        services.cards_issue(actor=pmo, wave=wave, now=NOW)
    with pytest.raises(PermissionDenied):
        services.cards_issue(actor=applicant().user, wave=wave, now=NOW)


def test_a_card_whose_balance_is_missing_gets_it_on_a_re_run(open_wave, applicant, pmo):
    """A card issued but not posted (e.g. an older draw) is completed by ``cards_issue``: only the missing entry."""
    wave, _people = drawn_wave(open_wave, applicant, pmo)
    app = Application.objects.filter(wave=wave, selection__isnull=True).first()  # not selected
    Selection.objects.create(application=app, wave=wave, province_id=app.province_id, rank=99)  # as if drawn too
    assert services.cards_issue(actor=pmo, wave=wave, now=NOW) == {"issued": 1, "posted": 1}
    assert ledger_state()[0] == 4 and ledger_state()[2] == 0 and budget_spent() == 4 * BALANCE


def test_unused_balances_return_after_the_deadline_once(open_wave, applicant, pmo):
    wave, _people = drawn_wave(open_wave, applicant, pmo)
    cards = list(Card.objects.filter(wave=wave))
    deadline = cards[0].deadline
    assert services.cards_expire(actor=pmo, today=deadline, now=NOW) == {"expired": 0, "returned": 0, "amount": 0}
    assert ledger_state()[0] == 3
    counts = services.cards_expire(actor=pmo, today=deadline + dt.timedelta(days=1), now=NOW)
    assert counts == {"expired": 3, "returned": 3, "amount": 3 * BALANCE}
    assert set(held(cards).values()) == {0} and budget_spent() == 0
    assert ledger_state() == (6, 12, 0)
    assert set(Card.objects.values_list("status", flat=True)) == {CardStatus.EXPIRED}
    assert AuditEvent.objects.filter(action="prakerja_card.expired").count() == 1
    # The daily job (Sisnaker itself) and a second officer's run change nothing.
    assert services.cards_expire(actor=None, today=deadline + dt.timedelta(days=2), now=NOW)["expired"] == 0
    assert services.cards_expire(actor=pmo, today=deadline + dt.timedelta(days=2), now=NOW)["expired"] == 0
    assert ledger_state() == (6, 12, 0) and AuditEvent.objects.filter(action="prakerja_card.expired").count() == 1


def test_the_daily_job_returns_balances_and_only_pmo_officers_may_run_it_by_hand(open_wave, applicant, pmo):
    from sisnaker.prakerja import tasks

    wave, people = drawn_wave(open_wave, applicant, pmo)
    with pytest.raises(PermissionDenied):
        services.cards_expire(actor=people[0].user, today=dt.date(2030, 1, 1), now=NOW)
    deadline = Card.objects.filter(wave=wave).first().deadline
    assert tasks.balances_expire_due(now=NOW) == "expired 0"
    late = NOW + dt.timedelta(days=(deadline - NOW.date()).days + 1)
    assert tasks.balances_expire_due(now=late) == "expired 3"
    assert ledger_state()[2] == 0 and budget_spent() == 0


def test_the_citizen_sees_card_balance_deadline_and_state(open_wave, applicant, pmo):
    wave, people = drawn_wave(open_wave, applicant, pmo, applicants=1, seats=1, drawn_at=timezone.now())
    card = Card.objects.get(wave=wave)
    client = Client()
    client.force_login(people[0].user)
    page = client.get(reverse("prakerja:mine")).content.decode()
    grouped = " ".join(card.number[i:i + 4] for i in range(0, 16, 4))
    assert grouped in page and "Rp3.500.000" in page and "Aktif" in page
    services.cards_expire(actor=pmo, today=card.deadline + dt.timedelta(days=1), now=NOW)
    page = client.get(reverse("prakerja:mine")).content.decode()
    assert "Kedaluwarsa" in page and "Rp0" in page and "Aktif" not in page


def test_a_pmo_officer_returns_expired_balances_from_the_page(open_wave, applicant, pmo):
    wave, people = drawn_wave(open_wave, applicant, pmo, drawn_at=timezone.now() - dt.timedelta(days=60))
    client = Client()
    client.force_login(people[0].user)
    assert client.post(reverse("prakerja:cards_expire")).status_code == 403
    assert Card.objects.filter(status=CardStatus.EXPIRED).count() == 0
    client.force_login(pmo)
    assert "Kembalikan saldo" in client.get(reverse("prakerja:pmo")).content.decode()
    response = client.post(reverse("prakerja:cards_expire"), follow=True)
    assert "3 kartu kedaluwarsa" in response.content.decode() and "Rp10.500.000" in response.content.decode()
    assert Card.objects.filter(status=CardStatus.EXPIRED).count() == 3 and budget_spent() == 0
