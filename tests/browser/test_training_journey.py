"""The training journey in a phone-sized Chromium: a new user signs up, registers an institution (and
becomes its manager), creates and publishes a program; a citizen registers from the program page; the
manager accepts them, starts the program early (the confirmation says what follows and asks why), records the
result and closes it; she opens the next batch from it; the citizen is an alumnus."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sisnaker.core.dates import long_id
from sisnaker.institutions.models import Institution
from sisnaker.training.models import Enrollment, Program
from tests.conftest import approve
from tests.factories import CompetencyUnitFactory, PersonFactory, VocationalFieldFactory

from .conftest import fill_institution, fill_signup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kata-Sandi-Aman-2026"


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "page wider than the phone"


def test_institution_program_and_alumni_journey(page, browser):
    today = timezone.localdate()
    tik = VocationalFieldFactory(code="TIK", name="Teknologi Informasi dan Komunikasi")
    CompetencyUnitFactory(code="J.620100.004.02", title="Menggunakan struktur data", vocational_field=tik)
    CompetencyUnitFactory(code="J.620100.005.02", title="Mengimplementasikan user interface", vocational_field=tik)
    # The citizen who will train (tests/factories.py; the manager signs up in the browser).
    trainee = PersonFactory(full_name="Budi Santoso", phone="+6281355556666", email="budi@contoh.id", user__password=PASSWORD)

    # 1. A new user signs up as a citizen.
    page.goto(page.base_url + "/akun/daftar/")
    fill_signup(page, "3273015705950001", password=PASSWORD, education="s1")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("Pendaftaran berhasil")).to_be_visible()

    # 2. She registers an institution (a BLK: no accreditation needed) and becomes its manager.
    page.get_by_role("link", name="Daftarkan lembaga").click()
    fill_institution(page, name="BLK Komunitas Harapan Bandung", registry_number="BLKK-3273-042",
                     address="Jl. Soekarno-Hatta 100, Bandung")
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Daftarkan lembaga").click()
    expect(page.get_by_text("Lembaga terdaftar")).to_be_visible()
    expect(page.get_by_role("heading", name="BLK Komunitas Harapan Bandung")).to_be_visible()
    expect(page.get_by_role("link", name="Lembaga saya")).to_be_visible()
    # It waits for the authority (the approval itself is the vetting journey); approved, it works.
    expect(page.get_by_role("heading", name="Menunggu persetujuan")).to_be_visible()
    expect(page.get_by_role("link", name="Buat program baru")).to_have_count(0)
    approve(Institution.objects.get(registry_number="BLKK-3273-042"))
    page.reload()

    # 3. She creates a program whose registration is open today, then publishes it.
    page.get_by_role("link", name="Buat program baru").click()
    page.fill("#id_title", "Junior Web Developer Angkatan 1")
    page.select_option("#id_vocational_field", str(tik.pk))
    expect(page.locator("#units-box input[name=competency_units]")).to_have_count(2)
    page.locator("#units-box label", has_text="J.620100.004.02").locator("input").check()
    page.fill("#id_start_date", (today + dt.timedelta(days=10)).isoformat())
    page.fill("#id_end_date", (today + dt.timedelta(days=40)).isoformat())
    page.fill("#id_registration_opens", today.isoformat())
    page.fill("#id_registration_closes", (today + dt.timedelta(days=5)).isoformat())
    page.fill("#id_hours", "240")
    page.fill("#id_quota", "16")
    expect(page.locator("#id_regency")).to_have_value("32.73")  # the institution's regency by default
    page.select_option("#id_funding", "apbd")
    page.select_option("#id_selection_method", "none")
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Simpan sebagai draf").click()
    expect(page.get_by_text("Program tersimpan sebagai draf")).to_be_visible()
    page.get_by_role("button", name="Membuka pendaftaran").click()
    expect(page.locator("#program-status")).to_have_text("Pendaftaran dibuka")
    program = Program.objects.get(title="Junior Web Developer Angkatan 1")
    assert program.competency_units.count() == 1
    manage_url = page.url

    # 4. The citizen finds it in the catalogue and registers from the program page.
    other = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    citizen = other.new_page()
    citizen.set_default_timeout(15_000)
    citizen.goto(page.base_url + "/pelatihan/?q=junior")
    citizen.get_by_role("link", name="Junior Web Developer Angkatan 1").click()
    citizen.get_by_role("link", name="Masuk untuk mendaftar").click()
    citizen.fill("#id_username", "budi@contoh.id")
    citizen.fill("#id_password", PASSWORD)
    citizen.get_by_role("button", name="Masuk").click()
    expect(citizen.get_by_role("heading", name="Junior Web Developer Angkatan 1")).to_be_visible()
    _no_horizontal_scroll(citizen)
    citizen.get_by_role("button", name="Daftar", exact=True).click()
    expect(citizen.get_by_text("Pendaftaran berhasil")).to_be_visible()
    expect(citizen.locator(".enrollment-card .badge").first).to_have_text("Pendaftar")

    # 5. The manager accepts the applicant (htmx bulk action), starts, records the result, closes.
    page.goto(manage_url)
    row = page.locator("tr", has_text="Budi Santoso")
    expect(row).to_be_visible()
    _no_horizontal_scroll(page)
    row.locator("input[name=ids]").check()
    page.select_option("#bulk-action", "accept")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("#bulk-summary")).to_contain_text("1 diproses, 0 ditolak")
    expect(page.locator("tr", has_text="Budi Santoso").locator(".badge").first).to_have_text("Peserta")
    # Starting two weeks before the start date: the confirmation says what follows and asks why.
    page.get_by_role("link", name="Memulai pelatihan…").click()
    expect(page.locator("#transition-effects")).to_contain_text("Tidak ada pendaftaran yang berubah status")
    expect(page.locator("#reason-needed")).to_contain_text(long_id(today + dt.timedelta(days=10)))
    expect(page.locator("#reason-needed")).to_contain_text("Penilaian kompetensi")  # when the grid opens
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Ya, memulai pelatihan").click()
    expect(page.locator("#id_reason-errors")).to_contain_text("tuliskan alasan memulai lebih awal")
    assert Program.objects.get(pk=program.pk).status == "published"
    page.fill("#id_reason", "Instruktur dari industri hanya tersedia minggu ini")
    page.get_by_role("button", name="Ya, memulai pelatihan").click()
    expect(page.locator("#program-status")).to_have_text("Berjalan")
    page.locator("tr", has_text="Budi Santoso").locator("input[name=ids]").check()
    page.select_option("#bulk-action", "passed")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("#bulk-summary")).to_contain_text("1 diproses, 0 ditolak")
    expect(page.locator("tr", has_text="Budi Santoso")).to_contain_text("Lulus")
    page.get_by_role("link", name="Menutup program…").click()
    expect(page.locator("#transition-effects")).to_contain_text('1 pendaftaran berstatus "Peserta" menjadi "Alumni"')
    page.fill("#id_reason", "Uji kompetensi dimajukan oleh LSP")
    page.get_by_role("button", name="Ya, menutup program").click()
    expect(page.locator("#program-status")).to_have_text("Selesai")
    expect(page.locator("tr", has_text="Budi Santoso").locator(".badge").first).to_have_text("Alumni")
    page.locator("summary", has_text="Riwayat program").click()
    expect(page.locator("#program-history")).to_contain_text("Instruktur dari industri hanya tersedia minggu ini")

    # 6. Next batch: a new program from this one, asking only the dates and the quota, published at once.
    page.get_by_role("link", name="Angkatan baru dari program ini").click()
    expect(page.locator("#new-title")).to_have_text("Junior Web Developer Angkatan 2")
    expect(page.locator("#id_quota")).to_have_value("16")
    assert page.locator("#id_start_date").input_value() == (program.end_date + dt.timedelta(days=1)).isoformat()
    page.fill("#id_quota", "20")
    page.locator("#id_publish").check()
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Buat angkatan baru").click()
    expect(page.get_by_role("heading", name="Junior Web Developer Angkatan 2")).to_be_visible()
    expect(page.locator("#program-status")).to_have_text("Pendaftaran dibuka")
    batch = Program.objects.get(title="Junior Web Developer Angkatan 2")
    assert batch.quota == 20 and list(batch.competency_units.all()) == list(program.competency_units.all())

    # 7. The citizen's "Pelatihan saya" shows Alumni.
    citizen.get_by_role("link", name="Pelatihan saya").first.click()
    expect(citizen.locator(".enrollment-card .badge").first).to_have_text("Alumni")
    expect(citizen.get_by_text(re.compile("Selamat, Anda alumni"))).to_be_visible()
    assert Enrollment.objects.get(person=trainee).state == "graduated"
    other.close()
