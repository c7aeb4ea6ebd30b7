"""Issue 7 §3 in a phone-sized Chromium: an administrator whose grace period is over logs in, can
reach only the enrolment page, follows it (scan → code → password), then opens the admin; the next
log-in asks for the code, and /admin/login/ is Sisnaker's own log-in."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import AdminFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kata-Sandi-Aman-2026"


def _code_from_secret(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


def _login(page, username: str):
    page.goto(page.base_url + "/admin/login/?next=/admin/")
    expect(page.get_by_role("heading", name="Masuk ke Sisnaker")).to_be_visible()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_forced_enrolment_then_the_admin_with_a_code(page, settings):
    settings.SISNAKER_REQUIRE_2FA = True
    settings.SISNAKER_2FA_GRACE_DAYS = 0
    admin_user = AdminFactory(username="admin.pusat", first_name="Admin Pusat", password=PASSWORD)

    _login(page, "admin.pusat")
    expect(page.get_by_role("heading", name="Aktifkan verifikasi dua langkah")).to_be_visible()
    expect(page.get_by_text("Google Authenticator")).to_be_visible()
    # Nothing else opens until enrolment: the audit trail sends back here.
    page.goto(page.base_url + "/akun/audit/")
    expect(page.get_by_role("heading", name="Aktifkan verifikasi dua langkah")).to_be_visible()

    secret = page.locator("code").first.inner_text().strip()
    page.fill("#id_token", _code_from_secret(secret))
    page.fill("#id_current_password", PASSWORD)
    page.get_by_role("button", name="Aktifkan").click()
    # On to the page that sent us to enrol, which now opens; so does the admin.
    expect(page.get_by_text("Verifikasi dua langkah aktif")).to_be_visible()
    expect(page.get_by_text("user.otp_enabled").first).to_be_visible()
    page.goto(page.base_url + "/admin/")
    expect(page.get_by_text("Administrasi Sisnaker").first).to_be_visible()
    page.goto(page.base_url + "/akun/saya/")

    page.get_by_role("button", name="Keluar").first.click()
    TOTPDevice.objects.filter(user=admin_user).update(last_t=-1)  # the same 30 s step again, for the test
    _login(page, "admin.pusat")
    expect(page.get_by_role("heading", name="Verifikasi dua langkah")).to_be_visible()
    page.fill("#id_token", _code_from_secret(secret))
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_text("Administrasi Sisnaker").first).to_be_visible()
