"""Browser journeys in Debian's Chromium driven by Playwright (no browser download)."""

import os

import pytest

CHROMIUM = os.environ.get("SISNAKER_CHROMIUM", "/usr/bin/chromium")

# Every Content-Security-Policy violation any page of any browser test reports (see no_csp_violations).
CSP_VIOLATIONS: list[str] = []
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
                " in " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _watch_csp(context):
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message):
        text = message.text
        if message.type == "error" and ("CSP violation" in text or "Content Security Policy" in text):
            CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {text}")

    context.on("console", on_console)
    return context


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run the README's test command (it installs it) or set SISNAKER_CHROMIUM.")
    # Playwright's sync API runs an event loop; Django must allow ORM calls from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        # Every context (the page fixture's and those a test opens itself) reports CSP violations.
        new_context = browser.new_context
        browser.new_context = lambda *args, **kwargs: _watch_csp(new_context(*args, **kwargs))
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violations():
    """A browser test fails when a page broke the Content-Security-Policy (an inline script, style or
    handler the browser refused, or an asset from elsewhere)."""
    start = len(CSP_VIOLATIONS)
    yield
    reported = CSP_VIOLATIONS[start:]
    assert not reported, "Content-Security-Policy violations:\n" + "\n".join(reported)


@pytest.fixture
def page(browser, live_server, regions):
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


def fill_signup(page, nik: str, *, password: str, education: str = "smk"):
    """Fill the citizen sign-up form (Dewi Lestari, Kota Bandung) through the htmx region picker."""
    from playwright.sync_api import expect

    page.fill("#id_nik", nik)
    page.fill("#id_full_name", "Dewi Lestari")
    page.fill("#id_birth_date", "1995-05-17")
    page.select_option("#id_sex", "F")
    page.fill("#id_phone", "0813-2222-3333")
    page.fill("#id_email", "dewi@example.id")
    page.select_option("#id_domicile_0", "32")
    # htmx fills the regency list, then the district list.
    expect(page.locator("#id_domicile_1 option[value='32.73']")).to_have_count(1)
    page.select_option("#id_domicile_1", "32.73")
    expect(page.locator("#id_domicile_2 option[value='32.73.01']")).to_have_count(1)
    page.select_option("#id_domicile_2", "32.73.01")
    page.select_option("#id_education", education)
    page.fill("#id_password", password)
    page.fill("#id_password2", password)


def fill_institution(page, *, name: str, registry_number: str, kind: str = "blk_komunitas", licence_number: str = "",
                     address: str = ""):
    """Fill the institution registration form for an institution in Kota Bandung (htmx regency list)."""
    from playwright.sync_api import expect

    page.fill("#id_name", name)
    page.fill("#id_registry_number", registry_number)
    page.select_option("#id_kind", kind)
    if licence_number:
        page.fill("#id_licence_number", licence_number)
    page.select_option("#id_province", "32")
    expect(page.locator("#id_regency option[value='32.73']")).to_have_count(1)
    page.select_option("#id_regency", "32.73")
    if address:
        page.fill("#id_address", address)


def log_in(page, who: str, password: str):
    """Log in through the form and wait for the welcome page."""
    import re

    from playwright.sync_api import expect

    page.goto(page.base_url + "/akun/masuk/")
    page.fill("#id_username", who)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name=re.compile("Selamat datang"))).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Keluar").click()
