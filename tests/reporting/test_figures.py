"""The read model's figures against an independent recount from the modules' rows, under both bases, at every level."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from django.utils import timezone

from sisnaker.accounts.models import Person
from sisnaker.certification.models import Certificate
from sisnaker.payments.models import Payable
from sisnaker.placement.models import JobSeekerCard, Placement
from sisnaker.reporting import selectors, services
from sisnaker.reporting.models import Figure, MonthlyFigure, RefreshState
from sisnaker.training.models import Enrollment
from tests.factories import EnrollmentFactory, PersonFactory

from .conftest import T2025

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def figure(measure, *, region="", year=2025, basis="d", dim="all", value=""):
    row = Figure.objects.filter(measure=measure, region=region, year=year, basis=basis, dim=dim, value=value).first()
    return row.n if row else 0


def test_the_nation_counts_each_measure_as_the_rows_say(world):
    services.figures_refresh(now=NOW, full=True)
    # An independent recount, straight from the modules' rows.
    assert figure("applicants") == Enrollment.objects.filter(registered_at__year=2025).count() == 4
    assert figure("participants", year=world.program.start_date.year) == 3  # graduated twice, dropped out once
    assert figure("alumni") == 2
    assert figure("certified") == Certificate.objects.filter(revoked_at__isnull=True).count() == 1  # revoked: not counted
    assert figure("placed", year=2026) == Placement.objects.count() == 1
    assert figure("ak1", year=2026) == JobSeekerCard.objects.filter(status="issued").count() == 1


def test_domicile_and_ktp_put_the_mover_in_different_provinces(world):
    services.figures_refresh(now=NOW, full=True)
    # Eko lives in Surabaya with a Bandung KTP.
    assert figure("applicants", region="32", basis="d") == 3
    assert figure("applicants", region="35", basis="d") == 1
    assert figure("applicants", region="32", basis="k") == 4
    assert figure("applicants", region="35", basis="k") == 0
    assert figure("applicants", region="32.73", basis="d") == 3
    assert figure("applicants", region="32.73.01", basis="d") == 3
    assert figure("applicants", region="35.78.01", basis="d") == 1


def test_breakdowns_add_up_to_the_total(world):
    services.figures_refresh(now=NOW, full=True)
    assert figure("applicants", region="32.73", dim="sex", value="F") == 2
    assert figure("applicants", region="32.73", dim="sex", value="M") == 1
    assert figure("applicants", dim="disability", value="y") == 1
    assert figure("applicants", dim="funding", value="apbn") == 4
    assert figure("applicants", dim="field", value=str(world.program.vocational_field_id)) == 4
    assert figure("applicants", dim="institution", value=str(world.program.institution_id)) == 4
    # Age in the year of the event: Ani (2000) 25, Rina (1980) 45, Budi (1999) 26, Eko (1990) 35.
    assert figure("applicants", dim="age", value="25-34") == 2
    assert figure("applicants", dim="age", value="45-54") == 1
    assert figure("applicants", dim="age", value="35-44") == 1
    for dim in ("sex", "age", "education", "disability", "field", "funding", "institution"):
        total = Figure.objects.filter(measure="applicants", region="", year=2025, basis="d", dim=dim).aggregate(s=Sum("n"))["s"]
        assert total == 4, dim


def test_months_make_the_trend(world):
    services.figures_refresh(now=NOW, full=True)
    march = MonthlyFigure.objects.get(measure="applicants", region="32.73", basis="d", year=2025, month=3)
    assert march.n == 3
    assert MonthlyFigure.objects.get(measure="applicants", region="", basis="d", year=2025, month=3).n == 4


def test_incentives_paid_count_and_sum_only_what_was_paid(world):
    from sisnaker.payments.domain import PayableKind, PayableStatus

    ani, rina = world.enrollments["ani"], world.enrollments["rina"]
    for e, status, amount in ((ani, PayableStatus.PAID, 600_000), (rina, PayableStatus.DUE, 600_000)):
        Payable.objects.create(kind=PayableKind.PRAKERJA, status=status, amount=amount, person=e.person,
                               program=e.program, enrollment=e, created_at=T2025, idempotency_key=f"t:{e.pk}",
                               funding_source="apbn",
                               paid_at=T2025 + dt.timedelta(days=50) if status == PayableStatus.PAID else None)
    services.figures_refresh(now=NOW, full=True)
    row = Figure.objects.get(measure="incentives_paid", region="", year=2025, basis="d", dim="all")
    assert (row.n, row.amount) == (1, 600_000)


def test_an_incremental_refresh_takes_only_the_years_that_changed(world):
    # The first refresh "ran" after the world was written (beyond the watermark's margin).
    first = timezone.now() + dt.timedelta(minutes=20)
    services.figures_refresh(now=first, full=True)
    later = first + dt.timedelta(hours=1)
    EnrollmentFactory(program=world.program, person=PersonFactory(full_name="Dewi", sex="F"),
                      registered_at=later - dt.timedelta(minutes=5), state_changed_at=later - dt.timedelta(minutes=5))
    done = services.figures_refresh(now=later)
    assert done["full"] is False
    assert done["years"] == [2026]  # 2025 untouched: not rebuilt
    assert figure("applicants", year=2026) == 1
    assert figure("applicants", year=2025) == 4
    assert RefreshState.objects.get().watermark == later


def test_a_persons_move_is_picked_up_by_the_next_refresh(world):
    first = timezone.now() + dt.timedelta(minutes=20)
    services.figures_refresh(now=first, full=True)
    assert figure("applicants", region="32", basis="d") == 3
    later = first + dt.timedelta(hours=1)
    # Eko moves to Bandung after the refresh (his 2025 enrolment now counts there).
    Person.objects.filter(pk=world.people["eko"].pk).update(domicile_district_id="32.73.01",
                                                            updated_at=first + dt.timedelta(minutes=30))
    done = services.figures_refresh(now=later)
    assert 2025 in done["years"]
    assert figure("applicants", region="32", basis="d") == 4


def test_a_full_refresh_removes_a_year_with_no_events_left(world):
    services.figures_refresh(now=NOW, full=True)
    Figure.objects.create(year=2019, basis="d", level=0, region="", parent="-", measure="applicants", dim="all", value="", n=9)
    services.figures_refresh(now=NOW, full=True)
    assert not Figure.objects.filter(year=2019).exists()


def test_the_dashboard_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    services.figures_refresh(now=NOW, full=True)
    with django_assert_max_num_queries(14):
        d = selectors.dashboard(region="", basis="d", year=2025, dim="field")
    assert [r.key for r in d.children.rows] == ["32", "35"]
    assert d.children.rows[0].cells[0] == 3
    assert d.breakdown.rows[0].label == world.program.vocational_field.name
    assert dict((m.key, n) for m, n, _ in d.cards)["applicants"] == 4


def test_many_persons_changed_at_once_rebuild_every_year(world, monkeypatch):
    first = timezone.now() + dt.timedelta(minutes=20)
    services.figures_refresh(now=first, full=True)
    monkeypatch.setattr(services, "MOVED_LIMIT", 1)
    Person.objects.update(updated_at=first + dt.timedelta(minutes=30))  # e.g. a mass correction of addresses
    done = services.figures_refresh(now=first + dt.timedelta(hours=1))
    assert done["years"] == [2025, 2026]
