"""The gap table's numbers on a small hand-made world: open vacancies of the area (not closed, filled, draft,
expired or elsewhere), alumni who live in the area (not those who did not graduate, live elsewhere or finished
long ago), those of them with a valid AK/1 card, and the proposals — and a query count that does not grow with
the number of vocational fields."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sisnaker.planning import selectors, services
from sisnaker.training.domain import EnrollmentState
from tests.conftest import TODAY
from tests.factories import VocationalFieldFactory

from .conftest import NOW, ak1_card, alumnus, vacancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(fields, people):
    oto, tik, las = fields["OTO"], fields["TIK"], fields["LAS"]
    # Demand in Kota Bandung (32.73): Otomotif 12 − 2 filled + 5 = 15; TIK 8; none for Pengelasan.
    vacancy(oto, openings=12, filled=2)
    vacancy(oto, openings=5, closes_in=0)  # closes today: still open
    vacancy(tik, openings=8)
    vacancy(None, openings=4)  # no vocational field: counted apart
    # Not counted: closed, filled, draft, past its closing date, elsewhere in the province or in another one.
    vacancy(oto, openings=100, status="closed")
    vacancy(oto, openings=100, status="filled", filled=50)
    vacancy(oto, openings=100, status="draft")
    vacancy(oto, openings=100, closes_in=-1)
    vacancy(oto, openings=100, regency="32.04")
    vacancy(tik, openings=100, regency="35.78")
    # Supply: alumni living in Kota Bandung. Otomotif 3 (one of them twice: counted once), TIK 1, Pengelasan 2.
    a1 = alumnus(oto)
    alumnus(oto, person=a1.person)
    a2, _a3 = alumnus(oto, domicile="32.73.02"), alumnus(oto)
    alumnus(tik)
    alumnus(las), alumnus(las)
    # Not counted: not graduated, living in Kabupaten Bandung or Surabaya, finished five years ago (3-year window).
    alumnus(oto, state=EnrollmentState.NOT_PASSED)
    alumnus(oto, domicile="32.04.05")
    alumnus(tik, domicile="35.78.01")
    old = alumnus(oto, ended_days_ago=5 * 365)
    # AK/1: two Otomotif alumni hold a valid card; an ended card and an expired one do not count.
    ak1_card(a1.person)
    ak1_card(a2.person)
    ak1_card(old.person, ended=True)
    ak1_card(alumnus(las).person, issued_days_ago=800)  # a third Pengelasan alumnus, card expired
    bandung = people["bandung"]
    plan = services.plan_create(actor=bandung, region_code="32.73", year=2027, now=NOW)
    services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=oto.pk, people=6, reason="Bengkel resmi", now=NOW)
    services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=las.pk, people=20, reason="Galangan kapal", now=NOW)
    return plan


def _by_code(table):
    return {r.code: (r.proposed, r.demand, r.alumni, r.seekers, r.gap) for r in table.rows}


def test_demand_supply_and_proposals_per_field(world):
    table = selectors.plan_gap_table(plan=world, today=TODAY)
    assert _by_code(table) == {"OTO": (6, 15, 3, 2, 12), "TIK": (0, 8, 1, 0, 7), "LAS": (20, 0, 3, 0, -3)}
    assert [r.code for r in table.rows] == ["OTO", "TIK", "LAS"]  # by gap, largest first
    oto = table.rows[0]
    assert oto.reason == "Bengkel resmi" and oto.line_id is not None
    assert str(oto.reading.text) == ("permintaan 15 lowongan, alumni 3 (2 pencari kerja ber-AK/1), usulan 6: "
                                     "usulan menutup 6 dari kekurangan 12")
    assert [r.reading.verdict for r in table.rows] == ["partly", "uncovered", "above_demand"]
    assert table.demand_without_field == 4
    assert table.ak1_holders == 2  # valid cards of Kota Bandung's office (the ended and the expired ones are not)
    assert table.totals == {"proposed": 26, "demand": 23, "alumni": 7, "seekers": 2, "remaining": 6 + 7}


def test_the_alumni_window_and_all_alumni(world):
    everyone = selectors.plan_gap_table(plan=world, today=TODAY, alumni_years=0)
    assert _by_code(everyone)["OTO"][2] == 4  # the alumnus of five years ago counts again
    one_year = selectors.plan_gap_table(plan=world, today=TODAY, alumni_years=1)
    assert _by_code(one_year)["OTO"][2] == 3


def test_a_province_roll_up_sums_the_submitted_plans_of_its_regencies(world, fields, people):
    kab = services.plan_create(actor=people["kab_bandung"], region_code="32.04", year=2027, now=NOW)
    services.plan_line_add(actor=people["kab_bandung"], plan_id=kab.pk, field_id=fields["OTO"].pk, people=9, reason="Pabrik", now=NOW)
    services.plan_submit(actor=people["kab_bandung"], plan_id=kab.pk, now=NOW)
    r = selectors.area_rollup(viewer=people["jabar"], area_code="32", year=2027, today=TODAY)
    # Kota Bandung's plan is still a draft: only Kabupaten Bandung's submitted 9 count.
    rows = _by_code(r.table)
    assert rows["OTO"][:3] == (9, 15 + 100, 4)  # demand and alumni of the whole province
    assert {p.region_code for p in r.plans} == {"32.73", "32.04"}
    services.plan_submit(actor=people["bandung"], plan_id=world.pk, now=NOW)
    assert _by_code(selectors.area_rollup(viewer=people["jabar"], area_code="32", year=2027, today=TODAY).table)["OTO"][0] == 15
    national = {p.code: p for p in selectors.national_by_province(viewer=people["curator"], year=2027, today=TODAY)}
    assert (national["32"].plans, national["32"].submitted, national["32"].proposed) == (2, 2, 35)
    assert national["32"].demand == 15 + 8 + 4 + 100 and national["35"].demand == 100
    # People: Otomotif 3 in Kota Bandung + 1 in Kabupaten Bandung, TIK 1, Pengelasan 3 (not the Surabaya one, not the
    # one of five years ago).
    assert national["32"].alumni == 4 + 1 + 3 and national["35"].alumni == 1
    assert national["11"].plans == 0


def test_the_gap_table_costs_the_same_queries_for_two_fields_or_twenty(world, people):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            table = selectors.plan_gap_table(plan=world, today=TODAY)
        assert table.rows
        return len(ctx.captured_queries)

    few = count()
    bandung = people["bandung"]
    for i in range(20):
        f = VocationalFieldFactory(code=f"F{i:02d}", name=f"Kejuruan {i:02d}")
        vacancy(f, openings=i + 1)
        alumnus(f)
        services.plan_line_add(actor=bandung, plan_id=world.pk, field_id=f.pk, people=i + 1, reason="Uji", now=NOW)
    assert len(selectors.plan_gap_table(plan=world, today=TODAY).rows) == 23
    assert count() == few == 5
