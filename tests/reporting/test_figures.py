"""The read model's figures against an independent recount from the modules' rows, under both bases, at every level."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisnaker.accounts.models import Person
from sisnaker.certification.models import Certificate
from sisnaker.payments.models import Payable
from sisnaker.placement.models import JobSeekerCard, Placement
from sisnaker.reporting import selectors, services
from sisnaker.reporting.models import Figure, MonthlyFigure, RefreshState
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment, Program
from tests.factories import EnrollmentFactory, PersonFactory, ProgramFactory, VocationalFieldFactory

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


# --- the incremental refresh (by year and province) against a full rebuild ------------------------------------------

def snapshot() -> tuple[list, list]:
    """Every figure and every monthly figure, without their ids: what a full rebuild must give again."""
    figures = sorted(Figure.objects.values_list("year", "basis", "level", "region", "parent", "measure", "dim", "value",
                                                "n", "amount"))
    months = sorted(MonthlyFigure.objects.values_list("year", "month", "basis", "level", "region", "measure", "n",
                                                      "amount"))
    return figures, months


def assert_incremental_equals_full(now: dt.datetime) -> dict:
    done = services.figures_refresh(now=now)
    assert done["full"] is False
    incremental = snapshot()
    services.figures_refresh(now=now + dt.timedelta(minutes=1), full=True)
    full = snapshot()
    assert incremental[0] == full[0]
    assert incremental[1] == full[1]
    return done


def resident(district: str, ktp: str | None = None, **kwargs) -> Person:
    return PersonFactory(domicile=district, nik_district=ktp or district, **kwargs)


def test_an_incremental_refresh_gives_what_a_full_rebuild_gives(world):
    first = timezone.now() + dt.timedelta(minutes=20)
    services.figures_refresh(now=first, full=True)
    later = first + dt.timedelta(minutes=30)
    # New enrolments in two provinces (one applied in 2025 and began now: its state changed after the refresh).
    EnrollmentFactory(program=world.program, person=resident("35.78.01"), registered_at=later, state_changed_at=later)
    EnrollmentFactory(program=world.program, person=resident("12.71.01"), registered_at=T2025, state=E.PARTICIPANT,
                      state_changed_at=later)
    # Ani's certificate is revoked; Ani moves from Bandung to Jakarta (her placement of 2026 goes with her).
    Certificate.objects.filter(enrollment=world.enrollments["ani"]).update(revoked_at=later, revoke_reason="salah")
    Person.objects.filter(pk=world.people["ani"].pk).update(domicile_district_id="31.71.01", updated_at=later)
    # Rina's KTP region is corrected to Medan (she still lives in Bandung): she moves under the KTP basis only.
    Person.objects.filter(pk=world.people["rina"].pk).update(nik_regency_id="12.71", nik_district_id="12.71.01",
                                                             updated_at=later)
    done = assert_incremental_equals_full(later + dt.timedelta(minutes=5))
    # The figures moved where they should (not merely equal to a wrong full rebuild).
    assert figure("applicants", region="31", basis="d") == 1
    assert figure("applicants", region="32", basis="d") == 2
    assert figure("applicants", region="12", basis="k") == 2
    assert figure("applicants", region="12", basis="d") == 1
    assert figure("certified") == 0
    assert figure("placed", region="31", year=2026) == 1
    # Bandung (32) was rebuilt under both bases in 2025: Ani and Rina left it.
    assert {(2025, "d", "32"), (2025, "k", "32"), (2025, "d", "31"), (2025, "k", "12")} <= set(done["units"])


def test_a_program_edited_while_open_moves_its_applicants_at_the_next_refresh(world):
    """A manager may change an open program's vocational field or funding (``training.services.program_update``);
    its applicants are counted under the new ones by the hourly refresh, not only by the daily rebuild."""
    program = ProgramFactory(status="published", funding="apbn", dipa_reference="DIPA-026.01.1.123456/2025")
    for district in ("32.73.01", "35.78.01"):
        EnrollmentFactory(program=program, person=resident(district), registered_at=T2025, state_changed_at=T2025)
    first = timezone.now() + dt.timedelta(minutes=20)
    services.figures_refresh(now=first, full=True)
    later = first + dt.timedelta(minutes=30)
    other = VocationalFieldFactory(code="UJI-LAS", name="Pengelasan (uji)")
    Program.objects.filter(pk=program.pk).update(vocational_field=other, funding="apbd", updated_at=later)
    assert_incremental_equals_full(later + dt.timedelta(minutes=5))
    assert figure("applicants", dim="field", value=str(other.pk)) == 2
    assert figure("applicants", dim="funding", value="apbd") == 2


def test_an_unchanged_province_is_not_rebuilt(world):
    first = timezone.now() + dt.timedelta(minutes=20)
    services.figures_refresh(now=first, full=True)
    bandung = dict(Figure.objects.filter(region__startswith="32").values_list("pk", "n"))
    bandung_months = set(MonthlyFigure.objects.filter(region__startswith="32").values_list("pk", flat=True))
    later = first + dt.timedelta(minutes=30)
    changed = later - services.WATERMARK_MARGIN - dt.timedelta(minutes=1)  # not seen again by the next refresh
    EnrollmentFactory(program=world.program, person=resident("35.78.01"), registered_at=T2025, state_changed_at=changed)
    done = services.figures_refresh(now=later)
    assert done["full"] is False
    assert done["years"] == [2025]
    assert done["units"] == [(2025, "d", "35"), (2025, "k", "35")]  # Surabaya only, under both bases
    assert done["rows"] == 3  # the enrolment, read by each of the three training measures
    # Bandung's rows were left alone (the same rows, not rewritten), Surabaya's and the nation's moved.
    assert dict(Figure.objects.filter(region__startswith="32").values_list("pk", "n")) == bandung
    assert set(MonthlyFigure.objects.filter(region__startswith="32").values_list("pk", flat=True)) == bandung_months
    assert figure("applicants", region="35") == 2
    assert figure("applicants") == 5
    # Nothing changed: nothing rebuilt.
    done = services.figures_refresh(now=later + dt.timedelta(hours=1))
    assert (done["years"], done["units"], done["rows"]) == ([], [], 0)


DISTRICTS = ("32.73.01", "35.78.01", "31.71.01", "12.71.01")
PEOPLE = ("ani", "rina", "budi", "eko")
STATES = (E.REGISTERED, E.PARTICIPANT, E.GRADUATED, E.DROPPED_OUT, E.WITHDRAWN)
CHANGES = st.lists(st.one_of(
    st.tuples(st.just("enrol"), st.sampled_from(DISTRICTS), st.sampled_from(DISTRICTS), st.sampled_from([2025, 2026]),
              st.sampled_from(STATES)),
    st.tuples(st.just("move"), st.sampled_from(PEOPLE), st.sampled_from(DISTRICTS)),
    st.tuples(st.just("ktp"), st.sampled_from(PEOPLE), st.sampled_from(DISTRICTS)),
    st.tuples(st.just("state"), st.sampled_from(PEOPLE), st.sampled_from(STATES)),
    st.tuples(st.just("revoke")),
), min_size=1, max_size=6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=CHANGES)
def test_any_changes_refreshed_incrementally_give_what_a_full_rebuild_gives(world, changes):
    with transaction.atomic():  # each example starts from the same world
        first = timezone.now() + dt.timedelta(minutes=20)
        services.figures_refresh(now=first, full=True)
        later = first + dt.timedelta(minutes=30)
        for change in changes:
            match change:
                case ("enrol", home, ktp, year, state):
                    registered = T2025.replace(year=year)
                    EnrollmentFactory(program=world.program, person=resident(home, ktp), registered_at=registered,
                                      state=state, state_changed_at=later)
                case ("move", who, district):
                    Person.objects.filter(pk=world.people[who].pk).update(domicile_district_id=district, updated_at=later)
                case ("ktp", who, district):
                    Person.objects.filter(pk=world.people[who].pk).update(
                        nik_regency_id=district[:5], nik_district_id=district, updated_at=later)
                case ("state", who, state):  # its events move to this year (alumni: when closed)
                    Enrollment.objects.filter(person=world.people[who]).update(state=state, state_changed_at=later)
                case ("revoke",):
                    Certificate.objects.filter(revoked_at__isnull=True).update(revoked_at=later, revoke_reason="salah")
        assert_incremental_equals_full(later + dt.timedelta(minutes=5))
        transaction.set_rollback(True)


def test_rebuilding_chosen_years_leaves_the_other_changes_due(world):
    first = timezone.now() + dt.timedelta(minutes=20)
    services.figures_refresh(now=first, full=True)
    later = first + dt.timedelta(minutes=30)
    Person.objects.filter(pk=world.people["eko"].pk).update(domicile_district_id="32.73.01", updated_at=later)
    done = services.figures_refresh(now=later, years={2026})  # by hand: `sisnaker figures --year 2026`
    assert (done["years"], done["full"]) == ([2026], False)
    assert RefreshState.objects.get().watermark == first  # Eko's move (2025) is still to be picked up
    assert figure("applicants", region="32", basis="d") == 3
    services.figures_refresh(now=later + dt.timedelta(minutes=5))
    assert figure("applicants", region="32", basis="d") == 4


def test_the_default_year_is_the_newest_not_after_this_year():
    from sisnaker.reporting.domain import default_year

    assert default_year([2027, 2026, 2025], this_year=2026) == 2026
    assert default_year([2025, 2027], this_year=2026) == 2025  # this year has no figures yet: the newest before it
    assert default_year([2028, 2027], this_year=2026) == 2027  # only future years: the nearest of them
    assert default_year([2024], this_year=2026) == 2024
    assert default_year([], this_year=2026) is None


def test_a_replaced_certificate_keeps_counting_in_the_month_of_certification(world):
    """Ani was certified in April 2025; her name was corrected and the certificate replaced in 2026. She stays
    certified in April 2025 (a recount by the date of certification), not moved to the month of the correction."""
    from .conftest import certificate

    first = timezone.now() + dt.timedelta(minutes=20)
    services.figures_refresh(now=first, full=True)
    later = first + dt.timedelta(minutes=30)
    old = Certificate.objects.get(enrollment=world.enrollments["ani"])
    Certificate.objects.filter(pk=old.pk).update(revoked_at=later, revoke_reason="Nama salah ketik")
    new = certificate(world.enrollments["ani"], at=later)
    Certificate.objects.filter(pk=new.pk).update(replaces=old, first_issued_at=old.issued_at)
    assert_incremental_equals_full(later + dt.timedelta(minutes=5))
    assert figure("certified", year=2025) == 1 and figure("certified", year=later.year) == 0
    april = MonthlyFigure.objects.get(measure="certified", region="", basis="d", year=2025, month=old.issued_at.month)
    assert april.n == 1
