"""The main pages in Chromium under the Content-Security-Policy: each answers with the policy (no
'unsafe-inline'), nothing is refused (the autouse fixture no_csp_violations fails the test on any
report), and what used to be inline still works: bars get their width, "select all" selects all,
the htmx region picker fills, and the API docs render Swagger UI from our own static files."""

import pytest
from django.db.models import Count
from django.utils import timezone
from playwright.sync_api import expect

from sisnaker.demo import data as demo
from sisnaker.surveys.models import Response
from sisnaker.training.models import Program

from .conftest import CSP_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visit(page, path: str):
    response = page.goto(page.base_url + path)
    assert response is not None and response.status == 200, path
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy, path
    assert "camera=()" in response.headers.get("permissions-policy", ""), path
    page.wait_for_load_state("networkidle")
    return response


def _login(page, username: str):
    page.goto(page.base_url + "/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("link", name="Akun saya")).to_be_visible()


def test_inline_code_is_caught(page):
    """The watch itself works: an inline script is refused by the browser and reported."""
    _visit(page, "/")
    start = len(CSP_VIOLATIONS)
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in CSP_VIOLATIONS[start:]), CSP_VIOLATIONS[start:]
    del CSP_VIOLATIONS[start:]  # expected here; every other test must report none


def test_main_pages_work_under_the_policy(page, browser):
    demo.load_demo(citizens=120, today=timezone.localdate())
    # Public pages, the sign-up form's htmx region picker, the API docs (Swagger UI).
    for path in ("/", "/pelatihan/", "/v/", "/akun/masuk/", "/admin/login/"):
        _visit(page, path)
    _visit(page, "/akun/daftar/")
    page.select_option("#id_domicile_0", "32")
    expect(page.locator("#id_domicile_1 option[value='32.73']")).to_have_count(1)
    assert page.evaluate("getComputedStyle(document.querySelector('#id_domicile_1')).display") == "block"
    _visit(page, "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Sisnaker API")
    expect(page.locator(".opblock").first).to_be_visible()

    # The institution manager: programs, the enrollments table ("select all"), the readiness board,
    # the survey summary (bars).
    _login(page, "pengelola.blkbandung")
    busiest = Program.objects.annotate(n=Count("enrollments")).order_by("-n", "pk").first()
    surveyed = Response.objects.filter(enrollment__isnull=False).values_list("enrollment__program_id", flat=True).first()
    _visit(page, "/lembaga/")
    _visit(page, f"/pelatihan/kelola/{busiest.pk}/")
    select_all = page.locator("input[data-select-all]")
    boxes = page.locator("#bulk-form input[name=ids]")
    assert boxes.count() > 1
    select_all.check()
    for i in range(boxes.count()):
        expect(boxes.nth(i)).to_be_checked()
    select_all.uncheck()
    expect(boxes.first).not_to_be_checked()
    _visit(page, "/sertifikasi/")
    _visit(page, f"/sertifikasi/kesiapan/{surveyed}/")
    _visit(page, f"/survei/kesiapan-kerja/program/{surveyed}/")
    bar = page.locator(".bar span[data-width]").first
    expected = float(bar.get_attribute("data-width"))
    assert bar.evaluate("el => el.style.width") == f"{expected:g}%"
    _visit(page, "/akun/saya/")

    # The administrator: people, the audit trail, the admin site.
    page.context.clear_cookies()
    _login(page, "admin")
    for path in ("/akun/orang/", "/akun/audit/", "/admin/"):
        _visit(page, path)
