"""AK/1 numbers under real concurrency on PostgreSQL: threads with their own connections issue cards of one
regency office at the same moment; the numbers must be distinct and the sequence exactly 1..N. Also: the
same card issued by many threads at once is issued once, and a double application makes one.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/placement/test_ak1_concurrency.py
"""

from __future__ import annotations

import pytest

from sisnaker.placement import services
from sisnaker.placement.models import JobSeekerCard, JobSeekerCounter
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from tests.factories import PersonFactory, staff
from tests.placement.photos import PHOTO

from .test_services import NOW, data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

THREADS = 12


def test_concurrent_issues_get_distinct_gap_free_numbers(regions):
    officer = staff("regional_officer", region_code="32.73")
    officer.grants  # noqa: B018 — load the grants once, before the threads share this object
    cards = [services.ak1_apply(photo_upload=PHOTO, actor=p.user, data=data(), now=NOW) for p in PersonFactory.create_batch(THREADS)]
    assert not JobSeekerCounter.objects.exists()  # the threads also race to create the counter row
    outcomes = race([lambda c=c: services.ak1_issue(actor=officer, card_id=c.pk, now=NOW) for c in cards])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert sorted(v.number for _, v in outcomes) == [f"3273-2026-{n:06d}" for n in range(1, THREADS + 1)]
    assert JobSeekerCounter.objects.get(regency_id="32.73", year=2026).last == THREADS


def test_one_card_issued_by_many_at_once_is_issued_once_without_a_gap(regions):
    officer = staff("regional_officer", region_code="32.73")
    officer.grants  # noqa: B018
    first, second = (services.ak1_apply(photo_upload=PHOTO, actor=p.user, data=data(), now=NOW) for p in PersonFactory.create_batch(2))
    outcomes = race([lambda: services.ak1_issue(actor=officer, card_id=first.pk, now=NOW)] * 8)
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert all(v.code == "ak1_decided" for kind, v in outcomes if kind == "refused")
    assert services.ak1_issue(actor=officer, card_id=second.pk, now=NOW).sequence == 2


def test_a_double_application_makes_one(regions):
    person = PersonFactory()
    person.user.grants  # noqa: B018
    outcomes = race([lambda: services.ak1_apply(photo_upload=PHOTO, actor=person.user, data=data(), now=NOW)] * 6)
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert JobSeekerCard.objects.filter(person=person).count() == 1
