"""A citizen without e-mail forgot the password: from the log-in page on a phone, a code by SMS, a new
password, then log-in with it (issue 9 §2)."""

import re

import pytest
from playwright.sync_api import expect

from sisnaker.accounts import services
from sisnaker.notifications import gateways
from tests.conftest import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class SmsBox(gateways.Gateway):
    sent: list = []

    def __init__(self, **_):
        pass

    def send(self, *, to, text):
        SmsBox.sent.append((to, text))
        return "box-1"


def test_forgot_password_by_sms_on_a_phone(page, settings, signup_data):
    settings.SISNAKER_SMS_GATEWAY = "tests.browser.test_password_reset_journey.SmsBox"
    SmsBox.sent = []
    person = services.person_sign_up(data=signup_data(phone="0812-4444-0001", email="", password="Sandi-Lama-2026"), today=TODAY)
    assert page.viewport_size["width"] == 390

    page.goto(page.base_url + "/akun/masuk/")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    expect(page.get_by_role("heading", name="Lupa kata sandi")).to_be_visible()
    page.fill("#id_identifier", "0812 4444 0001")
    page.get_by_role("button", name="Kirim kode").click()
    expect(page.get_by_role("heading", name="Buat kata sandi baru")).to_be_visible()

    # The form fits the phone's width (no sideways scrolling).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    texts = [text for to, text in SmsBox.sent if to == "+6281244440001"]
    assert len(texts) == 1
    code = re.search(r"\b(\d{6})\b", texts[0]).group(1)

    # A wrong code first: a clear message, the password unchanged.
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    page.fill("#id_password", "Sandi-Baru-Kuat-2026")
    page.fill("#id_password2", "Sandi-Baru-Kuat-2026")
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    expect(page.locator("#id_code-errors")).to_contain_text("Kode salah")

    page.fill("#id_code", code)
    page.fill("#id_password", "Sandi-Baru-Kuat-2026")
    page.fill("#id_password2", "Sandi-Baru-Kuat-2026")
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    expect(page.get_by_role("heading", name="Kata sandi sudah diganti")).to_be_visible()

    page.get_by_role("link", name="Masuk").last.click()
    page.fill("#id_username", person.nik)
    page.fill("#id_password", "Sandi-Baru-Kuat-2026")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name=re.compile("Selamat datang"))).to_be_visible()
