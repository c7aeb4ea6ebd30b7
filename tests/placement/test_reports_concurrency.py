"""Reported placements under real concurrency on PostgreSQL: the same person reported at the same moment by several
staff of one company makes one placement (the company row is locked before the duplicate check), and an alumnus's
reports sent at once each correct the one before (the enrolment row is locked): one open placement in the end.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/placement/test_reports_concurrency.py
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sisnaker.placement import services
from sisnaker.placement.models import Outcome, Placement
from sisnaker.training.domain import EnrollmentState as E
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture
from tests.factories import CompanyFactory, EnrollmentFactory, PersonFactory, employer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

THREADS = 6
NOW = timezone.now()
START = timezone.localdate() - dt.timedelta(days=10)


def test_one_person_reported_at_once_by_several_staff_is_one_placement(regions):
    company = CompanyFactory()
    staff = [employer(company, manager=i == 0) for i in range(THREADS)]
    for user in staff:
        user.grants  # noqa: B018 — loaded before the threads share these objects
    worker = PersonFactory()
    data = services.EmployerReport(nik=worker.nik, full_name=worker.full_name, birth_date=worker.birth_date, position="Las",
                                   start_date=START)
    outcomes = race([lambda u=u: services.placement_report(actor=u, company_id=company.pk, data=data, now=NOW) for u in staff])
    assert [kind for kind, _ in outcomes].count("ok") == 1
    assert all(v.code == "placement_exists" for kind, v in outcomes if kind == "refused")
    assert Placement.objects.filter(person=worker, company=company).count() == 1


def test_an_alumnus_reporting_several_times_at_once_keeps_one_open_placement(regions):
    enrollment = EnrollmentFactory(state=E.GRADUATED)
    user = enrollment.person.user
    user.grants  # noqa: B018
    reports = [services.AlumnusReport(status="employed", employer_name=f"CV {i}", position="Teknisi", start_date=START)
               for i in range(THREADS)]
    outcomes = race([lambda r=r: services.outcome_report_own(actor=user, enrollment_id=enrollment.pk, data=r, now=NOW)
                     for r in reports])
    assert [kind for kind, _ in outcomes].count("ok") == THREADS
    assert Outcome.objects.filter(enrollment=enrollment).count() == THREADS
    open_ones = Placement.objects.filter(enrollment=enrollment, end_date__isnull=True, corrected_at__isnull=True)
    assert open_ones.count() == 1
    assert Placement.objects.filter(enrollment=enrollment, corrected_at__isnull=False).count() == THREADS - 1
