"""Cards and balances racing on PostgreSQL with real threads (own connections, released together): officers
issuing the missing cards at once, and officers plus the daily job returning expired balances at once, post each
journal entry once and keep the ledger balanced.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/prakerja/test_concurrency.py
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from sisnaker.core.models import AuditEvent
from sisnaker.payments.models import JournalEntry, LedgerLine
from sisnaker.prakerja import services
from sisnaker.prakerja.models import Application, Card, Selection
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from tests.factories import staff

from .conftest import NOW
from .test_cards import drawn_wave

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only", "sms")]

THREADS = 8


def _officers(n):
    officers = [staff("pmo_officer") for _ in range(n)]
    for o in officers:
        o.grants  # noqa: B018 — load the grants once, before the threads share the objects
    return officers


def _balanced():
    return (LedgerLine.objects.aggregate(s=Sum("amount"))["s"] or 0) == 0


def test_officers_issuing_at_once_post_each_balance_once(open_wave, applicant, pmo):
    wave, _people = drawn_wave(open_wave, applicant, pmo)
    extra = Application.objects.filter(wave=wave, selection__isnull=True).first()  # not selected
    Selection.objects.create(application=extra, wave=wave, province_id=extra.province_id, rank=99)
    officers = _officers(4)
    outcomes = race([lambda o=officers[i % 4]: services.cards_issue(actor=o, wave=wave, now=NOW) for i in range(THREADS)])
    results = [v for _kind, v in outcomes]
    assert sorted(r["issued"] for r in results) == [0] * (THREADS - 1) + [1]
    assert sum(r["posted"] for r in results) == 1
    assert Card.objects.filter(wave=wave).count() == 4 and JournalEntry.objects.count() == 4 and _balanced()


def test_officers_and_the_daily_job_returning_at_once_return_each_balance_once(open_wave, applicant, pmo):
    wave, _people = drawn_wave(open_wave, applicant, pmo)
    later = Card.objects.filter(wave=wave).first().deadline + dt.timedelta(days=1)
    officers = _officers(3)
    calls = [lambda o=officers[i % 3]: services.cards_expire(actor=o, today=later, now=NOW) for i in range(THREADS - 2)]
    calls += [lambda: services.cards_expire(actor=None, today=later, now=NOW)] * 2
    outcomes = race(calls)
    results = [v for _kind, v in outcomes]
    assert sum(r["expired"] for r in results) == 3 and sum(r["returned"] for r in results) == 3
    assert JournalEntry.objects.filter(kind="expire").count() == 3 and _balanced()
    assert AuditEvent.objects.filter(action="prakerja_card.expired").count() == 1
    assert set(Card.objects.values_list("status", flat=True)) == {"expired"}
