"""Issue 13's journey in a phone-sized Chromium: an institution manager asks for a background export of a program's
participants from the program's page, watches its progress page (queued, then written — the page polls by itself),
downloads the .xlsx (full NIKs: the manager may see them), and opens the program's LPJ and its PDF."""

import io

import pytest
import python_calamine
from playwright.sync_api import expect
from pypdf import PdfReader

from sisnaker.core import crypto
from sisnaker.core.roles import Role
from sisnaker.exports import services
from sisnaker.exports.models import ExportJob
from tests.conftest import approved_institution
from tests.factories import PersonFactory, ProgramFactory, enrollments_in, staff

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Rahasia-Kuat-2026"


def test_manager_exports_participants_watches_progress_downloads_and_opens_the_lpj(page, settings):
    # No worker yet: the export waits in the queue until the test runs it, as a worker would.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    institution = approved_institution(registry_number="BLK-3273-013", name="UPTD BLK Kota Bandung")
    staff(Role.INSTITUTION_MANAGER, institution=institution, username="pengelola.ekspor", first_name="Rina", password=PASSWORD)
    program = ProgramFactory(institution=institution, status="running", title="Teknisi AC Angkatan 2", units=2,
                             funding="apbn", dipa_reference="DIPA-026.05.1.654321/2026")
    people = [PersonFactory(full_name=name) for name in ("Budi Santoso", "Citra Lestari", "Dodi Pratama")]
    enrollments_in(program, people=people)
    base = page.base_url

    log_in(page, "pengelola.ekspor", PASSWORD)
    page.goto(f"{base}/pelatihan/kelola/{program.pk}/")
    reports = page.locator("#program-reports")
    reports.get_by_role("button", name="Ekspor .xlsx").click()

    # The export's page: queued, 0 of 3 rows, polling.
    expect(page.get_by_role("heading", name="Ekspor: Teknisi AC Angkatan 2")).to_be_visible()
    expect(page.locator("#export-status")).to_have_text("menunggu giliran pekerja latar")
    expect(page.locator("#export-count")).to_have_text("0 dari 3 baris ditulis")
    expect(page.locator("#export-download")).to_have_count(0)

    job = ExportJob.objects.get()
    services.export_run(job_id=job.pk)  # the worker writes it; the page notices on its next poll

    expect(page.locator("#export-status")).to_have_text("selesai", timeout=10_000)
    expect(page.locator("#export-count")).to_have_text("3 dari 3 baris ditulis")
    expect(page.locator(".progressbar span")).to_have_attribute("data-width", "100")
    with page.expect_download() as caught:
        page.locator("#export-download").click()
    download = caught.value
    assert download.suggested_filename == f"peserta-program-{program.pk}.xlsx"
    with open(download.path(), "rb") as fh:
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(fh.read())).get_sheet_by_index(0).to_python()
    by_name = {row[1]: row for row in sheet[1:]}
    assert set(by_name) == {"Budi Santoso", "Citra Lestari", "Dodi Pratama"}
    assert by_name["Budi Santoso"][2] == crypto.decrypt(people[0].nik_encrypted)  # the manager sees full NIKs

    # It is listed on "Ekspor saya".
    page.get_by_role("link", name="Ekspor saya").first.click()
    expect(page.locator("#export-list")).to_contain_text("Teknisi AC Angkatan 2")

    # The LPJ from the program's page, and its PDF.
    page.goto(f"{base}/pelatihan/kelola/{program.pk}/")
    page.locator("#lpj-link").click()
    expect(page.get_by_role("heading", name="Laporan pertanggungjawaban (LPJ)")).to_be_visible()
    expect(page.locator("#lpj-states [data-state=participant] td")).to_have_text("3")
    pdf_url = page.locator("#lpj-pdf").get_attribute("href")
    response = page.context.request.get(base + pdf_url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Teknisi AC Angkatan 2" in text and "DIPA-026.05.1.654321/2026" in text and "UPTD BLK Kota Bandung" in text
