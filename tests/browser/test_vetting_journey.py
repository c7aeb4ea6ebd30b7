"""A citizen registers a training institution, which waits; the regional officer of its area approves it
from the queue; then its manager can open programs."""


import pytest
from playwright.sync_api import expect

from sisnaker.institutions.models import Institution
from tests.factories import RegionalOfficerFactory

from .conftest import fill_institution, fill_signup, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Kata-Sandi-Aman-2026"


def test_institution_waits_for_the_regional_officer_then_works(page):
    RegionalOfficerFactory(username="disnaker.bandung", first_name="Lilis Suryani", password=PASSWORD, area="32.73")

    # 1. A citizen signs up, then registers a community BLK.
    page.goto(page.base_url + "/akun/daftar/")
    fill_signup(page, "3273015705950001", password=PASSWORD)
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("Pendaftaran berhasil")).to_be_visible()
    page.get_by_role("link", name="Daftarkan lembaga").click()
    fill_institution(page, name="BLK Komunitas Pesantren Al-Ikhlas", registry_number="BLKK-3273-031",
                     licence_number="SK Dirjen 2/4411/LP.00.01/2024")
    page.get_by_role("button", name="Daftarkan lembaga").click()
    expect(page.get_by_text("menunggu persetujuan Disnaker Kota Bandung")).to_be_visible()
    expect(page.get_by_role("heading", name="Menunggu persetujuan")).to_be_visible()
    expect(page.get_by_role("link", name="Buat program baru")).to_have_count(0)
    log_out(page)

    # 2. The officer of Kota Bandung approves it from the queue.
    log_in(page, "disnaker.bandung", PASSWORD)
    page.get_by_role("link", name="Persetujuan lembaga").first.click()
    expect(page.get_by_text("BLKK-3273-031")).to_be_visible()
    page.get_by_role("link", name="Periksa dan putuskan").click()
    page.get_by_label("Setujui").check()
    expect(page.locator("#id_licence_number")).to_have_value("SK Dirjen 2/4411/LP.00.01/2024")
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_text("Lembaga disetujui")).to_be_visible()
    assert Institution.objects.get(registry_number="BLKK-3273-031").status == "approved"
    log_out(page)

    # 3. The manager can now open programs.
    log_in(page, "dewi@example.id", PASSWORD)
    page.goto(page.base_url + "/lembaga/")
    page.get_by_role("link", name="BLK Komunitas Pesantren Al-Ikhlas").click()
    expect(page.get_by_role("link", name="Buat program baru")).to_be_visible()
    expect(page.get_by_role("heading", name="Menunggu persetujuan")).to_have_count(0)
