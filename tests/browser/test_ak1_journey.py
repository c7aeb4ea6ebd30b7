"""The AK/1 job-seeker card on a phone (issue 12 "done when"): a citizen applies with a photo from her phone's
camera, the placement officer of the regency on her KTP checks the photo and issues the card, six months later she
reports that she is still looking, prints the card (with her photo), and anyone who scans its QR code sees that it
is genuine — without her NIK, address or photo."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from sisnaker.placement.models import JobSeekerCard
from sisnaker.placement.services import ak1 as ak1_services
from tests.factories import PASSWORD, PersonFactory, RegionalOfficerFactory
from tests.placement import photos

from .conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _photo_shown(page) -> bool:
    """The card page's photo was fetched and decoded by the browser (not a broken image)."""
    photo = page.get_by_role("img", name=re.compile("Pas foto"))
    expect(photo).to_be_visible()
    # Visible is not loaded: wait for the image's load (or error) event when it is still coming.
    return photo.evaluate("""img => {
        const ok = () => img.naturalWidth === 300 && img.naturalHeight === 400;
        if (img.complete) return ok();
        return new Promise(resolve => {
            img.addEventListener("load", () => resolve(ok()), {once: true});
            img.addEventListener("error", () => resolve(false), {once: true});
        });
    }""")


def test_ak1_applied_issued_reported_printed_and_verified(page):
    person = PersonFactory(full_name="Rina Marlina", sex="F", nik_district="32.73.01")
    RegionalOfficerFactory(username="disnaker.bandung", first_name="Asep Sunandar", area="32.73")

    # 1. The citizen applies from her phone.
    log_in(page, person.user.username, PASSWORD)
    page.goto(page.base_url + "/penempatan/ak1/daftar/")
    page.fill("#id_birth_place", "Bandung")
    page.select_option("#id_marital_status", "single")
    page.select_option("#id_religion", "islam")
    page.fill("#id_address", "Jl. Cihampelas 12, Bandung")
    page.fill("#id_skills", "Menjahit, pola busana")
    # First a file that is no photo: the form says so, in Indonesian, and keeps what she typed.
    page.set_input_files("#id_photo", files=[{"name": "ktp.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 bukan foto"}])
    page.get_by_role("button", name="Kirim permohonan").click()
    expect(page.get_by_text("bukan foto JPEG atau PNG")).to_be_visible()
    expect(page.locator("#id_skills")).to_have_value("Menjahit, pola busana")
    # Then the photo from her phone's camera (with its GPS position, which is not kept).
    page.set_input_files("#id_photo", files=[{"name": "IMG_20260310.jpg", "mimeType": "image/jpeg",
                                              "buffer": photos.jpeg(1200, 1600, gps=True)}])
    page.get_by_role("button", name="Kirim permohonan").click()
    expect(page.get_by_text("Permohonan kartu AK/1 terkirim")).to_be_visible()
    assert _photo_shown(page)
    log_out(page)

    # 2. The placement officer of Kota Bandung issues it from the queue.
    log_in(page, "disnaker.bandung", PASSWORD)
    page.goto(page.base_url + "/penempatan/ak1/antrean/")
    page.get_by_role("link", name=re.compile("Rina Marlina")).first.click()
    assert _photo_shown(page)  # the officer checks the photo against the KTP before issuing
    page.get_by_role("button", name="Terbitkan kartu").click()
    card = JobSeekerCard.objects.get(person=person)
    expect(page.get_by_text(f"Kartu AK/1 {card.number} diterbitkan")).to_be_visible()
    log_out(page)

    # Six months pass (the card was issued 170 days ago: its first report is due in ten days).
    issued_on = timezone.localdate() - dt.timedelta(days=170)
    card.issued_on = issued_on
    ak1_services._seal(card)  # what issuing then would have signed
    card.save(update_fields=["issued_on", "payload", "signature", "key_id"])

    # 3. She reports that she is still looking for work, and prints the card.
    log_in(page, person.user.username, PASSWORD)
    page.goto(page.base_url + f"/penempatan/ak1/{card.pk}/")
    expect(page.get_by_text("Waktunya melapor").first).to_be_visible()
    page.get_by_label("Masih mencari kerja").check()
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_text("Laporan tercatat.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"dilaporkan \d"))).to_be_visible()
    pdf = page.request.get(page.base_url + f"/penempatan/ak1/{card.pk}/pdf/")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    [printed] = PdfReader(io.BytesIO(pdf.body())).pages[0].images  # her photo, on the card
    assert printed.image.size == (300, 400)
    log_out(page)

    # 4. An employer scans the QR code (no account): genuine, valid, and no NIK or address.
    card.refresh_from_db()
    page.goto(page.base_url + f"/penempatan/ak1/v/{card.verification_id}/")
    expect(page.get_by_text("Kartu ini asli")).to_be_visible()
    expect(page.get_by_text(card.number)).to_be_visible()
    body = page.content()
    assert person.nik not in body and "Cihampelas" not in body and "/foto/" not in body
