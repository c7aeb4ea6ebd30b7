"""Issue 4's journey in a phone-sized Chromium: the instructor assesses both competency units, the
participant reviews the training and fills the work-readiness survey from "Pelatihan saya", the manager
sees the readiness board turn green and issues the certificate ("issue all eligible", a background task
with a progress page), and anyone — logged out — verifies it by its number and by the QR code's URL."""

import re

import pytest
from playwright.sync_api import expect

from sisnaker.accounts.models import Person
from sisnaker.certification.models import Certificate
from sisnaker.training.models import Enrollment
from tests.certification import test_board as f
from tests.factories import InstitutionFactory, InstructorFactory, ManagerFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kata-Sandi-Aman-2026"


# On failure: the first elements that stick out (inside a scrolling table they may be the culprits too).
WIDE = """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + (e.id || ''))"""


def _no_horizontal_scroll(page):
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert fits, f"page wider than the phone: {page.evaluate(WIDE)}"


def _login(page, username: str):
    page.goto(page.base_url + "/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def _new_page(browser, base_url):
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = base_url
    return context, page


def test_assess_review_survey_board_issue_and_verify(page, browser):
    # --- set up (tests/factories.py): institution, manager, instructor, a running program with two units
    institution = InstitutionFactory(registry_number="BLK-3273-007", name="BLK Kota Bandung")
    ManagerFactory(username="pengelola.bdg", first_name="Rina Pengelola", password=PASSWORD, institution=institution)
    InstructorFactory(username="instruktur.bdg", first_name="Agus Instruktur", password=PASSWORD, institution=institution)
    units = f.units_for("J.620100")
    program = f.running_program(institution, units=units, title="Junior Web Developer Angkatan 2")
    trainee = PersonFactory(full_name="Budi Santoso", email="budi@contoh.id", user__password=PASSWORD)
    enrollment = f.enroll(program, trainee)
    base = page.base_url

    # --- 1. the instructor assesses both units as competent (saved as you go, htmx)
    instructor_ctx, instructor = _new_page(browser, base)
    _login(instructor, "instruktur.bdg")
    instructor.goto(f"{base}/sertifikasi/penilaian/{program.pk}/")
    row = instructor.locator(f"#row-{enrollment.pk}")
    expect(row).to_contain_text("Budi Santoso")
    selects = row.locator("select")
    expect(selects).to_have_count(2)
    for i in range(2):
        selects.nth(i).select_option("K")
        expect(row.locator(".cell-status").nth(i)).to_contain_text("tersimpan")
    expect(instructor.locator(f"#overall-{enrollment.pk}")).to_contain_text("Kompeten")
    instructor_ctx.close()

    # --- 2. the participant reviews the training and fills the readiness survey from "Pelatihan saya"
    citizen_ctx, citizen = _new_page(browser, base)
    _login(citizen, "budi@contoh.id")
    citizen.get_by_role("link", name="Pelatihan saya").first.click()
    card = citizen.locator(".enrollment-card", has_text="Junior Web Developer Angkatan 2")
    card.get_by_role("link", name="Beri ulasan").click()
    citizen.locator("label[for=rating-5]").click()
    citizen.fill("#id_text", "Instrukturnya sabar dan materinya langsung dipraktikkan.")
    _no_horizontal_scroll(citizen)
    citizen.get_by_role("button", name="Kirim ulasan").click()
    expect(citizen.get_by_text("Terima kasih atas ulasan Anda")).to_be_visible()

    citizen.get_by_role("link", name="Pelatihan saya").first.click()
    card = citizen.locator(".enrollment-card", has_text="Junior Web Developer Angkatan 2")
    expect(card).to_contain_text("Ulasan terkirim")
    card.get_by_role("link", name="Isi survei kesiapan kerja").click()
    citizen.locator("#q-kegiatan_saat_ini").get_by_label("Mencari kerja").check()
    citizen.locator("#q-keyakinan_bekerja input[value='4']").check()
    citizen.locator("#q-kesediaan_pindah").get_by_label("Di provinsi tempat tinggal").check()
    citizen.fill("#q-gaji_harapan", "3.500.000")
    citizen.fill("#q-siap_mulai", f.today().isoformat())
    citizen.locator("#q-saluran_cari_kerja").get_by_label("Media sosial").check()
    citizen.locator("#q-bantuan_penempatan").get_by_label("Ya").check()
    citizen.locator("#q-cv_siap").get_by_label("Sudah").check()
    _no_horizontal_scroll(citizen)
    citizen.get_by_role("button", name="Kirim jawaban").click()
    expect(citizen.get_by_text("Terima kasih!")).to_be_visible()
    citizen_ctx.close()

    # --- 3. the manager sees the row turn green on the readiness board and issues the certificate
    _login(page, "pengelola.bdg")
    page.goto(base + "/sertifikasi/")
    overview_row = page.locator(f"#p{program.pk}")
    expect(overview_row.locator("[data-col=eligible]")).to_have_text("1")
    expect(overview_row.locator("[data-col=blocking]")).to_have_text("0")
    _no_horizontal_scroll(page)
    overview_row.get_by_role("link", name="Junior Web Developer Angkatan 2").click()
    expect(page.get_by_role("heading", name="Papan kesiapan sertifikat")).to_be_visible()
    row = page.locator(f"#e{enrollment.pk}")
    expect(row).to_have_attribute("data-status", "eligible")
    for step in ("assessed", "reviewed", "survey"):
        expect(row.locator(f"td[data-step={step}]")).to_have_attribute("data-done", "1")
    expect(row).to_contain_text("siap diterbitkan")
    expect(page.locator("[data-count=eligible]")).to_have_text("1")
    page.get_by_role("button", name=re.compile("Terbitkan semua yang memenuhi syarat")).click()
    expect(page.locator("#issue-count")).to_have_text("1 dari 1 diterbitkan")
    expect(page.locator("#issue-progress")).to_have_attribute("data-finished", "1")
    _no_horizontal_scroll(page)
    page.get_by_role("link", name="Kembali ke papan kesiapan").click()
    row = page.locator(f"#e{enrollment.pk}")
    expect(row).to_have_attribute("data-status", "certified")
    expect(row.locator("td[data-done='1']")).to_have_count(4)  # every step ✔
    expect(row.locator("td[data-done='0']")).to_have_count(0)
    certificate = Certificate.objects.get(enrollment=enrollment)
    expect(row).to_contain_text(certificate.number)
    _no_horizontal_scroll(page)
    assert Enrollment.objects.get(pk=enrollment.pk).certificates.get().pk == certificate.pk

    # --- 4. anyone, logged out, verifies it by its number and the holder's birth date (masked name),
    # and by the QR code's URL (full name and birth year, to compare with the ID card)
    public_ctx, public = _new_page(browser, base)
    public.goto(base + "/v/")
    public.fill("#id_nomor", certificate.number.lower())
    public.fill("#id_lahir", trainee.birth_date.isoformat())
    public.get_by_role("button", name="Periksa").click()
    expect(public.locator("section[data-status=valid]")).to_contain_text("SAH")
    expect(public.locator("[data-field=name]")).to_have_text("Budi S******")
    expect(public.locator("#issuer")).to_contain_text("disetujui dan aktif")
    _no_horizontal_scroll(public)
    public.goto(f"{base}/v/{certificate.verification_id}/")
    expect(public.locator("section[data-status=valid]")).to_contain_text("SAH")
    expect(public.locator("[data-field=name]")).to_have_text("Budi Santoso")
    expect(public.locator("[data-field=birth-year]")).to_have_text(str(trainee.birth_date.year))
    expect(public.get_by_text("Junior Web Developer Angkatan 2")).to_be_visible()
    _no_horizontal_scroll(public)

    # --- 5. the name on it was wrong: once the holder's record is corrected, the manager replaces the certificate
    # (revoked with the reason, a new one with the corrected name); the old QR code now says so and leads to the new one
    Person.objects.filter(pk=trainee.pk).update(full_name="Budi Santosa")
    page.goto(f"{base}/sertifikasi/sertifikat/{certificate.pk}/")
    expect(page.locator("[data-field=changes]")).to_contain_text("Nama")
    page.fill("#id_replace_reason", "Nama salah ketik pada data peserta")
    page.get_by_role("button", name="Cabut dan terbitkan pengganti").click()
    replacement = Certificate.objects.get(replaces=certificate)
    expect(page.get_by_text(f"diganti dengan {replacement.number}")).to_be_visible()
    expect(page.locator("[data-field=replaces]")).to_contain_text(certificate.number)
    _no_horizontal_scroll(page)
    public.goto(f"{base}/v/{certificate.verification_id}/")
    expect(public.locator("section[data-status=revoked]")).to_contain_text("Nama salah ketik pada data peserta")
    public.locator("[data-field=replaced-by]").get_by_role("link", name=replacement.number).click()
    expect(public.locator("section[data-status=valid]")).to_contain_text("SAH")
    expect(public.locator("[data-field=name]")).to_have_text("Budi Santosa")
    _no_horizontal_scroll(public)
    public_ctx.close()
