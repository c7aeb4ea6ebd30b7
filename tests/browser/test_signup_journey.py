"""A citizen signs up with a valid NIK, sees a clear error for an invalid one, and logs in."""

import re

import pytest
from playwright.sync_api import expect

from sisnaker.accounts.models import Person

from .conftest import fill_signup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_signup(page, nik: str):
    fill_signup(page, nik, password="Kata-Sandi-Aman-2026")


def test_citizen_signs_up_sees_nik_error_then_logs_in(page):
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Daftar dengan NIK").click()
    expect(page.get_by_role("heading", name="Daftar dengan NIK")).to_be_visible()

    # 1. An invalid NIK (day 99 in the birth-date part): a clear message, nothing saved.
    _fill_signup(page, "3273019905950001")
    page.get_by_role("button", name="Daftar").click()
    error = page.locator("#id_nik-errors")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile("tanggal", re.I))
    assert Person.objects.count() == 0

    # 2. The valid NIK: registered and signed in.
    page.fill("#id_nik", "3273015705950001")
    page.fill("#id_password", "Kata-Sandi-Aman-2026")
    page.fill("#id_password2", "Kata-Sandi-Aman-2026")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("Pendaftaran berhasil")).to_be_visible()
    expect(page.get_by_text("3273********0001")).to_be_visible()
    assert Person.objects.get().domicile_district_id == "32.73.01"

    # 3. Log out, then log in with the NIK.
    page.get_by_role("button", name="Keluar").click()
    page.get_by_role("link", name="Masuk").first.click()
    page.fill("#id_username", "3273 0157 0595 0001")
    page.fill("#id_password", "Kata-Sandi-Aman-2026")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name=re.compile("Selamat datang, Dewi Lestari"))).to_be_visible()

    # 4. The same NIK cannot register again.
    page.get_by_role("button", name="Keluar").click()
    page.goto(page.base_url + "/akun/daftar/")
    _fill_signup(page, "3273015705950001")
    page.fill("#id_phone", "0813-9999-0000")
    page.fill("#id_email", "lain@example.id")
    page.get_by_role("button", name="Daftar").click()
    expect(page.locator("#id_nik-errors")).to_contain_text("sudah terdaftar")
    assert Person.objects.count() == 1
