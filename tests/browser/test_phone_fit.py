"""Issue 9 §7: the pages people open on a phone fit a 390-pixel screen without scrolling sideways — each
role's home, the public key page, the readiness board, the manager's program page, Pelatihan saya and
Sertifikat saya. Wide tables scroll inside their own box (``.table-wrap``), never the page."""

import os

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.services import role_grant
from sisnaker.certification import services as cert_services
from sisnaker.core.roles import Role
from tests.certification import test_board as f
from tests.training.test_services import make_staff, user_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844
SHOTS = os.environ.get("SISNAKER_SCREENSHOTS", "")
# On failure: the first elements that stick out.
WIDE = """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + (e.id || ''))"""


def _as(browser, base_url, user):
    context = browser.new_context(locale="id-ID", viewport={"width": WIDTH, "height": HEIGHT})
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_phone_pages_never_scroll_sideways(browser, live_server, regions, signup_data):
    w = f.build()
    cert = cert_services.certificate_issue(actor=w.manager, enrollment=w.enrollments["Ani"].pk, now=timezone.now())
    officer = make_staff("petugas.bdg")
    role_grant(actor=None, user=officer, role=Role.REGIONAL_OFFICER, region_code="32.73")
    curator = make_staff("kurator.pusat", Role.CURATOR)
    citizen = user_of(w.enrollments["Ani"].person)
    home = reverse("web:home")
    pages = {
        None: [home, reverse("verify:public_key")],
        citizen: [home, reverse("my_trainings"), reverse("certification:mine"), reverse("certification:certificate", args=[cert.pk])],
        w.manager: [home, reverse("certification:board", args=[w.program.pk]), reverse("training:manage", args=[w.program.pk]),
                    reverse("training:enrollment", args=[w.program.pk, w.enrollments["Ani"].pk]),
                    reverse("certification:overview")],
        w.instructor: [home, reverse("certification:board", args=[w.program.pk])],
        officer: [home],
        curator: [home],
    }
    wide = []
    for user, urls in pages.items():
        context, page = _as(browser, live_server.url, user)
        try:
            for url in urls:
                response = page.goto(live_server.url + url)
                assert response.status == 200, (user, url, response.status)
                if SHOTS:  # SISNAKER_SCREENSHOTS=/some/dir keeps a picture of each page to look at
                    name = f"{getattr(user, 'username', 'anonymous')}{url}".replace("/", "_").strip("_")
                    page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=True)
                if not page.evaluate(f"document.documentElement.scrollWidth <= {WIDTH}"):
                    wide.append(f"{user or 'anonymous'} {url}: {page.evaluate(WIDE)}")
                # The status of each row stays visible without scrolling the table.
                for status in page.locator("table.board tbody td.row-status, table.enrollments td .badge").all()[:3]:
                    box = status.bounding_box()
                    assert box is not None and box["x"] + box["width"] <= WIDTH + 1, (url, box)
        finally:
            context.close()
    assert not wide, "pages wider than a phone:\n" + "\n".join(wide)
