"""Issue 10's "done when" in Chromium: an alumna of a government-funded training fills the employment survey
on her phone and watches "Insentif saya" go waiting for the survey → being processed → due → in a batch →
paid, while two finance officers (each logging in with a password and an authenticator code) work the
batch through the pages: one accrues what is due and builds the batch, which she cannot approve; the other
approves it (four eyes), downloads the bank's transfer file and imports the bank's result file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from sisnaker.payments.domain import BatchStatus, LineStatus, PayableStatus
from sisnaker.payments.models import Batch, JournalEntry, Payable
from sisnaker.payments.services.payables import ensure_default_rules
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from tests.browser.test_certification_journey import PASSWORD, _login, _new_page, _no_horizontal_scroll
from tests.factories import EnrollmentFactory, FinanceOfficerFactory, PersonFactory, ProgramFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Menjahit Busana Angkatan III"
ACCOUNT_NUMBER = "012301000456507"


def _officer(username: str, name: str):
    """A national finance officer with a confirmed authenticator (its secret stays with the test)."""
    user = FinanceOfficerFactory(username=username, first_name=name, password=PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="HP dinas", confirmed=True)
    return user, device


def _officer_logs_in(page, username: str, device: TOTPDevice):
    """Password, then the 6-digit code: finance officers must use two-factor log-in."""
    page.goto(page.base_url + "/akun/masuk/?next=/pembayaran/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Verifikasi dua langkah")).to_be_visible()
    page.fill("#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):0{device.digits}d}")
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_role("button", name="Keluar").first).to_be_visible()
    page.goto(page.base_url + "/pembayaran/")
    expect(page.get_by_role("heading", name="Pembayaran", exact=True)).to_be_visible()


def _incentive(alumna):
    """What the alumna reads about her incentive on "Insentif saya" (reloaded)."""
    alumna.goto(alumna.base_url + "/pembayaran/saya/")
    card = alumna.locator("li.card", has_text=TITLE)
    expect(card).to_have_count(1)
    _no_horizontal_scroll(alumna)
    return card


def test_alumna_sees_her_incentive_go_due_in_batch_paid(browser, live_server, settings, regions, tmp_path):
    settings.SISNAKER_REQUIRE_2FA = True
    settings.SISNAKER_2FA_GRACE_DAYS = 0
    ensure_default_rules()  # the migration's rules (APBD Rp600.000), gone after a transactional test's flush
    today = timezone.localdate()
    program = ProgramFactory(status=P.CLOSED, title=TITLE, funding="apbd", today=today - dt.timedelta(days=30))
    ayu = PersonFactory(full_name="Ayu Lestari", email="ayu@contoh.id", user__password=PASSWORD)
    enrollment = EnrollmentFactory(program=program, person=ayu, state=E.GRADUATED)
    maker, maker_device = _officer("bendahara.satu", "Sri Bendahara")
    checker, checker_device = _officer("ppk.dua", "Dedi PPK")
    base = live_server.url

    # --- 1. the alumna, logged in on her phone: no survey, no money
    ayu_ctx, alumna = _new_page(browser, base)
    _login(alumna, "ayu@contoh.id")
    alumna.get_by_role("link", name="Insentif saya").first.click()
    expect(alumna.get_by_role("heading", name="Insentif saya")).to_be_visible()
    card = alumna.locator("li.card", has_text=TITLE)
    expect(card).to_contain_text("Rp600.000")
    expect(card).to_contain_text("Menunggu survei")

    # --- 2. she fills the employment survey from "Pelatihan saya"
    alumna.get_by_role("link", name="Pelatihan saya").first.click()
    alumna.locator(".enrollment-card", has_text=TITLE).get_by_role("link", name="Isi survei kebekerjaan").click()
    expect(alumna.get_by_role("heading", name="Survei kebekerjaan")).to_be_visible()
    _no_horizontal_scroll(alumna)
    alumna.locator("#q-status").get_by_label("Bekerja (karyawan/buruh/pegawai)").click()
    alumna.fill("#q-employer", "CV Busana Priangan")
    alumna.locator("#q-sector").get_by_label("Industri pengolahan / manufaktur").click()
    alumna.fill("#q-position", "Operator mesin jahit")
    alumna.locator("#q-wage_range").get_by_label("Rp2.000.000 – Rp3.000.000").click()
    alumna.fill("#q-start_date", (today - dt.timedelta(days=10)).isoformat())
    alumna.locator("#q-relevance input[value='5']").click()
    alumna.get_by_role("button", name="Kirim jawaban").click()
    expect(alumna.get_by_role("heading", name="Jawaban Anda · Survei kebekerjaan")).to_be_visible()

    # Filled: the incentive needs an account in her name, which she records (her password confirms it).
    card = _incentive(alumna)
    expect(card).to_contain_text("Catat rekening atas nama Anda")
    card.get_by_role("link", name="Perbarui rekening").click()
    alumna.select_option("#id_bank_code", "002")
    alumna.fill("#id_number", ACCOUNT_NUMBER)
    alumna.fill("#id_holder_name", "AYU LESTARI")
    alumna.fill("#id_current_password", PASSWORD)
    alumna.get_by_role("button", name="Simpan rekening").click()
    expect(alumna.get_by_text("nama pemilik cocok dengan nama Anda").first).to_be_visible()
    card = alumna.locator("li.card", has_text=TITLE)
    expect(card).to_contain_text("Survei sudah diisi: insentif sedang diproses.")
    assert not Payable.objects.exists()

    # --- 3. the first finance officer: code, accrue → due
    maker_ctx, desk = _new_page(browser, base)
    _officer_logs_in(desk, "bendahara.satu", maker_device)
    desk.get_by_role("button", name="Hitung yang jatuh tempo").click()
    expect(desk.get_by_text(re.compile(r"^1 insentif dan \d+ biaya pelatihan baru jatuh tempo"))).to_be_visible()
    incentive = Payable.objects.get(enrollment=enrollment, kind="incentive")
    assert (incentive.status, incentive.amount) == (PayableStatus.DUE, 600_000)
    expect(_incentive(alumna)).to_contain_text("Menunggu pembayaran.")

    # --- 4. she builds the incentives' batch → in batch; she may not approve her own batch
    build = desk.locator("form", has=desk.get_by_role("button", name="Buat batch"))
    build.locator("select[name=funding_source]").select_option("apbd")
    build.locator("select[name=kind]").select_option("incentive")
    build.get_by_role("button", name="Buat batch").click()
    expect(desk.get_by_text("minta petugas lain menyetujuinya")).to_be_visible()
    batch = Batch.objects.get()
    assert desk.url.endswith(f"/pembayaran/batch/{batch.pk}/")
    expect(desk.get_by_text("Batch ini harus disetujui oleh petugas lain, bukan pembuatnya.")).to_be_visible()
    expect(desk.get_by_role("button", name="Setujui batch")).to_have_count(0)
    expect(desk.locator("table").last).to_contain_text("AYU LESTARI")
    expect(_incentive(alumna)).to_contain_text("Dalam batch pembayaran.")

    # --- 5. the second officer approves (four eyes) and downloads the BRI transfer file
    checker_ctx, office = _new_page(browser, base)
    _officer_logs_in(office, "ppk.dua", checker_device)
    office.locator("table").get_by_role("link", name=f"#{batch.pk}").click()
    office.get_by_role("button", name="Setujui batch").click()
    expect(office.get_by_text(f"Batch #{batch.pk} disetujui.")).to_be_visible()
    batch.refresh_from_db()
    assert (batch.status, batch.approved_by_id, batch.created_by_id) == (BatchStatus.APPROVED, checker.pk, maker.pk)
    expect(_incentive(alumna)).to_contain_text("Dalam batch pembayaran.")  # approved is not paid

    with office.expect_download() as caught:
        office.get_by_role("button", name=re.compile(r"\(002\)")).click()
    download = caught.value
    assert download.suggested_filename == f"sisnaker-batch-{batch.pk}-002.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [(r["bank_code"], r["account_number"], r["account_holder"], r["amount"]) for r in rows] == [
        ("002", ACCOUNT_NUMBER, "AYU LESTARI", "600000")]
    expect(_incentive(alumna)).to_contain_text("Dalam batch pembayaran.")  # a file sent to the bank is not paid either

    # --- 6. the bank's result comes back: imported on the batch page → paid
    office.reload()
    result = tmp_path / "hasil-bri.csv"
    result.write_text("reference,status,bank_reference,reason\r\n"
                      f"{rows[0]['reference']},BERHASIL,BRI-TRX-778812,\r\n", encoding="utf-8")
    office.set_input_files("#id_file", str(result))
    office.get_by_role("button", name="Impor hasil").click()
    expect(office.get_by_text("Hasil bank diterapkan: 1 berhasil, 0 gagal, 0 sudah tercatat sebelumnya.")).to_be_visible()
    expect(office.locator("table").last).to_contain_text("BRI-TRX-778812")

    incentive.refresh_from_db()
    assert incentive.status == PayableStatus.PAID
    assert batch.lines.get().status == LineStatus.PAID
    assert JournalEntry.objects.filter(idempotency_key=f"pay:{incentive.idempotency_key}").count() == 1
    card = _incentive(alumna)
    expect(card).to_contain_text("Dibayar pada")
    expect(card).not_to_contain_text("Dalam batch")

    # The same result file again changes nothing (exactly once), and she still reads "paid".
    office.set_input_files("#id_file", str(result))
    office.get_by_role("button", name="Impor hasil").click()
    expect(office.get_by_text("Hasil bank diterapkan: 0 berhasil, 0 gagal, 1 sudah tercatat sebelumnya.")).to_be_visible()
    assert JournalEntry.objects.filter(idempotency_key=f"pay:{incentive.idempotency_key}").count() == 1
    expect(_incentive(alumna)).to_contain_text("Dibayar pada")
    for ctx in (ayu_ctx, maker_ctx, checker_ctx):
        ctx.close()
