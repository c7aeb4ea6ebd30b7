"""Browser journeys in Debian's Chromium driven by Playwright (no browser download)."""

import os

import pytest

CHROMIUM = os.environ.get("SISNAKER_CHROMIUM", "/usr/bin/chromium")


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
        yield browser
        browser.close()


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
