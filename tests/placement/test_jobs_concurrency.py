"""Hiring and applying under real concurrency on PostgreSQL: offered applicants hired at the same moment for the
last openings never exceed them (the vacancy row is locked before its filled count is read), and a double
click on "Lamar" makes one application.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/placement/test_jobs_concurrency.py
"""

from __future__ import annotations

import pytest

from sisnaker.placement import domain, services
from sisnaker.placement.models import Application, Placement, Vacancy
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from tests.factories import PersonFactory

from .test_jobs_services import NOW, TODAY, published

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

THREADS = 8


def test_concurrent_hires_never_exceed_the_openings(regions):
    boss, vacancy = published(openings=3)
    boss.grants  # noqa: B018 — load the grants once, before the threads share this object
    applications = [services.application_submit(actor=p.user, vacancy_id=vacancy.pk, now=NOW)
                    for p in PersonFactory.create_batch(THREADS)]
    for a in applications:
        for action in ("shortlist", "interview", "offer"):
            services.application_move(actor=boss, application_id=a.pk, action=action, now=NOW,
                                      note="Senin 7 Desember, 09.00, kantor pusat" if action == "interview" else "")
    outcomes = race([lambda a=a: services.application_move(actor=boss, application_id=a.pk, action="hire", start_date=TODAY, now=NOW)
                     for a in applications])
    assert [kind for kind, _ in outcomes].count("ok") == 3
    # A hire that lost the race is told the vacancy is full, or, when the winner's closing of the waiting applications
    # (after its commit) got to it first, that its application is closed; never a deadlock (``race`` fails on any).
    assert all(v.code in ("vacancy_full", "application_stage") for kind, v in outcomes if kind == "refused")
    vacancy.refresh_from_db()
    assert (vacancy.filled, vacancy.status) == (3, "filled")
    assert Placement.objects.filter(vacancy=vacancy).count() == 3 == Application.objects.filter(vacancy=vacancy, stage="hired").count()
    assert Application.objects.filter(vacancy=vacancy, stage="rejected", stage_note=domain.FILLED_NOTE).count() == THREADS - 3


def test_a_double_application_makes_one(regions):
    _, vacancy = published()
    person = PersonFactory()
    person.user.grants  # noqa: B018
    outcomes = race([lambda: services.application_submit(actor=person.user, vacancy_id=vacancy.pk, now=NOW)] * 6)
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert all(v.code == "application_exists" for kind, v in outcomes if kind == "refused")
    assert Application.objects.filter(vacancy=vacancy, person=person).count() == 1
    assert Vacancy.objects.get(pk=vacancy.pk).filled == 0
