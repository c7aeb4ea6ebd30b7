"""Training-needs planning on a phone (issue 13): the regency office of Kota Bandung writes next year's plan with two
priority vocational fields, reads them beside open vacancies and alumni in the gap table, submits it to the ministry
and downloads the table for its report."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sisnaker.planning.models import Plan
from tests.factories import PASSWORD, RegionalOfficerFactory, VocationalFieldFactory
from tests.planning.conftest import alumnus, vacancy

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_regency_office_plans_beside_demand_and_supply_submits_and_exports(page):
    today = timezone.localdate()
    oto = VocationalFieldFactory(code="OTO", name="Otomotif")
    tik = VocationalFieldFactory(code="TIK", name="Teknologi Informasi dan Komunikasi")
    vacancy(oto, openings=120, today=today)
    vacancy(tik, openings=10, today=today)
    for _ in range(3):
        alumnus(oto, today=today)
    RegionalOfficerFactory(username="disnaker.bandung", first_name="Asep Sunandar", area="32.73")

    log_in(page, "disnaker.bandung", PASSWORD)
    page.get_by_role("link", name="Perencanaan").click()
    expect(page.get_by_role("heading", name="Perencanaan kebutuhan pelatihan")).to_be_visible()
    page.select_option("#id_year", str(today.year + 1))
    page.get_by_role("button", name="Buat usulan").click()
    expect(page.get_by_text(re.compile("Usulan Kota Bandung tahun .* dibuat"))).to_be_visible()

    # Two priority fields, each with the people to train and why.
    for field, n, reason in ((oto, "40", "Bengkel resmi baru di Gedebage"), (tik, "15", "Perusahaan rintisan lokal")):
        page.select_option("#id_vocational_field", str(field.pk))
        page.fill("#id_people", n)
        page.fill("#id_reason", reason)
        page.get_by_role("button", name="Tambahkan").click()
        expect(page.get_by_text(f"Kejuruan {field.name} ditambahkan")).to_be_visible()

    # The gap table: largest shortfall first, each row read out.
    rows = page.locator("#gap-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-field", "OTO")
    expect(rows.nth(0)).to_contain_text("permintaan 120 lowongan, alumni 3 (0 pencari kerja ber-AK/1), usulan 40: "
                                        "usulan menutup 40 dari kekurangan 117")
    expect(rows.nth(1)).to_contain_text("permintaan 10 lowongan, alumni 0")
    expect(page.locator("#total-people")).to_have_text("55")

    page.get_by_role("button", name="Ajukan ke Kementerian").click()
    expect(page.get_by_text("Usulan diajukan ke Kementerian.")).to_be_visible()
    expect(page.locator("[data-status=submitted]").first).to_be_visible()
    plan = Plan.objects.get(regency_id="32.73")
    assert plan.status == "submitted" and plan.lines.count() == 2

    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh .xlsx").click()
    download = info.value
    assert download.suggested_filename == f"kebutuhan-pelatihan-3273-{today.year + 1}.xlsx"
    with open(download.path(), "rb") as f:
        assert f.read(2) == b"PK"
    csv = page.request.get(page.base_url + f"/perencanaan/{plan.pk}/unduh.csv")
    assert csv.status == 200 and "Otomotif" in csv.text() and "Bengkel resmi baru di Gedebage" in csv.text()
