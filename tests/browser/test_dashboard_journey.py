"""Issue 13 "done when", on a phone: a new regency officer logs in and sees the figures of their residents with
charts, switches to the KTP basis, drills down to a district, downloads a table; a region outside their area is
refused; the public statistics page, with no log-in, hides the small cells."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from sisnaker.reporting import services
from tests.factories import PASSWORD, RegionalOfficerFactory
from tests.reporting.conftest import world  # noqa: F401 - the fixture: residents of Bandung and Surabaya in a training

from .conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _card(page, measure):
    return page.locator(f"[data-measure='{measure}'] strong")


def test_a_regency_officer_reads_drills_down_and_exports(page, world, tmp_path):  # noqa: F811
    services.figures_refresh(now=timezone.now(), full=True)
    RegionalOfficerFactory(username="disnaker.bandung", first_name="Asep Sunandar", area="32.73")

    log_in(page, "disnaker.bandung", PASSWORD)
    expect(page.get_by_role("link", name="Dasbor")).to_have_count(1)
    page.goto(page.base_url + "/laporan/")
    expect(page.get_by_role("heading", name=re.compile("Dasbor: Kota Bandung", re.I))).to_be_visible()

    # 2025: three residents of Bandung applied (by domicile); the chart is drawn from the same numbers.
    page.select_option("select[name=tahun]", "2025")
    page.get_by_role("button", name="Tampilkan").click()
    expect(_card(page, "applicants")).to_have_text("3")
    expect(_card(page, "alumni")).to_have_text("2")
    drawn = page.evaluate("() => !!window.Chart && !!Chart.getChart(document.querySelector(\"canvas[data-chart='trend']\"))")
    assert drawn, "the trend chart is drawn by Chart.js"

    # By KTP: Eko, who lives in Surabaya with a Bandung KTP, counts here too.
    page.select_option("select[name=dasar]", "ktp")
    page.get_by_role("button", name="Tampilkan").click()
    expect(_card(page, "applicants")).to_have_text("4")

    # The breakdown by sex, then down to the district of Sukasari (32.73.01 in the regions data).
    page.select_option("select[name=dasar]", "domisili")
    page.select_option("select[name=rincian]", "sex")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("table[data-table='sex'] tr[data-key='F'] td").first).to_have_text("2")
    page.locator("table[data-table='wilayah'] tr[data-key='32.73.01'] a").click()
    expect(page).to_have_url(re.compile(r"wilayah=32\.73\.01"))
    expect(_card(page, "applicants")).to_have_text("3")

    # Back to the regency and download the districts' table.
    page.get_by_role("link", name=re.compile("Kota Bandung", re.I)).first.click()
    with page.expect_download() as info:
        page.get_by_role("link", name=".xlsx").first.click()
    path = tmp_path / "tabel.xlsx"
    info.value.save_as(path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert any(row[0] == "Jumlah" for row in rows)

    # Surabaya is outside the officer's area.
    page.goto(page.base_url + "/laporan/?wilayah=35.78")
    expect(page.get_by_text(re.compile("di luar wilayah kerja Anda"))).to_be_visible()
    log_out(page)

    # The public page: no log-in, four applicants in the nation are too few to publish.
    page.goto(page.base_url + "/statistik/?tahun=2025")
    expect(page.get_by_role("heading", name=re.compile("Statistik ketenagakerjaan"))).to_be_visible()
    expect(_card(page, "applicants")).to_have_text("•")
    expect(page.locator("svg.map path").first).to_be_attached()
