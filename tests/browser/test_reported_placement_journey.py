"""Placements reported outside a hire through Sisnaker, on a phone (issue 12 "Placement records"): an employer reports
an alumna who works for them (NIK, name and birth date as on the KTP), an alumnus reports from "Kerja saya" that he
runs his own business, and the regency's completeness then counts both as known outcomes."""

import pytest
from playwright.sync_api import expect

from sisnaker.placement.models import Outcome, Placement
from sisnaker.training.domain import EnrollmentState
from tests.certification.test_assessment import certify
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    PersonFactory,
    RegionalOfficerFactory,
    course,
    employer,
    enrollments_in,
)

from .conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_employer_and_an_alumnus_report_work_and_the_region_counts_it(page):
    company = CompanyFactory(name="PT Roti Priangan")
    boss = employer(company, username="hrd.roti")
    c = course(participants=0, title="Pembuatan Roti dan Kue")
    rina = PersonFactory(full_name="Rina Marlina", sex="F", domicile="32.73.01", nik_district="32.73.01")
    dodi = PersonFactory(full_name="Dodi Kurniawan", sex="M", domicile="32.73.01", nik_district="32.73.01")
    for e in enrollments_in(c.program, people=[rina, dodi], state=EnrollmentState.GRADUATED):
        certify(e, c.manager)
    RegionalOfficerFactory(username="disnaker.bandung", area="32.73")

    # 1. The employer reports Rina, who was hired without applying through Sisnaker. A wrong birth date records
    #    nothing and says only that the data do not match.
    log_in(page, boss.username, PASSWORD)
    page.goto(page.base_url + f"/penempatan/perusahaan/{company.pk}/tenaga-kerja/")
    page.fill("#id_nik", rina.nik)
    page.fill("#id_full_name", "Rina Marlina")
    page.fill("#id_birth_date", "1990-01-01")
    page.fill("#id_position", "Pembuat roti")
    page.fill("#id_start_date", "2026-10-01")
    page.get_by_role("button", name="Catat penempatan").click()
    expect(page.get_by_text("tidak cocok").first).to_be_visible()
    assert not Placement.objects.exists()
    page.fill("#id_birth_date", rina.birth_date.isoformat())
    page.get_by_role("button", name="Catat penempatan").click()
    expect(page.locator("tr", has_text="Rina Marlina")).to_contain_text("Pembuat roti")
    log_out(page)

    # 2. Dodi reports from "Kerja saya" that he runs his own bakery.
    log_in(page, dodi.user.username, PASSWORD)
    page.goto(page.base_url + "/penempatan/kerja-saya/")
    page.get_by_role("radio", name="Berwirausaha").check()
    page.fill("input[name=employer_name]", "Toko Roti Dodi")
    page.fill("input[name=position]", "Pemilik usaha roti")
    page.fill("input[name=start_date]", "2026-09-15")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_text("Toko Roti Dodi").first).to_be_visible()
    log_out(page)

    assert set(Outcome.objects.values_list("person__full_name", "source", "status")) == {
        ("Rina Marlina", "employer", "employed"), ("Dodi Kurniawan", "alumnus", "self_employed")}

    # 3. Both alumni of the regency now have a known outcome.
    log_in(page, "disnaker.bandung", PASSWORD)
    page.goto(page.base_url + "/penempatan/kelengkapan/?per=kab")
    expect(page.locator("tr", has_text="Kota Bandung")).to_contain_text("100%")
