"""The partner registry in a phone-sized Chromium: a PMO officer registers a digital platform from the Prakerja PMO
page, issues its HMAC-SHA256 key (shown once, with a copy hint), the platform signs a ping with the copied key through
its own client (tests/integration/partner_client.py), the officer rotates the key — the old one keeps working during
the overlap — and the key is never shown again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sisnaker.integration.models import Partner
from tests.browser.test_certification_journey import _no_horizontal_scroll
from tests.factories import PASSWORD, staff
from tests.integration.partner_client import PartnerClient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pmo_registers_a_platform_and_issues_and_rotates_its_key(page):
    staff("pmo_officer", username="pmo.mitra", first_name="Ratna PMO", password=PASSWORD)
    page.goto(page.base_url + "/akun/masuk/")
    page.fill("#id_username", "pmo.mitra")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name="Keluar").first).to_be_visible()

    page.goto(page.base_url + "/prakerja/pmo/")
    page.get_by_role("link", name="Mitra API integrasi (platform dan lembaga)").click()
    expect(page.get_by_role("heading", name="Mitra integrasi Prakerja")).to_be_visible()
    page.fill("#id_name", "Platform Belajar Nusantara")
    page.get_by_label("Platform digital").check()
    page.get_by_role("button", name="Daftarkan", exact=True).click()
    expect(page.get_by_role("heading", name="Platform Belajar Nusantara")).to_be_visible()
    partner = Partner.objects.get(name="Platform Belajar Nusantara")
    expect(page.get_by_text(partner.client_code).first).to_be_visible()
    _no_horizontal_scroll(page)

    page.select_option("#id_scheme", "hmac-sha256")
    page.get_by_role("button", name="Terbitkan kunci").click()
    expect(page.get_by_text("Kunci ini hanya ditampilkan sekali.")).to_be_visible()
    secret = page.input_value("#new-secret")
    assert len(secret) == 64
    _no_horizontal_scroll(page)

    # The platform tries its signing. (The test server is Django's plain one, which drops the underscored
    # client_code: the client uses the documented hyphen form; tests/integration/test_live.py covers client_code.)
    client = PartnerClient(page.base_url, client_code=partner.client_code, sign_key=secret, header_style="hyphen")
    status, answer = client.post("/api/v1/integration/ping", {"hello": "sisnaker"})
    assert status == 200 and answer["data"]["client_code"] == partner.client_code

    page.get_by_role("button", name="Ganti kunci").click()
    expect(page.get_by_text("Kunci ini hanya ditampilkan sekali.")).to_be_visible()
    new_secret = page.input_value("#new-secret")
    assert new_secret != secret
    expect(page.locator('tr[data-state="retiring"]')).to_have_count(1)
    assert client.post("/api/v1/integration/ping", {"still": "valid"})[0] == 200  # the old key, during the overlap

    page.goto(page.base_url + f"/integrasi/mitra/{partner.pk}/")
    expect(page.get_by_role("heading", name="Kunci tanda tangan")).to_be_visible()
    assert secret not in page.content() and new_secret not in page.content()
