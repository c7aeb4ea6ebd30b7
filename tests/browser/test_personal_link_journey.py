"""Issue 9 §1's journey: a participant the institution imported (no account, a phone number only) finishes
their steps from the SMS. The manager sends personal links from the readiness board; the test reads the SMS
the gateway received, opens its link on a 390×844 phone, and writes the review and the work-readiness
survey — counting every tap and every field filled (at most 12 from opening the link)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from sisnaker.accounts.models import Person
from sisnaker.certification.models import Review
from sisnaker.core import crypto
from sisnaker.core.roles import Role
from sisnaker.notifications import gateways
from sisnaker.surveys.models import Response
from tests.browser.test_certification_journey import PASSWORD, _login, _new_page, _no_horizontal_scroll
from tests.certification import test_board as f
from tests.conftest import approved_institution, make_nik
from tests.factories import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TAPS = 12


class SmsBox(gateways.Gateway):
    """The SMS provider as the test sees it: every text as it would leave (the live server runs in this process)."""

    sent: list = []

    def __init__(self, **_):
        pass

    def send(self, *, to, text):
        SmsBox.sent.append((to, text))
        return "box-1"


class Taps:
    """Counts what the participant does: each tap on a control, each field filled."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def check(self, locator):
        self.count += 1
        locator.check()

    def fill(self, selector, value):
        self.count += 1
        self.page.fill(selector, value)


def test_manager_sends_links_and_an_imported_participant_finishes_review_and_survey_by_phone(page, browser, settings):
    settings.SISNAKER_SMS_GATEWAY = "tests.browser.test_personal_link_journey.SmsBox"
    SmsBox.sent = []
    # --- set up with the services: an approved institution, its manager and instructor, a running program,
    # and Fajar, whom the institution added (an import): no account, only the phone it typed.
    institution = approved_institution(registry_number="BLK-3273-009", name="BLK Kota Bandung")
    manager = staff(Role.INSTITUTION_MANAGER, institution=institution, username="pengelola.link", first_name="Rina Pengelola", password=PASSWORD)
    instructor = staff(Role.INSTRUCTOR, institution=institution, username="instruktur.link", first_name="Agus Instruktur", password=PASSWORD)
    units = f.units_for("J.620200")
    program = f.running_program(institution, units=units, title="Teknisi Jaringan Angkatan 1", created_by=manager)
    nik = make_nik(birth=dt.date(2000, 1, 2))
    fajar = Person.objects.create(
        nik_encrypted=crypto.encrypt(nik), nik_index=crypto.blind_index(nik, label="nik"), nik_regency_id="32.73",
        nik_district_id="32.73.01", full_name="Fajar Nugraha", birth_date=dt.date(2000, 1, 2), sex="M", education="smk",
        phone="0813-0000-0077", email="", domicile_district_id="32.73.01", added_by_institution=institution,
    )
    enrollment = f.enroll(program, fajar)
    f.assess(enrollment, units, instructor)
    base = page.base_url

    # --- 1. the manager sends the links from the readiness board (one click) and sees the count
    _login(page, "pengelola.link")
    page.goto(f"{base}/sertifikasi/kesiapan/{program.pk}/")
    expect(page.locator(f"#e{enrollment.pk}")).to_have_attribute("data-status", "blocking")
    page.get_by_role("button", name="Kirim tautan pribadi").click()
    expect(page.get_by_text("Tautan pribadi terkirim ke 1 peserta.")).to_be_visible()
    expect(page.locator(f"#e{enrollment.pk} td.link-status")).to_have_attribute("data-link", "active")
    _no_horizontal_scroll(page)

    # --- 2. the SMS Fajar got: short, with his link
    texts = [text for to, text in SmsBox.sent if to == "+6281300000077"]
    assert len(texts) == 1, SmsBox.sent
    sms = texts[0]
    print(f"\nSMS ({len(sms)} characters): {sms}")
    url = re.search(r"https?://\S+/l/[A-Za-z0-9_-]{22}/", sms).group(0)
    assert len(sms) <= 160

    # --- 3. on his phone: the link opens the review straight away (no password), then the survey
    phone_ctx, phone = _new_page(browser, base)
    phone.goto(url)
    taps = Taps(phone)
    expect(phone.get_by_role("heading", name=re.compile("Ulasan pelatihan"))).to_be_visible()
    expect(phone.get_by_text("Fajar N******")).to_be_visible()
    expect(phone.get_by_role("button", name="Keluar")).to_have_count(0)  # not logged in
    _no_horizontal_scroll(phone)
    taps.click(phone.locator("label[for=rating-5]"))
    taps.fill("#id_text", "Materinya praktis, instrukturnya sabar.")
    taps.click(phone.get_by_role("button", name="Kirim ulasan"))

    expect(phone.get_by_role("heading", name=re.compile("Survei kesiapan kerja"))).to_be_visible()
    _no_horizontal_scroll(phone)
    taps.check(phone.locator("#q-kegiatan_saat_ini").get_by_label("Mencari kerja"))
    taps.check(phone.locator("#q-keyakinan_bekerja input[value='4']"))
    taps.check(phone.locator("#q-kesediaan_pindah").get_by_label("Di provinsi tempat tinggal"))
    taps.fill("#q-gaji_harapan", "3.500.000")
    taps.fill("#q-siap_mulai", f.today().isoformat())
    taps.check(phone.locator("#q-saluran_cari_kerja").get_by_label("Media sosial"))
    taps.check(phone.locator("#q-bantuan_penempatan").get_by_label("Ya"))
    taps.check(phone.locator("#q-cv_siap").get_by_label("Sudah"))
    taps.click(phone.get_by_role("button", name="Kirim jawaban"))

    expect(phone.locator("#all-done")).to_be_visible()
    expect(phone.locator("#step-review")).to_have_attribute("data-done", "1")
    expect(phone.locator("#step-survey")).to_have_attribute("data-done", "1")
    # An account is offered, never forced.
    expect(phone.get_by_role("link", name="Buat akun")).to_be_visible()
    _no_horizontal_scroll(phone)
    print(f"Taps from opening the link to done: {taps.count} (review 3, survey {taps.count - 3})")
    assert taps.count <= MAX_TAPS
    # The link is not a log-in: the account pages still ask for one.
    phone.goto(base + "/akun/saya/")
    expect(phone).to_have_url(re.compile(r"/akun/masuk/"))
    phone_ctx.close()

    assert Review.objects.filter(enrollment=enrollment, rating=5).exists()
    assert Response.objects.filter(enrollment=enrollment).exists()

    # --- 4. back on the board, the row is no longer blocked by Fajar's own steps
    page.goto(f"{base}/sertifikasi/kesiapan/{program.pk}/")
    row = page.locator(f"#e{enrollment.pk}")
    expect(row).to_have_attribute("data-status", "eligible")
